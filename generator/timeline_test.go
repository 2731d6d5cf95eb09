package generator

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/cprtestdata/cprtestdata/generator/civil"
)

// timeline is 30,000 persons moved on 365 days, made once for the tests that only read it: the persons
// at the end (added ones last, in index order) and every delivery.
var timeline = sync.OnceValues(func() (*timelineRun, error) {
	run := &timelineRun{cfg: Config{Persons: 30_000, Seed: 7, Days: 365}}
	var added []*Person
	m, err := Run(context.Background(), run.cfg, Handler{
		Change: func(c *Change) error {
			run.changes = append(run.changes, c.Clone())
			return nil
		},
		Final: func(p *Person) error {
			q := *p
			if q.Index >= run.cfg.Persons {
				added = append(added, &q)
			} else {
				run.final = append(run.final, &q)
			}
			return nil
		},
	})
	if err != nil {
		return nil, err
	}
	run.final = append(run.final, added...)
	run.m = m
	return run, nil
})

type timelineRun struct {
	cfg     Config
	m       *Manifest
	changes []Change
	final   []*Person
}

func getTimeline(t *testing.T) *timelineRun {
	t.Helper()
	run, err := timeline()
	if err != nil {
		t.Fatal(err)
	}
	return run
}

// TestTimelineInvariants checks the population at the end of the timeline as the population as of the
// start is checked: numbers, links, dates, addresses and names.
func TestTimelineInvariants(t *testing.T) {
	run := getTimeline(t)
	end := run.m.AsOf.AddDays(run.cfg.Days)
	if len(run.final) <= run.cfg.Persons || run.m.Final != len(run.final) {
		t.Fatalf("%d persons at the end (manifest %d) of %d at the start", len(run.final), run.m.Final, run.cfg.Persons)
	}
	seen := map[int]bool{}
	for _, p := range run.final {
		if seen[p.Index] {
			t.Fatalf("index %d twice", p.Index)
		}
		seen[p.Index] = true
	}
	for i := range run.final {
		if !seen[i] {
			t.Fatalf("no person with index %d of %d", i, len(run.final))
		}
	}
	t.Run("numbers", func(t *testing.T) { checkNumbers(t, run.final) })
	t.Run("links", func(t *testing.T) { checkLinks(t, run.final) })
	t.Run("dates", func(t *testing.T) { checkEventsWithinLife(t, run.final, end) })
	t.Run("addresses", func(t *testing.T) { checkAddresses(t, run.final) })
	t.Run("names", func(t *testing.T) { checkNames(t, run.final) })
}

// eventCodes are the HAENDELSE codes with a meaning in the reference notes (cpr-formats.md §2.10), and
// derivedMarks the AFLEDTMRK values (§2.11).
var (
	eventCodes = strings.Fields(`A01 A02 A03 A04 A06 A07 A08 A09 A10 A13 A14 A15 A16 A17 A21 A24 A25 A33 A34
		A40 A42 A45 A47 A73 A74 K74 P02 P03 P10 P11 P31 P42 P43 P48 P49 P56`)
	derivedMarks = strings.Fields("ÆG PA TÆ TP NÆ NP HÆ HP FA TF NF MO TM NM BØ TB NB PT PN PH NV VS")
)

// TestTimelineEvents checks every delivery: its events are of the reference's codes and markers, dated
// on its day, within the person's life, and each person is delivered once a day with the main event
// on itself when it is the main person.
func TestTimelineEvents(t *testing.T) {
	run := getTimeline(t)
	type key struct {
		day   int
		index int
	}
	once := map[key]bool{}
	byCode := map[string]int{}
	for _, c := range run.changes {
		p := c.Person
		k := key{c.Day, p.Index}
		if once[k] {
			t.Fatalf("day %d: person %d delivered twice", c.Day, p.Index)
		}
		once[k] = true
		if c.Date != run.m.AsOf.AddDays(c.Day) || len(c.Events) == 0 {
			t.Fatalf("day %d is dated %v and has %d events", c.Day, c.Date, len(c.Events))
		}
		if c.Date.Before(p.BirthDate) || (p.Status == StatusDead && p.StatusDate.Before(c.Date)) {
			t.Fatalf("person %d (born %v, status %v since %v) delivered on %v", p.Index, p.BirthDate, p.Status, p.StatusDate, c.Date)
		}
		for _, e := range c.Events {
			if e.Date != c.Date {
				t.Fatalf("event %+v on day %v", e, c.Date)
			}
			if !containsString(eventCodes, e.Code) {
				t.Fatalf("person %d: event code %q is not in the reference's list", p.Index, e.Code)
			}
			if e.Derived != "" && !containsString(derivedMarks, e.Derived) {
				t.Fatalf("person %d: derived marker %q is not in the reference's list", p.Index, e.Derived)
			}
			if (e.Derived == "") != (e.Main == p.Number) {
				t.Fatalf("person %d (%v): event %+v: the main person has no marker, a derived one has", p.Index, p.Number, e)
			}
			if e.Derived == "" {
				byCode[e.Code]++
			}
		}
	}
	for _, code := range []string{CodeMove, CodeDeath, CodeNaming, CodeCivilStatus, CodeEmigration, CodeReturn, CodeImmigration,
		CodeNameChange, CodeProtection, CodeChurch, CodeCitizenship, CodeAutomaticEnd} {
		if byCode[code] == 0 {
			t.Errorf("a year of 30,000 persons has no %s event", code)
		}
	}
	touched := 0
	for _, d := range run.m.Days {
		touched += len(d.Scenarios)
	}
	if touched == 0 {
		t.Error("the manifest lists no scenario touched by the timeline")
	}
}

func TestTimelineConfigErrors(t *testing.T) {
	for _, tt := range []struct {
		name string
		cfg  Config
	}{
		{"negative", Config{Days: -1}},
		{"absurd", Config{Days: MaxDays + 1}},
		{"past 2057", Config{AsOf: civil.Date{Year: 2057, Month: 6, Day: 1}, Days: 365}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			called := false
			_, err := Run(context.Background(), tt.cfg, Handler{Person: func(*Person, []byte) error { called = true; return nil }})
			if !errors.Is(err, ErrConfig) || called {
				t.Errorf("Run(%+v) = %v, persons made: %v; want ErrConfig before any person", tt.cfg, err, called)
			}
		})
	}
}

func containsString(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

// TestTimelineWeekdays checks weekday deliveries: every delivery is on a weekday (or the last day), each
// person once, carrying the events since the last delivery; the same events as daily deliveries.
func TestTimelineWeekdays(t *testing.T) {
	cfg := Config{Persons: 5000, Seed: 9, Days: 60, Weekdays: true}
	type key struct{ day, index int }
	seen := map[key]bool{}
	var weekly, daily []string
	_, err := Run(context.Background(), cfg, Handler{Change: func(c *Change) error {
		k := key{c.Day, c.Person.Index}
		if seen[k] {
			t.Fatalf("day %d: person %d delivered twice", c.Day, c.Person.Index)
		}
		seen[k] = true
		if !cfg.IsDeliveryDay(c.Day) || (!Delivers(c.Date, true) && c.Day != cfg.Days) {
			t.Fatalf("a delivery on %s (%s)", c.Date, c.Date.Time().Weekday())
		}
		for _, e := range c.Events {
			if e.Date.After(c.Date) || !e.Date.After(c.Date.AddDays(-3)) {
				t.Fatalf("an event of %s delivered on %s", e.Date, c.Date)
			}
			weekly = append(weekly, e.Date.String()+e.Code+e.Derived+e.Main.String())
		}
		return nil
	}})
	if err != nil {
		t.Fatal(err)
	}
	cfg.Weekdays = false
	if _, err := Run(context.Background(), cfg, Handler{Change: func(c *Change) error {
		for _, e := range c.Events {
			daily = append(daily, e.Date.String()+e.Code+e.Derived+e.Main.String())
		}
		return nil
	}}); err != nil {
		t.Fatal(err)
	}
	slices.Sort(weekly)
	slices.Sort(daily)
	if !slices.Equal(weekly, daily) || len(daily) == 0 {
		t.Errorf("%d events delivered on weekdays, %d daily", len(weekly), len(daily))
	}
}

// TestRenumberedAfterALaterBirthDate is the run in which a person renumbered after a corrected birth
// date, later than the registered one, kept a name from before the new birth date; every date now
// starts no earlier than the corrected birth.
func TestRenumberedAfterALaterBirthDate(t *testing.T) {
	cfg := Config{Persons: 20_000, Seed: 5, Days: 60}
	var final []*Person
	if _, err := Run(context.Background(), cfg, Handler{Final: func(p *Person) error { q := *p; final = append(final, &q); return nil }}); err != nil {
		t.Fatal(err)
	}
	checkEventsWithinLife(t, final, DefaultAsOf.AddDays(cfg.Days))
}
