package sandbox

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/cprtestdata/cprtestdata/formats/extract"
	"github.com/cprtestdata/cprtestdata/generator"
	"github.com/cprtestdata/cprtestdata/generator/pnr"
)

// fuzzRoutes are the routes whose query the HTTP fuzz target sends; the fuzzer picks one by number.
var fuzzRoutes = []struct{ method, path string }{
	{"GET", "/api/persons"},
	{"GET", "/CPR/CprPersonFullComplete/1/rest/PersonFullCurrentListComplete"},
	{"GET", "/cpr/cprpersonfullcomplete/1/REST/PersonFullListComplete"},
	{"POST", "/admin/faults/latency"},
	{"POST", "/admin/faults/direkte-error"},
	{"POST", "/admin/faults/http-error"},
	{"POST", "/admin/faults/file"},
	{"POST", "/admin/faults/drop"},
	{"POST", "/admin/restore"},
	{"POST", "/admin/customers/1234/users/TESTUSER/grant"},
	{"GET", "/"},
}

// FuzzHTTPQuery sends any query string to the routes that parse one - search, the Datafordeler
// service, the administration - and any path segment as a person number, and checks that the answer is
// a client error or a success with a body of the route's type, never a server error or a panic.
func FuzzHTTPQuery(f *testing.F) {
	for _, q := range []string{"name=a", "birth_date=1970-01-01&limit=5", "postcode=8000", "pnr.personnummer.eq=0101650001",
		"person.foedselsdato.ge=1950-01-01&person.foedselsdato.le=1960-12-31&page=2&pageSize=3", "cadr.cprkommunekode.eq=101",
		"page=9223372036854775807&pageSize=500", "ms=10&count=2", "code=5", "status=503&count=1", "kind=truncated", "id=1",
		"password=Ny123456", "limit=%ff", "name=%00&road=%"} {
		for i := range fuzzRoutes {
			f.Add(uint8(i), q)
		}
	}
	f.Add(uint8(255), "0101650001")
	sb, err := New(context.Background(), Config{Generator: generator.Config{Persons: 300, Seed: 9}})
	if err != nil {
		f.Fatal(err)
	}
	h := NewHandler(sb)
	f.Fuzz(func(t *testing.T, route uint8, query string) {
		defer func() { sb.ClearFaults(); sb.Reset() }() // each input starts from the same state
		var target, method string
		if int(route) < len(fuzzRoutes) {
			method, target = fuzzRoutes[route].method, fuzzRoutes[route].path+"?"+query
		} else {
			method, target = "GET", "/api/persons/"+url.PathEscape(query)
		}
		u, err := url.ParseRequestURI(target)
		if err != nil || strings.ContainsAny(u.RequestURI(), " \t\r\n") {
			return // not a request line a client can send, or net/http would take
		}
		req, err := http.NewRequest(method, "http://sandbox"+u.RequestURI(), nil)
		if err != nil {
			return
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("%s %s: %d %s", method, target, rec.Code, rec.Body.String())
		}
		ct := rec.Header().Get("Content-Type")
		switch {
		case rec.Code >= 300 && rec.Code < 400 && rec.Header().Get("Location") != "": // the page's forms; the mux's canonical-path redirects
		case strings.HasPrefix(ct, "application/json"):
			if !json.Valid(rec.Body.Bytes()) {
				t.Fatalf("%s %s: %d with JSON that does not parse: %q", method, target, rec.Code, rec.Body.String())
			}
		case strings.HasPrefix(ct, "text/html") && u.Path == "/":
		default:
			t.Fatalf("%s %s: %d with Content-Type %q", method, target, rec.Code, ct)
		}
	})
}

// FuzzParseCustomers reads any bytes as a customers file: an error or customers New accepts.
func FuzzParseCustomers(f *testing.F) {
	f.Add([]byte(`[{"number": 1234, "allowed_ips": ["127.0.0.0/8"], "users": [{"id": "TESTUSER", "password": "Test1234"}]}]`))
	f.Add([]byte(`[{"number": 1, "users": [{"id": "A", "password": "ab12cd34", "transactions": ["OFF4", "PRIV"]}]}, {"number": 2, "users": []}]`))
	f.Add([]byte(`[{"number": 1234, "users": [{"id": "TESTUSER", "password": "short"}]}]`))
	f.Add([]byte(`[{"number": 1234, "unknown": 1}]`))
	f.Add([]byte(`[] []`))
	f.Add([]byte(`null`))
	f.Add([]byte(`[{"number": 99999}]`))
	f.Add([]byte(`[{"number": 1, "allowed_ips": ["::1/200"]}]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		cs, err := ParseCustomers(strings.NewReader(string(data)))
		if err != nil {
			return
		}
		if _, err := newAccess(cs, generator.DefaultAsOf, 0); err != nil {
			t.Fatalf("ParseCustomers accepted what the sandbox refuses: %v: %q", err, data)
		}
	})
}

// FuzzSOAP posts any body to each SOAP service and checks that the answer is a 200 envelope with the
// operation's response or a 500 SOAP fault, never another status, an empty body or a panic.
func FuzzSOAP(f *testing.F) {
	paths := []string{SF6002Path, SF1520PathV4, SF1520PathV5}
	for i := range paths {
		for _, b := range [][]byte{r3("AddPNRSubscription", "0101650001"), wcf6002("GetAllFilters", ""),
			wcf6002("AddAgeRangeSubscription", "<AgeRange><StartAge>1</StartAge><EndAge>2</EndAge></AgeRange>"),
			r1(4, "0101650001"), r1(5, "0101650001"), os2sofd1520("0101650001"), []byte("<a><b>"), []byte("\xff\xfe<")} {
			f.Add(uint8(i), b)
		}
	}
	sb, err := New(context.Background(), Config{Generator: generator.Config{Persons: 300, Seed: 9}})
	if err != nil {
		f.Fatal(err)
	}
	h := NewHandler(sb)
	f.Fuzz(func(t *testing.T, route uint8, body []byte) {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("POST", paths[int(route)%len(paths)], strings.NewReader(string(body))))
		out := rec.Body.String()
		switch {
		case rec.Code == 200 && strings.Contains(out, "Response") && strings.HasSuffix(out, "</soap:Body></soap:Envelope>\n"):
		case rec.Code == 500 && strings.Contains(out, "<soap:Fault><faultcode>soap:"):
		default:
			t.Fatalf("answer %d %q to %q", rec.Code, out, body)
		}
		if !utf8.ValidString(out) {
			t.Fatalf("answer is not UTF-8: %q", out)
		}
	})
}

// FuzzInddata uploads any input file and carries it out: never a panic, and every answer is a 910 or
// 997 record that writes.
func FuzzInddata(f *testing.F) {
	for _, s := range []string{"06123400OP0101650001MINNOEGLE      \r\n", "07900001010165000112345\r\n", "06123400SL0101650001\n",
		"99\n", "06\r\n", "\xe6\xf8\xe5\n", "06123400OP010165000\n", "07ABCDEF0101650001\n", strings.Repeat("06123400XX0101650001", 20)} {
		f.Add([]byte(s))
	}
	sb, err := New(context.Background(), Config{Generator: generator.Config{Persons: 300, Seed: 9}})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if err := sb.Upload(1234, "d260101.i000001", data); err != nil {
			if len(data) <= MaxInddata {
				t.Fatal(err)
			}
			return
		}
		sb.mu.Lock()
		err := sb.carryOutInput(sb.start)
		sb.mu.Unlock()
		if err != nil {
			t.Fatalf("carry out %q: %v", data, err)
		}
		sb.access.mu.Lock()
		c := sb.access.customers[1234]
		answers := c.result.answers
		c.result, c.subscriptions, c.fresh = inputResult{}, map[pnr.Number]bool{}, nil
		sb.access.mu.Unlock()
		var buf bytes.Buffer
		w := extract.NewWriter(&buf, extract.WriterOptions{})
		for _, r := range answers {
			if r.Type() != "910" && r.Type() != "997" {
				t.Fatalf("answer %s", r.Type())
			}
			if err := w.Write(r); err != nil {
				t.Fatalf("answer to %q does not write: %v", data, err)
			}
		}
	})
}
