package extract

import (
	"bufio"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// WriterOptions say how records are written. The zero value writes CPR's FTP form: ISO-8859-1, records
// concatenated with no separator.
type WriterOptions struct {
	Framing  Framing
	Trim     bool     // in LF and CRLF framing, leave out trailing blanks
	Encoding Encoding // Latin1 (CPR's) or UTF8 (not CPR's)
}

// WriteError says which record and field could not be written.
type WriteError struct {
	Record int    // 1-based record number in the output
	Type   string // record type
	PNR    string // the person, when the record has a PNR field
	Field  string
	Err    error
	Detail string
}

func (e *WriteError) Error() string {
	s := fmt.Sprintf("record %d (%s", e.Record, e.Type)
	if e.PNR != "" {
		s += ", PNR " + e.PNR
	}
	s += ")"
	if e.Field != "" {
		s += ", field " + e.Field
	}
	s += ": " + e.Err.Error()
	if e.Detail != "" {
		s += ": " + e.Detail
	}
	return s
}

// Unwrap returns the sentinel.
func (e *WriteError) Unwrap() error { return e.Err }

// Writer writes records to an io.Writer it does not own. Errors are sticky: after one failure every call
// returns it.
type Writer struct {
	w     *bufio.Writer
	opts  WriterOptions
	n     int
	err   error
	bytes []byte
}

// NewWriter returns a Writer to w.
func NewWriter(w io.Writer, opts WriterOptions) *Writer {
	return &Writer{w: bufio.NewWriterSize(w, 256<<10), opts: opts}
}

// Count returns the number of records written.
func (w *Writer) Count() int { return w.n }

// Write writes one record.
func (w *Writer) Write(rec *Record) error {
	if w.err != nil {
		return w.err
	}
	w.n++
	b := w.bytes[:0]
	for i, f := range rec.Layout.Fields {
		v := rec.Values[i]
		if n := utf8.RuneCountInString(v); n != f.Len {
			return w.fail(rec, f.Danish, ErrTooLong, fmt.Sprintf("%q has %d characters, the field %d", v, n, f.Len))
		}
		if w.opts.Encoding == UTF8 {
			b = append(b, v...)
			continue
		}
		for _, c := range v {
			if c > 0xFF {
				return w.fail(rec, f.Danish, ErrNotLatin1, fmt.Sprintf("%q in %q", c, strings.TrimRight(v, " ")))
			}
			b = append(b, byte(c))
		}
	}
	if w.opts.Trim && w.opts.Framing != Stream {
		for len(b) > 0 && b[len(b)-1] == ' ' {
			b = b[:len(b)-1]
		}
	}
	switch w.opts.Framing {
	case LF:
		b = append(b, '\n')
	case CRLF:
		b = append(b, '\r', '\n')
	}
	w.bytes = b
	if _, err := w.w.Write(b); err != nil {
		w.err = err
		return err
	}
	return nil
}

func (w *Writer) fail(rec *Record, field string, err error, detail string) error {
	e := &WriteError{Record: w.n, Type: rec.Layout.Type, Field: field, Err: err, Detail: detail}
	if len(rec.Layout.Fields) > fieldPNR && rec.Layout.Fields[fieldPNR].Name == "PNR" {
		e.PNR = strings.TrimSpace(rec.Values[fieldPNR])
	}
	w.err = e
	return e
}

// Flush writes what is buffered to the underlying writer.
func (w *Writer) Flush() error {
	if w.err != nil {
		return w.err
	}
	if err := w.w.Flush(); err != nil {
		w.err = err
	}
	return w.err
}
