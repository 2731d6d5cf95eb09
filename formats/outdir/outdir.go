// Package outdir writes a run's files into a directory so that they appear whole or not at all: each file
// is written under a temporary name and renamed to its own when the whole run is committed; an aborted or
// interrupted run leaves no file that looks finished. It records each file's size and SHA-256.
package outdir

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"os"
	"path/filepath"
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
	path  string
	files []*File
	dirs  []string // subdirectories made, removed again by Abort when empty
}

// Open prepares path for output: it is created when missing, and must be an empty directory unless
// force is set, when files the run will write are replaced.
func Open(path string, force bool) (*Dir, error) {
	info, err := os.Stat(path)
	switch {
	case errors.Is(err, os.ErrNotExist):
		if err := os.MkdirAll(path, 0o755); err != nil {
			return nil, fmt.Errorf("create output directory: %w", err)
		}
	case err != nil:
		return nil, fmt.Errorf("output directory: %w", err)
	case !info.IsDir():
		return nil, fmt.Errorf("output %s: %w", path, ErrNotDir)
	default:
		entries, err := os.ReadDir(path)
		if err != nil {
			return nil, fmt.Errorf("output directory: %w", err)
		}
		if len(entries) > 0 && !force {
			return nil, fmt.Errorf("%s: %w (use --force to write into it)", path, ErrNotEmpty)
		}
		for _, e := range entries {
			if strings.HasPrefix(e.Name(), tmpPrefix) {
				os.Remove(filepath.Join(path, e.Name()))
			}
		}
	}
	// Fail early when the directory is not writable.
	probe, err := os.CreateTemp(path, tmpPrefix+"probe-")
	if err != nil {
		return nil, fmt.Errorf("%s: %w: %v", path, ErrNotWritable, err)
	}
	probe.Close()
	os.Remove(probe.Name())
	return &Dir{path: path}, nil
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

// drain hashes and writes the buffers handed to it until the channel closes.
func (f *File) drain() {
	var err error
	for b := range f.full {
		if err == nil {
			f.hash.Write(b)
			_, err = f.f.Write(b)
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
	for _, f := range d.files {
		if err := os.Rename(f.f.Name(), filepath.Join(d.path, filepath.FromSlash(f.Name))); err != nil {
			d.Abort()
			return fmt.Errorf("finish %s: %w", f.Name, err)
		}
	}
	d.files = nil
	return nil
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
