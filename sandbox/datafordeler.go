package sandbox

import (
	"crypto/sha1"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/cprtestdata/cprtestdata/fixtures"
	"github.com/cprtestdata/cprtestdata/generator"
	"github.com/cprtestdata/cprtestdata/generator/civil"
	"github.com/cprtestdata/cprtestdata/generator/pnr"
)

// Datafordeler's CPR services as its clients call them (datafordeler.md): GET
// /CPR/<service>/1/rest/<operation> for CprPersonFullComplete (PersonFullListComplete with history,
// PersonFullCurrentListComplete current only) and CprPersonFullSimple (PersonFullListSimple,
// PersonFullCurrentListSimple: related persons by reference, without their names), every part of the
// path and every parameter name matched without regard to case. The answer is {"Personer": [{"Person":
// {…}}]} in the DLS field names, types and enum words, empty fields left out, the current record first
// in every list; an unknown person is 200 with an empty list.

// dfOperations are the services' operations: whether each gives history, and whether it is Complete
// (related persons with their names).
var dfOperations = map[string]struct{ history, complete bool }{
	"cprpersonfullcomplete/personfulllistcomplete":        {true, true},
	"cprpersonfullcomplete/personfullcurrentlistcomplete": {false, true},
	"cprpersonfullsimple/personfulllistsimple":            {true, false},
	"cprpersonfullsimple/personfullcurrentlistsimple":     {false, false},
}

// Paging: the real service's default and maximum page sizes are not documented (datafordeler.md §6);
// clients send 200 and 500.
const (
	dfDefaultPageSize = 200
	dfMaxPageSize     = 500
)

var dfStatus = map[generator.Status]string{
	generator.StatusActive: "bopael_i_danmark", generator.StatusActiveSpecialRoad: "bopael_i_danmark_hoej_vejkode",
	generator.StatusGreenland: "bopael_i_groenland", generator.StatusGreenlandSpecialRoad: "bopael_i_groenland_hoej_vejkode",
	generator.StatusAdministrative: "ej_bopael", generator.StatusAnnulled: "annulleret",
	generator.StatusDeletedDuplicate: "nedlagt_person", generator.StatusChangedNumber: "nedlagt_person",
	generator.StatusDisappeared: "forsvundet", generator.StatusEmigrated: "udrejst", generator.StatusDead: "doed",
}

var dfCivil = map[generator.Code]string{'U': "ugift", 'G': "gift", 'F': "fraskilt", 'E': "enke_enkemand",
	'P': "registreret_partnerskab", 'O': "ophoert_partnerskab", 'L': "laengstlevende_partner", 'D': "doed"}

// dfProtection are the DLS words of the protection types; research protection (4) has none and is left
// out.
var dfProtection = map[int]string{generator.ProtectionNameAndAddress: "navne_og_adresse",
	generator.ProtectionLocalDirectory: "lokal_vejviser", generator.ProtectionMarketing: "markedsfoering",
	generator.ProtectionCreditWarning: "kreditadvarsel"}

var dfNameMarker = map[string]string{"+": "forkortet", "*": "indeholder_tegn_der_ikke_kan_indrapporteres_til_cpr",
	"=": "utilstraekkeligt_dokumenteret"}

// dfCorrection is the record status of a history record by its ANNKOR.
var dfCorrection = map[string]string{"": "historisk", "K": "rettet", "A": "fortrudt", "Æ": "teknisk_aendring"}

var municipalityNames = sync.OnceValue(func() map[int]string {
	out := map[int]string{}
	if t, err := fixtures.Load(); err == nil {
		for _, m := range t.Municipalities {
			out[m.Code] = m.Name
		}
	}
	return out
})

// dfObject is a DLS object. Its put leaves empty values out, as DLS does.
type dfObject map[string]any

func (o dfObject) put(key string, v any) dfObject {
	switch x := v.(type) {
	case string:
		if x == "" {
			return o
		}
	case civil.Date:
		if x.IsZero() {
			return o
		}
		v = dfTime(x)
	case dfObject:
		if len(x) == 0 {
			return o
		}
	}
	o[key] = v
	return o
}

// dfTime is a date as Datafordeler writes date-times: midnight with the Danish offset of the day.
func dfTime(d civil.Date) string {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, copenhagen).Format(time.RFC3339)
}

// dfRecord is a record of a list, {"Navn": {…, "status", "virkningFra", "virkningTil"}}.
func dfRecord(kind string, o dfObject, status string, from, to civil.Date) dfObject {
	o.put("status", status).put("virkningFra", from).put("virkningTil", to)
	if !from.IsZero() {
		o["virkningFraUsikkerhedsmarkering"] = false
	}
	return dfObject{kind: o}
}

// code4 is a code as DLS writes CPR's codes: a string of four digits.
func code4(n int) string {
	if n == 0 {
		return ""
	}
	return fmt.Sprintf("%04d", n)
}

// personID is a stable UUID for a person (version 5 style, from the number).
func personID(n pnr.Number) string {
	h := sha1.Sum([]byte("cprtestdata person " + n.String()))
	h[6] = h[6]&0x0f | 0x50
	h[8] = h[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", h[0:4], h[4:6], h[6:8], h[8:10], h[10:16])
}

// dfName is a Navn: adresseringsnavn as DLS writes it, "Efternavn,Fornavne", with the name markers.
func dfName(n generator.Name, status string, from, to civil.Date) dfObject {
	given := strings.TrimSpace(n.First + " " + n.Middle)
	o := dfObject{}
	o.put("adresseringsnavn", strings.TrimPrefix(n.Last+","+given, ",")).put("fornavne", n.First).put("mellemnavn", n.Middle).
		put("efternavn", n.Last).put("fornavnsmarkering", dfNameMarker[n.FirstMarker]).
		put("mellemnavnsmarkering", dfNameMarker[n.MiddleMarker]).put("efternavnsmarkering", dfNameMarker[n.LastMarker])
	return dfRecord("Navn", o, status, from, to)["Navn"].(dfObject)
}

// dfDocument is one person as the service answers.
func (s *Sandbox) dfDocument(p *generator.Person, history, complete bool) dfObject {
	return s.dfParts(p, history, complete, nil)
}

// dfParts is dfDocument with only the lists named in only (nil: all): a filter needs only its entities'.
func (s *Sandbox) dfParts(p *generator.Person, history, complete bool, only map[string]bool) dfObject {
	want := func(list string) bool { return only == nil || only[list] }
	koen := "mand"
	if p.Gender == pnr.Female {
		koen = "kvinde"
	}
	d := dfObject{}
	numbers, names := []dfObject{}, []dfObject{}
	if want("Personnumre") {
		numbers = append(numbers, dfRecord("Personnummer", dfObject{"personnummer": p.Number.String()}, "aktuel", p.BirthDate, civil.Date{}))
	}
	if want("Navne") {
		names = append(names, dfObject{"Navn": dfName(p.Name, "aktuel", p.Name.Start, civil.Date{})})
	}
	if want("") { // the person's own fields
		s.dfPersonFields(d, p, koen)
	}
	var addresses, civils, protections, moves, citizenships, parents []dfObject
	if a := p.Address; a != nil && p.Status.HasAddress() && want("Adresseoplysninger") {
		o := dfObject{}
		o.put("cprKommunekode", code4(int(a.Municipality))).put("cprKommunenavn", municipalityNames()[int(a.Municipality)]).
			put("cprVejkode", code4(int(a.RoadCode))).put("vejadresseringsnavn", generator.RoadAddressingName(a.Road)).put("husnummer", a.HouseNumber).
			put("etage", a.Floor).put("sidedoer", a.Door).put("postnummer", code4(int(a.Postcode))).put("postdistrikt", a.City)
		rec := dfObject{"CprAdresse": o}
		rec.put("conavn", a.CareOf).put("tilflytningsdatoKommune", a.MunicipalityMovedIn).
			put("fraflytningskommunekode", code4(int(a.PreviousMunicipality)))
		addresses = append(addresses, dfRecord("Adresseoplysninger", rec, "aktuel", a.MovedIn, civil.Date{}))
	}
	spouse := func(c generator.CivilStatus) dfObject {
		if !c.Spouse.IsZero() {
			o := dfObject{"aegtefaellePersonId": personID(c.Spouse), "aegtefaellePersonnummer": c.Spouse.String()}
			if q, ok := s.Person(c.Spouse); ok && complete {
				o["Navn"] = dfName(q.Name, "aktuel", q.Name.Start, civil.Date{})
			}
			return dfObject{"Aegtefaelle": o}
		}
		o := dfObject{}
		o.put("navn", c.SpouseName).put("foedselsdato", c.SpouseBirthDate)
		return dfObject{}.put("AegtefaelleUdenCpr", o)
	}
	civilRecord := func(c generator.CivilStatus, status string) dfObject {
		o := spouse(c)
		o.put("Civilstandstype", dfCivil[c.Code])
		from := c.Start
		if from.IsZero() {
			from = p.BirthDate // unmarried since birth: nyborg-rpa reads virkningFra of every current civil status
		}
		return dfRecord("Civilstand", o, status, from, c.End)
	}
	if p.Civil.Code != 0 && want("Civilstande") {
		civils = append(civils, civilRecord(p.Civil, "aktuel"))
	}
	for _, pr := range p.Protections[:len(p.Protections)*boolInt(want("Beskyttelser"))] {
		w, ok := dfProtection[int(pr.Type)]
		ended := !pr.End.IsZero() && !pr.End.After(s.today())
		switch {
		case !ok, ended && !history: // a current-only answer has no historic record (nyborg-rpa refuses one)
		case ended:
			protections = append(protections, dfRecord("Beskyttelse", dfObject{"beskyttelsestype": w}, "historisk", pr.Start, pr.End))
		default:
			protections = append(protections, dfRecord("Beskyttelse", dfObject{"beskyttelsestype": w}, "aktuel", pr.Start, pr.End))
		}
	}
	if !p.CreditWarning.IsZero() && want("Beskyttelser") { // a credit warning is a Beskyttelse in DLS
		protections = append(protections, dfRecord("Beskyttelse", dfObject{"beskyttelsestype": dfProtection[generator.ProtectionCreditWarning]},
			"aktuel", p.CreditWarning, civil.Date{}))
	}
	if e := p.Emigration; e != nil && p.Status == generator.StatusEmigrated && want("UdrejseIndrejser") {
		o := dfObject{}
		o.put("cprLandekodeUdrejse", code4(int(e.Country)))
		if len(e.ForeignAddress) > 0 {
			o["Udenlandsadresse"] = dfObject{"adresselinjer": e.ForeignAddress}
		}
		moves = append(moves, dfRecord("UdrejseIndrejse", o, "aktuel", e.Date, civil.Date{}))
	}
	if p.Citizenship.Country != 0 && want("Statsborgerskaber") {
		citizenships = append(citizenships, dfRecord("Statsborgerskab", dfObject{"landekode": code4(int(p.Citizenship.Country))}, "aktuel", p.Citizenship.Start, civil.Date{}))
	}
	for _, par := range []struct {
		role string
		p    generator.Parent
	}{{"mor", p.Mother}, {"far_medmor", p.Father}} {
		if !par.p.Known() || !want("Foraelderoplysninger") {
			continue
		}
		o := dfObject{"ForaelderRolle": par.role}
		if !par.p.Number.IsZero() {
			f := dfObject{"foraelderPersonId": personID(par.p.Number), "foraelderPersonnummer": par.p.Number.String()}
			if q, ok := s.Person(par.p.Number); ok && complete {
				f["Navn"] = dfName(q.Name, "aktuel", q.Name.Start, civil.Date{})
			}
			o["Foraelder"] = f
		} else {
			u := dfObject{}
			u.put("navn", par.p.Name).put("foedselsdato", par.p.BirthDate)
			o.put("ForaelderUdenCpr", u)
		}
		parents = append(parents, dfRecord("Foraelderoplysning", o, "aktuel", p.BirthDate, civil.Date{}))
	}
	if history {
		for _, o := range p.OldNumbers[:len(p.OldNumbers)*boolInt(want("Personnumre"))] {
			numbers = append(numbers, dfRecord("Personnummer", dfObject{"personnummer": o.Number.String()}, "historisk", o.Start, o.End))
		}
		for _, n := range p.NameHistory[:len(p.NameHistory)*boolInt(want("Navne"))] {
			names = append(names, dfObject{"Navn": dfName(n.Name, dfCorrection[n.Correction], n.Start, n.End)})
		}
		for _, a := range p.AddressHistory[:len(p.AddressHistory)*boolInt(want("Adresseoplysninger"))] {
			o := dfObject{}
			o.put("cprKommunekode", code4(int(a.Municipality))).put("cprKommunenavn", municipalityNames()[int(a.Municipality)]).
				put("cprVejkode", code4(int(a.RoadCode))).put("husnummer", a.HouseNumber).put("etage", a.Floor).put("sidedoer", a.Door)
			addresses = append(addresses, dfRecord("Adresseoplysninger", dfObject{"CprAdresse": o}, dfCorrection[a.Correction], a.MovedIn, a.MovedOut))
		}
		for _, c := range p.CivilHistory[:len(p.CivilHistory)*boolInt(want("Civilstande"))] {
			civils = append(civils, civilRecord(c, dfCorrection[c.Correction]))
		}
		for _, m := range p.Migrations[:len(p.Migrations)*boolInt(want("UdrejseIndrejser"))] {
			o := dfObject{}
			o.put("cprLandekodeUdrejse", code4(int(m.ExitCountry))).put("cprLandekodeIndrejse", code4(int(m.EntryCountry)))
			moves = append(moves, dfRecord("UdrejseIndrejse", o, dfCorrection[m.Correction], m.Exit, m.Entry))
		}
		for _, c := range p.CitizenshipHistory[:len(p.CitizenshipHistory)*boolInt(want("Statsborgerskaber"))] {
			citizenships = append(citizenships, dfRecord("Statsborgerskab", dfObject{"landekode": code4(int(c.Country))}, dfCorrection[c.Correction], c.Start, c.End))
		}
	}
	for key, list := range map[string][]dfObject{"Personnumre": numbers, "Navne": names, "Adresseoplysninger": addresses,
		"Civilstande": civils, "Beskyttelser": protections, "UdrejseIndrejser": moves, "Statsborgerskaber": citizenships,
		"Foraelderoplysninger": parents} {
		if list == nil {
			list = []dfObject{}
		}
		slices.SortStableFunc(list, func(a, b dfObject) int { return current(b) - current(a) }) // the current record first
		d[key] = list
	}
	return d
}

// current is 1 for a list element whose record is aktuel, else 0.
func current(w dfObject) int {
	for _, rec := range w {
		if o, ok := rec.(dfObject); ok && o["status"] == "aktuel" {
			return 1
		}
	}
	return 0
}

// dfPersonFields puts the person's own fields into d.
func (s *Sandbox) dfPersonFields(d dfObject, p *generator.Person, koen string) {
	d["id"], d["foedselsdatoUsikkerhedsmarkering"] = personID(p.Number), p.BirthDateUncertain
	d.put("foedselsdato", p.BirthDate).put("koen", koen).put("status", dfStatus[p.Status]).put("statusdato", p.StatusDate).
		put("stilling", p.Occupation).put("cprfoedselsregistreringsstedskode", code4(int(p.BirthPlace.Authority))).
		put("cprfoedselsregistreringsstedsnavn", p.BirthPlace.Text)
	if !p.StatusDate.IsZero() {
		d["statusdatoUsikkerhedsmarkering"] = false
	}
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func (s *Sandbox) today() civil.Date {
	today, _ := s.Today()
	return today
}

// dfQueryError is a request the service refuses, with its status.
type dfQueryError struct {
	status int
	msg    string
}

// dfCondition is one filter: prefix.field.op=value, the prefix and field lower-case.
type dfCondition struct {
	prefix, field, op string
	values            []string
	param             string // as sent
}

// dfEntities are the filter prefixes and where in a document their fields are: the list, the record
// kind within it, and for cadr the object inside the record. adropl and cadr address the same records.
var dfEntities = map[string]struct{ list, kind, inner string }{
	"pnr":    {"Personnumre", "Personnummer", ""},
	"navn":   {"Navne", "Navn", ""},
	"cadr":   {"Adresseoplysninger", "Adresseoplysninger", "CprAdresse"},
	"adropl": {"Adresseoplysninger", "Adresseoplysninger", ""},
	"civ":    {"Civilstande", "Civilstand", ""},
	"person": {},
}

// dfFields are the fields each entity filters on, lower-case: the keys of its records (TestDFFieldsAreTheDocumentsKeys
// holds the two together), and for cadr the DLS keys the model does not fill, which match only ne.
var dfFields = map[string][]string{
	"pnr": {"personnummer", "status", "virkningfra", "virkningtil", "virkningfrausikkerhedsmarkering"},
	"person": {"id", "foedselsdato", "foedselsdatousikkerhedsmarkering", "koen", "status", "statusdato", "statusdatousikkerhedsmarkering",
		"stilling", "cprfoedselsregistreringsstedskode", "cprfoedselsregistreringsstedsnavn"},
	"navn": {"adresseringsnavn", "fornavne", "mellemnavn", "efternavn", "fornavnsmarkering", "mellemnavnsmarkering",
		"efternavnsmarkering", "status", "virkningfra", "virkningtil", "virkningfrausikkerhedsmarkering"},
	"cadr": {"cprkommunekode", "cprkommunenavn", "cprvejkode", "vejadresseringsnavn", "husnummer", "etage", "sidedoer",
		"postnummer", "postdistrikt", "bygningsnummer", "bynavn", "daradresseid"},
	"adropl": {"status", "virkningfra", "virkningtil", "virkningfrausikkerhedsmarkering", "conavn", "tilflytningsdatokommune",
		"fraflytningskommunekode"},
	"civ": {"civilstandstype", "status", "virkningfra", "virkningtil", "virkningfrausikkerhedsmarkering"},
}

// parseDFQuery reads the query: the paging and format parameters and the filters, each field once.
func parseDFQuery(r *http.Request, entities map[string]struct{ list, kind, inner string }, fields map[string][]string) (conds []dfCondition, page, pageSize int, qe *dfQueryError) {
	page, pageSize = 1, dfDefaultPageSize
	seen := map[string]string{}
	bad := func(format string, args ...any) *dfQueryError {
		return &dfQueryError{http.StatusBadRequest, fmt.Sprintf(format, args...)}
	}
	for name, vs := range r.URL.Query() {
		lower := strings.ToLower(name)
		if len(vs) > 1 {
			return nil, 0, 0, bad("%s is given %d times: each parameter once", name, len(vs))
		}
		v := vs[0]
		switch lower {
		case "page", "pagesize":
			n, err := strconv.Atoi(v)
			max := MaxPersons
			if lower == "pagesize" {
				max = dfMaxPageSize
			}
			if err != nil || n < 1 || n > max {
				return nil, 0, 0, bad("%s %q: want a number from 1 to %d", name, v, max)
			}
			if lower == "page" {
				page = n
			} else {
				pageSize = n
			}
			continue
		case "format":
			if !strings.EqualFold(v, "json") {
				return nil, 0, 0, bad("format %q: this service answers json", v)
			}
			continue
		}
		parts := strings.Split(lower, ".")
		if len(parts) != 3 {
			return nil, 0, 0, bad("parameter %q: want <entity>.<field>.<operator>, such as pnr.personnummer.eq", name)
		}
		if _, ok := entities[parts[0]]; !ok {
			names := slices.Sorted(maps.Keys(entities))
			return nil, 0, 0, bad("parameter %q: unknown entity %q; this service filters on %s", name, parts[0], strings.Join(names, ", "))
		}
		if !slices.Contains(fields[parts[0]], parts[1]) {
			return nil, 0, 0, bad("parameter %q: %s has no field %q; it has %s", name, parts[0], parts[1], strings.Join(fields[parts[0]], ", "))
		}
		key := lower // a field once with each operator: nyborg-rpa sends person.foedselsdato.ge and .le
		if other, dup := seen[key]; dup {
			return nil, 0, 0, bad("%s and %s are the same filter: each field once with each operator", other, name)
		}
		seen[key] = name
		c := dfCondition{prefix: parts[0], field: parts[1], op: parts[2], values: []string{v}, param: name}
		switch c.op {
		case "eq", "ne", "ge", "le", "gt":
		case "wi":
			c.values = strings.Split(v, "|")
		default:
			return nil, 0, 0, bad("parameter %q: unknown operator %q; want eq, ne, ge, le, gt or wi", name, c.op)
		}
		conds = append(conds, c)
	}
	slices.SortFunc(conds, func(a, b dfCondition) int { return strings.Compare(a.param, b.param) })
	return conds, page, pageSize, nil
}

// dfMatch reports whether document d passes every condition: for each entity, one record that passes
// all of that entity's conditions (cadr and adropl on the same address record).
func dfMatch(d dfObject, conds []dfCondition) (bool, *dfQueryError) {
	groups := map[string][]dfCondition{}
	for _, c := range conds {
		key := c.prefix
		if key == "cadr" {
			key = "adropl"
		}
		groups[key] = append(groups[key], c)
	}
	for key, cs := range groups {
		var records []dfObject
		if key == "person" || key == "haendelse" { // the document itself
			records = []dfObject{d}
		} else {
			e := dfEntities[key]
			for _, w := range d[e.list].([]dfObject) {
				records = append(records, w[e.kind].(dfObject))
			}
		}
		found := false
		for _, rec := range records {
			all := true
			for _, c := range cs {
				obj := rec
				if c.prefix == "cadr" {
					obj, _ = rec["CprAdresse"].(dfObject)
				}
				ok, qe := dfCompare(obj, c)
				if qe != nil {
					return false, qe
				}
				if !ok {
					all = false
					break
				}
			}
			if all {
				found = true
				break
			}
		}
		if !found {
			return false, nil
		}
	}
	return true, nil
}

// dfCompare tests one condition on an object: the field found without regard to case; codes and numbers
// compared as numbers ("0450" = "450"), dates by day, text exactly (a first name also by each of the
// names in fornavne). A field the object does not have matches only ne.
func dfCompare(o dfObject, c dfCondition) (bool, *dfQueryError) {
	var have any
	found := false
	for k, v := range o {
		if strings.ToLower(k) == c.field {
			have, found = v, true
			break
		}
	}
	if !found {
		return c.op == "ne", nil
	}
	var hv string
	switch x := have.(type) {
	case string:
		hv = x
	case bool:
		hv = strconv.FormatBool(x)
	default:
		return false, &dfQueryError{http.StatusBadRequest, fmt.Sprintf("parameter %q: %s is not a field one can filter on", c.param, c.field)}
	}
	cmp := func(want string) (int, bool) {
		if hn, err := strconv.Atoi(hv); err == nil {
			if wn, err := strconv.Atoi(want); err == nil {
				return hn - wn, true
			}
		}
		if len(hv) >= 10 && len(want) >= 10 && hv[4] == '-' && want[4] == '-' {
			return strings.Compare(hv[:10], want[:10]), true
		}
		if strings.EqualFold(hv, want) {
			return 0, true
		}
		if c.field == "fornavne" && slices.ContainsFunc(strings.Fields(hv), func(n string) bool { return strings.EqualFold(n, want) }) {
			return 0, true
		}
		return strings.Compare(strings.ToLower(hv), strings.ToLower(want)), false
	}
	switch c.op {
	case "eq":
		d, _ := cmp(c.values[0])
		return d == 0, nil
	case "ne":
		d, _ := cmp(c.values[0])
		return d != 0, nil
	case "wi":
		for _, v := range c.values {
			if d, _ := cmp(v); d == 0 {
				return true, nil
			}
		}
		return false, nil
	}
	d, ordered := cmp(c.values[0])
	if !ordered {
		return false, &dfQueryError{http.StatusBadRequest, fmt.Sprintf("parameter %q: %s takes %s only on numbers and dates", c.param, c.field, c.op)}
	}
	switch c.op {
	case "ge":
		return d >= 0, nil
	case "le":
		return d <= 0, nil
	default: // gt
		return d > 0, nil
	}
}

// datafordeler answers GET /CPR/<service>/1/rest/<operation>, whatever the case of its parts.
func (h *handler) datafordeler(w http.ResponseWriter, r *http.Request) {
	parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	if len(parts) != 5 || !strings.EqualFold(parts[0], "cpr") || parts[2] != "1" || !strings.EqualFold(parts[3], "rest") {
		fail(w, http.StatusNotFound, "no such path: "+r.URL.Path+"; Datafordeler's CPR services are /CPR/<service>/1/rest/<operation>")
		return
	}
	if strings.EqualFold(parts[1]+"/"+parts[4], "CprHaendelse/CprHaendelse") {
		h.haendelser(w, r)
		return
	}
	op, ok := dfOperations[strings.ToLower(parts[1]+"/"+parts[4])]
	if !ok {
		fail(w, http.StatusNotFound, "no operation "+parts[1]+"/"+parts[4]+"; this sandbox has CprPersonFullComplete/PersonFullListComplete, "+
			"CprPersonFullComplete/PersonFullCurrentListComplete, CprPersonFullSimple/PersonFullListSimple, CprPersonFullSimple/PersonFullCurrentListSimple and CprHaendelse/CprHaendelse")
		return
	}
	conds, page, pageSize, qe := parseDFQuery(r, dfEntities, dfFields)
	if qe == nil && len(conds) == 0 {
		qe = &dfQueryError{http.StatusBadRequest, "give at least one filter, such as pnr.personnummer.eq=0101011234 or cadr.cprkommunekode.eq=101"}
	}
	if qe != nil {
		fail(w, qe.status, qe.msg)
		return
	}
	// A number looked up is found directly: the person holding it now, or for a number that was
	// replaced, the person under the new one (DLS has one person with both numbers).
	var candidates []*generator.Person
	if i := slices.IndexFunc(conds, func(c dfCondition) bool {
		return c.prefix == "pnr" && c.field == "personnummer" && (c.op == "eq" || c.op == "wi")
	}); i >= 0 {
		byNumber := conds[i]
		conds = slices.Delete(slices.Clone(conds), i, i+1) // the lookup has applied it
		seen := map[pnr.Number]bool{}
		for _, v := range byNumber.values {
			n, err := pnr.Parse(v)
			if err != nil {
				fail(w, http.StatusBadRequest, byNumber.param+" "+strconv.Quote(v)+": "+err.Error())
				return
			}
			p, ok := h.s.Person(n)
			if ok && !p.CurrentNumber.IsZero() {
				if q, ok := h.s.Person(p.CurrentNumber); ok {
					p = q
				}
			}
			if ok && !seen[p.Number] {
				seen[p.Number] = true
				candidates = append(candidates, p)
			}
		}
	} else {
		h.s.mu.RLock()
		candidates = slices.Clone(h.s.persons)
		h.s.mu.RUnlock()
	}
	out := []dfObject{}
	skip := (page - 1) * pageSize
	lists := map[string]bool{}
	for _, c := range conds {
		lists[dfEntities[c.prefix].list] = true
	}
	for _, p := range candidates {
		if len(out) == pageSize {
			break
		}
		ok, qe := dfMatch(h.s.dfParts(p, op.history, false, lists), conds)
		if qe != nil {
			fail(w, qe.status, qe.msg)
			return
		}
		if !ok {
			continue
		}
		if skip > 0 {
			skip--
			continue
		}
		out = append(out, dfObject{"Person": h.s.dfDocument(p, op.history, op.complete)})
	}
	writeJSON(w, http.StatusOK, map[string]any{"Personer": out})
}
