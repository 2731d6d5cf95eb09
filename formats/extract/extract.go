// Package extract reads and writes CPR's fixed-width extract (Format A, the U12170-P record types):
// records 000 (start), 001–030 (person data and history), 099 (events) and 999 (end), each of a fixed
// length per type, numeric fields right-aligned and zero-filled, text left-aligned and blank-filled,
// ISO-8859-1 bytes. The layouts are derived from the reference notes (cpr-formats.md §1.3) by
// scripts/derivelayouts.
//
// Files come in several framings: records concatenated with no separator (CPR's FTP files), or one
// record per line ended by LF or CRLF, often with trailing blanks trimmed. The Reader accepts all of them
// and reports the framing it found; the Writer writes any of them, so that reading a file and writing its
// records back in the same framing gives the same bytes.
//
// PersonWriter writes a status extract of generated persons; ChangeSpool a series of daily change
// extracts (every person touched that day, with a 099 record per event); Receiver applies extracts as a
// receiving program should; Inspect checks files and series against CPR's layout and invariants.
package extract

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/cprtestdata/cprtestdata/generator/civil"
)

// Framing is how records are separated in a file.
type Framing uint8

// The framings.
const (
	Stream Framing = iota // no separator
	LF                    // one record per line, "\n"
	CRLF                  // one record per line, "\r\n"
)

// String returns the framing's name as the command line writes it.
func (f Framing) String() string {
	switch f {
	case LF:
		return "lf"
	case CRLF:
		return "crlf"
	}
	return "stream"
}

// ParseFraming parses "stream", "lf" or "crlf".
func ParseFraming(s string) (Framing, error) {
	switch strings.ToLower(s) {
	case "stream":
		return Stream, nil
	case "lf":
		return LF, nil
	case "crlf":
		return CRLF, nil
	}
	return 0, fmt.Errorf("framing %q: %w", s, ErrUnknownName)
}

// Encoding is the character encoding of a file.
type Encoding uint8

// The encodings.
const (
	Latin1 Encoding = iota // ISO-8859-1, as CPR delivers
	UTF8                   // not CPR's: an option for receivers that want it, clearly labelled
)

// String returns the encoding's name as the command line writes it.
func (e Encoding) String() string {
	if e == UTF8 {
		return "utf-8"
	}
	return "iso-8859-1"
}

// ParseEncoding parses "iso-8859-1" (or "latin1") and "utf-8".
func ParseEncoding(s string) (Encoding, error) {
	switch strings.ToLower(s) {
	case "iso-8859-1", "latin1", "latin-1":
		return Latin1, nil
	case "utf-8", "utf8":
		return UTF8, nil
	}
	return 0, fmt.Errorf("encoding %q: %w", s, ErrUnknownName)
}

// Errors a ParseError or WriteError wraps; test for them with errors.Is.
var (
	ErrUnknownType  = errors.New("unknown record type")
	ErrTruncated    = errors.New("record truncated")
	ErrFieldFormat  = errors.New("field does not have its format")
	ErrTooLong      = errors.New("value longer than its field")
	ErrNotLatin1    = errors.New("character not in ISO-8859-1")
	ErrUnknownName  = errors.New("unknown name")
	ErrUnknownField = errors.New("unknown field")
)

// ParseError says what is wrong in an extract and where.
type ParseError struct {
	Offset int64  // byte offset of the record in the input
	Line   int    // 1-based line of the record (in stream framing, the record's number)
	Type   string // record type, when known
	Field  string // field, when the fault is in one
	Err    error
	Detail string
}

func (e *ParseError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "line %d, byte offset %d", e.Line, e.Offset)
	if e.Type != "" {
		fmt.Fprintf(&b, ", record %s", e.Type)
	}
	if e.Field != "" {
		fmt.Fprintf(&b, ", field %s", e.Field)
	}
	fmt.Fprintf(&b, ": %v", e.Err)
	if e.Detail != "" {
		fmt.Fprintf(&b, ": %s", e.Detail)
	}
	return b.String()
}

// Unwrap returns the sentinel.
func (e *ParseError) Unwrap() error { return e.Err }

// Record is one record: its layout and the text of each field exactly as the file has it (padding
// included), decoded to a Go string.
type Record struct {
	Layout *Layout
	Values []string
	Offset int64 // where the reader found it
	Line   int
}

// NewRecord returns an empty record of type t ("001"): every field blank, numeric fields zero.
func NewRecord(t string) (*Record, error) {
	l := LayoutOf(t)
	if l == nil {
		return nil, fmt.Errorf("record type %q: %w", t, ErrUnknownType)
	}
	r := &Record{Layout: l, Values: make([]string, len(l.Fields))}
	for i, f := range l.Fields {
		r.Values[i] = empty(f)
	}
	r.Values[0] = l.Type
	return r, nil
}

func empty(f Field) string {
	switch f.Kind {
	case KindNumber, KindTimestamp, KindDay, KindNumberRef:
		return strings.Repeat("0", f.Len)
	}
	return strings.Repeat(" ", f.Len)
}

// Type returns the record type, "001".
func (r *Record) Type() string { return r.Layout.Type }

// Get returns the named field's value without its padding: text right-trimmed, numbers as written.
func (r *Record) Get(name string) string {
	i := r.Layout.Field(name)
	if i < 0 {
		return ""
	}
	return strings.TrimRight(r.Values[i], " ")
}

// Set sets the named field, padding it to its width: text on the right with blanks, numbers on the left
// with zeros. A value longer than the field is an error naming the field.
func (r *Record) Set(name, value string) error {
	i := r.Layout.Field(name)
	if i < 0 {
		return fmt.Errorf("record %s: %w %q", r.Layout.Type, ErrUnknownField, name)
	}
	f := r.Layout.Fields[i]
	n := len([]rune(value))
	if n > f.Len {
		return fmt.Errorf("record %s field %s: %w: %q has %d characters, the field %d", r.Layout.Type, f.Danish, ErrTooLong, value, n, f.Len)
	}
	switch f.Kind {
	case KindNumber, KindNumberRef:
		r.Values[i] = strings.Repeat("0", f.Len-n) + value
	default:
		r.Values[i] = value + strings.Repeat(" ", f.Len-n)
	}
	return nil
}

// SetInt sets a numeric field.
func (r *Record) SetInt(name string, v int) error { return r.Set(name, strconv.Itoa(v)) }

// SetDate sets a date field (yyyy-MM-dd, blank when d is zero), a timestamp field (yyyyMMddHHmm at
// TimeOfDay, zeros when zero) or a day field (yyyyMMdd), as the writers write them.
func (r *Record) SetDate(name string, d civil.Date) error {
	i := r.Layout.Field(name)
	if i < 0 {
		return fmt.Errorf("record %s: %w %q", r.Layout.Type, ErrUnknownField, name)
	}
	f := r.Layout.Fields[i]
	if d.IsZero() {
		r.Values[i] = empty(f)
		return nil
	}
	switch f.Kind {
	case KindDate, KindTimestamp, KindTimestampText, KindDay:
		b := []byte(empty(f))
		putDate(b, f.Kind, d, 0)
		r.Values[i] = string(b)
		return nil
	}
	return fmt.Errorf("record %s field %s: not a date field", r.Layout.Type, f.Danish)
}

// Date returns the named date, timestamp or day field as a date, and false when it is empty or not a
// valid date (CPR's old history has months and days 00).
func (r *Record) Date(name string) (civil.Date, bool) {
	v := r.Get(name)
	var y, m, d int
	var err error
	switch {
	case len(v) == 10 && v[4] == '-' && v[7] == '-':
		y, err = strconv.Atoi(v[0:4])
		if err == nil {
			m, err = strconv.Atoi(v[5:7])
		}
		if err == nil {
			d, err = strconv.Atoi(v[8:10])
		}
	case len(v) == 12 || len(v) == 8:
		y, err = strconv.Atoi(v[0:4])
		if err == nil {
			m, err = strconv.Atoi(v[4:6])
		}
		if err == nil {
			d, err = strconv.Atoi(v[6:8])
		}
	default:
		return civil.Date{}, false
	}
	date := civil.Date{Year: y, Month: time.Month(m), Day: d}
	if err != nil || !date.IsValid() {
		return civil.Date{}, false
	}
	return date, true
}

// checkField reports whether value has field f's format: no control characters; digits for numbers and
// timestamps (blanks allowed where CPR leaves them), yyyy-MM-dd or blanks for dates.
func checkField(f Field, v string) string {
	for _, c := range v {
		if c < ' ' || c == 0x7f || (c >= 0x80 && c < 0xa0) {
			return fmt.Sprintf("control character %q in %q", c, v)
		}
	}
	if strings.TrimSpace(v) == "" {
		return ""
	}
	switch f.Kind {
	case KindNumber, KindTimestamp, KindDay, KindTimestampText, KindNumberRef:
		for i := 0; i < len(v); i++ {
			if (v[i] < '0' || v[i] > '9') && v[i] != ' ' {
				return fmt.Sprintf("%q is not digits", v)
			}
		}
	case KindDate:
		for i := 0; i < len(v); i++ {
			c := v[i]
			if (i == 4 || i == 7) && c != '-' || (i != 4 && i != 7) && (c < '0' || c > '9') {
				return fmt.Sprintf("%q is not yyyy-MM-dd", v)
			}
		}
	}
	return ""
}
