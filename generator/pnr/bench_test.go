package pnr

import (
	"testing"

	"github.com/cprtestdata/cprtestdata/generator/civil"
)

var sinkNumber Number

func BenchmarkParse(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		n, err := Parse("070761-4285")
		if err != nil {
			b.Fatal(err)
		}
		sinkNumber = n
	}
}

func BenchmarkDescribe(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if d := Describe("0101650001"); !d.Valid {
			b.Fatal(d.Error)
		}
	}
}

// BenchmarkAllocateDate allocates the whole capacity of one date for both genders.
func BenchmarkAllocateDate(b *testing.B) {
	d := civil.Date{Year: 1984, Month: 1, Day: 1}
	b.ReportAllocs()
	for b.Loop() {
		for _, g := range []Gender{Male, Female} {
			s, err := NewSequence(d, g)
			if err != nil {
				b.Fatal(err)
			}
			for n, ok := s.Next(); ok; n, ok = s.Next() {
				sinkNumber = n
			}
		}
	}
}
