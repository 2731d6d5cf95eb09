package sandbox

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/cprtestdata/cprtestdata/formats/extract"
	"github.com/cprtestdata/cprtestdata/formats/private"
	"github.com/cprtestdata/cprtestdata/generator"
	"github.com/cprtestdata/cprtestdata/generator/civil"
	"github.com/cprtestdata/cprtestdata/sandbox/direkte"
)

// phpLogon and phpLookup are php-cpr-direkte's requests (private-customers.md §3): the 35-byte logon
// with its transaction code, and transCode,kundenr 0 6 token user 00 PNR.
func phpLogon(trans, customer, user, password string) []byte {
	return []byte(fmt.Sprintf("%-35s", trans+","+customer+"90"+fmt.Sprintf("%-8s%-8s", user, password)))
}

func phpLookup(trans, customer, token, user, number string) []byte {
	return []byte(trans + "," + customer + "0" + "6" + token + fmt.Sprintf("%-8s", user) + "00" + number)
}

// privRecords reads the DATA of a PRIV answer with the project's reader of the private layout.
func privRecords(t *testing.T, data []byte) map[string]*extract.Record {
	t.Helper()
	out := map[string]*extract.Record{}
	r := private.NewReader(bytes.NewReader(data))
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatalf("PRIV answer: %v\n%q", err, data)
		}
		out[rec.Type()] = rec
	}
}

// TestPRIV looks persons up as a private customer does with php-cpr-direkte: the default customer 5678
// with PRIVUSER, answers in the 469-character 001, name "Efternavn,Fornavn(e)", a protected person's
// name and address left out, and a public customer refused PRIV, a private one OFF4, with error 99.
func TestPRIV(t *testing.T) {
	sb, err := New(context.Background(), Config{Generator: generator.Config{Persons: 3000, Seed: 4}})
	if err != nil {
		t.Fatal(err)
	}
	dial := direkteServer(t, sb, true)
	r := call(t, dial, phpLogon("PRIV", "5678", "PRIVUSER", "Test1234"))
	if r.Code != direkte.OK || len(r.Token) != 8 {
		t.Fatalf("PRIV logon: %+v", r)
	}
	today, _ := sb.Today()
	var plain, protected *generator.Person
	for _, p := range sb.persons {
		if p.Address == nil || !p.Status.HasAddress() {
			continue
		}
		switch {
		case nameProtected(p, today) && protected == nil:
			protected = p
		case !nameProtected(p, today) && plain == nil && p.Name.Middle != "":
			plain = p
		}
	}
	if plain == nil || protected == nil {
		t.Fatal("no protected person with an address")
	}
	ans := call(t, dial, phpLookup("PRIV", "5678", r.Token, "PRIVUSER", plain.Number.String()))
	if ans.Code != direkte.OK {
		t.Fatalf("PRIV lookup: %+v", ans)
	}
	recs := privRecords(t, ans.Data)
	r001 := recs["001"]
	if r001 == nil || r001.Layout.Length != 469 {
		t.Fatalf("no 469-character 001: %v", recs)
	}
	a := plain.Address
	for _, c := range []struct{ field, got, want string }{
		{"PNR", r001.Get("PNR"), plain.Number.String()},
		{"BIRTHDATE", r001.Get("BIRTHDATE"), strings.ReplaceAll(plain.BirthDate.String(), "-", "")},
		{"STATUS", r001.Get("STATUS"), fmt.Sprintf("%02d", plain.Status)},
		{"ADDRESSNAME", r001.Get("ADDRESSNAME"), plain.Name.Last + "," + plain.Name.First + " " + plain.Name.Middle},
		{"FIRSTNAME", r001.Get("FIRSTNAME"), plain.Name.First + " " + plain.Name.Middle},
		{"LASTNAME", r001.Get("LASTNAME"), plain.Name.Last},
		{"STREET", r001.Get("STREET"), extract.LabelledAddress(a)},
		{"ZIPCODE", r001.Get("ZIPCODE"), fmt.Sprintf("%04d", a.Postcode)},
		{"STATE", r001.Get("STATE"), fmt.Sprintf("%04d", a.Municipality)},
		{"STREET_NUMBER", r001.Get("STREET_NUMBER"), a.HouseNumber},
	} {
		if c.got != c.want {
			t.Errorf("%s: %q, want %q", c.field, c.got, c.want)
		}
	}
	for _, t0 := range []string{"003", "004", "008", "012", "014", "015"} {
		if recs[t0] != nil {
			t.Errorf("a private customer receives record %s", t0)
		}
	}
	ans = call(t, dial, phpLookup("PRIV", "5678", r.Token, "PRIVUSER", protected.Number.String()))
	recs = privRecords(t, ans.Data)
	p001 := recs["001"]
	for _, f := range []string{"ADDRESSNAME", "FIRSTNAME", "LASTNAME", "STREET", "POSTDISTRICT", "STREET_NUMBER", "STREETADDRESS_NAME"} {
		if p001.Get(f) != "" {
			t.Errorf("protected %s: %s is %q, want it left out", protected.Number, f, p001.Get(f))
		}
	}
	if p001.Get("ZIPCODE") != "0000" || p001.Get("NAMEPROTECTIONDATE") == "000000000000" {
		t.Errorf("protected: ZIPCODE %q, NAMEPROTECTIONDATE %q: want zeros and the protection's start", p001.Get("ZIPCODE"), p001.Get("NAMEPROTECTIONDATE"))
	}
	if p001.Get("STATUS") != fmt.Sprintf("%02d", protected.Status) {
		t.Errorf("protected: status %q", p001.Get("STATUS"))
	}

	// The public customer may not use PRIV, the private one not OFF4: error 99 both.
	pub := call(t, dial, phpLogon("OFF4", "1234", "TESTUSER", "Test1234"))
	if got := call(t, dial, phpLookup("PRIV", "1234", pub.Token, "TESTUSER", plain.Number.String())); got.Code != direkte.NoTransactionRight {
		t.Errorf("PRIV from a public customer: %02d, want 99", int(got.Code))
	}
	if got := call(t, dial, phpLogon("PRIV", "1234", "TESTUSER", "Test1234")); got.Code != direkte.NoTransactionRight {
		t.Errorf("a PRIV logon of a public customer: %02d, want 99", int(got.Code))
	}
	if got := call(t, dial, phpLogon("OFF4", "5678", "PRIVUSER", "Test1234")); got.Code != direkte.NoTransactionRight {
		t.Errorf("an OFF4 logon of a private customer: %02d, want 99", int(got.Code))
	}
}

// TestPRIVOptions: the parameters a private customer agrees with CPR change the answer.
func TestPRIVOptions(t *testing.T) {
	sb, err := New(context.Background(), Config{Generator: generator.Config{Persons: 2000, Seed: 4}, Customers: []CustomerConfig{
		{Number: 4000, Private: true, Priv: &PrivOptions{NameFirstLast: true, IncludeProtected: true},
			Users: []UserConfig{{ID: "BANK", Password: "Bank4000"}}}}})
	if err != nil {
		t.Fatal(err)
	}
	dial := direkteServer(t, sb, false)
	r := call(t, dial, phpLogon("PRIV", "4000", "BANK", "Bank4000"))
	today, _ := sb.Today()
	for _, p := range sb.persons {
		if p.Address == nil || !p.Status.HasAddress() {
			continue
		}
		if !nameProtected(p, today) {
			continue
		}
		recs := privRecords(t, call(t, dial, phpLookup("PRIV", "4000", r.Token, "BANK", p.Number.String())).Data)
		want := strings.TrimSpace(p.Name.First+" "+p.Name.Middle) + " " + p.Name.Last
		if got := recs["001"].Get("ADDRESSNAME"); got != want || recs["001"].Get("STREET") == "" {
			t.Errorf("include_protected and name_first_last: ADDRESSNAME %q, want %q; STREET %q", got, want, recs["001"].Get("STREET"))
		}
		return
	}
	t.Fatal("no protected person")
}

// TestPRIVConfiguration: PRIV for private customers only, and its parameters for them only.
func TestPRIVConfiguration(t *testing.T) {
	for _, c := range []CustomerConfig{
		{Number: 10, Users: []UserConfig{{ID: "A", Password: "Abcd1234", Transactions: []string{"PRIV"}}}},
		{Number: 11, Private: true, Users: []UserConfig{{ID: "A", Password: "Abcd1234", Transactions: []string{"OFF4"}}}},
		{Number: 12, Priv: &PrivOptions{}, Users: []UserConfig{{ID: "A", Password: "Abcd1234"}}},
	} {
		if _, err := New(context.Background(), Config{Generator: generator.Config{Persons: 100}, Customers: []CustomerConfig{c}}); err == nil {
			t.Errorf("customer %d accepted", c.Number)
		} else if !strings.Contains(err.Error(), "customer "+strconv.Itoa(c.Number)) {
			t.Errorf("customer %d: %v", c.Number, err)
		}
	}
}

func nameProtected(p *generator.Person, today civil.Date) bool {
	for _, pr := range p.Protections {
		if pr.Type == generator.ProtectionNameAndAddress && !pr.Start.After(today) && (pr.End.IsZero() || pr.End.After(today)) {
			return true
		}
	}
	return false
}

// TestPrivateSubscriptionExtract: a private customer's PNR subscription brings its change extracts in
// the private layout, U09480P, readable by the private reader.
func TestPrivateSubscriptionExtract(t *testing.T) {
	sb, err := New(context.Background(), Config{Generator: generator.Config{Persons: 1500, Seed: 4}})
	if err != nil {
		t.Fatal(err)
	}
	dial := direkteServer(t, sb, false)
	r := call(t, dial, phpLogon("PRIV", "5678", "PRIVUSER", "Test1234"))
	p := sb.persons[5]
	sub := direkte.AppendLookup(nil, direkte.Lookup{Transaction: "PRIV", Customer: 5678, AbonType: direkte.AbonSubscribe,
		DataType: direkte.DataNone, Token: r.Token, User: "PRIVUSER", PNR: p.Number.String()})
	if got := call(t, dial, sub); got.Code != direkte.OK {
		t.Fatalf("subscribe: %+v", got)
	}
	if _, err := sb.Advance(context.Background(), 2); err != nil {
		t.Fatal(err)
	}
	files, _ := sb.Deliveries(5678)
	if len(files) != 2 {
		t.Fatalf("%d extracts", len(files))
	}
	recs := privRecords(t, files[0].Data())
	if recs["001"] == nil || recs["001"].Layout.Length != 469 || recs["001"].Get("PNR") != p.Number.String() {
		t.Errorf("the first extract after subscribing: %v", recs)
	}
	if recs["099"] != nil || recs["008"] != nil {
		t.Errorf("a private extract with public records: %v", recs)
	}
	if got := privRecords(t, files[1].Data())["000"].Get("PreviousProductionDate"); got != files[0].Production.String()[:4]+files[0].Production.String()[5:7]+files[0].Production.String()[8:] {
		t.Errorf("the second extract follows %s, not the first's production date", got)
	}
}

// TestPRIVCreditWarning: a private customer whose agreement includes credit warnings gets record 050
// (BESKYTTYPE 0005 and its start) after 001 for a person with one, read by the private reader; the
// default customer 5678 does not; Datafordeler gives the warning as a Beskyttelse kreditadvarsel.
func TestPRIVCreditWarning(t *testing.T) {
	sb, err := New(context.Background(), Config{Generator: generator.Config{Persons: 2000, Seed: 4}, Customers: []CustomerConfig{
		{Number: 4000, Private: true, Priv: &PrivOptions{CreditWarnings: true}, Users: []UserConfig{{ID: "BANK", Password: "Bank4000"}}}}})
	if err != nil {
		t.Fatal(err)
	}
	var p *generator.Person
	for _, q := range sb.persons {
		if !q.CreditWarning.IsZero() && q.Status == generator.StatusActive {
			p = q
			break
		}
	}
	if p == nil {
		t.Fatal("no person with a credit warning (the credit-warning scenario makes two)")
	}
	dial := direkteServer(t, sb, false)
	r := call(t, dial, phpLogon("PRIV", "4000", "BANK", "Bank4000"))
	recs := privRecords(t, call(t, dial, phpLookup("PRIV", "4000", r.Token, "BANK", p.Number.String())).Data)
	cw := recs["050"]
	tm := extract.TimeOf(extract.TimeKey(p), p.CreditWarning)
	if cw == nil || cw.Get("PNR") != p.Number.String() || cw.Get("ProtectionType") != "0005" ||
		cw.Get("StartDate") != p.CreditWarning.Time().Format("20060102")+string(tm[:]) {
		t.Fatalf("050 for %s with a credit warning since %v: %v", p.Number, p.CreditWarning, cw)
	}
	sb2, err := New(context.Background(), Config{Generator: generator.Config{Persons: 2000, Seed: 4}})
	if err != nil {
		t.Fatal(err)
	}
	dial2 := direkteServer(t, sb2, false)
	r2 := call(t, dial2, phpLogon("PRIV", "5678", "PRIVUSER", "Test1234"))
	if recs := privRecords(t, call(t, dial2, phpLookup("PRIV", "5678", r2.Token, "PRIVUSER", p.Number.String())).Data); recs["050"] != nil {
		t.Error("050 to the default customer, whose agreement has no credit warnings")
	}
	h := NewHandler(sb)
	req := httptest.NewRequest("GET", "/CPR/CprPersonFullComplete/1/rest/PersonFullCurrentListComplete?pnr.personnummer.eq="+p.Number.String(), nil)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if body := rec.Body.String(); !strings.Contains(body, `"beskyttelsestype":"kreditadvarsel"`) {
		t.Errorf("Datafordeler: no Beskyttelse kreditadvarsel for %s: %.300s", p.Number, body)
	}
}
