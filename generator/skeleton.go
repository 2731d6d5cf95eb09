package generator

import (
	"math/rand/v2"
	"time"

	"github.com/cprtestdata/cprtestdata/generator/civil"
	"github.com/cprtestdata/cprtestdata/generator/pnr"
)

// A skeleton is a family group's structure: who is in it, born when, of which gender and status, and how
// they are related. It is everything the numbers depend on, drawn from the group's first random stream,
// so that numbers can be assigned in one cheap sequential pass; details come from a second stream.

// cprStart is when CPR began (2 April 1968): the register holds no one who died before it.
var cprStart = civil.Date{Year: 1968, Month: time.April, Day: 2}

// noControlDigitSince is when numbers without a control digit were first issued.
var noControlDigitSince = civil.Date{Year: 2007, Month: time.October, Day: 1}

// need asks the detail pass for something a scenario needs.
type need uint32

const (
	flagLongName need = 1 << iota
	flagSpecialChars
	flagAddressProtection
	flagOtherProtections
	flagGuardianship
	flagCustodyOther // custody held by someone other than a parent (the group's member custodian)
	flagCustodian    // this member holds custody of the group's minors
	flagUncertainBirth
	flagReturnedEmigrant
	flagFoundDisappeared
	flagPartnership // the couple's link is a registered partnership, not a marriage
	flagDivorced
	flagImmigrant
	flagGenderChange   // a status 60 number replaced because of a change of gender
	flagBirthDateFixed // a status 60 number replaced because of a wrong birth date
	flagNameMarkers    // names carrying CPR's markers + * =
	flagCorrectedHistory
	flagControlDigitZero // a number whose control digit is 0
	flagAdopted          // adopted from abroad 1976-1984: a number with 10 or 11 as digits 7-8
	flagDescendant       // born in Denmark to an immigrant parent
	flagCreditWarning    // a credit warning (record 050)
)

type member struct {
	birth  civil.Date
	gender pnr.Gender
	status Status
	// event is the date of what gave the status: death, emigration, disappearance, annulment, the
	// issue of the replacing number; zero for active persons.
	event civil.Date
	// partner is the current spouse or partner, ex a former spouse; mother and father are parents in the
	// group; current is, for a status 50 or 60 record, the member holding the current number. -1 when none.
	partner, ex, mother, father, current int
	married                              bool // partner link is recorded in CPR (marriage or partnership)
	late                                 bool // registered on a listed 1 January after October 2007: no control digit
	elsewhere                            bool // lives at another address than the group's
	// household is, for a member who lives elsewhere, which of the group's other homes it shares with
	// the members of the same number; 0 is a home of its own.
	household uint8
	flags     need
	scenario  string // the scenario this member was made to carry, if any
	// arrives is the timeline day a member added by the timeline arrives (born, immigrated, renumbered);
	// 0 for the population as of the start.
	arrives int
}

// builder makes one skeleton; it is reused from group to group.
type builder struct {
	r       *rand.Rand
	asOf    civil.Date
	members []member
	homes   uint8 // the group's other homes so far
}

func (b *builder) reset() { b.members, b.homes = b.members[:0], 0 }

// moveOut makes the members live together in another home of the group's.
func (b *builder) moveOut(members ...int) {
	if b.homes < 255 {
		b.homes++
	}
	for _, i := range members {
		b.members[i].elsewhere, b.members[i].household = true, b.homes
	}
}

// alone makes member i live elsewhere in a home of its own.
func (b *builder) alone(i int) { b.members[i].elsewhere, b.members[i].household = true, 0 }

// apart makes member i, aged age, live elsewhere after a separation: with a new partner as often as the
// unmarried of its age live with one (see cohabiting), otherwise alone.
func (b *builder) apart(i, age int) {
	if b.members[i].partner >= 0 || b.r.Float64() >= cohabiting(age) {
		b.alone(i)
		return
	}
	p := b.partnerFor(i, age, 4)
	b.couple(i, p, false, b.members[p].flags&flagPartnership)
	b.moveOut(i, p)
}

// sameHousehold reports whether two members live at the same address.
func sameHousehold(a, b *member) bool {
	if a.elsewhere != b.elsewhere {
		return false
	}
	return !a.elsewhere || a.household != 0 && a.household == b.household
}

func (b *builder) add(m member) int {
	b.members = append(b.members, m)
	return len(b.members) - 1
}

func newMember(birth civil.Date, g pnr.Gender, s Status) member {
	return member{birth: birth, gender: g, status: s, partner: -1, ex: -1, mother: -1, father: -1, current: -1}
}

// ageAt returns the age in whole years on d of a person born on birth.
func ageAt(birth, d civil.Date) int {
	age := d.Year - birth.Year
	if d.Month < birth.Month || (d.Month == birth.Month && d.Day < birth.Day) {
		age--
	}
	return age
}

// yearsBefore returns the date n years before d (28 February for 29 February in a common year).
func yearsBefore(d civil.Date, n int) civil.Date {
	e := civil.Date{Year: d.Year - n, Month: d.Month, Day: d.Day}
	if !e.IsValid() {
		e.Day--
	}
	return e
}

var firstBirth = civil.Date{Year: pnr.FirstBirthYear, Month: time.January, Day: 1}

// birthForAge returns a random birth date of someone aged age on asOf, never before 1858-01-01 nor after
// asOf.
func (b *builder) birthForAge(age int) civil.Date {
	hi := yearsBefore(b.asOf, age).DayNumber()
	lo := yearsBefore(b.asOf, age+1).DayNumber() + 1
	lo = max(lo, firstBirth.DayNumber())
	if hi < lo {
		hi = lo
	}
	return civil.FromDayNumber(lo + b.r.IntN(hi-lo+1))
}

// maxAgeNow is the oldest age a person born in 1858 or later can have on asOf.
func (b *builder) maxAgeNow() int { return min(maxAge, ageAt(firstBirth, b.asOf)) }

func (b *builder) gender(age int) pnr.Gender {
	if b.r.Float64() < womenShare(age) {
		return pnr.Female
	}
	return pnr.Male
}

func other(g pnr.Gender) pnr.Gender {
	if g == pnr.Male {
		return pnr.Female
	}
	return pnr.Male
}

// between returns a random date in [lo, hi], or lo when hi is before it.
func (b *builder) between(lo, hi civil.Date) civil.Date {
	l, h := lo.DayNumber(), hi.DayNumber()
	if h <= l {
		return lo
	}
	return civil.FromDayNumber(l + b.r.IntN(h-l+1))
}

// deathDate returns a date of death for someone born on birth: in CPR's time, before asOf.
func (b *builder) deathDate(birth civil.Date) civil.Date {
	lo := birth.AddDays(1)
	if b.asOf.After(cprStart) && lo.Before(cprStart) {
		lo = cprStart
	}
	// Most die old: aim at 60-95 years, within [lo, asOf].
	aim := birth.AddDays((60 + b.r.IntN(36)) * 365)
	if aim.Before(lo) || aim.After(b.asOf) {
		return b.between(lo, b.asOf)
	}
	return aim
}

// household makes a group of living people around an anchor whose age is drawn from ages: below 18 a
// family with children; otherwise the anchor with a civil status drawn from Denmark's shares for its age
// and sex (married, with the spouse; widowed, with the dead spouse; divorced, with the former spouse
// living elsewhere; never married, alone or with a partner), its grown-up children in homes of their own,
// some with a partner and children, and its parents in theirs.
func (b *builder) household(ages sampler) {
	age := min(ages.draw(b.r), b.maxAgeNow())
	if age < 18 || age < 22 && b.r.IntN(100) < 65 { // two in three of those 18-21 still live with their parents
		b.family(age)
		return
	}
	anchorG := b.gender(age)
	anchor := b.add(newMember(b.birthForAge(age), anchorG, StatusActive))
	b.maybeImmigrant(anchor, age)
	switch b.civilDraw(age, anchorG) {
	case civilMarried:
		p := b.partnerFor(anchor, age, 3.5)
		b.sameOrigin(anchor, p)
		b.couple(anchor, p, true, b.members[p].flags&flagPartnership)
	case civilWidowed:
		dAge := clamp(age+int(b.r.NormFloat64()*4), 18, b.maxAgeNow()+20)
		dm := newMember(b.birthForAge(min(dAge, b.maxAgeNow())), other(anchorG), StatusDead)
		d := b.add(dm)
		married := b.between(yearsBefore(b.asOf, age-20), yearsBefore(b.asOf, max(age-30, 18)))
		b.members[d].event = b.between(maxDate(married, yearsBefore(b.asOf, 30)), b.asOf)
		b.link(anchor, d, true)
	case civilDivorced:
		exAge := clamp(age+int(b.r.NormFloat64()*3), 20, b.maxAgeNow())
		ex := b.add(newMember(b.birthForAge(exAge), other(anchorG), StatusActive))
		b.divorce(anchor, ex)
		if b.r.IntN(100) < 40 { // the former spouse has remarried
			nAge := clamp(exAge+int(b.r.NormFloat64()*4), 20, b.maxAgeNow())
			n := b.add(newMember(b.birthForAge(nAge), anchorG, StatusActive))
			b.moveOut(ex, n)
			b.couple(ex, n, true, 0)
		} else {
			b.apart(ex, exAge)
		}
		if b.r.Float64() < cohabiting(age) {
			b.couple(anchor, b.partnerFor(anchor, age, 4), false, 0)
		}
	default:
		if b.r.Float64() < cohabiting(age) {
			p := b.partnerFor(anchor, age, 3)
			b.sameOrigin(anchor, p)
			b.couple(anchor, p, false, b.members[p].flags&flagPartnership)
		}
	}
	b.grownChildren(anchor, age)
	b.parents(anchor, age)
}

// The civil statuses an anchor is drawn with, in the order of civilShares.
const (
	civilNeverMarried = iota
	civilMarried
	civilWidowed
	civilDivorced
)

// civilDraw draws an adult anchor's civil status. Denmark's shares are of persons: a married anchor
// brings a married spouse, so married anchors are drawn at half their share; a divorced one brings a
// divorced former spouse, who has remarried four times in ten (0.6 divorced and 0.8 married persons more
// per divorced anchor); the never married are drawn at their share less those who live with a partner.
func (b *builder) civilDraw(age int, g pnr.Gender) int {
	sh := civilShares(age, g)
	w := [4]float64{sh[civilNeverMarried] / (1 + cohabiting(age)), max(0, sh[civilMarried]-sh[civilDivorced]/2) / 2,
		sh[civilWidowed], sh[civilDivorced] / 1.6 * divorcedBoost(age)}
	if age < 21 {
		w[civilWidowed], w[civilDivorced] = 0, 0 // no time to have married at 18 and be divorced or widowed by now
	}
	x := b.r.Float64() * (w[0] + w[1] + w[2] + w[3])
	for i, v := range w {
		if x < v {
			return i
		}
		x -= v
	}
	return civilNeverMarried
}

// marriedCouple is the share of couples of an age (of member's sex) that are married: Denmark's married
// against those who live with a partner unmarried.
func marriedCouple(age int, g pnr.Gender) float64 {
	sh := civilShares(age, g)
	m := sh[civilMarried]
	return m / max(m+(sh[civilNeverMarried]+sh[civilDivorced])*cohabiting(age), 1e-9)
}

// divorcedBoost draws divorced anchors of 30-64 more often than their share, for the parents of
// families with children, who are drawn married or living together and so are seldom divorced
// (measured on the model: TestRealism's civil status by age).
func divorcedBoost(age int) float64 {
	switch {
	case age >= 30 && age < 50:
		return 2.5
	case age >= 50 && age < 65:
		return 1.6
	}
	return 1
}

// cohabiting is the share of the unmarried of an age who live with a partner (the project's choice,
// calibrated on the households' size and share of one person, TestRealism: the reference has no figure).
func cohabiting(age int) float64 {
	switch {
	case age < 20:
		return 0.05
	case age < 25:
		return 0.3
	case age < 35:
		return 0.5
	case age < 50:
		return 0.45
	case age < 70:
		return 0.35
	}
	return 0.12
}

// partnerFor adds a partner for member i aged age, of about the same age (sd years apart); one couple
// in fifty is of the same sex.
func (b *builder) partnerFor(i, age int, sd float64) int {
	pAge := age + int(b.r.NormFloat64()*sd)
	if pAge > age && pAge >= 90 {
		pAge = 2*age - pAge // the very old are few: an old person's partner is younger as often as older
	}
	pAge = clamp(pAge, 18, b.maxAgeNow())
	g := other(b.members[i].gender)
	var fl need
	if b.r.IntN(100) < 2 {
		g, fl = b.members[i].gender, flagPartnership
	}
	p := b.add(newMember(b.birthForAge(pAge), g, StatusActive))
	b.members[p].flags |= fl
	return p
}

// grownChildren gives an anchor of 40 or more the children it had, those who are adults now, each in a
// home of its own, some with a partner and children of their own. Of those with children, about one in
// five has none (the project's choice, as is the number: 1-4).
func (b *builder) grownChildren(anchor, age int) {
	if age < 50 || b.r.IntN(100) >= grownChildrenShare {
		return
	}
	n := 1
	switch x := b.r.IntN(100); {
	case x < 55:
		n = 2
	case x < 78:
		n = 3
	case x < 84:
		n = 4
	}
	partner := b.members[anchor].partner
	if partner >= 0 && (b.members[partner].gender == b.members[anchor].gender || !b.members[partner].married ||
		b.members[partner].status != StatusActive) {
		partner = -1 // a cohabiting partner, a dead spouse: not the other parent here
	}
	atBirth := 24 + b.r.IntN(8)
	for k := 0; k < n; k++ {
		cAge := age - atBirth - 2*k - b.r.IntN(2)
		if cAge < 18 {
			break
		}
		c := b.add(newMember(b.birthForAge(cAge), b.gender(cAge), StatusActive))
		b.parentOf(anchor, c)
		if partner >= 0 {
			b.parentOf(partner, c)
		}
		if b.members[anchor].flags&flagImmigrant != 0 {
			b.members[c].flags |= flagDescendant
		}
		if cAge < 21 && b.r.IntN(100) < 60 {
			continue // still living at home
		}
		home := []int{c}
		if st := b.civilDraw(cAge, b.members[c].gender); st == civilMarried || b.r.Float64() < cohabiting(cAge) {
			p := b.partnerFor(c, cAge, 3)
			b.couple(c, p, st == civilMarried, b.members[p].flags&flagPartnership)
			home = append(home, p)
			if cAge >= 24 && b.members[p].gender != b.members[c].gender && b.r.IntN(100) < 70 {
				mother, father := c, p
				if b.members[c].gender == pnr.Male {
					mother, father = p, c
				}
				for g, kids := 0, 1+b.r.IntN(3); g < kids; g++ {
					gAge := cAge - 26 - b.r.IntN(6) + 3*g
					if gAge < 0 || gAge > 17 {
						continue
					}
					home = append(home, b.child(mother, father, b.birthForAge(gAge)))
				}
			}
		}
		b.moveOut(home...)
	}
}

// parentsShare is the percentage of groups whose adult anchor under 40 has its parents in the group;
// the others' parents are persons of other groups, where they have children of their own. More would
// crowd the ages of parents: the group's members are drawn together.
const parentsShare = 70

// grownChildrenShare is the percentage of groups whose anchor of 50 or more has its grown-up children in
// the group.
const grownChildrenShare = 22

// parents gives some anchors of 28-65 their parents (see parentsShare) in a home of their own: those
// who are alive (the chance is the project's rough choice by age), together, apart after a divorce, or
// one widowed with the other dead since the anchor's birth.
func (b *builder) parents(anchor, age int) {
	if age < 28 || age >= 66 || b.members[anchor].flags&flagImmigrant != 0 || b.r.IntN(100) >= parentsShare {
		return
	}
	mAge := age + 24 + b.r.IntN(10)
	fAge := mAge + 2 + b.r.IntN(3)
	alive := func(a int) bool {
		x := max(0, float64(a-55)) / 40
		return a <= b.maxAgeNow() && b.r.Float64() < clampF(1-x*x, 0, 0.97)
	}
	born := b.members[anchor].birth
	parent := func(a int, g pnr.Gender, living bool) int {
		st := StatusActive
		if !living {
			st = StatusDead
		}
		i := b.add(newMember(b.birthForAge(min(a, b.maxAgeNow())), g, st))
		if !living {
			b.members[i].event = b.between(maxDate(born.AddDays(1), yearsBefore(b.asOf, 30)), b.asOf)
		}
		b.parentOf(i, anchor)
		return i
	}
	mAlive, fAlive := alive(mAge), alive(fAge)
	switch {
	case mAlive && fAlive && b.r.IntN(100) < 85:
		mother, father := parent(mAge, pnr.Female, true), parent(fAge, pnr.Male, true)
		b.couple(mother, father, true, 0)
		b.moveOut(mother, father)
	case mAlive && fAlive:
		mother, father := parent(mAge, pnr.Female, true), parent(fAge, pnr.Male, true)
		b.divorce(mother, father)
		b.apart(mother, mAge)
		b.apart(father, fAge)
	case mAlive || fAlive:
		g, a, da := pnr.Female, mAge, fAge
		if fAlive {
			g, a, da = pnr.Male, fAge, mAge
		}
		p := parent(a, g, true)
		if a >= 55 && b.r.IntN(100) < 80 {
			b.link(p, parent(da, other(g), false), true) // widowed; otherwise never married to the other
		}
		b.alone(p)
	}
}

func clampF(v, lo, hi float64) float64 { return max(lo, min(v, hi)) }

// sameOrigin makes the partner p of an immigrant i an immigrant too, three times in four (the project's
// choice: the reference has no figure of mixed couples); the detail pass gives the group one origin.
func (b *builder) sameOrigin(i, p int) {
	if b.members[i].flags&flagImmigrant != 0 && b.r.IntN(100) < 75 {
		b.members[p].flags |= flagImmigrant
	}
}

// immigrantPercent is the percentage of immigrants among adult anchors and mothers of an age: calibrated
// so that the share of residents born abroad is Denmark's (TestRealism); the reference has no figure by
// age, so the shape (most at 25-49) is the project's.
func immigrantPercent(age int) int {
	switch {
	case age < 25:
		return 28
	case age < 50:
		return 37
	case age < 65:
		return 18
	}
	return 8
}

// maybeImmigrant makes member i, aged age, an immigrant now and then (see immigrantPercent). CPR
// registers an immigrant who does not know the birth date on 1 January of the birth year, with the date
// marked uncertain; on the dates of CPR's no-control-digit list, someone registered after October 2007
// gets a number without a control digit, as those dates' other numbers are gone.
func (b *builder) maybeImmigrant(i, age int) {
	if age < 18 || b.r.IntN(100) >= immigrantPercent(age) {
		return
	}
	m := &b.members[i]
	m.flags |= flagImmigrant
	if b.r.IntN(100) >= 15 {
		return
	}
	jan1 := civil.Date{Year: m.birth.Year, Month: time.January, Day: 1}
	if jan1.Before(firstBirth) {
		return
	}
	m.birth = jan1
	m.flags |= flagUncertainBirth
	// Registered after October 2007 when the person arrived as an adult since then.
	m.late = pnr.OnNoControlDigitList(jan1) && b.asOf.After(noControlDigitSince) &&
		yearsBefore(m.birth, -18).Before(b.asOf) && b.r.IntN(100) < 45
}

// family makes a family around a child aged age: mother, usually a father, and brothers and sisters.
func (b *builder) family(age int) {
	motherAtBirth := 18 + b.r.IntN(14) + b.r.IntN(13)
	mAge := min(age+motherAtBirth, b.maxAgeNow())
	mother := b.add(newMember(b.birthForAge(mAge), pnr.Female, StatusActive))
	b.maybeImmigrant(mother, mAge)
	father := -1
	switch x := b.r.IntN(100); {
	case x < 78: // living together
		fAge := clamp(mAge+2+int(b.r.NormFloat64()*3), age+18, b.maxAgeNow())
		father = b.add(newMember(b.birthForAge(fAge), pnr.Male, StatusActive))
		b.sameOrigin(mother, father)
		b.couple(mother, father, b.r.Float64() < marriedCouple(mAge, pnr.Female), 0)
	case x < 92: // separated parents: the father lives elsewhere
		fAge := clamp(mAge+2+int(b.r.NormFloat64()*3), age+18, b.maxAgeNow())
		father = b.add(newMember(b.birthForAge(fAge), pnr.Male, StatusActive))
		b.apart(father, fAge)
		if mAge >= 21 && b.r.IntN(2) == 0 { // divorced, if they had time to marry and divorce
			b.divorce(mother, father)
		}
	default: // the father is unknown
	}
	if b.r.IntN(100) < 25 {
		b.parents(mother, mAge)
	}
	n := 1
	switch x := b.r.IntN(100); {
	case x < 45:
		n = 2
	case x < 62:
		n = 3
	case x < 68:
		n = 4
	}
	first := b.child(mother, father, b.birthForAge(age))
	for i := 1; i < n; i++ {
		if b.r.IntN(60) == 0 { // twins
			b.child(mother, father, b.members[first].birth)
			continue
		}
		sAge := age + b.r.IntN(13) - 6
		if sAge < 0 || sAge > 24 || sAge == age || mAge-sAge < 18 {
			continue
		}
		c := b.child(mother, father, b.birthForAge(sAge))
		if sAge >= 20 {
			b.alone(c)
		}
	}
}

// child adds a child of mother and father (either may be -1) born on birth.
func (b *builder) child(mother, father int, birth civil.Date) int {
	c := b.add(newMember(birth, b.gender(0), StatusActive))
	if mother >= 0 {
		b.parentOf(mother, c)
	}
	if father >= 0 {
		b.parentOf(father, c)
	}
	for _, par := range [2]int{mother, father} {
		if par >= 0 && b.members[par].flags&flagImmigrant != 0 {
			b.members[c].flags |= flagDescendant
		}
	}
	return c
}

func (b *builder) parentOf(p, c int) {
	if b.members[p].gender == pnr.Female {
		b.members[c].mother = p
	} else {
		b.members[c].father = p
	}
}

// couple makes a and p partners; married says whether CPR records it (marriage or partnership).
func (b *builder) couple(a, p int, married bool, fl need) {
	b.link(a, p, married)
	b.members[a].flags |= fl
	b.members[p].flags |= fl
}

func (b *builder) link(a, p int, married bool) {
	b.members[a].partner, b.members[p].partner = p, a
	b.members[a].married, b.members[p].married = married, married
}

func (b *builder) divorce(a, ex int) {
	b.members[a].ex, b.members[ex].ex = ex, a
	b.members[a].flags |= flagDivorced
	b.members[ex].flags |= flagDivorced
}

func clamp(v, lo, hi int) int { return max(lo, min(v, hi)) }

func maxDate(a, b civil.Date) civil.Date {
	if a.After(b) {
		return a
	}
	return b
}

func minDate(a, b civil.Date) civil.Date {
	if a.Before(b) {
		return a
	}
	return b
}

// dead makes a group of people who died in CPR's time: one person, or a couple.
func (b *builder) dead() {
	birth := b.between(maxDate(firstBirth, civil.Date{Year: b.asOf.Year - 120, Month: 1, Day: 1}), yearsBefore(b.asOf, 1))
	// Weigh towards the old: the earlier of two draws.
	if other := b.between(maxDate(firstBirth, civil.Date{Year: b.asOf.Year - 120, Month: 1, Day: 1}), yearsBefore(b.asOf, 1)); other.Before(birth) {
		birth = other
	}
	g := b.gender(80)
	d := b.add(newMember(birth, g, StatusDead))
	b.members[d].event = b.deathDate(birth)
	if ageAt(birth, b.members[d].event) >= 25 && b.r.IntN(100) < 35 {
		pBirth := civil.FromDayNumber(birth.DayNumber() + int(b.r.NormFloat64()*3*365))
		pBirth = maxDate(pBirth, firstBirth)
		death := b.deathDate(pBirth)
		// Only a couple who both lived to marry: past 20, each while the other was alive.
		adults := maxDate(yearsBefore(birth, -20), yearsBefore(pBirth, -20))
		if pBirth.Before(yearsBefore(b.asOf, 1)) && adults.Before(minDate(death, b.members[d].event)) {
			p := b.add(newMember(pBirth, other(g), StatusDead))
			b.members[p].event = death
			b.link(d, p, true)
		}
	}
}

// emigrated makes one to three people who left Denmark.
func (b *builder) emigrated() {
	age := clamp(20+b.r.IntN(45), 0, b.maxAgeNow())
	g := b.gender(age)
	a := b.add(newMember(b.birthForAge(age), g, StatusEmigrated))
	left := b.between(maxDate(yearsBefore(b.asOf, age-18), yearsBefore(b.asOf, 30)), b.asOf)
	b.members[a].event = left
	if b.r.IntN(100) < 35 {
		pAge := clamp(age+int(b.r.NormFloat64()*3), 18, b.maxAgeNow())
		p := b.add(newMember(b.birthForAge(pAge), other(g), StatusEmigrated))
		b.members[p].event = left
		b.couple(a, p, true, 0)
		if age < 45 && b.r.IntN(2) == 0 {
			cAge := b.r.IntN(min(age-18, 16) + 1)
			c := b.child(-1, -1, b.birthForAge(cAge))
			b.parentOf(a, c)
			b.parentOf(p, c)
			b.members[c].status = StatusEmigrated
			b.members[c].event = maxDate(left, b.members[c].birth)
		}
	}
}

// single makes one person of status s aged 18 or more with the status event in the past.
func (b *builder) single(s Status, minAge, maxAge int) int {
	age := clamp(minAge+b.r.IntN(maxAge-minAge+1), 0, b.maxAgeNow())
	m := newMember(b.birthForAge(age), b.gender(age), s)
	if s >= firstInactive {
		m.event = b.between(maxDate(yearsBefore(b.asOf, max(age-18, 0)), yearsBefore(b.asOf, 20)), b.asOf)
	}
	return b.add(m)
}

// replaced adds a member holding the number that member cur held before (status 60 or 50), born on
// birth with gender g as that number says, and links the two.
func (b *builder) replaced(cur int, birth civil.Date, g pnr.Gender, s Status, fl need) int {
	c := &b.members[cur]
	old := newMember(birth, g, s)
	old.current = cur
	old.flags = fl
	old.event = b.between(maxDate(c.birth, birth).AddDays(30), b.asOf)
	return b.add(old)
}
