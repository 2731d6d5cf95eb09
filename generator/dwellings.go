package generator

import (
	"math/rand/v2"
	"slices"
)

// The homes of the world. Each road of a municipality is a road of houses, one home at each house
// number, or, one road in four, a road of blocks of flats, a home at each floor (st, 01-06) and door
// (th, tv, mf, 1, 2) of each number. A municipality has homes for homesPerResident of its residents,
// houseShare of them houses; its roads' lengths vary (from the municipality's code, so every run has
// the same ones) and are scaled to that. These are the project's choices: the reference has no road
// lengths or dwellings.
//
// Denmark's homes are numbered one after the other, municipality by municipality, and a permutation of
// those numbers gives the home of a key: the population as of the start lives in the homes of its
// keys, each home's key the population index of the first person who lives there. So no two homes
// share an address while the population has fewer persons than Denmark has homes (about 3.8 million);
// a municipality's share of the population's homes is its share of the homes, that is of Denmark's
// residents. Homes chosen later (moves, arrivals, former addresses) are drawn at random, avoiding the
// homes keys can give.
const (
	homesPerResident = 0.75
	houseShare       = 0.55
)

// perNumber is how many flats a number of a road of flats has: floors × doors.
var perNumber = len(floors) * len(doors)

// dwellings are a municipality's roads of one kind and their homes.
type dwellings struct {
	roads []int32 // road indexes of this kind, in order
	end   []int   // end[k] is the homes on roads[0..k]
	per   int     // homes at each house number: 1, or perNumber for flats
}

// homes returns how many homes of the kind there are.
func (d *dwellings) homes() int {
	if len(d.end) == 0 {
		return 0
	}
	return d.end[len(d.end)-1]
}

// locate returns the road index and house number index of home i, and its floor and door index.
func (d *dwellings) locate(i int) (road, number, flat int) {
	k, _ := slices.BinarySearch(d.end, i+1) // the first road whose homes end after i
	if k > 0 {
		i -= d.end[k-1]
	}
	return int(d.roads[k]), i / d.per, i % d.per
}

// newDwellings lays out the homes of municipality code, with roads roads, for population residents.
func newDwellings(code, roads, population int) (houses, flats dwellings) {
	houses.per, flats.per = 1, perNumber
	var weight [2]float64 // of the roads of each kind
	lengths := make([]float64, roads)
	flat := make([]bool, roads)
	for i := range roads {
		h := splitmix(uint64(code)<<32 | uint64(i))
		lengths[i], flat[i] = float64(10+h%141), h>>32%4 == 0
		if flat[i] {
			weight[1] += lengths[i]
		} else {
			weight[0] += lengths[i]
		}
	}
	want := [2]float64{float64(population) * homesPerResident * houseShare,
		float64(population) * homesPerResident * (1 - houseShare) / float64(perNumber)}
	for i := range roads {
		d, k := &houses, 0
		if flat[i] {
			d, k = &flats, 1
		}
		n := clamp(int(lengths[i]*want[k]/weight[k]+0.5), 1, len(houseNumbers))
		d.roads = append(d.roads, int32(i))
		d.end = append(d.end, d.homes()+n*d.per)
	}
	return houses, flats
}

// homeSpace numbers Denmark's homes and permutes them (see dwellings).
type homeSpace struct {
	munis         []int // indexes into world.munis of the Danish municipalities
	end           []int // end[k] is the homes of munis[0..k]
	homes         int
	mul, inv, off uint64 // home of key k: (k·mul + off) mod homes; inv undoes mul
}

func newHomeSpace(w *world) homeSpace {
	var s homeSpace
	for i := range w.munis {
		if slices.Contains(w.greenland, i) {
			continue
		}
		w.munis[i].space = len(s.munis)
		s.homes += w.munis[i].houses.homes() + w.munis[i].flats.homes()
		s.munis = append(s.munis, i)
		s.end = append(s.end, s.homes)
	}
	n := uint64(s.homes)
	s.mul = uint64(float64(n)*0.6180339887) | 1
	for gcd(s.mul, n) != 1 {
		s.mul += 2
	}
	s.inv = modInverse(s.mul, n)
	s.off = splitmix(n) % n
	return s
}

func gcd(a, b uint64) uint64 {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

// modInverse returns x with a·x ≡ 1 modulo n, for a coprime to n.
func modInverse(a, n uint64) uint64 {
	t, nt := int64(0), int64(1)
	r, nr := int64(n), int64(a%n)
	for nr != 0 {
		q := r / nr
		t, nt = nt, t-q*nt
		r, nr = nr, r-q*nr
	}
	if t < 0 {
		t += int64(n)
	}
	return uint64(t)
}

// start returns the number of the first home of the municipality at position k of munis.
func (s *homeSpace) start(k int) int {
	if k == 0 {
		return 0
	}
	return s.end[k-1]
}

// of returns the municipality (an index into world.munis) and its home of key.
func (s *homeSpace) of(key int) (muni, home int) {
	h := int((uint64(key)%uint64(s.homes)*s.mul + s.off) % uint64(s.homes))
	k, _ := slices.BinarySearch(s.end, h+1)
	return s.munis[k], h - s.start(k)
}

// keyed reports whether home of the municipality at position k of munis is the home of a key below
// keys: a home the population as of the start may live in.
func (s *homeSpace) keyed(k, home, keys int) bool {
	n := uint64(s.homes)
	key := (uint64(home+s.start(k)) + n - s.off) % n * s.inv % n
	return key < uint64(keys)
}

// drawHome returns a random home of municipality mu that no key below keys gives, if one of a few
// draws finds one (any home of a Greenlandic one, which no key gives).
func (s *homeSpace) drawHome(r *rand.Rand, mu *muni, keys int) int {
	n := mu.houses.homes() + mu.flats.homes()
	h := r.IntN(n)
	for try := 0; mu.space >= 0 && try < 8 && s.keyed(mu.space, h, keys); try++ {
		h = r.IntN(n)
	}
	return h
}
