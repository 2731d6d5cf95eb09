package sandbox

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cprtestdata/cprtestdata/formats/dataset"
	"github.com/cprtestdata/cprtestdata/formats/extract"
	"github.com/cprtestdata/cprtestdata/generator"
	"github.com/cprtestdata/cprtestdata/sandbox/direkte"
)

var testSandbox = sync.OnceValues(func() (*Sandbox, error) {
	return New(context.Background(), Config{Generator: generator.Config{Persons: 3000, Seed: 1}})
})

// client talks to a sandbox over HTTP as a receiving program does.
type client struct {
	t   *testing.T
	url string
}

func newClient(t *testing.T) (*client, *Sandbox) {
	t.Helper()
	sb, err := testSandbox()
	if err != nil {
		t.Fatal(err)
	}
	sb.Reset()
	srv := httptest.NewServer(NewHandler(sb))
	t.Cleanup(srv.Close)
	return &client{t: t, url: srv.URL}, sb
}

func (c *client) do(method, path string, hdr http.Header) (*http.Response, []byte) {
	c.t.Helper()
	req, err := http.NewRequest(method, c.url+path, nil)
	if err != nil {
		c.t.Fatal(err)
	}
	for k, v := range hdr {
		req.Header[k] = v
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		c.t.Fatal(err)
	}
	return resp, body
}

func (c *client) json(method, path string, want int, v any) {
	c.t.Helper()
	resp, body := c.do(method, path, nil)
	if resp.StatusCode != want {
		c.t.Fatalf("%s %s: %d %s, want %d", method, path, resp.StatusCode, body, want)
	}
	if v != nil {
		if err := json.Unmarshal(body, v); err != nil {
			c.t.Fatalf("%s %s: %v", method, path, err)
		}
	}
}

type listed struct {
	Name               string `json:"name"`
	Kind               string `json:"kind"`
	ProductionDate     string `json:"production_date"`
	PreviousProduction string `json:"previous_production_date"`
	SHA256             string `json:"sha256"`
	URL                string `json:"url"`
}

// readAll reads every record of an extract.
func readAll(t *testing.T, data []byte) []*extract.Record {
	t.Helper()
	var out []*extract.Record
	rd := extract.NewReader(bytes.NewReader(data))
	for {
		rec, err := rd.Read()
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, rec)
	}
}

// TestReceivingProgram does what a customer's receiving program does: download the status extract,
// move the clock on, fetch the change extracts in order and apply them, and look persons up.
func TestReceivingProgram(t *testing.T) {
	c, _ := newClient(t)
	var health map[string]any
	c.json("GET", "/healthz", 200, &health)
	if health["status"] != "ok" || health["day"] != float64(0) {
		t.Errorf("healthz: %v", health)
	}
	var files []listed
	c.json("GET", "/api/extracts", 200, &files)
	if len(files) != 1 || files[0].Kind != "status" || files[0].Name != "D260101.L900001" {
		t.Fatalf("extracts at the start: %+v", files)
	}
	h := extract.NewReceiver()
	apply := func(data []byte) {
		t.Helper()
		if err := h.Apply(bytes.NewReader(data)); err != nil {
			t.Fatal(err)
		}
	}
	resp, status := c.do("GET", files[0].URL, nil)
	if resp.StatusCode != 200 || resp.Header.Get("ETag") != `"`+files[0].SHA256+`"` {
		t.Fatalf("download: %d, ETag %s", resp.StatusCode, resp.Header.Get("ETag"))
	}
	apply(status)

	var adv struct {
		Day       int      `json:"day"`
		Published []listed `json:"published"`
	}
	c.json("POST", "/admin/clock/advance?days=20", 200, &adv)
	if adv.Day != 20 || len(adv.Published) != 20 {
		t.Fatalf("advance: day %d, %d published", adv.Day, len(adv.Published))
	}
	c.json("GET", "/api/extracts", 200, &files)
	if len(files) != 21 {
		t.Fatalf("%d extracts after 20 days", len(files))
	}
	for i, f := range files[1:] {
		if f.Kind != "change" || f.PreviousProduction != files[i].ProductionDate {
			t.Fatalf("%s: %s with previous production %s, the file before was produced %s", f.Name, f.Kind, f.PreviousProduction, files[i].ProductionDate)
		}
		_, data := c.do("GET", f.URL, nil)
		apply(data)
	}
	// CPR Direkte over TLS gives the records the receiver holds, for the first persons and those added.
	sb, _ := testSandbox()
	dial := direkteServer(t, sb, true)
	tok := call(t, dial, logon("TESTUSER", "Test1234", "")).Token
	for _, num := range append(h.Numbers()[:20:20], h.Numbers()[len(h.Numbers())-5:]...) {
		r := call(t, dial, direkte.AppendLookup(nil, lookup(tok, "TESTUSER", num)))
		if r.Code != direkte.OK {
			t.Fatalf("CPR Direkte lookup of %s: %02d", num, r.Code)
		}
		var got, want []string
		for _, rec := range readAll(t, r.Data) {
			if rec.Type() != "000" && rec.Type() != "999" {
				got = append(got, strings.Join(rec.Values, "|"))
			}
		}
		for _, rec := range h.Records(num) {
			if rec.Type() <= "017" {
				want = append(want, strings.Join(rec.Values, "|"))
			}
		}
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Fatalf("%s: CPR Direkte gives %d records, the receiver holds %d, or they differ", num, len(got), len(want))
		}
	}
	// What the receiver holds is what the sandbox says of everyone today.
	if len(h.Numbers()) <= 3000 {
		t.Errorf("%d persons held after 20 days: none added", len(h.Numbers()))
	}
	for _, num := range h.Numbers() {
		var p struct {
			Status string `json:"status"`
			Name   struct {
				Addressing string `json:"addressing"`
			} `json:"name"`
		}
		c.json("GET", "/api/persons/"+num, 200, &p)
		rec := h.Records(num)[0]
		if rec.Type() != "001" || rec.Get("Status") != p.Status {
			t.Fatalf("%s: the receiver holds status %s, the sandbox says %s", num, rec.Get("Status"), p.Status)
		}
	}
}

// TestSandboxMatchesGenerate checks that the sandbox publishes the same files testdata generate --days
// writes for the same population.
func TestSandboxMatchesGenerate(t *testing.T) {
	c, _ := newClient(t)
	c.json("POST", "/admin/clock/advance?days=5", 200, nil)
	dir := t.TempDir()
	m, err := dataset.Write(context.Background(), dir, dataset.Options{Generator: generator.Config{Persons: 3000, Seed: 1, Days: 5},
		Formats: []dataset.Format{dataset.FormatFixed}})
	if err != nil {
		t.Fatal(err)
	}
	names := []string{"D260101.L900001"}
	for _, d := range m.Days {
		names = append(names, d.File)
	}
	for _, name := range names {
		want, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		_, got := c.do("GET", "/api/extracts/"+filepath.Base(name), nil)
		if !bytes.Equal(got, want) {
			t.Errorf("%s: the sandbox serves %d bytes, testdata generate writes %d", name, len(got), len(want))
		}
	}
}

func TestHTTPDetails(t *testing.T) {
	c, sb := newClient(t)
	f := sb.Files()[0]
	// Range and conditional requests.
	resp, body := c.do("GET", "/api/extracts/"+f.Name, http.Header{"Range": {"bytes=0-34"}})
	if resp.StatusCode != 206 || string(body[:3]) != "000" || len(body) != 35 {
		t.Errorf("range: %d, %q", resp.StatusCode, body)
	}
	resp, _ = c.do("GET", "/api/extracts/"+f.Name, http.Header{"If-None-Match": {`"` + f.SHA256 + `"`}})
	if resp.StatusCode != 304 {
		t.Errorf("If-None-Match with the ETag: %d, want 304", resp.StatusCode)
	}
	if resp.Header.Get("Content-Length") != "" && resp.StatusCode == 200 {
		t.Error("no Content-Length")
	}
	// Errors.
	for _, tt := range []struct {
		method, path string
		want         int
		says         string
	}{
		{"GET", "/api/extracts/D990101.L900001", 404, "no extract"},
		{"GET", "/api/extracts/..%2f..%2fetc%2fpasswd", 404, "no extract"},
		{"GET", "/api/persons/0101640000", 400, "serial 0000"},
		{"GET", "/api/persons/3213651234", 400, "day 32"},
		{"GET", "/api/persons/0101650001", 404, "no person"},
		{"GET", "/api/persons", 400, "at least one"},
		{"GET", "/api/persons?birth_date=1965-13-01", 400, "birth_date"},
		{"GET", "/api/persons?limit=0&name=a", 400, "limit"},
		{"POST", "/admin/clock/advance?days=0", 400, "days"},
		{"POST", "/admin/clock/advance?days=x", 400, "days"},
		{"GET", "/admin/reset", 405, ""},
	} {
		resp, body := c.do(tt.method, tt.path, nil)
		if resp.StatusCode != tt.want || !strings.Contains(string(body), tt.says) {
			t.Errorf("%s %s: %d %s, want %d and %q", tt.method, tt.path, resp.StatusCode, body, tt.want, tt.says)
		}
	}
	// Search and lookup agree.
	p := sb.Search(Query{Name: "e", Limit: 1})[0]
	var found []map[string]any
	c.json("GET", "/api/persons?birth_date="+p.BirthDate.String()+"&name="+strings.ToUpper(p.Name.Last), 200, &found)
	ok := false
	for _, q := range found {
		ok = ok || q["pnr"] == p.Number.String()
	}
	if !ok {
		t.Errorf("search by birth date and surname does not find %s (%s): %v", p.Number, p.Name.Addressing, found)
	}
	var doc map[string]any
	c.json("GET", "/api/openapi.json", 200, &doc)
	if doc["openapi"] != "3.0.3" {
		t.Errorf("openapi.json: %v", doc["openapi"])
	}
	// Reset withdraws the change extracts; moving on again publishes the same bytes.
	var adv struct {
		Published []listed `json:"published"`
	}
	c.json("POST", "/admin/clock/advance?days=2", 200, &adv)
	c.json("POST", "/admin/reset", 200, nil)
	if n := len(sb.Files()); n != 1 {
		t.Errorf("%d extracts after reset", n)
	}
	var again struct {
		Published []listed `json:"published"`
	}
	c.json("POST", "/admin/clock/advance?days=2", 200, &again)
	if len(again.Published) != 2 || again.Published[1].SHA256 != adv.Published[1].SHA256 {
		t.Error("after reset the clock publishes different change extracts")
	}
}

// TestServeShutdown checks that Serve finishes a request in flight when its context ends.
func TestServeShutdown(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	started := make(chan struct{})
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(started)
		time.Sleep(300 * time.Millisecond)
		io.WriteString(w, "finished")
	})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- Serve(ctx, ln, h, 0) }()
	got := make(chan string, 1)
	go func() {
		resp, err := http.Get("http://" + ln.Addr().String() + "/")
		if err != nil {
			got <- err.Error()
			return
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		got <- string(b)
	}()
	<-started
	cancel()
	if s := <-got; s != "finished" {
		t.Errorf("the request in flight got %q", s)
	}
	if err := <-done; err != nil {
		t.Errorf("Serve: %v", err)
	}
	if _, err := http.Get("http://" + ln.Addr().String() + "/"); err == nil {
		t.Error("the server still answers after shutdown")
	}
}

// TestFromDir serves directories testdata generate wrote, with their own options, and moves on from
// them: daily, and on weekdays with a timeline that ends on a Sunday.
func TestFromDir(t *testing.T) {
	for _, tc := range []struct {
		name     string
		days     int
		weekdays bool
		files    int // extracts served
	}{
		{"daily", 3, false, 4},
		{"weekdays ending on a Sunday", 10, true, 8}, // 2026-01-01 is a Thursday: Jan 2, 5-9, and Sunday the 11th
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			opts := dataset.Options{Generator: generator.Config{Persons: 2000, Seed: 21, Days: tc.days, Weekdays: tc.weekdays},
				Formats: []dataset.Format{dataset.FormatFixed}}
			opts.Extract.Framing, opts.Extract.Task, opts.Extract.Trim = extract.LF, 4711, true
			if _, err := dataset.Write(context.Background(), dir, opts); err != nil {
				t.Fatal(err)
			}
			sb, err := FromDir(context.Background(), dir, Config{})
			if err != nil {
				t.Fatal(err)
			}
			if _, day := sb.Today(); day != tc.days || len(sb.Files()) != tc.files {
				t.Fatalf("day %d, %d files; want day %d and %d files", day, len(sb.Files()), tc.days, tc.files)
			}
			for _, f := range sb.Files() {
				name := f.Name
				if f.Kind == "change" {
					name = filepath.Join("changes", name)
				}
				want, err := os.ReadFile(filepath.Join(dir, name))
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(f.Data(), want) {
					t.Errorf("%s: served %d bytes, the directory has %d", f.Name, len(f.Data()), len(want))
				}
			}
			if _, err := sb.Advance(context.Background(), 1); err != nil {
				t.Fatal(err)
			}
			fs := sb.Files()
			last := fs[len(fs)-1]
			if last.PreviousProduction != fs[len(fs)-2].Production || last.Name != extract.FileName(last.Production, 4711) {
				t.Errorf("the series breaks after the directory's last day: %s produced %v after %v", last.Name, last.PreviousProduction, fs[len(fs)-2].Production)
			}
			if data := last.Data(); !bytes.HasSuffix(data, []byte("\n")) || bytes.Contains(data, []byte(" \n")) || bytes.Contains(data, []byte("\r")) {
				t.Errorf("%s is not in the directory's framing (LF, trimmed): %q", last.Name, data[:min(len(data), 200)])
			}
		})
	}
}

// TestFromDirRefuses checks that a directory whose files or manifest do not match is refused, naming
// what is wrong.
func TestFromDirRefuses(t *testing.T) {
	src := t.TempDir()
	opts := dataset.Options{Generator: generator.Config{Persons: 800, Seed: 3, Days: 2}, Formats: []dataset.Format{dataset.FormatFixed, dataset.FormatJSONL}}
	if _, err := dataset.Write(context.Background(), src, opts); err != nil {
		t.Fatal(err)
	}
	change := filepath.Join("changes", "D260103.L900001")
	for _, tc := range []struct {
		name  string
		spoil func(dir string) error
		want  error
		says  string
	}{
		{"a change extract one byte longer", func(dir string) error {
			f, err := os.OpenFile(filepath.Join(dir, change), os.O_APPEND|os.O_WRONLY, 0)
			if err != nil {
				return err
			}
			defer f.Close()
			_, err = f.Write([]byte(" "))
			return err
		}, dataset.ErrMismatch, "D260103.L900001"},
		{"a status extract changed in place", func(dir string) error {
			name := filepath.Join(dir, "D260101.L900001")
			data, err := os.ReadFile(name)
			if err != nil {
				return err
			}
			data[100] ^= 1
			return os.WriteFile(name, data, 0o644)
		}, dataset.ErrMismatch, "SHA-256"},
		{"a change extract missing", func(dir string) error { return os.Remove(filepath.Join(dir, change)) }, dataset.ErrMismatch, "D260103.L900001"},
		{"another data version", func(dir string) error {
			return rewriteManifest(dir, func(m map[string]any) { m["data_version"] = "1" })
		}, dataset.ErrDataVersion, "data version 1"},
		{"a file outside the directory", func(dir string) error {
			return rewriteManifest(dir, func(m map[string]any) {
				m["days"].([]any)[0].(map[string]any)["file"] = "../D260102.L900001"
			})
		}, dataset.ErrManifest, "not a name inside"},
		{"no manifest", func(dir string) error { return os.Remove(filepath.Join(dir, "manifest.json")) }, dataset.ErrManifest, "manifest.json"},
		{"made with --event", func(dir string) error {
			return rewriteManifest(dir, func(m map[string]any) { m["events"] = map[string]any{"death": 1} })
		}, ErrConfig, "POST /admin/events"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.CopyFS(dir, os.DirFS(src)); err != nil {
				t.Fatal(err)
			}
			if err := tc.spoil(dir); err != nil {
				t.Fatal(err)
			}
			_, err := FromDir(context.Background(), dir, Config{})
			if !errors.Is(err, ErrConfig) || !errors.Is(err, tc.want) || !strings.Contains(err.Error(), tc.says) {
				t.Fatalf("got %v, want %v saying %q", err, tc.want, tc.says)
			}
		})
	}
}

func rewriteManifest(dir string, change func(map[string]any)) error {
	name := filepath.Join(dir, "manifest.json")
	data, err := os.ReadFile(name)
	if err != nil {
		return err
	}
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		return err
	}
	change(m)
	if data, err = json.Marshal(m); err != nil {
		return err
	}
	return os.WriteFile(name, data, 0o644)
}

// TestWeekdays checks that a sandbox delivering on weekdays publishes the files testdata generate --days
// --weekdays writes: nothing on Saturday and Sunday, Monday's with the weekend folded in.
func TestWeekdays(t *testing.T) {
	sb, err := New(context.Background(), Config{Generator: generator.Config{Persons: 3000, Seed: 1}, Weekdays: true})
	if err != nil {
		t.Fatal(err)
	}
	made, err := sb.Advance(context.Background(), 12) // to Tuesday 13 January 2026
	if err != nil {
		t.Fatal(err)
	}
	if len(made) != 8 {
		t.Fatalf("%d change extracts in 12 days from a Thursday, want 8", len(made))
	}
	dir := t.TempDir()
	m, err := dataset.Write(context.Background(), dir, dataset.Options{Generator: generator.Config{Persons: 3000, Seed: 1, Days: 12, Weekdays: true},
		Formats: []dataset.Format{dataset.FormatFixed}})
	if err != nil {
		t.Fatal(err)
	}
	i := 0
	for _, d := range m.Days {
		if d.File == "" {
			continue
		}
		want, err := os.ReadFile(filepath.Join(dir, d.File))
		if err != nil {
			t.Fatal(err)
		}
		if made[i].Name != filepath.Base(d.File) || !bytes.Equal(made[i].Data(), want) {
			t.Errorf("%s: the sandbox published %s, %d bytes; testdata generate wrote %d", d.File, made[i].Name, made[i].Bytes, len(want))
		}
		i++
	}
}
