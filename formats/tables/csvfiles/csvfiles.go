// Package csvfiles writes the population's tables as CSV: one file per record type of CPR's extract,
// named after the table, and persons.csv. RFC 4180 (quoted cells where needed, CRLF line ends), UTF-8, a
// header of the column names, ISO dates, empty cells for absent values.
package csvfiles

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/cprtestdata/cprtestdata/formats/extract"
	"github.com/cprtestdata/cprtestdata/formats/tables"
	"github.com/cprtestdata/cprtestdata/generator"
)

// PersonsFile is the flat table's file name.
const PersonsFile = "persons.csv"

// Writer writes CSV files it asks create for; it does not close them. Errors are sticky.
type Writer struct {
	prep    *Preparer
	files   []*file // persons.csv, then the record types' files in type order: Preparer's indexes
	scratch []byte
	err     error
}

type file struct {
	name string
	w    *bufio.Writer
	rows int
}

// Preparer turns persons into their CSV rows without writing them, so that the work can run where the
// persons are made (one Preparer per goroutine); Writer.WritePrepared writes what it made. Writer.Write
// is the two in one.
type Preparer struct {
	enc    *extract.Encoder
	tables map[string]*tables.Table
	index  map[string]int // file index by record type
	row    []byte
}

// NewPreparer returns the Preparer of a Writer with the same selection.
func NewPreparer(sel extract.Selection) *Preparer {
	if sel == nil {
		sel = extract.AllRecords()
	}
	r := &Preparer{enc: extract.NewEncoder(sel), tables: map[string]*tables.Table{}, index: map[string]int{}}
	for _, t := range extract.PersonTypes {
		if sel[t] {
			r.tables[t] = tables.ForLayout(extract.LayoutOf(t))
			r.index[t] = len(r.index) + 1 // 0 is persons.csv
		}
	}
	return r
}

// Append appends p's rows to dst, each as its file's index, its length and its bytes: a row of
// persons.csv and a row per record.
func (r *Preparer) Append(dst []byte, p *generator.Person) ([]byte, error) {
	row := r.row[:0]
	for i, c := range tables.PersonColumns {
		if i > 0 {
			row = append(row, ',')
		}
		row = appendCell(row, c.Type, c.Get(p))
	}
	dst = appendRow(dst, 0, append(row, '\r', '\n'))
	err := r.enc.Encode(p, func(l *extract.Layout, line []byte) error {
		tb := r.tables[l.Type]
		row = row[:0]
		for i, c := range tb.Columns {
			if i > 0 {
				row = append(row, ',')
			}
			row = c.AppendCSV(row, line, l)
		}
		dst = appendRow(dst, r.index[l.Type], append(row, '\r', '\n'))
		return nil
	})
	r.row = row
	if err != nil {
		return dst, fmt.Errorf("csv for %s: %w", p.Number, err)
	}
	return dst, nil
}

// appendCell appends a persons-table value as the record tables write the same type: dates yyyy-MM-dd,
// timestamps yyyy-MM-ddTHH:mm, flags true or false, a list's items joined by commas (in one quoted cell).
func appendCell(row []byte, typ tables.Type, cell tables.Cell) []byte {
	switch {
	case !cell.OK:
		return row
	case typ == tables.TypeDate:
		return cell.D.AppendFormat(row)
	case typ == tables.TypeTimestamp:
		return tables.AppendTimestamp(row, cell.D, cell.T)
	case typ == tables.TypeFlag:
		return strconv.AppendBool(row, cell.B)
	case typ == tables.TypeList:
		return tables.AppendCSVString(row, strings.Join(cell.L, ","))
	}
	return tables.AppendCSVString(row, cell.S)
}

func appendRow(dst []byte, file int, row []byte) []byte {
	dst = binary.AppendUvarint(dst, uint64(file))
	dst = binary.AppendUvarint(dst, uint64(len(row)))
	return append(dst, row...)
}

// NewWriter creates persons.csv and one file per selected record type (nil: all), each with its header.
func NewWriter(create func(name string) (io.Writer, error), sel extract.Selection) (*Writer, error) {
	if sel == nil {
		sel = extract.AllRecords()
	}
	w := &Writer{prep: NewPreparer(sel)}
	names := make([]string, len(tables.PersonColumns))
	for i, c := range tables.PersonColumns {
		names[i] = c.Name
	}
	if err := w.newFile(create, PersonsFile, names); err != nil {
		return nil, err
	}
	for _, t := range extract.PersonTypes {
		tb, ok := w.prep.tables[t]
		if !ok {
			continue
		}
		names := make([]string, len(tb.Columns))
		for i, c := range tb.Columns {
			names[i] = c.Name
		}
		if err := w.newFile(create, tb.Name+".csv", names); err != nil {
			return nil, err
		}
	}
	return w, nil
}

func (w *Writer) newFile(create func(string) (io.Writer, error), name string, header []string) error {
	out, err := create(name)
	if err != nil {
		return err
	}
	f := &file{name: name, w: bufio.NewWriterSize(out, 64<<10)}
	var row []byte
	for i, h := range header {
		if i > 0 {
			row = append(row, ',')
		}
		row = tables.AppendCSVString(row, h)
	}
	f.w.Write(append(row, '\r', '\n'))
	w.files = append(w.files, f)
	return nil
}

// Write writes one person: a row of persons.csv and a row per record.
func (w *Writer) Write(p *generator.Person) error {
	if w.err != nil {
		return w.err
	}
	var err error
	if w.scratch, err = w.prep.Append(w.scratch[:0], p); err != nil {
		w.err = err
		return err
	}
	return w.WritePrepared(w.scratch)
}

var errRows = errors.New("csv: not the rows of a person")

// WritePrepared writes the rows Preparer.Append made of a person.
func (w *Writer) WritePrepared(b []byte) error {
	for len(b) > 0 && w.err == nil {
		file, k := binary.Uvarint(b)
		n, k2 := binary.Uvarint(b[max(k, 0):])
		if k <= 0 || k2 <= 0 || file >= uint64(len(w.files)) || uint64(len(b)-k-k2) < n {
			w.err = errRows
			break
		}
		f := w.files[file]
		if _, err := f.w.Write(b[k+k2 : k+k2+int(n)]); err != nil {
			w.err = err
		}
		f.rows++
		b = b[k+k2+int(n):]
	}
	return w.err
}

// Close flushes every file. It does not close them.
func (w *Writer) Close() error {
	for _, f := range w.files {
		if err := f.w.Flush(); err != nil && w.err == nil {
			w.err = fmt.Errorf("write %s: %w", f.name, err)
		}
	}
	return w.err
}

// Rows returns the data rows written to each file, by file name.
func (w *Writer) Rows() map[string]int {
	m := make(map[string]int, len(w.files))
	for _, f := range w.files {
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
