package main

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestSameFaultSameExitCode gives every command the same faulty files and checks each gets the same
// exit code, a one-line error, and that nothing given is changed and no output directory is left.
func TestSameFaultSameExitCode(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "a-directory")
	os.Mkdir(dir, 0o755)
	file := filepath.Join(root, "a-file")
	os.WriteFile(file, []byte("x\n"), 0o644)
	fifo := filepath.Join(root, "a-fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	toNull := filepath.Join(root, "to-null")
	os.Symlink("/dev/null", toNull)
	missing := filepath.Join(root, "missing")
	status := filepath.Join(root, "D260101.L900001")
	if _, stderr, code := runCLI(t, "", "generate", "--out", filepath.Join(root, "gen"), "--persons", "200", "--format", "fixed", "--quiet"); code != exitOK {
		t.Fatal(stderr)
	}
	os.Rename(filepath.Join(root, "gen", "D260101.L900001"), status)
	newDir := filepath.Join(root, "new", "out")

	for _, tc := range []struct {
		name string
		args []string
		want int
	}{
		{"inspect a directory", []string{"inspect", dir}, exitUsage},
		{"apply a directory", []string{"apply", "--out", filepath.Join(root, "r1"), dir}, exitUsage},
		{"validate a directory", []string{"pnr", "validate", dir}, exitUsage},
		{"inspect a missing file", []string{"inspect", missing}, exitUsage},
		{"apply a missing file", []string{"apply", "--out", filepath.Join(root, "r2"), missing}, exitUsage},
		{"validate a missing file", []string{"pnr", "validate", missing}, exitUsage},
		{"generate into a device", []string{"generate", "--force", "--out", "/dev/null", "--persons", "100"}, exitUsage},
		{"generate into a symbolic link to a device", []string{"generate", "--force", "--out", toNull, "--persons", "100"}, exitUsage},
		{"generate into a FIFO", []string{"generate", "--force", "--out", fifo, "--persons", "100"}, exitUsage},
		{"generate where no directory can be made", []string{"generate", "--out", filepath.Join(file, "out"), "--persons", "100"}, exitUsage},
		{"apply over a device", []string{"apply", "--force", "--out", "/dev/null", status}, exitUsage},
		{"apply over a symbolic link to a device", []string{"apply", "--force", "--out", toNull, status}, exitUsage},
		{"apply over a FIFO", []string{"apply", "--force", "--out", fifo, status}, exitUsage},
		{"apply where nothing can be written", []string{"apply", "--out", filepath.Join(file, "result"), status}, exitUsage},
		{"generate with a usage error found late", []string{"generate", "--out", newDir, "--persons", "100", "--scenario", "twins=500"}, exitUsage},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, stderr, code := runCLI(t, "", tc.args...)
			if code != tc.want || strings.Count(strings.TrimSpace(stderr), "\n") > 1 || !strings.HasPrefix(stderr, "testdata: ") {
				t.Errorf("exit %d, stderr %q; want exit %d and a one-line error", code, stderr, tc.want)
			}
		})
	}
	if info, err := os.Stat("/dev/null"); err != nil || info.Mode()&os.ModeDevice == 0 {
		t.Fatalf("/dev/null is no longer a device: %v, %v", info, err)
	}
	if info, err := os.Lstat(fifo); err != nil || info.Mode()&os.ModeNamedPipe == 0 {
		t.Errorf("the FIFO was replaced: %v, %v", info, err)
	}
	if info, err := os.Lstat(toNull); err != nil || info.Mode()&os.ModeSymlink == 0 {
		t.Errorf("the symbolic link was replaced: %v, %v", info, err)
	}
	if _, err := os.Stat(filepath.Join(root, "new")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a usage error left the output directory it made: %v", err)
	}
}

// failingWriter fails every write, as a full disk does.
type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, syscall.ENOSPC }

// TestStandardOutputWriteError checks that a command whose standard output cannot be written exits 3.
func TestStandardOutputWriteError(t *testing.T) {
	for _, args := range [][]string{
		{"scenarios"},
		{"pnr", "describe", "0101650001"},
		{"pnr", "allocate", "--date", "1965-01-01", "--gender", "M", "--count", "3"},
		{"pnr", "validate"},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			var stderr strings.Builder
			code := run(context.Background(), append([]string{"testdata"}, args...), strings.NewReader("0101650001\n"), failingWriter{}, &stderr)
			if code != exitFailure || !strings.Contains(stderr.String(), "no space left") {
				t.Errorf("exit %d, stderr %q; want %d and the write error", code, stderr.String(), exitFailure)
			}
		})
	}
	var out strings.Builder
	if code := run(context.Background(), []string{"testdata", "scenarios"}, strings.NewReader(""), &out, io.Discard); code != exitOK || out.Len() == 0 {
		t.Errorf("scenarios to a working writer: exit %d", code)
	}
}
