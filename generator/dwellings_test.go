package generator

import (
	"context"
	"testing"
)

// TestHomesOfOneGroup checks that the population as of the start never puts two family groups at one
// address (a home is one household; see dwellings).
func TestHomesOfOneGroup(t *testing.T) {
	if testing.Short() {
		t.Skip("200,000 persons")
	}
	type dwelling struct {
		muni, road         Code4
		house, floor, door string
	}
	groupAt := map[dwelling]int{}
	shared, homes := 0, 0
	_, err := Run(context.Background(), Config{Seed: 5, Persons: 200_000}, Handler{Person: func(p *Person, _ []byte) error {
		a := p.Address
		if a == nil || !resident(p.Status) || a.RoadCode >= 9900 {
			return nil
		}
		k := dwelling{a.Municipality, a.RoadCode, a.HouseNumber, a.Floor, a.Door}
		g, ok := groupAt[k]
		switch {
		case !ok:
			groupAt[k] = p.Group
			homes++
		case g != p.Group:
			shared++
			if shared <= 3 {
				t.Errorf("%v: persons of groups %d and %d", k, g, p.Group)
			}
		}
		return nil
	}})
	if err != nil {
		t.Fatal(err)
	}
	if shared > 0 {
		t.Errorf("%d of %d homes hold persons of two groups", shared, homes)
	}
}

// TestHomeSpace checks the permutation of Denmark's homes: keys below the homes give every home once,
// and keyed finds a home's key again.
func TestHomeSpace(t *testing.T) {
	w, err := loadWorld()
	if err != nil {
		t.Fatal(err)
	}
	s := &w.homes
	if s.homes < 3_500_000 {
		t.Fatalf("Denmark has %d homes, want about 3.8 million", s.homes)
	}
	seen := make([]bool, s.homes)
	for key := range s.homes {
		m, h := s.of(key)
		k := w.munis[m].space
		if seen[s.start(k)+h] {
			t.Fatalf("key %d: home %d of municipality %d given twice", key, h, w.munis[m].code)
		}
		seen[s.start(k)+h] = true
		if key%997 == 0 && (!s.keyed(k, h, key+1) || s.keyed(k, h, key)) {
			t.Fatalf("key %d: keyed does not find it", key)
		}
	}
}
