package csvfiles

import (
	"bytes"
	"context"
	"encoding/csv"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/cprtestdata/cprtestdata/formats/extract"
	"github.com/cprtestdata/cprtestdata/generator"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// write makes n persons of seed 2026 and returns every CSV file by name.
func write(t *testing.T, n int, sel extract.Selection) (map[string]*bytes.Buffer, []*generator.Person) {
	t.Helper()
	files := map[string]*bytes.Buffer{}
	w, err := NewWriter(func(name string) (io.Writer, error) {
		files[name] = &bytes.Buffer{}
		return files[name], nil
	}, sel)
	if err != nil {
		t.Fatal(err)
	}
	var ps []*generator.Person
	_, err = generator.Generate(context.Background(), generator.Config{Persons: n, Seed: 2026}, func(p *generator.Person) error {
		q := *p
		ps = append(ps, &q)
		return w.Write(p)
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return files, ps
}

// TestGolden pins every CSV file of a small fixed seed byte for byte.
func TestGolden(t *testing.T) {
	files, _ := write(t, 200, nil)
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	var all bytes.Buffer
	for _, n := range names {
		all.WriteString("== " + n + " ==\n")
		all.Write(files[n].Bytes())
	}
	path := filepath.Join("testdata", "seed2026-200.golden.csv")
	if *update {
		if err := os.WriteFile(path, all.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(all.Bytes(), want) {
		t.Error("CSV output differs from the golden file; if intended, run go test ./formats/tables/csvfiles -update")
	}
}

// TestCSVMatchesExtract checks that the record tables carry what the extract carries, and that the
// files are valid RFC 4180 with one header.
func TestCSVMatchesExtract(t *testing.T) {
	files, ps := write(t, 1000, nil)
	for name, buf := range files {
		rows, err := csv.NewReader(bytes.NewReader(buf.Bytes())).ReadAll()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for i, r := range rows {
			if len(r) != len(rows[0]) {
				t.Fatalf("%s row %d: %d cells, header has %d", name, i, len(r), len(rows[0]))
			}
		}
	}
	persons, _ := csv.NewReader(bytes.NewReader(files[PersonsFile].Bytes())).ReadAll()
	if len(persons) != len(ps)+1 {
		t.Fatalf("persons.csv has %d rows for %d persons", len(persons)-1, len(ps))
	}
	for i, p := range ps {
		row := persons[i+1]
		if row[0] != p.Number.String() || row[5] != p.BirthDate.String() || row[10] != p.Name.Addressing {
			t.Fatalf("persons.csv row %d = %v, person %v %v %q", i+1, row[:11], p.Number, p.BirthDate, p.Name.Addressing)
		}
	}
	names, _ := csv.NewReader(bytes.NewReader(files["008_current_name_information.csv"].Bytes())).ReadAll()
	for i, p := range ps {
		row := names[i+1]
		start := strings.HasPrefix(row[7], p.Name.Start.String()) && row[8] == ""
		if p.Name.StartPartial { // month and day unknown: no timestamp, the start as CPR wrote it beside
			start = row[7] == "" && row[8] == fmt.Sprintf("%04d-00-00T12:99", p.Name.Start.Year)
		}
		if row[0] != p.Number.String() || row[1] != p.Name.First || row[5] != p.Name.Last || !start {
			t.Fatalf("008 row %d = %v, person %v %+v", i+1, row, p.Number, p.Name)
		}
	}
}
