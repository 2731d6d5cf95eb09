// Package csvfiles writes the population's tables as CSV: one file per record type of CPR's extract,
// named after the table, and persons.csv. RFC 4180 (quoted cells where needed, CRLF line ends), UTF-8, a
// header of the column names, ISO dates, empty cells for absent values.
package csvfiles

import (
	"bufio"
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
	row     []byte
	err     error
}

type file struct {
	name  string
	table *tables.Table
	w     *bufio.Writer
	rows  int
}

// NewWriter creates persons.csv and one file per selected record type (nil: all), each with its header.
func NewWriter(create func(name string) (io.Writer, error), sel extract.Selection) (*Writer, error) {
	if sel == nil {
		sel = extract.AllRecords()
	}
	w := &Writer{enc: extract.NewEncoder(sel), files: map[string]*file{}}
	names := make([]string, len(tables.PersonColumns))
	for i, c := range tables.PersonColumns {
		names[i] = c.Name
	}
	pf, err := w.newFile(create, PersonsFile, nil, names)
	if err != nil {
		return nil, err
	}
	w.persons = pf
	for _, t := range extract.PersonTypes {
		if !sel[t] {
			continue
		}
		tb := tables.ForLayout(extract.LayoutOf(t))
		names := make([]string, len(tb.Columns))
		for i, c := range tb.Columns {
			names[i] = c.Name
		}
		f, err := w.newFile(create, tb.Name+".csv", tb, names)
		if err != nil {
			return nil, err
		}
		w.files[t] = f
	}
	return w, nil
}

func (w *Writer) newFile(create func(string) (io.Writer, error), name string, tb *tables.Table, header []string) (*file, error) {
	out, err := create(name)
	if err != nil {
		return nil, err
	}
	f := &file{name: name, table: tb, w: bufio.NewWriterSize(out, 64<<10)}
	row := w.row[:0]
	for i, h := range header {
		if i > 0 {
			row = append(row, ',')
		}
		row = tables.AppendCSVString(row, h)
	}
	f.w.Write(append(row, '\r', '\n'))
	w.order = append(w.order, f)
	return f, nil
}

// Write writes one person: a row of persons.csv and a row per record.
func (w *Writer) Write(p *generator.Person) error {
	if w.err != nil {
		return w.err
	}
	row := w.row[:0]
	for i, c := range tables.PersonColumns {
		if i > 0 {
			row = append(row, ',')
		}
		cell := c.Get(p)
		switch {
		case !cell.OK:
		case c.Kind == tables.CellDate:
			row = cell.D.AppendFormat(row)
		case c.Kind == tables.CellInt:
			row = strconv.AppendInt(row, int64(cell.I), 10)
		default:
			row = tables.AppendCSVString(row, cell.S)
		}
	}
	w.persons.w.Write(append(row, '\r', '\n'))
	w.persons.rows++
	err := w.enc.Encode(p, func(l *extract.Layout, line []byte) error {
		f := w.files[l.Type]
		row = row[:0]
		for i, c := range f.table.Columns {
			if i > 0 {
				row = append(row, ',')
			}
			row = c.AppendCSV(row, line, l)
		}
		f.rows++
		_, err := f.w.Write(append(row, '\r', '\n'))
		return err
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
		if err := f.w.Flush(); err != nil && w.err == nil {
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

// EventsFile is the events table's file name: the 099 records of a timeline's change extracts.
var EventsFile = tables.ForLayout(extract.LayoutOf("099")).Name + ".csv"

// WriteEvents writes the events table to w: the header and a row per 099 record that rows yields
// (ISO-8859-1 bytes), in that order. It does not close w.
func WriteEvents(w io.Writer, rows func(yield func([]byte) bool)) (int, error) {
	tb := tables.ForLayout(extract.LayoutOf("099"))
	bw := bufio.NewWriterSize(w, 64<<10)
	var row []byte
	for i, c := range tb.Columns {
		if i > 0 {
			row = append(row, ',')
		}
		row = tables.AppendCSVString(row, c.Name)
	}
	bw.Write(append(row, '\r', '\n'))
	n := 0
	for line := range rows {
		row = row[:0]
		for i, c := range tb.Columns {
			if i > 0 {
				row = append(row, ',')
			}
			row = c.AppendCSV(row, line, tb.Layout)
		}
		bw.Write(append(row, '\r', '\n'))
		n++
	}
	return n, bw.Flush()
}
