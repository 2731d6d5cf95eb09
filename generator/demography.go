package generator

import (
	"fmt"
	"math"
	"strconv"

	"github.com/cprtestdata/cprtestdata/fixtures"
	"github.com/cprtestdata/cprtestdata/generator/pnr"
)

// demography is the timeline's rates of birth and death by age and sex, derived from Denmark's figures
// (fixtures/tables/demography.tsv).
//
// Mortality is the partial HISB9 life table (men 57-99) at its ages, and elsewhere a Gompertz curve,
// ln qx = a + b·age, fitted to it by least squares; the reference has no table for women, nor for younger
// men, so women die as men four years younger (the gap in life expectancy at birth the reference quotes:
// 79.5 and 83.6 years), the curve is extrapolated below 57, and the first year has its own rate (infantQx,
// not in the reference).
//
// Fertility is a normal curve over the mother's age: centred on the mean age of all mothers, with the
// width that gives the age-19 rate, scaled to the total fertility. Women who live with a partner have
// partneredFertility times the fertility of those who do not.
type demography struct {
	gompertzA, gompertzB float64
	qxMen                map[int]float64        // the life table's ages
	asfr                 [fertileTo + 1]float64 // births per woman and year by age
	births, deaths       float64                // per 1000 residents and year
	withinMunicipality   float64                // the share of moves that stay in the municipality
}

const (
	fertileFrom, fertileTo = 15, 49
	womenYounger           = 4     // years: women's mortality is men's at this many years less
	infantQx               = 0.003 // the first year's death probability (not in the reference)
	maxQx                  = 0.6   // the oldest ages' death probability
	// partneredFertility is how many times more often a woman with a partner gives birth than one
	// without; the reference has no figure, and the share of births without a registered father it
	// gives follows from it.
	partneredFertility = 5
)

func newDemography(d fixtures.Demography) (*demography, error) {
	get := func(measure, key string) (float64, error) {
		v, ok := d.Value(measure, key)
		if !ok || v <= 0 {
			return 0, fmt.Errorf("demography.tsv has no %s %s", measure, key)
		}
		return v, nil
	}
	m := &demography{qxMen: map[int]float64{}}
	// Least squares of ln qx on age.
	var n, sx, sy, sxx, sxy float64
	for _, f := range d {
		if f.Measure != "qx_men" {
			continue
		}
		age, err := strconv.Atoi(f.Key)
		if err != nil || f.Value <= 0 || f.Value >= 1 {
			return nil, fmt.Errorf("demography.tsv: qx_men %q: %v", f.Key, f.Value)
		}
		m.qxMen[age] = f.Value
		x, y := float64(age), math.Log(f.Value)
		n, sx, sy, sxx, sxy = n+1, sx+x, sy+y, sxx+x*x, sxy+x*y
	}
	if n < 10 {
		return nil, fmt.Errorf("demography.tsv: %v ages of qx_men, want at least 10", n)
	}
	m.gompertzB = (n*sxy - sx*sy) / (n*sxx - sx*sx)
	m.gompertzA = (sy - m.gompertzB*sx) / n

	tfr, err := get("total_fertility", "")
	if err != nil {
		return nil, err
	}
	mu, err := get("mean_age_all_mothers", "")
	if err != nil {
		return nil, err
	}
	f19, err := get("fertility_rate", "19")
	if err != nil {
		return nil, err
	}
	// The width at which the curve through the mean, scaled to tfr, passes through f19 at 19.
	sigma := 5.0
	for range 50 {
		peak := tfr / (sigma * math.Sqrt(2*math.Pi))
		sigma = math.Abs(19-mu) / math.Sqrt(2*math.Log(peak/f19))
	}
	sum := 0.0
	for a := fertileFrom; a <= fertileTo; a++ {
		x := (float64(a) + 0.5 - mu) / sigma
		m.asfr[a] = math.Exp(-x * x / 2)
		sum += m.asfr[a]
	}
	for a := range m.asfr {
		m.asfr[a] *= tfr / sum
	}
	if m.births, err = get("births_per_1000", ""); err != nil {
		return nil, err
	}
	if m.deaths, err = get("deaths_per_1000", ""); err != nil {
		return nil, err
	}
	if m.withinMunicipality, err = get("moves_within_municipality_share", ""); err != nil {
		return nil, err
	}
	return m, nil
}

// qx is the probability that a person of age and sex dies within a year.
func (m *demography) qx(age int, sex pnr.Gender) float64 {
	if age < 1 {
		return infantQx
	}
	if sex == pnr.Female {
		age -= womenYounger
	}
	if q, ok := m.qxMen[age]; ok {
		return q
	}
	return min(maxQx, math.Exp(m.gompertzA+m.gompertzB*float64(age)))
}

// mortality is the yearly rate of death (the hazard behind qx).
func (m *demography) mortality(age int, sex pnr.Gender) float64 {
	return -math.Log(1 - m.qx(age, sex))
}

// fertility is the yearly rate at which a woman of age gives birth, with a partner or without.
func (m *demography) fertility(age int, partnered bool) float64 {
	if age < fertileFrom || age > fertileTo {
		return 0
	}
	f := m.asfr[age] / partneredShareWeight
	if partnered {
		f *= partneredFertility
	}
	return f
}

// partneredShareWeight scales fertility so that women as a whole give birth at the age-specific rate:
// share·partneredFertility + (1-share), with share the model's share of the births' mothers' ages that
// live with a partner (0.7, measured on the model: TestRealism's births and total fertility).
const partneredShareWeight = 0.7*partneredFertility + 0.3
