package sandbox

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/cprtestdata/cprtestdata/generator"
)

// webDriver is the least of a W3C WebDriver client: enough to drive a page in headless Chromium.
type webDriver struct {
	t    *testing.T
	base string // http://127.0.0.1:port/session/id
}

const elementKey = "element-6066-11e4-a52e-4f735466cecf"

func (d *webDriver) call(method, path string, body any) json.RawMessage {
	d.t.Helper()
	v, err := d.try(method, path, body)
	if err != nil {
		d.t.Fatal(err)
	}
	return v
}

// try is call that returns the error instead of failing the test: an element can go stale while a page
// loads.
func (d *webDriver) try(method, path string, body any) (json.RawMessage, error) {
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, d.base+path, rd)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, fmt.Errorf("webdriver %s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	var out struct {
		Value json.RawMessage `json:"value"`
	}
	data, _ := io.ReadAll(resp.Body)
	if err := json.Unmarshal(data, &out); err != nil || resp.StatusCode != 200 {
		return nil, fmt.Errorf("webdriver %s %s: %d %.300s", method, path, resp.StatusCode, data)
	}
	return out.Value, nil
}

func (d *webDriver) find(css string) string {
	d.t.Helper()
	var el map[string]string
	json.Unmarshal(d.call("POST", "/element", map[string]string{"using": "css selector", "value": css}), &el)
	return el[elementKey]
}

func (d *webDriver) text(css string) string {
	d.t.Helper()
	var s string
	json.Unmarshal(d.call("GET", "/element/"+d.find(css)+"/text", nil), &s)
	return s
}

// waitText waits up to ten seconds for an element css whose text satisfies ok, as the page after a
// click may still be loading, and returns its last text.
func (d *webDriver) waitText(css string, ok func(string) bool) string {
	d.t.Helper()
	last := ""
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		var els []map[string]string
		v, err := d.try("POST", "/elements", map[string]string{"using": "css selector", "value": css})
		if json.Unmarshal(v, &els); err != nil || len(els) == 0 {
			continue
		}
		var s string
		v, err = d.try("GET", "/element/"+els[0][elementKey]+"/text", nil)
		if err != nil {
			continue // stale: the page changed under it
		}
		json.Unmarshal(v, &s)
		if last = s; ok(s) {
			return s
		}
	}
	return last
}

func (d *webDriver) typeInto(css, text string) {
	d.t.Helper()
	id := d.find(css)
	d.call("POST", "/element/"+id+"/clear", map[string]any{})
	d.call("POST", "/element/"+id+"/value", map[string]any{"text": text})
}

func (d *webDriver) click(css string) {
	d.t.Helper()
	d.call("POST", "/element/"+d.find(css)+"/click", map[string]any{})
}

// startChromium starts chromedriver and a headless Chromium session. Without them the test is skipped,
// except under CI, where it fails: CI installs them (Debian's chromium and chromium-driver).
func startChromium(t *testing.T) *webDriver {
	t.Helper()
	driver, err := exec.LookPath("chromedriver")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("chromedriver is not installed; .ci/run installs Debian's chromium and chromium-driver")
		}
		t.Skip("chromedriver is not installed (Debian: apt-get install chromium chromium-driver); the web page is tested in CI")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	cmd := exec.Command(driver, fmt.Sprintf("--port=%d", port))
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	root := fmt.Sprintf("http://127.0.0.1:%d", port)
	for deadline := time.Now().Add(15 * time.Second); ; {
		if resp, err := http.Get(root + "/status"); err == nil {
			resp.Body.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("chromedriver did not start within 15 s")
		}
		time.Sleep(50 * time.Millisecond)
	}
	d := &webDriver{t: t, base: root}
	args := []string{"--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"}
	caps := map[string]any{"capabilities": map[string]any{"alwaysMatch": map[string]any{"goog:chromeOptions": map[string]any{"args": args}}}}
	var session struct {
		SessionID string `json:"sessionId"`
	}
	if err := json.Unmarshal(d.call("POST", "/session", caps), &session); err != nil || session.SessionID == "" {
		t.Fatalf("no session: %v", err)
	}
	d.base = root + "/session/" + session.SessionID
	t.Cleanup(func() { d.call("DELETE", "", nil) })
	return d
}

// TestWebPage drives the page in headless Chromium as a person would: search for a person, move the
// clock on with the form, see the new change extracts, and go back to the start.
func TestWebPage(t *testing.T) {
	sb, err := New(context.Background(), Config{Generator: generator.Config{Persons: 2000, Seed: 6}})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(NewHandler(sb))
	defer srv.Close()
	d := startChromium(t)
	d.call("POST", "/url", map[string]string{"url": srv.URL + "/"})
	if got := d.text("#clock"); !strings.Contains(got, "day 0") || !strings.Contains(got, "2000 persons") {
		t.Errorf("clock: %q", got)
	}
	var want, mother *generator.Person
	for _, p := range sb.persons {
		if m, ok := sb.Person(p.Mother.Number); ok && !p.Mother.Number.IsZero() && len(sb.Search(Query{Name: p.Name.Addressing, Limit: 2})) == 1 {
			want, mother = p, m
			break
		}
	}
	d.typeInto(`#search input[name="name"]`, want.Name.Addressing)
	d.click(`#search button`)
	has := func(sub string) func(string) bool { return func(s string) bool { return strings.Contains(s, sub) } }
	if got := d.waitText("#results", has(want.Number.String())); !strings.Contains(got, want.Number.String()) {
		t.Errorf("searching for %q: %q", want.Name.Addressing, got)
	}
	// The person view: every record, and a relative one click away.
	d.click(`#results a[href="/ui/person/` + want.Number.String() + `"]`)
	if got := d.waitText("#person", has(want.Number.String())); !strings.Contains(got, want.Name.Addressing) {
		t.Errorf("person view: %q", got)
	}
	if got := d.text("body"); !strings.Contains(got, "001 Personoplysninger") || !strings.Contains(got, "STATUS") {
		t.Errorf("person view without its records: %.300q", got)
	}
	d.click(`#relatives a[href="/ui/person/` + mother.Number.String() + `"]`)
	if got := d.waitText("#person", has(mother.Number.String())); !strings.Contains(got, mother.Name.Addressing) {
		t.Errorf("following the mother: %q", got)
	}
	d.call("POST", "/url", map[string]string{"url": srv.URL + "/"})
	d.typeInto(`input[name="days"]`, "3")
	d.click("#advance")
	if got := d.waitText("#message", has("Published 3 change extract")); !strings.Contains(got, "Published 3 change extract") {
		t.Errorf("after advancing: %q", got)
	}
	if got := d.text("#extracts"); !strings.Contains(got, "D260104.L900001") || !strings.Contains(got, "change") {
		t.Errorf("extracts after 3 days: %q", got)
	}
	if _, day := sb.Today(); day != 3 {
		t.Errorf("the sandbox is on day %d", day)
	}
	// The day view: what day 2's change extract carries.
	d.click(`#extracts a[href="/ui/day/2"]`)
	if got := d.waitText("#day", has("Day 2")); !strings.Contains(got, "2026-01-03") {
		t.Errorf("day view: %q", got)
	}
	if got := d.text("#changes"); !strings.Contains(got, "A") && !strings.Contains(got, "No one was touched") {
		t.Errorf("day view without events: %q", got)
	}
	// Faults to come and the journal on the page.
	if resp, err := http.Post(srv.URL+"/admin/faults/file?kind=truncated", "", nil); err != nil || resp.StatusCode != 200 {
		t.Fatalf("set a fault: %v %v", err, resp)
	}
	d.call("POST", "/url", map[string]string{"url": srv.URL + "/"})
	if got := d.text("#faults"); !strings.Contains(got, "truncated") {
		t.Errorf("faults on the page: %q", got)
	}
	if got := d.text("#journal"); !strings.Contains(got, "POST /admin/faults/file?kind=truncated") {
		t.Errorf("journal on the page: %.300q", got)
	}
	d.click("#reset")
	if got := d.waitText("#message", has("Back to the start")); !strings.Contains(got, "Back to the start") {
		t.Errorf("after reset: %q", got)
	}
	if got := d.waitText("#day", func(s string) bool { return s == "0" }); got != "0" {
		t.Errorf("after reset the page says day %q", got)
	}
	if got := d.text(`#scenarios`); !strings.Contains(got, "no-control-digit") {
		t.Errorf("scenarios: %.200q", got)
	}
}

// TestPageShowsDoors: the page lists the doors announced, the SFTP host keys and each customer's logon
// and service agreements.
func TestPageShowsDoors(t *testing.T) {
	sb, err := New(context.Background(), Config{Generator: generator.Config{Persons: 200}})
	if err != nil {
		t.Fatal(err)
	}
	sb.SetDoors(Doors{SFTP: "127.0.0.1:2222", SFTPHostKeys: []string{"ssh-ed25519 SHA256:abc"}, HTTPS: "127.0.0.1:8443"})
	rec := httptest.NewRecorder()
	NewHandler(sb).ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
	body := rec.Body.String()
	for _, want := range []string{"127.0.0.1:2222", "<code>ssh-ed25519 SHA256:abc</code>", "127.0.0.1:8443", SF6002Path,
		`<td class="num">1234</td><td>password</td>`, DefaultAgreement(1234)} {
		if !strings.Contains(body, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
}

// TestViews: the person and day views read without the admin token the forms need, a search at its
// limit says so, and an unknown person or day leads back to the page with a message.
func TestViews(t *testing.T) {
	sb, err := New(context.Background(), Config{Generator: generator.Config{Persons: 500}, AdminToken: "secret"})
	if err != nil {
		t.Fatal(err)
	}
	sb.Advance(context.Background(), 1)
	h := NewHandler(sb)
	get := func(path string) *httptest.ResponseRecorder {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
		return rec
	}
	p := sb.persons[0]
	if rec := get("/ui/person/" + p.Number.String()); rec.Code != 200 || !strings.Contains(rec.Body.String(), "001 Personoplysninger") {
		t.Errorf("person view: %d %.200s", rec.Code, rec.Body.String())
	}
	if rec := get("/ui/day/1"); rec.Code != 200 || !strings.Contains(rec.Body.String(), `id="changes"`) {
		t.Errorf("day view: %d %.200s", rec.Code, rec.Body.String())
	}
	for _, path := range []string{"/ui/person/0101010000", "/ui/day/99"} {
		if rec := get(path); rec.Code != http.StatusSeeOther || !strings.Contains(rec.Header().Get("Location"), "message=") {
			t.Errorf("%s: %d %v", path, rec.Code, rec.Header())
		}
	}
	if rec := get("/?name=e"); !strings.Contains(rec.Body.String(), `id="truncated"`) {
		t.Errorf("a search of 500 persons for \"e\" stops at 100 without saying so")
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("POST", "/ui/advance", strings.NewReader("days=1")))
	if rec.Code != http.StatusUnauthorized {
		t.Errorf("a form without the token: %d", rec.Code)
	}
}
