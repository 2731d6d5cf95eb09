package main

import (
	"errors"
	"fmt"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/cprtestdata/cprtestdata/formats/dataset"
	"github.com/cprtestdata/cprtestdata/formats/outdir"
)

func mergeCommand() *cli.Command {
	return &cli.Command{
		Name:      "merge",
		Usage:     "make the shards of a run (generate --shard K/N) into the run made whole",
		ArgsUsage: "SHARD_DIR...",
		Description: `Reads the directories testdata generate --shard K/N made, one for every K of N in any order,
checks each against its manifest and all against each other (the same options but --shard), and
writes to --out what generate without --shard writes, byte for byte: one status extract with one
start and one end record, each day's change extract, the final status, every table, the JSON Lines,
the registers, the substitutes and the manifest. An area run (--municipality) and the private
product cannot be merged: make them unsharded.

Examples:
   testdata generate --out part0 --persons 10000000 --shard 0/2
   testdata generate --out part1 --persons 10000000 --shard 1/2
   testdata merge --out out part0 part1`,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "out", Usage: "directory to write (required; created when missing)"},
			&cli.BoolFlag{Name: "force", Usage: "write into a directory that is not empty, replacing the run there"},
			&cli.BoolFlag{Name: "quiet", Usage: "print nothing on success"},
		},
		OnUsageError: onUsageError,
		Action:       merge,
	}
}

func merge(c *cli.Context) error {
	dirs := c.Args().Slice()
	if len(dirs) == 0 {
		return usagef(c, "no shard directories given")
	}
	out := c.String("out")
	if out == "" {
		return usagef(c, "--out is required")
	}
	start := time.Now()
	m, err := dataset.Merge(c.Context, out, dirs, c.Bool("force"))
	switch {
	case errors.Is(err, dataset.ErrMismatch):
		fmt.Fprintf(c.App.ErrWriter, "testdata merge: %v\n", err)
		return errInvalidFound
	case errors.Is(err, dataset.ErrShards), errors.Is(err, dataset.ErrManifest), errors.Is(err, dataset.ErrDataVersion),
		errors.Is(err, outdir.ErrNotEmpty), errors.Is(err, outdir.ErrNotDir), errors.Is(err, outdir.ErrNotWritable):
		return usagef(c, "%v", err)
	case err != nil:
		return err
	}
	if !c.Bool("quiet") {
		fmt.Fprintf(c.App.ErrWriter, "testdata merge: %d shards, %d persons in %s (%s)\n", len(dirs), m.Made, out, time.Since(start).Round(time.Millisecond))
		printFiles(c, m)
	}
	return nil
}
