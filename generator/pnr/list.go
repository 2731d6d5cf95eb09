package pnr

import (
	"time"

	"github.com/cprtestdata/cprtestdata/generator/civil"
)

// NoControlDigitListDate is the date of CPR-kontoret's published list of birth dates on which numbers
// without a control digit have been issued (cpr.dk, "Personnumre uden kontrolciffer", updated 2023-05-10).
var NoControlDigitListDate = civil.Date{Year: 2023, Month: time.May, Day: 10}

// noControlDigitYears are the birth years whose 1 January is on that list: 26 dates, all 1 January.
// CPR says the list is not updated regularly and may be incomplete, and it has grown over time (13 dates in
// 2017); code must never treat a number as invalid because its date is missing from it.
var noControlDigitYears = [...]int{
	1960, 1962, 1964, 1965, 1966, 1967, 1969,
	1970, 1974, 1975, 1978,
	1980, 1981, 1982, 1983, 1984, 1985, 1986, 1987, 1988, 1989,
	1990, 1991, 1992, 1994, 1995,
}

// noControlDigitMask has bit y-1960 set for each year in noControlDigitYears, for a lookup without a loop.
var noControlDigitMask = func() uint64 {
	var m uint64
	for _, y := range noControlDigitYears {
		m |= 1 << (y - 1960)
	}
	return m
}()

// NoControlDigitDates returns the birth dates on CPR's list of NoControlDigitListDate, in ascending order.
// The list can grow: it says where numbers without a control digit are known to exist, not where they may.
func NoControlDigitDates() []civil.Date {
	dates := make([]civil.Date, len(noControlDigitYears))
	for i, y := range noControlDigitYears {
		dates[i] = civil.Date{Year: y, Month: time.January, Day: 1}
	}
	return dates
}

// OnNoControlDigitList reports whether d is on CPR's list of NoControlDigitListDate.
func OnNoControlDigitList(d civil.Date) bool {
	return d.Month == time.January && d.Day == 1 && d.Year >= 1960 && d.Year < 1960+64 &&
		noControlDigitMask&(1<<(d.Year-1960)) != 0
}
