package pnr

import (
	"errors"
	"testing"
	"time"

	"github.com/cprtestdata/cprtestdata/generator/civil"
)

// TestSafeSequence checks, on a date of every century and on the leap days, that a safe sequence yields
// only numbers IsSafe accepts, with the date, gender and century digit of the date, never twice, from
// high serials down, and that a listed date has none.
func TestSafeSequence(t *testing.T) {
	for _, d := range []civil.Date{{Year: 1858, Month: 1, Day: 1}, {Year: 1899, Month: 12, Day: 31}, {Year: 1900, Month: 2, Day: 28},
		{Year: 1936, Month: 6, Day: 15}, {Year: 1971, Month: 1, Day: 1}, {Year: 2000, Month: 2, Day: 29}, {Year: 2036, Month: 12, Day: 31},
		{Year: 2057, Month: 12, Day: 31}} {
		for _, g := range []Gender{Male, Female} {
			seq, err := NewSafeSequence(d, g)
			if err != nil {
				t.Fatal(err)
			}
			seen := map[Number]bool{}
			last := 10000
			for {
				n, ok := seq.Next()
				if !ok {
					break
				}
				serial := int(n.b[6]-'0')*1000 + int(n.b[7]-'0')*100 + int(n.b[8]-'0')*10 + int(n.b[9]-'0')
				switch {
				case !IsSafe(n):
					t.Fatalf("%s: %s is not safe", d, n)
				case n.BirthDate() != d || n.Gender() != g:
					t.Fatalf("%s %v: %s decodes to %s %v", d, g, n, n.BirthDate(), n.Gender())
				case seen[n] || serial >= last:
					t.Fatalf("%s: %s out of order or twice", d, n)
				}
				parsed, err := Parse(n.String())
				if err != nil || parsed != n {
					t.Fatalf("%s does not parse back: %v", n, err)
				}
				seen[n], last = true, serial
			}
			if len(seen) < 400 {
				t.Errorf("%s %v: %d safe numbers", d, g, len(seen))
			}
		}
	}
	if _, err := NewSafeSequence(civil.Date{Year: 1980, Month: time.January, Day: 1}, Male); !errors.Is(err, ErrListedDate) {
		t.Errorf("a listed date: %v", err)
	}
	for _, s := range []string{"0707614285", "0101801234", "0101650001"} { // control digit; listed dates
		if n, _ := Parse(s); IsSafe(n) {
			t.Errorf("%s is safe", s)
		}
	}
	if n, _ := Parse("0102651234"); n.Kind() == NoControlDigit && !IsSafe(n) {
		t.Errorf("%s is not safe", n)
	}
}
