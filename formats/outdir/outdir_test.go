package outdir

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func names(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		out = append(out, e.Name())
	}
	return out
}

func TestCommit(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "new", "out")
	d, err := Open(dir, false)
	if err != nil {
		t.Fatal(err)
	}
	f, err := d.Create("a.txt")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Write([]byte("hello\n")); err != nil {
		t.Fatal(err)
	}
	if got := names(t, dir); len(got) != 1 || got[0] == "a.txt" {
		t.Fatalf("before Commit the directory holds %v; want one temporary file", got)
	}
	if err := d.Commit(); err != nil {
		t.Fatal(err)
	}
	if got := names(t, dir); len(got) != 1 || got[0] != "a.txt" {
		t.Fatalf("after Commit: %v", got)
	}
	info, _ := os.Stat(filepath.Join(dir, "a.txt"))
	if info.Mode().Perm() != 0o644 {
		t.Errorf("mode %v, want 0644", info.Mode().Perm())
	}
	if f.SHA256() != "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03" || f.Size() != 6 {
		t.Errorf("sha256 %s size %d", f.SHA256(), f.Size())
	}
}

func TestAbortLeavesNothing(t *testing.T) {
	dir := t.TempDir()
	d, err := Open(dir, false)
	if err != nil {
		t.Fatal(err)
	}
	f, _ := d.Create("persons.jsonl")
	f.Write([]byte("{}\n"))
	d.Abort()
	if got := names(t, dir); len(got) != 0 {
		t.Errorf("after Abort the directory holds %v", got)
	}
}

func TestOpenRefuses(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "x"), []byte("x"), 0o644)
	if _, err := Open(dir, false); !errors.Is(err, ErrNotEmpty) {
		t.Errorf("Open of a non-empty directory = %v, want ErrNotEmpty", err)
	}
	if _, err := Open(dir, true); err != nil {
		t.Errorf("Open with force = %v", err)
	}
	if _, err := Open(filepath.Join(dir, "x"), true); err == nil {
		t.Error("Open of a file succeeded")
	}
	// A leftover temporary file from an interrupted run is cleared with force.
	os.WriteFile(filepath.Join(dir, tmpPrefix+"persons.jsonl-123"), nil, 0o644)
	if _, err := Open(dir, true); err != nil {
		t.Fatal(err)
	}
	for _, n := range names(t, dir) {
		if n != "x" {
			t.Errorf("leftover %s not removed", n)
		}
	}
}

func TestNotWritable(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root can write into a read-only directory; the check cannot fail here")
	}
	dir := t.TempDir()
	os.Chmod(dir, 0o555)
	defer os.Chmod(dir, 0o755)
	if _, err := Open(dir, false); err == nil {
		t.Error("Open of a read-only directory succeeded")
	}
}
