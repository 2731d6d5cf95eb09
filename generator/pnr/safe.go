package pnr

import (
	"errors"
	"fmt"

	"github.com/cprtestdata/cprtestdata/generator/civil"
)

// ErrListedDate is returned (wrapped) by NewSafeSequence for a birth date on CPR's no-control-digit list:
// CPR has issued numbers without a control digit on it, so none of its numbers is known to be unissued.
var ErrListedDate = errors.New("birth date is on CPR's no-control-digit list")

// IsSafe reports whether n is a personnummer CPR has not issued according to its published rules and
// list (cpr-numbers.md §2.1, §6.5): a real personnummer, not a substitute, whose digits fail modulus-11,
// on a birth date that is not on the list of dates CPR has opened for numbers without a control digit.
// CPR issues numbers without a control digit only when a date's numbers with one run out, and so far on
// the listed dates only; this is the approach of MedCom's national test numbers. CPR may open more
// dates: the list is the reference's of 2023-05-10.
func IsSafe(n Number) bool {
	return !n.IsZero() && n.scheme == NotSubstitute && n.kind == NoControlDigit && !OnNoControlDigitList(n.BirthDate())
}

// NewSafeSequence returns, for birth date d and gender g, the numbers IsSafe accepts, from the highest
// serial down - the last CPR would ever reach, as MedCom's test numbers use very high serials - keeping
// the century's 7th digits and the gender's parity. A date on the no-control-digit list has none
// (ErrListedDate).
func NewSafeSequence(d civil.Date, g Gender) (*Sequence, error) {
	if OnNoControlDigitList(d) {
		return nil, fmt.Errorf("%s: %w: none of its numbers is known to be unissued", d, ErrListedDate)
	}
	s, err := newSequence(d, g, 0)
	if err != nil {
		return nil, err
	}
	s.phase, s.cursor = phaseSafe, 9999
	return s, nil
}

// phaseSafe is the phase of a safe sequence: serials from 9999 down.
const phaseSafe = 5

// nextSafe returns the next number of a safe sequence.
func (s *Sequence) nextSafe() (Number, bool) {
	for ; s.cursor > 0; s.cursor-- {
		serial := s.cursor
		if !s.fits[serial/1000] || !s.parityFits(serial%10) {
			continue
		}
		sum := s.base + 4*(serial/1000) + 3*(serial/100%10) + 2*(serial/10%10) + serial%10
		if sum%11 == 0 {
			continue // has a control digit: CPR issues these
		}
		s.cursor--
		return s.emit(serial), true
	}
	return Number{}, false
}
