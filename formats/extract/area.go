package extract

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/cprtestdata/cprtestdata/generator"
)

// Area is the geographic area of an extract, as CPR delivers U12170 by municipality code
// (cpr-formats.md §1.1): a set of municipality codes (KOMKOD). A person lives in the area when their
// current address, record 002, is in one of them; an area's status extract holds the persons living
// in it, and its change extract every person touched who lived in it before the delivery or after it:
// a person moving out is delivered once more, with the new address, and then no longer; a person
// moving in is delivered whole.
type Area map[int]bool

// ParseArea parses comma-separated municipality codes, "101,147".
func ParseArea(s string) (Area, error) {
	a := Area{}
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		n, err := strconv.Atoi(f)
		if err != nil || n < 1 || n > 9999 || len(f) > 4 {
			return nil, fmt.Errorf("municipality code %q: want 1 to 4 digits, such as 101 (København) or 0851 (Aalborg)", f)
		}
		a[n] = true
	}
	return a, nil
}

// String returns the codes, sorted and comma-separated.
func (a Area) String() string {
	codes := make([]string, 0, len(a))
	for _, n := range a.Codes() {
		codes = append(codes, strconv.Itoa(n))
	}
	return strings.Join(codes, ",")
}

// Codes returns the codes, sorted.
func (a Area) Codes() []int {
	out := make([]int, 0, len(a))
	for n := range a {
		out = append(out, n)
	}
	slices.Sort(out)
	return out
}

// Lives reports whether p lives in the area: p has a record 002 (a current address, status below 30)
// in one of its municipalities.
func (a Area) Lives(p *generator.Person) bool {
	return p != nil && p.Address != nil && p.Status < generator.StatusAnnulled && a[int(p.Address.Municipality)]
}

// Carries reports whether the area's change extract carries a person touched since the last delivery,
// as they were at it (before, nil when new) and as they are now (after).
func (a Area) Carries(before, after *generator.Person) bool { return a.Lives(before) || a.Lives(after) }

// livesIn reports whether a person's records put them in the area: a 002 with one of its codes.
func (a Area) livesIn(records []*Record) bool {
	for _, r := range records {
		if r.Type() == "002" {
			n, err := strconv.Atoi(r.Get("MunicipalityCode"))
			return err == nil && a[n]
		}
	}
	return false
}
