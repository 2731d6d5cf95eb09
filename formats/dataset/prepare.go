package dataset

import (
	"sync"

	"github.com/cprtestdata/cprtestdata/formats/tables/csvfiles"
	"github.com/cprtestdata/cprtestdata/generator"
)

// preparing has the generator's workers make each person's CSV rows as the person is made
// (generator.Handler.Prepare), so that the CSV writer, which must take persons in order on one
// goroutine, only copies bytes: the rows are those its own Write makes, by the same code, and a person
// whose rows cannot be made is left to Write, which reports the failure where it belongs. It pays where
// the heap has room for the rows in flight (some 40 MB), which a run with Parquet's column buffers under
// the soft memory limit has not: there the collector's extra work costs more than the cores win
// (scripts/bench-extract.sh; the README's figures).
type preparing struct {
	csv  *csvfiles.Writer
	prep sync.Pool // *csvfiles.Preparer
}

// newPreparing returns the preparing of a run's writers, or nil when it does not pay.
func newPreparing(opts Options, csvw *csvfiles.Writer, parquet bool) *preparing {
	if csvw == nil || parquet {
		return nil
	}
	pr := &preparing{csv: csvw}
	pr.prep.New = func() any { return csvfiles.NewPreparer(opts.Extract.Records) }
	return pr
}

// prepare appends p's CSV rows to dst, or nothing when they cannot be made.
func (pr *preparing) prepare(p *generator.Person, dst []byte) []byte {
	r := pr.prep.Get().(*csvfiles.Preparer)
	defer pr.prep.Put(r)
	b, err := r.Append(dst, p)
	if err != nil {
		return dst
	}
	return b
}

// writeCSV writes p's rows: those prepared, or made now when none were (every person has a row of
// persons.csv, so none means they could not be made).
func (pr *preparing) writeCSV(p *generator.Person, prepared []byte) error {
	if len(prepared) == 0 {
		return pr.csv.Write(p)
	}
	return pr.csv.WritePrepared(prepared)
}
