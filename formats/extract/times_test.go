package extract

import (
	"context"
	"testing"

	"github.com/cprtestdata/cprtestdata/generator"
	"github.com/cprtestdata/cprtestdata/generator/civil"
)

// TestTimesLikeCPRs checks the times of day of the status extract's timestamps against CPR's test
// extracts (times.tsv): round times (2000, 1200) for most dates of the 1960s-1980s, times of the day
// with their minutes since the 1990s.
func TestTimesLikeCPRs(t *testing.T) {
	ps := population(t, 3000)
	round, old, hours, recent := 0, 0, map[string]int{}, 0
	for _, p := range ps {
		key := TimeKey(p)
		for _, d := range []civil.Date{p.StatusDate, p.BirthDate, p.Civil.Start} {
			if d.IsZero() {
				continue
			}
			x := TimeOf(key, d)
			tm := string(x[:])
			if tm[0] > '2' || tm[0] == '2' && tm[1] > '3' || tm[2] > '5' {
				t.Fatalf("%s: time %s of %s is no time of day", p.Number, tm, d)
			}
			switch {
			case d.Year >= 1960 && d.Year < 1990:
				old++
				if tm == "2000" || tm == "1200" {
					round++
				}
			case d.Year >= 1990:
				recent++
				hours[tm[:2]]++
			}
		}
	}
	if old == 0 || float64(round)/float64(old) < 0.7 {
		t.Errorf("%d of %d timestamps of 1960-1989 at 2000 or 1200; CPR's extracts have 90%%", round, old)
	}
	if len(hours) < 8 || hours["09"] == 0 || hours["15"] == 0 {
		t.Errorf("timestamps since 1990 in %d hours of the day: %v", len(hours), hours)
	}
	if TimeOf(0, civil.Date{Year: 2020, Month: 1, Day: 1}) != [4]byte{'1', '2', '0', '0'} {
		t.Error("no person's timestamp is not at TimeOfDay")
	}
}

// TestEventTimesInOrder checks that a person's 099 records of a day have increasing TIMESTAMPU, so that a
// receiver can order the day's events.
func TestEventTimesInOrder(t *testing.T) {
	several := 0
	_, err := generator.Run(context.Background(), generator.Config{Persons: 3000, Seed: 5, Days: 20}, generator.Handler{
		Change: func(c *generator.Change) error {
			prev := ""
			for k, e := range c.Events {
				rec := AppendEvent(nil, c.Person, e, k)
				l := LayoutOf("099")
				ts := string(fieldOf(l, rec, f099CprUpdateDate))
				if ts[:8] != e.Date.Time().Format("20060102") {
					t.Fatalf("%s: TIMESTAMPU %s on %s", c.Person.Number, ts, e.Date)
				}
				if k > 0 && ts <= prev && ts[8:] != "2359" {
					t.Fatalf("%s: event %d at %s after %s", c.Person.Number, k, ts, prev)
				}
				prev = ts
			}
			if len(c.Events) > 1 {
				several++
			}
			return nil
		}})
	if err != nil {
		t.Fatal(err)
	}
	if several == 0 {
		t.Error("no person with two events on a day in 20 days")
	}
}
