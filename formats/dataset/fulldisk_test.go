//go:build linux

package dataset

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/cprtestdata/cprtestdata/generator"
)

// TestFullDisk writes to a 1 MB tmpfs: the run must fail with the disk's error and leave no file.
func TestFullDisk(t *testing.T) {
	dir := t.TempDir()
	if err := syscall.Mount("tmpfs", dir, "tmpfs", 0, "size=1m"); err != nil {
		if os.Getenv("CI") == "true" && os.Geteuid() == 0 {
			t.Fatalf("CI runs as root and should be able to mount a tmpfs: %v", err)
		}
		t.Skipf("cannot mount a small tmpfs to fill (needs root): %v", err)
	}
	defer syscall.Unmount(dir, 0)
	out := filepath.Join(dir, "out")
	_, err := Write(context.Background(), out, Options{Generator: generator.Config{Persons: 20000}})
	if !errors.Is(err, syscall.ENOSPC) {
		t.Fatalf("Write on a full disk = %v, want ENOSPC", err)
	}
	filepath.WalkDir(out, func(path string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			t.Errorf("a failed run left %s", path)
		}
		return nil
	})
}
