package pnr

import (
	"errors"
	"fmt"

	"github.com/cprtestdata/cprtestdata/generator/civil"
)

// ErrBirthDate is returned (wrapped) for a birth date that does not exist or lies outside 1858–2057.
var ErrBirthDate = errors.New("birth date cannot have a personnummer")

// ErrCapacity is wrapped by *CapacityError.
var ErrCapacity = errors.New("capacity exceeded")

// CapacityError reports a request for more numbers than a birth date has for a gender.
type CapacityError struct {
	Date     civil.Date
	Gender   Gender
	Capacity int // numbers the date has for the gender, in all
	Asked    int // the position in the allocation order that was asked for (1-based)
}

func (e *CapacityError) Error() string {
	return fmt.Sprintf("birth date %s, gender %s: number %d asked for, but the date has only %d numbers for that gender",
		e.Date, e.Gender, e.Asked, e.Capacity)
}

// Unwrap returns ErrCapacity.
func (e *CapacityError) Unwrap() error { return ErrCapacity }

// series are the three serial series per gender that CPR uses once a date's numbers with a control digit
// are gone: each starts at first, continues at second and goes on in steps of 6 up to 9999. Together a
// gender's three series cover each of its serials (odd for men, even for women) exactly once.
var (
	maleSeries   = [3][2]int{{1, 7}, {3, 9}, {5, 11}}
	femaleSeries = [3][2]int{{2, 10}, {4, 8}, {6, 12}}
)

// Sequence yields the numbers of one birth date and gender in CPR's allocation order:
//
//  1. numbers with a control digit: the three-digit serials (positions 7–9) in ascending order, skipping
//     7th digits that do not fit the century, each completed with its modulus-11 control digit, keeping
//     those whose control digit has the gender's parity (a prefix whose control digit would be 10 cannot
//     be used, and 0000 is never issued);
//  2. then numbers without a control digit from the gender's three series, one series to its end before
//     the next, skipping serials that satisfy modulus-11 (already issued in step 1) and serials whose
//     7th digit does not fit the century.
//
// A Sequence never repeats a number and never wraps: Next reports false when the date is exhausted.
type Sequence struct {
	date     civil.Date
	gender   Gender
	prefix   [6]byte
	base     int      // weighted sum of the six date digits
	fits     [10]bool // 7th digits that fit the century
	series   *[3][2]int
	phase    int // 0: control digit; 1–3: series; 4: done
	cursor   int // phase 0: next three-digit serial; phases 1–3: index in the series
	position int // numbers yielded so far
}

// NewSequence returns the allocation order of personnumre for birth date d and gender g.
func NewSequence(d civil.Date, g Gender) (*Sequence, error) {
	return newSequence(d, g, 0)
}

// NewSubstituteSequence returns substitute numbers in CPR's recommended scheme (day + 60) for birth date d
// and gender g, in the same order as NewSequence: first those that satisfy modulus-11, then the series.
func NewSubstituteSequence(d civil.Date, g Gender) (*Sequence, error) {
	return newSequence(d, g, 60)
}

func newSequence(d civil.Date, g Gender, dayOffset int) (*Sequence, error) {
	if err := checkBirthDate(d); err != nil {
		return nil, err
	}
	if g != Male && g != Female {
		return nil, fmt.Errorf("%q: %w", g, ErrGender)
	}
	s := &Sequence{date: d, gender: g, series: &maleSeries}
	if g == Female {
		s.series = &femaleSeries
	}
	day := d.Day + dayOffset
	yy := d.Year % 100
	s.prefix = [6]byte{byte('0' + day/10), byte('0' + day%10), byte('0' + int(d.Month)/10), byte('0' + int(d.Month)%10),
		byte('0' + yy/10), byte('0' + yy%10)}
	for i, c := range s.prefix {
		s.base += weights[i] * int(c-'0')
	}
	for c := range s.fits {
		s.fits[c] = SeventhDigitFits(d.Year, c)
	}
	return s, nil
}

func checkBirthDate(d civil.Date) error {
	if !d.IsValid() {
		return fmt.Errorf("%04d-%02d-%02d: %w: no such date", d.Year, int(d.Month), d.Day, ErrBirthDate)
	}
	if d.Year < FirstBirthYear || d.Year > LastBirthYear {
		return fmt.Errorf("%s: %w: personnumre encode births in %d-%d only", d, ErrBirthDate, FirstBirthYear, LastBirthYear)
	}
	return nil
}

// Position returns how many numbers the sequence has yielded.
func (s *Sequence) Position() int { return s.position }

// Next returns the next number in allocation order, or false when the date has no more for the gender.
func (s *Sequence) Next() (Number, bool) {
	if s.phase == phaseSafe {
		return s.nextSafe()
	}
	if s.phase == 0 {
		for ; s.cursor < 1000; s.cursor++ {
			p := s.cursor
			if !s.fits[p/100] {
				s.cursor = (p/100+1)*100 - 1 // the whole hundred has the same 7th digit
				continue
			}
			r := (s.base + 4*(p/100) + 3*(p/10%10) + 2*(p%10)) % 11
			if r == 1 {
				continue // the control digit would be 10: the prefix cannot be used
			}
			cd := (11 - r) % 11
			if (p == 0 && cd == 0) || !s.parityFits(cd) {
				continue
			}
			s.cursor++
			return s.emit(p*10 + cd), true
		}
		s.phase, s.cursor = 1, 0
	}
	for s.phase <= 3 {
		sr := s.series[s.phase-1]
		for {
			serial := sr[0]
			if s.cursor > 0 {
				serial = sr[1] + 6*(s.cursor-1)
			}
			if serial > 9999 {
				break
			}
			s.cursor++
			if !s.fits[serial/1000] {
				continue
			}
			sum := s.base + 4*(serial/1000) + 3*(serial/100%10) + 2*(serial/10%10) + serial%10
			if sum%11 == 0 {
				continue // has a control digit: issued in the first phase
			}
			return s.emit(serial), true
		}
		s.phase, s.cursor = s.phase+1, 0
	}
	return Number{}, false
}

func (s *Sequence) parityFits(digit int) bool {
	return (digit%2 == 1) == (s.gender == Male)
}

func (s *Sequence) emit(serial int) Number {
	var n Number
	copy(n.b[:6], s.prefix[:])
	n.b[6] = byte('0' + serial/1000)
	n.b[7] = byte('0' + serial/100%10)
	n.b[8] = byte('0' + serial/10%10)
	n.b[9] = byte('0' + serial%10)
	n.decodeDigits()
	s.position++
	return n
}

// Capacity is how many numbers a birth date has for one gender.
type Capacity struct {
	Total            int // all numbers, with and without a control digit
	WithControlDigit int // those that satisfy modulus-11, allocated first
}

// CapacityOf returns the capacity of birth date d for gender g. It counts rather than allocates, so it is an
// independent check of Sequence.
func CapacityOf(d civil.Date, g Gender) (Capacity, error) {
	s, err := NewSequence(d, g)
	if err != nil {
		return Capacity{}, err
	}
	var c Capacity
	for digit, ok := range s.fits {
		if !ok {
			continue
		}
		c.Total += 500 // half of the thousand serials with this 7th digit have the gender's parity
		if digit == 0 && g == Female {
			c.Total-- // 0000 is never issued
		}
		for p := digit * 100; p < digit*100+100; p++ {
			r := (s.base + 4*digit + 3*(p/10%10) + 2*(p%10)) % 11
			cd := (11 - r) % 11
			if r != 1 && s.parityFits(cd) && (p != 0 || cd != 0) {
				c.WithControlDigit++
			}
		}
	}
	return c, nil
}

// Allocate returns count numbers for birth date d and gender g in allocation order, after skipping the
// first skip. Asking past the date's capacity is a *CapacityError; nothing is returned then.
func Allocate(d civil.Date, g Gender, skip, count int) ([]Number, error) {
	s, err := NewSequence(d, g)
	if err != nil {
		return nil, err
	}
	return take(s, skip, count)
}

// AllocateSubstitutes is Allocate for substitute numbers in CPR's recommended scheme (day + 60).
func AllocateSubstitutes(d civil.Date, g Gender, skip, count int) ([]Number, error) {
	s, err := NewSubstituteSequence(d, g)
	if err != nil {
		return nil, err
	}
	return take(s, skip, count)
}

func take(s *Sequence, skip, count int) ([]Number, error) {
	if skip < 0 || count < 0 {
		return nil, fmt.Errorf("skip %d, count %d: must not be negative", skip, count)
	}
	out := make([]Number, 0, min(count, 3000))
	for i := 0; i < skip+count; i++ {
		n, ok := s.Next()
		if !ok {
			return nil, &CapacityError{Date: s.date, Gender: s.gender, Capacity: s.position, Asked: skip + count}
		}
		if i >= skip {
			out = append(out, n)
		}
	}
	return out, nil
}

// New returns the personnummer for birth date d with the four-digit serial (0001–9999). The serial's
// first digit must fit the century of d.
func New(d civil.Date, serial int) (Number, error) {
	if err := checkBirthDate(d); err != nil {
		return Number{}, err
	}
	if serial < 1 || serial > 9999 {
		return Number{}, fmt.Errorf("serial %04d: %w: want 0001-9999", serial, ErrSerial)
	}
	if !SeventhDigitFits(d.Year, serial/1000) {
		return Number{}, fmt.Errorf("serial %04d for %s: %w: 7th digit %d does not fit %d", serial, d, ErrCentury, serial/1000, d.Year)
	}
	s := Sequence{prefix: [6]byte{byte('0' + d.Day/10), byte('0' + d.Day%10), byte('0' + int(d.Month)/10),
		byte('0' + int(d.Month)%10), byte('0' + d.Year%100/10), byte('0' + d.Year%10)}}
	return s.emit(serial), nil
}

// ToSubstitute returns the substitute number in CPR's recommended scheme for personnummer n: the same
// number with 60 added to the day. It is an error for a number that is already a substitute.
func ToSubstitute(n Number) (Number, error) {
	if n.IsZero() || n.Scheme() != NotSubstitute {
		return Number{}, fmt.Errorf("%q is not a personnummer", n.String())
	}
	n.b[0] += 6
	n.decode()
	return n, nil
}
