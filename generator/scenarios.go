package generator

import (
	"fmt"
	"time"

	"github.com/cprtestdata/cprtestdata/generator/civil"
	"github.com/cprtestdata/cprtestdata/generator/pnr"
)

// scenario is a named edge case that every population carries a quota of. An instance is one family group
// of exactly persons members; build tags the members that carry the scenario.
type scenario struct {
	name        string
	description string
	quota       int // default instances
	persons     int // members per instance
	// capacity bounds the instances where the scenario's birth dates limit them (0: no bound).
	capacity  int
	available func(asOf civil.Date) error // nil: always
	build     func(b *builder)
}

// ScenarioInfo describes a scenario for listing.
type ScenarioInfo struct {
	Name        string `json:"name"`
	Description string `json:"description"`
	Quota       int    `json:"default_quota"`
	Persons     int    `json:"persons_per_instance"`
}

// Scenarios lists the catalogue of edge cases, in a fixed order.
func Scenarios() []ScenarioInfo {
	out := make([]ScenarioInfo, len(catalogue))
	for i, s := range catalogue {
		out[i] = ScenarioInfo{Name: s.name, Description: s.description, Quota: s.quota, Persons: s.persons}
	}
	return out
}

func scenarioByName(name string) *scenario {
	for _, s := range catalogue {
		if s.name == name {
			return s
		}
	}
	return nil
}

func date(y int, m time.Month, d int) civil.Date { return civil.Date{Year: y, Month: m, Day: d} }

func notBefore(d civil.Date) func(civil.Date) error {
	return func(asOf civil.Date) error {
		if asOf.Before(d) {
			return fmt.Errorf("needs an as-of date on or after %s", d)
		}
		return nil
	}
}

// tag marks member i as carrying scenario name.
func (b *builder) tag(i int, name string) int {
	b.members[i].scenario = name
	return i
}

// activeOrDead adds a person born on birth: alive if at most 100 years old on asOf, else dead.
func (b *builder) activeOrDead(birth civil.Date, g pnr.Gender) int {
	m := newMember(birth, g, StatusActive)
	if ageAt(birth, b.asOf) > 100 {
		m.status = StatusDead
		m.event = b.deathDate(birth)
	}
	return b.add(m)
}

// neighbours builds a century-neighbour pair: born on last and on last's next day.
func neighbours(name string, last civil.Date) func(b *builder) {
	return func(b *builder) {
		b.tag(b.activeOrDead(last, b.gender(50)), name)
		b.tag(b.activeOrDead(last.AddDays(1), b.gender(50)), name)
	}
}

var catalogue = []*scenario{
	{
		name: "no-control-digit", quota: 3, persons: 1,
		description: "an immigrant registered after October 2007 with a 1 January birth date on CPR's list, holding a number without a modulus-11 control digit",
		capacity:    26 * 2 * 2000, available: notBefore(noControlDigitSince),
		build: func(b *builder) {
			var years []int
			for _, d := range pnr.NoControlDigitDates() {
				if d.Year <= b.asOf.Year-1 {
					years = append(years, d.Year)
				}
			}
			birth := date(years[b.r.IntN(len(years))], time.January, 1)
			i := b.single(StatusActive, 18, 60)
			m := &b.members[i]
			m.birth, m.late, m.flags = birth, true, flagImmigrant
			b.tag(i, "no-control-digit")
		},
	},
	{
		name: "born-1800s", quota: 3, persons: 1,
		description: "born 1858-1899 (7th digit 5-8), dead in CPR's time; the oldest name and citizenship start with month and day unknown (written 00, the name's time 12:99)",
		available:   notBefore(date(1859, 1, 1)),
		build: func(b *builder) {
			birth := b.between(firstBirth, minDate(date(1899, 12, 31), yearsBefore(b.asOf, 1)))
			i := b.add(newMember(birth, b.gender(90), StatusDead))
			b.members[i].event = b.deathDate(birth)
			b.tag(i, "born-1800s")
		},
	},
	{name: "century-1899-1900", quota: 2, persons: 2, available: notBefore(date(1900, 1, 2)),
		description: "two persons born 31 December 1899 and 1 January 1900, either side of the first century boundary",
		build:       neighbours("century-1899-1900", date(1899, 12, 31))},
	{name: "century-1936-1937", quota: 2, persons: 2, available: notBefore(date(1937, 1, 2)),
		description: "born 31 December 1936 and 1 January 1937, where 7th digits 4 and 9 change century",
		build:       neighbours("century-1936-1937", date(1936, 12, 31))},
	{name: "century-1957-1958", quota: 2, persons: 2, available: notBefore(date(1958, 1, 2)),
		description: "born 31 December 1957 and 1 January 1958, where 7th digits 5-8 change from 2000s to 1800s",
		build:       neighbours("century-1957-1958", date(1957, 12, 31))},
	{name: "century-1999-2000", quota: 2, persons: 2, available: notBefore(date(2000, 1, 2)),
		description: "born 31 December 1999 and 1 January 2000",
		build:       neighbours("century-1999-2000", date(1999, 12, 31))},
	{name: "century-2036-2037", quota: 2, persons: 2, available: notBefore(date(2037, 1, 2)),
		description: "born 31 December 2036 and 1 January 2037 (only when the as-of date allows)",
		build:       neighbours("century-2036-2037", date(2036, 12, 31))},
	{
		name: "same-ddmmyy-two-centuries", quota: 2, persons: 2, available: notBefore(date(1959, 1, 2)),
		description: "two persons whose numbers start with the same DDMMYY, born 100 years apart",
		build: func(b *builder) {
			late := b.between(date(max(1958, b.asOf.Year-60), 1, 1), yearsBefore(b.asOf, 1))
			early := yearsBefore(late, 100)
			if early.Before(firstBirth) || early.Day != late.Day {
				late, early = date(1960, 3, 3), date(1860, 3, 3)
			}
			b.tag(b.activeOrDead(early, b.gender(80)), "same-ddmmyy-two-centuries")
			b.tag(b.activeOrDead(late, b.gender(30)), "same-ddmmyy-two-centuries")
		},
	},
	{
		name: "born-29-february", quota: 3, persons: 1, available: notBefore(date(1860, 3, 1)),
		description: "born 29 February: 2000 first (2902004xxx; 290200-0xxx..3xxx would be 1900, which has no 29 February), then other leap years",
		build: func(b *builder) {
			y := 2000
			if b.asOf.Before(date(2000, 3, 1)) || b.r.IntN(2) == 0 {
				var leap []int
				for yy := 1860; yy < b.asOf.Year; yy += 4 {
					if civil.IsLeapYear(yy) && date(yy, 2, 29).Before(b.asOf) {
						leap = append(leap, yy)
					}
				}
				y = leap[b.r.IntN(len(leap))]
			}
			b.tag(b.activeOrDead(date(y, 2, 29), b.gender(40)), "born-29-february")
		},
	},
	{
		name: "changed-number-gender", quota: 2, persons: 2, available: notBefore(date(1990, 1, 1)),
		description: "a legal change of gender: the old number (status 60, other parity) points to the new one, which lists the old in record 022",
		build: func(b *builder) {
			cur := b.single(StatusActive, 20, 60)
			c := b.members[cur]
			b.tag(cur, "changed-number-gender")
			b.tag(b.replaced(cur, c.birth, other(c.gender), StatusChangedNumber, flagGenderChange), "changed-number-gender")
		},
	},
	{
		name: "changed-number-birthdate", quota: 2, persons: 2, available: notBefore(date(1990, 1, 1)),
		description: "a corrected birth date: the old number (status 60) has the wrong date and points to the new one",
		build: func(b *builder) {
			cur := b.single(StatusActive, 20, 70)
			c := b.members[cur]
			wrong := c.birth.AddDays(1 + b.r.IntN(400))
			if !wrong.Before(b.asOf) {
				wrong = c.birth.AddDays(-1 - b.r.IntN(400))
			}
			b.tag(cur, "changed-number-birthdate")
			b.tag(b.replaced(cur, wrong, c.gender, StatusChangedNumber, flagBirthDateFixed), "changed-number-birthdate")
		},
	},
	{
		name: "deleted-duplicate", quota: 2, persons: 2,
		description: "a person given two numbers by mistake: the duplicate has status 50 and points to the number kept",
		build: func(b *builder) {
			cur := b.single(StatusActive, 18, 80)
			c := b.members[cur]
			b.tag(cur, "deleted-duplicate")
			b.tag(b.replaced(cur, c.birth, c.gender, StatusDeletedDuplicate, 0), "deleted-duplicate")
		},
	},
	{name: "annulled", quota: 2, persons: 1, description: "an annulled number (status 30): record 003 carries only the addressing name",
		build: func(b *builder) { b.tag(b.single(StatusAnnulled, 18, 70), "annulled") }},
	{name: "administrative", quota: 2, persons: 1, description: "an administrative number issued for tax reasons (status 20), no address",
		build: func(b *builder) {
			i := b.tag(b.single(StatusAdministrative, 20, 60), "administrative")
			b.members[i].flags |= flagImmigrant
		}},
	{name: "greenland", quota: 2, persons: 1, description: "living in Greenland (status 05)",
		build: func(b *builder) { b.tag(b.single(StatusGreenland, 18, 80), "greenland") }},
	{name: "greenland-special-road", quota: 1, persons: 1, description: "a special road code in a Greenlandic register (status 07)",
		build: func(b *builder) { b.tag(b.single(StatusGreenlandSpecialRoad, 18, 80), "greenland-special-road") }},
	{name: "special-road-code", quota: 2, persons: 1, description: "a special road code 9900-9999 in a Danish register (status 03), such as no fixed abode",
		build: func(b *builder) { b.tag(b.single(StatusActiveSpecialRoad, 18, 80), "special-road-code") }},
	{name: "address-protection", quota: 3, persons: 1, description: "name and address protection (BESKYTTYPE 0001), which receivers must mask",
		build: func(b *builder) {
			i := b.tag(b.single(StatusActive, 18, 80), "address-protection")
			b.members[i].flags |= flagAddressProtection
		}},
	{name: "other-protections", quota: 2, persons: 1, description: "local directory, marketing and research protection (0002-0004) at once",
		build: func(b *builder) {
			i := b.tag(b.single(StatusActive, 18, 80), "other-protections")
			b.members[i].flags |= flagOtherProtections
		}},
	{name: "credit-warning", quota: 2, persons: 1, description: "a credit warning (kreditadvarsel, record 050 with BESKYTTYPE 0005): in the extract with --records all,050, in Datafordeler's Beskyttelse, and to private customers whose agreement includes it",
		build: func(b *builder) {
			i := b.tag(b.single(StatusActive, 25, 80), "credit-warning")
			b.members[i].flags |= flagCreditWarning
		}},
	{name: "emigrated", quota: 3, persons: 1, description: "emigrated (status 80) with a foreign address",
		build: func(b *builder) { b.tag(b.single(StatusEmigrated, 20, 70), "emigrated") }},
	{name: "emigrated-and-returned", quota: 2, persons: 1, description: "emigrated and returned: active, with the stay abroad in record 024",
		build: func(b *builder) {
			i := b.tag(b.single(StatusActive, 25, 70), "emigrated-and-returned")
			b.members[i].flags |= flagReturnedEmigrant
		}},
	{name: "disappeared", quota: 2, persons: 1, description: "disappeared (status 70)",
		build: func(b *builder) { b.tag(b.single(StatusDisappeared, 18, 70), "disappeared") }},
	{name: "disappeared-and-found", quota: 2, persons: 1, description: "disappeared and found again: active, with record 025",
		build: func(b *builder) {
			i := b.tag(b.single(StatusActive, 25, 70), "disappeared-and-found")
			b.members[i].flags |= flagFoundDisappeared
		}},
	{name: "dead", quota: 3, persons: 1, description: "dead (status 90)",
		build: func(b *builder) {
			i := b.single(StatusDead, 60, 100)
			b.members[i].event = b.deathDate(b.members[i].birth)
			b.tag(i, "dead")
		}},
	{
		name: "widowed", quota: 3, persons: 2,
		description: "a widow or widower (civil status E) whose spouse is a dead person (status 90) in the population",
		build: func(b *builder) {
			w := b.single(StatusActive, 55, 90)
			wm := b.members[w]
			d := b.add(newMember(civil.FromDayNumber(wm.birth.DayNumber()+int(b.r.NormFloat64()*900)), other(wm.gender), StatusDead))
			if !b.members[d].birth.Before(yearsBefore(b.asOf, 20)) {
				b.members[d].birth = yearsBefore(wm.birth, 1)
			}
			b.members[d].event = b.between(yearsBefore(b.asOf, 20), b.asOf.AddDays(-1))
			b.link(w, d, true)
			b.tag(w, "widowed")
			b.tag(d, "widowed")
		},
	},
	{
		name: "divorced-and-remarried", quota: 2, persons: 3,
		description: "a divorce and a remarriage: A and B divorced (F), A remarried to C (G), the old marriage in A's history",
		build: func(b *builder) {
			a := b.single(StatusActive, 35, 70)
			age := ageAt(b.members[a].birth, b.asOf)
			ex := b.add(newMember(b.birthForAge(clamp(age+b.r.IntN(7)-3, 30, b.maxAgeNow())), other(b.members[a].gender), StatusActive))
			b.alone(ex)
			c := b.add(newMember(b.birthForAge(clamp(age+b.r.IntN(9)-4, 25, b.maxAgeNow())), other(b.members[a].gender), StatusActive))
			b.divorce(a, ex)
			b.couple(a, c, true, 0)
			b.tag(a, "divorced-and-remarried")
			b.tag(ex, "divorced-and-remarried")
			b.tag(c, "divorced-and-remarried")
		},
	},
	{
		name: "registered-partnership", quota: 2, persons: 2, available: notBefore(date(1990, 1, 1)),
		description: "a same-sex registered partnership (civil status P), registered before 2012 when same-sex marriage began",
		build: func(b *builder) {
			a := b.single(StatusActive, 40, 80)
			g := b.members[a].gender
			p := b.add(newMember(b.birthForAge(clamp(ageAt(b.members[a].birth, b.asOf)+b.r.IntN(9)-4, 30, b.maxAgeNow())), g, StatusActive))
			b.couple(a, p, true, flagPartnership)
			b.tag(a, "registered-partnership")
			b.tag(p, "registered-partnership")
		},
	},
	{
		name: "twins", quota: 2, persons: 3,
		description: "twins: a mother and two children with the same birth date and consecutive numbers",
		build:       func(b *builder) { multiples(b, 2, "twins") },
	},
	{
		name: "triplets", quota: 1, persons: 4,
		description: "triplets: a mother and three children with the same birth date",
		build:       func(b *builder) { multiples(b, 3, "triplets") },
	},
	{
		name: "centenarian", quota: 2, persons: 1, available: notBefore(date(1958, 1, 2)),
		description: "alive and 100 years old or more",
		build: func(b *builder) {
			i := b.add(newMember(b.birthForAge(clamp(100+b.r.IntN(6), 0, b.maxAgeNow())), b.gender(100), StatusActive))
			b.tag(i, "centenarian")
		},
	},
	{name: "long-name", quota: 3, persons: 1, description: "names at and over the field widths: a 50-character first name field, an addressing name over 34 characters that CPR shortens",
		build: func(b *builder) {
			i := b.tag(b.single(StatusActive, 18, 80), "long-name")
			b.members[i].flags |= flagLongName
		}},
	{name: "special-characters", quota: 3, persons: 1, description: "names with Æ, Ø, Å and accented letters (é, ü, ö), all within ISO-8859-1",
		build: func(b *builder) {
			i := b.tag(b.single(StatusActive, 18, 80), "special-characters")
			b.members[i].flags |= flagSpecialChars
		}},
	{name: "control-digit-zero", quota: 2, persons: 1,
		description: "a number whose modulus-11 control digit is 0 (a woman: 0 is even), which receivers that take 0 for none reject",
		build: func(b *builder) {
			i := b.tag(b.single(StatusActive, 18, 80), "control-digit-zero")
			b.members[i].gender = pnr.Female
			b.members[i].flags |= flagControlDigitZero
		}},
	{name: "adopted-1976-1984", quota: 2, persons: 1, available: notBefore(date(2003, 1, 1)), // adults by then
		description: "a child adopted from abroad in 1976-1984, born abroad, with 10 or 11 as digits 7-8 as all such children got",
		build: func(b *builder) {
			i := b.tag(b.single(StatusActive, 18, 50), "adopted-1976-1984")
			m := &b.members[i]
			m.birth = civil.Date{Year: 1976 + b.r.IntN(9), Month: time.Month(1 + b.r.IntN(12)), Day: 1 + b.r.IntN(28)}
			m.flags |= flagAdopted
		}},
	{name: "name-markers", quota: 2, persons: 1,
		description: "names with CPR's markers: the first name abbreviated (+), the middle name with characters CPR cannot take (*), the last name insufficiently documented (=)",
		build: func(b *builder) {
			i := b.tag(b.single(StatusActive, 25, 70), "name-markers")
			b.members[i].flags |= flagNameMarkers
		}},
	{name: "corrected-history", quota: 2, persons: 1,
		description: "history with CPR's correction markers (ANNKOR): an address and a name as first registered (K) beside their corrections, a move registered in error and undone (A), and the oldest civil status, where there is one, changed for technical reasons (Æ)",
		build: func(b *builder) {
			i := b.tag(b.single(StatusActive, 30, 70), "corrected-history")
			b.members[i].flags |= flagCorrectedHistory
		}},
	{
		name: "guardianship", quota: 2, persons: 2,
		description: "an adult under guardianship (record 017) with a guardian who is in CPR",
		build: func(b *builder) {
			w := b.single(StatusActive, 20, 90)
			g := b.single(StatusActive, 30, 70)
			b.alone(g)
			b.members[w].flags |= flagGuardianship
			b.tag(w, "guardianship")
			b.tag(g, "guardianship")
		},
	},
	{
		name: "custody-non-parent", quota: 2, persons: 2,
		description: "a child in the custody of someone other than a parent (RELTYP 0005), parents unknown",
		build: func(b *builder) {
			c := b.add(newMember(b.birthForAge(b.r.IntN(15)), b.gender(5), StatusActive))
			h := b.single(StatusActive, 45, 75)
			b.members[c].flags |= flagCustodyOther
			b.members[h].flags |= flagCustodian
			b.tag(c, "custody-non-parent")
			b.tag(h, "custody-non-parent")
		},
	},
	{name: "uncertain-birth-date", quota: 2, persons: 1, description: "an immigrant whose birth date CPR marks as uncertain (FOED_DT_UMRK *)",
		build: func(b *builder) {
			i := b.tag(b.single(StatusActive, 20, 70), "uncertain-birth-date")
			b.members[i].flags |= flagUncertainBirth | flagImmigrant
		}},
	{
		name: "unknown-father", quota: 2, persons: 2,
		description: "a single mother and a child whose father is unknown (no father in record 015)",
		build: func(b *builder) {
			m := b.single(StatusActive, 20, 45)
			b.members[m].gender = pnr.Female
			age := ageAt(b.members[m].birth, b.asOf)
			c := b.child(m, -1, b.birthForAge(b.r.IntN(max(1, min(age-18, 18)))))
			b.tag(m, "unknown-father")
			b.tag(c, "unknown-father")
		},
	},
}

// multiples adds a mother with n children born the same day.
func multiples(b *builder, n int, name string) {
	age := b.r.IntN(16)
	mother := b.add(newMember(b.birthForAge(age+22+b.r.IntN(15)), pnr.Female, StatusActive))
	b.tag(mother, name)
	birth := b.birthForAge(age)
	g := b.gender(0) // the same gender, so their numbers follow each other in the date's sequence
	for i := 0; i < n; i++ {
		c := b.child(mother, -1, birth)
		b.members[c].gender = g
		b.tag(c, name)
	}
}
