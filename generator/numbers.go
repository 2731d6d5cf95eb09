package generator

import (
	"fmt"

	"github.com/cprtestdata/cprtestdata/generator/civil"
	"github.com/cprtestdata/cprtestdata/generator/pnr"
)

// numberer hands out personnumre in CPR's allocation order, per birth date and gender, in the order the
// population's members ask for them. On the dates of CPR's no-control-digit list a member registered late
// (after October 2007) takes a number without a control digit, as those dates' numbers with one are all
// issued; everyone else takes the next number of the date, control digit first. With safe numbers it
// hands out only numbers CPR has not issued (pnr.NewSafeSequence), and a listed date is an error: safe
// births are never on one (see safeBirth).
type numberer struct {
	dates []dateNumbers // by day since 1858-01-01, times two, plus one for women; inline, for locality
	safe  bool
}

type dateNumbers struct {
	seq    pnr.Sequence  // numbers in allocation order; the zero Sequence until the date is first used
	series *pnr.Sequence // on listed dates: the numbers without control digit, for late registrations
	cap    pnr.Capacity
	used   bool
	taken  map[pnr.Number]bool // numbers reserved out of order (see reserve), skipped by the order
}

var firstDay = civil.Date{Year: pnr.FirstBirthYear, Month: 1, Day: 1}.DayNumber()

func newNumberer(safe bool) *numberer {
	days := civil.Date{Year: pnr.LastBirthYear, Month: 12, Day: 31}.DayNumber() - firstDay + 1
	return &numberer{dates: make([]dateNumbers, 2*days), safe: safe}
}

// safeBirth is the birth date a member gets with safe numbers: a date on CPR's no-control-digit list (a
// 1 January, mostly immigrants registered with a fictitious date) becomes 2 January, which is on no list.
func safeBirth(d civil.Date) civil.Date {
	if pnr.OnNoControlDigitList(d) {
		return d.AddDays(1)
	}
	return d
}

// reserve takes, for a member whose number must be of a kind want accepts (a control digit 0, an
// adoption-era serial), the first number of the date's allocation order that is and that has not been
// handed out, and keeps the order from handing it out later. With safe numbers it is next.
func (n *numberer) reserve(d civil.Date, g pnr.Gender, want func(pnr.Number) bool) (pnr.Number, error) {
	if n.safe {
		return n.next(d, g, false)
	}
	dn, err := n.date(d, g)
	if err != nil {
		return pnr.Number{}, err
	}
	probe := dn.seq // a copy: the order itself does not move
	for {
		num, ok := probe.Next()
		if !ok {
			return pnr.Number{}, n.full(d, g, probe.Position())
		}
		if want(num) && !dn.taken[num] {
			if dn.taken == nil {
				dn.taken = map[pnr.Number]bool{}
			}
			dn.taken[num] = true
			return num, nil
		}
	}
}

// controlDigitZero accepts a number with a modulus-11 control digit of 0, which receivers that take 0
// for "no control digit" reject.
func controlDigitZero(n pnr.Number) bool {
	return n.Kind() == pnr.ControlDigit && n.String()[9] == '0'
}

// adoptionSerial accepts a number with 10 or 11 as digits 7-8, as children adopted from abroad in
// 1976-1984 all received (cpr-numbers.md §6.1).
func adoptionSerial(n pnr.Number) bool {
	s := n.String()
	return s[6] == '1' && (s[7] == '0' || s[7] == '1')
}

// date returns the numbers of birth date d and gender g, set up on first use.
func (n *numberer) date(d civil.Date, g pnr.Gender) (*dateNumbers, error) {
	key := 2 * (d.DayNumber() - firstDay)
	if g == pnr.Female {
		key++
	}
	if key < 0 || key >= len(n.dates) {
		return nil, fmt.Errorf("birth date %s: %w", d, pnr.ErrBirthDate)
	}
	dn := &n.dates[key]
	if dn.used {
		return dn, nil
	}
	var seq *pnr.Sequence
	var err error
	if n.safe {
		seq, err = pnr.NewSafeSequence(d, g)
	} else {
		seq, err = pnr.NewSequence(d, g)
	}
	if err != nil {
		return nil, err
	}
	dn.seq, dn.used = *seq, true
	if !n.safe && pnr.OnNoControlDigitList(d) {
		if dn.cap, err = pnr.CapacityOf(d, g); err != nil {
			return nil, err
		}
	}
	return dn, nil
}

// nextFree is the next number of seq that was not reserved.
func (dn *dateNumbers) nextFree(seq *pnr.Sequence) (pnr.Number, bool) {
	for {
		num, ok := seq.Next()
		if !ok || !dn.taken[num] {
			return num, ok
		}
	}
}

// next returns the next number for birth date d and gender g.
func (n *numberer) next(d civil.Date, g pnr.Gender, late bool) (pnr.Number, error) {
	dn, err := n.date(d, g)
	if err != nil {
		return pnr.Number{}, err
	}
	if n.safe || dn.cap.Total == 0 { // not a listed date: one sequence
		if num, ok := dn.nextFree(&dn.seq); ok {
			return num, nil
		}
		return pnr.Number{}, n.full(d, g, dn.seq.Position())
	}
	// A listed date: the control-digit numbers for those registered in time, the series for the rest.
	if !late && dn.seq.Position() < dn.cap.WithControlDigit {
		if num, ok := dn.nextFree(&dn.seq); ok && dn.seq.Position() <= dn.cap.WithControlDigit {
			return num, nil
		}
	}
	if dn.series == nil {
		dn.series, _ = pnr.NewSequence(d, g) // cannot fail: the same date and gender made dn.seq
		for i := 0; i < dn.cap.WithControlDigit; i++ {
			dn.series.Next()
		}
	}
	if num, ok := dn.nextFree(dn.series); ok {
		return num, nil
	}
	return pnr.Number{}, n.full(d, g, dn.cap.Total)
}

func (n *numberer) full(d civil.Date, g pnr.Gender, capacity int) error {
	return fmt.Errorf("%w: more persons born on %s of gender %s than the date's %d numbers", ErrConfig, d, g, capacity)
}
