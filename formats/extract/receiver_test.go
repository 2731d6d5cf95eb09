package extract

import (
	"bytes"
	"context"
	"errors"
	"testing"

	"github.com/cprtestdata/cprtestdata/generator"
	"github.com/cprtestdata/cprtestdata/generator/civil"
	"github.com/cprtestdata/cprtestdata/generator/pnr"
)

// TestReceiver applies a status extract and a change extract and checks what is held and written.
func TestReceiver(t *testing.T) {
	var ps []*generator.Person
	if _, err := generator.Generate(context.Background(), generator.Config{Persons: 6, Seed: 1, Substitutes: generator.NoSubstitutes},
		func(p *generator.Person) error { q := *p; ps = append(ps, &q); return nil }); err != nil {
		t.Fatal(err)
	}
	file := func(day int, persons ...*generator.Person) []byte {
		var buf bytes.Buffer
		d := civil.Date{Year: 2026, Month: 1, Day: day}
		pw, err := NewPersonWriter(&buf, FileOptions{Production: d})
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range persons {
			pw.Write(p)
		}
		if err := pw.Close(); err != nil {
			t.Fatal(err)
		}
		return buf.Bytes()
	}
	status := file(1, ps[:4]...)
	changed := *ps[1]
	changed.Occupation = "Tømrer"
	rc := NewReceiver()
	if err := rc.Apply(bytes.NewReader(status)); err != nil {
		t.Fatal(err)
	}
	if err := rc.Apply(bytes.NewReader(file(2, &changed, ps[5]))); err != nil {
		t.Fatal(err)
	}
	want := []string{ps[0].Number.String(), ps[1].Number.String(), ps[2].Number.String(), ps[3].Number.String(), ps[5].Number.String()}
	if got := rc.Numbers(); len(got) != len(want) || got[1] != want[1] || got[4] != want[4] {
		t.Fatalf("held %v, want %v", got, want)
	}
	if got := rc.Records(ps[1].Number.String())[0].Get("Job"); got != "Tømrer" {
		t.Errorf("the changed person's 001 has STILLING %q", got)
	}
	var out bytes.Buffer
	if err := rc.WriteTo(&out, nil, WriterOptions{}); err != nil {
		t.Fatal(err)
	}
	if wantFile := file(2, ps[0], &changed, ps[2], ps[3], ps[5]); !bytes.Equal(out.Bytes(), wantFile) {
		t.Errorf("written back: %d bytes, want %d", out.Len(), len(wantFile))
	}
	// A file that does not read whole changes nothing.
	if err := rc.Apply(bytes.NewReader(status[:len(status)/2+3])); err == nil {
		t.Error("a truncated file applied")
	}
	if len(rc.Numbers()) != 5 {
		t.Errorf("%d held after a failed apply", len(rc.Numbers()))
	}
}

// TestReceiverChain checks that a series applied out of order, with a file twice or a gap, or begun
// with a change extract, is refused, and that the refused file changes nothing.
func TestReceiverChain(t *testing.T) {
	day := func(d int) civil.Date { return civil.Date{Year: 2026, Month: 1, Day: d} }
	file := func(production, previous int, events int) []byte {
		b := AppendStart(nil, DefaultTask, day(production), day(previous))
		num, _ := pnr.Parse("0101650001")
		rec := AppendEvent(nil, &generator.Person{Number: num}, generator.Event{Date: day(production), Code: "A01"}, 0)
		for range events {
			b = append(b, rec...)
		}
		return append(b, AppendEnd(nil, events)...)
	}
	status, d2, d3, d4 := file(1, 0, 0), file(2, 1, 1), file(3, 2, 1), file(4, 3, 1)
	for _, tc := range []struct {
		name  string
		files [][]byte
		want  error // of the last file
	}{
		{"in order", [][]byte{status, d2, d3, d4}, nil},
		{"out of order", [][]byte{status, d3}, ErrChain},
		{"the same file twice", [][]byte{status, d2, d2}, ErrChain},
		{"a day missing", [][]byte{status, d2, d4}, ErrChain},
		{"no status extract", [][]byte{d2}, ErrNotStatus},
		{"a status extract after changes", [][]byte{status, d2, status}, ErrChain},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rc := NewReceiver()
			last := tc.files[len(tc.files)-1]
			for _, f := range tc.files[:len(tc.files)-1] {
				if err := rc.Apply(bytes.NewReader(f)); err != nil {
					t.Fatal(err)
				}
			}
			before := rc.last
			err := rc.Apply(bytes.NewReader(last))
			if !errors.Is(err, tc.want) || (tc.want == nil) != (err == nil) {
				t.Fatalf("got %v, want %v", err, tc.want)
			}
			if err != nil && rc.last != before {
				t.Error("a refused file moved the series on")
			}
		})
	}
}
