package dataset

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/cprtestdata/cprtestdata/generator"
)

func TestWrite(t *testing.T) {
	dir := t.TempDir()
	m, err := Write(context.Background(), dir, Options{Generator: generator.Config{Persons: 3000, Seed: 11},
		Formats: []Format{FormatFixed, FormatJSONL}})
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(dir, ManifestFile))
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(data, &got); err != nil {
		t.Fatal(err)
	}
	if got["persons"] != float64(3000) || got["seed"] != float64(11) || len(got["files"].([]any)) != 5 { // the extract, persons, two registers, substitutes
		t.Errorf("manifest: persons %v seed %v files %v", got["persons"], got["seed"], got["files"])
	}
	persons, _ := os.ReadFile(filepath.Join(dir, PersonsFile))
	lines := 0
	sc := bufio.NewScanner(bytes.NewReader(persons))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var p map[string]any
		if err := json.Unmarshal(sc.Bytes(), &p); err != nil {
			t.Fatalf("line %d: %v", lines+1, err)
		}
		lines++
	}
	if lines != 3000 || m.Files[1].Name != PersonsFile || m.Files[1].Records != 3000 || m.Files[1].Bytes != int64(len(persons)) {
		t.Errorf("%d lines, manifest says %+v", lines, m.Files[1])
	}
	if m.Files[0].Name != "D260101.L900001" {
		t.Errorf("extract named %s", m.Files[0].Name)
	}
}

// TestWorkersSameBytes checks that the files do not depend on the number of workers.
func TestWorkersSameBytes(t *testing.T) {
	var sums []string
	for _, w := range []int{1, 3} {
		m, err := Write(context.Background(), t.TempDir(), Options{Generator: generator.Config{Persons: 5000, Workers: w}})
		if err != nil {
			t.Fatal(err)
		}
		sum := ""
		for _, f := range m.Files {
			sum += f.Name + f.SHA256
		}
		sums = append(sums, sum)
	}
	if sums[0] != sums[1] {
		t.Error("1 and 3 workers write different files")
	}
}

// TestInterrupted cancels a run part way and checks that nothing that looks finished is left.
func TestInterrupted(t *testing.T) {
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	opts := Options{Generator: generator.Config{Persons: 100_000}, Formats: []Format{FormatFixed}, Progress: func(done, total int) {
		if done > 0 {
			cancel()
		}
	}}
	_, err := Write(ctx, dir, opts)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Write = %v, want context.Canceled", err)
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		t.Errorf("interrupted run left %s", e.Name())
	}
}

func TestBadConfigWritesNothing(t *testing.T) {
	dir := t.TempDir()
	_, err := Write(context.Background(), dir, Options{Generator: generator.Config{Scenarios: map[string]int{"nope": 1}}})
	if !errors.Is(err, generator.ErrConfig) {
		t.Fatalf("Write = %v, want ErrConfig", err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("a bad configuration left %d files", len(entries))
	}
}

// TestForceLeavesOneRun writes a run with a timeline in every format and then, with Force, a smaller
// one of another seed in one format, and checks that the directory then holds exactly the second run's
// files, and the files no run made.
func TestForceLeavesOneRun(t *testing.T) {
	dir := t.TempDir()
	if _, err := Write(context.Background(), dir, Options{Generator: generator.Config{Persons: 600, Seed: 1, Days: 3}, FinalStatus: true}); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("the user's"), 0o644)
	m, err := Write(context.Background(), dir, Options{Generator: generator.Config{Persons: 500, Seed: 2}, Formats: []Format{FormatFixed}, Force: true})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{ManifestFile: true, "notes.txt": true}
	for _, f := range m.Files {
		want[f.Name] = true
		if d := filepath.ToSlash(filepath.Dir(f.Name)); d != "." {
			want[d] = true
		}
	}
	got := map[string]bool{}
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && p != dir {
			rel, _ := filepath.Rel(dir, p)
			got[filepath.ToSlash(rel)] = true
		}
		return nil
	})
	if !maps.Equal(got, want) {
		t.Errorf("the directory holds %v, want %v", slices.Sorted(maps.Keys(got)), slices.Sorted(maps.Keys(want)))
	}
	if err := m.Verify(dir); err != nil {
		t.Error(err)
	}
}

// TestPreparedCSVSameBytes checks that the CSV rows the workers make (a run without Parquet) are the
// bytes the writer makes itself (a run with Parquet, which does not prepare them), whatever the workers.
func TestPreparedCSVSameBytes(t *testing.T) {
	cfg := generator.Config{Persons: 3000, Seed: 8}
	direct := t.TempDir()
	if _, err := Write(context.Background(), direct, Options{Generator: cfg, Formats: []Format{FormatCSV, FormatParquet}}); err != nil {
		t.Fatal(err)
	}
	for _, workers := range []int{1, 3} {
		cfg.Workers = workers
		prepared := t.TempDir()
		m, err := Write(context.Background(), prepared, Options{Generator: cfg, Formats: []Format{FormatCSV}})
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range m.Files {
			if !strings.HasPrefix(f.Name, "csv/") {
				continue
			}
			a, _ := os.ReadFile(filepath.Join(direct, f.Name))
			b, _ := os.ReadFile(filepath.Join(prepared, f.Name))
			if len(a) == 0 || !bytes.Equal(a, b) {
				t.Errorf("%d workers: %s: %d bytes prepared, %d written directly", workers, f.Name, len(b), len(a))
			}
		}
	}
}
