package generator

import (
	"math"
	"math/rand/v2"
	"time"

	"github.com/cprtestdata/cprtestdata/generator/civil"
	"github.com/cprtestdata/cprtestdata/generator/pnr"
)

// The timeline moves the population forward day by day from the as-of date. Every family group lives its
// own life: its events involve only its members and the persons they add (newborns, immigrants, new
// numbers), so groups are simulated independently and in parallel, like their details.
//
// Each (group, member, kind of event) draws its event times from a random stream of its own, one event at
// a time, in time order. What happens up to day k therefore never depends on how many days are asked
// for: a run of 30 days is the first 30 days of a run of 365, event for event and byte for byte. New
// persons take their numbers after every number of the population as of the start date, in the order
// they arrive (day, then group), as CPR issues them.
//
// Events come in two tiers. Structural events change who is alive, resident, married and how many
// persons there are; they are scheduled in the sequential pass, from the skeleton, because new persons
// need numbers. Detail events (moves, name changes, protections, church, citizenship, guardianship,
// separations, custody ending at 18) change only records; they are drawn and applied in the parallel
// detail pass, which replays the structural schedule and checks each detail event against the person as
// it is that day.

// MaxDays bounds Config.Days: ten years of daily change files.
const MaxDays = 3660

// lastDate is the last date the timeline can reach: birth dates after it have no numbers.
var lastDate = civil.Date{Year: pnr.LastBirthYear, Month: time.December, Day: 31}

// evKind is a kind of event.
type evKind uint8

// Structural kinds first; the order is part of the output (ties on a day go in this order).
const (
	evDeath evKind = iota
	evBirth
	evMarriage
	evDivorce
	evEmigration
	evReturn
	evImmigration
	evNumberChange
	evDisappearance
	evFound
	structuralKinds
	// Detail kinds.
	evMove evKind = iota
	evNameChange
	evSeparation
	evProtection
	evChurch
	evCitizenship
	evGuardianship
	evGuardianshipEnd
	evCreditWarning
	evCreditWarningEnd
	detailKinds
	// Automatic events, due on a date the person's records give.
	evProtectionEnd evKind = iota
	evCustodyEnd
)

// yearly is each kind's rate per person (or couple) and year, before the age factors in rate. They are
// scaled from Denmark's yearly figures per 6 million people: births 57,000, deaths 57,000, moves
// 850,000, marriages 29,000, divorces 13,000, immigrations 80,000 (of which returns), emigrations 60,000.
var yearly = [detailKinds]float64{
	evDeath:            1,      // by age: see mortality
	evBirth:            1,      // by age: see fertility
	evMarriage:         0.054,  // per cohabiting unmarried couple
	evDivorce:          0.0125, // per married couple
	evEmigration:       0.0072, // per resident adult; partner and minor children go along
	evReturn:           0.045,  // per emigrant
	evImmigration:      0.0102, // per person with a number in use: a new immigrant joins the group
	evNumberChange:     0.0001,
	evDisappearance:    0.0002,
	evFound:            0.5,   // per disappeared person
	evMove:             0.094, // per resident; those living with the mover move along
	evNameChange:       0.004,
	evSeparation:       0.004, // per married couple
	evProtection:       0.012,
	evChurch:           0.008,
	evCitizenship:      0.05, // per resident foreign citizen
	evGuardianship:     0.0003,
	evGuardianshipEnd:  0.05,
	evCreditWarning:    0.0008, // per adult without one (the project's choice, as the share)
	evCreditWarningEnd: 0.1,    // per person with one
}

// happening is a structural event of a group's timeline.
type happening struct {
	day    int  // days after the as-of date, 1 or more
	forced bool // asked for by Config.Events
	kind   evKind
	who    int   // the member it happens to
	other  int   // the partner (marriage, divorce) or the first member it adds (birth, immigration, number change); -1
	added  int   // members it adds
	along  []int // members who go along (emigration)
}

// candidate is the next time an event of one kind may happen to one member, with the member's random
// stream for that kind.
type candidate struct {
	day    int
	who    int
	kind   evKind
	look   bool // day is only a time to look again at the rate, not an event
	forced bool // a forced event (Config.Events): happens once, on its day
	src    rand.PCG
}

func (c *candidate) before(d *candidate) bool {
	if c.day != d.day {
		return c.day < d.day
	}
	if c.kind != d.kind {
		return c.kind < d.kind
	}
	return c.who < d.who
}

// eventStream returns the random stream of one member's events of one kind in group g.
func eventStream(seed uint64, g, who int, kind evKind) rand.PCG {
	a, b := streamSeeds(seed, g, 2)
	return *rand.NewPCG(a^splitmix(uint64(who)<<8|uint64(kind)), b)
}

// gap draws the days until the next event at yearly rate r (at least one). A rate that holds only until
// a horizon (a birthday, for rates by age) gives the horizon instead when the draw lies beyond it, marked
// as a look: the next draw is made there at the rate then, which is exact for rates that are constant
// between horizons (the exponential forgets the wait). A rate of 0 looks again at the horizon, or in a
// month without one.
func gap(src *rand.PCG, r float64, horizon int) (days int, look bool) {
	u := (float64(src.Uint64()>>11) + 0.5) * 0x1p-53
	if r <= 0 {
		if horizon > 0 {
			return horizon, true
		}
		return 30, true
	}
	d := -math.Log(u) / (r / 365.25)
	if horizon > 0 && d > float64(horizon) {
		return horizon, true
	}
	if d > 1e6 {
		return 1e6, false
	}
	return max(1, int(math.Ceil(d))), false
}

// untilBirthday returns the days from date d to the next birthday of a person born on birth.
func untilBirthday(birth, d civil.Date) int {
	next := yearsBefore(birth, -(ageAt(birth, d) + 1))
	return max(1, next.DayNumber()-d.DayNumber())
}

// queue holds a group's pending candidates; groups are small, so it is a slice searched for the first.
type queue []candidate

func (q *queue) push(c candidate) { *q = append(*q, c) }

func (q *queue) pop() (candidate, bool) {
	if len(*q) == 0 {
		return candidate{}, false
	}
	best := 0
	for i := 1; i < len(*q); i++ {
		if (*q)[i].before(&(*q)[best]) {
			best = i
		}
	}
	c := (*q)[best]
	last := len(*q) - 1
	(*q)[best] = (*q)[last]
	*q = (*q)[:last]
	return c, true
}

// scheduler plans the structural events of one group at a time; it is reused from group to group.
type scheduler struct {
	demog  *demography
	forced []forcedEvent // the group's forced events
	seed   uint64
	asOf   civil.Date
	days   int
	state  []member // the members as the timeline goes
	lastB  []int    // day of each member's last birth
	q      queue
	out    []happening
	r      *rand.Rand // for the choices an event makes (gender, twins), from the event's stream
}

func newScheduler(seed uint64, asOf civil.Date, days int, demog *demography) *scheduler {
	return &scheduler{seed: seed, asOf: asOf, days: days, demog: demog}
}

// date returns the date of a timeline day.
func (s *scheduler) date(day int) civil.Date { return s.asOf.AddDays(day) }

// schedule plans the structural events of group g over the timeline and appends the members they add to
// *members, marked with the day they arrive. It returns the happenings in time order; the slice is reused
// by the next call.
func (s *scheduler) schedule(g int, members *[]member) []happening {
	s.out = s.out[:0]
	s.q = s.q[:0]
	s.state = append(s.state[:0], *members...)
	s.lastB = s.lastB[:0]
	for range s.state {
		s.lastB = append(s.lastB, -1000)
	}
	if s.days == 0 {
		return s.out
	}
	for i := range s.state {
		s.addCandidates(g, i, 0)
	}
	for _, f := range s.forced {
		if f.kind < structuralKinds {
			s.q.push(candidate{day: f.day, who: f.who, kind: f.kind, forced: true,
				src: eventStream(s.seed, g, f.who, f.kind+detailKinds)}) // a stream of its own
		}
	}
	for {
		c, ok := s.q.pop()
		if !ok {
			break
		}
		src := c.src
		if !c.look && s.valid(&c) {
			s.r = rand.New(&src)
			s.apply(g, &c, members)
		}
		if c.forced {
			continue // once
		}
		c.src = src
		s.next(&c)
		if c.day <= s.days {
			s.q.push(c)
		}
	}
	return s.out
}

// addCandidates starts member i's structural event streams on day from.
func (s *scheduler) addCandidates(g, i, from int) {
	m := &s.state[i]
	if m.status == StatusDead || m.status == StatusAnnulled || m.status == StatusDeletedDuplicate ||
		m.status == StatusChangedNumber || m.status == StatusAdministrative {
		return // nothing more happens on these numbers
	}
	for k := evKind(0); k < structuralKinds; k++ {
		switch k {
		case evBirth:
			if m.gender != pnr.Female {
				continue
			}
		case evMarriage, evDivorce:
			if m.partner < i { // the couple's events are drawn once, on its first member
				continue
			}
		}
		c := candidate{who: i, kind: k, src: eventStream(s.seed, g, i, k), day: from}
		s.next(&c)
		if c.day <= s.days {
			s.q.push(c)
		}
	}
}

func (s *scheduler) age(i, day int) int { return ageAt(s.state[i].birth, s.date(day)) }

// next moves c on to its next event or look, drawn at the rate of c's event for its member as things are
// on c's day: by age and sex until the member's next birthday for deaths and births, otherwise the kind's.
func (s *scheduler) next(c *candidate) {
	m := &s.state[c.who]
	var r float64
	horizon := 0
	switch c.kind {
	case evDeath:
		r, horizon = s.demog.mortality(s.age(c.who, c.day), m.gender), untilBirthday(m.birth, s.date(c.day))
	case evBirth:
		r, horizon = s.demog.fertility(s.age(c.who, c.day), s.partnered(c.who)), untilBirthday(m.birth, s.date(c.day))
	default:
		r = yearly[c.kind]
	}
	d, look := gap(&c.src, r, horizon)
	c.day += d
	c.look = look
}

// partnered reports whether member i lives with a partner who is alive and in Denmark.
func (s *scheduler) partnered(i int) bool {
	p := s.state[i].partner
	return p >= 0 && s.state[p].status.Active() && sameHousehold(&s.state[i], &s.state[p])
}

// resident reports whether member i lives in Denmark with an ordinary address (status 01).
func (s *scheduler) resident(i int) bool { return s.state[i].status == StatusActive }

func (s *scheduler) valid(c *candidate) bool {
	m := &s.state[c.who]
	if !c.forced && s.spared(c) {
		return false
	}
	switch c.kind {
	case evDeath:
		return m.status.Active()
	case evBirth:
		return m.status.Active() && c.day-s.lastB[c.who] > 300
	case evMarriage:
		p := m.partner
		return p >= 0 && !m.married && s.resident(c.who) && s.resident(p) && s.age(c.who, c.day) >= 18 && s.age(p, c.day) >= 18
	case evDivorce:
		p := m.partner
		return p >= 0 && m.married && s.resident(c.who) && s.resident(p)
	case evEmigration, evNumberChange, evDisappearance:
		return s.resident(c.who) && s.age(c.who, c.day) >= 18
	case evReturn:
		return m.status == StatusEmigrated
	case evFound:
		return m.status == StatusDisappeared
	case evImmigration:
		return true // the group only decides where the newcomer is listed
	}
	return false
}

// spared reports whether c, an event of the rates, would take away a forced event still to come: a
// member with one is spared death, emigration, disappearance and a change of number before its day, and
// a couple with a forced marriage its own marriage and divorce.
func (s *scheduler) spared(c *candidate) bool {
	for _, f := range s.forced {
		if c.day >= f.day || f.dated || f.kind >= structuralKinds && f.kind != evMove {
			continue
		}
		who := f.who == c.who || f.kind == evMarriage && s.state[f.who].partner == c.who
		switch c.kind {
		case evDeath, evEmigration, evDisappearance, evNumberChange:
			if who {
				return true
			}
		case evMarriage, evDivorce:
			if f.kind == evMarriage && who {
				return true
			}
		}
	}
	return false
}

// apply carries out c on the members' state and records it; members it adds go to *members.
func (s *scheduler) apply(g int, c *candidate, members *[]member) {
	h := happening{day: c.day, kind: c.kind, who: c.who, other: -1, forced: c.forced}
	m := &s.state[c.who]
	d := s.date(c.day)
	switch c.kind {
	case evDeath:
		m.status, m.event = StatusDead, d
	case evBirth:
		s.lastB[c.who] = c.day
		father := m.partner
		if father >= 0 && (s.state[father].gender != pnr.Male || !s.state[father].status.Active()) {
			father = -1
		}
		n := 1
		if s.r.IntN(60) == 0 {
			n = 2 // twins
		}
		h.other, h.added = len(s.state), n
		for k := 0; k < n; k++ {
			child := newMember(d, pnr.Male, m.status)
			if s.r.IntN(1000) < 487 {
				child.gender = pnr.Female
			}
			child.mother, child.father = c.who, father
			s.add(g, c.day, child, members)
		}
	case evMarriage:
		p := m.partner
		m.married, s.state[p].married = true, true
		h.other = p
	case evDivorce:
		p := m.partner
		m.partner, s.state[p].partner = -1, -1
		m.married, s.state[p].married = false, false
		m.ex, s.state[p].ex = p, c.who
		s.state[p].elsewhere, s.state[p].household = true, 0 // the partner moves out
		h.other = p
	case evEmigration:
		m.status, m.event = StatusEmigrated, d
		if p := m.partner; p >= 0 && s.resident(p) && sameHousehold(m, &s.state[p]) {
			s.state[p].status, s.state[p].event = StatusEmigrated, d
			h.along = append(h.along, p)
		}
		for k := range s.state {
			ch := &s.state[k]
			if (ch.mother == c.who || ch.father == c.who) && s.resident(k) && sameHousehold(ch, m) && s.age(k, c.day) < 18 {
				ch.status, ch.event = StatusEmigrated, d
				h.along = append(h.along, k)
			}
		}
	case evReturn, evFound:
		m.status, m.event = StatusActive, civil.Date{}
		m.elsewhere, m.household = true, 0 // back at an address of their own
	case evImmigration:
		age := 18 + s.r.IntN(12) + s.r.IntN(12) + s.r.IntN(16)
		birth := civil.FromDayNumber(yearsBefore(d, age+1).DayNumber() + 1 + s.r.IntN(365))
		im := newMember(birth, pnr.Male, StatusActive)
		if s.r.IntN(100) < 48 {
			im.gender = pnr.Female
		}
		im.flags |= flagImmigrant
		im.elsewhere, im.household = true, 0
		if s.r.IntN(100) < 20 {
			// Without papers for the birth date: registered on 1 January of the year. On the dates of
			// CPR's no-control-digit list this takes a number without a control digit.
			im.birth = civil.Date{Year: birth.Year, Month: time.January, Day: 1}
			im.flags |= flagUncertainBirth
			im.late = pnr.OnNoControlDigitList(im.birth) && d.After(noControlDigitSince)
		}
		h.other, h.added = len(s.state), 1
		s.add(g, c.day, im, members)
	case evNumberChange:
		nw := *m
		nw.scenario = ""
		if s.r.IntN(2) == 0 {
			nw.gender = other(m.gender)
			nw.flags |= flagGenderChange
		} else {
			nw.birth = civil.FromDayNumber(m.birth.DayNumber() + 1 + s.r.IntN(200))
			if !nw.birth.Before(d) {
				nw.birth = civil.FromDayNumber(m.birth.DayNumber() - 1 - s.r.IntN(200))
			}
			nw.flags |= flagBirthDateFixed
		}
		nw.late = false
		nw.current = -1
		ni := len(s.state)
		h.other, h.added = ni, 1
		for k := range s.state {
			o := &s.state[k]
			if o.partner == c.who {
				o.partner = ni
			}
			if o.ex == c.who {
				o.ex = ni
			}
			if o.mother == c.who {
				o.mother = ni
			}
			if o.father == c.who {
				o.father = ni
			}
			if o.current == c.who {
				o.current = ni
			}
		}
		m.status, m.event, m.current = StatusChangedNumber, d, ni
		m.partner, m.ex = -1, -1
		s.add(g, c.day, nw, members)
	case evDisappearance:
		m.status, m.event = StatusDisappeared, d
	}
	s.out = append(s.out, h)
}

// add appends a new member arriving on day to the state and to the group's members, and starts its
// event streams from that day.
func (s *scheduler) add(g, day int, m member, members *[]member) {
	m.arrives = day
	s.state = append(s.state, m)
	s.lastB = append(s.lastB, -1000)
	*members = append(*members, m)
	s.addCandidates(g, len(s.state)-1, day)
}
