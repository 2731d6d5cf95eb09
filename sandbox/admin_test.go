package sandbox

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/cprtestdata/cprtestdata/generator"
)

// TestAdminToken checks that with an admin token the administration needs it, as a bearer token or as
// the page form's field, and that everything else stays open.
func TestAdminToken(t *testing.T) {
	sb, err := New(context.Background(), Config{Generator: generator.Config{Persons: 300, Seed: 5}, AdminToken: "s3cret-token"})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(NewHandler(sb))
	defer srv.Close()
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
