package pnr

import (
	"errors"
	"testing"
	"time"

	"github.com/cprtestdata/cprtestdata/generator/civil"
)

func FuzzParse(f *testing.F) {
	for _, s := range []string{"070761-4285", "0101650001", "2902001234", "670381-1234", "0203291WQ3", "", "0707６14285",
		"070761--4285", "150643-0SJ1", "9002654285"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := Parse(s)
		nb, errb := ParseBytes([]byte(s))
		if nb != n || (err == nil) != (errb == nil) || (err != nil && err.Error() != errb.Error()) {
			t.Fatalf("ParseBytes(%q) = %v, %v; Parse = %v, %v", s, nb, errb, n, err)
		}
		d := Describe(s)
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) || pe.Err == nil || pe.Reason() == "" {
				t.Fatalf("Parse(%q) = %#v, want a *ParseError with a reason", s, err)
			}
			if d.Valid || d.Error == "" {
				t.Fatalf("Describe(%q) = %+v for an invalid number", s, d)
			}
			return
		}
		if !d.Valid || d.Kind == 0 || d.Gender == 0 || !d.BirthDate.IsValid() {
			t.Fatalf("Describe(%q) = %+v for a valid number", s, d)
		}
		for _, text := range []string{n.String(), n.Formatted()} {
			again, err := Parse(text)
			if err != nil || again != n {
				t.Fatalf("Parse(%q) = %v, %v; want %v", text, again, err, n)
			}
		}
		lo, hi := FirstBirthYear, LastBirthYear // what the century table can encode
		if n.Scheme() == SchemeDECPR || n.Scheme() == SchemeXECPR {
			lo, hi = 1800, 2099 // the health sector's century digits: before 1900, 1900-1999, 2000 on
		}
		if y := n.BirthDate().Year; y < lo || y > hi {
			t.Fatalf("%q (%v): birth year %d outside %d-%d", s, n.Scheme(), y, lo, hi)
		}
	})
}

func FuzzAllocate(f *testing.F) {
	f.Add(1965, 1, 1, true, 0)
	f.Add(2000, 2, 29, false, 2000)
	f.Add(1858, 12, 31, true, 5000)
	f.Fuzz(func(t *testing.T, y, m, d int, male bool, skip int) {
		date := civil.Date{Year: y, Month: time.Month(m), Day: d}
		g := Female
		if male {
			g = Male
		}
		s, err := NewSequence(date, g)
		if err != nil {
			if !errors.Is(err, ErrBirthDate) {
				t.Fatalf("NewSequence(%v) = %v, want ErrBirthDate", date, err)
			}
			return
		}
		skip = max(skip%3001, 0)
		for i := 0; i < skip; i++ {
			s.Next()
		}
		for i := 0; i < 20; i++ {
			n, ok := s.Next()
			if !ok {
				return
			}
			p, err := Parse(n.String())
			if err != nil || p != n || p.BirthDate() != date || p.Gender() != g {
				t.Fatalf("allocated %v parses to %v (%v): %v %v", n, p, err, p.BirthDate(), p.Gender())
			}
		}
	})
}
