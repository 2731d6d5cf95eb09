// Package csvfiles writes the population's tables as CSV: one file per record type of CPR's extract,
// named after the table, and persons.csv. RFC 4180, UTF-8, a header of the column names, ISO dates,
// empty cells for absent values.
package csvfiles

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"

	"github.com/cprtestdata/cprtestdata/formats/extract"
	"github.com/cprtestdata/cprtestdata/formats/tables"
	"github.com/cprtestdata/cprtestdata/generator"
)

// PersonsFile is the flat table's file name.
const PersonsFile = "persons.csv"

// Writer writes CSV files it asks create for; it does not close them. Errors are sticky.
type Writer struct {
	enc     *extract.Encoder
	files   map[string]*file // by record type
	order   []*file
	persons *file
	row     []string
	err     error
}

type file struct {
	name  string
	table *tables.Table
	w     *csv.Writer
	rows  int
}

// NewWriter creates persons.csv and one file per selected record type (nil: all), each with its header.
func NewWriter(create func(name string) (io.Writer, error), sel extract.Selection) (*Writer, error) {
	if sel == nil {
		sel = extract.AllRecords()
	}
	w := &Writer{enc: extract.NewEncoder(sel), files: map[string]*file{}}
	pf, err := newFile(create, PersonsFile, nil)
	if err != nil {
		return nil, err
	}
	w.persons = pf
	header := make([]string, len(tables.PersonColumns))
	for i, c := range tables.PersonColumns {
		header[i] = c.Name
	}
	pf.w.Write(header)
	w.order = append(w.order, pf)
	for _, t := range extract.PersonTypes {
		if !sel[t] {
			continue
		}
		tb := tables.ForLayout(extract.LayoutOf(t))
		f, err := newFile(create, tb.Name+".csv", tb)
		if err != nil {
			return nil, err
		}
		header := make([]string, len(tb.Columns))
		for i, c := range tb.Columns {
			header[i] = c.Name
		}
		f.w.Write(header)
		w.files[t] = f
		w.order = append(w.order, f)
	}
	return w, nil
}

func newFile(create func(string) (io.Writer, error), name string, tb *tables.Table) (*file, error) {
	out, err := create(name)
	if err != nil {
		return nil, err
	}
	return &file{name: name, table: tb, w: csv.NewWriter(out)}, nil
}

// Write writes one person: a row of persons.csv and a row per record.
func (w *Writer) Write(p *generator.Person) error {
	if w.err != nil {
		return w.err
	}
	row := w.row[:0]
	for _, c := range tables.PersonColumns {
		cell := c.Get(p)
		switch {
		case !cell.OK:
			row = append(row, "")
		case c.Kind == tables.CellDate:
			row = append(row, cell.D.String())
		case c.Kind == tables.CellInt:
			row = append(row, strconv.Itoa(cell.I))
		default:
			row = append(row, cell.S)
		}
	}
	if err := w.persons.w.Write(row); err != nil {
		w.err = err
		return err
	}
	w.persons.rows++
	err := w.enc.Encode(p, func(l *extract.Layout, line []byte) error {
		f := w.files[l.Type]
		row = row[:0]
		for _, c := range f.table.Columns {
			v, _ := c.Text(line, l)
			row = append(row, v)
		}
		f.rows++
		return f.w.Write(row)
	})
	w.row = row
	if err != nil {
		w.err = fmt.Errorf("csv for %s: %w", p.Number, err)
	}
	return w.err
}

// Close flushes every file. It does not close them.
func (w *Writer) Close() error {
	for _, f := range w.order {
		f.w.Flush()
		if err := f.w.Error(); err != nil && w.err == nil {
			w.err = fmt.Errorf("write %s: %w", f.name, err)
		}
	}
	return w.err
}

// Rows returns the data rows written to each file, by file name.
func (w *Writer) Rows() map[string]int {
	m := make(map[string]int, len(w.order))
	for _, f := range w.order {
		m[f.name] = f.rows
	}
	return m
}
