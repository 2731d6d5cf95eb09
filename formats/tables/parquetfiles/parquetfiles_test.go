package parquetfiles

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"io"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"

	"github.com/cprtestdata/cprtestdata/formats/tables"
	"github.com/cprtestdata/cprtestdata/formats/tables/csvfiles"
	"github.com/cprtestdata/cprtestdata/generator"
	"github.com/cprtestdata/cprtestdata/generator/civil"
)

// both writes n persons as Parquet and as CSV.
func both(t *testing.T, n int, c Compression) (pq, cv map[string]*bytes.Buffer) {
	t.Helper()
	pq, cv = map[string]*bytes.Buffer{}, map[string]*bytes.Buffer{}
	pw, err := NewWriter(func(name string) (io.Writer, error) { pq[name] = &bytes.Buffer{}; return pq[name], nil }, nil, c)
	if err != nil {
		t.Fatal(err)
	}
	cw, err := csvfiles.NewWriter(func(name string) (io.Writer, error) { cv[name] = &bytes.Buffer{}; return cv[name], nil }, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, err = generator.Generate(context.Background(), generator.Config{Persons: n, Seed: 77}, func(p *generator.Person) error {
		if err := pw.Write(p); err != nil {
			return err
		}
		return cw.Write(p)
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := pw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := cw.Close(); err != nil {
		t.Fatal(err)
	}
	return pq, cv
}

// readParquet returns a file's rows as text in the CSV's form, keyed by column name.
func readParquet(t *testing.T, data []byte) (*parquet.Schema, []map[string]string) {
	t.Helper()
	f, err := parquet.OpenFile(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	schema := f.Schema()
	cols := schema.Columns()
	r := parquet.NewReader(f)
	var out []map[string]string
	rows := make([]parquet.Row, 64)
	for {
		n, err := r.ReadRows(rows)
		for _, row := range rows[:n] {
			m := map[string]string{}
			for _, v := range row {
				if v.IsNull() {
					continue
				}
				name := cols[v.Column()][0]
				leaf, _ := schema.Lookup(cols[v.Column()]...)
				if prev, ok := m[name]; ok { // a list's items, joined as the CSV joins them
					m[name] = prev + "," + text(leaf.Node, v)
					continue
				}
				m[name] = text(leaf.Node, v)
			}
			out = append(out, m)
		}
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	return schema, out
}

func text(n parquet.Node, v parquet.Value) string {
	lt := ""
	if l := n.Type().LogicalType(); l != nil {
		lt = l.String()
	}
	switch {
	case v.Kind() == parquet.Boolean:
		return strconv.FormatBool(v.Boolean())
	case strings.HasPrefix(lt, "DATE"):
		return civil.FromDayNumber(int(v.Int32())).String()
	case strings.HasPrefix(lt, "TIMESTAMP"):
		return time.UnixMilli(v.Int64()).UTC().Format("2006-01-02T15:04")
	case strings.HasPrefix(lt, "INT"):
		return strconv.Itoa(int(v.Int32()))
	}
	return string(v.ByteArray())
}

func TestParquetMatchesCSV(t *testing.T) {
	pq, cv := both(t, 800, Zstd)
	if len(pq) != len(cv) {
		t.Fatalf("%d Parquet files, %d CSV files", len(pq), len(cv))
	}
	for name, data := range pq {
		csvName := strings.TrimSuffix(name, ".parquet") + ".csv"
		rows, err := csv.NewReader(bytes.NewReader(cv[csvName].Bytes())).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		_, got := readParquet(t, data.Bytes())
		if len(got) != len(rows)-1 {
			t.Fatalf("%s: %d rows, the CSV %d", name, len(got), len(rows)-1)
		}
		header := rows[0]
		for i, row := range rows[1:] {
			for j, col := range header {
				want := row[j]
				if g := got[i][col]; g != want {
					t.Fatalf("%s row %d column %s: Parquet %q, CSV %q", name, i+1, col, g, want)
				}
			}
		}
	}
}

func TestLogicalTypes(t *testing.T) {
	pq, _ := both(t, 50, Snappy)
	schema, _ := readParquet(t, pq["001_person_information.parquet"].Bytes())
	for col, want := range map[string]string{"birth_date": "DATE", "status_start_date": "TIMESTAMP(isAdjustedToUTC=false", "status": "STRING", "pnr": "STRING", "birth_date_uncertain": ""} {
		leaf, ok := schema.Lookup(col)
		if !ok {
			t.Fatalf("no column %s", col)
		}
		got := ""
		if lt := leaf.Node.Type().LogicalType(); lt != nil {
			got = lt.String()
		}
		if !strings.HasPrefix(got, want) || (want == "" && leaf.Node.Type().Kind() != parquet.Boolean) {
			t.Errorf("%s: logical type %q (%s), want %q", col, got, leaf.Node.Type().Kind(), want)
		}
		if !leaf.Node.Optional() {
			t.Errorf("%s is not optional", col)
		}
	}
	schema, _ = readParquet(t, pq[PersonsFile].Bytes())
	if leaf, _ := schema.Lookup("birth_date"); !strings.HasPrefix(leaf.Node.Type().LogicalType().String(), "DATE") {
		t.Errorf("persons birth_date is %s", leaf.Node.Type().LogicalType())
	}
	for _, f := range schema.Fields() {
		if lt := f.Type().LogicalType(); f.Name() == "scenarios" && (lt == nil || lt.String() != "LIST") {
			t.Errorf("persons scenarios is not a LIST: %v", lt)
		}
	}
}

func TestCompressions(t *testing.T) {
	sizes := map[Compression]int{}
	for _, c := range []Compression{Zstd, Snappy, None} {
		pq, _ := both(t, 300, c)
		sizes[c] = pq[PersonsFile].Len()
		if _, rows := readParquet(t, pq[PersonsFile].Bytes()); len(rows) != 300 {
			t.Errorf("%s: %d rows", c, len(rows))
		}
	}
	if !(sizes[Zstd] < sizes[None] && sizes[Snappy] < sizes[None]) {
		t.Errorf("compressed files are not smaller: %v", sizes)
	}
	if _, err := ParseCompression("lz4"); err == nil {
		t.Error("lz4 accepted")
	}
}

// TestPersonColumnsInStep checks that persons.parquet has the columns of tables.PersonColumns, in order.
func TestPersonColumnsInStep(t *testing.T) {
	pq, _ := both(t, 5, Zstd)
	schema, _ := readParquet(t, pq[PersonsFile].Bytes())
	cols := schema.Columns()
	if len(cols) != len(tables.PersonColumns) {
		t.Fatalf("%d columns, tables.PersonColumns has %d", len(cols), len(tables.PersonColumns))
	}
	for i, c := range tables.PersonColumns {
		if cols[i][0] != c.Name {
			t.Errorf("column %d is %s, tables.PersonColumns says %s", i, cols[i][0], c.Name)
		}
	}
}
