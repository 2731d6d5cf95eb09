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

// TestPartialDates checks old history with unknown parts: the born-1800s scenario's persons (listed in
// the manifest with the fields) and about one in a hundred others born before 1950 have name and
// citizenship starts written with month and day 00, the name's time 12:99 and the citizenship's 0000,
// as CPR's test extract has them; everyone else's starts are valid times.
func TestPartialDates(t *testing.T) {
	var ps []*generator.Person
	m, err := generator.Run(context.Background(), generator.Config{Persons: 20000, Seed: 4}, generator.Handler{
		Person: func(p *generator.Person, _ []byte) error {
			q := *p
			ps = append(ps, &q)
			return nil
		}})
	if err != nil {
		t.Fatal(err)
	}
	listed := map[string][]string{}
	for _, sc := range m.Scenarios {
		for _, e := range sc.Persons {
			if sc.Name == "born-1800s" {
				listed[e.Number] = e.PartialDates
			}
		}
	}
	recs, _ := readAll(t, writeExtract(t, ps, FileOptions{}))
	partial, old := map[string]bool{}, 0
	for _, rec := range recs {
		var v string
		switch rec.Type() {
		case "008", "026":
			v = rec.Get("NameStartDate")
		case "010", "027":
			v = rec.Get("CitizenshipStartDate")
		default:
			continue
		}
		if len(v) != 12 || v[4:8] != "0000" {
			continue
		}
		want := "1299"
		if rec.Type() == "010" || rec.Type() == "027" {
			want = "0000"
		}
		if v[8:] != want {
			t.Errorf("%s %s: start %s, want the time %s CPR writes with month and day 00", rec.Type(), rec.Get("PNR"), v, want)
		}
		partial[rec.Get("PNR")] = true
	}
	for _, p := range ps {
		if p.BirthDate.Year < 1950 && len(p.Scenarios) == 0 {
			old++
		}
	}
	for num, fields := range listed {
		if !partial[num] || len(fields) < 2 {
			t.Errorf("born-1800s %s: partial starts written %v, manifest lists %v", num, partial[num], fields)
		}
	}
	if len(listed) == 0 {
		t.Fatal("no born-1800s persons")
	}
	others := len(partial) - len(listed)
	if share := float64(others) / float64(old); share < 0.005 || share > 0.02 {
		t.Errorf("%d of %d persons born before 1950 have partial starts; want about 1%%", others, old)
	}
}
