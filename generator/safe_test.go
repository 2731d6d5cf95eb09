package generator

import (
	"context"
	"testing"

	"github.com/cprtestdata/cprtestdata/generator/pnr"
)

// numbersOf lists every personnummer p holds or refers to.
func numbersOf(p *Person) []pnr.Number {
	ns := []pnr.Number{p.Number, p.CurrentNumber, p.Civil.Spouse, p.Mother.Number, p.Father.Number}
	for _, o := range p.OldNumbers {
		ns = append(ns, o.Number)
	}
	ns = append(ns, p.Children...)
	for _, c := range p.CivilHistory {
		ns = append(ns, c.Spouse)
	}
	for _, c := range p.Custody {
		ns = append(ns, c.Holder)
	}
	if p.Guardianship != nil {
		ns = append(ns, p.Guardianship.Guardian)
	}
	return ns
}

func checkSafe(t *testing.T, what string, p *Person) {
	t.Helper()
	for _, n := range numbersOf(p) {
		if !n.IsZero() && !pnr.IsSafe(n) {
			t.Fatalf("%s: person %d holds or refers to %s (%s, birth date %s), which CPR may have issued",
				what, p.Index, n, n.Kind(), n.BirthDate())
		}
	}
	if pnr.OnNoControlDigitList(p.BirthDate) {
		t.Fatalf("%s: person %d is born on %s, a date on CPR's no-control-digit list", what, p.Index, p.BirthDate)
	}
}

// TestSafeNumbersGuarantee checks over a 1,000,000-person population (100,000 with -short) that with
// SafeNumbers every number any person holds or refers to is one CPR has not issued according to the
// reference, and that no one is born on a listed date.
func TestSafeNumbersGuarantee(t *testing.T) {
	n := 1_000_000
	if testing.Short() {
		n = 100_000
	}
	m, err := Generate(context.Background(), Config{Persons: n, Seed: 11, SafeNumbers: true}, func(p *Person) error {
		checkSafe(t, "as of the start", p)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if m.NumberPolicy != NumberPolicySafe || m.Made != n {
		t.Errorf("manifest: policy %q, %d persons", m.NumberPolicy, m.Made)
	}
}

// TestSafeNumbersKeepEverythingElse makes the same population with and without SafeNumbers, with a
// timeline, and checks that only the numbers differ: gender, birth date (2 January for a listed 1
// January), status, names and links person for person, the scenario quotas, and the invariants of the
// population as of the start and at the timeline's end, every person delivered by it safe.
func TestSafeNumbersKeepEverythingElse(t *testing.T) {
	run := func(safe bool) (start, final []*Person, m *Manifest) {
		cfg := Config{Persons: 20_000, Seed: 5, Days: 60, SafeNumbers: safe}
		m, err := Run(context.Background(), cfg, Handler{
			Person: func(p *Person, _ []byte) error { q := *p; start = append(start, &q); return nil },
			Change: func(c *Change) error {
				if safe {
					checkSafe(t, "delivered on "+c.Date.String(), c.Person)
				}
				return nil
			},
			Final: func(p *Person) error { q := *p; final = append(final, &q); return nil },
		})
		if err != nil {
			t.Fatal(err)
		}
		return start, final, m
	}
	cprStart, cprFinal, cprM := run(false)
	start, final, m := run(true)
	if len(start) != len(cprStart) || len(final) != len(cprFinal) {
		t.Fatalf("%d/%d persons, %d/%d without safe numbers", len(start), len(final), len(cprStart), len(cprFinal))
	}
	shifted := 0
	for i, p := range start {
		q := cprStart[i]
		birth := q.BirthDate
		if pnr.OnNoControlDigitList(birth) {
			birth, shifted = birth.AddDays(1), shifted+1
		}
		switch {
		case p.Gender != q.Gender || p.BirthDate != birth || p.Status != q.Status || p.Name.Addressing != q.Name.Addressing || p.Name.First != q.Name.First:
			t.Fatalf("person %d differs beyond the number: %v %s %v %q, without safe numbers %v %s %v %q",
				i, p.Gender, p.BirthDate, p.Status, p.Name.Addressing, q.Gender, q.BirthDate, q.Status, q.Name.Addressing)
		case p.Mother.Number.IsZero() != q.Mother.Number.IsZero() || p.Civil.Spouse.IsZero() != q.Civil.Spouse.IsZero() ||
			len(p.Children) != len(q.Children) || len(p.OldNumbers) != len(q.OldNumbers):
			t.Fatalf("person %d has other links with safe numbers", i)
		case !pnr.SeventhDigitFits(p.BirthDate.Year, int(p.Number.String()[6]-'0')):
			t.Fatalf("person %d: %s's 7th digit does not fit %d", i, p.Number, p.BirthDate.Year)
		}
		checkSafe(t, "as of the start", p)
	}
	if shifted == 0 {
		t.Error("no one was born on a listed date: the test does not see the shift")
	}
	for i, s := range m.Scenarios {
		if s.Quota != cprM.Scenarios[i].Quota || len(s.Persons) != len(cprM.Scenarios[i].Persons) {
			t.Errorf("scenario %s: %d persons, %d without safe numbers", s.Name, len(s.Persons), len(cprM.Scenarios[i].Persons))
		}
	}
	for _, p := range final {
		checkSafe(t, "at the end", p)
	}
	checkNumbers(t, start)
	checkLinks(t, start)
	checkNumbers(t, final)
	checkLinks(t, final)
	checkEventsWithinLife(t, cprFinal, m.AsOf.AddDays(60))
	checkEventsWithinLife(t, final, m.AsOf.AddDays(60))
}
