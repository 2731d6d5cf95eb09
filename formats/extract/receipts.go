package extract

import (
	"bytes"
	"errors"
	"fmt"

	"github.com/cprtestdata/cprtestdata/generator/civil"
)

// The answers to a customer's input (inddata) that a subscription extract carries after the persons:
// record 910 for an input line CPR could not carry out, 997 for each PNR subscription deleted.

// InputError is an error record (910).
type InputError struct {
	Sort   string // SORTFELT-10: the line's PNR where it has one
	Input  string // INDDATA: the input line, its first 75 characters
	Number int    // FEJLNR
	Text   string // FEJLTXT-UDTRÆK, at most 65 characters
}

// Record returns the 910 record.
func (e InputError) Record() (*Record, error) {
	r, _ := NewRecord("910")
	return r, errors.Join(r.Set("ErrorField", clip(e.Sort, 10)), r.Set("Input", clip(e.Input, 75)),
		r.SetInt("ErrorNumber", e.Number), r.Set("ErrorText", clip(e.Text, 65)))
}

// DeletionReceipt is a receipt for a deleted PNR subscription (997).
type DeletionReceipt struct {
	PNR   string
	At    civil.Date // TIMESTAMPU, at TimeOfDay
	Event string     // HAENDELSE
	Key   string     // NGLKONST, as the input line gave it
}

// Record returns the 997 record.
func (d DeletionReceipt) Record() (*Record, error) {
	r, _ := NewRecord("997")
	return r, errors.Join(r.Set("PNR", d.PNR), r.SetDate("UpdateTime", d.At), r.Set("Incident", d.Event), r.Set("KeyConstant", clip(d.Key, 15)))
}

// AppendBeforeEnd returns the whole extract data with recs written before its end record, framed as
// opts says (the file's own framing), and the end record counting them.
func AppendBeforeEnd(data []byte, opts WriterOptions, recs []*Record) ([]byte, error) {
	at, ok := EndRecord(data)
	if !ok {
		return nil, fmt.Errorf("extract: no end record (999) to write before")
	}
	end := &Record{Layout: LayoutOf("999")}
	end.Values = splitFields(end.Layout, data[at:at+end.Layout.Length])
	var count int
	if _, err := fmt.Sscan(end.Get("Counter"), &count); err != nil {
		return nil, fmt.Errorf("extract: end record count %q: %w", end.Get("Counter"), err)
	}
	var buf bytes.Buffer
	buf.Write(data[:at])
	w := NewWriter(&buf, opts)
	for _, r := range recs {
		if err := w.Write(r); err != nil {
			return nil, err
		}
	}
	if err := end.SetInt("Counter", count+len(recs)); err != nil {
		return nil, err
	}
	if err := w.Write(end); err != nil {
		return nil, err
	}
	if err := w.Flush(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// splitFields cuts a record's bytes into its fields' values, each byte an ISO-8859-1 character.
func splitFields(l *Layout, b []byte) []string {
	out := make([]string, len(l.Fields))
	for i, f := range l.Fields {
		v := b[f.Pos-1 : f.Pos-1+f.Len]
		r := make([]rune, len(v))
		for j, c := range v {
			r[j] = rune(c)
		}
		out[i] = string(r)
	}
	return out
}
