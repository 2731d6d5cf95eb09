package extract

import (
	"bytes"
	"fmt"
	"io"
)

// DaySpool keeps bytes by day in bounded memory: each day's bytes stay in memory up to a bound and then
// go to one unlinked temporary file shared by all days. A day's bytes keep the order they were written
// in; days can be written in any order. It is what a timeline's outputs need: the timeline hands over
// family group after family group, each with deliveries for many days, and the files go out day by day.
type DaySpool struct {
	days  []dayBytes
	spill *spill
	limit int
	err   error
}

type dayBytes struct {
	mem  bytes.Buffer
	secs []section
	n    int64
}

// NewDaySpool returns a spool for days days (numbered from 1) that holds about memory bytes in memory
// at most, whatever the number of days (at least 4 KB a day).
func NewDaySpool(days, memory int) (*DaySpool, error) {
	sp, err := newSpill("days")
	if err != nil {
		return nil, err
	}
	return &DaySpool{days: make([]dayBytes, days), spill: sp, limit: max(4<<10, memory/max(1, days))}, nil
}

func (s *DaySpool) day(day int) (*dayBytes, error) {
	if day < 1 || day > len(s.days) {
		return nil, fmt.Errorf("day %d: the spool has days 1-%d", day, len(s.days))
	}
	return &s.days[day-1], nil
}

// Write appends b to day's bytes. Errors are sticky.
func (s *DaySpool) Write(day int, b []byte) error {
	if s.err != nil {
		return s.err
	}
	d, err := s.day(day)
	if err != nil {
		return err
	}
	d.mem.Write(b)
	d.n += int64(len(b))
	if d.mem.Len() >= s.limit {
		off := s.spill.offset()
		if _, err := s.spill.w.Write(d.mem.Bytes()); err != nil {
			s.err = fmt.Errorf("temporary file: %w", err)
			return s.err
		}
		d.secs = append(d.secs, section{off: off, n: s.spill.offset() - off})
		d.mem.Reset()
	}
	return nil
}

// Len returns the bytes written for day.
func (s *DaySpool) Len(day int) int64 {
	if d, err := s.day(day); err == nil {
		return d.n
	}
	return 0
}

// Reader returns a reader of day's bytes, valid until the next Write.
func (s *DaySpool) Reader(day int) (io.Reader, error) {
	if s.err != nil {
		return nil, s.err
	}
	d, err := s.day(day)
	if err != nil {
		return nil, err
	}
	if err := s.spill.w.Flush(); err != nil {
		s.err = fmt.Errorf("temporary file: %w", err)
		return nil, s.err
	}
	rs := make([]io.Reader, 0, len(d.secs)+1)
	for _, sec := range d.secs {
		rs = append(rs, io.NewSectionReader(s.spill.f, sec.off, sec.n))
	}
	return io.MultiReader(append(rs, bytes.NewReader(d.mem.Bytes()))...), nil
}

// Close removes the temporary file.
func (s *DaySpool) Close() error {
	s.spill.close()
	return nil
}

// dayWriter writes to one day of a spool.
type dayWriter struct {
	s   *DaySpool
	day int
}

func (w *dayWriter) Write(b []byte) (int, error) {
	if err := w.s.Write(w.day, b); err != nil {
		return 0, err
	}
	return len(b), nil
}
