package generator

import (
	"math/rand/v2"
	"sync"
)

// maxAge is the oldest age the model gives a living person.
const maxAge = 105

// ageBand is a five-year band of Denmark's population (Statistics Denmark, FOLK1A, 2026; the project's
// reference notes, stats/folk1a-2026-denmark-age-bands.csv). Women is the share of women; the source has
// no split for 75+, where the model uses Denmark's usual shares.
type ageBand struct {
	from, to int // ages, inclusive
	total    int
	women    float64
}

var ageBands = []ageBand{
	{0, 4, 300404, 145715.0 / 300404}, {5, 9, 317347, 154227.0 / 317347}, {10, 14, 309043, 150668.0 / 309043},
	{15, 19, 352953, 171281.0 / 352953}, {20, 24, 378905, 185707.0 / 378905}, {25, 29, 406458, 199417.0 / 406458},
	{30, 34, 419289, 205712.0 / 419289}, {35, 39, 383096, 187747.0 / 383096}, {40, 44, 339576, 168535.0 / 339576},
	{45, 49, 360585, 180579.0 / 360585}, {50, 54, 396894, 199622.0 / 396894}, {55, 59, 398793, 199524.0 / 398793},
	{60, 64, 391386, 196726.0 / 391386}, {65, 69, 333914, 170490.0 / 333914}, {70, 74, 295999, 154121.0 / 295999},
	{75, 79, 280325, 0.54}, {80, 84, 207351, 0.58}, {85, maxAge, 153285, 0.65},
}

// targetAges is the share of the living population at each age 0..maxAge: a band's total spread evenly
// over its years, and over 85+ with a decay of 20% a year.
var targetAges = func() [maxAge + 1]float64 {
	var t [maxAge + 1]float64
	sum := 0.0
	for _, b := range ageBands {
		if b.to == maxAge {
			w, ws := 1.0, 0.0
			for a := b.from; a <= b.to; a++ {
				ws += w
				w *= 0.8
			}
			w = 1.0
			for a := b.from; a <= b.to; a++ {
				t[a] = float64(b.total) * w / ws
				w *= 0.8
			}
		} else {
			for a := b.from; a <= b.to; a++ {
				t[a] = float64(b.total) / float64(b.to-b.from+1)
			}
		}
		sum += float64(b.total)
	}
	for a := range t {
		t[a] /= sum
	}
	return t
}()

// womenShare returns the share of women at age a.
func womenShare(a int) float64 {
	for _, b := range ageBands {
		if a <= b.to {
			return b.women
		}
	}
	return ageBands[len(ageBands)-1].women
}

// sampler draws indexes with given weights in constant time (Walker's alias method).
type sampler struct {
	prob  []float64
	alias []int32
}

func newSampler(weights []float64) sampler {
	n := len(weights)
	s := sampler{prob: make([]float64, n), alias: make([]int32, n)}
	total := 0.0
	for _, w := range weights {
		total += w
	}
	scaled := make([]float64, n)
	var small, large []int
	for i, w := range weights {
		scaled[i] = w * float64(n) / total
		if scaled[i] < 1 {
			small = append(small, i)
		} else {
			large = append(large, i)
		}
	}
	for len(small) > 0 && len(large) > 0 {
		l, g := small[len(small)-1], large[len(large)-1]
		small = small[:len(small)-1]
		s.prob[l], s.alias[l] = scaled[l], int32(g)
		scaled[g] -= 1 - scaled[l]
		if scaled[g] < 1 {
			large = large[:len(large)-1]
			small = append(small, g)
		}
	}
	for _, i := range append(small, large...) {
		s.prob[i], s.alias[i] = 1, int32(i)
	}
	return s
}

func (s sampler) draw(r *rand.Rand) int {
	u := r.Float64() * float64(len(s.prob))
	i := int(u)
	if u-float64(i) < s.prob[i] {
		return i
	}
	return int(s.alias[i])
}

// anchorAges is the distribution the age of a household's anchor person is drawn from. Households add
// partners, children and parents around the anchor, which shifts the ages of the population as a whole;
// calibrateAnchors corrects the anchor distribution so that the living population's ages follow
// targetAges. It depends on nothing but the model, so it is computed once.
var anchorAges = sync.OnceValue(calibrateAnchors)

func calibrateAnchors() sampler {
	w := targetAges[:]
	weights := make([]float64, len(w))
	copy(weights, w)
	const groups = 60000
	for iter := 0; iter < 6; iter++ {
		s := newSampler(weights)
		var got [maxAge + 1]float64
		r := rand.New(rand.NewPCG(0x5eed, uint64(iter)))
		b := &builder{r: r, asOf: DefaultAsOf}
		total := 0.0
		for g := 0; g < groups; g++ {
			b.reset()
			b.household(s)
			for i := range b.members {
				m := &b.members[i]
				if m.status.Active() {
					got[min(ageAt(m.birth, DefaultAsOf), maxAge)]++
					total++
				}
			}
		}
		for a := range weights {
			realized := got[a] / total
			if realized > 0 {
				weights[a] *= targetAges[a] / realized
			}
		}
	}
	return newSampler(weights)
}
