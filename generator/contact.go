package generator

import (
	"strconv"
	"strings"

	"github.com/cprtestdata/cprtestdata/generator/civil"
	"github.com/cprtestdata/cprtestdata/generator/pnr"
)

// ContactAddress is a contact address (kontaktadresse, record 006): where CPR can reach someone who has
// left, a Danish contact person's name and address in up to five lines of text, from Start; End is zero
// while it lasts.
type ContactAddress struct {
	Lines []string   `json:"contact_address"`
	Start civil.Date `json:"start_date,omitzero"`
	End   civil.Date `json:"end_date,omitzero"`
}

// contactShare is the share, in a hundred, of the emigrated and the disappeared who leave a contact
// address: the project's choice (the reference gives the record, not how many have one).
const contactShare = 35

// contactAddress is the contact address of p, who emigrated or disappeared on d, or nil: for one in
// contactShare/100, picked by the number (no random stream moves), the first of the mother, the father,
// the spouse and the children who is in CPR at a Danish address, by name and address; when none is, a
// contact person of the name stock at an address of the road stock, picked by the number too. find
// looks a relative up by number.
func contactAddress(w *world, p *Person, d civil.Date, find func(pnr.Number) *Person) *ContactAddress {
	h := numberHash(p.Number)
	if h>>8%100 >= contactShare {
		return nil
	}
	var name string
	var a *Address
	for _, n := range append([]pnr.Number{p.Mother.Number, p.Father.Number, p.Civil.Spouse}, p.Children...) {
		if q := find(n); !n.IsZero() && q != nil && q.Address != nil && q.Status < 30 {
			name, a = q.Name.Addressing, q.Address
			break
		}
	}
	if a == nil {
		first := w.female.list
		if h>>16&1 == 0 {
			first = w.male.list
		}
		name = first[h>>17%uint64(len(first))] + " " + w.last.list[h>>27%uint64(len(w.last.list))]
		mu := &w.munis[h>>37%uint64(len(w.munis))]
		if len(mu.roads) == 0 || len(mu.postcodes) == 0 {
			return nil
		}
		pc := mu.postcodes[h>>45%uint64(len(mu.postcodes))]
		a = &Address{Road: mu.roads[h>>49%uint64(len(mu.roads))], HouseNumber: strconv.Itoa(int(1 + h>>57%120)),
			Postcode: Code4(pc.Code), City: pc.City}
	}
	street := strings.TrimLeft(a.HouseNumber, "0")
	if a.Floor != "" {
		street += ", " + strings.TrimLeft(a.Floor, "0")
		if a.Floor != "st" && a.Floor != "kl" {
			street += "."
		}
	}
	if a.Door != "" {
		street += " " + a.Door
	}
	lines := []string{name, a.Road + " " + street, a.Postcode.Text() + " " + a.City}
	for i, l := range lines {
		lines[i] = fitLine(l)
	}
	return &ContactAddress{Lines: lines, Start: d}
}

// contactLineWidth is the width of a contact address line (ADR1-KONTAKTADR …).
const contactLineWidth = 34

// fitLine cuts a line longer than a contact address line at the last space that lets it fit (at the
// width when there is none).
func fitLine(s string) string {
	r := []rune(s)
	if len(r) <= contactLineWidth {
		return s
	}
	cut := contactLineWidth
	for i := contactLineWidth; i > 0; i-- {
		if r[i] == ' ' {
			cut = i
			break
		}
	}
	return strings.TrimRight(string(r[:cut]), " ,")
}
