package generator

import (
	"slices"
	"time"

	"github.com/cprtestdata/cprtestdata/generator/civil"
	"github.com/cprtestdata/cprtestdata/generator/pnr"
)

// Event is a record 099: an event that made CPR deliver a person in a change extract.
type Event struct {
	Date civil.Date `json:"date"`
	// Code is HAENDELSE, one of the codes in the reference notes' list (cpr-formats.md §2.10).
	Code string `json:"code"`
	// Derived is AFLEDTMRK: how the delivered person relates to the event's main person ("ÆG" spouse,
	// "MO" mother, "BØ" child …); empty for the main person.
	Derived string     `json:"derived,omitempty"`
	Main    pnr.Number `json:"main"` // the event's main person
}

// The event codes the timeline uses (HAENDELSE).
const (
	CodeMove            = "A01" // Flytning
	CodeDisappearance   = "A02" // Forsvinding
	CodeFound           = "A03" // Genfinding
	CodeReturn          = "A04" // Genindrejse
	CodeEmigration      = "A06" // Udrejse
	CodeCitizenship     = "A08" // Opdatering af udlandsfelter/valgretsfelter: the reference lists no citizenship code
	CodeNameChange      = "A13" // Navneændring
	CodeNaming          = "A14" // Navngivelse: a birth, registered with the child's name
	CodeDeath           = "A21" // Dødsfald
	CodeCivilStatus     = "A24" // Ændring af civilstandsdata: marriage, divorce, separation
	CodeProtection      = "A33" // Beskyttelse
	CodeChurch          = "A34" // Folkekirkeforhold + Stilling
	CodeGuardianship    = "A73" // Under værgemål
	CodeNumberChange    = "P03" // Ændring af personnummer
	CodeAutomaticEnd    = "P11" // Automatisk sletning af beskyttelse/forældremyndighed
	CodeImmigration     = "P31" // Indrejse med personnummer
	derivedSpouse       = "ÆG"
	derivedPartner      = "PA"
	derivedNewSpouse    = "NÆ"
	derivedNewPartner   = "NP"
	derivedFormerSpouse = "TÆ"
	derivedFormerPart   = "TP"
	derivedMother       = "MO"
	derivedFather       = "FA"
	derivedChild        = "BØ"
	derivedOldNumber    = "PT" // tidligere gældende personnummer
	derivedHistNumber   = "PH" // historisk personnummer
	derivedNewGuardian  = "NV"
	derivedGuardianGone = "VS"
)

// Change is one person's delivery in a day's change extract: the person as at the end of the day, with
// every event that day that concerns it.
type Change struct {
	Day    int // days after the as-of date, 1 or more
	Date   civil.Date
	Person *Person
	Events []Event
}

// Clone returns a copy of c that keeps its person after the handler returns.
func (c *Change) Clone() Change {
	q := *c
	p := *c.Person
	q.Person = &p
	return q
}

// touch is a person delivered on the day being simulated.
type touch struct {
	who    int
	events []Event
}

// sim moves one group through the timeline in the detail pass.
type sim struct {
	d        *detailer
	gr       *group
	seed     uint64
	asOf     civil.Date
	days     int
	live     []*Person // by member: the person as the timeline goes; nil before it arrives
	day      int
	date     civil.Date
	q        queue
	today    []touch
	byNum    map[pnr.Number]int
	weekdays bool
	result   []Change
}

// simulate runs group gr through the timeline: gr.persons stay as of the start; gr.final and gr.changes
// get the persons at the end and each day's deliveries.
func (d *detailer) simulate(gr *group, seed uint64, days int, weekdays bool) {
	s := &sim{d: d, gr: gr, seed: seed, asOf: d.b.asOf, days: days, weekdays: weekdays, live: make([]*Person, len(gr.members)),
		byNum: make(map[pnr.Number]int, len(gr.members))}
	for i := range gr.persons {
		p := gr.persons[i] // shallow: the timeline never writes into what it shares
		s.live[i] = &p
		s.byNum[p.Number] = i
		s.start(i, 0)
	}
	for _, f := range gr.forced {
		if f.kind == evMove {
			s.q.push(candidate{who: f.who, kind: evMove, day: f.day, forced: true})
		}
	}
	hs := gr.happenings
	for {
		day := s.days + 1
		if len(hs) > 0 {
			day = hs[0].day
		}
		for _, c := range s.q {
			day = min(day, c.day)
		}
		if day > s.days {
			break
		}
		if len(s.today) > 0 && s.delivery(day) != s.delivery(s.day) {
			s.flush() // the deliveries so far go out before this day's events
		}
		s.day, s.date = day, s.asOf.AddDays(day)
		for len(hs) > 0 && hs[0].day == day {
			s.structural(&hs[0])
			hs = hs[1:]
		}
		for {
			i := -1
			for k := range s.q {
				if s.q[k].day == day && (i < 0 || s.q[k].before(&s.q[i])) {
					i = k
				}
			}
			if i < 0 {
				break
			}
			c := s.q[i]
			s.q[i] = s.q[len(s.q)-1]
			s.q = s.q[:len(s.q)-1]
			s.detail(&c)
			if c.kind < detailKinds && !c.forced {
				d, _ := gap(&c.src, yearly[c.kind], 0)
				c.day += d
				if c.day <= s.days {
					s.q.push(c)
				}
			}
		}
	}
	if len(s.today) > 0 {
		s.flush()
	}
	gr.changes = s.result
	gr.final = make([]Person, len(s.live))
	for i, p := range s.live {
		gr.final[i] = *p
	}
}

// start begins member i's detail event streams, and its automatic events, from day from.
func (s *sim) start(i, from int) {
	p := s.live[i]
	switch p.Status {
	case StatusDead, StatusAnnulled, StatusDeletedDuplicate, StatusChangedNumber, StatusAdministrative:
		return
	}
	for k := evMove; k < detailKinds; k++ {
		c := candidate{who: i, kind: k, src: eventStream(s.seed, s.gr.index, i, k), day: from}
		d, _ := gap(&c.src, yearly[k], 0)
		c.day += d
		if c.day <= s.days {
			s.q.push(c)
		}
	}
	s.scheduleEnds(i)
}

// scheduleEnds queues the automatic events member i's records make due: a protection's end date, the
// 18th birthday that ends custody.
func (s *sim) scheduleEnds(i int) {
	p := s.live[i]
	at := func(d civil.Date, k evKind) {
		day := d.DayNumber() - s.asOf.DayNumber()
		if day > s.day && day <= s.days {
			s.q.push(candidate{who: i, kind: k, day: day})
		}
	}
	for _, pr := range p.Protections {
		if !pr.End.IsZero() {
			at(pr.End, evProtectionEnd)
		}
	}
	if len(p.Custody) > 0 {
		at(yearsBefore(p.BirthDate, -18), evCustodyEnd)
	}
}

// reseed points the detailer's random stream at one event: the same event draws the same values,
// however many days the run has.
func (s *sim) reseed(who int, k evKind) {
	a, b := streamSeeds(s.seed, s.gr.index, 3)
	s.d.src.Seed(a^splitmix(uint64(who)<<8|uint64(k)), b^splitmix(uint64(s.day)))
}

// mark records an event on member i for today's delivery.
func (s *sim) mark(i int, code, derived string, main pnr.Number) {
	e := Event{Date: s.date, Code: code, Derived: derived, Main: main}
	for k := range s.today {
		if s.today[k].who == i {
			s.today[k].events = append(s.today[k].events, e)
			return
		}
	}
	s.today = append(s.today, touch{who: i, events: []Event{e}})
}

// flush turns the deliveries gathered since the last into changes of their delivery day, in member
// order, each with the person as it is now (at the end of that day: no event has happened since).
func (s *sim) flush() {
	day := s.delivery(s.day)
	slices.SortFunc(s.today, func(a, b touch) int { return a.who - b.who })
	for _, t := range s.today {
		p := *s.live[t.who]
		s.result = append(s.result, Change{Day: day, Date: s.asOf.AddDays(day), Person: &p, Events: t.events})
	}
	s.today = s.today[:0]
}

// delivery returns the day whose change extract delivers the events of day (see DeliveryDay).
func (s *sim) delivery(day int) int { return deliveryDay(s.asOf, s.days, s.weekdays, day) }

// deliveryDay returns the timeline day whose change extract delivers the events of day: the day itself,
// or with weekdays the next weekday (events of a Saturday and a Sunday go out on Monday), and never later
// than the timeline's last day, which always delivers.
func deliveryDay(asOf civil.Date, days int, weekdays bool, day int) int {
	for day < days && !Delivers(asOf.AddDays(day), weekdays) {
		day++
	}
	return day
}

// Delivers reports whether CPR delivers a change extract on date d: every day, or with weekdays Monday
// to Friday (the events of a Saturday and a Sunday go out on Monday). This is the one place that rule is
// kept; a timeline's last day delivers whatever day it is (see Config.DeliveryDay).
func Delivers(d civil.Date, weekdays bool) bool {
	if !weekdays {
		return true
	}
	wd := d.Time().Weekday()
	return wd != time.Saturday && wd != time.Sunday
}

// IsDeliveryDay reports whether day of the timeline cfg describes has a change extract: every day, or
// with Weekdays the weekdays and the last day.
func (c Config) IsDeliveryDay(day int) bool {
	return day >= 1 && day <= c.Days && c.DeliveryDay(day) == day
}

// DeliveryDay returns the day of the timeline cfg describes whose change extract carries the events of
// day: the day itself, or with Weekdays the next weekday, never later than the last day.
func (c Config) DeliveryDay(day int) int {
	asOf := c.AsOf
	if asOf.IsZero() {
		asOf = DefaultAsOf
	}
	return deliveryDay(asOf, c.Days, c.Weekdays, day)
}

// member returns the member holding number n in the group, or -1.
// person is the live person numbered n, or nil.
func (s *sim) person(n pnr.Number) *Person {
	if i := s.member(n); i >= 0 {
		return s.live[i]
	}
	return nil
}

func (s *sim) member(n pnr.Number) int {
	if i, ok := s.byNum[n]; ok && !n.IsZero() {
		return i
	}
	return -1
}

func spouseMarks(code Code) (current, fresh, former string) {
	if code == 'P' || code == 'O' || code == 'L' {
		return derivedPartner, derivedNewPartner, derivedFormerPart
	}
	return derivedSpouse, derivedNewSpouse, derivedFormerSpouse
}

// endAddress moves a person's current address to the history, as of today.
func (s *sim) endAddress(p *Person) {
	a := p.Address
	if a == nil {
		return
	}
	p.AddressHistory = append(p.AddressHistory, HistoricAddress{Municipality: a.Municipality, RoadCode: a.RoadCode,
		HouseNumber: a.HouseNumber, Floor: a.Floor, Door: a.Door, MovedIn: a.MovedIn, MovedOut: s.date})
	p.Address = nil
}

// newAddress chooses an address for a person of status st, moved in today.
func (s *sim) newAddress(st Status) *Address {
	return s.addressAt(s.d.address([]member{{status: st}}, -1))
}

// moveAddress chooses the address a person of status st moves to today from an address in municipality
// from: in the same municipality at Denmark's share of moves, otherwise anywhere by population (the
// reference has no figures of moves by distance or region).
func (s *sim) moveAddress(st Status, from int) *Address {
	if st != StatusActive && st != StatusActiveSpecialRoad || s.d.b.r.Float64() >= s.d.w.demog.withinMunicipality {
		return s.newAddress(st)
	}
	h := home{}
	for i := range s.d.w.munis {
		if s.d.w.munis[i].code == from {
			h.muni = &s.d.w.munis[i]
		}
	}
	if h.muni == nil {
		return s.newAddress(st)
	}
	s.d.dwelling(&h, st, -1)
	return s.addressAt(h)
}

// addressAt makes the address of home h, moved in today.
func (s *sim) addressAt(h home) *Address {
	road, pc := h.muni.road(h.roadCode)
	return &Address{Municipality: Code4(h.muni.code), RoadCode: Code4(h.roadCode), Road: road, HouseNumber: h.house, Floor: h.floor,
		Door: h.door, Postcode: Code4(pc.Code), City: pc.City, MovedIn: s.date, MunicipalityMovedIn: s.date}
}

// moveTo gives p the address a from today, keeping the old one in the history.
func (s *sim) moveTo(p *Person, a Address) {
	old := p.Address
	s.endAddress(p)
	if old != nil {
		if old.Municipality == a.Municipality {
			a.MunicipalityMovedIn = old.MunicipalityMovedIn
			a.PreviousMunicipality, a.PreviousMunicipalityLeft = old.PreviousMunicipality, old.PreviousMunicipalityLeft
		} else {
			a.PreviousMunicipality, a.PreviousMunicipalityLeft = old.Municipality, s.date
		}
	}
	p.Address = &a
}

// endSeparation moves a current separation to the history (record 030), ended today, before the civil
// status it belongs to ends.
func (s *sim) endSeparation(p *Person) {
	if p.Separation == nil {
		return
	}
	p.SeparationHistory = append(slices.Clip(p.SeparationHistory), HistoricSeparation{Marriage: p.Civil.Start, Start: p.Separation.Start, End: s.date})
	p.Separation = nil
}

// endCivil puts the current civil status in the history, ended today (an unmarried start is not kept).
func (s *sim) endCivil(p *Person) {
	if p.Civil.Code != 'U' && p.Civil.Code != 0 {
		c := p.Civil
		c.End = s.date
		p.CivilHistory = append(p.CivilHistory, c)
	}
}

func (s *sim) structural(h *happening) {
	s.reseed(h.who, h.kind)
	p := s.live[h.who]
	if h.forced {
		s.forcedDone(h.kind, p)
	}
	switch h.kind {
	case evDeath:
		s.death(h.who)
	case evBirth:
		for k := 0; k < h.added; k++ {
			s.birth(h.who, h.other+k)
		}
	case evMarriage:
		s.marriage(h.who, h.other)
	case evDivorce:
		s.divorce(h.who, h.other)
	case evEmigration:
		// Foreign citizens mostly go home; others go where Denmark's immigrants come from.
		c := s.d.w.origin(s.d.b.r)
		if home := p.Citizenship.Country; home != 5100 && s.d.b.r.IntN(100) < 80 {
			if k, ok := s.d.w.country(int(home)); ok {
				c = k
			}
		}
		addr := s.d.foreignAddress(c.Name)
		for _, i := range append([]int{h.who}, h.along...) {
			q := s.live[i]
			s.endAddress(q)
			q.Status, q.StatusDate = StatusEmigrated, s.date
			q.Emigration = &Emigration{Country: Code4(c.Code), Date: s.date, ForeignAddress: addr}
			q.ContactAddress = contactAddress(s.d.w, q, s.date, s.person)
			q.Protections, q.CreditWarning = nil, civil.Date{}
			s.mark(i, CodeEmigration, "", q.Number)
		}
	case evReturn:
		e := p.Emigration
		p.Migrations = append(p.Migrations, Migration{ExitCountry: e.Country, Exit: e.Date, EntryCountry: e.Country,
			Entry: s.date, ForeignAddress: e.ForeignAddress})
		p.Emigration, p.ContactAddress = nil, nil
		p.Status, p.StatusDate = StatusActive, s.date
		p.Address = s.newAddress(StatusActive)
		s.mark(h.who, CodeReturn, "", p.Number)
		s.scheduleEnds(h.who)
	case evImmigration:
		s.immigrant(h.other)
	case evNumberChange:
		s.renumber(h.who, h.other)
	case evDisappearance:
		s.endAddress(p)
		p.Status, p.StatusDate, p.Disappeared = StatusDisappeared, s.date, s.date
		p.ContactAddress = contactAddress(s.d.w, p, s.date, s.person)
		p.Protections, p.CreditWarning = nil, civil.Date{}
		s.mark(h.who, CodeDisappearance, "", p.Number)
	case evFound:
		p.Disappearances = append(p.Disappearances, Disappearance{Disappeared: p.Disappeared, Found: s.date})
		p.Disappeared, p.ContactAddress = civil.Date{}, nil
		p.Status, p.StatusDate = StatusActive, s.date
		p.Address = s.newAddress(StatusActive)
		s.mark(h.who, CodeFound, "", p.Number)
	}
}

func (s *sim) death(i int) {
	p := s.live[i]
	s.endAddress(p)
	p.Status, p.StatusDate = StatusDead, s.date
	s.endSeparation(p)
	p.Protections, p.CreditWarning, p.ContactAddress = nil, civil.Date{}, nil
	s.mark(i, CodeDeath, "", p.Number)
	married := p.Civil.Code == 'G' || p.Civil.Code == 'P'
	spouse := p.Civil.Spouse
	code := p.Civil.Code
	s.endCivil(p)
	p.Civil = CivilStatus{Code: 'D', Start: s.date}
	if married {
		p.Civil.Spouse, p.Civil.SpouseName, p.Civil.SpouseBirthDate = spouse, "", civil.Date{}
		if j := s.member(spouse); j >= 0 && s.live[j].Civil.Spouse == p.Number {
			q := s.live[j]
			s.endCivil(q)
			widow := Code('E')
			if code == 'P' {
				widow = 'L'
			}
			s.endSeparation(q)
			q.Civil = CivilStatus{Code: widow, Spouse: p.Number, Start: s.date}
			mk, _, _ := spouseMarks(code)
			s.mark(j, CodeDeath, mk, p.Number)
		}
	}
	// Custody the dead held ends; a guardian who dies leaves the ward without one. The children and the
	// parents in CPR are delivered too.
	for j, q := range s.live {
		if q == nil || j == i {
			continue
		}
		child := q.Mother.Number == p.Number || q.Father.Number == p.Number
		if slices.ContainsFunc(q.Custody, func(c Custody) bool { return c.Holder == p.Number }) {
			q.Custody = slices.DeleteFunc(slices.Clone(q.Custody), func(c Custody) bool { return c.Holder == p.Number })
			child = true
		}
		switch {
		case child:
			s.mark(j, CodeDeath, derivedChild, p.Number)
		case p.Mother.Number == q.Number && q.Status.Active():
			s.mark(j, CodeDeath, derivedMother, p.Number)
		case p.Father.Number == q.Number && q.Status.Active():
			s.mark(j, CodeDeath, derivedFather, p.Number)
		}
		if g := q.Guardianship; g != nil && g.Guardian == p.Number {
			q.Guardianship = nil
			s.mark(j, CodeDeath, derivedGuardianGone, p.Number)
		}
	}
}

// arrive makes the person of member i, added by the timeline today.
func (s *sim) arrive(i int) *Person {
	m := &s.gr.members[i]
	k := i - len(s.gr.persons)
	p := &Person{Index: s.gr.arrivals[k], Group: s.gr.index, Number: s.gr.numbers[i], Status: m.status,
		StatusDate: s.date, Gender: m.gender, BirthDate: m.birth, BirthDateUncertain: m.flags&flagUncertainBirth != 0}
	s.live[i] = p
	s.byNum[p.Number] = i
	return p
}

func (s *sim) birth(mi, ci int) {
	d := s.d
	mother := s.live[mi]
	fi := s.gr.members[ci].father
	p := s.arrive(ci)
	list := d.w.firstNames(p.Gender == pnr.Female, p.BirthDate)
	first := list.draw(&d.b)
	if d.b.r.IntN(100) < 30 {
		if second := list.draw(&d.b); second != first {
			first += " " + second
		}
	}
	last := mother.Name.Last
	p.Name = Name{First: first, Last: last, Addressing: AddressingName(first, "", last), Start: s.date}
	a := *mother.Address
	a.CareOf, a.MovedIn, a.MunicipalityMovedIn = "", s.date, s.date
	a.PreviousMunicipality, a.PreviousMunicipalityLeft = 0, civil.Date{}
	p.Address = &a
	for _, mu := range d.w.munis {
		if Code4(mu.code) == a.Municipality {
			p.BirthPlace = BirthPlace{Authority: Code4(mu.code), Text: mu.name}
			break
		}
	}
	country := mother.Citizenship.Country
	if fi >= 0 && s.live[fi].Citizenship.Country == 5100 {
		country = 5100
	}
	p.Citizenship = Citizenship{Country: country, Start: s.date}
	p.Church = Church{Code: 'U', Start: s.date}
	p.Civil = CivilStatus{Code: 'U', Start: s.date}
	p.Mother = Parent{Number: mother.Number}
	p.Custody = []Custody{{Type: CustodyMother, Start: s.date, Holder: mother.Number}}
	mother.Children = append(mother.Children, p.Number)
	s.mark(ci, CodeNaming, "", p.Number)
	s.mark(mi, CodeNaming, derivedMother, p.Number)
	if fi >= 0 {
		father := s.live[fi]
		p.Father = Parent{Number: father.Number}
		if mother.Civil.Spouse == father.Number && mother.Civil.Code == 'G' {
			p.Custody = append(p.Custody, Custody{Type: CustodyFather, Start: s.date, Holder: father.Number})
		}
		father.Children = append(father.Children, p.Number)
		s.mark(fi, CodeNaming, derivedFather, p.Number)
	}
	s.start(ci, s.day)
}

func (s *sim) immigrant(i int) {
	d := s.d
	m := &s.gr.members[i]
	p := s.arrive(i)
	pool := foreignMale
	if p.Gender == pnr.Female {
		pool = foreignFemale
	}
	first, last := pool[d.b.r.IntN(len(pool))], d.fake().LastName()
	p.Name = Name{First: first, Last: last, Addressing: AddressingName(first, "", last), Start: s.date}
	c := d.w.origin(d.b.r)
	p.BirthPlace = BirthPlace{Authority: Code4(c.Code)}
	p.Citizenship = Citizenship{Country: Code4(c.Code), Start: m.birth}
	p.Church = Church{Code: 'U', Start: s.date}
	p.Civil = CivilStatus{Code: 'U', Start: m.birth}
	p.Migrations = []Migration{{EntryCountry: Code4(c.Code), Entry: s.date}}
	p.Address = s.newAddress(StatusActive)
	p.Mother = d.outsideParent(m, pnr.Female)
	p.Father = d.outsideParent(m, pnr.Male)
	s.mark(i, CodeImmigration, "", p.Number)
	s.start(i, s.day)
}

func (s *sim) marriage(a, b int) {
	pa, pb := s.live[a], s.live[b]
	code := Code('G')
	if pa.Gender == pb.Gender && s.date.Before(partnershipsEnd) {
		code = 'P'
	}
	for _, x := range [2]*Person{pa, pb} {
		s.endCivil(x)
	}
	pa.Civil = CivilStatus{Code: code, Spouse: pb.Number, Start: s.date}
	pb.Civil = CivilStatus{Code: code, Spouse: pa.Number, Start: s.date}
	_, fresh, _ := spouseMarks(code)
	s.mark(a, CodeCivilStatus, "", pa.Number)
	s.mark(b, CodeCivilStatus, fresh, pa.Number)
	// Some wives take the husband's surname.
	wife, husband, wi := pa, pb, a
	if pa.Gender == pnr.Male {
		wife, husband, wi = pb, pa, b
	}
	if wife.Gender == pnr.Female && husband.Gender == pnr.Male && wife.Name.Last != husband.Name.Last && s.d.b.r.IntN(100) < 35 {
		s.rename(wife, wife.Name.First, wife.Name.Middle, husband.Name.Last)
		s.mark(wi, CodeNameChange, "", wife.Number)
	}
}

func (s *sim) rename(p *Person, first, middle, last string) {
	p.NameHistory = append(p.NameHistory, HistoricName{Name: p.Name, End: s.date})
	p.Name = Name{First: first, Middle: middle, Last: last, Addressing: AddressingName(first, middle, last), Start: s.date}
}

func (s *sim) divorce(a, b int) {
	pa, pb := s.live[a], s.live[b]
	code := Code('F')
	if pa.Civil.Code == 'P' {
		code = 'O'
	}
	_, _, former := spouseMarks(pa.Civil.Code)
	for _, x := range [2]*Person{pa, pb} {
		spouse := x.Civil.Spouse
		s.endSeparation(x)
		s.endCivil(x)
		x.Civil = CivilStatus{Code: code, Spouse: spouse, Start: s.date}
	}
	s.mark(a, CodeCivilStatus, "", pa.Number)
	s.mark(b, CodeCivilStatus, former, pa.Number)
	// The former partner moves out.
	if pb.Address != nil {
		s.moveTo(pb, *s.moveAddress(pb.Status, int(pb.Address.Municipality)))
		s.mark(b, CodeMove, "", pb.Number)
	}
}

// notBefore moves every date of p's record that lies before d - a birth date corrected to a later one -
// to d. The slices are copied first: p shares them with the person it was copied from.
func (p *Person) notBefore(d civil.Date) {
	at := func(x *civil.Date) {
		if !x.IsZero() && x.Before(d) {
			*x = d
		}
	}
	at(&p.Name.Start)
	at(&p.Civil.Start)
	at(&p.Citizenship.Start)
	at(&p.Church.Start)
	if p.Address != nil {
		a := *p.Address
		at(&a.MovedIn)
		at(&a.MunicipalityMovedIn)
		at(&a.PreviousMunicipalityLeft)
		p.Address = &a
	}
	p.NameHistory = each(p.NameHistory, func(h *HistoricName) { at(&h.Start); at(&h.End) })
	p.AddressHistory = each(p.AddressHistory, func(h *HistoricAddress) { at(&h.MovedIn); at(&h.MovedOut) })
	p.CivilHistory = each(p.CivilHistory, func(c *CivilStatus) { at(&c.Start); at(&c.End) })
	p.ChurchHistory = each(p.ChurchHistory, func(c *Church) { at(&c.Start); at(&c.End) })
	p.CitizenshipHistory = each(p.CitizenshipHistory, func(c *Citizenship) { at(&c.Start); at(&c.End) })
	p.Custody = each(p.Custody, func(c *Custody) { at(&c.Start) })
	p.Protections = each(p.Protections, func(pr *Protection) { at(&pr.Start) })
	p.Migrations = each(p.Migrations, func(m *Migration) { at(&m.Exit); at(&m.Entry) })
}

// each returns a copy of s with f applied to every element.
func each[T any](s []T, f func(*T)) []T {
	s = slices.Clone(s)
	for i := range s {
		f(&s[i])
	}
	return s
}

// renumber gives member i's person the number of member ni: CPR's change of number after a change of
// gender or a corrected birth date. The old number stays, status 60, pointing to the new one; every
// relative's link moves to the new number.
func (s *sim) renumber(i, ni int) {
	old := s.live[i]
	m := &s.gr.members[ni]
	k := ni - len(s.gr.persons)
	np := *old
	np.Index, np.Number, np.Gender, np.BirthDate = s.gr.arrivals[k], s.gr.numbers[ni], m.gender, m.birth
	np.StatusDate, np.Scenarios = s.date, nil
	np.OldNumbers = append(slices.Clip(old.OldNumbers), PreviousNumber{Number: old.Number, Start: old.BirthDate, End: s.date})
	np.notBefore(np.BirthDate) // a corrected birth date may be later than what was registered from the old one; copies the address
	s.live[ni] = &np
	s.byNum[np.Number] = ni
	s.mark(ni, CodeNumberChange, "", np.Number)
	s.start(ni, s.day) // the person lives on under the new number

	s.endAddress(old)
	*old = Person{Index: old.Index, Group: old.Group, Number: old.Number, CurrentNumber: np.Number,
		Status: StatusChangedNumber, StatusDate: s.date, Gender: old.Gender, BirthDate: old.BirthDate,
		BirthDateUncertain: old.BirthDateUncertain, Name: old.Name, NameHistory: old.NameHistory,
		AddressHistory: old.AddressHistory, Migrations: old.Migrations, Disappearances: old.Disappearances,
		BirthPlace: old.BirthPlace, Citizenship: old.Citizenship, CitizenshipHistory: old.CitizenshipHistory,
		Church: old.Church, ChurchHistory: old.ChurchHistory, Civil: CivilStatus{Code: 'U', Start: old.BirthDate},
		Scenarios: old.Scenarios}
	s.mark(i, CodeNumberChange, derivedOldNumber, np.Number)

	swap := func(n pnr.Number) pnr.Number {
		if n == old.Number {
			return np.Number
		}
		return n
	}
	for j, q := range s.live {
		if q == nil || j == i || j == ni {
			continue
		}
		mark := ""
		if q.CurrentNumber == old.Number {
			q.CurrentNumber = np.Number
			mark = derivedHistNumber
		}
		if q.Civil.Spouse == old.Number || slices.ContainsFunc(q.CivilHistory, func(c CivilStatus) bool { return c.Spouse == old.Number }) {
			q.Civil.Spouse = swap(q.Civil.Spouse)
			h := slices.Clone(q.CivilHistory)
			for x := range h {
				h[x].Spouse = swap(h[x].Spouse)
			}
			q.CivilHistory = h
			mark = derivedSpouse
		}
		if q.Mother.Number == old.Number || q.Father.Number == old.Number {
			mark = derivedChild
			q.Mother.Number, q.Father.Number = swap(q.Mother.Number), swap(q.Father.Number)
		}
		if slices.ContainsFunc(q.Custody, func(c Custody) bool { return c.Holder == old.Number }) {
			cs := slices.Clone(q.Custody)
			for x := range cs {
				cs[x].Holder = swap(cs[x].Holder)
			}
			q.Custody = cs
			mark = derivedChild
		}
		if slices.Contains(q.Children, old.Number) {
			cs := slices.Clone(q.Children)
			for x := range cs {
				cs[x] = swap(cs[x])
			}
			q.Children = cs
			mark = derivedMother
			if q.Gender == pnr.Male {
				mark = derivedFather
			}
		}
		if g := q.Guardianship; g != nil && g.Guardian == old.Number {
			ng := *g
			ng.Guardian = np.Number
			q.Guardianship = &ng
			mark = derivedNewGuardian
		}
		if mark != "" {
			s.mark(j, CodeNumberChange, mark, np.Number)
		}
	}
}

// forcedDone records a forced event (Config.Events) that happens today to p, for the manifest.
func (s *sim) forcedDone(k evKind, p *Person) {
	for name, kind := range EventKinds {
		if kind == k {
			s.gr.forcedDone = append(s.gr.forcedDone, ForcedEntry{Kind: name, Day: s.day, Date: s.date.String(), Number: p.Number.String()})
		}
	}
}

// detail applies a detail or automatic event if it still fits the person.
func (s *sim) detail(c *candidate) {
	p := s.live[c.who]
	if p == nil || !p.Status.Active() {
		return
	}
	s.reseed(c.who, c.kind)
	r := s.d.b.r
	adult := ageAt(p.BirthDate, s.date) >= 18
	switch c.kind {
	case evMove:
		if p.Address == nil {
			return
		}
		if c.forced {
			s.forcedDone(evMove, p)
		}
		from := *p.Address
		a := *s.moveAddress(p.Status, int(from.Municipality))
		for j, q := range s.live {
			if q == nil || !q.Status.Active() || q.Address == nil || !sameHome(q.Address, &from) {
				continue
			}
			s.moveTo(q, a)
			s.mark(j, CodeMove, "", q.Number)
		}
	case evNameChange:
		if !adult {
			return
		}
		if p.Name.Middle == "" {
			s.rename(p, p.Name.First, s.d.w.middle.draw(&s.d.b), p.Name.Last)
		} else {
			s.rename(p, p.Name.First, p.Name.Middle, s.d.surname())
		}
		s.mark(c.who, CodeNameChange, "", p.Number)
	case evSeparation:
		j := s.member(p.Civil.Spouse)
		if p.Civil.Code != 'G' || p.Separation != nil || j < 0 || !s.live[j].Status.Active() ||
			s.live[j].Civil.Spouse != p.Number || !p.Civil.Start.Before(s.date) {
			return
		}
		p.Separation = &Separation{Start: s.date}
		s.live[j].Separation = &Separation{Start: s.date}
		s.mark(c.who, CodeCivilStatus, "", p.Number)
		s.mark(j, CodeCivilStatus, derivedSpouse, p.Number)
	case evProtection:
		has := func(t int) bool {
			return slices.ContainsFunc(p.Protections, func(x Protection) bool { return int(x.Type) == t })
		}
		switch {
		case len(p.Protections) >= 4:
			return
		case !has(ProtectionNameAndAddress) && r.IntN(100) < 30:
			p.Protections = append(slices.Clip(p.Protections), Protection{Type: ProtectionNameAndAddress, Start: s.date, End: s.date.AddDays(365)})
		case !has(ProtectionMarketing):
			p.Protections = append(slices.Clip(p.Protections), Protection{Type: ProtectionMarketing, Start: s.date})
		default:
			return
		}
		s.mark(c.who, CodeProtection, "", p.Number)
		s.scheduleEnds(c.who)
	case evProtectionEnd:
		if !slices.ContainsFunc(p.Protections, func(x Protection) bool { return x.End == s.date }) {
			return
		}
		p.Protections = slices.DeleteFunc(slices.Clone(p.Protections), func(x Protection) bool { return x.End == s.date })
		s.mark(c.who, CodeAutomaticEnd, "", p.Number)
	case evChurch:
		switch {
		case p.Church.Code == 'F':
			p.ChurchHistory = append(p.ChurchHistory, Church{Code: 'F', Start: p.Church.Start, End: s.date})
			p.Church = Church{Code: 'U', Start: s.date}
		case r.IntN(100) < 15:
			p.Church = Church{Code: 'F', Start: s.date}
		default:
			return
		}
		s.mark(c.who, CodeChurch, "", p.Number)
	case evCitizenship:
		if p.Citizenship.Country == 5100 || !adult {
			return
		}
		p.CitizenshipHistory = append(p.CitizenshipHistory, Citizenship{Country: p.Citizenship.Country, Start: p.Citizenship.Start, End: s.date})
		p.Citizenship = Citizenship{Country: 5100, Start: s.date}
		s.mark(c.who, CodeCitizenship, "", p.Number)
	case evGuardianship:
		if !adult || p.Guardianship != nil {
			return
		}
		g := &Guardianship{Start: s.date}
		gi := -1
		for _, n := range []pnr.Number{p.Civil.Spouse, p.Mother.Number, p.Father.Number} {
			if j := s.member(n); j >= 0 && s.live[j].Status.Active() && ageAt(s.live[j].BirthDate, s.date) >= 18 {
				gi = j
				break
			}
		}
		if gi >= 0 {
			g.Guardian = s.live[gi].Number
		} else {
			a := s.newAddress(StatusActive)
			g.GuardianName = s.d.w.female.draw(&s.d.b) + " " + s.d.surname()
			g.GuardianAddress = []string{a.Road + " " + a.HouseNumber, a.Postcode.Text() + " " + a.City}
		}
		p.Guardianship = g
		s.mark(c.who, CodeGuardianship, "", p.Number)
		if gi >= 0 {
			s.mark(gi, CodeGuardianship, derivedNewGuardian, p.Number)
		}
	case evGuardianshipEnd:
		g := p.Guardianship
		if g == nil {
			return
		}
		p.Guardianship = nil
		s.mark(c.who, CodeGuardianship, "", p.Number)
		if j := s.member(g.Guardian); j >= 0 {
			s.mark(j, CodeGuardianship, derivedGuardianGone, p.Number)
		}
	case evCreditWarning:
		if !adult || !p.CreditWarning.IsZero() || p.Status != StatusActive && p.Status != StatusActiveSpecialRoad {
			return
		}
		p.CreditWarning = s.date
		s.mark(c.who, CodeProtection, "", p.Number)
	case evCreditWarningEnd:
		if p.CreditWarning.IsZero() {
			return
		}
		p.CreditWarning = civil.Date{}
		s.mark(c.who, CodeProtection, "", p.Number)
	case evCustodyEnd:
		if len(p.Custody) == 0 {
			return
		}
		p.Custody = nil
		s.mark(c.who, CodeAutomaticEnd, "", p.Number)
	}
}

// sameHome reports whether two addresses are the same dwelling.
func sameHome(a, b *Address) bool {
	return a.Municipality == b.Municipality && a.RoadCode == b.RoadCode && a.HouseNumber == b.HouseNumber &&
		a.Floor == b.Floor && a.Door == b.Door
}
