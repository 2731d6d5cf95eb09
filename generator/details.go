package generator

import (
	"time"

	"fmt"
	"math/rand/v2"
	"slices"
	"strings"

	"github.com/brianvoe/gofakeit/v7"

	"github.com/cprtestdata/cprtestdata/fixtures"
	"github.com/cprtestdata/cprtestdata/generator/civil"
	"github.com/cprtestdata/cprtestdata/generator/pnr"
)

// detailer fills in a group's persons from its skeleton and numbers, drawing from the group's second
// random stream.
type detailer struct {
	b       builder // r and asOf; members unused
	w       *world
	src     *rand.PCG
	faker   *gofakeit.Faker // for foreign names and addresses; made when first needed
	couples coupleCache     // reused from group to group
	homes   []home          // the group's other homes, by member.household; reused
	keys    int             // the population's persons as of the start: home keys are below (see dwellings)
}

func newDetailer(w *world, asOf civil.Date, keys int) *detailer {
	src := rand.NewPCG(0, 0)
	return &detailer{b: builder{r: rand.New(src), asOf: asOf}, w: w, src: src, keys: keys}
}

func (d *detailer) fake() *gofakeit.Faker {
	if d.faker == nil {
		d.faker = gofakeit.NewFaker(d.src, false)
	}
	return d.faker
}

// eligibleForCitizenship is the share of immigrants who have lived here nine years or more (arrivals are
// spread over 25 years): naturalisation among them makes the share of each country's immigrants who are
// still foreign citizens.
const eligibleForCitizenship = 0.4

// lastDay is the last day a person's records may speak of: the death, or asOf.
func lastDay(m *member, asOf civil.Date) civil.Date {
	if m.status == StatusDead {
		return m.event
	}
	return asOf
}

// fill makes the persons of one group, the first of them with index first. persons[i] corresponds to
// members[i] and numbers[i].
func (d *detailer) fill(members []member, numbers []pnr.Number, persons []Person, first int) {
	b := &d.b
	asOf := b.asOf
	// A surname for the family, and the shared home of those who do not live elsewhere: each home the
	// group lives in has the key of the first of its persons (see dwellings).
	family := d.surname()
	homeKey := -1
	for i := range members {
		if !members[i].elsewhere && members[i].status.HasAddress() {
			homeKey = first + i
			break
		}
	}
	home := d.address(members, homeKey)
	clear(d.homes)
	// The group's country of origin, for its immigrants and their children born here.
	var groupOrigin *fixtures.Country
	origin := func() fixtures.Country {
		if groupOrigin == nil {
			c := d.w.origin(b.r)
			groupOrigin = &c
		}
		return *groupOrigin
	}
	marriages := d.couples[:0]
	for i := range members {
		m := &members[i]
		p := &persons[i]
		*p = Person{Number: numbers[i], Status: m.status, Gender: m.gender, BirthDate: m.birth,
			BirthDateUncertain: m.flags&flagUncertainBirth != 0, Scenarios: nil}
		if m.scenario != "" {
			p.Scenarios = []string{m.scenario}
		}
		last := lastDay(m, asOf)
		p.StatusDate = m.birth
		if m.status >= firstInactive {
			p.StatusDate = m.event
		}
		if m.current >= 0 {
			p.CurrentNumber = numbers[m.current]
		}
		d.names(m, p, family)
		immigrant := m.flags&flagImmigrant != 0 || m.late
		arrived := m.birth
		if immigrant {
			arrived = b.between(maxDate(m.birth, yearsBefore(asOf, 25)), last)
			if m.late {
				arrived = b.between(maxDate(noControlDigitSince, m.birth), last)
			}
			p.StatusDate = arrived
			if m.status >= firstInactive {
				p.StatusDate = maxDate(m.event, arrived)
			}
		}
		// Citizenship, church and birth place.
		if immigrant {
			c := origin()
			if b.r.IntN(100) < 20 {
				c = d.w.origin(b.r) // a family of more than one origin
			}
			p.BirthPlace = BirthPlace{Authority: Code4(c.Code), Text: ""}
			p.Citizenship = Citizenship{Country: Code4(c.Code), Start: m.birth}
			p.Church = Church{Code: 'U', Start: arrived}
			// The arrival is the person's first entry (record 024, no exit before it).
			p.Migrations = append(p.Migrations, Migration{EntryCountry: Code4(c.Code), Entry: arrived})
			// Those who have lived here nine years or more may have become Danish citizens: as many as
			// make the share of their country's immigrants who are still foreign citizens.
			naturalised := (1 - d.w.stillForeign(c.Code, false)) / eligibleForCitizenship
			if nat := arrived.AddDays(9 * 365); nat.Before(last) && m.status.Active() && b.r.Float64() < naturalised {
				nat = b.between(nat, last)
				p.CitizenshipHistory = []Citizenship{{Country: Code4(c.Code), Start: m.birth, End: nat}}
				p.Citizenship = Citizenship{Country: 5100, Start: nat}
			}
		} else {
			mu := home.muni
			if mu == nil {
				mu = &d.w.munis[d.w.danish.draw(b.r)]
			}
			p.BirthPlace = BirthPlace{Authority: Code4(mu.code), Text: mu.name}
			p.Citizenship = Citizenship{Country: 5100, Start: m.birth}
			if m.flags&flagDescendant != 0 {
				// Born here to immigrant parents: their country's citizenship as often as its
				// descendants keep it, and outside the national church.
				if c := origin(); b.r.Float64() < d.w.stillForeign(c.Code, true) {
					p.Citizenship = Citizenship{Country: Code4(c.Code), Start: m.birth}
				}
				p.Church = Church{Code: 'U', Start: m.birth}
			} else {
				baptism := minDate(m.birth.AddDays(60+b.r.IntN(120)), last)
				p.Church = Church{Code: 'F', Start: baptism}
				if b.r.IntN(100) < 26 {
					if left := baptism.AddDays(18 * 365); left.Before(last) && b.r.IntN(2) == 0 {
						p.ChurchHistory = []Church{{Code: 'F', Start: baptism, End: left}}
						p.Church = Church{Code: 'U', Start: left}
					} else {
						p.Church = Church{Code: 'U', Start: m.birth}
					}
				}
			}
		}
		if m.flags&flagAdopted != 0 { // born abroad, a Dane since the adoption
			c := d.w.countries[d.w.foreignCountries[b.r.IntN(len(d.w.foreignCountries))]]
			p.BirthPlace = BirthPlace{Authority: Code4(c.Code)}
		}
		// Where the person lives, or lived.
		if m.status.HasAddress() {
			a := home
			switch {
			case m.elsewhere && m.household > 0:
				if int(m.household) >= len(d.homes) {
					d.homes = slices.Grow(d.homes, int(m.household)+1-len(d.homes))[:int(m.household)+1]
				}
				if d.homes[m.household].muni == nil {
					d.homes[m.household] = d.address([]member{*m}, first+i)
				}
				a = d.homes[m.household]
			case m.elsewhere || home.muni == nil:
				a = d.address([]member{*m}, first+i)
			}
			p.Address = d.place(a, m, arrived)
			if m.elsewhere && m.household == 0 && b.r.IntN(100) < 3 {
				p.Address.CareOf = "c/o " + d.surname() // living with someone else, by name on the door
			}
			d.history(m, p, arrived)
			d.corrections(m, p, arrived)
		} else if m.status != StatusAdministrative {
			// Gone: the last Danish address ended with the event.
			end := maxDate(m.event, m.birth)
			a := d.address([]member{*m}, -1)
			in := b.between(maxDate(arrived, yearsBefore(end, 15)), end)
			p.AddressHistory = append(p.AddressHistory, HistoricAddress{Municipality: Code4(a.muni.code), RoadCode: Code4(roadCode(a.road)),
				HouseNumber: a.house, Floor: a.floor, Door: a.door, MovedIn: in, MovedOut: end})
		}
		switch m.status {
		case StatusEmigrated:
			c := d.w.countries[d.w.foreignCountries[b.r.IntN(len(d.w.foreignCountries))]]
			p.Emigration = &Emigration{Country: Code4(c.Code), Date: m.event, ForeignAddress: d.foreignAddress(c.Name)}
		case StatusDisappeared:
			p.Disappeared = m.event
		}
		if m.flags&flagReturnedEmigrant != 0 {
			exit := b.between(yearsBefore(asOf, 12), yearsBefore(asOf, 3))
			exit = maxDate(exit, m.birth.AddDays(18*365))
			entry := b.between(exit.AddDays(30), minDate(exit.AddDays(5*365), asOf))
			c := d.w.countries[d.w.foreignCountries[b.r.IntN(len(d.w.foreignCountries))]]
			p.Migrations = append(p.Migrations, Migration{ExitCountry: Code4(c.Code), Exit: exit, EntryCountry: Code4(c.Code), Entry: entry, ForeignAddress: d.foreignAddress(c.Name)})
			if p.Address != nil && p.Address.MovedIn.Before(entry) {
				p.Address.MovedIn, p.Address.MunicipalityMovedIn = entry, entry
				p.AddressHistory = nil
			}
		}
		if m.flags&flagFoundDisappeared != 0 {
			gone := b.between(yearsBefore(asOf, 10), yearsBefore(asOf, 1))
			gone = maxDate(gone, m.birth.AddDays(18*365))
			p.Disappearances = []Disappearance{{Disappeared: gone, Found: b.between(gone.AddDays(7), minDate(gone.AddDays(400), asOf))}}
		}
		d.protections(m, p)
		if m.status.Active() && ageAt(m.birth, asOf) >= 20 && b.r.IntN(10) == 0 {
			p.Occupation = occupations[b.r.IntN(len(occupations))]
		}
	}
	// Links: old numbers, parents and children, spouses, custody, guardianship.
	for i := range members {
		m, p := &members[i], &persons[i]
		if m.current >= 0 {
			cur := &persons[m.current]
			cur.OldNumbers = append(cur.OldNumbers, PreviousNumber{Number: p.Number, Start: m.birth, End: m.event})
			// The person behind both numbers is the same: the old record keeps the names as they were.
			p.Name = cur.Name
			p.Name.Start = m.birth
		}
		for _, par := range [2]int{m.mother, m.father} {
			if par < 0 {
				continue
			}
			persons[par].Children = append(persons[par].Children, p.Number)
			ref := Parent{Number: persons[par].Number}
			if members[par].gender == pnr.Female {
				p.Mother = ref
			} else {
				p.Father = ref
			}
		}
		if m.mother < 0 && m.current < 0 {
			p.Mother = d.outsideParent(m, pnr.Female)
		}
		if m.father < 0 && m.current < 0 && m.flags&flagCustodyOther == 0 && !(m.scenario == "unknown-father") {
			p.Father = d.outsideParent(m, pnr.Male)
		}
		if m.flags&flagCustodyOther != 0 {
			p.Mother, p.Father = Parent{}, Parent{}
		}
		d.civil(members, persons, i, &marriages)
	}
	for i := range persons {
		d.laterCorrections(&members[i], &persons[i])
		partialDates(&members[i], &persons[i])
	}
	d.custody(members, persons)
	find := func(n pnr.Number) *Person {
		for i := range persons {
			if persons[i].Number == n {
				return &persons[i]
			}
		}
		return nil
	}
	for i := range persons {
		p := &persons[i]
		switch {
		case members[i].scenario != "": // a scenario's persons have the records it expects
		case p.Status == StatusEmigrated && p.Emigration != nil:
			p.ContactAddress = contactAddress(d.w, p, p.Emigration.Date, find)
		case p.Status == StatusDisappeared:
			p.ContactAddress = contactAddress(d.w, p, p.Disappeared, find)
		}
	}
	d.couples = marriages
}

// House numbers 001-150 and floors, made once: HUSNR is three digits and an optional letter.
var (
	houseNumbers = func() []string {
		hs := make([]string, 150)
		for i := range hs {
			hs[i] = fmt.Sprintf("%03d", i+1)
		}
		return hs
	}()
	floors = []string{"st", "01", "02", "03", "04", "05", "06"}
	doors  = []string{"th", "tv", "mf", "1", "2"}
)

var occupations = []string{"Sygeplejerske", "Tømrer", "Lærer", "Ingeniør", "Pensionist", "Studerende",
	"Elektriker", "Læge", "Kontorassistent", "Landmand", "Murer", "Pædagog", "Chauffør", "Direktør"}

func (d *detailer) surname() string { return d.w.last.draw(&d.b) }

// home is a chosen address before it is given to a person.
type home struct {
	muni        *muni
	road        int
	roadCode    int
	house       string
	floor, door string
	greenland   bool
}

// address chooses an address fitting the members' status: Danish, Greenlandic, or a special road code.
// key is the home's key (see dwellings), or -1 for a random home.
func (d *detailer) address(members []member, key int) home {
	b := &d.b
	var h home
	st := StatusActive
	if len(members) > 0 {
		st = members[0].status
	}
	switch {
	case st == StatusGreenland || st == StatusGreenlandSpecialRoad:
		h.muni = &d.w.munis[d.w.greenland[b.r.IntN(len(d.w.greenland))]]
		h.greenland = true
	case key >= 0:
		m, at := d.w.homes.of(key)
		h.muni = &d.w.munis[m]
		d.dwelling(&h, st, at)
		return h
	default:
		// Inactive groups still had addresses; choose a Danish one.
		h.muni = &d.w.munis[d.w.danish.draw(b.r)]
	}
	d.dwelling(&h, st, -1)
	return h
}

// dwelling gives h the road, house number, floor and door of home at of its municipality, or of a
// random one no key gives (see dwellings) when at is negative; a special road code for a person of
// status st without a fixed abode.
func (d *detailer) dwelling(h *home, st Status, at int) {
	b := &d.b
	mu := h.muni
	if at < 0 {
		at = d.w.homes.drawHome(b.r, mu, d.keys)
	}
	kind := &mu.houses
	if at >= kind.homes() {
		at -= kind.homes()
		kind = &mu.flats
	}
	road, number, flat := kind.locate(at)
	h.road, h.roadCode, h.house, h.floor, h.door = road, roadCode(road), houseNumbers[number], "", ""
	if kind == &mu.flats {
		h.floor, h.door = floors[flat/len(doors)], doors[flat%len(doors)]
	}
	if st == StatusActiveSpecialRoad || st == StatusGreenlandSpecialRoad {
		h.roadCode = 9900 + b.r.IntN(100)
	}
	if b.r.IntN(20) == 0 {
		h.house += string(rune('A' + b.r.IntN(4)))
	}
}

// place gives a person the address h, moved in after arrived.
func (d *detailer) place(h home, m *member, arrived civil.Date) *Address {
	b := &d.b
	road, pc := h.muni.road(h.roadCode)
	lo := maxDate(arrived, yearsBefore(b.asOf, 30))
	if ageAt(m.birth, b.asOf) >= 18 {
		lo = maxDate(lo, yearsBefore(b.asOf, ageAt(m.birth, b.asOf)-18))
	}
	in := b.between(lo, b.asOf)
	a := &Address{Municipality: Code4(h.muni.code), RoadCode: Code4(h.roadCode), Road: road, HouseNumber: h.house, Floor: h.floor,
		Door: h.door, Postcode: Code4(pc.Code), City: pc.City, MovedIn: in, MunicipalityMovedIn: in}
	return a
}

// history gives an adult a previous address, and with it the municipality moved from.
func (d *detailer) history(m *member, p *Person, arrived civil.Date) {
	b := &d.b
	a := p.Address
	adult := m.birth.AddDays(18 * 365)
	if a == nil || !a.MovedIn.After(maxDate(adult, arrived)) || b.r.IntN(100) < 30 {
		return
	}
	prev := d.address([]member{*m}, -1)
	in := b.between(maxDate(adult, arrived), a.MovedIn.AddDays(-1))
	p.AddressHistory = append(p.AddressHistory, HistoricAddress{Municipality: Code4(prev.muni.code), RoadCode: Code4(roadCode(prev.road)),
		HouseNumber: prev.house, Floor: prev.floor, Door: prev.door, MovedIn: in, MovedOut: a.MovedIn})
	if Code4(prev.muni.code) != a.Municipality {
		a.PreviousMunicipality = Code4(prev.muni.code)
		a.PreviousMunicipalityLeft = a.MovedIn
	} else {
		a.MunicipalityMovedIn = in
	}
}

// corrections gives the scenario's person, and one in two hundred others with an address history, CPR's
// correction markers (ANNKOR) on record 023: the historic address as first registered, marked "K"
// (corrected), beside the corrected one; and, for the scenario, a move registered in error and undone,
// marked "A", moved in and out the same day.
func (d *detailer) corrections(m *member, p *Person, arrived civil.Date) {
	b := &d.b
	scenario := m.flags&flagCorrectedHistory != 0
	if scenario && len(p.AddressHistory) == 0 {
		a := p.Address
		prev := d.address([]member{*m}, -1)
		lo := maxDate(m.birth.AddDays(18*365), arrived)
		if !a.MovedIn.After(lo.AddDays(2)) {
			a.MovedIn = minDate(b.asOf, lo.AddDays(400))
			a.MunicipalityMovedIn = a.MovedIn
		}
		p.AddressHistory = append(p.AddressHistory, HistoricAddress{Municipality: Code4(prev.muni.code), RoadCode: Code4(roadCode(prev.road)),
			HouseNumber: prev.house, Floor: prev.floor, Door: prev.door, MovedIn: b.between(lo, a.MovedIn.AddDays(-1)), MovedOut: a.MovedIn})
	}
	if len(p.AddressHistory) == 0 || !scenario && b.r.IntN(200) != 0 {
		return
	}
	h := p.AddressHistory[0]
	wrong := h
	wrong.Correction = "K"
	if door, ok := map[string]string{"th": "tv", "tv": "th"}[h.Door]; ok {
		wrong.Door = door // registered on the wrong side of the landing
	} else {
		wrong.HouseNumber = fmt.Sprintf("%03d", (atoi(h.HouseNumber)%998)+1) // or at the wrong number
	}
	hist := []HistoricAddress{wrong, h}
	if scenario {
		e := d.address([]member{*m}, -1)
		day := b.between(h.MovedIn, h.MovedOut)
		hist = append(hist, HistoricAddress{Correction: "A", Municipality: Code4(e.muni.code), RoadCode: Code4(roadCode(e.road)),
			HouseNumber: e.house, Floor: e.floor, Door: e.door, MovedIn: day, MovedOut: day})
	}
	p.AddressHistory = append(hist, p.AddressHistory[1:]...)
}

// laterCorrections gives the names and civil statuses CPR's correction markers, once they are all made:
// the corrected-history scenario's person, and one in two hundred others with a name history, a
// historic name as first registered, misspelt and marked "K" (corrected), beside the corrected one (the
// scenario's person gets one for the current name when there is no history); and one in a hundred
// with a civil history, the scenario's person too, the oldest marked "Æ" (a technical change: the content
// stands). The reference marks Æ as of medium confidence and gives no rates: these are the project's.
func (d *detailer) laterCorrections(m *member, p *Person) {
	b := &d.b
	scenario := m.flags&flagCorrectedHistory != 0
	// Who is picked is decided by the number, not drawn: the group's random stream, and so every
	// other person, stays as it was.
	pick := numberHash(p.Number)
	free := m.scenario == "" // a scenario's persons keep the history it expects: never picked
	switch {
	case len(p.NameHistory) > 0 && (scenario || free && pick%200 == 0):
		p.NameHistory = withMistaken(p.NameHistory, func(h *HistoricName) { h.Last, h.Correction = misspelt(h.Last), "K" })
	case scenario:
		wrong := HistoricName{Name: p.Name, End: p.Name.Start.AddDays(int(pick % uint64(max(1, b.asOf.DayNumber()-p.Name.Start.DayNumber())))), Correction: "K"}
		wrong.Last = misspelt(p.Name.Last)
		p.NameHistory = append([]HistoricName{wrong}, p.NameHistory...)
	}
	if len(p.CivilHistory) > 0 && (scenario || free && pick/200%100 == 0) {
		p.CivilHistory[0].Correction = "Æ"
	}
	// One in two hundred of the other histories with ANNKOR (024, 027, 030; 028 has none) has its
	// oldest record as first registered, wrong in one field, marked K beside the correct one. (The
	// start's only found disappearances, 025, are a scenario's, which keeps its record as it is.)
	other := func(country, shift int) int { // another foreign country than country
		for k := 0; ; k++ {
			c := d.w.countries[d.w.foreignCountries[(int(pick>>uint(shift)%1024)+k)%len(d.w.foreignCountries)]].Code
			if c != country {
				return c
			}
		}
	}
	if len(p.Migrations) > 0 && free && pick>>20%200 == 0 {
		p.Migrations = withMistaken(p.Migrations, func(h *Migration) { h.EntryCountry, h.Correction = Code4(other(int(h.EntryCountry), 30)), "K" })
	}
	if len(p.CitizenshipHistory) > 0 && free && pick>>36%200 == 0 {
		p.CitizenshipHistory = withMistaken(p.CitizenshipHistory, func(h *Citizenship) { h.Country, h.Correction = Code4(other(int(h.Country), 44)), "K" })
	}
	if h := p.SeparationHistory; len(h) > 0 && free && pick>>54%200 == 0 && h[0].Start.AddDays(7).Before(h[0].End) {
		p.SeparationHistory = withMistaken(h, func(h *HistoricSeparation) { h.Start, h.Correction = h.Start.AddDays(7), "K" })
	}
}

// partialDatesBefore is the birth year before which old history may have unknown parts.
const partialDatesBefore = 1950

// partialDates gives the oldest name and citizenship records of the born-1800s scenario's persons, and
// of one in a hundred others born before 1950 (the project's share, picked by the number: no random
// stream moves; the reference has the form, not how often it occurs), a start whose month and day are
// not known, as CPR's test extract has them (cpr-formats.md §1.1: 194100001299, 196100000000).
func partialDates(m *member, p *Person) {
	switch {
	case m.scenario == "born-1800s":
	case m.scenario != "" || p.BirthDate.Year >= partialDatesBefore || numberHash(p.Number)>>44%100 != 0:
		return
	}
	yearOnly := func(d civil.Date) civil.Date { return civil.Date{Year: d.Year, Month: time.January, Day: 1} }
	switch {
	case len(p.NameHistory) > 0:
		h := &p.NameHistory[0].Name
		h.Start, h.StartPartial = yearOnly(h.Start), true
	case !p.Name.Start.IsZero():
		p.Name.Start, p.Name.StartPartial = yearOnly(p.Name.Start), true
	}
	switch {
	case len(p.CitizenshipHistory) > 0:
		c := &p.CitizenshipHistory[0]
		c.Start, c.StartPartial = yearOnly(c.Start), true
	case !p.Citizenship.Start.IsZero():
		p.Citizenship.Start, p.Citizenship.StartPartial = yearOnly(p.Citizenship.Start), true
	}
}

// withMistaken returns hist with, before its oldest record, that record as first registered: a copy
// that mistake changes (and marks).
func withMistaken[T any](hist []T, mistake func(*T)) []T {
	wrong := hist[0]
	mistake(&wrong)
	return append([]T{wrong}, hist...)
}

// numberHash is FNV-1a of a personnummer: a choice by the person that takes nothing from a random stream.
func numberHash(n pnr.Number) uint64 {
	h := uint64(14695981039346656037)
	for _, c := range n.String() {
		h = (h ^ uint64(c)) * 1099511628211
	}
	return h
}

// misspelt is a surname as a clerk might have mistyped it: two letters swapped, or one doubled.
func misspelt(name string) string {
	r := []rune(name)
	for i := 1; i+1 < len(r); i++ {
		if r[i] != r[i+1] {
			r[i], r[i+1] = r[i+1], r[i]
			return string(r)
		}
	}
	if len(r) == 0 {
		return "X"
	}
	return string(append(r, r[len(r)-1]))
}

// atoi is the leading digits of s as a number.
func atoi(s string) int {
	n := 0
	for _, c := range s {
		if c < '0' || c > '9' {
			break
		}
		n = n*10 + int(c-'0')
	}
	return n
}

func (d *detailer) foreignAddress(country string) []string {
	f := d.fake()
	return []string{f.Street(), f.Zip() + " " + f.City(), strings.ToUpper(country)}
}

func (d *detailer) protections(m *member, p *Person) {
	b := &d.b
	if !m.status.Active() {
		return
	}
	adult := ageAt(m.birth, b.asOf) >= 18
	if m.flags&flagAddressProtection != 0 || (adult && b.r.IntN(200) == 0) {
		start := b.between(maxDate(m.birth, b.asOf.AddDays(-300)), b.asOf)
		p.Protections = append(p.Protections, Protection{Type: ProtectionNameAndAddress, Start: start, End: start.AddDays(365)})
	}
	if m.flags&flagOtherProtections != 0 {
		for _, t := range []int{ProtectionLocalDirectory, ProtectionMarketing, ProtectionResearch} {
			p.Protections = append(p.Protections, Protection{Type: Code4(t), Start: b.between(maxDate(m.birth, yearsBefore(b.asOf, 10)), b.asOf)})
		}
	} else if adult && b.r.IntN(100) < 6 {
		p.Protections = append(p.Protections, Protection{Type: ProtectionMarketing, Start: b.between(maxDate(m.birth, yearsBefore(b.asOf, 10)), b.asOf)})
	}
	// Credit warnings, since CPR began recording them on 1 January 2017 (cpr-formats.md §1.2).
	if m.flags&flagCreditWarning != 0 || adult && b.r.IntN(creditWarningOneIn) == 0 {
		p.CreditWarning = b.between(maxDate(creditWarningsSince, yearsBefore(m.birth, -18)), b.asOf)
	}
}

// creditWarningsSince is when CPR's record 050 went into production.
var creditWarningsSince = civil.Date{Year: 2017, Month: 1, Day: 1}

// creditWarningOneIn: one adult in this many has a credit warning (the project's choice: the reference
// has no figure).
const creditWarningOneIn = 250

// outsideParent describes a parent who is not in the population: by name and birth date, or unknown.
func (d *detailer) outsideParent(m *member, g pnr.Gender) Parent {
	b := &d.b
	if b.r.IntN(100) < 25 {
		return Parent{}
	}
	first := d.w.male
	if g == pnr.Female {
		first = d.w.female
	}
	born := civil.FromDayNumber(m.birth.DayNumber() - (20+b.r.IntN(20))*365 - b.r.IntN(365))
	return Parent{Name: first.draw(b) + " " + d.surname(), BirthDate: born}
}
