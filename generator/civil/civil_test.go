package civil

import (
	"errors"
	"testing"
	"time"
)

func TestDayNumberRoundTrip(t *testing.T) {
	start := time.Date(1800, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := 0; i < 300*366; i++ {
		tm := start.AddDate(0, 0, i)
		d := Of(tm)
		want := int(tm.Unix() / 86400)
		if got := d.DayNumber(); got != want {
			t.Fatalf("%v.DayNumber() = %d, want %d", d, got, want)
		}
		if got := FromDayNumber(want); got != d {
			t.Fatalf("FromDayNumber(%d) = %v, want %v", want, got, d)
		}
		if !d.IsValid() {
			t.Fatalf("%v not valid", d)
		}
	}
}

func TestParse(t *testing.T) {
	tests := []struct {
		in   string
		want Date
		err  error
	}{
		{"2000-02-29", Date{2000, time.February, 29}, nil},
		{"1900-02-29", Date{}, ErrNoSuchDate},
		{"2023-04-31", Date{}, ErrNoSuchDate},
		{"2023-13-01", Date{}, ErrNoSuchDate},
		{"2023-1-01", Date{}, ErrSyntax},
		{"20230101", Date{}, ErrSyntax},
		{"2023-0a-01", Date{}, ErrSyntax},
		{"", Date{}, ErrSyntax},
	}
	for _, tt := range tests {
		got, err := Parse(tt.in)
		if !errors.Is(err, tt.err) || got != tt.want {
			t.Errorf("Parse(%q) = %v, %v; want %v, %v", tt.in, got, err, tt.want, tt.err)
		}
	}
}

func TestCompareAndFormat(t *testing.T) {
	a, b := Date{1999, 12, 31}, Date{2000, 1, 1}
	if !a.Before(b) || !b.After(a) || a.Compare(a) != 0 || a.AddDays(1) != b {
		t.Errorf("ordering of %v and %v is wrong", a, b)
	}
	if got := (Date{858, 1, 2}).String(); got != "0858-01-02" {
		t.Errorf("String = %q", got)
	}
	if (Date{}).String() != "" {
		t.Error("zero Date does not format as empty")
	}
	var d Date
	if err := d.UnmarshalText([]byte("1961-07-07")); err != nil || d != (Date{1961, 7, 7}) {
		t.Errorf("UnmarshalText = %v, %v", d, err)
	}
}
