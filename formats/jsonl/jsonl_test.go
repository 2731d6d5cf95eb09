package jsonl

import (
	"bytes"
	"errors"
	"testing"
)

func TestWriter(t *testing.T) {
	var buf bytes.Buffer
	w := NewWriter(&buf)
	for _, v := range []any{map[string]string{"name": "Søren <&>"}, []int{1, 2}} {
		if err := w.Write(v); err != nil {
			t.Fatal(err)
		}
	}
	if buf.Len() != 0 {
		t.Error("written before Close: the writer should buffer")
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if got, want := buf.String(), "{\"name\":\"Søren <&>\"}\n[1,2]\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if w.Count() != 2 {
		t.Errorf("Count = %d", w.Count())
	}
	if err := w.Write(1); err == nil {
		t.Error("Write after Close succeeded")
	}
}

type failing struct{}

func (failing) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestStickyError(t *testing.T) {
	w := NewWriter(failing{})
	if err := w.Write(make([]byte, 300<<10)); err == nil { // larger than the buffer: reaches the writer
		t.Fatal("Write to a failing writer succeeded")
	}
	if err := w.Write(1); err == nil || err.Error() != "disk full" {
		t.Errorf("second Write = %v, want the first error again", err)
	}
	if err := w.Close(); err == nil {
		t.Error("Close after a failure succeeded")
	}
}
