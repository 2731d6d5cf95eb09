package outdir

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
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

// TestAbortRemovesTheDirectoriesItMade checks that a run that fails leaves no directory behind where
// there was none, and leaves alone those that were there.
func TestAbortRemovesTheDirectoriesItMade(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "a", "b", "out")
	d, err := Open(dir, false)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.Create("csv/x.csv"); err != nil {
		t.Fatal(err)
	}
	d.Abort()
	if got := names(t, root); len(got) != 0 {
		t.Errorf("after Abort %s holds %v, want nothing", root, got)
	}
}

// TestOpenRefusesWhatIsNotADirectory checks that an output that is a device, a FIFO or a regular file,
// or a symbolic link to one, is refused and left as it is.
func TestOpenRefusesWhatIsNotADirectory(t *testing.T) {
	root := t.TempDir()
	fifo := filepath.Join(root, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(root, "file")
	os.WriteFile(file, []byte("keep"), 0o644)
	link := filepath.Join(root, "link")
	os.Symlink("/dev/null", link)
	for _, p := range []string{"/dev/null", fifo, file, link} {
		if _, err := Open(p, true); !errors.Is(err, ErrNotDir) {
			t.Errorf("Open(%s): %v, want ErrNotDir", p, err)
		}
	}
	if info, err := os.Lstat(fifo); err != nil || info.Mode()&os.ModeNamedPipe == 0 {
		t.Errorf("the FIFO is gone or changed: %v %v", info, err)
	}
	if data, _ := os.ReadFile(file); string(data) != "keep" {
		t.Errorf("the file was changed: %q", data)
	}
	if info, err := os.Stat("/dev/null"); err != nil || info.Mode()&os.ModeDevice == 0 {
		t.Fatalf("/dev/null is no longer a device: %v %v", info, err)
	}
}

// TestForceReplacesThePreviousRun checks that with force the files a previous run made and this one
// does not are removed (with directories left empty), that temporary files an interrupted run left in
// subdirectories go, that files the runs did not make stay, and that nothing but regular files is
// replaced.
func TestForceReplacesThePreviousRun(t *testing.T) {
	dir := t.TempDir()
	for _, n := range []string{"old.txt", "csv/old.csv", "csv/.partial-x.csv-123", ".partial-y-1", "mine.txt", "keep.txt"} {
		os.MkdirAll(filepath.Join(dir, filepath.Dir(n)), 0o755)
		os.WriteFile(filepath.Join(dir, n), []byte(n), 0o644)
	}
	d, err := Open(dir, true)
	if err != nil {
		t.Fatal(err)
	}
	d.Replace([]string{"old.txt", "csv/old.csv", "keep.txt", "../outside.txt", "/etc/passwd"})
	for _, n := range []string{"keep.txt", "manifest.json"} {
		f, err := d.Create(n)
		if err != nil {
			t.Fatal(err)
		}
		f.Write([]byte("new " + n))
	}
	if err := d.Commit(); err != nil {
		t.Fatal(err)
	}
	want := []string{"keep.txt", "manifest.json", "mine.txt"}
	if got := names(t, dir); strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("the directory holds %v, want %v", got, want)
	}
	if data, _ := os.ReadFile(filepath.Join(dir, "keep.txt")); string(data) != "new keep.txt" {
		t.Errorf("keep.txt holds %q", data)
	}

	// A name the run writes that is not a regular file there is not replaced.
	fifo := filepath.Join(dir, "persons.jsonl")
	syscall.Mkfifo(fifo, 0o600)
	d, err = Open(dir, true)
	if err != nil {
		t.Fatal(err)
	}
	f, _ := d.Create("persons.jsonl")
	f.Write([]byte("x"))
	if err := d.Commit(); !errors.Is(err, ErrNotDir) {
		t.Errorf("Commit over a FIFO: %v", err)
	}
	if info, err := os.Lstat(fifo); err != nil || info.Mode()&os.ModeNamedPipe == 0 {
		t.Errorf("the FIFO was replaced: %v %v", info, err)
	}
}

// TestNoWritingThroughLinks checks that a subdirectory that is a symbolic link is neither written into
// nor removed from: it could lead anywhere.
func TestNoWritingThroughLinks(t *testing.T) {
	root := t.TempDir()
	elsewhere := filepath.Join(root, "elsewhere")
	os.Mkdir(elsewhere, 0o755)
	os.WriteFile(filepath.Join(elsewhere, "old.csv"), []byte("not ours"), 0o644)
	dir := filepath.Join(root, "out")
	os.Mkdir(dir, 0o755)
	os.Symlink(elsewhere, filepath.Join(dir, "csv"))
	d, err := Open(dir, true)
	if err != nil {
		t.Fatal(err)
	}
	d.Replace([]string{"csv/old.csv"})
	if _, err := d.Create("csv/new.csv"); !errors.Is(err, ErrNotDir) {
		t.Errorf("Create through a link: %v", err)
	}
	f, err := d.Create("manifest.json")
	if err != nil {
		t.Fatal(err)
	}
	f.Write([]byte("{}"))
	if err := d.Commit(); err != nil {
		t.Fatal(err)
	}
	if data, err := os.ReadFile(filepath.Join(elsewhere, "old.csv")); err != nil || string(data) != "not ours" {
		t.Errorf("a file behind the link was touched: %q %v", data, err)
	}
	if got := names(t, elsewhere); len(got) != 1 {
		t.Errorf("behind the link: %v", got)
	}
}
