package generator

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/cprtestdata/cprtestdata/fixtures"
)

// world is the fixed geography and name stock the generator draws from, built once from the embedded
// reference tables. It does not depend on the seed: road code 0123 of a municipality always has the same
// name and postal code.
type world struct {
	male, female, middle, last names
	// maleRecent and femaleRecent are the first names of those born since recentNamesFrom (see
	// recentNames).
	maleRecent, femaleRecent names
	danish                   sampler // municipalities by population (Denmark)
	homes                    homeSpace
	munis                    []muni
	greenland                []int // indexes into munis
	countries                []fixtures.Country
	foreignCountries         []int // indexes into countries: not Danmark
	demog                    *demography
	origins                  sampler            // over originCountry, by immigrants
	originCountry            []int              // indexes into countries; -1 for the rest of the world
	foreignShare             map[int][2]float64 // by country code: the foreign citizens among immigrants, descendants
	restForeignShare         [2]float64
}

// origin draws the country an immigrant comes from, as Denmark's immigrants do: the main countries of
// origin by their numbers, the rest of the world spread over every other country.
func (w *world) origin(r *rand.Rand) fixtures.Country {
	i := w.originCountry[w.origins.draw(r)]
	if i < 0 {
		i = w.foreignCountries[r.IntN(len(w.foreignCountries))]
	}
	return w.countries[i]
}

// country returns the country of code.
func (w *world) country(code int) (fixtures.Country, bool) {
	for _, c := range w.countries {
		if c.Code == code {
			return c, true
		}
	}
	return fixtures.Country{}, false
}

// stillForeign returns the share of immigrants (or descendants) from country code who are foreign
// citizens.
func (w *world) stillForeign(code int, descendant bool) float64 {
	sh, ok := w.foreignShare[code]
	if !ok {
		sh = w.restForeignShare
	}
	if descendant {
		return sh[1]
	}
	return sh[0]
}

type names struct {
	list []string
	s    sampler
}

func (n names) draw(b *builder) string { return n.list[n.s.draw(b.r)] }

type muni struct {
	code      int
	name      string
	roads     []string // road i has code roadCode(i) and this name
	postcodes []fixtures.Postcode
	houses    dwellings // its homes: houses first, then flats (see dwellings)
	flats     dwellings
	space     int // its position in world.homes.munis; -1 for Greenland's
}

var loadWorld = sync.OnceValues(buildWorld)

func buildWorld() (*world, error) {
	t, err := fixtures.Load()
	if err != nil {
		return nil, fmt.Errorf("reference tables: %w", err)
	}
	w := &world{
		male: nameList(t.FirstNamesMale), female: nameList(t.FirstNamesFemale),
		middle: nameList(t.MiddleNames), last: nameList(t.LastNames),
		maleRecent: recentNames(t.NewbornNames, "M", t.FirstNamesMale), femaleRecent: recentNames(t.NewbornNames, "K", t.FirstNamesFemale),
		countries: t.Countries,
	}
	if _, err := loadPyramid(); err != nil {
		return nil, fmt.Errorf("reference tables: %w", err)
	}
	if w.demog, err = newDemography(t.Demography); err != nil {
		return nil, fmt.Errorf("reference tables: %w", err)
	}
	var endingList []string
	var endingWeights []float64
	for _, e := range t.RoadSuffixes {
		endingList = append(endingList, e.Name)
		endingWeights = append(endingWeights, float64(e.Count))
	}
	if len(endingList) == 0 {
		return nil, fmt.Errorf("reference tables: no road endings")
	}
	endings := newSampler(endingWeights)
	byMuni := map[int][]fixtures.Postcode{}
	for _, p := range t.Postcodes {
		byMuni[p.Municipality] = append(byMuni[p.Municipality], p)
	}
	var weights []float64
	for _, m := range t.Municipalities {
		pcs := byMuni[m.Code]
		if len(pcs) == 0 {
			return nil, fmt.Errorf("reference tables: municipality %04d has no postal code", m.Code)
		}
		roads, err := roadNames(m.Code, clamp(m.Population/300, 40, 3000), endings, endingList)
		if err != nil {
			return nil, fmt.Errorf("reference tables: %w", err)
		}
		houses, flats := newDwellings(m.Code, len(roads), m.Population)
		w.munis = append(w.munis, muni{code: m.Code, name: m.Name, roads: roads, postcodes: pcs, houses: houses, flats: flats, space: -1})
		wt := float64(m.Population)
		if m.Greenland {
			w.greenland = append(w.greenland, len(w.munis)-1)
			wt = 0
		}
		weights = append(weights, wt)
	}
	w.danish = newSampler(weights)
	w.homes = newHomeSpace(w)
	for i, c := range t.Countries {
		if c.Code != 5100 {
			w.foreignCountries = append(w.foreignCountries, i)
		}
	}
	w.foreignShare = map[int][2]float64{}
	var ow []float64
	for _, o := range t.Origins {
		sh := [2]float64{o.ForeignShareImmigrants, o.ForeignShareDescendants}
		idx := -1
		if o.Code == 0 {
			w.restForeignShare = sh
		} else {
			for i, c := range t.Countries {
				if c.Code == o.Code {
					idx = i
				}
			}
			if idx < 0 {
				return nil, fmt.Errorf("reference tables: origin %d (%s) is not in the country table", o.Code, o.Name)
			}
			w.foreignShare[o.Code] = sh
		}
		w.originCountry = append(w.originCountry, idx)
		ow = append(ow, float64(o.Immigrants))
	}
	if len(ow) == 0 {
		return nil, fmt.Errorf("reference tables: no origins")
	}
	w.origins = newSampler(ow)
	return w, nil
}

func nameList(ns []fixtures.Name) names {
	n := names{list: make([]string, len(ns))}
	weights := make([]float64, len(ns))
	for i, x := range ns {
		n.list[i], weights[i] = x.Name, float64(x.Count)
	}
	n.s = newSampler(weights)
	return n
}

// recentNamesFrom is the first birth year given the names of recent newborns (the project's choice: the
// reference has DST's newborn names of 2017-2022 and, before them, only the 2005 stock of names).
const recentNamesFrom = 2010

// recentNames is the first names of a sex for those born since recentNamesFrom: DST's newborn names
// (fixtures.NewbornNames) at the share DST quotes for the no. 1 name divided by the rank (rank r has 1/r of
// no. 1's share, the project's choice: the reference has ranks, not counts), and for the rest, the 2005
// stock's other names, each as likely as another (their counts are of the living of 2005, mostly older
// cohorts, so the names most common then are not the newborns' most common).
func recentNames(newborn []fixtures.NewbornName, sex string, stock []fixtures.Name) names {
	var n names
	var weights []float64
	head, seen := 0.0, map[string]bool{}
	for _, x := range newborn {
		if x.Sex == sex && x.Rank > 0 {
			w := x.Rank1Share / float64(x.Rank)
			n.list, weights, head, seen[x.Name] = append(n.list, x.Name), append(weights, w), head+w, true
		}
	}
	var rest []string
	for _, x := range stock {
		if !seen[x.Name] {
			rest = append(rest, x.Name)
		}
	}
	for _, name := range rest {
		n.list, weights = append(n.list, name), append(weights, max(0, 1-head)/float64(len(rest)))
	}
	n.s = newSampler(weights)
	return n
}

// roadCode returns the VEJKOD of road i of a municipality: spread over 0010-9000, below the special
// codes 9900-9999.
func roadCode(i int) int { return 10 + 3*i }

// Road names are a stem and an ending, the ending drawn by how often Danish road names end so
// (fixtures/tables/road_suffixes.tsv: -vej about half); some take an old-style prefix ("Gammel
// Skovvej"), some are named after a person ("Karen Blixens Vej").
var (
	roadStems = []string{
		"Skov", "Strand", "Kirke", "Mølle", "Bøge", "Ege", "Birke", "Lind", "Ahorn", "Hassel", "Rosen", "Lærke",
		"Vibe", "Svane", "Ørne", "Falke", "Høge", "Rådhus", "Skole", "Bane", "Hav", "Sø", "Å", "Eng", "Mark",
		"Ager", "Bakke", "Dal", "Høj", "Klint", "Fjord", "Vig", "Næs", "Holm", "Lund", "Kær", "Mose", "Hede",
		"Fælled", "Torve", "Frederiks", "Christians", "Valdemars", "Absalons", "Tordenskjolds", "Bernstorffs",
		"Tietgens", "Rørholms", "Hyldebær", "Kastanje", "Valnødde", "Æble", "Blomme", "Kirsebær", "Hvede", "Rug",
		"Byg", "Havre", "Hør", "Humle", "Krage", "Spurve", "Solsorte", "Drossel", "Stær", "Måge", "Terne", "Viol",
		"Anemone", "Syren", "Jasmin", "Kløver", "Timian", "Enebær", "Gran", "Fyrre", "Pile", "Poppel", "Elme",
		"Ask", "Tjørne", "Slåen", "Bregne", "Siv", "Tang", "Klit", "Sand", "Sten", "Flint", "Kridt", "Ler",
		"Tegl", "Smedie", "Bager", "Brygger", "Skomager", "Møller", "Præste", "Degne", "Fogeds", "Herregårds",
		"Slots", "Park", "Have", "Nørre", "Søndre", "Øster", "Vester", "Kongens", "Dronningens", "Prinsens",
	}
	roadPrefixes = []string{"Gammel", "Ny", "Lille", "Store", "Nørre", "Søndre", "Øster", "Vester"}
	// personRoadEndings are the words after a person's name, as the reference's sample has them
	// ("Willy Sørensens Plads", "Ellens Vænge", "Utzons Allé").
	personRoadEndings = []string{"Vej", "Vej", "Vej", "Gade", "Allé", "Plads", "Stræde", "Vænge"}
	roadPersons       = []string{"H.C. Andersens", "Grundtvigs", "Niels Bohrs", "Karen Blixens", "Ole Rømers",
		"Tycho Brahes", "N.F.S. Grundtvigs", "Kaj Munks", "Steen Blichers", "Johannes V. Jensens"}
)

// roadNames makes the n road names of municipality m, each different, the same whatever the seed.
func roadNames(m, n int, endings sampler, list []string) ([]string, error) {
	r := rand.New(rand.NewPCG(uint64(m), 0x70ad))
	seen := make(map[string]bool, n)
	out := make([]string, 0, n)
	for tries := 0; len(out) < n; tries++ {
		if tries > 100*n {
			return nil, fmt.Errorf("municipality %04d: %d road names wanted, %d different ones made", m, n, len(out))
		}
		end := list[endings.draw(r)]
		stem := roadStems[r.IntN(len(roadStems))]
		var name string
		switch x := r.IntN(100); {
		case x < 6: // after a person
			name = roadPersons[r.IntN(len(roadPersons))] + " " + personRoadEndings[r.IntN(len(personRoadEndings))]
		case x < 16:
			prefix := roadPrefixes[r.IntN(len(roadPrefixes))]
			if prefix == stem {
				continue
			}
			name = prefix + " " + stem + end
		default:
			name = stem + end
		}
		low := strings.ToLower(stem)
		if seen[name] || strings.Contains(end, low) || strings.HasSuffix(low, end) || utf8.RuneCountInString(name) > 30 ||
			utf8.RuneCountInString(RoadAddressingName(name)) > 20 || cutRoad(name) {
			continue // "Skovskoven", "Dalvej"'s twin, too long to be usual, or one VEJADRNVN would cut
		}
		seen[name] = true
		out = append(out, name)
	}
	return out, nil
}

// roadPostcode returns the postal code of road i of municipality mu.
func roadPostcode(mu *muni, i int) fixtures.Postcode {
	return mu.postcodes[(i*2654435761>>7)%len(mu.postcodes)]
}

// specialRoadName is the name of a special road code (9900-9999): persons without a fixed abode.
const specialRoadName = "Uden fast bopæl"

// road returns the name and postal code of road code of the municipality, as every address on it has
// them: a special road code (9900-9999) has one postal code like any road.
func (mu *muni) road(code int) (string, fixtures.Postcode) {
	if code >= 9900 {
		return specialRoadName, roadPostcode(mu, code)
	}
	i := (code - 10) / 3
	return mu.roads[i], roadPostcode(mu, i)
}

// RoadOf returns the name, postal code and city of road code of municipality as the population's
// addresses have them, and false when the generator's world has no such road: what a road register
// needs for a road known only from an address history.
func RoadOf(municipality, code int) (name string, postcode int, city string, ok bool) {
	w, err := loadWorld()
	if err != nil {
		return "", 0, "", false
	}
	for i := range w.munis {
		mu := &w.munis[i]
		if mu.code != municipality {
			continue
		}
		if code < 9900 && (code < 10 || (code-10)%3 != 0 || (code-10)/3 >= len(mu.roads)) {
			return "", 0, "", false
		}
		name, pc := mu.road(code)
		return name, pc.Code, pc.City, true
	}
	return "", 0, "", false
}

// cutRoad reports whether VEJADRNVN would have to cut the name mid-word.
func cutRoad(name string) bool {
	short := RoadAddressingName(name)
	words := strings.Fields(short)
	full := strings.Fields(name)
	return len(words) != len(full) || words[len(words)-1] != full[len(full)-1] && roadWordAbbreviations[full[len(full)-1]] != words[len(words)-1]
}

// RoadAddressingName is a road's VEJADRNVN, its name for addressing in at most 20 characters, as record
// 003, the road register and CPR's services give it. The reference has no rule for it, only CPR's own
// abbreviations in its sample ("Martin Christensens Vej" is "M. Christensens Vej", "Willy Sørensens
// Plads" "Willy Sørensens Pl"); the rule here follows them: a name of 20 characters or fewer as it is;
// otherwise the words before the last two become initials, from the first, until it fits; then a last
// word that is a road word is shortened (Vej V, Gade G, Plads Pl, Stræde Str, Allé Al, Vænge Vg); then the
// word before it becomes an initial; a name that still does not fit is cut (the road names the generator
// makes always fit).
func RoadAddressingName(road string) string {
	const width = 20
	if utf8.RuneCountInString(road) <= width {
		return road
	}
	words := strings.Fields(road)
	fits := func() bool { return utf8.RuneCountInString(strings.Join(words, " ")) <= width }
	initial := func(i int) {
		if r, _ := utf8.DecodeRuneInString(words[i]); r != utf8.RuneError && !strings.HasSuffix(words[i], ".") {
			words[i] = string(r) + "."
		}
	}
	last := len(words) - 1
	for i := 0; i < last-1 && !fits(); i++ {
		initial(i)
	}
	if short, ok := roadWordAbbreviations[words[last]]; ok && last > 0 && !fits() {
		words[last] = short
	}
	if last > 0 && !fits() {
		initial(last - 1)
	}
	s := strings.Join(words, " ")
	if r := []rune(s); len(r) > width {
		s = string(r[:width])
	}
	return s
}

// roadWordAbbreviations shorten a road name's last word when it does not fit in VEJADRNVN.
var roadWordAbbreviations = map[string]string{"Vej": "V", "Gade": "G", "Plads": "Pl", "Stræde": "Str", "Allé": "Al",
	"Vænge": "Vg"}
