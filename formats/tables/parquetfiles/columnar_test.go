package parquetfiles

import (
	"bytes"
	"context"
	"io"
	"testing"

	"github.com/cprtestdata/cprtestdata/generator"
)

// population makes n persons of a seed and keeps them.
func population(tb testing.TB, n int, seed uint64) []*generator.Person {
	tb.Helper()
	var ps []*generator.Person
	_, err := generator.Generate(context.Background(), generator.Config{Persons: n, Seed: seed}, func(p *generator.Person) error {
		q := *p
		ps = append(ps, &q)
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	return ps
}

// TestColumnarSameBytes holds the columnar writer to parquet-go's typed one: every table of a
// population large enough for several row groups and many pages per column, read back and written again
// through GenericWriter[T].Write in batches of batchRows (what Merge does with one file), gives the
// same bytes, compressed with zstd and uncompressed.
func TestColumnarSameBytes(t *testing.T) {
	persons := RowGroupRows + 3000 // 001 has a row per person: two row groups, the second short
	if testing.Short() {
		persons = 5000
	}
	ps := population(t, persons, 5)
	for _, c := range []Compression{Zstd, None} {
		files := map[string]*bytes.Buffer{}
		w, err := NewWriter(func(name string) (io.Writer, error) { files[name] = &bytes.Buffer{}; return files[name], nil }, nil, c)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range ps {
			if err := w.Write(p); err != nil {
				t.Fatal(err)
			}
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		rows := w.Rows()
		if rows["001_person_information.parquet"] <= RowGroupRows && !testing.Short() {
			t.Fatalf("001 has %d rows: want more than a row group", rows["001_person_information.parquet"])
		}
		for name, b := range files {
			var again bytes.Buffer
			n := rows[name]
			_, err := Merge(&again, name, []Source{{bytes.NewReader(b.Bytes()), int64(b.Len())}},
				func(yield func(k, n int) bool) { yield(0, n) }, c)
			if err != nil {
				t.Fatalf("%s %s: %v", c, name, err)
			}
			if !bytes.Equal(again.Bytes(), b.Bytes()) {
				t.Errorf("%s %s (%d rows): the columnar writer's %d bytes differ from the typed writer's %d", c, name, n, b.Len(), again.Len())
			}
		}
	}
}
