package sandbox

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/cprtestdata/cprtestdata/generator"
)

// served starts a sandbox of cfg behind an HTTP test server that ends with the test.
func served(t *testing.T, cfg Config) (*Sandbox, *httptest.Server) {
	t.Helper()
	sb, err := New(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(NewHandler(sb))
	t.Cleanup(srv.Close)
	return sb, srv
}

// TestAdminToken checks that with an admin token the administration needs it, as a bearer token or as
// the page form's field, and that everything else stays open.
func TestAdminToken(t *testing.T) {
	sb, srv := served(t, Config{Generator: generator.Config{Persons: 300, Seed: 5}, AdminToken: "s3cret-token"})
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	send := func(method, path, auth string, form url.Values) int {
		t.Helper()
		var body *strings.Reader
		if form != nil {
			body = strings.NewReader(form.Encode())
		} else {
			body = strings.NewReader("")
		}
		req, err := http.NewRequest(method, srv.URL+path, body)
		if err != nil {
			t.Fatal(err)
		}
		if form != nil {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		resp, err := noRedirect.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode == http.StatusUnauthorized && resp.Header.Get("WWW-Authenticate") == "" {
			t.Errorf("%s %s: 401 without WWW-Authenticate", method, path)
		}
		return resp.StatusCode
	}
	for _, tc := range []struct {
		name, method, path, auth string
		form                     url.Values
		want                     int
	}{
		{"admin without a token", "POST", "/admin/clock/advance?days=1", "", nil, http.StatusUnauthorized},
		{"admin with a wrong token", "POST", "/admin/clock/advance?days=1", "Bearer s3cret-tokeN", nil, http.StatusUnauthorized},
		{"admin with the token in another scheme", "GET", "/admin/journal", "Basic s3cret-token", nil, http.StatusUnauthorized},
		{"admin with the token", "POST", "/admin/clock/advance?days=1", "Bearer s3cret-token", nil, http.StatusOK},
		{"reading admin state with the token", "GET", "/admin/journal", "Bearer s3cret-token", nil, http.StatusOK},
		{"the page's form without the token", "POST", "/ui/reset", "", url.Values{}, http.StatusUnauthorized},
		{"the page's form with a wrong token", "POST", "/ui/advance", "", url.Values{"days": {"1"}, "admin_token": {"nope"}}, http.StatusUnauthorized},
		{"the page's form with the token", "POST", "/ui/advance", "", url.Values{"days": {"1"}, "admin_token": {"s3cret-token"}}, http.StatusSeeOther},
		{"the API stays open", "GET", "/api/extracts", "", nil, http.StatusOK},
		{"the page stays open", "GET", "/", "", nil, http.StatusOK},
		{"health stays open", "GET", "/healthz", "", nil, http.StatusOK},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := send(tc.method, tc.path, tc.auth, tc.form); got != tc.want {
				t.Errorf("got %d, want %d", got, tc.want)
			}
		})
	}
	if _, day := sb.Today(); day != 2 {
		t.Errorf("day %d after two authorized advances, want 2", day)
	}
}

// TestQueryParametersRangeChecked sends out-of-range and malformed query parameters to every handler
// that reads numbers and checks each is a 400 naming the parameter (a huge page once panicked).
func TestQueryParametersRangeChecked(t *testing.T) {
	_, srv := served(t, Config{Generator: generator.Config{Persons: 300, Seed: 5}})
	const df = "/CPR/CprPersonFullComplete/1/rest/PersonFullCurrentListComplete?person.foedselsdato.ge=1900-01-01&"
	for _, tc := range []struct{ method, path, param string }{
		{"GET", df + "page=9223372036854775807&pageSize=500", "page"},
		{"GET", df + "page=-1", "page"},
		{"GET", df + "pageSize=501", "pageSize"},
		{"GET", df + "pageSize=1e3", "pageSize"},
		{"GET", df + "cadr.cprkommunekode.eq=101&cadr.CprKommunekode.eq=147", "cadr.CprKommunekode.eq"},
		{"GET", df + "cadr.cprkommunekode.xx=101", "cadr.cprkommunekode.xx"},
		{"GET", df + "cadr.nosuchfield.eq=1", "cadr.nosuchfield.eq"},
		{"GET", df + "navn.fornavne.ge=Hans", "navn.fornavne.ge"},
		{"GET", "/api/persons?name=a&limit=9223372036854775808", "limit"},
		{"GET", "/api/persons?postcode=-5", "postcode"},
		{"POST", "/admin/clock/advance?days=9223372036854775807", "days"},
		{"POST", "/admin/faults/latency?ms=9223372036854775807", "ms"},
		{"POST", "/admin/faults/latency?ms=100&count=9223372036854775807", "count"},
		{"POST", "/admin/faults/drop?count=0", "count"},
		{"POST", "/admin/faults/direkte-error?code=100", "code"},
		{"POST", "/admin/faults/http-error?status=99999999999999999999", "status"},
	} {
		t.Run(tc.path, func(t *testing.T) {
			req, _ := http.NewRequest(tc.method, srv.URL+tc.path, nil)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var body strings.Builder
			io.Copy(&body, resp.Body)
			if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body.String(), tc.param) {
				t.Errorf("%s %s: %d %s; want 400 naming %s", tc.method, tc.path, resp.StatusCode, body.String(), tc.param)
			}
		})
	}
}

// TestUnknownRoutesAnswerJSON checks that a path without a route is a JSON 404 and a method a route does
// not take a JSON 405 with Allow, like every other error (FuzzHTTPQuery found the mux's plain text).
func TestUnknownRoutesAnswerJSON(t *testing.T) {
	_, srv := served(t, Config{Generator: generator.Config{Persons: 100, Seed: 5}})
	for _, tc := range []struct {
		method, path string
		want         int
	}{
		{"GET", "/api/persons/", http.StatusNotFound},
		{"GET", "/nowhere", http.StatusNotFound},
		{"DELETE", "/api/extracts", http.StatusMethodNotAllowed},
	} {
		req, _ := http.NewRequest(tc.method, srv.URL+tc.path, nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var body struct{ Error string }
		decodeErr := json.NewDecoder(resp.Body).Decode(&body)
		resp.Body.Close()
		if resp.StatusCode != tc.want || decodeErr != nil || body.Error == "" || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
			t.Errorf("%s %s: %d %q %v", tc.method, tc.path, resp.StatusCode, body.Error, decodeErr)
		}
		if tc.want == http.StatusMethodNotAllowed && resp.Header.Get("Allow") == "" {
			t.Errorf("%s %s: 405 without Allow", tc.method, tc.path)
		}
	}
}

// TestRegisters checks that the sandbox serves the road register and the authority table, and that the
// road register holds every road of the persons' current addresses, today and after moving the clock.
func TestRegisters(t *testing.T) {
	sb, srv := served(t, Config{Generator: generator.Config{Persons: 1500, Seed: 8}})
	check := func() {
		t.Helper()
		resp, err := http.Get(srv.URL + "/api/registers/P05780_vejregister.txt")
		if err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("road register: %v %v", err, resp)
		}
		data, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		for _, p := range sb.Search(Query{Name: "a", Limit: 1000}) {
			if a := p.Address; a != nil && a.RoadCode != 0 {
				key := fmt.Sprintf("\n001%04d%04d", a.Municipality, a.RoadCode)
				if !bytes.Contains(data, []byte(key)) {
					t.Fatalf("road %04d of %04d (%s) is not in the road register", a.RoadCode, a.Municipality, p.Number)
				}
			}
		}
		var list []File
		resp, err = http.Get(srv.URL + "/api/registers")
		if err != nil {
			t.Fatal(err)
		}
		json.NewDecoder(resp.Body).Decode(&list)
		resp.Body.Close()
		if len(list) != 2 || list[1].URL != "/api/registers/P02680_myndighedstabel.txt" {
			t.Errorf("registers listed: %+v", list)
		}
	}
	check()
	if _, err := sb.Advance(context.Background(), 30); err != nil {
		t.Fatal(err)
	}
	check()
}

// TestHealthChecksStayOutOfTheJournal checks that the container's health checks do not fill the
// journal, which is about the client's own requests.
func TestHealthChecksStayOutOfTheJournal(t *testing.T) {
	sb, err := New(context.Background(), Config{Generator: generator.Config{Persons: 100, Seed: 5}})
	if err != nil {
		t.Fatal(err)
	}
	h := NewHandler(sb)
	for range 5 {
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/healthz", nil))
	}
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/api/clock", nil))
	if entries, total := sb.Journal(); total != 1 || entries[0].Request != "GET /api/clock" {
		t.Errorf("journal: %d entries %+v; want the one API request", total, entries)
	}
}
