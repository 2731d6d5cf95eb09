package parquetfiles

import (
	"io"
	"time"

	"github.com/parquet-go/parquet-go"

	"github.com/cprtestdata/cprtestdata/generator"
	"github.com/cprtestdata/cprtestdata/generator/civil"
)

// table is one record type's Parquet file, written through parquet-go's typed path.
type table interface {
	add(line []byte) error // the record's ISO-8859-1 bytes
	close() error          // what is buffered, and the footer
	rows() int
}

// typed batches rows of T, filled from record bytes, for a GenericWriter[T].
type typed[T any] struct {
	w     *parquet.GenericWriter[T]
	fill  func(*T, []byte)
	batch []T
	n     int
	total int
}

func newTyped[T any](out io.Writer, fill func(*T, []byte), opts ...parquet.WriterOption) *typed[T] {
	return &typed[T]{w: parquet.NewGenericWriter[T](out, opts...), fill: fill, batch: make([]T, batchRows)}
}

func (t *typed[T]) add(line []byte) error {
	var zero T
	t.batch[t.n] = zero
	t.fill(&t.batch[t.n], line)
	t.n++
	t.total++
	if t.n == len(t.batch) {
		return t.flush()
	}
	return nil
}

// addPerson adds a row of the persons table.
func addPerson(t *typed[personRow], p *generator.Person) error {
	t.batch[t.n].fillPerson(p)
	t.n++
	t.total++
	if t.n == len(t.batch) {
		return t.flush()
	}
	return nil
}

func (t *typed[T]) flush() error {
	if t.n == 0 {
		return nil
	}
	_, err := t.w.Write(t.batch[:t.n])
	t.n = 0
	return err
}

func (t *typed[T]) close() error {
	if err := t.flush(); err != nil {
		return err
	}
	return t.w.Close()
}

func (t *typed[T]) rows() int { return t.total }

// The converters the generated fill methods use. An empty field gives the zero value, which the
// optional columns write as null, as CPR's empty values are (blanks, and zeros for numbers and times).

// textAt is a text field without its padding on either side, decoded from ISO-8859-1.
func textAt(b []byte) string {
	for len(b) > 0 && b[len(b)-1] == ' ' {
		b = b[:len(b)-1]
	}
	for len(b) > 0 && b[0] == ' ' {
		b = b[1:]
	}
	return latin1(b)
}

func latin1(b []byte) string {
	for _, c := range b {
		if c >= 0x80 {
			rs := make([]rune, len(b))
			for i, c := range b {
				rs[i] = rune(c)
			}
			return string(rs)
		}
	}
	return string(b)
}

// numberAt is a numeric field's value; 0 when blank or not digits.
func numberAt(b []byte) int32 {
	var n int32
	for _, c := range b {
		switch {
		case c >= '0' && c <= '9':
			n = n*10 + int32(c-'0')
		case c == ' ':
		default:
			return 0
		}
	}
	return n
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
// A pointer, because day 0 is a date: parquet-go writes time.Time with the date tag wrongly (as
// truncated nanoseconds), and a plain int32 of 0 would be null.
func dateAt(b []byte) *int32 {
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
	days := int32(civil.Date{Year: y, Month: time.Month(m), Day: d}.DayNumber())
	return &days
}

// timestampAt is a yyyyMMddHHmm field in UTC; the zero time when empty (zeros) or no time.
func timestampAt(b []byte) time.Time {
	if len(b) != 12 {
		return time.Time{}
	}
	y, ok1 := digits(b[0:4])
	m, ok2 := digits(b[4:6])
	d, ok3 := digits(b[6:8])
	hh, ok4 := digits(b[8:10])
	mm, ok5 := digits(b[10:12])
	if !ok1 || !ok2 || !ok3 || !ok4 || !ok5 || y == 0 || m < 1 || m > 12 || d < 1 || d > 31 {
		return time.Time{}
	}
	return time.Date(y, time.Month(m), d, hh, mm, 0, 0, time.UTC)
}
