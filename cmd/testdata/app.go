package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/cprtestdata/cprtestdata/sandbox"
	"github.com/cprtestdata/cprtestdata/sandbox/sftpd"
)

// Exit codes, documented in the package comment and the README.
const (
	exitOK          = 0
	exitInvalid     = 1
	exitUsage       = 2
	exitFailure     = 3
	exitInterrupted = 130
)

// usageError is a mistake in how the command was called. main prints it with a hint to the command's help.
type usageError struct {
	command string // the full command, e.g. "testdata pnr allocate"
	err     error
}

func (e *usageError) Error() string { return e.err.Error() }
func (e *usageError) Unwrap() error { return e.err }

func usagef(c *cli.Context, format string, args ...any) error {
	return &usageError{command: c.Command.HelpName, err: fmt.Errorf(format, args...)}
}

// errInvalidFound reports that a check found invalid input. The command has already said what it found, so
// main prints nothing more and exits with exitInvalid.
var errInvalidFound = errors.New("invalid input found")

// run runs the command line args and returns the exit code. Errors are printed here, once.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	out := &outputWriter{w: stdout}
	app := newApp(stdin, out, stderr)
	err := app.RunContext(ctx, args)
	if werr := out.failed(); werr != nil && (err == nil || errors.Is(err, errInvalidFound)) {
		err = fmt.Errorf("write standard output: %w", werr)
	}
	var ue *usageError
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, errInvalidFound):
		return exitInvalid
	case errors.Is(err, sandbox.ErrShutdownTimeout), errors.Is(err, sftpd.ErrShutdownTimeout): // a shutdown asked for, which could not wait for everyone
		fmt.Fprintf(stderr, "testdata: %v\n", err)
		return exitFailure
	case ctx.Err() != nil:
		fmt.Fprintln(stderr, "testdata: interrupted")
		return exitInterrupted
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "testdata: %v\nRun '%s --help' for usage.\n", ue.err, ue.command)
		return exitUsage
	}
	fmt.Fprintf(stderr, "testdata: %v\n", err)
	return exitFailure
}

func newApp(stdin io.Reader, stdout, stderr io.Writer) *cli.App {
	return &cli.App{
		Name:    "testdata",
		Usage:   "synthetic Danish CPR test data for programs that receive CPR data",
		Version: versionString(),
		Description: `testdata makes and checks test data for receiving programs of Det Centrale Personregister -
personnumre with and without a control digit, substitute numbers, a synthetic population in CPR's
extract formats with daily change extracts - and serves it as a disposable CPR test environment.

Examples:
   testdata generate --out out
   testdata generate --out out --days 31 --final-status
   testdata inspect out/D260101.L900001 out/changes/*
   testdata apply --out result out/D260101.L900001 out/changes/*
   testdata serve --http :8080
   testdata scenarios
   testdata pnr describe 070761-4285 0101650001 2902001234
   testdata pnr validate numbers.txt
   testdata pnr allocate --date 1965-01-01 --gender M --count 5

Exit codes: 0 ok, 1 invalid input found, 2 usage error, 3 failure, 130 interrupted.`,
		Reader:               stdin,
		Writer:               stdout,
		ErrWriter:            stderr,
		HideHelpCommand:      true,
		EnableBashCompletion: true,
		Flags:                []cli.Flag{cli.HelpFlag},     // urfave/cli adds it only without a help command of the app's own
		ExitErrHandler:       func(*cli.Context, error) {}, // run picks the exit code
		OnUsageError:         onUsageError,
		Action:               unknownCommand,
		Commands: []*cli.Command{generateCommand(), inspectCommand(), applyCommand(), mergeCommand(), serveCommand(), healthcheckCommand(), scenariosCommand(), pnrCommand(),
			helpCommand(), completionCommand()},
	}
}

func onUsageError(c *cli.Context, err error, _ bool) error {
	msg := err.Error()
	if name, ok := strings.CutPrefix(msg, "flag provided but not defined: "); ok {
		name = strings.TrimLeft(name, "-")
		if len(name) > 1 {
			name = "--" + name // as the help writes flags
		} else {
			name = "-" + name
		}
		flags := c.App.Flags
		if c.Command != nil && c.Command.Name != "" {
			flags = c.Command.Flags
		}
		return usagef(c, "unknown flag %s%s", name, didYouMean(name, flagNames(flags)))
	}
	return usagef(c, "%v", err)
}

// unknownCommand is the action of commands that only group subcommands: without arguments it shows help,
// with one it reports that there is no such command.
func unknownCommand(c *cli.Context) error {
	if c.Args().Present() {
		cmds := c.App.Commands
		if c.Command != nil && len(c.Command.Subcommands) > 0 {
			cmds = c.Command.Subcommands
		}
		return usagef(c, "unknown command %q%s", c.Args().First(), didYouMean(c.Args().First(), commandNames(cmds)))
	}
	return cli.ShowSubcommandHelp(c)
}
