// Package pnr implements the rules of the Danish personnummer (CPR number): parsing, the century table,
// modulus-11, gender, substitute numbers (erstatningspersonnumre) and allocation in CPR's official order.
//
// A personnummer is DDMMYY-SSSS: birth date without century, then a four-digit serial. The 7th digit
// together with YY decides the century (births 1858–2057 only), the 10th digit's parity the gender
// (odd men, even women). Numbers issued before 1 October 2007 satisfy modulus-11; numbers issued since may
// not, and are fully valid all the same. Serial 0000 is never issued.
//
// The package is pure and deterministic: its output depends on its input only. Parse and the methods of
// Number do not allocate for valid input. The rules and their sources are in the project's reference notes
// (CPR-kontoret, "Personnummeret i CPR-systemet", 2008; cpr.dk, 2023).
package pnr

import (
	"errors"
	"fmt"
	"time"
	"unicode/utf8"

	"github.com/cprtestdata/cprtestdata/generator/civil"
)

// Number is a parsed personnummer or substitute number: the ten characters without the hyphen. The zero
// Number is not a valid number; IsZero reports it. Numbers are comparable and can be map keys.
type Number struct {
	b      [10]byte
	year   int16 // decoded once by Parse; the methods only read them
	month  uint8
	day    uint8
	kind   Kind
	scheme Scheme
}

// Gender is the gender a number encodes, written as CPR writes it: M (mand) or K (kvinde).
type Gender byte

// The two genders of CPR's KOEN field.
const (
	Male   Gender = 'M'
	Female Gender = 'K'
)

// String returns "M" or "K", or "" for the zero Gender.
func (g Gender) String() string {
	switch g {
	case Male:
		return "M"
	case Female:
		return "K"
	}
	return ""
}

// MarshalText implements encoding.TextMarshaler: "M", "K", or empty for the zero Gender.
func (g Gender) MarshalText() ([]byte, error) { return []byte(g.String()), nil }

// ErrGender is returned (wrapped) by ParseGender.
var ErrGender = errors.New("gender must be M (male) or K (female)")

// ParseGender parses "M" or "K" (either case).
func ParseGender(s string) (Gender, error) {
	switch s {
	case "M", "m":
		return Male, nil
	case "K", "k":
		return Female, nil
	}
	return 0, fmt.Errorf("%q: %w", s, ErrGender)
}

// Kind classifies a valid number.
type Kind uint8

// The kinds of valid number.
const (
	// ControlDigit is a personnummer that satisfies modulus-11.
	ControlDigit Kind = iota + 1
	// NoControlDigit is a personnummer that does not satisfy modulus-11, issued since 1 October 2007 when a
	// birth date's numbers with a control digit ran out. It is as valid as any other.
	NoControlDigit
	// Substitute is an erstatningspersonnummer, made outside CPR for a person without a personnummer.
	Substitute
)

// String returns the kind as the command line and JSON write it.
func (k Kind) String() string {
	switch k {
	case ControlDigit:
		return "control-digit"
	case NoControlDigit:
		return "no-control-digit"
	case Substitute:
		return "substitute"
	}
	return ""
}

// MarshalText implements encoding.TextMarshaler with String.
func (k Kind) MarshalText() ([]byte, error) { return []byte(k.String()), nil }

// Scheme names the construction of a substitute number.
type Scheme uint8

// The substitute-number schemes recognised.
const (
	// NotSubstitute is the scheme of a real personnummer.
	NotSubstitute Scheme = iota
	// SchemeCPR is CPR-kontoret's recommendation: the day plus 60 (born the 7th gives 67), the rest as in a
	// personnummer, century rule and gender digit included.
	SchemeCPR
	// SchemeDECPR is the health sector's decentral D-eCPR, DDMMYY C AA G: C is 0 (1900–1999), 5 (before 1900)
	// or 6 (2000 on), AA two letters A–Z, G odd for men and even for women.
	SchemeDECPR
	// SchemeXECPR is the national X-eCPR of Sundhedsdatastyrelsen, DDMMYY C AA G with C 1 (1900–1999) or 7
	// (2000–2099).
	SchemeXECPR
	// SchemeKOT is the number Optagelse.dk (KOT) constructs for an applicant without a personnummer:
	// DDMMYY, the first two letters of the first name and the first of the surname, then 1 for a man or 2
	// for a woman. It carries no century: see KOTCenturyPivot.
	SchemeKOT
)

// KOTCenturyPivot is how a KOT number's two-digit year is read, as the reference is silent on it (KOT
// numbers carry no century digit): years below it are 2000s, the others 1900s. It is the project's
// choice, made for applicants to higher education: born 1930-2029.
const KOTCenturyPivot = 30

// String returns the scheme's name as the command line and JSON write it, or "" for NotSubstitute.
func (s Scheme) String() string {
	switch s {
	case SchemeCPR:
		return "cpr-day-plus-60"
	case SchemeDECPR:
		return "health-d-ecpr"
	case SchemeXECPR:
		return "health-x-ecpr"
	case SchemeKOT:
		return "education-kot"
	}
	return ""
}

// MarshalText implements encoding.TextMarshaler with String.
func (s Scheme) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// FirstBirthYear and LastBirthYear bound the birth years a personnummer can encode.
const (
	FirstBirthYear = 1858
	LastBirthYear  = 2057
)

// weights are the modulus-11 weights of the ten digits.
var weights = [10]int{4, 3, 2, 7, 6, 5, 4, 3, 2, 1}

// Year returns the four-digit birth year that two-digit year yy (0–99) and 7th digit c (0–9) stand for,
// per CPR's century table.
func Year(yy, c int) int {
	switch {
	case c <= 3:
		return 1900 + yy
	case c == 4 || c == 9:
		if yy <= 36 {
			return 2000 + yy
		}
		return 1900 + yy
	default: // 5, 6, 7, 8
		if yy <= 57 {
			return 2000 + yy
		}
		return 1800 + yy
	}
}

// SeventhDigitFits reports whether a number for a person born in year y may have 7th digit c.
func SeventhDigitFits(y, c int) bool {
	return y >= FirstBirthYear && y <= LastBirthYear && Year(y%100, c) == y
}

// IsZero reports whether n is the zero Number.
func (n Number) IsZero() bool { return n.kind == 0 }

// String returns the number as ten characters, DDMMYYSSSS.
func (n Number) String() string {
	if n.IsZero() {
		return ""
	}
	return string(n.b[:])
}

// MarshalText implements encoding.TextMarshaler: the ten characters, or empty for the zero Number.
func (n Number) MarshalText() ([]byte, error) { return []byte(n.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler with Parse; empty text gives the zero Number.
func (n *Number) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*n = Number{}
		return nil
	}
	p, err := ParseBytes(b)
	if err != nil {
		return err
	}
	*n = p
	return nil
}

// Formatted returns the number with CPR's hyphen, DDMMYY-SSSS.
func (n Number) Formatted() string {
	if n.IsZero() {
		return ""
	}
	var b [11]byte
	copy(b[:6], n.b[:6])
	b[6] = '-'
	copy(b[7:], n.b[6:])
	return string(b[:])
}

// AppendTo appends the ten characters of n to b.
func (n Number) AppendTo(b []byte) []byte { return append(b, n.b[:]...) }

func (n Number) two(i int) int { return int(n.b[i]-'0')*10 + int(n.b[i+1]-'0') }

func (n Number) hasLetters() bool { return n.b[7] >= 'A' && n.b[7] <= 'Z' }

// isKOT reports whether n has KOT's letters: three, from position 7.
func (n Number) isKOT() bool { return n.b[6] >= 'A' && n.b[6] <= 'Z' }

// Scheme returns the substitute scheme n follows, or NotSubstitute for a real personnummer.
func (n Number) Scheme() Scheme { return n.scheme }

// Kind classifies n. It is 0 for the zero Number.
func (n Number) Kind() Kind { return n.kind }

// BirthDate returns the birth date n encodes, century resolved.
func (n Number) BirthDate() civil.Date {
	if n.IsZero() {
		return civil.Date{}
	}
	return civil.Date{Year: int(n.year), Month: time.Month(n.month), Day: int(n.day)}
}

// decode fills in the derived fields from the ten characters of n.
func (n *Number) decode() {
	day := n.two(0)
	n.scheme = NotSubstitute
	switch {
	case n.isKOT():
		n.scheme = SchemeKOT
	case n.hasLetters():
		n.scheme = SchemeDECPR
		if c := n.b[6]; c == '1' || c == '7' {
			n.scheme = SchemeXECPR
		}
	case day > 60:
		n.scheme = SchemeCPR
	}
	if day > 60 {
		day -= 60
	}
	n.day = uint8(day)
	n.month = uint8(n.two(2))
	n.year = int16(n.birthYear())
	switch {
	case n.scheme != NotSubstitute:
		n.kind = Substitute
	case Mod11(n.b[:]):
		n.kind = ControlDigit
	default:
		n.kind = NoControlDigit
	}
}

func (n Number) birthYear() int {
	yy := n.two(4)
	if n.isKOT() {
		if yy < KOTCenturyPivot {
			return 2000 + yy
		}
		return 1900 + yy
	}
	c := int(n.b[6] - '0')
	if n.hasLetters() {
		switch c {
		case 5:
			return 1800 + yy
		case 6, 7:
			return 2000 + yy
		default: // 0, 1
			return 1900 + yy
		}
	}
	return Year(yy, c)
}

// Gender returns the gender n encodes in its last digit: odd male, even female. A person's registered
// gender can differ from it: an old number keeps its parity after a legal change of gender.
func (n Number) Gender() Gender {
	if n.IsZero() {
		return 0
	}
	if (n.b[9]-'0')%2 == 1 {
		return Male
	}
	return Female
}

// HasControlDigit reports whether n satisfies modulus-11. It is false for numbers with letters.
func (n Number) HasControlDigit() bool {
	return n.kind == ControlDigit || (n.kind == Substitute && !n.hasLetters() && Mod11(n.b[:]))
}

// OnNoControlDigitList reports whether n is a real personnummer whose birth date is on CPR's published list
// of dates with numbers without a control digit.
func (n Number) OnNoControlDigitList() bool {
	return n.scheme == NotSubstitute && n.month == 1 && n.day == 1 && OnNoControlDigitList(n.BirthDate())
}

// Serial returns the last four digits as a number (0–9999), or -1 when they hold letters.
func (n Number) Serial() int {
	if n.IsZero() || n.hasLetters() {
		return -1
	}
	return n.two(6)*100 + n.two(8)
}

// Mod11 reports whether the ten ASCII digits in d satisfy modulus-11 with weights 4,3,2,7,6,5,4,3,2,1.
// It returns false when d is not ten digits.
func Mod11(d []byte) bool {
	if len(d) != 10 {
		return false
	}
	sum := 0
	for i, c := range d {
		if c < '0' || c > '9' {
			return false
		}
		sum += weights[i] * int(c-'0')
	}
	return sum%11 == 0
}

// Parse parses a personnummer or substitute number written DDMMYYSSSS or DDMMYY-SSSS. It accepts numbers
// with and without a control digit, CPR-style substitute numbers (day 61–91) and health-sector substitute
// numbers with two letters A–Z in positions 8–9. Anything else is a *ParseError that wraps one of the Err
// sentinels and names the position of the problem. Parse does not allocate for valid input.
func Parse(s string) (Number, error) {
	var n Number
	switch {
	case len(s) == 10:
		copy(n.b[:], s)
		if n.decodeDigits() {
			return n, nil
		}
	case len(s) == 11 && s[6] == '-':
		copy(n.b[:6], s[:6])
		copy(n.b[6:], s[7:])
		if n.decodeDigits() {
			return n, nil
		}
	}
	return parseSlow(s)
}

// ParseBytes is Parse for a byte slice. It does not allocate for valid input, which makes it the one to
// use on lines read from a file.
func ParseBytes(b []byte) (Number, error) {
	var n Number
	switch {
	case len(b) == 10:
		copy(n.b[:], b)
		if n.decodeDigits() {
			return n, nil
		}
	case len(b) == 11 && b[6] == '-':
		copy(n.b[:6], b[:6])
		copy(n.b[6:], b[7:])
		if n.decodeDigits() {
			return n, nil
		}
	}
	return parseSlow(string(b))
}

// decodeDigits is the fast path: it decodes ten digits in one pass and reports whether they are a valid
// personnummer or CPR-style substitute number. Anything it rejects goes to parseSlow, which says why.
func (n *Number) decodeDigits() bool {
	b := &n.b
	d0, d1, d2, d3, d4 := b[0]-'0', b[1]-'0', b[2]-'0', b[3]-'0', b[4]-'0'
	d5, d6, d7, d8, d9 := b[5]-'0', b[6]-'0', b[7]-'0', b[8]-'0', b[9]-'0'
	if d0 > 9 || d1 > 9 || d2 > 9 || d3 > 9 || d4 > 9 || d5 > 9 || d6 > 9 || d7 > 9 || d8 > 9 || d9 > 9 {
		return false
	}
	day := int(d0)*10 + int(d1)
	month := int(d2)*10 + int(d3)
	year := Year(int(d4)*10+int(d5), int(d6))
	sum := 4*int(d0) + 3*int(d1) + 2*int(d2) + 7*int(d3) + 6*int(d4) + 5*int(d5) + 4*int(d6) + 3*int(d7) + 2*int(d8) + int(d9)
	n.scheme, n.kind = NotSubstitute, NoControlDigit
	if sum%11 == 0 {
		n.kind = ControlDigit
	}
	if day > 60 {
		day -= 60
		n.scheme, n.kind = SchemeCPR, Substitute
	}
	if day < 1 || month < 1 || month > 12 || day > civil.DaysIn(year, time.Month(month)) || d6|d7|d8|d9 == 0 {
		return false
	}
	n.year, n.month, n.day = int16(year), uint8(month), uint8(day)
	return true
}

func isLetter(c rune) bool { return c >= 'A' && c <= 'Z' }

// parseSlow handles everything the fast path does not: letters, stray characters, wrong lengths, and
// fields out of range. It finds the first character that does not belong, checks the length, then the
// fields in order, and says what is wrong where.
func parseSlow(s string) (Number, error) {
	if s == "" {
		return Number{}, &ParseError{Input: s, Err: ErrEmpty, msg: "empty"}
	}
	hyphen := len(s) == 11 && s[6] == '-'
	pos := 0
	for _, r := range s {
		pos++
		digitIndex := pos - 1
		if hyphen && pos > 7 {
			digitIndex--
		}
		switch {
		case r >= '0' && r <= '9':
		case r == '-' && pos == 7 && len(s) == 10:
			return Number{}, perr(s, pos, pos, ErrCharacter, "'-' must be followed by four digits (DDMMYY-SSSS has 11 characters)")
		case r == '-' && pos == 7: // hyphen, or a wrong length the check below reports
		case isLetter(r) && (digitIndex == 7 || digitIndex == 8):
		case isLetter(r) && digitIndex == 6: // KOT's first letter; check says whether the rest is KOT's
		case r == '-':
			return Number{}, perr(s, pos, pos, ErrCharacter, "'-' is only allowed at position 7 (DDMMYY-SSSS)")
		case r >= 'a' && r <= 'z' && (digitIndex >= 6 && digitIndex <= 8):
			return Number{}, perr(s, pos, pos, ErrCharacter, fmt.Sprintf("%q is lower case; letters in a substitute number are A-Z", r))
		case r > utf8.RuneSelf:
			return Number{}, perr(s, pos, pos, ErrCharacter, fmt.Sprintf("%q (U+%04X) is not an ASCII digit", r, r))
		default:
			return Number{}, perr(s, pos, pos, ErrCharacter, fmt.Sprintf("%q is not a digit", r))
		}
	}
	if len(s) != 10 && !hyphen {
		return Number{}, &ParseError{Input: s, Err: ErrLength,
			msg: fmt.Sprintf("%d characters; want 10 (DDMMYYSSSS) or 11 with '-' at position 7 (DDMMYY-SSSS)", pos)}
	}
	var n Number
	if hyphen {
		copy(n.b[:6], s[:6])
		copy(n.b[6:], s[7:])
	} else {
		copy(n.b[:], s)
	}
	if isLetter(rune(n.b[6])) && (!isLetter(rune(n.b[7])) || !isLetter(rune(n.b[8]))) {
		i := 7
		if isLetter(rune(n.b[7])) {
			i = 8
		}
		p := inputPos(s, i)
		return Number{}, perr(s, p, p, ErrCharacter, fmt.Sprintf("%q is not a letter; a KOT number has letters at positions 7 to 9", n.b[i]))
	}
	if isLetter(rune(n.b[7])) != isLetter(rune(n.b[8])) {
		i := 7
		if isLetter(rune(n.b[7])) {
			i = 8
		}
		p := inputPos(s, i)
		return Number{}, perr(s, p, p, ErrCharacter, fmt.Sprintf("%q is not a letter; a health-sector substitute number has letters at positions 8 and 9", n.b[i]))
	}
	if err := n.check(s); err != nil {
		return Number{}, err
	}
	n.decode()
	return n, nil
}

// inputPos returns the 1-based position in the input s of digit index i (0–9).
func inputPos(s string, i int) int {
	if len(s) == 11 && i >= 6 {
		return i + 2
	}
	return i + 1
}

// check validates the fields of the syntactically well-formed n, written as s.
func (n Number) check(s string) error {
	day, month := n.two(0), n.two(2)
	letters := n.hasLetters()
	switch {
	case day >= 1 && day <= 31:
	case day >= 61 && day <= 91 && !letters:
	default:
		want := "01-31, or 61-91 for a substitute number"
		if letters {
			want = "01-31"
		}
		return perr(s, 1, 2, ErrDay, fmt.Sprintf("day %02d is not %s", day, want))
	}
	if month < 1 || month > 12 {
		return perr(s, 3, 4, ErrMonth, fmt.Sprintf("month %02d is not 01-12", month))
	}
	c := int(n.b[6] - '0')
	if n.isKOT() {
		if c := n.b[9]; c != '1' && c != '2' {
			p := inputPos(s, 9)
			return perr(s, p, p, ErrCharacter, fmt.Sprintf("%q is not 1 (man) or 2 (woman), as a KOT number ends", c))
		}
	} else if letters {
		switch c {
		case 0, 1, 5, 6, 7:
		default:
			p := inputPos(s, 6)
			return perr(s, p, p, ErrCentury, fmt.Sprintf("century digit %d is not 0, 5, 6 (D-eCPR) or 1, 7 (X-eCPR)", c))
		}
		if c := n.b[9]; c < '0' || c > '9' {
			p := inputPos(s, 9)
			return perr(s, p, p, ErrCharacter, fmt.Sprintf("%q is not a digit", c))
		}
	}
	if d := (civil.Date{Year: n.birthYear(), Month: time.Month(month), Day: day % 60}); !d.IsValid() {
		return &ParseError{Input: s, Pos: 1, End: inputPos(s, 6), Err: ErrDate,
			msg: fmt.Sprintf("%d %s %d does not exist%s", d.Day, d.Month, d.Year, centuryNote(n, letters))}
	}
	if !letters && n.b[6] == '0' && n.b[7] == '0' && n.b[8] == '0' && n.b[9] == '0' {
		return perr(s, inputPos(s, 6), inputPos(s, 9), ErrSerial, "serial 0000 is never issued")
	}
	return nil
}

func centuryNote(n Number, letters bool) string {
	if letters || n.two(2) != 2 || n.two(0)%60 != 29 {
		return ""
	}
	return fmt.Sprintf(" (7th digit %c puts year %02d in %d)", n.b[6], n.two(4), n.birthYear())
}

// The errors a ParseError wraps; test for them with errors.Is.
var (
	ErrEmpty     = errors.New("empty")
	ErrLength    = errors.New("wrong length")
	ErrCharacter = errors.New("character not allowed")
	ErrDay       = errors.New("day out of range")
	ErrMonth     = errors.New("month out of range")
	ErrDate      = errors.New("date does not exist")
	ErrCentury   = errors.New("century digit not allowed")
	ErrSerial    = errors.New("serial never issued")
)

// ParseError describes why a text is not a valid number and where. Err is one of the Err sentinels above.
type ParseError struct {
	Input string // the text as given
	Pos   int    // 1-based position of the first character at fault; 0 when the whole text is
	End   int    // 1-based position of the last character at fault
	Err   error
	msg   string
}

func perr(s string, pos, end int, err error, msg string) *ParseError {
	return &ParseError{Input: s, Pos: pos, End: end, Err: err, msg: msg}
}

// Error returns a one-line description such as `"3213651234": position 1-2: day 32 is not 01-31, …`.
func (e *ParseError) Error() string { return fmt.Sprintf("%q: %s", e.Input, e.Located()) }

// Located returns the reason with its position but without the input: `position 1-2: day 32 is …`.
func (e *ParseError) Located() string {
	switch {
	case e.Pos == 0:
		return e.msg
	case e.End > e.Pos:
		return fmt.Sprintf("position %d-%d: %s", e.Pos, e.End, e.msg)
	}
	return fmt.Sprintf("position %d: %s", e.Pos, e.msg)
}

// Reason returns the description without the input and position.
func (e *ParseError) Reason() string { return e.msg }

// Unwrap returns the sentinel.
func (e *ParseError) Unwrap() error { return e.Err }
