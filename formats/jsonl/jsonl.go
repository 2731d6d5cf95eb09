// Package jsonl writes values as JSON Lines: one JSON object per line, UTF-8, no HTML escaping. It is
// the generator's model as it is, for tools that want every field without a fixed layout.
package jsonl

import (
	"bufio"
	"encoding/json"
	"io"
)

// Writer writes values as JSON Lines to an io.Writer it does not own. Errors are sticky: after one
// failure every call returns it.
type Writer struct {
	buf   *bufio.Writer
	enc   *json.Encoder
	count int
	err   error
}

// NewWriter returns a Writer to w.
func NewWriter(w io.Writer) *Writer {
	buf := bufio.NewWriterSize(w, 256<<10)
	enc := json.NewEncoder(buf)
	enc.SetEscapeHTML(false)
	return &Writer{buf: buf, enc: enc}
}

// Write writes v as one line.
func (w *Writer) Write(v any) error {
	if w.err != nil {
		return w.err
	}
	if err := w.enc.Encode(v); err != nil {
		w.err = err
		return err
	}
	w.count++
	return nil
}

// Count returns the number of values written.
func (w *Writer) Count() int { return w.count }

// Close flushes what is buffered. It does not close the underlying writer.
func (w *Writer) Close() error {
	if w.err != nil {
		return w.err
	}
	w.err = w.buf.Flush()
	if w.err == nil {
		w.err = errClosed
		return nil
	}
	return w.err
}

type closedError struct{}

func (closedError) Error() string { return "jsonl: write after Close" }

var errClosed error = closedError{}
