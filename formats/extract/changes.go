package extract

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"slices"

	"github.com/cprtestdata/cprtestdata/generator"
	"github.com/cprtestdata/cprtestdata/generator/civil"
)

// spill is an unlinked temporary file written through a buffer; offset counts the bytes written.
type spill struct {
	f *os.File
	c fileCounter
	w *bufio.Writer
}

// fileCounter counts what reaches the file.
type fileCounter struct {
	f *os.File
	n int64
}

func (c *fileCounter) Write(b []byte) (int, error) {
	n, err := c.f.Write(b)
	c.n += int64(n)
	return n, err
}

func newSpill(what string) (*spill, error) {
	f, err := os.CreateTemp("", "cprtestdata-"+what+"-")
	if err != nil {
		return nil, fmt.Errorf("temporary file for %s: %w", what, err)
	}
	os.Remove(f.Name()) // unlinked: it goes away with the writer, whatever happens
	s := &spill{f: f, c: fileCounter{f: f}}
	s.w = bufio.NewWriterSize(&s.c, 256<<10)
	return s, nil
}

// offset returns the bytes written so far, buffered ones included: where the next write will stand.
func (s *spill) offset() int64 { return s.c.n + int64(s.w.Buffered()) }

// section is a part of a spill.
type section struct{ off, n int64 }

// copy writes the sections to dst in order; the spill must be flushed.
func (s *spill) copy(dst io.Writer, secs []section) error {
	for _, sec := range secs {
		if _, err := io.Copy(dst, io.NewSectionReader(s.f, sec.off, sec.n)); err != nil {
			return err
		}
	}
	return nil
}

func (s *spill) close() { s.f.Close() }

// deferred holds the persons WriteLast and WriteAfter were given, to be written in the order of their
// keys after all others.
type deferred struct {
	main, block *spill
	entries     []lateEntry
}

type lateEntry struct {
	key         int
	main, block section
}

// WriteLast writes p after every person given to Write, whenever it is called: the persons given to
// WriteLast come after them in the order of their Index, each with its 003 record after the 003 block of
// the others. A status extract at the end of a timeline lists the persons the timeline added this way,
// in the order they arrived, as a receiver that applies the change extracts in order would.
func (pw *PersonWriter) WriteLast(p *generator.Person) error { return pw.WriteAfter(p, p.Index) }

// WriteAfter is WriteLast with the order given: the persons given to WriteAfter come after those given
// to Write in the order of key, whatever the order of the calls. Keys must differ.
func (pw *PersonWriter) WriteAfter(p *generator.Person, key int) error {
	if pw.err != nil {
		return pw.err
	}
	if pw.late == nil {
		d := &deferred{}
		var err error
		if d.main, err = newSpill("added"); err != nil {
			pw.err = err
			return err
		}
		if d.block, err = newSpill("added-003"); err != nil {
			d.main.close()
			pw.err = err
			return err
		}
		pw.late = d
	}
	d := pw.late
	pw.persons++
	e := lateEntry{key: key, main: section{off: d.main.offset()}, block: section{off: d.block.offset()}}
	block := d.block.w
	if pw.block == nil { // 003 records stand with their persons
		block = d.main.w
	}
	if err := pw.encode(p, d.main.w, block); err != nil {
		return err
	}
	e.main.n, e.block.n = d.main.offset()-e.main.off, d.block.offset()-e.block.off
	d.entries = append(d.entries, e)
	return nil
}

func (d *deferred) copyMain(dst io.Writer) error {
	slices.SortFunc(d.entries, func(a, b lateEntry) int { return a.key - b.key })
	if err := d.main.w.Flush(); err != nil {
		return err
	}
	if err := d.block.w.Flush(); err != nil {
		return err
	}
	secs := make([]section, len(d.entries))
	for i, e := range d.entries {
		secs[i] = e.main
	}
	return d.main.copy(dst, secs)
}

func (d *deferred) copyBlocks(dst io.Writer) error {
	secs := make([]section, len(d.entries))
	for i, e := range d.entries {
		secs[i] = e.block
	}
	return d.block.copy(dst, secs)
}

func (d *deferred) close() {
	d.main.close()
	d.block.close()
}

// ChangeSpool collects the contents of a series of daily change extracts from persons handed to it in
// any order of days, and writes each day's file when asked. Within a day, persons keep the order they
// were added in. Memory stays bounded however many persons a day has (see DaySpool).
type ChangeSpool struct {
	pw            *PersonWriter
	main, block   *DaySpool // each day's records; its 003 records
	mainT, blockT dayWriter
	mainW, blockW *bufio.Writer
	records       []int // by day-1
	err           error
}

// NewChangeSpool returns a spool for days days of change extracts written with opts (its task, record
// selection, framing and encoding; the production dates are given per file).
func NewChangeSpool(opts FileOptions, days int) (*ChangeSpool, error) {
	if opts.Task == 0 {
		opts.Task = DefaultTask
	}
	if opts.Task < 1 || opts.Task > 999999 {
		return nil, fmt.Errorf("task number %d: want 1-999999", opts.Task)
	}
	sel := opts.Records
	if sel == nil {
		sel = AllRecords()
	}
	pw := &PersonWriter{opts: opts}
	for _, t := range PersonTypes {
		if sel[t] {
			pw.types = append(pw.types, &personType{code: t, layout: LayoutOf(t), template: templates[t], encode: encoders[t]})
		}
	}
	s := &ChangeSpool{pw: pw, records: make([]int, days)}
	var err error
	if s.main, err = NewDaySpool(days, 8<<20); err != nil {
		return nil, err
	}
	if s.block, err = NewDaySpool(days, 4<<20); err != nil {
		s.main.Close()
		return nil, err
	}
	s.mainT.s, s.blockT.s = s.main, s.block
	s.mainW = bufio.NewWriterSize(&s.mainT, 4<<10)
	s.blockW = bufio.NewWriterSize(&s.blockT, 4<<10)
	if opts.AddressWithPerson {
		s.blockW = s.mainW
	}
	return s, nil
}

// Add adds person p to day's file (1-based): its selected records, then a 099 record per event, and its
// 003 record in the block at the end of the file (with the person when the options say so).
func (s *ChangeSpool) Add(day int, p *generator.Person, events []generator.Event) error {
	if s.err != nil {
		return s.err
	}
	if day < 1 || day > len(s.records) {
		return fmt.Errorf("change extract day %d: the spool has days 1-%d", day, len(s.records))
	}
	pw := s.pw
	before := pw.records
	s.mainT.day, s.blockT.day = day, day
	if err := pw.encode(p, s.mainW, s.blockW); err != nil {
		s.err = err
		return err
	}
	num := p.Number.String()
	for k, e := range events {
		l := pw.start("099", num)
		putEventTime(l.field(f099CprUpdateDate), e.Date, TimeKey(p), k)
		l.text(f099Event_, e.Code)
		l.text(f099DerivedMark, e.Derived)
		pw.emit(l, s.mainW)
	}
	if pw.err != nil {
		s.err = pw.err
		return s.err
	}
	if err := s.mainW.Flush(); err != nil {
		s.err = err
		return err
	}
	if err := s.blockW.Flush(); err != nil {
		s.err = err
		return err
	}
	s.records[day-1] += pw.records - before
	return nil
}

// WriteDay writes day's change extract to w: the start record with the task number and the production
// dates, the day's persons, the 003 block, and the end record. It returns the records written, start and
// end included.
func (s *ChangeSpool) WriteDay(w io.Writer, day int, production, previous civil.Date) (int, error) {
	if s.err != nil {
		return 0, s.err
	}
	if day < 1 || day > len(s.records) {
		return 0, fmt.Errorf("change extract day %d: the spool has days 1-%d", day, len(s.records))
	}
	pw := s.pw
	out := bufio.NewWriterSize(w, 256<<10)
	pw.emitRecord("000", AppendStart(nil, pw.opts.Task, production, previous), out)
	for _, part := range []*DaySpool{s.main, s.block} {
		r, err := part.Reader(day)
		if err != nil {
			return 0, err
		}
		if _, err := io.Copy(out, r); err != nil {
			return 0, fmt.Errorf("change extract of day %d: %w", day, err)
		}
	}
	pw.emitRecord("999", AppendEnd(nil, s.records[day-1]), out)
	if pw.err != nil {
		return 0, pw.err
	}
	if err := out.Flush(); err != nil {
		return 0, err
	}
	return s.records[day-1] + 2, nil
}

// Close removes the spool's temporary files.
func (s *ChangeSpool) Close() error {
	s.main.Close()
	s.block.Close()
	return nil
}

// EventLength is the length of a record 099.
const EventLength = 45

// AppendEvent appends the record 099 of event e, the k-th (0-based) of the day delivered for person p,
// to dst: its ISO-8859-1 bytes without framing, as the events tables read them.
func AppendEvent(dst []byte, p *generator.Person, e generator.Event, k int) []byte {
	l, at := LayoutOf("099"), len(dst)
	dst = append(dst, templates["099"]...)
	b := dst[at:]
	p.Number.AppendTo(fieldOf(l, b, fieldPNR)[:0])
	putEventTime(fieldOf(l, b, f099CprUpdateDate), e.Date, TimeKey(p), k)
	latin1Into(fieldOf(l, b, f099Event_), e.Code)
	latin1Into(fieldOf(l, b, f099DerivedMark), e.Derived)
	return dst
}

// putEventTime writes the TIMESTAMPU of the k-th event of a day delivered for the person keyed key.
func putEventTime(dst []byte, d civil.Date, key uint64, k int) {
	putDay(dst[0:8], d)
	t := UpdateTime(key, d, k)
	copy(dst[8:], t[:])
}

// latin1Into writes s, which must fit, into dst as ISO-8859-1; characters beyond it become '?'.
func latin1Into(dst []byte, s string) {
	k := 0
	for _, c := range s {
		if k == len(dst) {
			return
		}
		if c > 0xFF {
			c = '?'
		}
		dst[k] = byte(c)
		k++
	}
}

// AppendStart appends a start record (000) with the task number and production dates, unframed.
func AppendStart(dst []byte, task int, production, previous civil.Date) []byte {
	l, at := LayoutOf("000"), len(dst)
	dst = append(dst, templates["000"]...)
	b := dst[at:]
	copy(fieldOf(l, b, f000BlackBox10), "0000000000")
	putNumber(fieldOf(l, b, f000TaskNumber), task)
	putDay(fieldOf(l, b, f000ProductionDate), production)
	putDay(fieldOf(l, b, f000PreviousProductionDate), previous)
	return dst
}

// AppendEnd appends an end record (999) counting records between the start and end records, unframed.
func AppendEnd(dst []byte, records int) []byte {
	l, at := LayoutOf("999"), len(dst)
	dst = append(dst, templates["999"]...)
	b := dst[at:]
	copy(fieldOf(l, b, f999BlackBox10), "9999999999")
	putNumber(fieldOf(l, b, f999Counter), records)
	return dst
}

// EndRecord returns the offset in data, a whole extract in any framing, of its end record, or false
// when data does not end with one. A test environment uses it to damage a file on purpose.
func EndRecord(data []byte) (int, bool) {
	l := LayoutOf("999")
	body := bytes.TrimRight(data, "\r\n")
	at := len(body) - l.Length
	if at < 0 || !bytes.HasPrefix(body[at:], []byte(l.Type)) {
		return 0, false
	}
	return at, true
}
