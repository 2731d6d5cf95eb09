package generator

import (
	"context"
	"fmt"
	"math/rand/v2"

	"github.com/cprtestdata/cprtestdata/generator/civil"
	"github.com/cprtestdata/cprtestdata/generator/pnr"
)

// Substitute is a person who cannot get a personnummer and was given a substitute number
// (erstatningspersonnummer) by a hospital, a region or an institution. CPR holds no data on them and
// they never appear in CPR's extracts: they form a dataset of their own, for systems such as hospitals'.
type Substitute struct {
	Index     int        `json:"index"`
	Number    pnr.Number `json:"number"`
	Scheme    string     `json:"scheme"` // cpr-day-plus-60, health-d-ecpr or health-x-ecpr
	BirthDate civil.Date `json:"birth_date"`
	Gender    pnr.Gender `json:"gender"`
	FirstName string     `json:"first_name"`
	LastName  string     `json:"last_name"`
	Issued    civil.Date `json:"issued"` // when the number was made
	Reason    string     `json:"reason"`
}

var substituteReasons = []string{
	"foreign patient without a personnummer",
	"unidentified patient",
	"newborn not yet registered in CPR",
	"tourist treated in an emergency department",
	"asylum seeker awaiting registration",
}

// GenerateSubstitutes makes cfg's substitute-number dataset and calls emit with each, in order. Like the
// population it depends only on the seed, the as-of date and its size, and every number is unique. The
// mix follows practice: CPR's recommended day + 60 scheme for most, the health sector's D-eCPR and X-eCPR
// with letters for the rest.
func GenerateSubstitutes(ctx context.Context, cfg Config, emit func(*Substitute) error) error {
	r, err := cfg.resolve()
	if err != nil {
		return err
	}
	w, err := loadWorld()
	if err != nil {
		return err
	}
	d := newDetailer(w, r.AsOf)
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
		switch x := b.r.IntN(100); {
		case x < 60:
			key := [2]int{birth.DayNumber(), int(g)}
			seq := seqs[key]
			if seq == nil {
				if seq, err = pnr.NewSubstituteSequence(birth, g); err != nil {
					return err
				}
				seqs[key] = seq
			}
			n, ok := seq.Next()
			if !ok {
				return fmt.Errorf("%w: more substitute numbers for %s %s than the date has", ErrConfig, birth, g)
			}
			s.Number = n
		default:
			n, err := healthNumber(b.r, birth, g, x < 85, seen)
			if err != nil {
				return err
			}
			s.Number = n
		}
		seen[s.Number] = true
		s.Scheme = s.Number.Scheme().String()
		if err := emit(s); err != nil {
			return err
		}
	}
	return nil
}

// healthNumber makes an X-eCPR (x) or D-eCPR number for birth and g that is not in seen.
func healthNumber(r *rand.Rand, birth civil.Date, g pnr.Gender, x bool, seen map[pnr.Number]bool) (pnr.Number, error) {
	var c byte
	switch {
	case x && birth.Year < 2000:
		c = '1'
	case x:
		c = '7'
	case birth.Year < 1900:
		c = '5'
	case birth.Year < 2000:
		c = '0'
	default:
		c = '6'
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
	return pnr.Number{}, fmt.Errorf("%w: no free health-sector substitute number for %s", ErrConfig, birth)
}
