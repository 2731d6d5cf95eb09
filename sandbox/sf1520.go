package sandbox

import (
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/cprtestdata/cprtestdata/formats/extract"
	"github.com/cprtestdata/cprtestdata/generator"
	"github.com/cprtestdata/cprtestdata/generator/civil"
	"github.com/cprtestdata/cprtestdata/generator/pnr"
	"github.com/cprtestdata/cprtestdata/sandbox/soap"
)

// sf1520 answers PersonBaseDataExtended PersonLookup (SF1520), version 4 or 5: the two differ only in
// namespace (serviceplatformen.md §2.1).
func (h *handler) sf1520(version int) http.HandlerFunc {
	ns := fmt.Sprintf(sf1520NS, version)
	return func(w http.ResponseWriter, r *http.Request) {
		h.serveSOAP(w, r, "SF1520v"+strconv.Itoa(version), ns, false, func(c *soapCall) ([]byte, *soapFault) {
			if c.op.Local != "PersonLookupRequest" {
				return nil, clientFault(faultBadRequest, "unknown operation %s: PersonBaseDataExtended has PersonLookup (PersonLookupRequest)", c.op.Local)
			}
			return h.s.personLookup(c.op.ChildText("PNR"), ns)
		})
	}
}

// personLookup is PersonLookupResponse for a number: the person as the extracts describe them today.
// Serviceplatformen answers public authorities, so protected names and addresses are given with the
// protection marked, as CPR gives them to authorities. An unknown number is the fault "PNR not found",
// the text OS2sofd looks for.
func (s *Sandbox) personLookup(v, ns string) ([]byte, *soapFault) {
	if len(v) != 10 || !digitsOnly(v) {
		return nil, clientFault(faultBadRequest, "PNR %q: want 10 digits", v)
	}
	n, err := pnr.Parse(v)
	var p *generator.Person
	ok := false
	if err == nil {
		p, ok = s.Person(n)
	}
	if !ok {
		return nil, &soapFault{code: "soap:Server", errorCode: faultNotFound, text: "PNR not found"}
	}
	today, _ := s.Today()
	w := soap.NewWriter()
	w.Start("PersonLookupResponse", "xmlns", ns)
	s.persondata(w, p, today)
	s.adresse(w, p)
	s.relationer(w, p)
	w.End("PersonLookupResponse")
	return w.Bytes(), nil
}

func digitsOnly(v string) bool {
	for i := range len(v) {
		if v[i] < '0' || v[i] > '9' {
			return false
		}
	}
	return true
}

// xsdDate is an xsd:date with CPR's zone offset on that day, "1978-04-27+01:00", the form the service
// gives (serviceplatformen.md §2.3); xsdDateTime the same day at midnight.
func xsdDate(d civil.Date) string {
	return d.String() + zoneOf(d)
}

func xsdDateTime(d civil.Date) string {
	return d.String() + "T00:00:00.000" + zoneOf(d)
}

func zoneOf(d civil.Date) string {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, copenhagen).Format("-07:00")
}

func dateElement(w *soap.Writer, name string, d civil.Date, withTime bool) {
	if d.IsZero() {
		return
	}
	w.Start(name)
	if withTime {
		w.Text("dato", xsdDateTime(d))
	} else {
		w.Text("dato", xsdDate(d))
	}
	w.End(name)
}

func optText(w *soap.Writer, name, v string) {
	if v != "" {
		w.Text(name, v)
	}
}

func (s *Sandbox) persondata(w *soap.Writer, p *generator.Person, today civil.Date) {
	w.Start("persondata")
	w.Text("personnummer", p.Number.String())
	if !p.CurrentNumber.IsZero() {
		w.Text("gaeldendePersonnummer", p.CurrentNumber.String())
	}
	w.Start("navn")
	w.Text("personadresseringsnavn", p.Name.Addressing)
	optText(w, "fornavn", p.Name.First)
	optText(w, "mellemnavn", p.Name.Middle)
	optText(w, "efternavn", p.Name.Last)
	optText(w, "fornavnMarkering", p.Name.FirstMarker)
	optText(w, "mellemnavnMarkering", p.Name.MiddleMarker)
	optText(w, "efternavnMarkering", p.Name.LastMarker)
	dateElement(w, "navnestartdato", p.Name.Start, true)
	w.End("navn")
	w.Start("foedselsdato")
	w.Text("dato", xsdDate(p.BirthDate))
	if p.BirthDateUncertain {
		w.Text("usikkerhedsmarkering", "*")
	}
	w.End("foedselsdato")
	if p.BirthPlace.Authority != 0 || p.BirthPlace.Text != "" {
		w.Start("foedselsregistreringsOplysninger")
		if p.BirthPlace.Authority != 0 {
			w.Text("foedselsregistreringsstedKode", strconv.Itoa(int(p.BirthPlace.Authority)))
		}
		optText(w, "supplerendeFoedselsregistreringssted", p.BirthPlace.Text)
		w.End("foedselsregistreringsOplysninger")
	}
	w.Text("alder", strconv.Itoa(p.AgeOn(today)))
	koen := "M"
	if p.Gender == pnr.Female {
		koen = "K"
	}
	w.Text("koen", koen)
	w.Text("antalBoernUnder18", strconv.Itoa(s.activeChildrenUnder18(p, today)))
	optText(w, "stilling", p.Occupation)
	w.Start("status")
	w.Text("status", strconv.Itoa(int(p.Status)))
	dateElement(w, "statusdato", p.StatusDate, true)
	w.End("status")
	if p.Separation != nil {
		w.Start("separation")
		w.Text("separeret", "true")
		dateElement(w, "separationsdato", p.Separation.Start, true)
		w.End("separation")
	}
	if p.Civil.Code != 0 {
		w.Start("civilstand")
		w.Text("civilstand", string(rune(p.Civil.Code)))
		dateElement(w, "civilstandsdato", p.Civil.Start, true)
		w.End("civilstand")
	}
	if p.Citizenship.Country != 0 {
		w.Start("statsborgerskab")
		w.Text("landekode", strconv.Itoa(int(p.Citizenship.Country)))
		dateElement(w, "statsborgerskabDato", p.Citizenship.Start, true)
		w.End("statsborgerskab")
	}
	if g := p.Guardianship; g != nil {
		w.Start("umyndiggoerelse")
		if !g.Guardian.IsZero() {
			w.Text("umyndiggorelseRelationType", "1")
			w.Text("relationPersonnummer", g.Guardian.String())
		} else {
			w.Text("umyndiggorelseRelationType", "2")
			optText(w, "relationVaergenavn", g.GuardianName)
		}
		dateElement(w, "umyndiggoerelseStartdato", g.Start, false)
		w.Text("umyndiggjort", "true")
		for i, line := range g.GuardianAddress[:min(len(g.GuardianAddress), 5)] {
			optText(w, "relationtekst"+strconv.Itoa(i+1), line)
		}
		w.End("umyndiggoerelse")
	}
	if p.Status == generator.StatusDisappeared {
		dateElement(w, "forsvindingsdato", p.Disappeared, true)
	}
	for _, kind := range []struct {
		name string
		typ  int
	}{{"adressebeskyttelse", generator.ProtectionNameAndAddress}, {"vejviserbeskyttelse", generator.ProtectionLocalDirectory},
		{"markedsfoeringsbeskyttelse", generator.ProtectionMarketing}} {
		for _, pr := range p.Protections {
			if int(pr.Type) != kind.typ || (!pr.End.IsZero() && !pr.End.After(today)) || pr.Start.After(today) {
				continue
			}
			w.Start(kind.name)
			if !pr.Start.IsZero() {
				w.Text("startdato", xsdDate(pr.Start))
			}
			if !pr.End.IsZero() {
				w.Text("slutdato", xsdDate(pr.End))
			}
			w.Text("beskyttet", "true")
			w.End(kind.name)
			break
		}
	}
	w.End("persondata")
}

// activeChildrenUnder18 counts the person's children of an active status under 18 on today, as the
// schema defines antalBoernUnder18.
func (s *Sandbox) activeChildrenUnder18(p *generator.Person, today civil.Date) int {
	n := 0
	for _, c := range p.Children {
		if child, ok := s.Person(c); ok && child.Status.Active() && child.AgeOn(today) < 18 {
			n++
		}
	}
	return n
}

// adresse always holds aktuelAdresse, empty for a person without a Danish address: service_person_
// stamdata_udvidet fails without it (serviceplatformen.md §2.2).
func (s *Sandbox) adresse(w *soap.Writer, p *generator.Person) {
	w.Start("adresse")
	w.Start("aktuelAdresse")
	if a := p.Address; a != nil && p.Status.HasAddress() {
		w.Text("kommunekode", strconv.Itoa(int(a.Municipality)))
		w.Text("vejkode", strconv.Itoa(int(a.RoadCode)))
		optText(w, "husnummer", a.HouseNumber)
		optText(w, "etage", a.Floor)
		optText(w, "sidedoer", a.Door)
		optText(w, "conavn", a.CareOf)
		if a.Postcode != 0 {
			w.Text("postnummer", a.Postcode.Text())
		}
		optText(w, "postdistrikt", extract.PostDistrictText(a.City))
		optText(w, "vejnavn", a.Road)
		optText(w, "standardadresse", extract.LabelledAddress(a))
		optText(w, "adresseringsnavn", p.Name.Addressing)
		optText(w, "vejadresseringsnavn", generator.RoadAddressingName(a.Road))
		dateElement(w, "tilflytningsdato", a.MovedIn, true)
	}
	w.End("aktuelAdresse")
	if e := p.Emigration; e != nil && p.Status == generator.StatusEmigrated {
		w.Start("udrejseoplysninger")
		w.Text("udrejselandekode", strconv.Itoa(int(e.Country)))
		dateElement(w, "udrejsedato", e.Date, true)
		for i, line := range e.ForeignAddress[:min(len(e.ForeignAddress), 5)] {
			optText(w, "udlandsadresse"+strconv.Itoa(i+1), line)
		}
		w.End("udrejseoplysninger")
	}
	w.End("adresse")
}

// relationer: spouse, children, mother and father, each by number when CPR holds them and by birth
// date and name when it does not (the schema's choice), and who holds custody.
func (s *Sandbox) relationer(w *soap.Writer, p *generator.Person) {
	w.Start("relationer")
	if cs := p.Civil; cs.Code == 'G' || cs.Code == 'P' {
		relation(w, "aegtefaelle", generator.Parent{Number: cs.Spouse, Name: cs.SpouseName, BirthDate: cs.SpouseBirthDate})
	}
	for _, c := range p.Children {
		w.Start("barn")
		w.Text("personnummer", c.String())
		w.End("barn")
	}
	relation(w, "mor", p.Mother)
	relation(w, "far", p.Father)
	for _, c := range p.Custody {
		w.Start("foraeldremyndighed")
		w.Text("foraeldremyndighedtype", strconv.Itoa(int(c.Type)))
		dateElement(w, "foraeldremyndighedStartdato", c.Start, false)
		if !c.Holder.IsZero() {
			w.Text("relationPersonnummer", c.Holder.String())
		}
		w.End("foraeldremyndighed")
	}
	w.End("relationer")
}

// relation is a personRelationType: the number, or for a person CPR does not hold the birth date and
// name; nothing when nothing is known.
func relation(w *soap.Writer, name string, r generator.Parent) {
	if !r.Known() && r.BirthDate.IsZero() {
		return
	}
	w.Start(name)
	if !r.Number.IsZero() {
		w.Text("personnummer", r.Number.String())
	} else {
		dateElement(w, "foedselsdato", r.BirthDate, false)
		optText(w, "navn", r.Name)
	}
	w.End(name)
}
