package dataset

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/cprtestdata/cprtestdata/formats/extract"
	"github.com/cprtestdata/cprtestdata/generator"
)

// treeOf returns every file under dir with its bytes, by slash-separated name.
func treeOf(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		files[filepath.ToSlash(rel)], err = os.ReadFile(p)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// sameTree fails unless dirs a and b hold the same files with the same bytes.
func sameTree(t *testing.T, a, b string) {
	t.Helper()
	ta, tb := treeOf(t, a), treeOf(t, b)
	for name, data := range ta {
		got, ok := tb[name]
		switch {
		case !ok:
			t.Errorf("%s: missing from the merged run", name)
		case !bytes.Equal(got, data):
			i := 0
			for i < min(len(got), len(data)) && got[i] == data[i] {
				i++
			}
			t.Errorf("%s: %d bytes merged, %d whole; first difference at byte %d: %q, want %q", name, len(got), len(data), i,
				got[max(0, i-40):min(len(got), i+40)], data[max(0, i-40):min(len(data), i+40)])
		}
	}
	for name := range tb {
		if _, ok := ta[name]; !ok {
			t.Errorf("%s: not in the whole run", name)
		}
	}
}

// writeShards writes the n shards of opts' run under dir and returns their directories, given to
// Merge in an order other than theirs.
func writeShards(t *testing.T, dir string, opts Options, n int) []string {
	t.Helper()
	var dirs []string
	for k := range n {
		o := opts
		o.Generator.Shard = generator.Shard{Index: k, Count: n}
		d := filepath.Join(dir, fmt.Sprintf("shard%d", k))
		if _, err := Write(context.Background(), d, o); err != nil {
			t.Fatalf("shard %d/%d: %v", k, n, err)
		}
		dirs = append(dirs, d)
	}
	slices.Reverse(dirs)
	return dirs
}

// TestMergeIsTheWholeRun checks that merging the shards of a run gives the files and manifest of the
// run made whole, byte for byte: for 2, 3 and 7 shards, with and without a timeline, and for other
// framings, encodings and record selections.
func TestMergeIsTheWholeRun(t *testing.T) {
	lf := extract.FileOptions{WriterOptions: extract.WriterOptions{Framing: extract.LF, Trim: true, Encoding: extract.UTF8}, AddressWithPerson: true}
	sel, err := extract.ParseSelection("001,003,008,012,014,022,023,029,030")
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name   string
		opts   Options
		shards []int
	}{
		{"status only", Options{Generator: generator.Config{Persons: 2500, Seed: 4}}, []int{2, 3, 7}},
		{"40 days", Options{Generator: generator.Config{Persons: 2500, Seed: 5, Days: 40}, FinalStatus: true}, []int{2, 3, 7}},
		{"weekdays, forced events, LF trimmed UTF-8 with 003 at the person", Options{Generator: generator.Config{Persons: 1500, Seed: 6,
			Days: 17, Weekdays: true, Events: map[string]int{"number-change": 4, "emigration": 3}}, FinalStatus: true, Extract: lf}, []int{3}},
		{"some records, CRLF, snappy", Options{Generator: generator.Config{Persons: 1500, Seed: 7, Days: 9}, FinalStatus: true,
			Extract: extract.FileOptions{Records: sel, WriterOptions: extract.WriterOptions{Framing: extract.CRLF}}, Compression: "snappy"}, []int{2}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			root := t.TempDir()
			whole := filepath.Join(root, "whole")
			if _, err := Write(context.Background(), whole, c.opts); err != nil {
				t.Fatal(err)
			}
			for _, n := range c.shards {
				t.Run(fmt.Sprintf("%d shards", n), func(t *testing.T) {
					dir := t.TempDir()
					merged := filepath.Join(dir, "merged")
					if _, err := Merge(context.Background(), merged, writeShards(t, dir, c.opts, n), false); err != nil {
						t.Fatal(err)
					}
					sameTree(t, whole, merged)
				})
			}
		})
	}
}

// TestMergeRefuses checks that directories that are not the shards of one run, or whose files do not
// match their manifests, are refused and leave nothing behind.
func TestMergeRefuses(t *testing.T) {
	root := t.TempDir()
	opts := Options{Generator: generator.Config{Persons: 400, Seed: 3, Days: 3}, Formats: []Format{FormatFixed, FormatCSV}}
	dirs := writeShards(t, filepath.Join(root, "a"), opts, 3) // shard2, shard1, shard0
	other := opts
	other.Generator.Seed = 4
	otherDirs := writeShards(t, filepath.Join(root, "b"), other, 3)
	whole := filepath.Join(root, "whole")
	if _, err := Write(context.Background(), whole, opts); err != nil {
		t.Fatal(err)
	}
	two := writeShards(t, filepath.Join(root, "c"), opts, 2)
	damaged := filepath.Join(root, "damaged")
	if err := os.CopyFS(damaged, os.DirFS(dirs[1])); err != nil {
		t.Fatal(err)
	}
	csv := filepath.Join(damaged, "csv", "001_person_information.csv")
	data, _ := os.ReadFile(csv)
	data[len(data)-3] ^= 1
	os.WriteFile(csv, data, 0o644)
	cases := []struct {
		name string
		dirs []string
		want error
	}{
		{"none", nil, ErrShards},
		{"one missing", dirs[:2], ErrShards},
		{"twice", []string{dirs[0], dirs[1], dirs[1]}, ErrShards},
		{"another seed", []string{dirs[0], otherDirs[1], dirs[2]}, ErrShards},
		{"another count", []string{dirs[0], two[0]}, ErrShards},
		{"a whole run", []string{whole}, ErrShards},
		{"not a run", []string{root}, ErrManifest},
		{"a file changed", []string{dirs[0], damaged, dirs[2]}, ErrMismatch},
	}
	for _, c := range cases {
		out := filepath.Join(t.TempDir(), "out")
		_, err := Merge(context.Background(), out, c.dirs, false)
		if !errors.Is(err, c.want) {
			t.Errorf("%s: %v, want %v", c.name, err, c.want)
		}
		if _, serr := os.Stat(out); serr == nil {
			t.Errorf("%s: %s left behind", c.name, out)
		}
	}
	if _, err := Merge(context.Background(), dirs[0], dirs, true); !errors.Is(err, ErrShards) {
		t.Errorf("into a shard's own directory: %v", err)
	}
}

// TestMergeInterrupted cancels merges - before they begin, and once they have begun writing - and
// checks that a cancelled merge leaves nothing behind and any other has finished whole.
func TestMergeInterrupted(t *testing.T) {
	root := t.TempDir()
	dirs := writeShards(t, root, Options{Generator: generator.Config{Persons: 3000, Seed: 2, Days: 5}, FinalStatus: true}, 2)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Merge(ctx, filepath.Join(root, "before"), dirs, false); !errors.Is(err, context.Canceled) {
		t.Errorf("merge cancelled before it began: %v", err)
	}
	if _, err := os.Stat(filepath.Join(root, "before")); !os.IsNotExist(err) {
		t.Errorf("a merge cancelled before it began left its directory")
	}
	for try := range 3 {
		out := filepath.Join(root, fmt.Sprint("during", try))
		ctx, cancel := context.WithCancel(context.Background())
		go func() {
			for ctx.Err() == nil { // cancel once the merge has begun writing
				if entries, _ := os.ReadDir(out); len(entries) > 0 {
					cancel()
				}
			}
		}()
		_, err := Merge(ctx, out, dirs, false)
		cancel()
		switch {
		case errors.Is(err, context.Canceled):
			if _, serr := os.Stat(out); !os.IsNotExist(serr) {
				entries, _ := os.ReadDir(out)
				t.Errorf("a cancelled merge left %s: %v", out, entries)
			}
		case err != nil:
			t.Errorf("merge: %v", err)
		default: // it finished before the cancel: then whole
			if _, err := ReadManifest(out); err != nil {
				t.Errorf("a merge that finished has no manifest: %v", err)
			}
		}
	}
}
