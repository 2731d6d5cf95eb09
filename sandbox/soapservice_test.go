package sandbox

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"io"
	"log"
	"math/big"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cprtestdata/cprtestdata/generator"
)

func newSOAPSandbox(t *testing.T, cfg Config) (*Sandbox, *httptest.Server) {
	t.Helper()
	if cfg.Generator.Persons == 0 {
		cfg.Generator.Persons = 2000
	}
	sb, err := New(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(NewHandler(sb))
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // handshakes cut when the test's clients go
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return sb, srv
}

// TestSF6002Operations runs every operation as OS2sofd's WCF client sends it, and the filters come back
// from GetAllFilters in the schema's order, municipality codes without leading zeros.
func TestSF6002Operations(t *testing.T) {
	sb, srv := newSOAPSandbox(t, Config{})
	c := srv.Client()
	someone := sb.persons[7].Number.String()
	steps := []struct {
		op, inner, want string
	}{
		{"RemoveAll", "<FilterGroup>EventChangeCode</FilterGroup>", "REMOVED"},
		{"AddChangeCodeSubscription", "<ChangeCode>A21</ChangeCode>", "ADDED"},
		{"AddChangeCodeSubscription", "<ChangeCode>A21</ChangeCode>", "ALREADY_EXISTED"},
		{"AddMunicipalityCodeSubscription", "<MunicipalityCode>0851</MunicipalityCode>", "ADDED"},
		{"AddMunicipalityCodeSubscription", "<MunicipalityCode>851</MunicipalityCode>", "ALREADY_EXISTED"},
		{"AddAgeRangeSubscription", "<AgeRange><StartAge>0</StartAge><EndAge>17</EndAge></AgeRange>", "ADDED"},
		{"AddPNRSubscription", `<PNR xmlns="http://serviceplatformen.dk/xml/schemas/cpr/PNR/1/">` + someone + `</PNR>`, "ADDED"},
		{"AddPNRSubscription", `<PNR xmlns="http://serviceplatformen.dk/xml/schemas/cpr/PNR/1/">0101010000</PNR>`, "NON_EXISTING_PNR"},
	}
	for _, s := range steps {
		status, body := post(t, c, srv.URL+SF6002Path, wcf6002(s.op, s.inner), true, "")
		if got := result(t, body, s.op); status != 200 || got != s.want {
			t.Errorf("%s %s: %d %s, want %s", s.op, s.inner, status, got, s.want)
		}
	}
	_, body := post(t, c, srv.URL+SF6002Path, wcf6002("GetAllFilters", ""), true, "")
	want := `<ns3:GetAllFiltersResponse xmlns:ns3="http://serviceplatformen.dk/xml/wsdl/soap11/CprSubscriptionService/1/" xmlns:ns2="http://serviceplatformen.dk/xml/schemas/cpr/PNR/1/">` +
		`<ns3:AgeRange><ns3:StartAge>0</ns3:StartAge><ns3:EndAge>17</ns3:EndAge></ns3:AgeRange><ns3:ChangeCode>A21</ns3:ChangeCode>` +
		`<ns3:MunicipalityCode>851</ns3:MunicipalityCode><ns2:PNR>` + someone + `</ns2:PNR></ns3:GetAllFiltersResponse>`
	if !strings.Contains(body, want) {
		t.Errorf("GetAllFilters:\n%s\nwant\n%s", body, want)
	}
	for _, s := range []struct{ op, inner, want string }{
		{"RemoveChangeCodeSubscription", "<ChangeCode>A21</ChangeCode>", "REMOVED"},
		{"RemoveMunicipalityCodeSubscription", "<MunicipalityCode>851</MunicipalityCode>", "REMOVED"},
		{"RemoveAgeRangeSubscription", "<AgeRange><StartAge>0</StartAge><EndAge>17</EndAge></AgeRange>", "REMOVED"},
		{"RemovePNRSubscription", `<PNR xmlns="http://serviceplatformen.dk/xml/schemas/cpr/PNR/1/">` + someone + `</PNR>`, "REMOVED"},
		{"RemoveAll", "<FilterGroup>PNR</FilterGroup>", "REMOVED"},
	} {
		if _, body := post(t, c, srv.URL+SF6002Path, wcf6002(s.op, s.inner), true, ""); result(t, body, s.op) != s.want {
			t.Errorf("%s: %s", s.op, body)
		}
	}
	_, body = post(t, c, srv.URL+SF6002Path, wcf6002("GetAllFilters", ""), true, "")
	if strings.Contains(body, "<ns3:AgeRange>") || strings.Contains(body, "ns2:PNR>") || strings.Contains(body, "ChangeCode>") {
		t.Errorf("filters left after removing them all: %s", body)
	}
	// cpr_abonnement's requests (R3): Add and Remove with its template, GetAllFilters ("LIST_SUBSCRIBED")
	// with the InvocationContext's children in their own namespace; ISO-8859-1, no headers.
	if _, body := post(t, c, srv.URL+SF6002Path, latin1Bytes(r3("AddPNRSubscription", someone)), false, ""); result(t, body, "AddPNRSubscription") != "ADDED" {
		t.Errorf("R3 AddPNRSubscription: %s", body)
	}
	list := bytes.ReplaceAll(bytes.Replace(r3("GetAllFilters", ""), []byte("      <ns2:PNR></ns2:PNR>\n"), nil, 1), []byte("<ns2:"), []byte("<ns1:"))
	list = bytes.ReplaceAll(list, []byte("</ns2:"), []byte("</ns1:"))
	if _, body := post(t, c, srv.URL+SF6002Path, latin1Bytes(list), false, ""); !strings.Contains(body, "<ns2:PNR>"+someone+"</ns2:PNR>") {
		t.Errorf("R3 GetAllFilters:\n%s\n%s", list, body)
	}
	if _, body := post(t, c, srv.URL+SF6002Path, latin1Bytes(r3("RemovePNRSubscription", someone)), false, ""); result(t, body, "RemovePNRSubscription") != "REMOVED" {
		t.Errorf("R3 RemovePNRSubscription: %s", body)
	}
	if got := sb.Agreements(1234); !slices.Equal(got, []string{"306c1c21-683a-455c-927a-61fae39e4fca", "579e05e9-1bf3-4670-a2b6-9c99063e5f1a"}) {
		t.Errorf("customer 1234's agreements %v: the first one used replaces the derived default, the next is added", got)
	}
}

// TestSF6002Concurrent sends OS2sofd's /api/init: RemoveAll, then its 18 change codes at once.
func TestSF6002Concurrent(t *testing.T) {
	_, srv := newSOAPSandbox(t, Config{})
	c := srv.Client()
	post(t, c, srv.URL+SF6002Path, wcf6002("RemoveAll", "<FilterGroup>EventChangeCode</FilterGroup>"), true, "")
	codes := strings.Fields("A01 A02 A04 A07 A09 A13 A14 A15 A16 A17 A21 A22 A24 A33 A42 A73 P10 P11")
	var wg sync.WaitGroup
	results := make([]string, len(codes))
	for i, code := range codes {
		wg.Go(func() {
			_, body := post(t, c, srv.URL+SF6002Path, wcf6002("AddChangeCodeSubscription", "<ChangeCode>"+code+"</ChangeCode>"), true, "")
			results[i] = result(t, body, "AddChangeCodeSubscription")
		})
	}
	wg.Wait()
	for i, r := range results {
		if r != "ADDED" {
			t.Errorf("%s: %s", codes[i], r)
		}
	}
	_, body := post(t, c, srv.URL+SF6002Path, wcf6002("GetAllFilters", ""), true, "")
	if n := strings.Count(body, "<ns3:ChangeCode>"); n != len(codes) {
		t.Errorf("GetAllFilters lists %d change codes, want %d", n, len(codes))
	}
}

// TestSOAPRefusals: each malformed request is a SOAP fault, HTTP 500, that says what is wrong.
func TestSOAPRefusals(t *testing.T) {
	sb, srv := newSOAPSandbox(t, Config{})
	c := srv.Client()
	someone := sb.persons[3].Number.String()
	for _, tt := range []struct {
		name, path string
		body       []byte
		code, text string
	}{
		{"malformed XML", SF6002Path, []byte("<soapenv:Envelope"), "soap:Client", "malformed XML"},
		{"not an envelope", SF6002Path, []byte("<x/>"), "soap:Client", "want a SOAP Envelope"},
		{"SOAP 1.2", SF6002Path, []byte(`<e:Envelope xmlns:e="http://www.w3.org/2003/05/soap-envelope"><e:Body/></e:Envelope>`), "soap:VersionMismatch", "SOAP 1.1"},
		{"empty body", SF6002Path, []byte(`<e:Envelope xmlns:e="http://schemas.xmlsoap.org/soap/envelope/"><e:Body/></e:Envelope>`), "soap:Client", "no Body with an operation"},
		{"unknown operation", SF6002Path, wcf6002("AddEverything", ""), "soap:Client", "unknown operation AddEverything"},
		{"wrong namespace", SF6002Path, bytes.Replace(wcf6002("GetAllFilters", ""), []byte("CprSubscriptionService/1/"), []byte("CprSubscriptionService/2/"), 1), "soap:Client", "in namespace"},
		{"SF1520 body on SF6002", SF6002Path, r1(4, someone), "soap:Client", "in namespace"},
		{"v4 body on v5", SF1520PathV5, r1(4, someone), "soap:Client", "in namespace"},
		{"no InvocationContext", SF6002Path, []byte(`<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><GetAllFilters xmlns="http://serviceplatformen.dk/xml/wsdl/soap11/CprSubscriptionService/1/"/></s:Body></s:Envelope>`), "soap:Client", "no InvocationContext"},
		{"upper-case UUID", SF6002Path, bytes.Replace(wcf6002("GetAllFilters", ""), []byte("579e05e9-1bf3"), []byte("579E05E9-1BF3"), 1), "soap:Client", "lower-case UUID"},
		{"bad PNR", SF6002Path, r3("AddPNRSubscription", "12345"), "soap:Client", "want 10 digits"},
		{"bad municipality", SF6002Path, wcf6002("AddMunicipalityCodeSubscription", "<MunicipalityCode>12345</MunicipalityCode>"), "soap:Client", "at most 4 digits"},
		{"bad filter group", SF6002Path, wcf6002("RemoveAll", "<FilterGroup>Everything</FilterGroup>"), "soap:Client", "FilterGroup"},
		{"age range backwards", SF6002Path, wcf6002("AddAgeRangeSubscription", "<AgeRange><StartAge>65</StartAge><EndAge>18</EndAge></AgeRange>"), "soap:Client", "after EndAge"},
		{"unknown PNR", SF1520PathV4, r1(4, "0101010000"), "soap:Server", "PNR not found"},
		{"too large", SF6002Path, append(wcf6002("GetAllFilters", ""), bytes.Repeat([]byte(" "), 70<<10)...), "soap:Client", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			status, body := post(t, c, srv.URL+tt.path, tt.body, true, "")
			if status != http.StatusInternalServerError || !strings.Contains(body, "<faultcode>"+tt.code+"</faultcode>") ||
				!strings.Contains(body, "<faultstring>") || !strings.Contains(body, tt.text) || !strings.Contains(body, "<spf:ServiceplatformFault") {
				t.Errorf("%d %s\nwant 500, faultcode %s and %q", status, body, tt.code, tt.text)
			}
		})
	}
}

// TestSF1520 answers R1 (v4 and v5, ISO-8859-1, no headers) and OS2sofd's R2 (AuthorityContext only)
// with the same person, and every answer - persons of every status the population has - validates
// against the interface definition with xmllint.
func TestSF1520(t *testing.T) {
	sb, srv := newSOAPSandbox(t, Config{Generator: generator.Config{Persons: 3000, Seed: 11}})
	c := srv.Client()
	n := sb.persons[0].Number.String()
	_, v4 := post(t, c, srv.URL+SF1520PathV4, latin1Bytes(r1(4, n)), false, "")
	_, v5 := post(t, c, srv.URL+SF1520PathV5, latin1Bytes(r1(5, n)), false, "")
	_, sofd := post(t, c, srv.URL+SF1520PathV5, os2sofd1520(n), true, "http://serviceplatformen.dk/xml/wsdl/soap11/CPR/PersonBaseDataExtended/5/PersonLookup")
	if strings.Replace(v4, "/4/", "/5/", 1) != v5 || v5 != sofd {
		t.Errorf("v4, v5 and OS2sofd's request give different persons:\n%s\n%s\n%s", v4, v5, sofd)
	}
	// One person of each status and with each part of the schema the model fills.
	want := map[string]bool{}
	var answers [][]byte
	for _, p := range sb.persons {
		kinds := []string{"status " + strconv.Itoa(int(p.Status))}
		if p.Guardianship != nil {
			kinds = append(kinds, "guardianship")
		}
		if len(p.Protections) > 0 {
			kinds = append(kinds, "protection")
		}
		if len(p.Custody) > 0 {
			kinds = append(kinds, "custody")
		}
		if p.Separation != nil {
			kinds = append(kinds, "separation")
		}
		if !p.CurrentNumber.IsZero() {
			kinds = append(kinds, "current number")
		}
		fresh := false
		for _, k := range kinds {
			if !want[k] {
				want[k], fresh = true, true
			}
		}
		if !fresh {
			continue
		}
		status, body := post(t, c, srv.URL+SF1520PathV4, r1(4, p.Number.String()), false, "")
		if status != 200 {
			t.Fatalf("%s (%v): %d %s", p.Number, kinds, status, body)
		}
		answers = append(answers, []byte(body))
	}
	if len(want) < 8 {
		t.Fatalf("only %v among the persons", want)
	}
	validateSF1520(t, answers)
}

// validateSF1520 checks each answer's PersonLookupResponse against the reference's schema with xmllint.
func validateSF1520(t *testing.T, answers [][]byte) {
	t.Helper()
	layouts := referenceLayouts(t)
	xmllint, err := exec.LookPath("xmllint")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("xmllint is missing; CI installs libxml2-utils")
		}
		t.Skip("xmllint not installed (Debian: libxml2-utils); CI runs this")
	}
	dir := t.TempDir()
	// The schema's own names and folders, as its schemaLocations point to them.
	for src, dst := range map[string]string{
		"SF1520-PersonBaseDataExtendedServiceMsg-v4.xsd": "PersonBaseDataExtendedServiceMsg.xsd",
		"SF1520-PersonBaseDataExtendedServiceTypes.xsd":  "xsd/PersonBaseDataExtendedServiceTypes.xsd",
		"SP-CallContext_1.xsd":                           "sp/CallContext_1.xsd",
		"SP-AuthorityContext_1.xsd":                      "sp/AuthorityContext_1.xsd",
		"SP-InvocationContext_20121009.xsd":              "sp/InvocationContext_1.xsd",
		"SP-PNR_1.xsd":                                   "sp/PNR_1.xsd",
	} {
		b, err := os.ReadFile(filepath.Join(layouts, src))
		if err != nil {
			t.Fatal(err)
		}
		if strings.HasPrefix(dst, "xsd/") {
			// The included types reference the PNR schema's namespace, imported only by the including
			// document: .NET and Xerces accept that, libxml2 wants the import in the same document.
			b = bytes.Replace(b, []byte(`version="1.0">`), []byte(`version="1.0">
    <xsd:import namespace="http://serviceplatformen.dk/xml/schemas/cpr/PNR/1/" schemaLocation="../sp/PNR_1.xsd"/>`), 1)
		}
		os.MkdirAll(filepath.Dir(filepath.Join(dir, dst)), 0o755)
		if err := os.WriteFile(filepath.Join(dir, dst), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var files []string
	for i, a := range answers {
		_, after, _ := bytes.Cut(a, []byte("<soap:Body>"))
		inner, _, ok := bytes.Cut(after, []byte("</soap:Body>"))
		if !ok {
			t.Fatalf("answer %d has no soap:Body: %s", i, a)
		}
		name := filepath.Join(dir, "answer"+string(rune('a'+i%26))+string(rune('a'+i/26))+".xml")
		os.WriteFile(name, inner, 0o644)
		files = append(files, name)
	}
	out, err := exec.Command(xmllint, append([]string{"--noout", "--schema", filepath.Join(dir, "PersonBaseDataExtendedServiceMsg.xsd")}, files...)...).CombinedOutput()
	if err != nil {
		t.Fatalf("xmllint: %v\n%s", err, out)
	}
}

// referenceLayouts finds ../shared/reference/layouts beside the repository.
func referenceLayouts(t *testing.T) string {
	t.Helper()
	dir := filepath.Join("..", "..", "shared", "reference", "layouts")
	if _, err := os.Stat(dir); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("the reference's interface definitions: %v (CI runs beside ../shared)", err)
		}
		t.Skipf("the reference's interface definitions are not beside the repository: %v", err)
	}
	return dir
}

// TestClientCertificate: with RequireClientCert the certificate names the customer, and one that is not
// registered is refused.
func TestClientCertificate(t *testing.T) {
	known, knownFP := clientCert(t)
	unknown, _ := clientCert(t)
	sb, err := New(context.Background(), Config{Generator: generator.Config{Persons: 500}, RequireClientCert: true,
		Customers: []CustomerConfig{{Number: 851, ClientCertificates: []string{knownFP}, ServiceAgreements: []string{"579e05e9-1bf3-4670-a2b6-9c99063e5f1a"}}}})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(NewHandler(sb))
	srv.TLS = &tls.Config{ClientAuth: tls.RequireAnyClientCert}
	srv.StartTLS()
	defer srv.Close()
	for _, tt := range []struct {
		name string
		cert tls.Certificate
		want string
	}{
		{"registered", known, "<ns3:Result>ADDED</ns3:Result>"},
		{"not registered", unknown, "not registered to any customer"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			tr := srv.Client().Transport.(*http.Transport).Clone()
			tr.TLSClientConfig.Certificates = []tls.Certificate{tt.cert}
			c := &http.Client{Transport: tr}
			defer tr.CloseIdleConnections()
			_, body := post(t, c, srv.URL+SF6002Path, wcf6002("AddChangeCodeSubscription", "<ChangeCode>A21</ChangeCode>"), true, "")
			if !strings.Contains(body, tt.want) {
				t.Errorf("%s, want %q", body, tt.want)
			}
		})
	}
	entries, _ := sb.Journal()
	if e := entries[0]; e.Protocol != "soap" || !strings.Contains(e.Request, "AddChangeCodeSubscription 0851 579e05e9") {
		t.Errorf("journal: %+v", e)
	}
}

func clientCert(t *testing.T) (tls.Certificate, string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(time.Now().UnixNano()), Subject: pkix.Name{CommonName: "FOCES test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(der)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, hex.EncodeToString(sum[:])
}

// TestREADMEEnvelopes posts the README's example envelopes (sandbox/testdata/soap) to the default
// sandbox and checks the answers the README shows, in its order: subscribe, a day, look up (the person
// immigrates on day 1).
func TestREADMEEnvelopes(t *testing.T) {
	sb, srv := newSOAPSandbox(t, Config{Generator: generator.Config{Persons: 10000}})
	c := srv.Client()
	for i, tt := range []struct{ file, path, want string }{
		{"add-municipality-101.xml", SF6002Path, "<ns3:Result>ADDED</ns3:Result>"},
		{"lookup-v5.xml", SF1520PathV5, "<personnummer>2703820029</personnummer><navn><personadresseringsnavn>"},
	} {
		body, err := os.ReadFile(filepath.Join("testdata", "soap", tt.file))
		if err != nil {
			t.Fatal(err)
		}
		if i == 1 {
			sb.Advance(context.Background(), 1)
		}
		if status, got := post(t, c, srv.URL+tt.path, body, false, ""); status != 200 || !strings.Contains(got, tt.want) {
			t.Errorf("%s: %d %s", tt.file, status, got)
		}
	}
}
