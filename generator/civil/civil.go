// Package civil provides Date, a calendar date without time of day or time zone.
//
// CPR records dates, not instants: a birth date, a moving-in date, a date of death. Date keeps them as the
// proleptic Gregorian year, month and day they are written with, so nothing shifts across time zones or
// daylight saving, and a Date is a small comparable value that costs no allocation.
package civil

import (
	"errors"
	"fmt"
	"time"
)

// Date is a calendar date. The zero value is not a valid date; IsZero reports it.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// ErrSyntax is returned (wrapped) by Parse for text that is not a YYYY-MM-DD date.
var ErrSyntax = errors.New("not a date in the form YYYY-MM-DD")

// ErrNoSuchDate is returned (wrapped) by Parse for a well-formed date that does not exist, such as 1900-02-29.
var ErrNoSuchDate = errors.New("no such date")

// New returns the date y-m-d and whether it exists in the Gregorian calendar.
func New(y int, m time.Month, d int) (Date, bool) {
	date := Date{Year: y, Month: m, Day: d}
	return date, date.IsValid()
}

// Parse parses a date written as YYYY-MM-DD.
func Parse(s string) (Date, error) {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return Date{}, fmt.Errorf("%q: %w", s, ErrSyntax)
	}
	y, ok1 := digits(s[0:4])
	m, ok2 := digits(s[5:7])
	d, ok3 := digits(s[8:10])
	if !ok1 || !ok2 || !ok3 {
		return Date{}, fmt.Errorf("%q: %w", s, ErrSyntax)
	}
	date, ok := New(y, time.Month(m), d)
	if !ok {
		return Date{}, fmt.Errorf("%q: %w", s, ErrNoSuchDate)
	}
	return date, nil
}

func digits(s string) (int, bool) {
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

// IsLeapYear reports whether y is a leap year in the Gregorian calendar (1900 is not, 2000 is).
func IsLeapYear(y int) bool {
	return y%4 == 0 && (y%100 != 0 || y%400 == 0)
}

// DaysIn returns the number of days in month m of year y, or 0 when m is not a month.
func DaysIn(y int, m time.Month) int {
	if m < time.January || m > time.December {
		return 0
	}
	if m == time.February && IsLeapYear(y) {
		return 29
	}
	return int(daysIn[m])
}

var daysIn = [13]uint8{0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}

// IsValid reports whether d names a day that exists.
func (d Date) IsValid() bool {
	return d.Day >= 1 && d.Day <= DaysIn(d.Year, d.Month)
}

// IsZero reports whether d is the zero Date.
func (d Date) IsZero() bool { return d == Date{} }

// String returns d as YYYY-MM-DD, or "" for the zero Date.
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	var b [10]byte
	return string(d.AppendFormat(b[:0]))
}

// AppendFormat appends d as YYYY-MM-DD to b. It does not allocate when b has room.
func (d Date) AppendFormat(b []byte) []byte {
	y := d.Year
	b = append(b, byte('0'+y/1000%10), byte('0'+y/100%10), byte('0'+y/10%10), byte('0'+y%10), '-',
		byte('0'+int(d.Month)/10), byte('0'+int(d.Month)%10), '-',
		byte('0'+d.Day/10), byte('0'+d.Day%10))
	return b
}

// Compare returns -1, 0 or +1 as d is before, equal to or after e.
func (d Date) Compare(e Date) int {
	switch {
	case d.Year != e.Year:
		return sign(d.Year - e.Year)
	case d.Month != e.Month:
		return sign(int(d.Month) - int(e.Month))
	default:
		return sign(d.Day - e.Day)
	}
}

func sign(n int) int {
	switch {
	case n < 0:
		return -1
	case n > 0:
		return 1
	}
	return 0
}

// Before reports whether d is before e.
func (d Date) Before(e Date) bool { return d.Compare(e) < 0 }

// After reports whether d is after e.
func (d Date) After(e Date) bool { return d.Compare(e) > 0 }

// DayNumber returns the number of days from 1970-01-01 to d (negative before it). Dates that are one day
// apart have day numbers that are one apart, which makes it the form to do arithmetic in.
func (d Date) DayNumber() int {
	// Howard Hinnant's days_from_civil.
	y := d.Year
	m := int(d.Month)
	if m <= 2 {
		y--
	}
	era := y / 400
	if y < 0 && y%400 != 0 {
		era--
	}
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d.Day - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}

// FromDayNumber returns the date n days after 1970-01-01; it is the inverse of DayNumber.
func FromDayNumber(n int) Date {
	// Howard Hinnant's civil_from_days.
	z := n + 719468
	era := z / 146097
	if z < 0 && z%146097 != 0 {
		era--
	}
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	y := yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	day := doy - (153*mp+2)/5 + 1
	m := mp + 3
	if m > 12 {
		m -= 12
	}
	if m <= 2 {
		y++
	}
	return Date{Year: y, Month: time.Month(m), Day: day}
}

// AddDays returns the date n days after d (before it when n is negative).
func (d Date) AddDays(n int) Date { return FromDayNumber(d.DayNumber() + n) }

// Time returns midnight UTC at the start of d.
func (d Date) Time() time.Time { return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC) }

// Of returns the date of t in t's location.
func Of(t time.Time) Date {
	y, m, day := t.Date()
	return Date{Year: y, Month: m, Day: day}
}

// MarshalText implements encoding.TextMarshaler as YYYY-MM-DD.
func (d Date) MarshalText() ([]byte, error) {
	if d.IsZero() {
		return []byte{}, nil
	}
	return d.AppendFormat(make([]byte, 0, 10)), nil
}

// UnmarshalText implements encoding.TextUnmarshaler; empty text gives the zero Date.
func (d *Date) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*d = Date{}
		return nil
	}
	p, err := Parse(string(b))
	if err != nil {
		return err
	}
	*d = p
	return nil
}
