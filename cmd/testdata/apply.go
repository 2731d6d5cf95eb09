package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/urfave/cli/v2"

	"github.com/cprtestdata/cprtestdata/formats/extract"
	"github.com/cprtestdata/cprtestdata/formats/private"
)

func applyCommand() *cli.Command {
	return &cli.Command{
		Name:      "apply",
		Usage:     "apply change extracts to a status extract, as a receiving program should, and write the result",
		ArgsUsage: "STATUS CHANGE...",
		Description: `Reads the status extract and then each change extract in the order given, by CPR's snapshot
semantics: every person a file carries replaces what was held of them, new persons are added in the
order they come, and 099 events are not data. Writes what is held as a status extract (the last file's
start record, the persons, the 003 block, the end record) to --out, in CPR's stream framing unless
--framing says otherwise. The result of a testdata generate --days N --final-status run is its final/
file, byte for byte: compare your own receiver's result with it.

With --municipality CODES the receiver is one of an area extract's (testdata generate --municipality):
after each file it lets go of the persons it carries who no longer live in the area, as the area's
final status extract holds only its residents.

Examples:
   testdata apply --out result out/D260101.L900001 out/changes/*
   cmp result out/final/D260201.L900001
   testdata apply --municipality 101,147 --out result area/D260101.L900001 area/changes/*`,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "out", Usage: "file to write (required)"},
			&cli.StringFlag{Name: "framing", Value: "stream", Usage: "framing of the result: stream, lf or crlf"},
			&cli.BoolFlag{Name: "force", Usage: "overwrite --out when it exists"},
			&cli.StringFlag{Name: "product", Value: "public", Usage: "public (Format A) or private (CPR Direkte PRIV's layout, from generate --product private)"},
			&cli.StringFlag{Name: "municipality", Usage: "CODES: keep only the persons living in these municipalities after each file, as a receiver of an area extract does"},
		},
		OnUsageError: onUsageError,
		Action:       apply,
	}
}

func apply(c *cli.Context) error {
	names := c.Args().Slice()
	if len(names) == 0 {
		return usagef(c, "no files given: a status extract and change extracts")
	}
	out := c.String("out")
	if out == "" {
		return usagef(c, "--out is required")
	}
	framing, err := extract.ParseFraming(c.String("framing"))
	if err != nil {
		return usagef(c, "--framing: %v; want stream, lf or crlf", err)
	}
	if err := checkOutputFile(c, "out", out, c.Bool("force")); err != nil {
		return err
	}
	files := make([]*os.File, len(names))
	for i, name := range names {
		f, err := openInput(c, name)
		if err != nil {
			return err
		}
		defer f.Close()
		files[i] = f
	}
	rc := extract.NewReceiver()
	switch product := c.String("product"); product {
	case "public":
	case "private":
		rc = extract.NewReceiverLayouts(private.LayoutOf)
	default:
		return usagef(c, "--product %q: want public or private", product)
	}
	if c.IsSet("municipality") {
		area, err := extract.ParseArea(c.String("municipality"))
		if err != nil {
			return usagef(c, "--municipality: %v", err)
		}
		rc.KeepArea(area)
	}
	for i, f := range files {
		if err := rc.Apply(f); err != nil {
			fmt.Fprintf(c.App.ErrWriter, "testdata apply: %s: %v\n", names[i], err)
			return errInvalidFound
		}
		if err := c.Context.Err(); err != nil {
			return err
		}
	}
	// Written under a temporary name and renamed when complete, like every output of testdata.
	tmp, err := os.CreateTemp(filepath.Dir(out), ".testdata-apply-*")
	if err != nil {
		return usagef(c, "--out %s: cannot write there: %v", out, err)
	}
	defer os.Remove(tmp.Name())
	if err := rc.WriteTo(tmp, nil, extract.WriterOptions{Framing: framing}); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", out, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", out, err)
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), out); err != nil {
		return fmt.Errorf("write %s: %w", out, err)
	}
	fmt.Fprintf(c.App.ErrWriter, "testdata apply: %d files, %d persons held, written to %s\n", len(names), len(rc.Numbers()), out)
	return nil
}
