package generator

import (
	"github.com/cprtestdata/cprtestdata/generator/civil"
)

// partnershipsEnd is when same-sex couples could marry instead of registering a partnership.
var partnershipsEnd = civil.Date{Year: 2012, Month: 6, Day: 15}

// pairDates are the dates of one couple's marriage and, for a divorced couple, divorce; both spouses
// read the same dates. sep decides, the same way for both, whether a married couple is separated now.
type pairDates struct {
	married, divorced civil.Date
	sep               uint32
}

// separatedBefore is when a divorced couple separated before the divorce, for a third of them (the
// project's choice: the reference has no figure), both spouses alike; zero when they did not.
func (pd pairDates) separatedBefore() civil.Date {
	span := pd.divorced.DayNumber() - pd.married.DayNumber()
	if pd.sep%3 != 0 || span < 60 {
		return civil.Date{}
	}
	return pd.divorced.AddDays(-30 - int(pd.sep/3)%min(span-30, 540))
}

func (pd pairDates) separated(asOf civil.Date) bool {
	return pd.sep%100 == 0 && pd.married.Before(asOf.AddDays(-60))
}

// separation is when a separated couple separated: between the wedding and asOf.
func (pd pairDates) separation(asOf civil.Date) civil.Date {
	span := asOf.DayNumber() - pd.married.DayNumber()
	return pd.married.AddDays(span/2 + int(pd.sep/100)%max(span/2, 1))
}

func pairKey(a, b int) [2]int {
	if a > b {
		a, b = b, a
	}
	return [2]int{a, b}
}

// coupleCache holds the dates chosen for a group's couples; groups are small, so a slice is searched.
type coupleCache []coupleEntry

type coupleEntry struct {
	key [2]int
	pd  pairDates
}

func (c coupleCache) get(key [2]int) (pairDates, bool) {
	for _, e := range c {
		if e.key == key {
			return e.pd, true
		}
	}
	return pairDates{}, false
}

// coupleDates returns the dates of the couple (i, j), choosing them on first use: the marriage after both
// are 18 (and after any earlier divorce of either), before both their last days; the divorce, for a
// divorced couple, a while after the marriage.
func (d *detailer) coupleDates(members []member, i, j int, cache *coupleCache, divorced bool) pairDates {
	key := pairKey(i, j)
	if pd, ok := cache.get(key); ok {
		return pd
	}
	b := &d.b
	mi, mj := &members[i], &members[j]
	lo := maxDate(yearsBefore(mi.birth, -18), yearsBefore(mj.birth, -18))
	hi := minDate(lastDay(mi, b.asOf), lastDay(mj, b.asOf)).AddDays(-1)
	if !divorced {
		// A current marriage comes after the divorce of either spouse.
		for _, k := range []int{i, j} {
			if ex := members[k].ex; ex >= 0 {
				lo = maxDate(lo, d.coupleDates(members, k, ex, cache, true).divorced.AddDays(1))
			}
		}
	} else {
		// A divorce comes before either's current marriage: leave room for it.
		hi = minDate(hi, b.asOf.AddDays(-400))
	}
	if hi.Before(lo) {
		hi = lo
	}
	var pd pairDates
	if divorced {
		pd.married = b.between(lo, maxDate(lo, hi.AddDays(-365)))
		pd.divorced = b.between(pd.married.AddDays(180), maxDate(pd.married.AddDays(180), hi))
	} else {
		pd.married = b.between(maxDate(lo, hi.AddDays(-40*365)), hi)
		pd.sep = b.r.Uint32()
	}
	*cache = append(*cache, coupleEntry{key, pd})
	return pd
}

// civil sets member i's civil status and its history.
func (d *detailer) civil(members []member, persons []Person, i int, cache *coupleCache) {
	m, p := &members[i], &persons[i]
	p.Civil = CivilStatus{Code: 'U', Start: m.birth}
	if m.current >= 0 {
		// An old number: the civil status it had when it was replaced is not modelled; it was unmarried.
		return
	}
	var hist []CivilStatus
	if m.ex >= 0 {
		pd := d.coupleDates(members, i, m.ex, cache, true)
		married, dissolved := Code('G'), Code('F')
		if members[i].gender == members[m.ex].gender {
			married, dissolved = 'P', 'O'
		}
		ex := persons[m.ex].Number
		hist = append(hist, CivilStatus{Code: married, Spouse: ex, Start: pd.married, End: pd.divorced})
		p.Civil = CivilStatus{Code: dissolved, Spouse: ex, Start: pd.divorced}
		if sep := pd.separatedBefore(); !sep.IsZero() {
			p.SeparationHistory = []HistoricSeparation{{Marriage: pd.married, Start: sep, End: pd.divorced}}
		}
	}
	if m.partner >= 0 && m.married {
		pd := d.coupleDates(members, i, m.partner, cache, false)
		code := Code('G')
		if members[i].gender == members[m.partner].gender && pd.married.Before(partnershipsEnd) {
			code = 'P'
		}
		spouse := persons[m.partner].Number
		if m.ex >= 0 {
			prev := p.Civil
			prev.End = pd.married
			hist = append(hist, prev)
		}
		p.Civil = CivilStatus{Code: code, Spouse: spouse, Start: pd.married}
		pm := &members[m.partner]
		// About one living married couple in a hundred is separated; both spouses record it.
		if m.status.Active() && pm.status.Active() && code == 'G' && pd.separated(d.b.asOf) {
			p.Separation = &Separation{Start: pd.separation(d.b.asOf)}
		}
		switch {
		case m.status == StatusDead && pm.status == StatusDead && pm.event.Before(m.event):
			// Widowed first, then died.
			widow := Code('E')
			if code == 'P' {
				widow = 'L'
			}
			hist = append(hist, CivilStatus{Code: code, Spouse: spouse, Start: pd.married, End: pm.event},
				CivilStatus{Code: widow, Spouse: spouse, Start: pm.event, End: m.event})
			p.Civil = CivilStatus{Code: 'D', Spouse: spouse, Start: m.event}
		case m.status == StatusDead:
			hist = append(hist, CivilStatus{Code: code, Spouse: spouse, Start: pd.married, End: m.event})
			p.Civil = CivilStatus{Code: 'D', Spouse: spouse, Start: m.event}
		case pm.status == StatusDead:
			widow := Code('E')
			if code == 'P' {
				widow = 'L'
			}
			hist = append(hist, CivilStatus{Code: code, Spouse: spouse, Start: pd.married, End: pm.event})
			p.Civil = CivilStatus{Code: widow, Spouse: spouse, Start: pm.event}
		}
		// A wife who took her husband's name had another before the wedding.
		if pm.gender != m.gender && m.gender == 'K' && p.Name.Last == persons[m.partner].Name.Last && m.mother < 0 &&
			d.b.r.IntN(2) == 0 {
			maiden := p.Name
			maiden.Last = d.surname()
			maiden.Addressing = AddressingName(maiden.First, maiden.Middle, maiden.Last)
			p.NameHistory = append(p.NameHistory, HistoricName{Name: maiden, End: pd.married})
			p.Name.Start = pd.married
		}
	} else if m.status == StatusDead {
		p.Civil = CivilStatus{Code: 'D', Start: m.event}
	}
	p.CivilHistory = hist
}

// custody records who holds custody of each minor, and guardianship.
func (d *detailer) custody(members []member, persons []Person) {
	b := &d.b
	custodian, guardian := -1, -1
	for i := range members {
		if members[i].flags&flagCustodian != 0 {
			custodian = i
		}
		if members[i].scenario == "guardianship" && members[i].flags&flagGuardianship == 0 {
			guardian = i
		}
	}
	for i := range members {
		m, p := &members[i], &persons[i]
		if m.flags&flagGuardianship != 0 && guardian >= 0 {
			adult := yearsBefore(m.birth, -18)
			p.Guardianship = &Guardianship{Start: b.between(maxDate(adult, yearsBefore(b.asOf, 15)), b.asOf), Guardian: persons[guardian].Number}
		}
		if !m.status.Active() || ageAt(m.birth, b.asOf) >= 18 {
			continue
		}
		if m.flags&flagCustodyOther != 0 && custodian >= 0 {
			p.Custody = []Custody{{Type: CustodyOther1, Start: b.between(m.birth, b.asOf), Holder: persons[custodian].Number}}
			continue
		}
		for _, par := range [2]int{m.mother, m.father} {
			if par < 0 || !members[par].status.Active() {
				continue
			}
			if members[par].elsewhere && b.r.IntN(100) < 20 {
				continue // the parent living elsewhere does not share custody
			}
			t := CustodyMother
			if members[par].gender == 'M' {
				t = CustodyFather
			}
			p.Custody = append(p.Custody, Custody{Type: Code4(t), Start: m.birth, Holder: persons[par].Number})
		}
	}
}
