package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/urfave/cli/v2"

	"github.com/cprtestdata/cprtestdata/generator/pnr"
)

func pnrDescribeCommand() *cli.Command {
	return &cli.Command{
		Name:      "describe",
		Usage:     "say what each number is: valid or not and why, kind, birth date, gender",
		ArgsUsage: "NUMBER...",
		Description: `Each NUMBER is DDMMYYSSSS or DDMMYY-SSSS. Substitute numbers are recognised: CPR's scheme (day + 60),
the health sector's D-eCPR and X-eCPR (two letters in positions 8-9) and KOT's (three letters in positions
7-9, then 1 or 2; no century digit, so years 00-29 are read as 2000s and 30-99 as 1900s). Exits 1 if any
is invalid.

Examples:
   $ testdata pnr describe 070761-4285 0101650001 2902001234 670381-1234
   070761-4285  valid    control-digit     1961-07-07  male
   0101650001   valid    no-control-digit  1965-01-01  male    date on CPR's no-control-digit list of 2023-05-10
   2902001234   invalid  position 1-7: 29 February 1900 does not exist (7th digit 1 puts year 00 in 1900)
   670381-1234  valid    substitute        1981-03-07  female  substitute scheme cpr-day-plus-60

   $ testdata pnr describe --json 0101650001
   {"pnr":"0101650001","valid":true,"kind":"no-control-digit","birth_date":"1965-01-01","century":1900,"gender":"M","control_digit":false,"on_no_control_digit_list":true}`,
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "json", Usage: "print one JSON object per number, one per line"},
		},
		OnUsageError: onUsageError,
		Action:       pnrDescribe,
	}
}

func pnrDescribe(c *cli.Context) error {
	if !c.Args().Present() {
		return usagef(c, "no numbers given")
	}
	invalid := 0
	var err error
	if c.Bool("json") {
		enc := json.NewEncoder(c.App.Writer)
		enc.SetEscapeHTML(false)
		for _, s := range c.Args().Slice() {
			d := pnr.Describe(s)
			if !d.Valid {
				invalid++
			}
			if err = enc.Encode(d); err != nil {
				break
			}
		}
	} else {
		var rows [][]string
		for _, s := range c.Args().Slice() {
			d := pnr.Describe(s)
			if !d.Valid {
				invalid++
			}
			rows = append(rows, describeRow(d))
		}
		_, err = io.WriteString(c.App.Writer, alignColumns(rows))
	}
	if err != nil {
		return fmt.Errorf("write: %w", err)
	}
	if invalid > 0 {
		return errInvalidFound
	}
	return nil
}

// describeRow is one line of `pnr describe` as cells.
func describeRow(d pnr.Description) []string {
	if !d.Valid {
		switch {
		case d.PositionEnd > d.Position:
			return []string{d.Number, "invalid", fmt.Sprintf("position %d-%d: %s", d.Position, d.PositionEnd, d.Error)}
		case d.Position > 0:
			return []string{d.Number, "invalid", fmt.Sprintf("position %d: %s", d.Position, d.Error)}
		}
		return []string{d.Number, "invalid", d.Error}
	}
	gender := "female"
	if d.Gender == pnr.Male {
		gender = "male"
	}
	note := ""
	switch {
	case d.Kind == pnr.Substitute && d.CenturyAssumed:
		note = "substitute scheme " + d.Scheme.String() + "; no century in the number, " + strconv.Itoa(d.Century) + "s assumed"
	case d.Kind == pnr.Substitute:
		note = "substitute scheme " + d.Scheme.String()
	case d.OnNoControlDigitList:
		note = "date on CPR's no-control-digit list of " + pnr.NoControlDigitListDate.String()
	case d.Kind == pnr.NoControlDigit:
		note = "date not on CPR's no-control-digit list of " + pnr.NoControlDigitListDate.String() + ", which may be incomplete"
	}
	row := []string{d.Number, "valid", d.Kind.String(), d.BirthDate.String(), gender}
	if note != "" {
		row = append(row, note)
	}
	return row
}

// alignColumns lays rows out in columns two spaces apart. A row's last cell does not widen its column, so
// a long reason on one row leaves the others compact.
func alignColumns(rows [][]string) string {
	var widths []int
	for _, row := range rows {
		for i, cell := range row[:len(row)-1] {
			if i == len(widths) {
				widths = append(widths, 0)
			}
			widths[i] = max(widths[i], utf8.RuneCountInString(cell))
		}
	}
	var b strings.Builder
	for _, row := range rows {
		for i, cell := range row {
			b.WriteString(cell)
			if i < len(row)-1 {
				b.WriteString(strings.Repeat(" ", widths[i]-utf8.RuneCountInString(cell)+2))
			}
		}
		b.WriteByte('\n')
	}
	return b.String()
}
