package pnr

import (
	"errors"
	"testing"

	"github.com/cprtestdata/cprtestdata/generator/civil"
)

// band is a range of birth years with the same usable 7th digits, with the figures of the official
// capacity table (CPR-kontoret 2008, pp. 8-9; the reference notes' §4).
type band struct {
	from, to    int
	total       int // numbers per date, both genders, before 0000 is taken out
	with0000    bool
	controlBoth [2]int // exact numbers with a control digit per date, both genders: min, max
	perGender   int    // the official rounded figure per gender
}

var bands = []band{
	{1858, 1899, 4000, false, [2]int{363, 364}, 180},
	{1900, 1936, 4000, true, [2]int{363, 364}, 180},
	{1937, 1999, 6000, true, [2]int{545, 546}, 270},
	{2000, 2036, 6000, false, [2]int{545, 546}, 270},
	{2037, 2057, 4000, false, [2]int{363, 364}, 180},
}

func bandOf(t *testing.T, y int) band {
	t.Helper()
	for _, b := range bands {
		if y >= b.from && y <= b.to {
			return b
		}
	}
	t.Fatalf("no band for %d", y)
	return band{}
}

// TestCapacityEveryDate checks the capacity of every date from 1858-01-01 to 2057-12-31 against the
// official table.
func TestCapacityEveryDate(t *testing.T) {
	first := civil.Date{Year: 1858, Month: 1, Day: 1}.DayNumber()
	last := civil.Date{Year: 2057, Month: 12, Day: 31}.DayNumber()
	for dn := first; dn <= last; dn++ {
		d := civil.FromDayNumber(dn)
		b := bandOf(t, d.Year)
		m, err := CapacityOf(d, Male)
		if err != nil {
			t.Fatal(err)
		}
		f, err := CapacityOf(d, Female)
		if err != nil {
			t.Fatal(err)
		}
		want := b.total
		if b.with0000 {
			want--
		}
		if got := m.Total + f.Total; got != want {
			t.Fatalf("%v: total capacity %d, want %d", d, got, want)
		}
		if m.Total != b.total/2 {
			t.Fatalf("%v: men %d, want %d", d, m.Total, b.total/2)
		}
		both := m.WithControlDigit + f.WithControlDigit
		if both < b.controlBoth[0] || both > b.controlBoth[1] {
			t.Fatalf("%v: %d numbers with control digit, want %d-%d", d, both, b.controlBoth[0], b.controlBoth[1])
		}
		for _, c := range []int{m.WithControlDigit, f.WithControlDigit} {
			if c < b.perGender-5 || c > b.perGender+5 {
				t.Fatalf("%v: %d numbers with control digit for one gender, official figure about %d", d, c, b.perGender)
			}
		}
	}
}

// sampleDates cover every century band, its edges and leap days.
var sampleDates = []civil.Date{
	{Year: 1858, Month: 1, Day: 1}, {Year: 1880, Month: 2, Day: 29}, {Year: 1899, Month: 12, Day: 31},
	{Year: 1900, Month: 1, Day: 1}, {Year: 1920, Month: 6, Day: 15}, {Year: 1936, Month: 12, Day: 31},
	{Year: 1937, Month: 1, Day: 1}, {Year: 1965, Month: 1, Day: 1}, {Year: 1961, Month: 7, Day: 7},
	{Year: 1999, Month: 12, Day: 31}, {Year: 2000, Month: 2, Day: 29}, {Year: 2036, Month: 12, Day: 31},
	{Year: 2037, Month: 1, Day: 1}, {Year: 2057, Month: 12, Day: 31},
}

func TestAllocateFullDate(t *testing.T) {
	for _, d := range sampleDates {
		for _, g := range []Gender{Male, Female} {
			t.Run(d.String()+"/"+g.String(), func(t *testing.T) {
				want, err := CapacityOf(d, g)
				if err != nil {
					t.Fatal(err)
				}
				s, err := NewSequence(d, g)
				if err != nil {
					t.Fatal(err)
				}
				seen := make(map[Number]bool, want.Total)
				control := 0
				lastSerial := -1
				for i := 0; ; i++ {
					n, ok := s.Next()
					if !ok {
						break
					}
					if seen[n] {
						t.Fatalf("%v allocated twice", n)
					}
					seen[n] = true
					parsed, err := Parse(n.String())
					if err != nil {
						t.Fatalf("allocated %v does not parse: %v", n, err)
					}
					if parsed != n || parsed.BirthDate() != d || parsed.Gender() != g {
						t.Fatalf("%v decodes to %v %v", n, parsed.BirthDate(), parsed.Gender())
					}
					if n.HasControlDigit() {
						if i != control {
							t.Fatalf("%v with control digit at position %d, after numbers without", n, i)
						}
						if n.Serial() <= lastSerial {
							t.Fatalf("control-digit serials not ascending: %04d after %04d", n.Serial(), lastSerial)
						}
						lastSerial = n.Serial()
						control++
					}
				}
				if len(seen) != want.Total || control != want.WithControlDigit {
					t.Errorf("allocated %d (%d with control digit), CapacityOf says %+v", len(seen), control, want)
				}
				if _, ok := s.Next(); ok {
					t.Error("Next after exhaustion returned a number")
				}
			})
		}
	}
}

func TestAllocateOfficialOrder(t *testing.T) {
	d := civil.Date{Year: 1965, Month: 1, Day: 1}
	tests := []struct {
		g    Gender
		want []string
	}{
		// The first numbers of series 1 for 1 January 1965 (reference notes §4): 0022 satisfies modulus-11
		// and is skipped.
		{Male, []string{"0101650001", "0101650007", "0101650013", "0101650019"}},
		{Female, []string{"0101650002", "0101650010", "0101650016", "0101650028"}},
	}
	for _, tt := range tests {
		c, _ := CapacityOf(d, tt.g)
		got, err := Allocate(d, tt.g, c.WithControlDigit, len(tt.want))
		if err != nil {
			t.Fatal(err)
		}
		for i := range tt.want {
			if got[i].String() != tt.want[i] {
				t.Errorf("%v: number %d after the control digits = %v, want %v", tt.g, i, got[i], tt.want[i])
			}
		}
	}
}

// TestSeriesOneAfterAnother checks that the three series follow each other: the serials without a
// control digit, read in allocation order, fall in series 1, then 2, then 3.
func TestSeriesOneAfterAnother(t *testing.T) {
	seriesOf := func(g Gender, serial int) int {
		table := maleSeries
		if g == Female {
			table = femaleSeries
		}
		for k, sr := range table {
			if serial == sr[0] || (serial >= sr[1] && (serial-sr[1])%6 == 0) {
				return k + 1
			}
		}
		t.Fatalf("serial %04d in no series for %v", serial, g)
		return 0
	}
	for _, g := range []Gender{Male, Female} {
		s, _ := NewSequence(civil.Date{Year: 1984, Month: 1, Day: 1}, g)
		current := 0
		for n, ok := s.Next(); ok; n, ok = s.Next() {
			if n.HasControlDigit() {
				continue
			}
			k := seriesOf(g, n.Serial())
			if k < current {
				t.Fatalf("%v: %v in series %d after series %d", g, n, k, current)
			}
			current = k
		}
		if current != 3 {
			t.Errorf("%v: ended in series %d, want 3", g, current)
		}
	}
}

func TestAllocateCapacityError(t *testing.T) {
	d := civil.Date{Year: 1920, Month: 1, Day: 1}
	c, _ := CapacityOf(d, Female)
	if _, err := Allocate(d, Female, c.Total-1, 1); err != nil {
		t.Fatalf("the last number: %v", err)
	}
	_, err := Allocate(d, Female, c.Total, 1)
	var ce *CapacityError
	if !errors.As(err, &ce) || !errors.Is(err, ErrCapacity) {
		t.Fatalf("past capacity: %v, want *CapacityError", err)
	}
	if ce.Date != d || ce.Gender != Female || ce.Capacity != c.Total || ce.Asked != c.Total+1 {
		t.Errorf("CapacityError = %+v", ce)
	}
}

func TestAllocateBadInput(t *testing.T) {
	tests := []struct {
		name string
		d    civil.Date
		g    Gender
		want error
	}{
		{"before 1858", civil.Date{Year: 1857, Month: 12, Day: 31}, Male, ErrBirthDate},
		{"after 2057", civil.Date{Year: 2058, Month: 1, Day: 1}, Male, ErrBirthDate},
		{"no such date", civil.Date{Year: 1900, Month: 2, Day: 29}, Male, ErrBirthDate},
		{"no gender", civil.Date{Year: 1965, Month: 1, Day: 1}, 'X', ErrGender},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := Allocate(tt.d, tt.g, 0, 1); !errors.Is(err, tt.want) {
				t.Errorf("Allocate = %v, want %v", err, tt.want)
			}
		})
	}
	if _, err := Allocate(civil.Date{Year: 1965, Month: 1, Day: 1}, Male, -1, 1); err == nil {
		t.Error("negative skip accepted")
	}
}

func TestAllocateSubstitutes(t *testing.T) {
	d := civil.Date{Year: 1981, Month: 3, Day: 7}
	got, err := AllocateSubstitutes(d, Male, 0, 3000)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[Number]bool{}
	for _, n := range got {
		p, err := Parse(n.String())
		if err != nil || p.Scheme() != SchemeCPR || p.BirthDate() != d || p.Gender() != Male || seen[n] {
			t.Fatalf("substitute %v: %v, %v %v %v, seen %v", n, err, p.Scheme(), p.BirthDate(), p.Gender(), seen[n])
		}
		seen[n] = true
	}
	if got[0].String()[:2] != "67" {
		t.Errorf("first substitute %v does not start with 67", got[0])
	}
}
