package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"unicode/utf8"

	"github.com/urfave/cli/v2"

	"github.com/cprtestdata/cprtestdata/generator/pnr"
)

func pnrValidateCommand() *cli.Command {
	return &cli.Command{
		Name:      "validate",
		Usage:     "check a file of numbers, one per line",
		ArgsUsage: "[FILE|-]",
		Description: `Reads one number per line from FILE, or standard input when FILE is - or absent. Blank lines and
lines starting with # are skipped. Prints one verdict per number, tab-separated:

   NUMBER  valid    KIND
   NUMBER  invalid  line N, position P: REASON

and a summary on standard error. Exits 1 if any number is invalid. It streams, so a file of any size works;
a line longer than 64 KiB is one invalid line, and Ctrl-C ends any read.

Examples:
   $ printf '070761-4285\n0101650001\n# a comment\n3213651234\n' | testdata pnr validate
   070761-4285	valid	control-digit
   0101650001	valid	no-control-digit
   3213651234	invalid	line 4, position 1-2: day 32 is not 01-31, or 61-91 for a substitute number
   testdata pnr validate: -: 3 numbers: 2 valid (1 control-digit, 1 no-control-digit, 0 substitute), 1 invalid, the first on line 4

   $ printf '0101650001\n2902001234\n' | testdata pnr validate --invalid-only
   2902001234	invalid	line 2, position 1-7: 29 February 1900 does not exist (7th digit 1 puts year 00 in 1900)
   testdata pnr validate: -: 2 numbers: 1 valid (0 control-digit, 1 no-control-digit, 0 substitute), 1 invalid, the first on line 2`,
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "invalid-only", Usage: "print verdicts for invalid numbers only"},
		},
		OnUsageError: onUsageError,
		Action:       pnrValidate,
	}
}

// maxLine bounds the length of a line validate holds in memory; longer lines are invalid.
const maxLine = 64 << 10

func pnrValidate(c *cli.Context) error {
	if c.NArg() > 1 {
		return usagef(c, "one FILE at most, got %d", c.NArg())
	}
	name := c.Args().First()
	in := c.App.Reader
	if name != "" && name != "-" {
		f, err := openInput(c, name)
		if err != nil {
			return err
		}
		defer f.Close()
		in = f
	}
	if name == "" {
		name = "-"
	}
	out := bufio.NewWriterSize(c.App.Writer, 256<<10)
	v := validation{out: out, invalidOnly: c.Bool("invalid-only")}
	readErr := v.run(c, in)
	if err := out.Flush(); err != nil && readErr == nil {
		readErr = fmt.Errorf("write: %w", err)
	}
	fmt.Fprintf(c.App.ErrWriter, "testdata pnr validate: %s: %s\n", name, v.summary())
	if readErr != nil {
		return fmt.Errorf("%s: %w", name, readErr)
	}
	if v.invalid > 0 {
		return errInvalidFound
	}
	return nil
}

type validation struct {
	out          *bufio.Writer
	invalidOnly  bool
	line         int
	valid        int
	invalid      int
	firstInvalid int
	kinds        [4]int // by pnr.Kind
}

// run reads the numbers. It checks ctx at least every maxLine bytes, so an endless line (/dev/zero)
// ends as promptly as an endless file when the context ends.
func (v *validation) run(c *cli.Context, in io.Reader) error {
	r := bufio.NewReaderSize(in, maxLine)
	for {
		line, err := r.ReadSlice('\n')
		v.line++
		if v.line%(1<<16) == 0 && c.Context.Err() != nil {
			return c.Context.Err()
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			n, start := len(line), printable(line[:16])+"..."
			for errors.Is(err, bufio.ErrBufferFull) {
				if c.Context.Err() != nil {
					return c.Context.Err()
				}
				line, err = r.ReadSlice('\n')
				n += len(line)
			}
			if err == nil {
				n-- // the line end
			}
			v.reject(fmt.Sprintf("%s\tinvalid\tline %d: %d bytes, longer than any number (a line of over %d bytes is not read)",
				start, v.line, n, maxLine))
		} else {
			line = bytes.TrimSuffix(bytes.TrimSuffix(line, []byte("\n")), []byte("\r"))
			if len(line) > 0 && line[0] != '#' {
				v.check(line)
			} else if len(line) == 0 && err == io.EOF {
				v.line--
			}
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("line %d: %w", v.line, err)
		}
	}
}

func (v *validation) check(line []byte) {
	n, err := pnr.ParseBytes(line)
	if err != nil {
		var pe *pnr.ParseError
		reason := err.Error()
		if errors.As(err, &pe) {
			reason = fmt.Sprintf("line %d, %s", v.line, pe.Located())
		}
		v.reject(printable(line) + "\t" + "invalid\t" + reason)
		return
	}
	v.valid++
	v.kinds[n.Kind()]++
	if !v.invalidOnly {
		v.out.Write(line)
		v.out.WriteString("\tvalid\t")
		v.out.WriteString(n.Kind().String())
		v.out.WriteByte('\n')
	}
}

func (v *validation) reject(verdict string) {
	v.invalid++
	if v.firstInvalid == 0 {
		v.firstInvalid = v.line
	}
	v.out.WriteString(verdict)
	v.out.WriteByte('\n')
}

// printable returns the line as given, or quoted when it holds tabs, control characters or invalid UTF-8
// that would break the tab-separated output.
func printable(line []byte) string {
	for _, r := range string(line) {
		if r < ' ' || r == 0x7f || r == utf8.RuneError {
			return strconv.Quote(string(line))
		}
	}
	return string(line)
}

func (v *validation) summary() string {
	s := fmt.Sprintf("%d numbers: %d valid (%d control-digit, %d no-control-digit, %d substitute), %d invalid",
		v.valid+v.invalid, v.valid, v.kinds[pnr.ControlDigit], v.kinds[pnr.NoControlDigit], v.kinds[pnr.Substitute], v.invalid)
	if v.invalid > 0 {
		s += fmt.Sprintf(", the first on line %d", v.firstInvalid)
	}
	return s
}
