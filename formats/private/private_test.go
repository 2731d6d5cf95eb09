package private

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"

	"github.com/cprtestdata/cprtestdata/formats/extract"
	"github.com/cprtestdata/cprtestdata/generator"
)

// TestEncodeRead writes every person of a population as PRIV records and reads them back: each record
// has its layout's length, the reader takes them in every framing, and 001's fields are the person's.
func TestEncodeRead(t *testing.T) {
	var persons []*generator.Person
	if _, err := generator.Generate(context.Background(), generator.Config{Persons: 2000, Seed: 3}, func(p *generator.Person) error {
		q := *p
		persons = append(persons, &q)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	today := generator.DefaultAsOf
	for _, framing := range []string{"", "\n", "\r\n"} {
		var data []byte
		n := 0
		for _, p := range persons {
			if err := NewEncoder(Options{IncludeProtected: true, DeceasedAddress: true}).Encode(p, today, func(l *extract.Layout, rec []byte) error {
				if len(rec) != l.Length {
					t.Fatalf("%s record %s: %d bytes, the layout %d", p.Number, l.Type, len(rec), l.Length)
				}
				data = append(append(data, rec...), framing...)
				n++
				return nil
			}); err != nil {
				t.Fatal(err)
			}
		}
		r := NewReader(bytes.NewReader(data))
		read, i := 0, 0
		for {
			rec, err := r.Read()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			read++
			if rec.Type() == "001" {
				p := persons[i]
				i++
				if rec.Get("PNR") != p.Number.String() || rec.Get("LASTNAME") != strings.TrimRight(clip(p.Name.Last, 40), " ") {
					t.Fatalf("001 of %s: PNR %q LASTNAME %q", p.Number, rec.Get("PNR"), rec.Get("LASTNAME"))
				}
			}
		}
		if read != n || i != len(persons) {
			t.Errorf("framing %q: read %d records (%d persons), wrote %d", framing, read, i, n)
		}
	}
}

// FuzzReader reads any bytes as PRIV records: never a panic, and a record read has its layout's values.
func FuzzReader(f *testing.F) {
	rec := byType["001"].Template()
	f.Add(append([]byte("00000000000009000012026010120251231"), rec...))
	f.Add([]byte("002" + strings.Repeat(" ", 192)))
	f.Add([]byte("004\r\n005"))
	f.Fuzz(func(t *testing.T, data []byte) {
		r := NewReader(bytes.NewReader(data))
		for range 1000 {
			rec, err := r.Read()
			if err != nil {
				return
			}
			if len(rec.Values) != len(rec.Layout.Fields) {
				t.Fatalf("record %s: %d values for %d fields", rec.Type(), len(rec.Values), len(rec.Layout.Fields))
			}
		}
	})
}
