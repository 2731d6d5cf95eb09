package sandbox

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cprtestdata/cprtestdata/generator"
	"github.com/cprtestdata/cprtestdata/generator/civil"
)

// dfGet sends a Datafordeler request and decodes the answer as the Python and PHP clients do: into
// generic maps.
func dfGet(t *testing.T, base, pathAndQuery string) (int, map[string]any) {
	t.Helper()
	resp, err := http.Get(base + pathAndQuery)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	var out map[string]any
	if err := json.Unmarshal(body, &out); err != nil {
		t.Fatalf("%s: %v: %s", pathAndQuery, err, body)
	}
	return resp.StatusCode, out
}

// at walks a decoded document: keys for objects, ints for arrays; it fails the test where the client
// would fail (KeyError, IndexError).
func at(t *testing.T, v any, path ...any) any {
	t.Helper()
	for _, step := range path {
		switch k := step.(type) {
		case string:
			m, ok := v.(map[string]any)
			if !ok {
				t.Fatalf("%v: not an object at %q", path, k)
			}
			if v, ok = m[k]; !ok {
				t.Fatalf("%v: no key %q (a client's KeyError)", path, k)
			}
		case int:
			a, ok := v.([]any)
			if !ok || k >= len(a) {
				t.Fatalf("%v: no element %d (a client's IndexError)", path, k)
			}
			v = a[k]
		}
	}
	return v
}

func str(t *testing.T, v any, path ...any) string {
	t.Helper()
	s, ok := at(t, v, path...).(string)
	if !ok {
		t.Fatalf("%v: not a string: %v", path, at(t, v, path...))
	}
	return s
}

// parseAddress is nyborg-rpa's parse_address: "Vej 63, 2. tv, 5800 Nyborg".
func parseAddress(t *testing.T, a any) string {
	m := a.(map[string]any)
	get := func(k string) string { s, _ := m[k].(string); return s }
	street := str(t, a, "vejadresseringsnavn") + " " + regexp.MustCompile(`^0+`).ReplaceAllString(str(t, a, "husnummer"), "")
	floor := regexp.MustCompile(`^0*(.+)$`).ReplaceAllString(get("etage"), "$1.")
	var fd []string
	for _, p := range []string{floor, get("sidedoer")} {
		if p != "" {
			fd = append(fd, p)
		}
	}
	var parts []string
	for _, p := range []string{street, strings.Join(fd, " "), str(t, a, "postnummer") + " " + str(t, a, "postdistrikt")} {
		if p != "" {
			parts = append(parts, p)
		}
	}
	return strings.Join(parts, ", ")
}

// wantAddress is the same line from the model.
func wantAddress(p *generator.Person) string {
	a := p.Address
	line := generator.RoadAddressingName(a.Road) + " " + strings.TrimLeft(a.HouseNumber, "0") // vejadresseringsnavn, as the clients print it
	var fd []string
	if a.Floor != "" {
		fd = append(fd, strings.TrimLeft(a.Floor, "0")+".")
		if strings.Trim(a.Floor, "0") == "" {
			fd[0] = "0."
		}
	}
	if a.Door != "" {
		fd = append(fd, a.Door)
	}
	if len(fd) > 0 {
		line += ", " + strings.Join(fd, " ")
	}
	return line + ", " + fmt.Sprintf("%04d", a.Postcode) + " " + a.City
}

// TestDatafordelerOdense is odense-rpa/datafordeler's hent_personoplysninger: PersonFullListSimple by
// pnr.personnummer.wi, the path as it spells it, 200 with an empty list for no one.
func TestDatafordelerOdense(t *testing.T) {
	sb, srv := served(t, Config{Generator: generator.Config{Persons: 3000, Seed: 2}})
	var p *generator.Person
	for _, q := range sb.persons {
		if q.Civil.Code == 'G' && !q.Civil.Spouse.IsZero() && q.Address != nil {
			p = q
			break
		}
	}
	status, doc := dfGet(t, srv.URL, "/CPR/CprPersonFullSimple/1/REST/PersonFullListSimple?pnr.personnummer.wi="+p.Number.String())
	if status != 200 || len(at(t, doc, "Personer").([]any)) != 1 {
		t.Fatalf("%d %v", status, doc)
	}
	person := at(t, doc, "Personer", 0, "Person")
	if got := str(t, person, "Personnumre", 0, "Personnummer", "personnummer"); got != p.Number.String() {
		t.Errorf("personnummer %s", got)
	}
	pc := str(t, person, "Adresseoplysninger", 0, "Adresseoplysninger", "CprAdresse", "postnummer")
	if len(pc) != 4 || pc != fmt.Sprintf("%04d", p.Address.Postcode) {
		t.Errorf("postnummer %q: odense-rpa's test wants a string of 4", pc)
	}
	if _, ok := at(t, person, "Civilstande", 0, "Civilstand").(map[string]any)["Aegtefaelle"].(map[string]any)["Navn"]; ok {
		t.Errorf("Simple embeds the spouse's name")
	}
	status, doc = dfGet(t, srv.URL, "/CPR/CprPersonFullSimple/1/REST/PersonFullListSimple?pnr.personnummer.wi="+unknownNumber(t, sb))
	if status != 200 || len(at(t, doc, "Personer").([]any)) != 0 {
		t.Errorf("an unknown number: %d %v, want 200 and no Personer", status, doc)
	}
}

// TestDatafordelerNyborg runs nyborg-rpa's resident_milestones queries verbatim, paging as its client
// does (pageSize 200, page 1, 2, … until a short page), and checks the persons against the model and
// the fields the script reads.
func TestDatafordelerNyborg(t *testing.T) {
	sb, srv := served(t, Config{Generator: generator.Config{Persons: 60000, Seed: 3}})
	today, _ := sb.Today()
	getAll := func(params url.Values) []any {
		t.Helper()
		var all []any
		for page := 1; ; page++ {
			q := url.Values{"format": {"json"}, "pageSize": {"20"}, "page": {fmt.Sprint(page)}}
			for k, v := range params {
				q[k] = v
			}
			status, doc := dfGet(t, srv.URL, "/CPR/CPRPersonFullComplete/1/REST/PersonFullCurrentListComplete?"+q.Encode())
			if status != 200 {
				t.Fatalf("%d %v", status, doc)
			}
			got := at(t, doc, "Personer").([]any)
			all = append(all, got...)
			if len(got) < 20 {
				return all
			}
		}
	}
	lives := func(p *generator.Person) bool {
		return (p.Status == generator.StatusActive || p.Status == generator.StatusActiveSpecialRoad) && p.Address != nil &&
			p.Address.Municipality == 450 && p.Address.PreviousMunicipality != 450
	}
	// find_residents_turning_age_for_year, over a span of birth years wide enough to page.
	persons := getAll(url.Values{"person.foedselsdato.ge": {"1940-01-01"}, "person.foedselsdato.le": {"1999-12-31"},
		"cadr.cprkommunekode.eq": {"450"}, "adropl.fraflytningskommunekode.ne": {"450"},
		"person.status.wi": {"bopael_i_danmark|bopael_i_danmark_hoej_vejkode"}})
	var want []string
	for _, p := range sb.persons {
		if lives(p) && p.BirthDate.Year >= 1940 && p.BirthDate.Year <= 1999 {
			want = append(want, p.Number.String())
		}
	}
	var got []string
	for _, e := range persons {
		person := at(t, e, "Person")
		b, _ := json.Marshal(person)
		if strings.Contains(string(b), `"status":"historisk"`) {
			t.Fatalf("a current-only answer with a historic record (nyborg-rpa raises): %s", b)
		}
		n := str(t, person, "Personnumre", 0, "Personnummer", "personnummer")
		got = append(got, n)
		p, _ := sb.Person(mustParse(t, n))
		if _, err := time.Parse(time.RFC3339, str(t, person, "foedselsdato")); err != nil {
			t.Errorf("foedselsdato: %v", err)
		}
		name := strings.ReplaceAll(str(t, person, "Navne", 0, "Navn", "adresseringsnavn"), ",", ", ")
		if wantName := p.Name.Last + ", " + strings.TrimSpace(p.Name.First+" "+p.Name.Middle); name != wantName {
			t.Errorf("%s: name %q, want %q", n, name, wantName)
		}
		if a := parseAddress(t, at(t, person, "Adresseoplysninger", 0, "Adresseoplysninger", "CprAdresse")); a != wantAddress(p) {
			t.Errorf("%s: address %q, want %q", n, a, wantAddress(p))
		}
		if c := str(t, person, "Civilstande", 0, "Civilstand", "Civilstandstype"); c != dfCivil[p.Civil.Code] {
			t.Errorf("%s: civil status %s", n, c)
		}
		if _, err := time.Parse(time.RFC3339, str(t, person, "Civilstande", 0, "Civilstand", "virkningFra")); err != nil {
			t.Errorf("%s: Civilstand virkningFra: %v", n, err)
		}
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) || len(want) < 21 {
		t.Errorf("turning-age query: %d persons, the model has %d (want > one page)", len(got), len(want))
	}
	// find_residents_with_wedding_anniversaries_for_year.
	married := getAll(url.Values{"civ.status.eq": {"aktuel"}, "civ.civilstandstype.eq": {"gift"}, "civ.virkningfra.ge": {"1950-01-01"},
		"civ.virkningfra.le": {today.String()}, "cadr.cprkommunekode.eq": {"450"}, "adropl.fraflytningskommunekode.ne": {"450"},
		"person.status.wi": {"bopael_i_danmark|bopael_i_danmark_hoej_vejkode"}})
	want = want[:0]
	for _, p := range sb.persons {
		if lives(p) && p.Civil.Code == 'G' && !p.Civil.Start.Before(civil.Date{Year: 1950, Month: 1, Day: 1}) {
			want = append(want, p.Number.String())
		}
	}
	got = got[:0]
	for _, e := range married {
		got = append(got, str(t, e, "Person", "Personnumre", 0, "Personnummer", "personnummer"))
		if str(t, e, "Person", "Civilstande", 0, "Civilstand", "Aegtefaelle", "aegtefaellePersonnummer") == "" {
			t.Errorf("a married person without the partner's number")
		}
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) || len(want) == 0 {
		t.Errorf("anniversary query: %d persons, the model has %d", len(got), len(want))
	}
}

// TestDatafordelerKontrolgruppen is itk-dev/kontrolgruppen's getPersonData and getBopaelssamling: the
// person by pnr.personnummer.eq with history, then everyone at the address by adropl.status.eq=aktuel
// and cadr.<key>.eq for every key of the CprAdresse it received, with the relations it draws from the
// parents' and spouse's names.
func TestDatafordelerKontrolgruppen(t *testing.T) {
	sb, srv := served(t, Config{Generator: generator.Config{Persons: 5000, Seed: 6}})
	var p *generator.Person
	for _, q := range sb.persons { // a married parent living with spouse and a child
		if q.Civil.Code == 'G' && !q.Civil.Spouse.IsZero() && len(q.Children) > 0 && q.Address != nil {
			if sp, ok := sb.Person(q.Civil.Spouse); ok && sp.Address != nil && sameDwelling(sp.Address, q.Address) {
				p = q
				break
			}
		}
	}
	if p == nil {
		t.Fatal("no married parent living with the spouse")
	}
	status, doc := dfGet(t, srv.URL, "/CPR/CprPersonFullComplete/1/rest/PersonFullListComplete?pnr.personnummer.eq="+p.Number.String())
	if status != 200 {
		t.Fatalf("%d %v", status, doc)
	}
	data := at(t, doc, "Personer", 0, "Person")
	name := str(t, data, "Navne", 0, "Navn", "adresseringsnavn")
	cprAdresse := at(t, data, "Adresseoplysninger", 0, "Adresseoplysninger", "CprAdresse").(map[string]any)
	q := url.Values{"adropl.status.eq": {"aktuel"}}
	for k, v := range cprAdresse {
		q.Set("cadr."+k+".eq", v.(string))
	}
	if len(q) < 8 {
		t.Errorf("only %d filters from CprAdresse %v", len(q), cprAdresse)
	}
	status, doc = dfGet(t, srv.URL, "/CPR/CprPersonFullComplete/1/rest/PersonFullCurrentListComplete?"+q.Encode())
	if status != 200 {
		t.Fatalf("the household query: %d %v", status, doc)
	}
	relation := map[string]string{}
	for _, e := range at(t, doc, "Personer").([]any) {
		person := at(t, e, "Person")
		n := str(t, person, "Personnumre", 0, "Personnummer", "personnummer")
		rel := "Andet"
		if fops, ok := person.(map[string]any)["Foraelderoplysninger"].([]any); ok {
			for _, f := range fops {
				if fo, ok := at(t, f, "Foraelderoplysning").(map[string]any)["Foraelder"]; ok && fo.(map[string]any)["Navn"] != nil &&
					str(t, fo, "Navn", "adresseringsnavn") == name {
					rel = "Barn"
				}
			}
		}
		for _, c := range at(t, person, "Civilstande").([]any) {
			civ := at(t, c, "Civilstand").(map[string]any)
			if civ["status"] == "aktuel" && civ["Aegtefaelle"] != nil && str(t, civ, "Aegtefaelle", "Navn", "adresseringsnavn") == name {
				rel = "Ægtefælle"
			}
		}
		relation[n] = rel
	}
	var want []string
	for _, q := range sb.persons {
		if q.Address != nil && q.Status.HasAddress() && sameDwelling(q.Address, p.Address) {
			want = append(want, q.Number.String())
		}
	}
	got := slices.Sorted(func(yield func(string) bool) {
		for n := range relation {
			if !yield(n) {
				return
			}
		}
	})
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("the household: %v, the model has %v at %+v", got, want, *p.Address)
	}
	if relation[p.Civil.Spouse.String()] != "Ægtefælle" {
		t.Errorf("the spouse %s is %q", p.Civil.Spouse, relation[p.Civil.Spouse.String()])
	}
	children := 0
	for _, c := range p.Children {
		if relation[c.String()] == "Barn" {
			children++
		}
	}
	if children == 0 {
		t.Errorf("no child found by the parents' names: %v", relation)
	}
}

// TestDatafordelerRefusals: each bad request is a 400 naming what is wrong, a wrong path a 404.
func TestDatafordelerRefusals(t *testing.T) {
	_, srv := served(t, Config{Generator: generator.Config{Persons: 300, Seed: 5}})
	const op = "/CPR/CprPersonFullComplete/1/rest/PersonFullCurrentListComplete?"
	for _, tt := range []struct {
		path   string
		status int
		want   string
	}{
		{op, 400, "at least one filter"},
		{op + "pnr.personnummer.eq=12", 400, "pnr.personnummer.eq"},
		{op + "foo=1", 400, `want <entity>.<field>.<operator>`},
		{op + "kommune.kode.eq=101", 400, `unknown entity`},
		{op + "person.foedselsdato.between=1", 400, "unknown operator"},
		{op + "person.koen.eq=mand&Person.Koen.eq=kvinde", 400, "each field once with each operator"},
		{op + "person.koen.eq=mand&format=xml", 400, "format"},
		{op + "person.koen.eq=mand&pageSize=0", 400, "pageSize"},
		{op + "cadr.cprkommunekode.eq=101&page=99999", 200, `"Personer":[]`},
		{"/CPR/CprPersonFullComplete/2/rest/PersonFullCurrentListComplete?person.koen.eq=mand", 404, "/CPR/<service>/1/rest/<operation>"},
		{"/CPR/CprPersonMedium/1/rest/PersonMedium?person.koen.eq=mand", 404, "no operation"},
	} {
		t.Run(tt.path, func(t *testing.T) {
			resp, err := http.Get(srv.URL + tt.path)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tt.status || !strings.Contains(string(body), tt.want) {
				t.Errorf("%d %s, want %d and %q", resp.StatusCode, body, tt.status, tt.want)
			}
		})
	}
}

// TestDFFieldsAreTheDocumentsKeys holds dfFields to the keys the documents have: every key of a record
// an entity filters on is a field of it, and every field but cadr's unfilled DLS ones occurs.
func TestDFFieldsAreTheDocumentsKeys(t *testing.T) {
	// Enough persons that one of those living elsewhere has a c/o name (3 in 100 of them do).
	sb, err := New(t.Context(), Config{Generator: generator.Config{Persons: 6000, Seed: 7}})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]map[string]bool{}
	note := func(entity string, o dfObject) {
		if seen[entity] == nil {
			seen[entity] = map[string]bool{}
		}
		for k, v := range o {
			switch v.(type) {
			case string, bool:
				seen[entity][strings.ToLower(k)] = true
			}
		}
	}
	for _, p := range sb.persons {
		d := sb.dfDocument(p, true, true)
		note("person", d)
		for entity, e := range dfEntities {
			if entity == "person" {
				continue
			}
			for _, w := range d[e.list].([]dfObject) {
				rec := w[e.kind].(dfObject)
				if e.inner != "" {
					rec, _ = rec[e.inner].(dfObject)
				}
				note(entity, rec)
			}
		}
	}
	for entity, fields := range dfFields {
		for k := range seen[entity] {
			if !slices.Contains(fields, k) {
				t.Errorf("%s records have %q, which dfFields does not list", entity, k)
			}
		}
		for _, f := range fields {
			if !seen[entity][f] && !(entity == "cadr" && (f == "bygningsnummer" || f == "bynavn" || f == "daradresseid")) {
				t.Errorf("dfFields lists %s.%s, which no document has", entity, f)
			}
		}
	}
}

// sameDwelling reports whether two addresses are the same dwelling.
func sameDwelling(a, b *generator.Address) bool {
	return a.Municipality == b.Municipality && a.RoadCode == b.RoadCode && a.HouseNumber == b.HouseNumber && a.Floor == b.Floor && a.Door == b.Door
}
