package generator

import (
	"github.com/cprtestdata/cprtestdata/generator/civil"
	"github.com/cprtestdata/cprtestdata/generator/pnr"
)

// maxFamilyChildren is the most children a person's family records carry (record 033 occurs 0..25).
const maxFamilyChildren = 25

// attachFamily gives each person of a family group its relatives (Person.Family) as of asOf: the
// mother, the father and the children that are in CPR, in the group (links never leave it), and live
// at a Danish address, each with its addressing name, address and a name and address protection in
// force. A relative who is dead, abroad, disappeared or known by name only has no record: the product
// delivers clear-text addresses.
func attachFamily(ps []Person, asOf civil.Date) {
	byNum := make(map[pnr.Number]int, len(ps))
	for i := range ps {
		byNum[ps[i].Number] = i
	}
	for i := range ps {
		p := &ps[i]
		p.Family = nil
		add := func(relation string, n pnr.Number) {
			j, ok := byNum[n]
			if !ok || n.IsZero() {
				return
			}
			q := &ps[j]
			if q.Address == nil || q.Status >= 30 {
				return
			}
			r := Relative{Relation: relation, Number: q.Number, Name: q.Name.Addressing, Address: *q.Address}
			for _, pr := range q.Protections {
				if pr.Type == ProtectionNameAndAddress && !pr.Start.After(asOf) && (pr.End.IsZero() || pr.End.After(asOf)) {
					r.Protected = pr.Start
				}
			}
			p.Family = append(p.Family, r)
		}
		add(RelationMother, p.Mother.Number)
		add(RelationFather, p.Father.Number)
		children := 0
		for _, c := range p.Children {
			if children == maxFamilyChildren {
				break
			}
			before := len(p.Family)
			add(RelationChild, c)
			children += len(p.Family) - before
		}
	}
}
