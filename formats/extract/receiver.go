package extract

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"slices"
)

// Receiver holds what a receiving program holds after reading a status extract and change extracts in
// order, by CPR's snapshot semantics: every person a file carries replaces what was held of them (their
// records of all types; the 099 events and the 910 and 997 answers to input are not data), and persons not held before are added in the order
// they come. It keeps the series whole as a receiver must: the first file is a status extract (it has no
// 099 events), and each later one follows the last applied by its production dates (see ErrChain). It
// is the reference the project's tests apply change extracts with.
type Receiver struct {
	order   []string
	records map[string][]*Record
	last    *Record // the start record of the last file applied
	area    Area    // with KeepArea: whom to keep
	layouts func(string) *Layout
}

// KeepArea makes the receiver one of an area extract's: after each file it lets go of every person the
// file carries who does not live in the area (no record 002 in its municipalities), as a receiver of
// U12170 by municipality code holds only the area's residents. Applying an area's series then holds
// what the area's status extract on the last day holds.
func (rc *Receiver) KeepArea(a Area) { rc.area = a }

// Errors of Apply for a file that does not belong next in the series; test with errors.Is.
var (
	// ErrChain: the file's previous production date (PRODDTOFORRIG) is not the production date of the
	// last file applied - a file is missing, out of order, or applied twice.
	ErrChain = errors.New("breaks the production-date chain")
	// ErrNotStatus: the first file applied has 099 events, so it is a change extract, not a status
	// extract to start from.
	ErrNotStatus = errors.New("a change extract cannot start the series")
)

// ChainMessage says how a file produced on production, naming previous as its predecessor, breaks the
// chain after a file named lastName produced on last; "" when it does not. Dates are yyyyMMdd as in the
// start record. Inspect and Receiver share it, so they judge a series alike.
func ChainMessage(previous, last, lastName string) string {
	if previous == last {
		return ""
	}
	return fmt.Sprintf("previous production date %s is not %s, the production date of %s: a file is missing, out of order or given twice",
		previous, last, lastName)
}

// NewReceiver returns a Receiver that holds no one.
func NewReceiver() *Receiver { return NewReceiverLayouts(LayoutOf) }

// NewReceiverLayouts returns a Receiver of another product's records in the same framing, their layouts
// from layoutOf (CPR Direkte PRIV's: formats/private).
func NewReceiverLayouts(layoutOf func(string) *Layout) *Receiver {
	return &Receiver{records: map[string][]*Record{}, layouts: layoutOf}
}

// Apply reads one extract file, in any framing, and applies it. A file that is not whole - it does not
// read to the end, or has no end record (999), or its end record does not count the records between -
// changes nothing: the error says why.
func (rc *Receiver) Apply(r io.Reader) error {
	rd := NewReaderLayouts(r, Latin1, rc.layouts)
	fresh := map[string][]*Record{}
	var order []string
	var start, end *Record
	between, events := 0, 0
	for {
		rec, err := rd.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
		if end != nil {
			return fmt.Errorf("extract: a %s record after the end record (999), line %d", rec.Type(), rec.Line)
		}
		switch rec.Type() {
		case "000":
			start = rec
			continue
		case "999":
			end = rec
			continue
		}
		between++
		switch rec.Type() {
		case "099":
			events++
			continue
		case "910", "997": // answers to the customer's input, not person data
			continue
		}
		pnr := rec.Get("PNR")
		if _, ok := fresh[pnr]; !ok {
			order = append(order, pnr)
		}
		fresh[pnr] = append(fresh[pnr], rec)
	}
	switch {
	case start == nil:
		return fmt.Errorf("extract: no start record (000)")
	case end == nil:
		return fmt.Errorf("extract: no end record (999): the file is incomplete")
	case end.Get("Counter") != fmt.Sprintf("%08d", between):
		return fmt.Errorf("extract: the end record counts %s records, the file has %d between 000 and 999", end.Get("Counter"), between)
	case rc.last == nil && events > 0:
		return fmt.Errorf("extract: %w: it has %d 099 events; apply the status extract first", ErrNotStatus, events)
	case rc.last != nil:
		if msg := ChainMessage(start.Get("PreviousProductionDate"), rc.last.Get("ProductionDate"), "the last file applied"); msg != "" {
			return fmt.Errorf("extract: %w: %s", ErrChain, msg)
		}
	}
	gone := 0
	for _, pnr := range order {
		if _, ok := rc.records[pnr]; !ok {
			rc.order = append(rc.order, pnr)
		}
		rc.records[pnr] = fresh[pnr]
		if rc.area != nil && !rc.area.livesIn(fresh[pnr]) {
			delete(rc.records, pnr)
			gone++
		}
	}
	if gone > 0 {
		rc.order = slices.DeleteFunc(rc.order, func(pnr string) bool { return rc.records[pnr] == nil })
	}
	rc.last = start
	return nil
}

// Numbers returns the numbers held, in the order they first came.
func (rc *Receiver) Numbers() []string { return rc.order }

// Records returns the records held of the person numbered pnr, in the order the file had them.
func (rc *Receiver) Records(pnr string) []*Record { return rc.records[pnr] }

// WriteTo writes what is held as a status extract: start (nil: the last file's start record), each
// person's records but 003, the 003 records in a block, and the end record.
func (rc *Receiver) WriteTo(w io.Writer, start *Record, opts WriterOptions) error {
	if start == nil {
		start = rc.last
	}
	if start == nil {
		return fmt.Errorf("extract: nothing applied, and no start record given")
	}
	wr := NewWriter(w, opts)
	wr.Write(start)
	n := 0
	for _, block := range []bool{false, true} {
		for _, pnr := range rc.order {
			for _, rec := range rc.records[pnr] {
				if (rec.Type() == "003") == block {
					wr.Write(rec)
					n++
				}
			}
		}
	}
	end, err := NewReader(bytes.NewReader(AppendEnd(nil, n))).Read()
	if err != nil {
		return err
	}
	wr.Write(end)
	return wr.Flush()
}
