package pnr

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/cprtestdata/cprtestdata/generator/civil"
)

func date(y int, m time.Month, d int) civil.Date { return civil.Date{Year: y, Month: m, Day: d} }

func TestParseValid(t *testing.T) {
	tests := []struct {
		name   string
		in     string
		kind   Kind
		scheme Scheme
		birth  civil.Date
		gender Gender
		onList bool
	}{
		{"official worked example", "070761-4285", ControlDigit, NotSubstitute, date(1961, 7, 7), Male, false},
		{"same without hyphen", "0707614285", ControlDigit, NotSubstitute, date(1961, 7, 7), Male, false},
		{"first number without control digit", "0101650001", NoControlDigit, NotSubstitute, date(1965, 1, 1), Male, true},
		{"29 February 2000", "2902004001", ControlDigit, NotSubstitute, date(2000, 2, 29), Male, false},
		{"control digit 0", "0707610050", ControlDigit, NotSubstitute, date(1961, 7, 7), Female, false},
		{"1800s with 7th digit 5", "0101585000", NoControlDigit, NotSubstitute, date(1858, 1, 1), Female, false},
		{"31 Dec 1899", "3112997001", NoControlDigit, NotSubstitute, date(1899, 12, 31), Male, false},
		{"1 Jan 1900", "0101000007", NoControlDigit, NotSubstitute, date(1900, 1, 1), Male, false},
		{"1936 with 4 is 2036", "0101364001", NoControlDigit, NotSubstitute, date(2036, 1, 1), Male, false},
		{"1937 with 4 is 1937", "0101374001", NoControlDigit, NotSubstitute, date(1937, 1, 1), Male, false},
		{"2057 with 8", "3112578001", NoControlDigit, NotSubstitute, date(2057, 12, 31), Male, false},
		{"1958 with 5 is 1858", "0101585001", NoControlDigit, NotSubstitute, date(1858, 1, 1), Male, false},
		{"29 Feb 1896", "2902965123", NoControlDigit, NotSubstitute, date(1896, 2, 29), Male, false},
		{"CPR substitute 7 March 1981", "670381-1234", Substitute, SchemeCPR, date(1981, 3, 7), Female, false},
		{"CPR substitute day 91", "9112991235", Substitute, SchemeCPR, date(1999, 12, 31), Male, false},
		{"X-eCPR example", "0203291WQ3", Substitute, SchemeXECPR, date(1929, 3, 2), Male, false},
		{"X-eCPR 2000s", "3101057JC9", Substitute, SchemeXECPR, date(2005, 1, 31), Male, false},
		{"D-eCPR with hyphen", "150643-0SJ1", Substitute, SchemeDECPR, date(1943, 6, 15), Male, false},
		{"D-eCPR 2000s", "150605-6SJ2", Substitute, SchemeDECPR, date(2005, 6, 15), Female, false},
		{"D-eCPR 1800s", "1506805AB2", Substitute, SchemeDECPR, date(1880, 6, 15), Female, false},
		{"KOT example shape", "150395JOH1", Substitute, SchemeKOT, date(1995, 3, 15), Male, false},
		{"KOT, a woman of the 2000s", "150305JOH2", Substitute, SchemeKOT, date(2005, 3, 15), Female, false},
		{"KOT, 29 February 2000 (no century: the pivot)", "290200ABC2", Substitute, SchemeKOT, date(2000, 2, 29), Female, false},
		{"KOT, year 30 is 1930", "010130ABC1", Substitute, SchemeKOT, date(1930, 1, 1), Male, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, err := Parse(tt.in)
			if err != nil {
				t.Fatalf("Parse(%q) = %v", tt.in, err)
			}
			if got := n.Kind(); got != tt.kind {
				t.Errorf("Kind = %v, want %v", got, tt.kind)
			}
			if got := n.Scheme(); got != tt.scheme {
				t.Errorf("Scheme = %v, want %v", got, tt.scheme)
			}
			if got := n.BirthDate(); got != tt.birth {
				t.Errorf("BirthDate = %v, want %v", got, tt.birth)
			}
			if got := n.Gender(); got != tt.gender {
				t.Errorf("Gender = %v, want %v", got, tt.gender)
			}
			if got := n.OnNoControlDigitList(); got != tt.onList {
				t.Errorf("OnNoControlDigitList = %v, want %v", got, tt.onList)
			}
			again, err := Parse(n.Formatted())
			if err != nil || again != n {
				t.Errorf("Parse(Formatted()) = %v, %v; want %v", again, err, n)
			}
		})
	}
}

func TestParseInvalid(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want error
		pos  int
	}{
		{"empty", "", ErrEmpty, 0},
		{"too short", "07076142", ErrLength, 0},
		{"too long", "070761428500", ErrLength, 0},
		{"letter", "07076a4285", ErrCharacter, 6},
		{"leading space", " 0707614285", ErrCharacter, 1},
		{"trailing space", "0707614285 ", ErrCharacter, 11},
		{"space for hyphen", "070761 4285", ErrCharacter, 7},
		{"hyphen misplaced", "07076-14285", ErrCharacter, 6},
		{"two hyphens", "070761--4285", ErrCharacter, 8},
		{"hyphen with three digits", "010100-000", ErrCharacter, 7},
		{"hyphen, too short", "010100-00", ErrLength, 0},
		{"arabic-indic digit", "070761٤285", ErrCharacter, 7},
		{"fullwidth digit", "０７０７６１４２８５", ErrCharacter, 1},
		{"lower-case letters", "0203291wq3", ErrCharacter, 8},
		{"one letter only", "0203291W03", ErrCharacter, 9},
		{"letters at the end", "02032912AB", ErrCharacter, 10},
		{"day 00", "0007614285", ErrDay, 1},
		{"day 32", "3207614285", ErrDay, 1},
		{"day 60", "6007614285", ErrDay, 1},
		{"day 92", "9207614285", ErrDay, 1},
		{"substitute day with letters", "670381-1AB3", ErrDay, 1},
		{"month 00", "0700614285", ErrMonth, 3},
		{"month 13", "0713614285", ErrMonth, 3},
		{"30 February", "3002654285", ErrDate, 1},
		{"31 April", "3104654285", ErrDate, 1},
		{"29 February 1900", "2902001234", ErrDate, 1},
		{"29 February 1900, 7th digit 3", "2902003999", ErrDate, 1},
		{"29 February 1965", "2902654285", ErrDate, 1},
		{"substitute of 30 February", "9002654285", ErrDate, 1},
		{"serial 0000 passing mod-11", "0101420000", ErrSerial, 7},
		{"serial 0000", "0101650000", ErrSerial, 7},
		{"health century digit", "0203292WQ3", ErrCentury, 7},
		{"health gender letter", "0203291WQZ", ErrCharacter, 10},
		{"KOT ends 3", "150395JOH3", ErrCharacter, 10},
		{"KOT with two letters and a digit", "150395J0H1", ErrCharacter, 8},
		{"KOT lower case", "150395joh1", ErrCharacter, 7},
		{"KOT of 29 February 2029", "290229ABC1", ErrDate, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, err := Parse(tt.in)
			if err == nil {
				t.Fatalf("Parse(%q) = %v, want error", tt.in, n)
			}
			if !errors.Is(err, tt.want) {
				t.Errorf("Parse(%q) = %v, want %v", tt.in, err, tt.want)
			}
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("error %T is not a *ParseError", err)
			}
			if pe.Pos != tt.pos {
				t.Errorf("Pos = %d, want %d (%v)", pe.Pos, tt.pos, err)
			}
			if pe.Input != tt.in {
				t.Errorf("Input = %q, want %q", pe.Input, tt.in)
			}
		})
	}
}

// TestSerial0000PassesMod11 pins the fact the ErrSerial case above relies on: 0101420000 would pass
// modulus-11, so only the serial rule rejects it.
func TestSerial0000PassesMod11(t *testing.T) {
	if !Mod11([]byte("0101420000")) {
		t.Fatal("0101420000 does not pass modulus-11; pick another date for the test")
	}
}

func TestLeapDayByCentury(t *testing.T) {
	for c := 0; c <= 9; c++ {
		s := "290200" + string(rune('0'+c)) + "001"
		_, err := Parse(s)
		wantValid := c >= 4 // 0-3 put 00 in 1900, 4-9 in 2000
		if (err == nil) != wantValid {
			t.Errorf("Parse(%q) error = %v, want valid %v", s, err, wantValid)
		}
	}
	// Leap days the HL7 DK Core 2.1.0 regex wrongly rejects.
	for _, s := range []string{"2902044000", "2902609001", "2902644321", "2902965123"} {
		if _, err := Parse(s); err != nil {
			t.Errorf("Parse(%q) = %v, want valid", s, err)
		}
	}
}

func TestYearTable(t *testing.T) {
	// The official century table, row by row.
	tests := []struct {
		digits      string
		lo, mid, hi int // the century for YY 00-36, 37-57, 58-99
	}{
		{"0123", 1900, 1900, 1900},
		{"49", 2000, 1900, 1900},
		{"5678", 2000, 2000, 1800},
	}
	for _, tt := range tests {
		for _, c := range tt.digits {
			for yy := 0; yy <= 99; yy++ {
				want := tt.hi
				switch {
				case yy <= 36:
					want = tt.lo
				case yy <= 57:
					want = tt.mid
				}
				if got := Year(yy, int(c-'0')); got != want+yy {
					t.Errorf("Year(%02d, %c) = %d, want %d", yy, c, got, want+yy)
				}
			}
		}
	}
}

func TestGenderParity(t *testing.T) {
	for d := byte('0'); d <= '9'; d++ {
		n, err := Parse("0101651" + "00" + string(d))
		if err != nil {
			t.Fatal(err)
		}
		want := Female
		if (d-'0')%2 == 1 {
			want = Male
		}
		if got := n.Gender(); got != want {
			t.Errorf("last digit %c: Gender = %v, want %v", d, got, want)
		}
	}
}

func TestParseGender(t *testing.T) {
	for _, s := range []string{"M", "m", "K", "k"} {
		if _, err := ParseGender(s); err != nil {
			t.Errorf("ParseGender(%q) = %v", s, err)
		}
	}
	for _, s := range []string{"", "F", "male", "X", "MK"} {
		if _, err := ParseGender(s); !errors.Is(err, ErrGender) {
			t.Errorf("ParseGender(%q) = %v, want ErrGender", s, err)
		}
	}
}

func TestNoControlDigitList(t *testing.T) {
	dates := NoControlDigitDates()
	if len(dates) != 26 {
		t.Fatalf("list has %d dates, want 26 (cpr.dk, 2023-05-10)", len(dates))
	}
	for i, d := range dates {
		if d.Month != time.January || d.Day != 1 {
			t.Errorf("%v is not 1 January", d)
		}
		if i > 0 && !dates[i-1].Before(d) {
			t.Errorf("list not ascending at %v", d)
		}
		if !OnNoControlDigitList(d) {
			t.Errorf("OnNoControlDigitList(%v) = false", d)
		}
	}
	for _, d := range []civil.Date{date(1961, 1, 1), date(1965, 1, 2), date(1996, 1, 1)} {
		if OnNoControlDigitList(d) {
			t.Errorf("OnNoControlDigitList(%v) = true", d)
		}
	}
	dates[0] = date(2000, 1, 1)
	if NoControlDigitDates()[0] != date(1960, 1, 1) {
		t.Error("NoControlDigitDates returns the package's own slice")
	}
	if NoControlDigitListDate != date(2023, 5, 10) {
		t.Errorf("list date %v, want 2023-05-10", NoControlDigitListDate)
	}
}

func TestSubstitute(t *testing.T) {
	n, err := Parse("0703811234")
	if err != nil {
		t.Fatal(err)
	}
	s, err := ToSubstitute(n)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := s.Formatted(), "670381-1234"; got != want {
		t.Errorf("ToSubstitute = %s, want %s", got, want)
	}
	if s.BirthDate() != n.BirthDate() || s.Gender() != n.Gender() || s.Kind() != Substitute {
		t.Errorf("substitute %v decodes to %v %v %v", s, s.BirthDate(), s.Gender(), s.Kind())
	}
	if _, err := ToSubstitute(s); err == nil {
		t.Error("ToSubstitute of a substitute number succeeded")
	}
}

func TestNew(t *testing.T) {
	n, err := New(date(1961, 7, 7), 4285)
	if err != nil || n.String() != "0707614285" {
		t.Errorf("New = %v, %v", n, err)
	}
	for _, tt := range []struct {
		d      civil.Date
		serial int
		want   error
	}{
		{date(1961, 7, 7), 0, ErrSerial},
		{date(1961, 7, 7), 10000, ErrSerial},
		{date(1961, 7, 7), 5000, ErrCentury},
		{date(1857, 12, 31), 5000, ErrBirthDate},
		{date(2058, 1, 1), 5000, ErrBirthDate},
		{date(1900, 2, 29), 1, ErrBirthDate},
	} {
		if _, err := New(tt.d, tt.serial); !errors.Is(err, tt.want) {
			t.Errorf("New(%v, %04d) = %v, want %v", tt.d, tt.serial, err, tt.want)
		}
	}
}

func TestDescribe(t *testing.T) {
	d := Describe("0101650001")
	want := Description{Number: "0101650001", Valid: true, Kind: NoControlDigit, BirthDate: date(1965, 1, 1),
		Century: 1900, Gender: Male, OnNoControlDigitList: true}
	if d != want {
		t.Errorf("Describe = %+v\nwant       %+v", d, want)
	}
	bad := Describe("3213651234")
	if bad.Valid || bad.Kind != 0 || bad.Error == "" || bad.Position != 1 {
		t.Errorf("Describe of an invalid number = %+v", bad)
	}
}

func TestParseDoesNotAllocate(t *testing.T) {
	allocs := testing.AllocsPerRun(100, func() {
		d := Describe("070761-4285")
		if !d.Valid {
			t.Fatal("invalid")
		}
	})
	if allocs != 0 {
		t.Errorf("Describe allocates %v times per call, want 0", allocs)
	}
}

func TestDescriptionJSON(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"0707614285", `{"pnr":"0707614285","valid":true,"kind":"control-digit","birth_date":"1961-07-07","century":1900,"gender":"M","control_digit":true,"on_no_control_digit_list":false}`},
		{"0203291WQ3", `{"pnr":"0203291WQ3","valid":true,"kind":"substitute","scheme":"health-x-ecpr","birth_date":"1929-03-02","century":1900,"gender":"M","control_digit":false,"on_no_control_digit_list":false}`},
		{"3213651234", `{"pnr":"3213651234","valid":false,"kind":"","birth_date":"","gender":"","control_digit":false,"on_no_control_digit_list":false,"error":"day 32 is not 01-31, or 61-91 for a substitute number","position":1,"position_end":2}`},
	} {
		got, err := json.Marshal(Describe(tt.in))
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != tt.want {
			t.Errorf("JSON of %s:\n got %s\nwant %s", tt.in, got, tt.want)
		}
	}
}
