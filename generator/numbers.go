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

// next returns the next number for birth date d and gender g.
func (n *numberer) next(d civil.Date, g pnr.Gender, late bool) (pnr.Number, error) {
	key := 2 * (d.DayNumber() - firstDay)
	if g == pnr.Female {
		key++
	}
	if key < 0 || key >= len(n.dates) {
		return pnr.Number{}, fmt.Errorf("birth date %s: %w", d, pnr.ErrBirthDate)
	}
	dn := &n.dates[key]
	if n.safe {
		if !dn.used {
			seq, err := pnr.NewSafeSequence(d, g)
			if err != nil {
				return pnr.Number{}, err
			}
			dn.seq, dn.used = *seq, true
		}
		if num, ok := dn.seq.Next(); ok {
			return num, nil
		}
		return pnr.Number{}, n.full(d, g, dn.seq.Position())
	}
	if !dn.used {
		seq, err := pnr.NewSequence(d, g)
		if err != nil {
			return pnr.Number{}, err
		}
		dn.seq, dn.used = *seq, true
		if pnr.OnNoControlDigitList(d) {
			if dn.cap, err = pnr.CapacityOf(d, g); err != nil {
				return pnr.Number{}, err
			}
		}
	}
	if dn.cap.Total == 0 { // not a listed date: one sequence
		if num, ok := dn.seq.Next(); ok {
			return num, nil
		}
		return pnr.Number{}, n.full(d, g, dn.seq.Position())
	}
	// A listed date: the control-digit numbers for those registered in time, the series for the rest.
	if !late && dn.seq.Position() < dn.cap.WithControlDigit {
		num, _ := dn.seq.Next()
		return num, nil
	}
	if dn.series == nil {
		dn.series, _ = pnr.NewSequence(d, g) // cannot fail: the same date and gender made dn.seq
		for i := 0; i < dn.cap.WithControlDigit; i++ {
			dn.series.Next()
		}
	}
	if num, ok := dn.series.Next(); ok {
		return num, nil
	}
	return pnr.Number{}, n.full(d, g, dn.cap.Total)
}

func (n *numberer) full(d civil.Date, g pnr.Gender, capacity int) error {
	return fmt.Errorf("%w: more persons born on %s of gender %s than the date's %d numbers", ErrConfig, d, g, capacity)
}
