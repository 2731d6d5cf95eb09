package pnr_test

import (
	"errors"
	"fmt"
	"time"

	"github.com/cprtestdata/cprtestdata/generator/civil"
	"github.com/cprtestdata/cprtestdata/generator/pnr"
)

func ExampleParse() {
	n, err := pnr.Parse("0101650001")
	if err != nil {
		panic(err)
	}
	fmt.Println(n.Formatted(), n.Kind(), n.BirthDate(), n.Gender(), n.OnNoControlDigitList())

	_, err = pnr.Parse("2902001234")
	fmt.Println(errors.Is(err, pnr.ErrDate), err)
	// Output:
	// 010165-0001 no-control-digit 1965-01-01 M true
	// true "2902001234": position 1-7: 29 February 1900 does not exist (7th digit 1 puts year 00 in 1900)
}

func ExampleDescribe() {
	d := pnr.Describe("670381-1234")
	fmt.Println(d.Valid, d.Kind, d.Scheme, d.BirthDate, d.Gender)
	// Output: true substitute cpr-day-plus-60 1981-03-07 K
}

func ExampleAllocate() {
	born := civil.Date{Year: 1965, Month: time.January, Day: 1}
	first, _ := pnr.Allocate(born, pnr.Male, 0, 3)
	fmt.Println(first)

	c, _ := pnr.CapacityOf(born, pnr.Male)
	afterControl, _ := pnr.Allocate(born, pnr.Male, c.WithControlDigit, 3)
	fmt.Println(c.Total, c.WithControlDigit, afterControl)

	_, err := pnr.Allocate(born, pnr.Male, c.Total, 1)
	fmt.Println(err)
	// Output:
	// [0101650049 0101650057 0101650065]
	// 3000 272 [0101650001 0101650007 0101650013]
	// birth date 1965-01-01, gender M: number 3001 asked for, but the date has only 3000 numbers for that gender
}

func ExampleToSubstitute() {
	n, _ := pnr.Parse("070381-1234")
	s, _ := pnr.ToSubstitute(n)
	fmt.Println(s.Formatted(), s.Scheme(), s.BirthDate())
	// Output: 670381-1234 cpr-day-plus-60 1981-03-07
}
