package generator

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"unicode"

	"github.com/cprtestdata/cprtestdata/generator/civil"
	"github.com/cprtestdata/cprtestdata/generator/pnr"
)

// Substitute is a person who cannot get a personnummer and was given a substitute number
// (erstatningspersonnummer) by a hospital, a region or an institution. CPR holds no data on them and
// they never appear in CPR's extracts: they form a dataset of their own, for systems such as hospitals'.
type Substitute struct {
	Index  int        `json:"index"`
	Number pnr.Number `json:"pnr"`
	// Scheme is cpr-day-plus-60, health-d-ecpr, health-x-ecpr, education-kot or region-temporary.
	Scheme    string     `json:"scheme"`
	BirthDate civil.Date `json:"birth_date"`
	Gender    pnr.Gender `json:"gender"`
	FirstName string     `json:"first_names"`
	LastName  string     `json:"last_name"`
	Issued    civil.Date `json:"issued"` // when the number was made
	Reason    string     `json:"reason"`
	// Municipality is the municipality code a region records with a temporary number: 0999.
	Municipality Code4 `json:"municipality_code,omitzero"`
}

// SchemeRegionTemporary is a region's temporary number for an unidentified patient (Region Nordjylland's
// "midlertidigt erstatnings-CPR-nummer", cpr-numbers.md §5.2): the day it is made, DDMMYY, and a serial
// from a sheet of labels, even for women and odd for men, with municipality code 0999. It is all digits
// and cannot be told from a personnummer, so pnr.Parse reads it as one, of the day it was made.
const SchemeRegionTemporary = "region-temporary"

// regionTemporaryMunicipality is the municipality code recorded with a temporary number.
const regionTemporaryMunicipality = 999

var substituteReasons = []string{
	"foreign patient without a personnummer",
	"unidentified patient",
	"newborn not yet registered in CPR",
	"tourist treated in an emergency department",
	"asylum seeker awaiting registration",
}

// Why the schemes other than the hospitals' are used.
const (
	reasonUnidentified = "unidentified patient"
	reasonApplicant    = "applicant to higher education without a personnummer"
)

// GenerateSubstitutes makes cfg's substitute-number dataset and calls emit with each, in order. Like the
// population it depends only on the seed, the as-of date and its size, and every number is unique. The
// mix is the project's (the reference gives no shares): CPR's recommended day + 60 scheme for 55%, the
// national X-eCPR (letters assigned centrally, drawn here) for 20%, the regions' D-eCPR with the
// initials (surname, first name) for 10%, KOT's number from the names for 10% (applicants, aged 16-50),
// and a region's temporary number for an unidentified patient for 5% (not with SafeNumbers: it is all
// digits, as a personnummer). A constructed number already given (same initials, birth date and gender)
// falls back to the day + 60 scheme.
func GenerateSubstitutes(ctx context.Context, cfg Config, emit func(*Substitute) error) error {
	r, err := cfg.resolve()
	if err != nil {
		return err
	}
	w, err := loadWorld()
	if err != nil {
		return err
	}
	d := newDetailer(w, r.AsOf, 0)
	b := &d.b
	seqs := map[[2]int]*pnr.Sequence{}
	seen := map[pnr.Number]bool{}
	for i := 0; i < r.Substitutes; i++ {
		if i%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		d.src.Seed(streamSeeds(r.Seed^0x5b5717b7e5, i, 2))
		d.faker = nil
		age := b.r.IntN(min(90, b.maxAgeNow()) + 1)
		birth := b.birthForAge(age)
		g := b.gender(age)
		s := &Substitute{Index: i, BirthDate: birth, Gender: g, Reason: substituteReasons[b.r.IntN(len(substituteReasons))]}
		s.Issued = b.between(maxDate(birth, yearsBefore(r.AsOf, 15)), r.AsOf)
		pool := foreignMale
		if g == pnr.Female {
			pool = foreignFemale
		}
		s.FirstName, s.LastName = pool[b.r.IntN(len(pool))], d.fake().LastName()
		var n pnr.Number
		switch x := b.r.IntN(100); {
		case x < 55:
		case x < 75:
			n, err = xECPR(b.r, birth, g, seen)
		case x < 85:
			n = dECPR(birth, g, s.FirstName, s.LastName, seen)
		case x < 95:
			if age >= 16 && age <= 50 { // made when they applied, at 16 or later
				n, s.Reason = kotNumber(birth, g, s.FirstName, s.LastName, seen), reasonApplicant
				s.Issued = maxDate(s.Issued, yearsBefore(birth, -16))
			}
		case !r.SafeNumbers:
			n, err = regionTemporary(b.r, s.Issued, g, seen)
			s.Scheme, s.Reason, s.Municipality = SchemeRegionTemporary, reasonUnidentified, regionTemporaryMunicipality
		}
		if err != nil {
			return err
		}
		if n.IsZero() { // the day + 60 scheme, or a constructed number that was taken
			key := [2]int{birth.DayNumber(), int(g)}
			seq := seqs[key]
			if seq == nil {
				if seq, err = pnr.NewSubstituteSequence(birth, g); err != nil {
					return err
				}
				seqs[key] = seq
			}
			var ok bool
			if n, ok = seq.Next(); !ok {
				return fmt.Errorf("%w: more substitute numbers for %s %s than the date has", ErrConfig, birth, g)
			}
			s.Scheme, s.Municipality = "", 0
			if s.Reason == reasonApplicant {
				s.Reason = substituteReasons[0]
			}
		}
		s.Number = n
		if s.Scheme == "" {
			s.Scheme = n.Scheme().String()
		}
		seen[s.Number] = true
		if err := emit(s); err != nil {
			return err
		}
	}
	return nil
}

// xECPR makes a national X-eCPR for birth and g (cpr-numbers.md §5.2): DDMMYY, 1 (born 1900-1999) or 7
// (2000 on), two letters the register assigns (drawn here), and a digit odd for men and even for women,
// not in seen.
func xECPR(r *rand.Rand, birth civil.Date, g pnr.Gender, seen map[pnr.Number]bool) (pnr.Number, error) {
	c := byte('1')
	if birth.Year >= 2000 {
		c = '7'
	}
	for try := 0; try < 1000; try++ {
		digit := 1 + 2*r.IntN(5) // odd for men
		if g == pnr.Female {
			digit = 2 * r.IntN(5)
		}
		text := fmt.Sprintf("%02d%02d%02d%c%c%c%d", birth.Day, int(birth.Month), birth.Year%100, c,
			'A'+r.IntN(26), 'A'+r.IntN(26), digit)
		n, err := pnr.Parse(text)
		if err != nil {
			return pnr.Number{}, fmt.Errorf("substitute number %s: %w", text, err)
		}
		if !seen[n] {
			return n, nil
		}
	}
	return pnr.Number{}, fmt.Errorf("%w: no free X-eCPR for %s", ErrConfig, birth)
}

// dECPR is a region's D-eCPR from the initials (Region Nordjylland, cpr-numbers.md §5.2): DDMMYY, 0 (born
// 1900-1999), 5 (before) or 6 (2000 on), the first letter of the surname, of the first name, and a digit
// odd for men and even for women - the first such number not in seen, or the zero Number.
func dECPR(birth civil.Date, g pnr.Gender, first, last string, seen map[pnr.Number]bool) pnr.Number {
	c := byte('0')
	switch {
	case birth.Year < 1900:
		c = '5'
	case birth.Year >= 2000:
		c = '6'
	}
	l, f := initials(last, 1), initials(first, 1)
	if l == "" || f == "" {
		return pnr.Number{}
	}
	return firstFree(fmt.Sprintf("%02d%02d%02d%c%s%s", birth.Day, int(birth.Month), birth.Year%100, c, l, f), g, seen)
}

// kotNumber is Optagelse.dk's number for an applicant without one (cpr-numbers.md §5.3): DDMMYY, the
// first two letters of the first name and the first of the surname, 1 for a man or 2 for a woman - or
// the zero Number when it is in seen (KOT gives two applicants the same number; the dataset does not).
func kotNumber(birth civil.Date, g pnr.Gender, first, last string, seen map[pnr.Number]bool) pnr.Number {
	f, l := initials(first, 2), initials(last, 1)
	if len(f) < 2 || l == "" {
		return pnr.Number{}
	}
	digit := '1'
	if g == pnr.Female {
		digit = '2'
	}
	n, err := pnr.Parse(fmt.Sprintf("%02d%02d%02d%s%s%c", birth.Day, int(birth.Month), birth.Year%100, f, l, digit))
	if err != nil || seen[n] || n.BirthDate() != birth {
		return pnr.Number{} // taken, or a year KOT's number reads in another century
	}
	return n
}

// firstFree completes the nine characters with the first gender digit that makes a number not in seen.
func firstFree(nine string, g pnr.Gender, seen map[pnr.Number]bool) pnr.Number {
	for digit := 0; digit <= 9; digit++ {
		if (digit%2 == 1) != (g == pnr.Male) {
			continue
		}
		if n, err := pnr.Parse(nine + strconv.Itoa(digit)); err == nil && !seen[n] {
			return n
		}
	}
	return pnr.Number{}
}

// regionTemporary is a region's temporary number for an unidentified patient: the day it is made and a
// label's serial, odd for men and even for women, not in seen.
func regionTemporary(r *rand.Rand, issued civil.Date, g pnr.Gender, seen map[pnr.Number]bool) (pnr.Number, error) {
	for try := 0; try < 1000; try++ {
		serial := 1 + r.IntN(9999)
		if (serial%2 == 1) != (g == pnr.Male) {
			continue
		}
		n, err := pnr.Parse(fmt.Sprintf("%02d%02d%02d%04d", issued.Day, int(issued.Month), issued.Year%100, serial))
		if err == nil && !seen[n] {
			return n, nil
		}
	}
	return pnr.Number{}, fmt.Errorf("%w: no free temporary number for %s", ErrConfig, issued)
}

// initials returns the first n letters of name as a region writes them in a number: A-Z, with Æ and Å
// written A and Ø written O, other accented letters without their accent; other characters skipped.
func initials(name string, n int) string {
	var b strings.Builder
	for _, r := range name {
		if b.Len() == n {
			break
		}
		if c, ok := letterAZ(r); ok {
			b.WriteByte(c)
		}
	}
	return b.String()
}

// letterAZ folds r to an upper-case letter A-Z.
func letterAZ(r rune) (byte, bool) {
	r = unicode.ToUpper(r)
	switch {
	case r >= 'A' && r <= 'Z':
		return byte(r), true
	case strings.ContainsRune("ÆÅÀÁÂÃÄ", r):
		return 'A', true
	case strings.ContainsRune("ØÒÓÔÕÖ", r):
		return 'O', true
	case strings.ContainsRune("ÈÉÊË", r):
		return 'E', true
	case strings.ContainsRune("ÌÍÎÏ", r):
		return 'I', true
	case strings.ContainsRune("ÙÚÛÜ", r):
		return 'U', true
	case r == 'Ç':
		return 'C', true
	case r == 'Ñ':
		return 'N', true
	case r == 'Ý':
		return 'Y', true
	}
	return 0, false
}
