package main

import (
	"io"
	"os"
	"sync"

	"github.com/urfave/cli/v2"

	"github.com/cprtestdata/cprtestdata/formats/outdir"
)

// The rules every command keeps for the files it is given, so the same fault has the same exit code
// everywhere: an input that cannot be opened or is a directory, and an output that is not a regular
// file (a device, a FIFO, a socket, a symbolic link) or cannot be written where it would go, are usage
// errors (2); a failure while the work is under way is 3.

// openInput opens a file a command reads.
func openInput(c *cli.Context, name string) (*os.File, error) {
	info, err := os.Stat(name)
	switch {
	case err != nil:
		return nil, usagef(c, "%v", err)
	case info.IsDir():
		return nil, usagef(c, "%s is a directory, not a file", name)
	}
	f, err := os.Open(name) // a FIFO blocks here until a writer comes, as cat does; Ctrl-C still ends it
	if err != nil {
		return nil, usagef(c, "%v", err)
	}
	return f, nil
}

// checkOutputFile checks the file flag names as an output: it may be absent, or with force a regular
// file, which the command replaces by renaming its finished output over it. Nothing else is ever renamed
// over, truncated or removed.
func checkOutputFile(c *cli.Context, flag, name string, force bool) error {
	info, err := os.Lstat(name)
	switch {
	case os.IsNotExist(err):
		return nil
	case err != nil:
		return usagef(c, "--%s %s: %v", flag, name, err)
	case info.Mode()&os.ModeSymlink != 0:
		return usagef(c, "--%s %s is a symbolic link; name the file itself", flag, name)
	case !info.Mode().IsRegular():
		return usagef(c, "--%s %s is %s, not a regular file: testdata writes only regular files", flag, name, outdir.Kind(info.Mode()))
	case !force:
		return usagef(c, "--%s %s exists; give --force to overwrite it", flag, name)
	}
	return nil
}

// outputWriter keeps the first error writing standard output, so that a command whose output was lost
// (a full disk, a closed pipe) does not exit 0.
type outputWriter struct {
	w   io.Writer
	mu  sync.Mutex
	err error
}

func (o *outputWriter) Write(p []byte) (int, error) {
	n, err := o.w.Write(p)
	if err != nil {
		o.mu.Lock()
		if o.err == nil {
			o.err = err
		}
		o.mu.Unlock()
	}
	return n, err
}

func (o *outputWriter) failed() error {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.err
}
