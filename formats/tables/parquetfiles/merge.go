package parquetfiles

import (
	"errors"
	"fmt"
	"io"

	"github.com/parquet-go/parquet-go"

	"github.com/cprtestdata/cprtestdata/formats/extract"
	"github.com/cprtestdata/cprtestdata/formats/tables"
)

// Source is a Parquet file of one of this package's tables.
type Source struct {
	R    io.ReaderAt
	Size int64
}

// merger copies rows of one table's type from sources to w.
type merger func(w io.Writer, srcs []Source, runs tables.Runs, opts ...parquet.WriterOption) (int, error)

// Merge writes to w the table named name (persons.parquet, 001_person_information.parquet …,
// 099_events.parquet) made of the rows of srcs, each a file of that table, in the order runs gives,
// with the footer; every row of every source must be taken. The bytes are those a Writer given the
// same rows writes: the rows go to parquet-go in batches of the same size, with the same options. It
// does not close w.
func Merge(w io.Writer, name string, srcs []Source, runs tables.Runs, c Compression) (int, error) {
	if c == "" {
		c = Zstd
	}
	m, ok := mergerOf(name)
	if !ok {
		return 0, fmt.Errorf("merge %s: not a table of testdata's", name)
	}
	n, err := m(w, srcs, runs, options(c)...)
	if err != nil {
		return n, fmt.Errorf("merge %s: %w", name, err)
	}
	return n, nil
}

func mergerOf(name string) (merger, bool) {
	if name == PersonsFile {
		return mergeRows[personRow], true
	}
	for t, m := range tableMergers {
		if tables.ForLayout(extract.LayoutOf(t)).Name+".parquet" == name {
			return m, true
		}
	}
	return nil, false
}

// errRowsLeft is returned when runs leave rows of a source untaken.
var errRowsLeft = errors.New("rows left over")

// mergeRows is merger for rows of T: it reads rows with parquet-go's typed reader and writes them in
// full batches of batchRows, as typed does.
func mergeRows[T any](w io.Writer, srcs []Source, runs tables.Runs, opts ...parquet.WriterOption) (int, error) {
	readers := make([]*parquet.GenericReader[T], len(srcs))
	for k, s := range srcs {
		f, err := parquet.OpenFile(s.R, s.Size)
		if err != nil {
			return 0, fmt.Errorf("source %d: %w", k, err)
		}
		readers[k] = parquet.NewGenericReader[T](f)
		defer readers[k].Close()
	}
	pw := parquet.NewGenericWriter[T](w, opts...)
	batch := make([]T, batchRows)
	var (
		n, total int
		err      error
	)
	flush := func() {
		if err == nil && n > 0 {
			_, err = pw.Write(batch[:n])
		}
		n = 0
	}
	runs(func(k, count int) bool {
		if k < 0 || k >= len(readers) {
			err = fmt.Errorf("no source %d", k)
			return false
		}
		for count > 0 && err == nil {
			var zero T
			for i := n; i < min(len(batch), n+count); i++ {
				batch[i] = zero
			}
			got, rerr := readers[k].Read(batch[n:min(len(batch), n+count)])
			n, count, total = n+got, count-got, total+got
			switch {
			case rerr == io.EOF && count > 0:
				err = fmt.Errorf("source %d: %d rows short", k, count)
			case rerr != nil && rerr != io.EOF:
				err = fmt.Errorf("source %d: %w", k, rerr)
			}
			if n == len(batch) {
				flush()
			}
		}
		return err == nil
	})
	flush()
	if err != nil {
		return total, err
	}
	var probe [1]T
	for k, r := range readers {
		if got, _ := r.Read(probe[:]); got > 0 {
			return total, fmt.Errorf("source %d: %w", k, errRowsLeft)
		}
	}
	return total, pw.Close()
}
