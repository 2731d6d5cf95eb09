package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/cprtestdata/cprtestdata/formats/extract"
)

func inspectCommand() *cli.Command {
	return &cli.Command{
		Name:      "inspect",
		Usage:     "check CPR extract files (Format A) against CPR's layout and invariants",
		ArgsUsage: "FILE...",
		Description: `Reads each FILE - ours or CPR's, in any framing - and reports: counts per record type, layout errors
with their line and byte offset, the 999 counter, the production-date chain across the files in the
order given, and per-person invariants (the number is valid; gender and birth date agree with it; 002
only below status 30; one 001, 003, 008-012 and 015 per person; at most four 004; 022 for changed
numbers). Links to numbers a file does not carry are information, not violations: change files and
partial extracts have them. Exits 1 when it finds violations.

Examples:
   testdata inspect out/D260101.L900001
   testdata inspect --json D100312.L431101 D100313.L431101`,
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "json", Usage: "print the report as JSON"},
			&cli.IntFlag{Name: "max-findings", Value: 20, Usage: "findings to list per rule (all are counted)"},
		},
		OnUsageError: onUsageError,
		Action:       inspect,
	}
}

func inspect(c *cli.Context) error {
	if !c.Args().Present() {
		return usagef(c, "no files given")
	}
	names := c.Args().Slice()
	for _, n := range names { // every name is checked before any file is read
		if info, err := os.Stat(n); err != nil {
			return usagef(c, "%v", err)
		} else if info.IsDir() {
			return usagef(c, "%s is a directory, not a file", n)
		}
	}
	rep, err := extract.Inspect(names, func(n string) (io.ReadCloser, error) { return openInput(c, n) })
	if err != nil {
		return err
	}
	w := c.App.Writer
	if c.Bool("json") {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rep); err != nil {
			return fmt.Errorf("write: %w", err)
		}
	} else {
		printReport(w, rep, c.Int("max-findings"))
	}
	if rep.Violations > 0 {
		return errInvalidFound
	}
	return nil
}

func printReport(w io.Writer, rep *extract.Report, max int) {
	for _, f := range rep.Files {
		trimmed := ""
		if f.Trimmed {
			trimmed = ", trimmed"
		}
		fmt.Fprintf(w, "%s: %d records (%s%s), %d persons, task %s, produced %s, previous %s, end counter %s\n",
			f.Name, f.Records, f.Framing, trimmed, f.Persons, f.Task, f.Production, f.PreviousProduction, f.Counter)
		types := make([]string, 0, len(f.Counts))
		for t := range f.Counts {
			types = append(types, t)
		}
		sort.Strings(types)
		var counts []string
		for _, t := range types {
			counts = append(counts, fmt.Sprintf("%s:%d", t, f.Counts[t]))
		}
		fmt.Fprintf(w, "  %s\n", strings.Join(counts, " "))
	}
	shown := map[string]int{}
	for _, violations := range []bool{true, false} {
		for _, f := range rep.Findings {
			if f.Violates != violations || shown[f.Rule] >= max {
				continue
			}
			shown[f.Rule]++
			kind := "violation"
			if !f.Violates {
				kind = "info"
			}
			fmt.Fprintf(w, "%s [%s] %s\n", kind, f.Rule, f)
		}
	}
	fmt.Fprintf(w, "%d violations, %d information\n", rep.Violations, rep.Info)
}
