package parquetfiles

import (
	"bytes"
	"io"
	"time"

	"github.com/parquet-go/parquet-go"

	"github.com/cprtestdata/cprtestdata/formats/extract"
	"github.com/cprtestdata/cprtestdata/formats/tables"
	"github.com/cprtestdata/cprtestdata/generator/civil"
)

// table is one record type's Parquet file.
type table interface {
	add(line []byte) error // the record's ISO-8859-1 bytes
	close() error          // what is buffered, and the footer
	rows() int
}

// columnar is a record type's table written a column at a time: the records' bytes are kept in
// batches, and a goroutine of the table's own turns each batch into one column's values after another
// and hands them to parquet-go's column writers. The file is the one parquet-go's typed writer makes of
// the same rows (GenericWriter[T].Write of batches of batchRows, TestColumnarSameBytes): the rows go to
// the columns in the same chunks, so every column flushes its pages where that writer does, and the
// row groups end at the same rows. What it saves is the typed path's work per value (a Go string and a
// pointer per cell, and parquet-go's reflection-compiled walk over them, one row at a time).
type columnar[T any] struct {
	w     *parquet.GenericWriter[T]
	cols  []column
	batch *lines
	total int
	full  chan *lines // batches to write
	free  chan *lines // batches written, for reuse
	done  chan error  // the writer goroutine's result
	err   error
}

// column is where a column's field stands in the record and how its bytes become its value.
type column struct {
	typ      tables.Type
	from, to int
}

// lines is a batch of records: their bytes, end to end, and where each ends.
type lines struct {
	buf  []byte
	ends []int
}

func (b *lines) line(i int) []byte {
	start := 0
	if i > 0 {
		start = b.ends[i-1]
	}
	return b.buf[start:b.ends[i]]
}

// rowsPerWrite is the chunk of rows parquet-go's typed writer hands to the columns at a time, after
// each of which a column whose buffer is full writes a page (ConcurrentRowGroupWriter.writeRows of
// parquet-go 0.32): the columnar writer keeps to it, so the pages end at the same rows.
const rowsPerWrite = 64

func newColumnar[T any](out io.Writer, recordType string, opts ...parquet.WriterOption) table {
	t := &columnar[T]{w: parquet.NewGenericWriter[T](out, opts...), cols: columnsOf(recordType),
		full: make(chan *lines, batchesInFlight), free: make(chan *lines, batchesInFlight+1), done: make(chan error, 1)}
	t.batch = newLines()
	for i := 0; i < batchesInFlight; i++ {
		t.free <- newLines()
	}
	go t.drain()
	return t
}

func newLines() *lines { return &lines{ends: make([]int, 0, batchRows)} }

// columnsOf is a record type's columns, in the order of its table and of the row struct's fields.
func columnsOf(recordType string) []column {
	tb := tables.ForLayout(extract.LayoutOf(recordType))
	cols := make([]column, len(tb.Columns))
	for i, c := range tb.Columns {
		f := tb.Layout.Fields[c.Field]
		cols[i] = column{typ: c.Type, from: f.Pos - 1, to: f.Pos - 1 + f.Len}
	}
	return cols
}

func (t *columnar[T]) add(line []byte) error {
	t.batch.buf = append(t.batch.buf, line...)
	t.batch.ends = append(t.batch.ends, len(t.batch.buf))
	t.total++
	if len(t.batch.ends) == batchRows {
		t.full <- t.batch
		t.batch = <-t.free
	}
	return nil
}

// drain writes the batches handed to it until the channel closes, then the footer.
func (t *columnar[T]) drain() {
	var err error
	inGroup := 0 // rows in the current row group
	var values []parquet.Value
	var scratch []byte
	for b := range t.full {
		for start := 0; err == nil && start < len(b.ends); {
			if inGroup == RowGroupRows {
				if err = t.w.Flush(); err != nil {
					break
				}
				inGroup = 0
			}
			n := min(rowsPerWrite, len(b.ends)-start, RowGroupRows-inGroup)
			values, scratch, err = t.writeRows(b, start, n, values, scratch)
			start += n
			inGroup += n
		}
		b.buf, b.ends = b.buf[:0], b.ends[:0]
		t.free <- b
	}
	if err == nil {
		err = t.w.Close()
	}
	t.done <- err
}

// writeRows writes rows start to start+n of b, a column after the other. Values of text point into b
// or into scratch, which the columns copy from before the next column reuses it.
func (t *columnar[T]) writeRows(b *lines, start, n int, values []parquet.Value, scratch []byte) ([]parquet.Value, []byte, error) {
	writers := t.w.ColumnWriters()
	for j, c := range t.cols {
		values, scratch = values[:0], scratch[:0]
		for i := start; i < start+n; i++ {
			var v parquet.Value
			v, scratch = c.value(b.line(i)[c.from:c.to], scratch)
			if !v.IsNull() {
				v.SetDefinitionLevel(1) // the column's one optional level
			}
			v.SetColumnIndex(j)
			values = append(values, v)
		}
		if _, err := writers[j].WriteRowValues(values); err != nil {
			return values, scratch, err
		}
	}
	return values, scratch, nil
}

// value is the column's value of a field's bytes, or null: what the tables say it holds (the same
// values as the CSV tables, tables.Column.AppendCSV). Text that is not ASCII is decoded from
// ISO-8859-1 into scratch.
func (c column) value(b, scratch []byte) (parquet.Value, []byte) {
	switch c.typ {
	case tables.TypeCode, tables.TypePNR:
		if tables.AllZeros(b) {
			return parquet.NullValue(), scratch
		}
	case tables.TypeFlag:
		if v, ok := tables.Flag(b); ok {
			return parquet.BooleanValue(v), scratch
		}
		return parquet.NullValue(), scratch
	case tables.TypeDate:
		if d, ok := dayNumber(b); ok {
			return parquet.Int32Value(d), scratch
		}
		return parquet.NullValue(), scratch
	case tables.TypeTimestamp:
		if ms, ok := wallMillis(b); ok {
			return parquet.Int64Value(ms), scratch
		}
		return parquet.NullValue(), scratch
	case tables.TypePartial:
		if tables.AllZeros(b) || len(b) != 12 || tables.ValidTimestamp(b) || len(bytes.TrimSpace(b)) == 0 {
			return parquet.NullValue(), scratch
		}
		at := len(scratch)
		scratch = tables.AppendStamp(scratch, b)
		return parquet.ByteArrayValue(scratch[at:]), scratch
	}
	b = tables.TrimBlanks(b)
	if len(b) == 0 {
		return parquet.NullValue(), scratch
	}
	for _, x := range b {
		if x >= 0x80 {
			at := len(scratch)
			scratch = tables.AppendLatin1(scratch, b)
			return parquet.ByteArrayValue(scratch[at:]), scratch
		}
	}
	return parquet.ByteArrayValue(b), scratch
}

// dayNumber is a yyyy-MM-dd (or yyyyMMdd) field as days since 1970-01-01; not ok when empty or no date.
// Days, because parquet-go writes time.Time with the date tag wrongly (as truncated nanoseconds).
func dayNumber(b []byte) (int32, bool) {
	var y, m, d int
	var ok1, ok2, ok3 bool
	switch len(b) {
	case 10:
		y, ok1 = digits(b[0:4])
		m, ok2 = digits(b[5:7])
		d, ok3 = digits(b[8:10])
	case 8:
		y, ok1 = digits(b[0:4])
		m, ok2 = digits(b[4:6])
		d, ok3 = digits(b[6:8])
	}
	if !ok1 || !ok2 || !ok3 || y == 0 || m < 1 || m > 12 || d < 1 || d > 31 {
		return 0, false
	}
	return int32(civil.Date{Year: y, Month: time.Month(m), Day: d}.DayNumber()), true
}

// wallMillis is a yyyyMMddHHmm field, CPR's local time, as milliseconds since 1970-01-01 00:00 of the
// same wall clock (the column is not adjusted to UTC: its value is the wall clock, whatever the zone);
// not ok when empty (zeros) or no time.
func wallMillis(b []byte) (int64, bool) {
	if !tables.ValidTimestamp(b) {
		return 0, false
	}
	day, _ := dayNumber(b[0:8]) // a valid timestamp's date is a date
	hh, _ := digits(b[8:10])
	mm, _ := digits(b[10:12])
	return (int64(day)*24*60 + int64(hh*60+mm)) * 60 * 1000, true
}

// close hands on the last rows and waits for them and the footer to be written.
func (t *columnar[T]) close() error {
	if t.full == nil {
		return t.err
	}
	if len(t.batch.ends) > 0 {
		t.full <- t.batch
	}
	close(t.full)
	t.err = <-t.done
	t.full = nil
	return t.err
}

func (t *columnar[T]) rows() int { return t.total }
