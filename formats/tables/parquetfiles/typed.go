package parquetfiles

import (
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/parquet-go/parquet-go"

	"github.com/cprtestdata/cprtestdata/formats/tables"
	"github.com/cprtestdata/cprtestdata/generator"
	"github.com/cprtestdata/cprtestdata/generator/civil"
)

// table is one record type's Parquet file, written through parquet-go's typed path.
type table interface {
	add(line []byte) error // the record's ISO-8859-1 bytes
	close() error          // what is buffered, and the footer
	rows() int
}

// typed batches rows of T, filled from record bytes, for a GenericWriter[T]. Full batches are written
// by a goroutine of the table's own, so compressing and writing one file overlaps with filling the rows
// of all: the rows of each file keep their order, so the bytes do not change.
type typed[T any] struct {
	w     *parquet.GenericWriter[T]
	fill  func(*T, []byte)
	batch []T
	n     int
	total int
	full  chan []T   // batches to write
	free  chan []T   // batches written, for reuse
	done  chan error // the writer goroutine's result
	err   error
}

// batchesInFlight bounds the batches a table holds: memory stays bounded.
const batchesInFlight = 2

func newTyped[T any](out io.Writer, fill func(*T, []byte), opts ...parquet.WriterOption) *typed[T] {
	t := &typed[T]{w: parquet.NewGenericWriter[T](out, opts...), fill: fill, batch: make([]T, batchRows),
		// free holds every batch, the one being filled included, so drain never waits to give one back.
		full: make(chan []T, batchesInFlight), free: make(chan []T, batchesInFlight+1), done: make(chan error, 1)}
	for i := 0; i < batchesInFlight; i++ {
		t.free <- make([]T, batchRows)
	}
	go t.drain()
	return t
}

// drain writes the batches handed to it until the channel closes, then the footer.
func (t *typed[T]) drain() {
	var err error
	for b := range t.full {
		if err == nil {
			_, err = t.w.Write(b)
		}
		t.free <- b[:cap(b)]
	}
	if err == nil {
		err = t.w.Close()
	}
	t.done <- err
}

func (t *typed[T]) add(line []byte) error {
	var zero T
	t.batch[t.n] = zero
	t.fill(&t.batch[t.n], line)
	return t.added()
}

// added counts the row just filled and hands on a full batch.
func (t *typed[T]) added() error {
	t.n++
	t.total++
	if t.n == len(t.batch) {
		t.full <- t.batch
		t.batch, t.n = <-t.free, 0
	}
	return nil
}

// addPerson adds a row of the persons table.
func addPerson(t *typed[personRow], p *generator.Person) error {
	t.batch[t.n].fillPerson(p)
	return t.added()
}

// close hands on the last rows and waits for them and the footer to be written.
func (t *typed[T]) close() error {
	if t.full == nil {
		return t.err
	}
	if t.n > 0 {
		t.full <- t.batch[:t.n]
	}
	close(t.full)
	t.err = <-t.done
	t.full = nil
	return t.err
}

func (t *typed[T]) rows() int { return t.total }

// The converters the generated fill methods use. Each stores the field's value in dst and returns dst,
// or nil for an empty field, as CPR's empty values are (blanks, and zeros for numbers and times): an
// optional column is null exactly where its pointer is nil. Null is never left to parquet-go's reading
// of zero values, which version 0.32 gets wrong at some bitmap positions (an empty string written
// where a null belongs) and later versions drop.

// textAt is a text field without its padding on either side, decoded from ISO-8859-1.
func textAt(dst *string, b []byte) *string { return str(dst, tables.Text(b)) }

// codeAt is a code as CPR writes it (leading zeros kept), or a personnummer reference, as text; nil when
// blank or the zeros CPR writes for none.
func codeAt(dst *string, b []byte) *string {
	if tables.AllZeros(b) {
		return nil
	}
	if n, ok := digits(b); ok && len(b) <= 4 {
		*dst = fourDigits[len(b)-1][n] // no string made per value: codes repeat
		return dst
	}
	return textAt(dst, b)
}

// fourDigits holds every code of one to four digits as text, leading zeros kept, by length and value.
var fourDigits = func() (t [4][]string) {
	for l, n := 1, 10; l <= 4; l, n = l+1, n*10 {
		t[l-1] = make([]string, n)
		for v := range n {
			s := strconv.Itoa(v)
			t[l-1][v] = strings.Repeat("0", l-len(s)) + s
		}
	}
	return t
}()

// flagAt is an uncertainty marker: true for `*`, false for a blank, nil for anything else.
func flagAt(dst *bool, b []byte) *bool {
	v, ok := tables.Flag(b)
	if !ok {
		return nil
	}
	*dst = v
	return dst
}

// partialAt is a start timestamp as CPR wrote it when it is no valid time (yyyy-MM-ddTHH:mm), nil
// when the timestamp column holds it or it is empty.
func partialAt(dst *string, b []byte) *string {
	if tables.AllZeros(b) || len(b) != 12 || tables.ValidTimestamp(b) || strings.TrimSpace(string(b)) == "" {
		return nil
	}
	return str(dst, string(tables.AppendStamp(nil, b)))
}

// str is s, or nil when s is empty.
func str(dst *string, s string) *string {
	if s == "" {
		return nil
	}
	*dst = s
	return dst
}

func digits(b []byte) (int, bool) {
	n := 0
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

// dateAt is a yyyy-MM-dd (or yyyyMMdd) field as days since 1970-01-01, or nil when empty or no date.
// Days, because parquet-go writes time.Time with the date tag wrongly (as truncated nanoseconds).
func dateAt(dst *int32, b []byte) *int32 {
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
		return nil
	}
	return date(dst, civil.Date{Year: y, Month: time.Month(m), Day: d})
}

// date is d as days since 1970-01-01, or nil when d is zero.
func date(dst *int32, d civil.Date) *int32 {
	if d.IsZero() {
		return nil
	}
	*dst = int32(d.DayNumber())
	return dst
}

// timestampAt is a yyyyMMddHHmm field, CPR's local time, as that wall-clock time in a time.Time (the
// column is not adjusted to UTC: its value is the wall clock, whatever the zone); nil when empty (zeros)
// or no time.
func timestampAt(dst *time.Time, b []byte) *time.Time {
	if !tables.ValidTimestamp(b) {
		return nil
	}
	y, ok1 := digits(b[0:4])
	m, ok2 := digits(b[4:6])
	d, ok3 := digits(b[6:8])
	hh, ok4 := digits(b[8:10])
	mm, ok5 := digits(b[10:12])
	if !ok1 || !ok2 || !ok3 || !ok4 || !ok5 || y == 0 || m < 1 || m > 12 || d < 1 || d > 31 {
		return nil
	}
	*dst = time.Date(y, time.Month(m), d, hh, mm, 0, 0, time.UTC)
	return dst
}
