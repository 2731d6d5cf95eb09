package generator

import (
	"fmt"
	"math/rand/v2"
	"sync"

	"github.com/cprtestdata/cprtestdata/fixtures"
	"github.com/cprtestdata/cprtestdata/generator/pnr"
)

// maxAge is the oldest age the model gives a living person.
const maxAge = 105

// pyramid is Denmark's living population by age and sex (fixtures/tables/ages.tsv: Statistics Denmark,
// FOLK1A 2025Q4, single years of age). The table's last age holds everyone of 100 or more; the model
// spreads them over 100..maxAge, each year half the one before, about what the mortality of those ages
// gives.
type pyramid struct {
	share [maxAge + 1]float64 // of the living
	women [maxAge + 1]float64 // share of women at each age
	// civil is the share of each civil status (never married, married, widowed, divorced) at each age,
	// men first.
	civil [maxAge + 1][2][4]float64
}

// civilShares returns the shares of never married, married, widowed and divorced among persons of age
// and sex.
func civilShares(age int, sex pnr.Gender) [4]float64 {
	i := 0
	if sex == pnr.Female {
		i = 1
	}
	return ages().civil[min(max(age, 0), maxAge)][i]
}

var loadPyramid = sync.OnceValues(func() (*pyramid, error) {
	t, err := fixtures.Load()
	if err != nil {
		return nil, err
	}
	if len(t.Ages) != 101 {
		return nil, fmt.Errorf("ages.tsv has %d ages, want 0 to 100", len(t.Ages))
	}
	p := &pyramid{}
	total := 0.0
	for _, a := range t.Ages {
		total += float64(a.Men.Total() + a.Women.Total())
	}
	for _, a := range t.Ages[:100] {
		p.share[a.Age] = float64(a.Men.Total()+a.Women.Total()) / total
		p.women[a.Age] = float64(a.Women.Total()) / float64(a.Men.Total()+a.Women.Total())
	}
	for a := range p.civil {
		row := t.Ages[min(a, 100)]
		for i, c := range [2]fixtures.CivilCounts{row.Men, row.Women} {
			n := float64(c.Total())
			p.civil[a][i] = [4]float64{float64(c.NeverMarried) / n, float64(c.Married) / n, float64(c.Widowed) / n, float64(c.Divorced) / n}
		}
	}
	old := t.Ages[100]
	w, ws := 1.0, 0.0
	for a := 100; a <= maxAge; a++ {
		ws += w
		w /= 2
	}
	w = 1
	for a := 100; a <= maxAge; a++ {
		p.share[a] = float64(old.Men.Total()+old.Women.Total()) / total * w / ws
		p.women[a] = float64(old.Women.Total()) / float64(old.Men.Total()+old.Women.Total())
		w /= 2
	}
	return p, nil
})

// ages returns the pyramid; buildWorld has loaded it, so it cannot fail here.
func ages() *pyramid {
	p, err := loadPyramid()
	if err != nil {
		panic(err) // unreachable: Run loads the world, and with it the pyramid, first
	}
	return p
}

// womenShare returns the share of women at age a.
func womenShare(a int) float64 { return ages().women[min(max(a, 0), maxAge)] }

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
// the pyramid. It depends on nothing but the model, so it is computed once.
var anchorAges = sync.OnceValue(calibrateAnchors)

func calibrateAnchors() sampler {
	target := ages().share
	w := target[:]
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
				weights[a] *= target[a] / realized
			}
		}
	}
	return newSampler(weights)
}
