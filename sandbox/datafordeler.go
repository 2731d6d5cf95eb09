package sandbox

import (
	"crypto/sha1"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/cprtestdata/cprtestdata/generator"
	"github.com/cprtestdata/cprtestdata/generator/civil"
	"github.com/cprtestdata/cprtestdata/generator/pnr"
)

// The Datafordeler-shaped lookup (cpr-formats.md §11): GET /CPR/CprPersonFullComplete/1/rest/
// PersonFullCurrentListComplete (current values) or PersonFullListComplete (with history), with the
// query parameters pnr.personnummer.eq (or .wi), person.foedselsdato.ge and .le, cadr.cprkommunekode.eq,
// pageSize (at most 500) and page, answering {"Personer": [{"Person": {…}}]} in the DLS field names. The
// path is matched without regard to case, as Datafordeler's is in practice.

var dfStatus = map[generator.Status]string{
	generator.StatusActive: "bopael_i_danmark", generator.StatusActiveSpecialRoad: "bopael_i_danmark_hoej_vejkode",
	generator.StatusGreenland: "bopael_i_groenland", generator.StatusGreenlandSpecialRoad: "bopael_i_groenland_hoej_vejkode",
	generator.StatusAdministrative: "ej_bopael", generator.StatusAnnulled: "annulleret",
	generator.StatusDeletedDuplicate: "nedlagt_person", generator.StatusChangedNumber: "nedlagt_person",
	generator.StatusDisappeared: "forsvundet", generator.StatusEmigrated: "udrejst", generator.StatusDead: "doed",
}

var dfCivil = map[generator.Code]string{'U': "ugift", 'G': "gift", 'F': "fraskilt", 'E': "enke_enkemand",
	'P': "registreret_partnerskab", 'O': "ophoert_partnerskab", 'L': "laengstlevende_partner", 'D': "doed"}

// dfTime is a date as Datafordeler writes its date-times.
type dfTime civil.Date

func (d dfTime) MarshalText() ([]byte, error) {
	if civil.Date(d).IsZero() {
		return []byte{}, nil
	}
	return []byte(civil.Date(d).String() + "T00:00:00+01:00"), nil
}

type (
	dfPersons struct {
		Personer []dfEntry `json:"Personer"`
	}
	dfEntry struct {
		Person dfPerson `json:"Person"`
	}
	dfPerson struct {
		ID                  string   `json:"id"`
		Foedselsdato        dfTime   `json:"foedselsdato"`
		FoedselsdatoUsikker bool     `json:"foedselsdatoUsikkerhedsmarkering"`
		Koen                string   `json:"koen"`
		Status              string   `json:"status"`
		Statusdato          dfTime   `json:"statusdato,omitzero"`
		Stilling            string   `json:"stilling,omitempty"`
		FoedestedKode       int      `json:"cprfoedselsregistreringsstedskode,omitempty"`
		FoedestedNavn       string   `json:"cprfoedselsregistreringsstedsnavn,omitempty"`
		Personnumre         []dfWrap `json:"Personnumre"`
		Navne               []dfWrap `json:"Navne"`
		Adresseoplysninger  []dfWrap `json:"Adresseoplysninger"`
		Civilstande         []dfWrap `json:"Civilstande"`
		Beskyttelser        []dfWrap `json:"Beskyttelser"`
		UdrejseIndrejser    []dfWrap `json:"UdrejseIndrejser"`
		Statsborgerskaber   []dfWrap `json:"Statsborgerskaber"`
		Foraeldre           []dfWrap `json:"Foraeldre,omitempty"`
	}
	// dfWrap is one element of a DLS list: {"Navn": {…}}.
	dfWrap map[string]map[string]any
)

func dfRecord(kind string, fields map[string]any, status string, from, to civil.Date) dfWrap {
	fields["status"] = status
	if !from.IsZero() {
		fields["virkningFra"] = dfTime(from)
	}
	if !to.IsZero() {
		fields["virkningTil"] = dfTime(to)
	}
	return dfWrap{kind: fields}
}

// personID is a stable UUID for a person (version 5 style, from the number).
func personID(n pnr.Number) string {
	h := sha1.Sum([]byte("cprtestdata person " + n.String()))
	h[6] = h[6]&0x0f | 0x50
	h[8] = h[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", h[0:4], h[4:6], h[6:8], h[8:10], h[10:16])
}

func (s *Sandbox) dfPerson(p *generator.Person, history bool) dfPerson {
	koen := "mand"
	if p.Gender == pnr.Female {
		koen = "kvinde"
	}
	d := dfPerson{ID: personID(p.Number), Foedselsdato: dfTime(p.BirthDate), FoedselsdatoUsikker: p.BirthDateUncertain,
		Koen: koen, Status: dfStatus[p.Status], Statusdato: dfTime(p.StatusDate), Stilling: p.Occupation,
		FoedestedKode: p.BirthPlace.Authority, FoedestedNavn: p.BirthPlace.Text,
		Personnumre: []dfWrap{dfRecord("Personnummer", map[string]any{"personnummer": p.Number.String()}, "aktuel", p.BirthDate, civil.Date{})},
		Navne: []dfWrap{dfRecord("Navn", map[string]any{"adresseringsnavn": p.Name.Addressing, "fornavne": p.Name.First,
			"mellemnavn": p.Name.Middle, "efternavn": p.Name.Last}, "aktuel", p.Name.Start, civil.Date{})},
		Adresseoplysninger: []dfWrap{}, Civilstande: []dfWrap{}, Beskyttelser: []dfWrap{}, UdrejseIndrejser: []dfWrap{},
		Statsborgerskaber: []dfWrap{dfRecord("Statsborgerskab", map[string]any{"landekode": p.Citizenship.Country}, "aktuel", p.Citizenship.Start, civil.Date{})},
	}
	if a := p.Address; a != nil {
		d.Adresseoplysninger = append(d.Adresseoplysninger, dfRecord("Adresseoplysninger", map[string]any{
			"conavn": a.CareOf, "tilflytningsdatoKommune": dfTime(a.MunicipalityMovedIn), "fraflytningsKommunekode": a.PreviousMunicipality,
			"CprAdresse": map[string]any{"cprKommunekode": a.Municipality, "cprVejkode": a.RoadCode, "vejadresseringsnavn": a.Road,
				"husnummer": strings.TrimLeft(a.HouseNumber, "0"), "etage": a.Floor, "sidedoer": a.Door, "postnummer": a.Postcode,
				"postdistrikt": a.City}}, "aktuel", a.MovedIn, civil.Date{}))
	}
	civilRecord := func(c generator.CivilStatus, status string) dfWrap {
		f := map[string]any{"Civilstandstype": dfCivil[c.Code]}
		if !c.Spouse.IsZero() {
			f["Aegtefaelle"] = map[string]any{"aegtefaellePersonnummer": c.Spouse.String()}
		} else if c.SpouseName != "" {
			f["AegtefaelleUdenCpr"] = map[string]any{"navn": c.SpouseName, "foedselsdato": dfTime(c.SpouseBirthDate)}
		}
		return dfRecord("Civilstand", f, status, c.Start, c.End)
	}
	d.Civilstande = append(d.Civilstande, civilRecord(p.Civil, "aktuel"))
	for _, pr := range p.Protections {
		d.Beskyttelser = append(d.Beskyttelser, dfRecord("Beskyttelse", map[string]any{"beskyttelsestype": pr.Type}, "aktuel", pr.Start, pr.End))
	}
	if e := p.Emigration; e != nil {
		d.UdrejseIndrejser = append(d.UdrejseIndrejser, dfRecord("UdrejseIndrejse", map[string]any{"cprLandekodeUdrejse": e.Country,
			"Udenlandsadresse": map[string]any{"adresselinjer": e.ForeignAddress}}, "aktuel", e.Date, civil.Date{}))
	}
	for _, par := range []struct {
		role string
		p    generator.Parent
	}{{"mor", p.Mother}, {"far_medmor", p.Father}} {
		if !par.p.Number.IsZero() {
			d.Foraeldre = append(d.Foraeldre, dfRecord("Foraelder", map[string]any{"rolle": par.role, "personnummer": par.p.Number.String()}, "aktuel", p.BirthDate, civil.Date{}))
		}
	}
	if !history {
		return d
	}
	for _, o := range p.OldNumbers {
		d.Personnumre = append(d.Personnumre, dfRecord("Personnummer", map[string]any{"personnummer": o.Number.String()}, "historisk", o.Start, o.End))
	}
	for _, n := range p.NameHistory {
		d.Navne = append(d.Navne, dfRecord("Navn", map[string]any{"adresseringsnavn": n.Addressing, "fornavne": n.First,
			"mellemnavn": n.Middle, "efternavn": n.Last}, "historisk", n.Start, n.End))
	}
	for _, a := range p.AddressHistory {
		d.Adresseoplysninger = append(d.Adresseoplysninger, dfRecord("Adresseoplysninger", map[string]any{
			"CprAdresse": map[string]any{"cprKommunekode": a.Municipality, "cprVejkode": a.RoadCode,
				"husnummer": strings.TrimLeft(a.HouseNumber, "0"), "etage": a.Floor, "sidedoer": a.Door}}, "historisk", a.MovedIn, a.MovedOut))
	}
	for _, c := range p.CivilHistory {
		d.Civilstande = append(d.Civilstande, civilRecord(c, "historisk"))
	}
	for _, m := range p.Migrations {
		d.UdrejseIndrejser = append(d.UdrejseIndrejser, dfRecord("UdrejseIndrejse", map[string]any{"cprLandekodeUdrejse": m.ExitCountry,
			"cprLandekodeIndrejse": m.EntryCountry}, "historisk", m.Exit, m.Entry))
	}
	for _, c := range p.CitizenshipHistory {
		d.Statsborgerskaber = append(d.Statsborgerskaber, dfRecord("Statsborgerskab", map[string]any{"landekode": c.Country}, "historisk", c.Start, c.End))
	}
	return d
}

// datafordeler answers GET /CPR/{service}/1/rest/{operation}.
func (h *handler) datafordeler(w http.ResponseWriter, r *http.Request) {
	if !strings.EqualFold(r.PathValue("service"), "CprPersonFullComplete") || !strings.EqualFold(r.PathValue("rest"), "rest") {
		fail(w, http.StatusNotFound, "no Datafordeler service "+strconv.Quote(r.PathValue("service"))+"; this sandbox has CprPersonFullComplete")
		return
	}
	var history bool
	switch op := r.PathValue("operation"); {
	case strings.EqualFold(op, "PersonFullListComplete"):
		history = true
	case strings.EqualFold(op, "PersonFullCurrentListComplete"):
	default:
		fail(w, http.StatusNotFound, "no operation "+strconv.Quote(op)+"; want PersonFullListComplete or PersonFullCurrentListComplete")
		return
	}
	q := r.URL.Query()
	pageSize, page, muni := 200, 1, 0
	for _, p := range []struct {
		name     string
		dst      *int
		min, max int
	}{{"pageSize", &pageSize, 1, 500}, {"page", &page, 1, MaxPersons}, {"cadr.cprkommunekode.eq", &muni, 1, 9999}} {
		if v := q.Get(p.name); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < p.min || n > p.max {
				fail(w, http.StatusBadRequest, p.name+" "+strconv.Quote(v)+": want a number from "+strconv.Itoa(p.min)+" to "+strconv.Itoa(p.max))
				return
			}
			*p.dst = n
		}
	}
	var match []*generator.Person
	if v := q.Get("pnr.personnummer.eq") + q.Get("pnr.personnummer.wi"); v != "" {
		n, err := pnr.Parse(v)
		if err != nil {
			fail(w, http.StatusBadRequest, "pnr.personnummer: "+err.Error())
			return
		}
		p, ok := h.s.Person(n)
		if !ok {
			writeJSON(w, http.StatusNotFound, dfPersons{Personer: []dfEntry{}})
			return
		}
		match = []*generator.Person{p}
	} else {
		var from, to civil.Date
		var err error
		if v := q.Get("person.foedselsdato.ge"); v != "" {
			if from, err = civil.Parse(v[:min(len(v), 10)]); err != nil {
				fail(w, http.StatusBadRequest, "person.foedselsdato.ge: "+err.Error())
				return
			}
		}
		if v := q.Get("person.foedselsdato.le"); v != "" {
			if to, err = civil.Parse(v[:min(len(v), 10)]); err != nil {
				fail(w, http.StatusBadRequest, "person.foedselsdato.le: "+err.Error())
				return
			}
		}
		if from.IsZero() && to.IsZero() && muni == 0 {
			fail(w, http.StatusBadRequest, "give pnr.personnummer.eq, person.foedselsdato.ge/le or cadr.cprkommunekode.eq")
			return
		}
		h.s.mu.RLock()
		for _, p := range h.s.persons {
			switch {
			case !from.IsZero() && p.BirthDate.Before(from):
			case !to.IsZero() && p.BirthDate.After(to):
			case muni != 0 && (p.Address == nil || p.Address.Municipality != muni):
			default:
				match = append(match, p)
			}
		}
		h.s.mu.RUnlock()
	}
	out := dfPersons{Personer: []dfEntry{}}
	for i := (page - 1) * pageSize; i < len(match) && i < page*pageSize; i++ { // page*pageSize < 2^27
		out.Personer = append(out.Personer, dfEntry{Person: h.s.dfPerson(match[i], history)})
	}
	writeJSON(w, http.StatusOK, out)
}
