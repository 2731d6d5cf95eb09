// Package parquetfiles writes the population's tables as Parquet: one file per record type of CPR's
// extract and persons.parquet, with the columns of formats/tables and real types - DATE for dates,
// TIMESTAMP (milliseconds, UTC) for CPR's yyyyMMddHHmm fields, 32-bit integers where a code is numeric,
// strings otherwise - every column optional, absent values null. Row groups are small enough that memory
// stays bounded whatever the population. Parquet orders a group's columns by name.
package parquetfiles

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unsafe"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/compress"
	"github.com/parquet-go/parquet-go/compress/snappy"
	"github.com/parquet-go/parquet-go/compress/uncompressed"
	"github.com/parquet-go/parquet-go/compress/zstd"

	"github.com/cprtestdata/cprtestdata/formats/extract"
	"github.com/cprtestdata/cprtestdata/formats/tables"
	"github.com/cprtestdata/cprtestdata/generator"
	"github.com/cprtestdata/cprtestdata/generator/civil"
)

// PersonsFile is the flat table's file name.
const PersonsFile = "persons.parquet"

// RowGroupRows bounds the rows of a row group: memory per open table stays at a few megabytes.
const RowGroupRows = 4096

// Compression names a codec.
type Compression string

// The codecs offered.
const (
	Zstd   Compression = "zstd"
	Snappy Compression = "snappy"
	None   Compression = "none"
)

// ParseCompression parses zstd, snappy or none.
func ParseCompression(s string) (Compression, error) {
	switch c := Compression(strings.ToLower(s)); c {
	case Zstd, Snappy, None:
		return c, nil
	}
	return "", fmt.Errorf("compression %q: want zstd, snappy or none", s)
}

func (c Compression) codec() compress.Codec {
	switch c {
	case Snappy:
		return &snappy.Codec{}
	case None:
		return &uncompressed.Codec{}
	}
	return &zstd.Codec{Level: zstd.SpeedDefault}
}

// Writer writes Parquet files it asks create for; Close writes their footers but does not close them.
type Writer struct {
	enc     *extract.Encoder
	files   map[string]*file // by record type
	order   []*file
	persons *file
	err     error
}

type file struct {
	name  string
	table *tables.Table
	w     *parquet.GenericWriter[any]
	index []int         // column index in the schema of each of our columns
	nulls parquet.Row   // a row of nulls, in schema order
	batch []parquet.Row // rows waiting to be written; their storage is reused
	n     int           // rows in batch
	rows  int
}

// batchRows is how many rows are handed to parquet-go at a time.
const batchRows = 1024

// NewWriter creates persons.parquet and one file per selected record type (nil: all).
func NewWriter(create func(name string) (io.Writer, error), sel extract.Selection, c Compression) (*Writer, error) {
	if sel == nil {
		sel = extract.AllRecords()
	}
	if c == "" {
		c = Zstd
	}
	w := &Writer{enc: extract.NewEncoder(sel), files: map[string]*file{}}
	group := parquet.Group{}
	var names []string
	for _, col := range tables.PersonColumns {
		group[col.Name] = parquet.Optional(cellNode(col.Kind))
		names = append(names, col.Name)
	}
	pf, err := newFile(create, PersonsFile, nil, "persons", group, names, c)
	if err != nil {
		return nil, err
	}
	w.persons = pf
	w.order = append(w.order, pf)
	for _, t := range extract.PersonTypes {
		if !sel[t] {
			continue
		}
		tb := tables.ForLayout(extract.LayoutOf(t))
		group := parquet.Group{}
		names := make([]string, len(tb.Columns))
		for i, col := range tb.Columns {
			group[col.Name] = parquet.Optional(kindNode(col.Kind))
			names[i] = col.Name
		}
		f, err := newFile(create, tb.Name+".parquet", tb, tb.Name, group, names, c)
		if err != nil {
			return nil, err
		}
		w.files[t] = f
		w.order = append(w.order, f)
	}
	return w, nil
}

func newFile(create func(string) (io.Writer, error), name string, tb *tables.Table, schemaName string, g parquet.Group,
	names []string, c Compression) (*file, error) {
	out, err := create(name)
	if err != nil {
		return nil, err
	}
	schema := parquet.NewSchema(schemaName, g)
	f := &file{name: name, table: tb, index: make([]int, len(names)), nulls: make(parquet.Row, len(names)),
		batch: make([]parquet.Row, batchRows)}
	for i, n := range names {
		leaf, ok := schema.Lookup(n)
		if !ok {
			return nil, fmt.Errorf("parquet schema %s has no column %s", schemaName, n)
		}
		f.index[i] = leaf.ColumnIndex
		f.nulls[leaf.ColumnIndex] = parquet.NullValue().Level(0, 0, leaf.ColumnIndex)
	}
	for i := range f.batch {
		f.batch[i] = make(parquet.Row, len(names))
	}
	f.w = parquet.NewGenericWriter[any](out, schema, parquet.Compression(c.codec()), parquet.MaxRowsPerRowGroup(RowGroupRows),
		parquet.CreatedBy("cprtestdata", generator.Version, ""))
	return f, nil
}

func cellNode(k tables.CellKind) parquet.Node {
	switch k {
	case tables.CellDate:
		return parquet.Date()
	case tables.CellInt:
		return parquet.Int(32)
	}
	return parquet.String()
}

func kindNode(k extract.Kind) parquet.Node {
	switch k {
	case extract.KindDate, extract.KindDay:
		return parquet.Date()
	case extract.KindTimestamp, extract.KindTimestampText:
		return parquet.Timestamp(parquet.Millisecond)
	case extract.KindNumber:
		return parquet.Int(32)
	}
	return parquet.String()
}

// row returns the next row of the batch, all nulls, to be filled in by column.
func (f *file) row() parquet.Row {
	r := f.batch[f.n]
	copy(r, f.nulls)
	return r
}

func (f *file) put(r parquet.Row, i int, v parquet.Value) { r[f.index[i]] = v.Level(0, 1, f.index[i]) }

// add keeps the row filled in last; a full batch goes to parquet-go, which copies the values.
func (f *file) add() error {
	f.n++
	f.rows++
	if f.n == len(f.batch) {
		return f.flush()
	}
	return nil
}

func (f *file) flush() error {
	if f.n == 0 {
		return nil
	}
	_, err := f.w.WriteRows(f.batch[:f.n])
	f.n = 0
	return err
}

// bytesOf views s as bytes without copying; parquet-go copies values it keeps, and s never changes.
func bytesOf(s string) []byte { return unsafe.Slice(unsafe.StringData(s), len(s)) }

// Write writes one person: a row of persons.parquet and a row per record.
func (w *Writer) Write(p *generator.Person) error {
	if w.err != nil {
		return w.err
	}
	pf := w.persons
	r := pf.row()
	for i, col := range tables.PersonColumns {
		cell := col.Get(p)
		if !cell.OK {
			continue
		}
		switch col.Kind {
		case tables.CellDate:
			pf.put(r, i, parquet.Int32Value(int32(cell.D.DayNumber())))
		case tables.CellInt:
			pf.put(r, i, parquet.Int32Value(int32(cell.I)))
		default:
			pf.put(r, i, parquet.ByteArrayValue(bytesOf(cell.S)))
		}
	}
	if err := pf.add(); err != nil {
		w.err = fmt.Errorf("write %s: %w", pf.name, err)
		return w.err
	}
	err := w.enc.Encode(p, func(l *extract.Layout, line []byte) error {
		f := w.files[l.Type]
		r := f.row()
		for i, col := range f.table.Columns {
			text, ok := col.Text(line, l)
			if !ok {
				continue
			}
			switch col.Kind {
			case extract.KindDate, extract.KindDay:
				if d, err := civil.Parse(text); err == nil {
					f.put(r, i, parquet.Int32Value(int32(d.DayNumber()))) // days since 1970-01-01
				}
			case extract.KindTimestamp, extract.KindTimestampText:
				if t, err := time.Parse("2006-01-02T15:04", text); err == nil {
					f.put(r, i, parquet.Int64Value(t.UnixMilli()))
				}
			case extract.KindNumber:
				if n, err := strconv.Atoi(text); err == nil {
					f.put(r, i, parquet.Int32Value(int32(n)))
				}
			default:
				f.put(r, i, parquet.ByteArrayValue(bytesOf(text)))
			}
		}
		return f.add()
	})
	if err != nil {
		w.err = fmt.Errorf("parquet for %s: %w", p.Number, err)
	}
	return w.err
}

// Close writes what is buffered and every file's footer. It does not close the files.
func (w *Writer) Close() error {
	for _, f := range w.order {
		if err := f.flush(); err != nil && w.err == nil {
			w.err = fmt.Errorf("write %s: %w", f.name, err)
		}
		if err := f.w.Close(); err != nil && w.err == nil {
			w.err = fmt.Errorf("write %s: %w", f.name, err)
		}
	}
	return w.err
}

// Rows returns the rows written to each file, by file name.
func (w *Writer) Rows() map[string]int {
	m := make(map[string]int, len(w.order))
	for _, f := range w.order {
		m[f.name] = f.rows
	}
	return m
}
