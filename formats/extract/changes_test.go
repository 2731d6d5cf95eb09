package extract

import (
	"bytes"
	"testing"

	"github.com/cprtestdata/cprtestdata/generator/civil"
)

// TestAppendStartEnd checks the unframed start and end records against those a PersonWriter writes.
func TestAppendStartEnd(t *testing.T) {
	var buf bytes.Buffer
	prod := civil.Date{Year: 2026, Month: 3, Day: 9}
	pw, err := NewPersonWriter(&buf, FileOptions{Production: prod, Task: 123456, Records: Selection{"001": true}})
	if err != nil {
		t.Fatal(err)
	}
	if err := pw.Close(); err != nil {
		t.Fatal(err)
	}
	want := buf.Bytes()
	got := AppendEnd(AppendStart(nil, 123456, prod, prod.AddDays(-1)), 0)
	if !bytes.Equal(got, want) {
		t.Errorf("AppendStart, AppendEnd = %q, the writer writes %q", got, want)
	}
}
