package main

import (
	"bufio"
	"errors"
	"fmt"

	"github.com/urfave/cli/v2"

	"github.com/cprtestdata/cprtestdata/generator/civil"
	"github.com/cprtestdata/cprtestdata/generator/pnr"
)

func pnrAllocateCommand() *cli.Command {
	return &cli.Command{
		Name:  "allocate",
		Usage: "print numbers for a birth date and gender in CPR's allocation order",
		Description: `Prints personnumre for one birth date and gender, one DDMMYYSSSS per line, in the order CPR issues
them: numbers with a control digit first (three-digit serials ascending), then numbers without one from
the gender's three series, one series after another. With --substitute it prints substitute numbers in
CPR's recommended scheme (day + 60) in the same order. Asking past the date's capacity is an error.

Examples:
   $ testdata pnr allocate --date 1965-01-01 --gender M --count 3
   0101650049
   0101650057
   0101650065

   $ testdata pnr allocate --date 1965-01-01 --gender K --skip 273 --count 3   # the first without control digit
   0101650002
   0101650010
   0101650016

   $ testdata pnr allocate --date 1981-03-07 --gender K --substitute
   6703810002`,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "date", Usage: "birth date, YYYY-MM-DD, 1858-01-01 to 2057-12-31 (required)"},
			&cli.StringFlag{Name: "gender", Usage: "M (male) or K (female) (required)"},
			&cli.IntFlag{Name: "count", Value: 1, Usage: "how many numbers to print"},
			&cli.IntFlag{Name: "skip", Usage: "skip this many numbers of the order first"},
			&cli.BoolFlag{Name: "all", Usage: "print every remaining number of the date (instead of --count)"},
			&cli.BoolFlag{Name: "substitute", Usage: "print substitute numbers (day + 60) instead of personnumre"},
		},
		OnUsageError: onUsageError,
		Action:       pnrAllocate,
	}
}

func pnrAllocate(c *cli.Context) error {
	if c.Args().Present() {
		return usagef(c, "unexpected argument %q", c.Args().First())
	}
	if !c.IsSet("date") || !c.IsSet("gender") {
		return usagef(c, "--date and --gender are required")
	}
	born, err := civil.Parse(c.String("date"))
	if err != nil {
		return usagef(c, "--date: %v", err)
	}
	g, err := pnr.ParseGender(c.String("gender"))
	if err != nil {
		return usagef(c, "--gender: %v", err)
	}
	count, skip := c.Int("count"), c.Int("skip")
	if count < 0 || skip < 0 {
		return usagef(c, "--count and --skip must not be negative")
	}
	if c.Bool("all") && c.IsSet("count") {
		return usagef(c, "--all and --count exclude each other")
	}
	newSeq := pnr.NewSequence
	if c.Bool("substitute") {
		newSeq = pnr.NewSubstituteSequence
	}
	seq, err := newSeq(born, g)
	if err != nil {
		return usagef(c, "--date: %v", err)
	}
	capacity, err := pnr.CapacityOf(born, g)
	if err != nil {
		return usagef(c, "--date: %v", err)
	}
	if c.Bool("all") {
		count = max(capacity.Total-skip, 0)
	}
	if skip+count > capacity.Total {
		return usagef(c, "%v", &pnr.CapacityError{Date: born, Gender: g, Capacity: capacity.Total, Asked: skip + count})
	}
	out := bufio.NewWriter(c.App.Writer)
	for i := 0; i < skip+count; i++ {
		n, ok := seq.Next()
		if !ok {
			return errors.New("allocation ended before the date's capacity") // CapacityOf and Sequence disagree
		}
		if i >= skip {
			out.Write(n.AppendTo(make([]byte, 0, 11)))
			out.WriteByte('\n')
		}
	}
	if err := out.Flush(); err != nil {
		return fmt.Errorf("write: %w", err)
	}
	return nil
}
