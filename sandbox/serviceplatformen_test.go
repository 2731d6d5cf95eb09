package sandbox

import (
	"bytes"
	"context"
	"encoding/xml"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pkg/sftp"
	"golang.org/x/crypto/ssh"

	"github.com/cprtestdata/cprtestdata/formats/extract"
	"github.com/cprtestdata/cprtestdata/generator"
	"github.com/cprtestdata/cprtestdata/sandbox/sftpd"
)

// The requests below are the reference's real clients' (serviceplatformen.md §2.2, §3.3), byte for byte
// but for the PNR and the operation.

// r3 is magenta-aps/cpr_abonnement's SF6002 envelope (R3): ISO-8859-1, InvocationContext's children in
// the PNR namespace, sent without headers.
func r3(operation, pnr string) []byte {
	return []byte(`<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"
  xmlns:ns="http://serviceplatformen.dk/xml/wsdl/soap11/CprSubscriptionService/1/"
  xmlns:ns1="http://serviceplatformen.dk/xml/schemas/InvocationContext/1/"
  xmlns:ns2="http://serviceplatformen.dk/xml/schemas/cpr/PNR/1/">
  <soapenv:Header/>
  <soapenv:Body>
    <ns:` + operation + `>
      <ns1:InvocationContext>
        <ns2:ServiceAgreementUUID>306c1c21-683a-455c-927a-61fae39e4fca</ns2:ServiceAgreementUUID>
        <ns2:UserSystemUUID>aca44690-ea96-4a91-8f7b-1a60fb7d5002</ns2:UserSystemUUID>
        <ns2:UserUUID>02a64066-c552-4100-8249-2bcec29260ec</ns2:UserUUID>
        <ns2:ServiceUUID>ca53f323-b6a1-4e82-9f8b-30661fea3661</ns2:ServiceUUID>
      </ns1:InvocationContext>
      <ns2:PNR>` + pnr + `</ns2:PNR>
    </ns:` + operation + `>
  </soapenv:Body>
</soapenv:Envelope>`)
}

// wcf6002 is a request as OS2sofd's .NET WCF client (R4) serialises it: UTF-8, each element in its
// schema's namespace, SOAPAction "".
func wcf6002(operation, inner string) []byte {
	return []byte(`<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema">` +
		`<` + operation + ` xmlns="http://serviceplatformen.dk/xml/wsdl/soap11/CprSubscriptionService/1/">` +
		`<InvocationContext xmlns="http://serviceplatformen.dk/xml/schemas/InvocationContext/1/">` +
		`<ServiceAgreementUUID>579e05e9-1bf3-4670-a2b6-9c99063e5f1a</ServiceAgreementUUID>` +
		`<UserSystemUUID>ce062d24-31c0-4abf-92af-66f42c863296</UserSystemUUID>` +
		`<UserUUID>1f3e6b87-1ae8-470a-9cba-5d996c135eca</UserUUID>` +
		`<ServiceUUID>9cdccc2f-3243-11e2-8fef-d4bed98c5934</ServiceUUID>` +
		`</InvocationContext>` + inner + `</` + operation + `></s:Body></s:Envelope>`)
}

// r1 is magenta-aps/service_person_stamdata_udvidet's SF1520 envelope (R1), v4 or v5.
func r1(version int, pnr string) []byte {
	return []byte(`<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"
  xmlns:ns="http://serviceplatformen.dk/xml/wsdl/soap11/CPR/PersonBaseDataExtended/` + strconv.Itoa(version) + `/"
  xmlns:ns1="http://serviceplatformen.dk/xml/schemas/CallContext/1/"
  xmlns:ns2="http://serviceplatformen.dk/xml/schemas/InvocationContext/1/"
  xmlns:ns3="http://serviceplatformen.dk/xml/schemas/cpr/PNR/1/">
  <soapenv:Header/>
  <soapenv:Body>
    <ns:PersonLookupRequest>
      <ns2:InvocationContext>
        <ns2:ServiceAgreementUUID>42571b5d-6371-4edb-8729-1343a3f4c9b9</ns2:ServiceAgreementUUID>
        <ns2:UserSystemUUID>99478e20-68e6-41ff-b822-681fb69b8ff2</ns2:UserSystemUUID>
        <ns2:UserUUID>e3108916-8ed9-4482-8045-7b46c83904b0</ns2:UserUUID>
        <ns2:ServiceUUID>9883c483-d42f-424a-9a2a-94d1d200d294</ns2:ServiceUUID>
      </ns2:InvocationContext>
      <ns3:PNR>` + pnr + `</ns3:PNR>
    </ns:PersonLookupRequest>
  </soapenv:Body>
</soapenv:Envelope>`)
}

// os2sofd1520 is OS2sofd's SF1520 v5 request (R2): only an AuthorityContext and the PNR.
func os2sofd1520(pnr string) []byte {
	return []byte(`<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema">` +
		`<PersonLookupRequest xmlns="http://serviceplatformen.dk/xml/wsdl/soap11/CPR/PersonBaseDataExtended/5/">` +
		`<AuthorityContext xmlns="http://serviceplatformen.dk/xml/schemas/AuthorityContext/1/"><MunicipalityCVR>29189773</MunicipalityCVR></AuthorityContext>` +
		`<PNR xmlns="http://serviceplatformen.dk/xml/schemas/cpr/PNR/1/">` + pnr + `</PNR></PersonLookupRequest></s:Body></s:Envelope>`)
}

// post sends a SOAP request: with wcf, as .NET sends it (text/xml, SOAPAction); without, as the Python
// clients do (no headers at all). It returns the status and body.
func post(t *testing.T, c *http.Client, url string, body []byte, wcf bool, action string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Del("User-Agent")
	if wcf {
		req.Header.Set("Content-Type", "text/xml; charset=utf-8")
		req.Header.Set("SOAPAction", `"`+action+`"`)
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// result reads ns3:Result the way cpr_abonnement's client_example.py does: by prefixed names, without
// namespace processing (soap:Envelope/soap:Body/ns3:<op>Response/ns3:Result).
func result(t *testing.T, body, operation string) string {
	t.Helper()
	open := "<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\"><soap:Body><ns3:" + operation + "Response"
	if !strings.Contains(body, open) {
		t.Fatalf("%s: answer is not soap:Envelope/soap:Body/ns3:%sResponse:\n%s", operation, operation, body)
	}
	_, after, _ := strings.Cut(body, "<ns3:Result>")
	v, _, ok := strings.Cut(after, "</ns3:Result>")
	if !ok {
		t.Fatalf("%s: no ns3:Result in\n%s", operation, body)
	}
	return v
}

// lookupResponse is the part of PersonLookupResponse the test compares, read with namespaces as
// service_person_stamdata_udvidet and WCF read it.
type lookupResponse struct {
	XMLName xml.Name `xml:"Envelope"`
	Person  struct {
		Persondata struct {
			Personnummer string `xml:"personnummer"`
			Navn         struct {
				Addressing string `xml:"personadresseringsnavn"`
				First      string `xml:"fornavn"`
				Last       string `xml:"efternavn"`
			} `xml:"navn"`
			Status struct {
				Status int `xml:"status"`
			} `xml:"status"`
			Protection *struct {
				Protected bool `xml:"beskyttet"`
			} `xml:"adressebeskyttelse"`
			Gender string `xml:"koen"`
		} `xml:"persondata"`
		Adresse struct {
			Aktuel struct {
				Municipality int    `xml:"kommunekode"`
				Road         int    `xml:"vejkode"`
				House        string `xml:"husnummer"`
				Floor        string `xml:"etage"`
				Door         string `xml:"sidedoer"`
				Postcode     string `xml:"postnummer"`
				Standard     string `xml:"standardadresse"`
			} `xml:"aktuelAdresse"`
		} `xml:"adresse"`
		Relationer struct {
			Children []string `xml:"barn>personnummer"`
		} `xml:"relationer"`
	} `xml:"Body>PersonLookupResponse"`
}

// TestMunicipalReceivingProgram does what a municipal supplier's integration does: subscribe with SF6002
// over HTTPS, let the clock pass a day, fetch the day's delta file over SFTP with a real SFTP client,
// apply it on the status extract with extract.Receiver, and look the same persons up with SF1520,
// field by field.
func TestMunicipalReceivingProgram(t *testing.T) {
	ctx := context.Background()
	cfg := Config{Generator: generator.Config{Persons: 5000, Seed: 5}}
	// Who the first day touches, found on a twin sandbox: the subscriptions must pick them out.
	twin, err := New(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	files, err := twin.Advance(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	touched := numbersIn(t, files[0].Data())
	if len(touched) < 2 {
		t.Fatalf("day 1 touches %d persons; the test wants 2", len(touched))
	}
	var untouched string
	for _, p := range twin.persons {
		if !slices.Contains(touched, p.Number.String()) && p.Status.Active() {
			untouched = p.Number.String()
			break
		}
	}
	chosen := touched[1]

	sb, err := New(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewTLSServer(NewHandler(sb))
	defer srv.Close()
	client := srv.Client()
	for _, n := range []string{chosen, untouched} {
		status, body := post(t, client, srv.URL+SF6002Path, latin1Bytes(r3("AddPNRSubscription", n)), false, "")
		if got := result(t, body, "AddPNRSubscription"); status != 200 || got != "ADDED" {
			t.Fatalf("AddPNRSubscription %s: %d %s", n, status, got)
		}
	}
	if _, body := post(t, client, srv.URL+SF6002Path, r3("AddPNRSubscription", chosen), false, ""); result(t, body, "AddPNRSubscription") != "ALREADY_EXISTED" {
		t.Fatalf("second AddPNRSubscription: %s", body)
	}
	if _, body := post(t, client, srv.URL+SF6002Path, r3("AddPNRSubscription", "0101010000"), false, ""); result(t, body, "AddPNRSubscription") != "NON_EXISTING_PNR" {
		t.Fatalf("AddPNRSubscription of an unknown number: %s", body)
	}
	if _, err := sb.Advance(ctx, 1); err != nil {
		t.Fatal(err)
	}

	addr, stop := startSFTP(t, sb)
	defer stop()
	sc := dialSFTP(t, addr, "1234", ssh.Password("Test1234"))
	defer sc.Close()
	entries, err := sc.ReadDir("IN")
	if err != nil {
		t.Fatal(err)
	}
	var delta string
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".metadata") && strings.Contains(e.Name(), "306c1c21-683a-455c-927a-61fae39e4fca") {
			delta = e.Name()
		}
	}
	if delta == "" {
		t.Fatalf("IN holds no delta file of agreement 306c1c21-…: %v", names(entries))
	}
	if !slices.ContainsFunc(entries, func(e os.FileInfo) bool { return e.Name() == delta+".metadata" }) {
		t.Fatalf("%s has no .metadata beside it: %v", delta, names(entries))
	}
	f, err := sc.Open("/IN/" + delta)
	if err != nil {
		t.Fatal(err)
	}
	data, err := io.ReadAll(f)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	if got := numbersIn(t, data); !slices.Equal(got, []string{chosen}) {
		t.Fatalf("delta file carries %v, want only the subscribed person touched that day, %s", got, chosen)
	}
	if !bytes.Contains(data, []byte("\r\n")) {
		t.Errorf("delta file is not one record per line with CRLF")
	}

	rc := extract.NewReceiver()
	if err := rc.Apply(bytes.NewReader(sb.Files()[0].Data())); err != nil {
		t.Fatal(err)
	}
	if err := rc.Apply(bytes.NewReader(data)); err != nil {
		t.Fatalf("apply the delta file: %v", err)
	}
	for _, n := range []string{chosen, untouched} {
		status, body := post(t, client, srv.URL+SF1520PathV4, latin1Bytes(r1(4, n)), false, "")
		if status != 200 {
			t.Fatalf("SF1520 %s: %d %s", n, status, body)
		}
		compareLookup(t, n, body, rc.Records(n))
	}
}

func compareLookup(t *testing.T, n, body string, records []*extract.Record) {
	t.Helper()
	var got lookupResponse
	if err := xml.Unmarshal([]byte(body), &got); err != nil {
		t.Fatalf("SF1520 %s: %v", n, err)
	}
	rec := map[string]*extract.Record{}
	var children []string
	for _, r := range records {
		if r.Type() == "014" {
			children = append(children, r.Get("ChildPNR"))
		}
		if rec[r.Type()] == nil {
			rec[r.Type()] = r
		}
	}
	pd, ad := got.Person.Persondata, got.Person.Adresse.Aktuel
	atoi := func(s string) int { v, _ := strconv.Atoi(strings.TrimSpace(s)); return v }
	checks := []struct{ field, got, want string }{
		{"personnummer", pd.Personnummer, n},
		{"status", strconv.Itoa(pd.Status.Status), strconv.Itoa(atoi(rec["001"].Get("Status")))},
		{"koen", pd.Gender, rec["001"].Get("Gender")},
		{"personadresseringsnavn", pd.Navn.Addressing, strings.TrimSpace(rec["008"].Get("AddressingName"))},
		{"fornavn", pd.Navn.First, strings.TrimSpace(rec["008"].Get("FirstName_s"))},
		{"efternavn", pd.Navn.Last, strings.TrimSpace(rec["008"].Get("LastName"))},
		{"barn", strings.Join(got.Person.Relationer.Children, ","), strings.Join(children, ",")},
	}
	if a := rec["002"]; a != nil {
		checks = append(checks, []struct{ field, got, want string }{
			{"kommunekode", strconv.Itoa(ad.Municipality), strconv.Itoa(atoi(a.Get("MunicipalityCode")))},
			{"vejkode", strconv.Itoa(ad.Road), strconv.Itoa(atoi(a.Get("StreetCode")))},
			{"husnummer", ad.House, strings.TrimSpace(a.Get("HouseNumber"))},
			{"etage", ad.Floor, strings.TrimSpace(a.Get("Floor"))},
			{"sidedoer", ad.Door, strings.TrimSpace(a.Get("Door"))},
			{"postnummer", ad.Postcode, rec["003"].Get("PostCode")},
			{"standardadresse", ad.Standard, strings.TrimSpace(rec["003"].Get("LabelledAddress"))},
		}...)
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s %s: SF1520 %q, extract %q", n, c.field, c.got, c.want)
		}
	}
}

func names(entries []os.FileInfo) []string {
	var out []string
	for _, e := range entries {
		out = append(out, e.Name())
	}
	return out
}

// numbersIn returns the numbers of the persons an extract carries, in order.
func numbersIn(t *testing.T, data []byte) []string {
	t.Helper()
	r := extract.NewReader(bytes.NewReader(data))
	var out []string
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		if rec.Type() == "001" {
			out = append(out, rec.Get("PNR"))
		}
	}
}

func latin1Bytes(b []byte) []byte {
	var out []byte
	for _, r := range string(b) {
		out = append(out, byte(r))
	}
	return out
}

// startSFTP serves sb's SFTP directories on a loopback port.
func startSFTP(t *testing.T, sb *Sandbox) (string, func()) {
	t.Helper()
	srv, err := sftpd.NewServer(sb.SFTP())
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, ln, time.Second) }()
	return ln.Addr().String(), func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("SFTP server: %v", err)
		}
	}
}

func dialSFTP(t *testing.T, addr, user string, auth ssh.AuthMethod) *sftp.Client {
	t.Helper()
	c, err := ssh.Dial("tcp", addr, &ssh.ClientConfig{User: user, Auth: []ssh.AuthMethod{auth},
		HostKeyCallback: ssh.InsecureIgnoreHostKey(), Timeout: 5 * time.Second})
	if err != nil {
		t.Fatalf("SSH logon as %s: %v", user, err)
	}
	sc, err := sftp.NewClient(c)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return sc
}
