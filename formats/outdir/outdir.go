// Package outdir writes a run's files into a directory so that they appear whole or not at all: each file
// is written under a temporary name and renamed to its own when the whole run is committed; an aborted or
// interrupted run leaves no file that looks finished, and no directory it made. It records each file's
// size and SHA-256. It only ever removes or renames over regular files it made, or that a previous run
// made (Replace), and only makes directories where there were none.
package outdir

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
)

// Errors of Open, for a path that cannot take the output.
var (
	ErrNotEmpty    = errors.New("output directory is not empty") // unless force is set
	ErrNotDir      = errors.New("is a file, not a directory")
	ErrNotWritable = errors.New("output directory is not writable")
)

// tmpPrefix starts the names of files being written; Open with force removes leftovers.
const tmpPrefix = ".partial-"

// Dir is an output directory being written.
type Dir struct {
	path    string
	files   []*File
	dirs    []string // directories made (the output directory and its missing parents, then subdirectories), removed again by Abort when empty
	replace []string // files of a previous run, removed at Commit unless this run writes them
}

// Open prepares path for output: it is created when missing (and removed again by Abort), and must be
// an empty directory unless force is set, when files the run writes replace those of the same name,
// and the temporary files an interrupted run left (in the directory and its subdirectories) are removed.
func Open(path string, force bool) (*Dir, error) {
	d := &Dir{path: path}
	info, err := os.Stat(path) // a symbolic link to a directory is a directory to write into
	switch {
	case errors.Is(err, os.ErrNotExist):
		if err := d.mkdirAll(path); err != nil {
			return nil, fmt.Errorf("create output directory %s: %w: %w", path, ErrNotWritable, err)
		}
	case err != nil:
		return nil, fmt.Errorf("output directory %s: %w: %w", path, ErrNotWritable, err)
	case !info.IsDir():
		return nil, fmt.Errorf("output %s: %w (it is %s)", path, ErrNotDir, Kind(info.Mode()))
	default:
		entries, err := os.ReadDir(path)
		if err != nil {
			return nil, fmt.Errorf("output directory: %w", err)
		}
		if len(entries) > 0 && !force {
			return nil, fmt.Errorf("%s: %w (use --force to write into it)", path, ErrNotEmpty)
		}
		removeTemporary(path, 1)
	}
	// Fail early when the directory is not writable.
	probe, err := os.CreateTemp(path, tmpPrefix+"probe-")
	if err != nil {
		d.Abort()
		return nil, fmt.Errorf("%s: %w: %w", path, ErrNotWritable, err)
	}
	probe.Close()
	os.Remove(probe.Name())
	return d, nil
}

// Kind names what kind of file a mode is, for errors: "a regular file", "a device", and so on.
func Kind(m os.FileMode) string {
	switch {
	case m.IsDir():
		return "a directory"
	case m&os.ModeSymlink != 0:
		return "a symbolic link"
	case m.IsRegular():
		return "a regular file"
	case m&os.ModeDevice != 0:
		return "a device"
	case m&os.ModeNamedPipe != 0:
		return "a FIFO"
	case m&os.ModeSocket != 0:
		return "a socket"
	}
	return "not a directory"
}

// mkdirAll makes path and its missing parents, noting each for Abort.
func (d *Dir) mkdirAll(path string) error {
	var missing []string
	for p := filepath.Clean(path); ; p = filepath.Dir(p) {
		if _, err := os.Lstat(p); err == nil {
			break
		}
		missing = append(missing, p)
		if filepath.Dir(p) == p {
			break
		}
	}
	for i := len(missing) - 1; i >= 0; i-- {
		if err := os.Mkdir(missing[i], 0o755); err != nil && !errors.Is(err, os.ErrExist) {
			return err
		}
		d.dirs = append(d.dirs, missing[i])
	}
	return nil
}

// removeTemporary removes the temporary files of an interrupted run: regular files named with
// tmpPrefix in dir and, depth levels down, its subdirectories (a run writes at most one level down).
func removeTemporary(dir string, depth int) {
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		p := filepath.Join(dir, e.Name())
		switch {
		case e.Type().IsRegular() && strings.HasPrefix(e.Name(), tmpPrefix):
			os.Remove(p)
		case e.IsDir() && depth > 0: // not a symbolic link: ReadDir does not follow them
			removeTemporary(p, depth-1)
		}
	}
}

// Replace names the files of a previous run in the directory (slash-separated, relative): at Commit
// those this run does not write are removed, with their subdirectories when these end up empty, so the
// directory holds one run. Only regular files are removed; names outside the directory are ignored.
func (d *Dir) Replace(names []string) {
	for _, n := range names {
		if CheckName(n) == nil {
			d.replace = append(d.replace, n)
		}
	}
}

// CheckName accepts a file name a run can have: relative, slash-separated, clean, inside the directory.
func CheckName(name string) error {
	if name == "" || path.IsAbs(name) || strings.Contains(name, `\`) || path.Clean(name) != name || name == "." ||
		name == ".." || strings.HasPrefix(name, "../") {
		return fmt.Errorf("file name %q is not a name inside the directory", name)
	}
	return nil
}

// File is one file of the run, written under a temporary name until the Dir is committed. Writes are
// buffered and handed to a goroutine of the file's own that hashes and writes them, so the caller's work
// overlaps with the disk's.
type File struct {
	Name   string
	f      *os.File
	hash   hash.Hash
	buf    []byte
	full   chan []byte // buffers to write
	free   chan []byte // buffers written, for reuse
	done   chan error  // the writer goroutine's result
	size   int64
	sum    string
	err    error
	closed bool
}

const (
	bufSize = 128 << 10
	buffers = 3
)

// Create starts the file name in the directory; a name with slashes is in a subdirectory, made when
// missing.
func (d *Dir) Create(name string) (*File, error) {
	dir := filepath.Join(d.path, filepath.Dir(filepath.FromSlash(name)))
	if err := d.inside(path.Dir(name)); err != nil {
		return nil, fmt.Errorf("create %s: %w", name, err)
	}
	if _, err := os.Stat(dir); errors.Is(err, os.ErrNotExist) {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, fmt.Errorf("create %s: %w", name, err)
		}
		d.dirs = append(d.dirs, dir)
	}
	f, err := os.CreateTemp(dir, tmpPrefix+filepath.Base(name)+"-")
	if err != nil {
		return nil, fmt.Errorf("create %s: %w", name, err)
	}
	file := &File{Name: name, f: f, hash: sha256.New(), full: make(chan []byte, buffers), free: make(chan []byte, buffers),
		done: make(chan error, 1)}
	for i := 0; i < buffers-1; i++ {
		file.free <- make([]byte, 0, bufSize)
	}
	file.buf = make([]byte, 0, bufSize)
	go file.drain()
	d.files = append(d.files, file)
	return file, nil
}

// writebackChunk is how many bytes a file writes before it has the kernel start writing them to disk.
const writebackChunk = 8 << 20

// drain hashes and writes the buffers handed to it until the channel closes, and has the kernel start
// writing each chunk to disk as it completes.
func (f *File) drain() {
	var (
		err              error
		written, flushed int64
	)
	for b := range f.full {
		if err == nil {
			f.hash.Write(b)
			_, err = f.f.Write(b)
			if written += int64(len(b)); written-flushed >= writebackChunk {
				startWriteback(f.f, flushed, written-flushed)
				flushed = written
			}
		}
		f.free <- b[:0]
	}
	f.done <- err
}

// Write buffers p; full buffers go to the writer goroutine.
func (f *File) Write(p []byte) (int, error) {
	if f.err != nil {
		return 0, f.err
	}
	if f.closed {
		return 0, fmt.Errorf("write %s: file is closed", f.Name)
	}
	n := len(p)
	for len(p) > 0 {
		k := copy(f.buf[len(f.buf):cap(f.buf)], p)
		f.buf = f.buf[:len(f.buf)+k]
		p = p[k:]
		if len(f.buf) == cap(f.buf) {
			f.full <- f.buf
			f.buf = <-f.free
		}
	}
	f.size += int64(n)
	return n, nil
}

// Close hands on what is buffered, waits for it to be written, syncs and closes the temporary file;
// the file keeps its temporary name until Commit.
func (f *File) Close() error {
	if f.closed {
		return f.err
	}
	f.closed = true
	if len(f.buf) > 0 {
		f.full <- f.buf
	}
	close(f.full)
	err := <-f.done
	if err == nil {
		err = f.f.Chmod(0o644)
	}
	if err == nil {
		err = f.f.Sync()
	}
	if cerr := f.f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		f.err = fmt.Errorf("write %s: %w", f.Name, err)
		return f.err
	}
	f.sum = hex.EncodeToString(f.hash.Sum(nil))
	return nil
}

// Size returns the bytes written.
func (f *File) Size() int64 { return f.size }

// SHA256 returns the hex SHA-256 of the content, once the file is closed.
func (f *File) SHA256() string { return f.sum }

// Commit closes every file and renames each to its own name, in the order they were created: create
// the file that marks a complete run (a manifest) last.
func (d *Dir) Commit() error {
	for _, f := range d.files {
		if err := f.Close(); err != nil {
			d.Abort()
			return err
		}
	}
	written := map[string]bool{}
	for _, f := range d.files {
		written[f.Name] = true
	}
	for i, f := range d.files {
		if i == len(d.files)-1 {
			d.removeReplaced(written) // before the last file, which marks the run complete
		}
		name := filepath.Join(d.path, filepath.FromSlash(f.Name))
		if info, err := os.Lstat(name); err == nil && !info.Mode().IsRegular() {
			d.Abort()
			return fmt.Errorf("finish %s: %w (it is %s, which a run does not replace)", f.Name, ErrNotDir, Kind(info.Mode()))
		}
		if err := os.Rename(f.f.Name(), name); err != nil {
			d.Abort()
			return fmt.Errorf("finish %s: %w", f.Name, err)
		}
	}
	d.files, d.dirs = nil, nil
	return nil
}

// inside checks that the subdirectory rel (slash-separated, "." for the directory itself) of the
// output directory is made of real directories, where they exist: a symbolic link on the way would
// lead writes or removals outside the directory.
func (d *Dir) inside(rel string) error {
	p := d.path
	for _, part := range strings.Split(rel, "/") {
		if part == "." || part == "" {
			continue
		}
		p = filepath.Join(p, part)
		info, err := os.Lstat(p)
		switch {
		case errors.Is(err, os.ErrNotExist):
			return nil // made by Create
		case err != nil:
			return err
		case !info.IsDir():
			return fmt.Errorf("%s: %w (it is %s, which a run does not write through)", p, ErrNotDir, Kind(info.Mode()))
		}
	}
	return nil
}

// removeReplaced removes the previous run's regular files that this run did not write, then their
// directories that are left empty.
func (d *Dir) removeReplaced(written map[string]bool) {
	dirs := map[string]bool{}
	for _, n := range d.replace {
		if written[n] || d.inside(path.Dir(n)) != nil {
			continue
		}
		name := filepath.Join(d.path, filepath.FromSlash(n))
		if info, err := os.Lstat(name); err == nil && info.Mode().IsRegular() {
			os.Remove(name)
		}
		for p := path.Dir(n); p != "."; p = path.Dir(p) {
			dirs[p] = true
		}
	}
	sorted := make([]string, 0, len(dirs))
	for p := range dirs {
		sorted = append(sorted, p)
	}
	sort.Sort(sort.Reverse(sort.StringSlice(sorted))) // deeper first
	for _, p := range sorted {
		os.Remove(filepath.Join(d.path, filepath.FromSlash(p))) // only when empty
	}
	d.replace = nil
}

// Abort removes every file not yet committed. It is safe to call after Commit.
func (d *Dir) Abort() {
	for _, f := range d.files {
		if !f.closed {
			f.closed = true
			close(f.full)
			<-f.done
		}
		f.f.Close()
		os.Remove(f.f.Name())
	}
	d.files = nil
	for i := len(d.dirs) - 1; i >= 0; i-- {
		os.Remove(d.dirs[i]) // only when empty
	}
	d.dirs = nil
}
