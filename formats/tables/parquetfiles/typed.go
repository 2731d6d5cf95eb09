package parquetfiles

import (
	"io"

	"github.com/parquet-go/parquet-go"

	"github.com/cprtestdata/cprtestdata/generator"
	"github.com/cprtestdata/cprtestdata/generator/civil"
)

// typed batches rows of T for a GenericWriter[T]: persons.parquet's, filled from the persons. Full
// batches are written by a goroutine of the table's own, so compressing and writing one file overlaps
// with filling the rows of all: the rows of each file keep their order, so the bytes do not change.
type typed[T any] struct {
	w     *parquet.GenericWriter[T]
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

func newTyped[T any](out io.Writer, opts ...parquet.WriterOption) *typed[T] {
	t := &typed[T]{w: parquet.NewGenericWriter[T](out, opts...), batch: make([]T, batchRows),
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

// date is d as days since 1970-01-01, or nil when d is zero.
func date(dst *int32, d civil.Date) *int32 {
	if d.IsZero() {
		return nil
	}
	*dst = int32(d.DayNumber())
	return dst
}
