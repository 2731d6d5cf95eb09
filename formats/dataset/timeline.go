package dataset

import (
	"fmt"
	"io"
	"path"

	"github.com/cprtestdata/cprtestdata/formats/extract"
	"github.com/cprtestdata/cprtestdata/formats/outdir"
	"github.com/cprtestdata/cprtestdata/formats/private"
	"github.com/cprtestdata/cprtestdata/formats/registers"
	"github.com/cprtestdata/cprtestdata/formats/tables/csvfiles"
	"github.com/cprtestdata/cprtestdata/formats/tables/parquetfiles"
	"github.com/cprtestdata/cprtestdata/generator"
	"github.com/cprtestdata/cprtestdata/generator/civil"
)

// timeline writes what a run with a timeline adds: a change extract per day in changes/, the events
// table in CSV and Parquet, and the status extract at the end in final/.
type timeline struct {
	out     *outdir.Dir
	opts    Options
	asOf    civil.Date
	days    int
	spool   *extract.ChangeSpool // nil without the fixed format
	events  *extract.DaySpool    // per day: the 099 records, for the events tables; nil without them
	event   []byte
	csv     bool
	parquet bool
	finalW  *extract.PersonWriter
	file    *outdir.File
	persons int
	area    *areaRun // nil: the whole population
	codes   *registers.Collector
	// the private product: each day's records and their count, and the final status
	priv      *extract.DaySpool
	privCount []int
	privEnc   *private.Encoder
	finalP    *private.Writer
}

func newTimeline(out *outdir.Dir, opts Options, formats []Format, asOf civil.Date) (*timeline, error) {
	days := opts.Generator.Days
	tl := &timeline{out: out, opts: opts, asOf: asOf, days: days, persons: opts.Generator.Persons}
	if opts.Area != nil {
		tl.area = newAreaRun(opts.Area)
	}
	if tl.persons == 0 {
		tl.persons = generator.DefaultPersons
	}
	if days == 0 {
		if opts.FinalStatus {
			return nil, fmt.Errorf("%w: a final status extract needs a timeline (days)", ErrOption)
		}
		return tl, nil
	}
	for _, f := range formats {
		switch {
		case f == FormatFixed && opts.Product == ProductPrivate:
			var err error
			if tl.priv, err = extract.NewDaySpool(days, 8<<20); err != nil {
				return nil, err
			}
			tl.privCount, tl.privEnc = make([]int, days), private.NewEncoder(opts.Private)
		case f == FormatFixed:
			var err error
			if tl.spool, err = extract.NewChangeSpool(opts.Extract, days); err != nil {
				return nil, fmt.Errorf("%w: %v", ErrOption, err)
			}
		case f == FormatCSV:
			tl.csv = true
		case f == FormatParquet:
			tl.parquet = true
		}
	}
	if tl.csv || tl.parquet {
		var err error
		if tl.events, err = extract.NewDaySpool(days, 2<<20); err != nil {
			return nil, err
		}
	}
	if opts.FinalStatus {
		eo := opts.Extract
		eo.Production = asOf.AddDays(days)
		eo.PreviousProduction = eo.Production.AddDays(-1)
		var err error
		if tl.file, err = out.Create(path.Join(FinalDir, extract.FileName(eo.Production, eo.Task))); err != nil {
			return nil, err
		}
		if opts.Product == ProductPrivate {
			if eo.Task == 0 {
				eo.Task = extract.DefaultTask
			}
			if tl.finalP, err = private.NewWriter(tl.file, eo.Task, eo.Production, eo.PreviousProduction, opts.Private, eo.WriterOptions); err != nil {
				return nil, err
			}
		} else if tl.finalW, err = extract.NewPersonWriter(tl.file, eo); err != nil {
			return nil, fmt.Errorf("%w: %v", ErrOption, err)
		}
	}
	return tl, nil
}

func (tl *timeline) change(c *generator.Change) error {
	if tl.area != nil {
		if !tl.area.change(c) {
			return nil
		}
		if tl.codes != nil {
			tl.codes.Add(c.Person)
		}
	}
	if tl.events != nil {
		for k, e := range c.Events {
			tl.event = extract.AppendEvent(tl.event[:0], c.Person, e, k)
			if err := tl.events.Write(c.Day, tl.event); err != nil {
				return fmt.Errorf("events table: %w", err)
			}
		}
	}
	if tl.priv != nil {
		if tl.opts.Subscribed != nil && !tl.opts.Subscribed[c.Person.Number] {
			return nil
		}
		b, n, err := tl.privEnc.Records(c.Person, c.Date, tl.opts.Extract.WriterOptions)
		if err == nil {
			err = tl.priv.Write(c.Day, b)
		}
		if err != nil {
			return fmt.Errorf("private change extract of %s: %w", c.Date, err)
		}
		tl.privCount[c.Day-1] += n
		return nil
	}
	if tl.spool == nil {
		return nil
	}
	if err := tl.spool.Add(c.Day, c.Person, c.Events); err != nil {
		return fmt.Errorf("change extract of %s: %w", c.Date, err)
	}
	return nil
}

func (tl *timeline) final(p *generator.Person) error {
	if tl.finalP != nil {
		if tl.opts.Subscribed != nil && !tl.opts.Subscribed[p.Number] {
			return nil
		}
		write := tl.finalP.Write
		if p.Index >= tl.persons {
			write = tl.finalP.WriteLast // added by the timeline: last, in the order they came
		}
		if err := write(p); err != nil {
			return fmt.Errorf("write %s: %w", tl.file.Name, err)
		}
		return nil
	}
	if tl.finalW == nil {
		return nil
	}
	if tl.area != nil {
		if !tl.area.final(p) {
			return nil // not there, or came since the status extract: written last, in the order they came
		}
		if err := tl.finalW.Write(p); err != nil {
			return fmt.Errorf("write %s: %w", tl.file.Name, err)
		}
		return nil
	}
	write := tl.finalW.Write
	if p.Index >= tl.persons {
		write = tl.finalW.WriteLast // added by the timeline: listed last, in the order they came
	}
	if err := write(p); err != nil {
		return fmt.Errorf("write %s: %w", tl.file.Name, err)
	}
	return nil
}

// finish writes the change extracts, the events tables and the final status extract, and lists them.
func (tl *timeline) finish(m *Manifest) error {
	if tl.days == 0 {
		return nil
	}
	task := tl.opts.Extract.Task
	if task == 0 {
		task = extract.DefaultTask
	}
	if tl.priv != nil {
		previous := tl.asOf
		for day := 1; day <= tl.days; day++ {
			if !tl.opts.Generator.IsDeliveryDay(day) {
				continue
			}
			date := tl.asOf.AddDays(day)
			f, err := tl.out.Create(path.Join(ChangesDir, extract.FileName(date, task)))
			if err != nil {
				return err
			}
			pw, err := private.NewWriter(f, task, date, previous, tl.opts.Private, tl.opts.Extract.WriterOptions)
			previous = date
			if err == nil {
				var r io.Reader
				if r, err = tl.priv.Reader(day); err == nil {
					var b []byte
					if b, err = io.ReadAll(r); err == nil {
						err = pw.WriteFramed(b, tl.privCount[day-1])
					}
				}
			}
			if err == nil {
				err = pw.Close()
			}
			if err != nil {
				return fmt.Errorf("write %s: %w", f.Name, err)
			}
			m.Days[day-1].File = f.Name
			if err := m.add(f, pw.Records()+2); err != nil {
				return err
			}
		}
	}
	if tl.spool != nil {
		previous := tl.asOf
		for day := 1; day <= tl.days; day++ {
			if !tl.opts.Generator.IsDeliveryDay(day) {
				continue // a weekend with --weekdays: its events go out on Monday
			}
			date := tl.asOf.AddDays(day)
			f, err := tl.out.Create(path.Join(ChangesDir, extract.FileName(date, task)))
			if err != nil {
				return err
			}
			n, err := tl.spool.WriteDay(f, day, date, previous)
			previous = date
			if err != nil {
				return fmt.Errorf("write %s: %w", f.Name, err)
			}
			m.Days[day-1].File = f.Name
			if err := m.add(f, n); err != nil {
				return err
			}
		}
		for day := 1; day <= tl.days; day++ {
			if d := tl.opts.Generator.DeliveryDay(day); d != day {
				m.Days[day-1].DeliveredIn = m.Days[d-1].File
			}
		}
	}
	var readErr error
	rows := func(yield func([]byte) bool) {
		rec := make([]byte, extract.EventLength)
		for day := 1; day <= tl.days; day++ {
			r, err := tl.events.Reader(day)
			if err != nil {
				readErr = err
				return
			}
			for {
				if _, err := io.ReadFull(r, rec); err != nil {
					if err != io.EOF {
						readErr = err
						return
					}
					break
				}
				if !yield(rec) {
					return
				}
			}
		}
	}
	if tl.csv {
		if err := tl.table(m, "csv/"+csvfiles.EventsFile, func(w io.Writer) (int, error) { return csvfiles.WriteEvents(w, rows) }); err != nil {
			return err
		}
	}
	if tl.parquet {
		if err := tl.table(m, "parquet/"+parquetfiles.EventsFile, func(w io.Writer) (int, error) {
			return parquetfiles.WriteEvents(w, rows, tl.opts.Compression)
		}); err != nil {
			return err
		}
	}
	if readErr != nil {
		return fmt.Errorf("events table: %w", readErr)
	}
	if tl.finalP != nil {
		if err := tl.finalP.Close(); err != nil {
			return fmt.Errorf("write %s: %w", tl.file.Name, err)
		}
		if err := m.add(tl.file, tl.finalP.Records()+2); err != nil {
			return err
		}
	}
	if tl.finalW != nil {
		if tl.area != nil {
			for i, p := range tl.area.lastFinals() {
				if err := tl.finalW.WriteAfter(p, i); err != nil {
					return fmt.Errorf("write %s: %w", tl.file.Name, err)
				}
			}
		}
		if err := tl.finalW.Close(); err != nil {
			return fmt.Errorf("write %s: %w", tl.file.Name, err)
		}
		if err := m.add(tl.file, tl.finalW.Records()+2); err != nil {
			return err
		}
	}
	return nil
}

func (tl *timeline) table(m *Manifest, name string, write func(io.Writer) (int, error)) error {
	f, err := tl.out.Create(name)
	if err != nil {
		return err
	}
	n, err := write(f)
	if err != nil {
		return fmt.Errorf("write %s: %w", name, err)
	}
	return m.add(f, n)
}

func (tl *timeline) close() {
	if tl.spool != nil {
		tl.spool.Close()
	}
	if tl.priv != nil {
		tl.priv.Close()
	}
	if tl.events != nil {
		tl.events.Close()
	}
}
