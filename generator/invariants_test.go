package generator

import (
	"context"
	"slices"
	"sync"
	"testing"
	"unicode/utf8"

	"github.com/cprtestdata/cprtestdata/fixtures"
	"github.com/cprtestdata/cprtestdata/generator/civil"
	"github.com/cprtestdata/cprtestdata/generator/pnr"
)

// population is 100,000 persons with the default settings, made once for the tests that only read it.
var population = sync.OnceValues(func() ([]*Person, *Manifest) {
	var ps []*Person
	m, err := Generate(context.Background(), Config{Persons: 100_000, Seed: 7}, func(p *Person) error {
		q := *p // p's storage is reused after emit returns
		ps = append(ps, &q)
		return nil
	})
	if err != nil {
		panic(err) // surfaced by every test that uses it
	}
	return ps, m
})

func byNumber(ps []*Person) map[pnr.Number]*Person {
	m := make(map[pnr.Number]*Person, len(ps))
	for _, p := range ps {
		m[p.Number] = p
	}
	return m
}

func TestPopulationSizeAndOrder(t *testing.T) {
	ps, m := population()
	if len(ps) != 100_000 || m.Made != 100_000 {
		t.Fatalf("made %d persons (manifest %d), want exactly 100000", len(ps), m.Made)
	}
	for i, p := range ps {
		if p.Index != i {
			t.Fatalf("person %d has Index %d", i, p.Index)
		}
	}
}

func TestNumbersUniqueAndDecode(t *testing.T) {
	ps, _ := population()
	checkNumbers(t, ps)
}

func checkNumbers(t *testing.T, ps []*Person) {
	seen := map[pnr.Number]int{}
	for _, p := range ps {
		if prev, ok := seen[p.Number]; ok {
			t.Fatalf("%v held by persons %d and %d", p.Number, prev, p.Index)
		}
		seen[p.Number] = p.Index
		again, err := pnr.Parse(p.Number.String())
		if err != nil || again != p.Number {
			t.Fatalf("person %d: number %v does not parse: %v", p.Index, p.Number, err)
		}
		if p.Number.Kind() == pnr.Substitute {
			t.Fatalf("person %d: a substitute number %v in CPR data", p.Index, p.Number)
		}
		if p.Number.BirthDate() != p.BirthDate || p.Number.Gender() != p.Gender {
			t.Fatalf("person %d: %v decodes to %v %v, person has %v %v", p.Index, p.Number,
				p.Number.BirthDate(), p.Number.Gender(), p.BirthDate, p.Gender)
		}
	}
}

// TestLinksMutual checks that every link between two persons is recorded on both.
func TestLinksMutual(t *testing.T) {
	ps, _ := population()
	checkLinks(t, ps)
}

func checkLinks(t *testing.T, ps []*Person) {
	idx := byNumber(ps)
	get := func(from *Person, n pnr.Number, what string) *Person {
		t.Helper()
		q := idx[n]
		if q == nil {
			t.Fatalf("person %d (%v): %s %v is not in the population", from.Index, from.Number, what, n)
		}
		if q.Group != from.Group {
			t.Fatalf("person %d: %s %v is in another family group", from.Index, what, n)
		}
		return q
	}
	spouses := func(p *Person) map[pnr.Number]bool {
		s := map[pnr.Number]bool{}
		for _, c := range append([]CivilStatus{p.Civil}, p.CivilHistory...) {
			if !c.Spouse.IsZero() {
				s[c.Spouse] = true
			}
		}
		return s
	}
	for _, p := range ps {
		for n := range spouses(p) {
			if !spouses(get(p, n, "spouse"))[p.Number] {
				t.Fatalf("person %d (%v) names spouse %v, who does not name it back", p.Index, p.Number, n)
			}
		}
		for _, c := range p.Children {
			child := get(p, c, "child")
			if child.Mother.Number != p.Number && child.Father.Number != p.Number {
				t.Fatalf("person %d lists child %v, whose parents are %v and %v", p.Index, c, child.Mother.Number, child.Father.Number)
			}
		}
		for what, par := range map[string]Parent{"mother": p.Mother, "father": p.Father} {
			if par.Number.IsZero() {
				continue
			}
			q := get(p, par.Number, what)
			if !containsNumber(q.Children, p.Number) {
				t.Fatalf("person %d's %s %v does not list it as a child", p.Index, what, par.Number)
			}
			// A parent keeps the link through a change of gender, which gives a new number.
			if (what == "mother") != (q.Gender == pnr.Female) && len(q.OldNumbers) == 0 {
				t.Fatalf("person %d's %s %v has gender %v", p.Index, what, q.Number, q.Gender)
			}
		}
		if !p.CurrentNumber.IsZero() {
			cur := get(p, p.CurrentNumber, "current number")
			if p.Status != StatusChangedNumber && p.Status != StatusDeletedDuplicate {
				t.Fatalf("person %d has a current number but status %v", p.Index, p.Status)
			}
			found := false
			for _, o := range cur.OldNumbers {
				found = found || o.Number == p.Number
			}
			if !found {
				t.Fatalf("person %d (%v) points to %v, which does not list it in 022", p.Index, p.Number, cur.Number)
			}
		}
		for _, o := range p.OldNumbers {
			if get(p, o.Number, "old number").CurrentNumber != p.Number {
				t.Fatalf("person %d lists old number %v, which does not point back", p.Index, o.Number)
			}
		}
		if p.Separation != nil {
			s := get(p, p.Civil.Spouse, "separated spouse")
			if s.Separation == nil || s.Separation.Start != p.Separation.Start {
				t.Fatalf("person %d is separated from %v since %v, who does not record the same", p.Index, s.Number, p.Separation.Start)
			}
		}
		if p.Civil.Code == 'E' || p.Civil.Code == 'L' {
			if s := get(p, p.Civil.Spouse, "dead spouse"); s.Status != StatusDead {
				t.Fatalf("widowed person %d's spouse %v has status %v, not 90", p.Index, s.Number, s.Status)
			}
		}
		for _, c := range p.Custody {
			get(p, c.Holder, "custody holder")
		}
		if g := p.Guardianship; g != nil {
			if g.Guardian.IsZero() {
				if g.GuardianName == "" || len(g.GuardianAddress) == 0 {
					t.Fatalf("person %d has a guardian with neither a number nor a name and address", p.Index)
				}
			} else {
				get(p, g.Guardian, "guardian")
			}
		}
	}
}

func containsNumber(ns []pnr.Number, n pnr.Number) bool {
	for _, x := range ns {
		if x == n {
			return true
		}
	}
	return false
}

// TestEventsWithinLife checks that no event of a person is dated before the birth or after the death
// (or after the as-of date).
func TestEventsWithinLife(t *testing.T) {
	ps, m := population()
	checkEventsWithinLife(t, ps, m.AsOf)
}

// checkEventsWithinLife checks the persons as of the day end.
func checkEventsWithinLife(t *testing.T, ps []*Person, end civil.Date) {
	for _, p := range ps {
		last := end
		if p.Status == StatusDead {
			last = p.StatusDate
		}
		check := func(what string, d civil.Date) {
			t.Helper()
			if d.IsZero() {
				return
			}
			if d.Before(p.BirthDate) || d.After(last) {
				t.Fatalf("person %d (%v, born %v, last day %v): %s %v outside its life", p.Index, p.Number, p.BirthDate, last, what, d)
			}
		}
		// A start with unknown month and day holds 1 January of its year: only the year is known.
		checkStart := func(what string, d civil.Date, partial bool) {
			t.Helper()
			if partial && d.Year == p.BirthDate.Year {
				return
			}
			check(what, d)
		}
		check("status date", p.StatusDate)
		checkStart("name start", p.Name.Start, p.Name.StartPartial)
		for _, h := range p.NameHistory {
			checkStart("old name start", h.Start, h.StartPartial)
			check("old name end", h.End)
		}
		if a := p.Address; a != nil {
			check("moved in", a.MovedIn)
			check("moved to municipality", a.MunicipalityMovedIn)
			check("left previous municipality", a.PreviousMunicipalityLeft)
		}
		for _, h := range p.AddressHistory {
			check("historic address moved in", h.MovedIn)
			check("historic address moved out", h.MovedOut)
			if h.MovedOut.Before(h.MovedIn) {
				t.Fatalf("person %d: address history moved out %v before in %v", p.Index, h.MovedOut, h.MovedIn)
			}
		}
		for _, pr := range p.Protections {
			check("protection start", pr.Start)
		}
		if p.Emigration != nil {
			check("emigration", p.Emigration.Date)
		}
		for _, mg := range p.Migrations {
			check("exit", mg.Exit)
			check("entry", mg.Entry)
		}
		check("disappearance", p.Disappeared)
		for _, d := range p.Disappearances {
			check("disappeared", d.Disappeared)
			check("found", d.Found)
		}
		check("credit warning", p.CreditWarning)
		for _, h := range p.SeparationHistory {
			check("separation history start", h.Start)
			check("separation history end", h.End)
			if h.Start.Before(h.Marriage) || h.End.Before(h.Start) {
				t.Fatalf("person %d: separation %v-%v of the marriage of %v", p.Index, h.Start, h.End, h.Marriage)
			}
			if !slices.ContainsFunc(p.CivilHistory, func(c CivilStatus) bool {
				return p.SeparatedIn(c) && c.Start == h.Marriage && c.End == h.End
			}) {
				t.Fatalf("person %d: separation %v-%v of a marriage of %v that is not in the history ending then: %+v", p.Index, h.Start, h.End, h.Marriage, p.CivilHistory)
			}
		}
		checkStart("citizenship", p.Citizenship.Start, p.Citizenship.StartPartial)
		check("church", p.Church.Start)
		for _, c := range p.ChurchHistory {
			check("church history start", c.Start)
			check("church history end", c.End)
		}
		check("civil status", p.Civil.Start)
		for _, c := range p.CivilHistory {
			check("civil history start", c.Start)
			check("civil history end", c.End)
			if c.End.Before(c.Start) {
				t.Fatalf("person %d: civil history %c ends %v before it starts %v", p.Index, c.Code, c.End, c.Start)
			}
		}
		for _, c := range p.Custody {
			check("custody", c.Start)
		}
		if p.Separation != nil {
			check("separation", p.Separation.Start)
			if p.Civil.Code != 'G' || !p.Separation.Start.After(p.Civil.Start) {
				t.Fatalf("person %d: separated %v, civil status %c since %v", p.Index, p.Separation.Start, p.Civil.Code, p.Civil.Start)
			}
		}
		for _, c := range p.CitizenshipHistory {
			checkStart("citizenship history start", c.Start, c.StartPartial)
			check("citizenship history end", c.End)
		}
		if g := p.Guardianship; g != nil {
			check("guardianship", g.Start)
		}
		for _, o := range p.OldNumbers {
			check("old number end", o.End)
		}
	}
}

func TestAddressesConsistent(t *testing.T) {
	ps, _ := population()
	checkAddresses(t, ps)
}

func checkAddresses(t *testing.T, ps []*Person) {
	tb, err := fixtures.Load()
	if err != nil {
		t.Fatal(err)
	}
	serves := map[[2]int]string{}
	greenland := map[int]bool{}
	for _, pc := range tb.Postcodes {
		serves[[2]int{pc.Code, pc.Municipality}] = pc.City
	}
	for _, m := range tb.Municipalities {
		if m.Greenland {
			greenland[m.Code] = true
		}
	}
	for _, p := range ps {
		a := p.Address
		if (a != nil) != p.Status.HasAddress() {
			t.Fatalf("person %d: status %02d with address %v", p.Index, p.Status, a != nil)
		}
		if a == nil {
			continue
		}
		city, ok := serves[[2]int{int(a.Postcode), int(a.Municipality)}]
		if !ok || city != a.City {
			t.Fatalf("person %d: postcode %d %s does not serve municipality %04d", p.Index, a.Postcode, a.City, a.Municipality)
		}
		special := a.RoadCode >= 9900
		if special != (p.Status == StatusActiveSpecialRoad || p.Status == StatusGreenlandSpecialRoad) {
			t.Fatalf("person %d: status %02d with road code %04d", p.Index, p.Status, a.RoadCode)
		}
		inGreenland := p.Status == StatusGreenland || p.Status == StatusGreenlandSpecialRoad
		if inGreenland != greenland[int(a.Municipality)] {
			t.Fatalf("person %d: status %02d in municipality %04d", p.Index, p.Status, a.Municipality)
		}
		if want, _, _, _ := RoadOf(int(a.Municipality), int(a.RoadCode)); !special && a.Road != want {
			t.Fatalf("person %d: road %04d of %04d is %q, want %q", p.Index, a.RoadCode, a.Municipality, a.Road, want)
		}
	}
}

func TestNames(t *testing.T) {
	ps, _ := population()
	checkNames(t, ps)
}

func checkNames(t *testing.T, ps []*Person) {
	for _, p := range ps {
		for _, s := range []string{p.Name.First, p.Name.Middle, p.Name.Last, p.Name.Addressing} {
			for _, r := range s {
				if r > 0xFF {
					t.Fatalf("person %d: name %q holds %q, which ISO-8859-1 cannot", p.Index, s, r)
				}
			}
		}
		if p.Name.First == "" || p.Name.Last == "" {
			t.Fatalf("person %d has no first or last name: %+v", p.Index, p.Name)
		}
		if n := utf8.RuneCountInString(p.Name.Addressing); n > AddressingNameWidth {
			t.Fatalf("person %d: addressing name %q has %d characters", p.Index, p.Name.Addressing, n)
		}
		if utf8.RuneCountInString(p.Name.First) > 50 || utf8.RuneCountInString(p.Name.Last) > 40 {
			t.Fatalf("person %d: name wider than its field: %+v", p.Index, p.Name)
		}
	}
}

func TestScenarioQuotas(t *testing.T) {
	ps, m := population()
	tagged := map[string]int{}
	for _, p := range ps {
		for _, s := range p.Scenarios {
			tagged[s]++
		}
	}
	for _, e := range m.Scenarios {
		s := scenarioByName(e.Name)
		if e.Quota < 1 && e.Name != "century-2036-2037" {
			t.Errorf("%s: quota %d at 100,000 persons", e.Name, e.Quota)
		}
		want := e.Quota * s.persons
		if len(e.Persons) != want || tagged[e.Name] != want {
			t.Errorf("%s: manifest lists %d persons, %d tagged, want %d", e.Name, len(e.Persons), tagged[e.Name], want)
		}
	}
	idx := byNumber(ps)
	check := map[string]func(p *Person) bool{
		"no-control-digit": func(p *Person) bool { return p.Number.Kind() == pnr.NoControlDigit && p.Number.OnNoControlDigitList() },
		"born-1800s":       func(p *Person) bool { return p.BirthDate.Year < 1900 && p.Status == StatusDead },
		"born-29-february": func(p *Person) bool { return p.BirthDate.Month == 2 && p.BirthDate.Day == 29 },
		"address-protection": func(p *Person) bool {
			return len(p.Protections) > 0 && p.Protections[0].Type == ProtectionNameAndAddress
		},
		"emigrated":            func(p *Person) bool { return p.Status == StatusEmigrated && p.Emigration != nil },
		"disappeared":          func(p *Person) bool { return p.Status == StatusDisappeared && !p.Disappeared.IsZero() },
		"annulled":             func(p *Person) bool { return p.Status == StatusAnnulled && p.Address == nil },
		"administrative":       func(p *Person) bool { return p.Status == StatusAdministrative && p.Address == nil },
		"special-road-code":    func(p *Person) bool { return p.Status == StatusActiveSpecialRoad && p.Address.RoadCode >= 9900 },
		"centenarian":          func(p *Person) bool { return p.Status.Active() && ageAt(p.BirthDate, DefaultAsOf) >= 100 },
		"long-name":            func(p *Person) bool { return len(p.Name.First+" "+p.Name.Middle+" "+p.Name.Last) > 34 },
		"uncertain-birth-date": func(p *Person) bool { return p.BirthDateUncertain },
		"emigrated-and-returned": func(p *Person) bool {
			return p.Status == StatusActive && len(p.Migrations) == 1 && !p.Migrations[0].Exit.IsZero()
		},
		"disappeared-and-found": func(p *Person) bool { return p.Status == StatusActive && len(p.Disappearances) == 1 },
		"control-digit-zero": func(p *Person) bool {
			return p.Number.Kind() == pnr.ControlDigit && p.Number.String()[9] == '0' && p.Gender == pnr.Female
		},
		"adopted-1976-1984": func(p *Person) bool {
			s := p.Number.String()
			return p.BirthDate.Year >= 1976 && p.BirthDate.Year <= 1984 && s[6] == '1' && (s[7] == '0' || s[7] == '1') &&
				p.Number.Kind() == pnr.ControlDigit && p.BirthPlace.Authority >= 5000
		},
		"name-markers": func(p *Person) bool {
			return p.Name.FirstMarker == "+" && p.Name.MiddleMarker == "*" && p.Name.LastMarker == "=" && p.Name.Middle != ""
		},
		"corrected-history": func(p *Person) bool {
			k, a := 0, 0
			for i, h := range p.AddressHistory {
				switch h.Correction {
				case "K":
					k++
					if i+1 == len(p.AddressHistory) || p.AddressHistory[i+1].MovedIn != h.MovedIn || p.AddressHistory[i+1].Correction != "" {
						return false // the corrected record comes before its correction, the same period
					}
				case "A":
					a++
					if h.MovedIn != h.MovedOut {
						return false
					}
				}
			}
			if k != 1 || a != 1 || len(p.NameHistory) < 1 || p.NameHistory[0].Correction != "K" || len(p.CivilHistory) > 0 && p.CivilHistory[0].Correction != "Æ" {
				return false
			}
			if len(p.NameHistory) > 1 && p.NameHistory[1].Start != p.NameHistory[0].Start {
				return false // the corrected name comes before its correction, from the same day
			}
			return true
		},
	}
	for _, e := range m.Scenarios {
		f := check[e.Name]
		for _, x := range e.Persons {
			p := idx[mustParse(t, x.Number)]
			if p.BirthDate != x.BirthDate || StatusCode(p.Status) != x.Status {
				t.Errorf("%s: manifest says %+v, person is %v %v", e.Name, x, p.BirthDate, p.Status)
			}
			if f != nil && !f(p) {
				t.Errorf("%s: person %d (%v) does not carry it: %+v", e.Name, p.Index, p.Number, *p)
			}
		}
	}
}

func mustParse(t *testing.T, s string) pnr.Number {
	t.Helper()
	n, err := pnr.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestAgePyramid compares the living population's ages and genders with Statistics Denmark's, in
// five-year bands.
func TestAgePyramid(t *testing.T) {
	ps, m := population()
	type band struct {
		from, to int
		share    float64
	}
	var ageBands []band
	for a, s := range ages().share {
		if a%5 == 0 && a < 85 {
			ageBands = append(ageBands, band{from: a, to: a + 4})
		} else if a == 85 {
			ageBands = append(ageBands, band{from: 85, to: maxAge})
		}
		ageBands[len(ageBands)-1].share += s
	}
	got := make([]int, len(ageBands))
	women, living := 0, 0
	for _, p := range ps {
		if !p.Status.Active() {
			continue
		}
		living++
		if p.Gender == pnr.Female {
			women++
		}
		age := ageAt(p.BirthDate, m.AsOf)
		for i, b := range ageBands {
			if age >= b.from && age <= b.to {
				got[i]++
				break
			}
		}
	}
	const tolerance = 0.012 // percentage points of the whole, per five-year band
	for i, b := range ageBands {
		want := b.share
		share := float64(got[i]) / float64(living)
		if diff := share - want; diff > tolerance || diff < -tolerance {
			t.Errorf("ages %d-%d: %.2f%% of the living, Statistics Denmark says %.2f%%", b.from, b.to, 100*share, 100*want)
		}
	}
	if share := float64(women) / float64(living); share < 0.49 || share > 0.515 {
		t.Errorf("women are %.2f%% of the living, Statistics Denmark says 50.3%%", 100*share)
	}
	inactive := 1 - float64(living)/float64(len(ps))
	if inactive < 0.28 || inactive > 0.40 {
		t.Errorf("inactive numbers are %.1f%% of all, want about a third", 100*inactive)
	}
	t.Logf("living %d, women %.2f%%, inactive %.1f%%", living, 100*float64(women)/float64(living), 100*inactive)
}

func TestAddressingName(t *testing.T) {
	tests := []struct{ first, middle, last, want string }{
		{"Anne", "", "Hansen", "Anne Hansen"},
		{"Anne Marie", "Holm", "Hansen", "Anne Marie Holm Hansen"},
		{"Christiane Marie-Louise Frederikke", "Hedegaard", "Rasmussen", "Christiane M. F. H. Rasmussen"},
		{"Alexandrine Wilhelmine Charlotte", "Bille", "Schiøtz-Christensen", "A. W. C. B. Schiøtz-Christensen"},
		{"Ib", "", "Krag-Juel-Vind-Frijs-Schiøtz-Christensen", "I. Krag-Juel-Vind-Frijs-Schiøtz-Ch"},
	}
	for _, tt := range tests {
		got := AddressingName(tt.first, tt.middle, tt.last)
		if got != tt.want || utf8.RuneCountInString(got) > 34 {
			t.Errorf("AddressingName(%q, %q, %q) = %q, want %q", tt.first, tt.middle, tt.last, got, tt.want)
		}
	}
}

// TestNoControlDigitNaturally checks that numbers without a control digit occur where they do in CPR, not
// only in the scenario: immigrants registered on a listed 1 January after October 2007.
func TestNoControlDigitNaturally(t *testing.T) {
	ps, _ := population()
	natural, jan1 := 0, 0
	for _, p := range ps {
		if len(p.Scenarios) > 0 {
			continue
		}
		if p.Number.Kind() == pnr.NoControlDigit {
			natural++
			if !p.Number.OnNoControlDigitList() || !p.BirthDateUncertain {
				t.Errorf("person %d: %v without control digit, but born %v (uncertain %v)", p.Index, p.Number, p.BirthDate, p.BirthDateUncertain)
			}
		}
		if p.BirthDate.Month == 1 && p.BirthDate.Day == 1 && p.BirthDateUncertain {
			jan1++
		}
	}
	if natural == 0 || jan1 < 100 {
		t.Errorf("%d numbers without control digit and %d uncertain 1 January births outside the scenarios", natural, jan1)
	}
	t.Logf("%d numbers without control digit, %d uncertain 1 January births", natural, jan1)
}

// TestRecordCoverage checks that the population fills the rarer parts of the model, so that every record
// type of CPR's extract has data: separations (013), immigrations and returns (024), changed
// citizenship (027), c/o names, name and civil-status histories.
func TestRecordCoverage(t *testing.T) {
	ps, _ := population()
	var sep, entry, natur, careOf, names, civilHist int
	for _, p := range ps {
		if p.Separation != nil {
			sep++
		}
		for _, m := range p.Migrations {
			if m.Exit.IsZero() && !m.Entry.IsZero() {
				entry++
			}
		}
		if len(p.CitizenshipHistory) > 0 && p.Citizenship.Country == 5100 {
			natur++
		}
		if p.Address != nil && p.Address.CareOf != "" {
			careOf++
		}
		if len(p.NameHistory) > 0 {
			names++
		}
		if len(p.CivilHistory) > 0 {
			civilHist++
		}
	}
	t.Logf("separated %d, immigrations %d, naturalised %d, c/o %d, name histories %d, civil histories %d",
		sep, entry, natur, careOf, names, civilHist)
	for what, n := range map[string]int{"separations": sep, "immigrations": entry, "naturalisations": natur,
		"c/o names": careOf, "name histories": names, "civil histories": civilHist} {
		if n < 20 {
			t.Errorf("only %d %s in 100,000 persons", n, what)
		}
	}
}

// TestCorrectionsOnEveryHistory checks that the history record types with ANNKOR (023, 024, 026, 027,
// 030; the start's only 025 records are a scenario's) carry a K somewhere in a population of 100,000, each beside its correction: the record after it (or,
// for a name, the current name).
func TestCorrectionsOnEveryHistory(t *testing.T) {
	ps, _ := population()
	found := map[string]int{}
	for _, p := range ps {
		check := func(rec string, n int, k func(int) string) {
			for i := range n {
				if k(i) != "K" {
					continue
				}
				found[rec]++
				last := i+1 == n && rec != "026" // a name's correction may be the current name, record 008
				if last || i+1 < n && k(i+1) != "" && rec != "023" {
					t.Errorf("person %d: record %s %d marked K without its correction after it", p.Index, rec, i)
				}
			}
		}
		check("023", len(p.AddressHistory), func(i int) string { return p.AddressHistory[i].Correction })
		check("024", len(p.Migrations), func(i int) string { return p.Migrations[i].Correction })
		check("025", len(p.Disappearances), func(i int) string { return p.Disappearances[i].Correction })
		check("026", len(p.NameHistory), func(i int) string { return p.NameHistory[i].Correction })
		check("027", len(p.CitizenshipHistory), func(i int) string { return p.CitizenshipHistory[i].Correction })
		check("030", len(p.SeparationHistory), func(i int) string { return p.SeparationHistory[i].Correction })
	}
	for _, rec := range []string{"023", "024", "026", "027", "030"} {
		if found[rec] == 0 {
			t.Errorf("no K on record %s among 100,000 persons: %v", rec, found)
		}
	}
}
