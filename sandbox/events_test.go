package sandbox

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/cprtestdata/cprtestdata/formats/extract"
	"github.com/cprtestdata/cprtestdata/generator"
)

// TestForceEvents asks a running sandbox over HTTP for events tomorrow, as a tester does before
// checking a receiver's handling of them: they come in the next change extract, with their 099 events,
// to the persons named in the answer; the extracts already published stay; a snapshot taken before keeps
// the state without them, and reset withdraws them. Bad requests are refused with the reason.
func TestForceEvents(t *testing.T) {
	sb, srv := served(t, Config{Generator: generator.Config{Persons: 2000, Seed: 21}})
	call := func(method, path string) (int, []byte) {
		t.Helper()
		req, _ := http.NewRequest(method, srv.URL+path, nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, body
	}
	if code, body := call("POST", "/admin/clock/advance?days=3"); code != 200 {
		t.Fatalf("advance: %d %s", code, body)
	}
	published := map[string]string{}
	for _, f := range sb.Files() {
		published[f.Name] = f.SHA256
	}
	if code, body := call("POST", "/admin/snapshot"); code != 200 {
		t.Fatalf("snapshot: %d %s", code, body)
	}
	want := map[string]string{} // number → the event code its day's 099 must carry
	for kind, code := range map[string]string{"death": "A21", "emigration": "A06", "disappearance": "A02", "number-change": "P03"} {
		status, body := call("POST", "/admin/events?kind="+kind+"&count=2")
		var got struct{ Events []ForcedEvent }
		if status != 200 || json.Unmarshal(body, &got) != nil || len(got.Events) != 2 {
			t.Fatalf("%s: %d %s", kind, status, body)
		}
		for _, e := range got.Events {
			if e.Day != 4 || e.Kind != kind || want[e.Number] != "" {
				t.Fatalf("%s: %+v (twice?)", kind, e)
			}
			want[e.Number] = code
		}
	}
	for _, f := range sb.Files() {
		if published[f.Name] != f.SHA256 {
			t.Errorf("%s changed by the requests", f.Name)
		}
	}
	if code, body := call("POST", "/admin/clock/advance"); code != 200 {
		t.Fatalf("advance: %d %s", code, body)
	}
	files := sb.Files()
	day4 := files[len(files)-1]
	r := extract.NewReader(strings.NewReader(string(day4.Data())))
	events := map[string]string{}
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if rec.Type() == "099" { // a change of number is the new number's, with PT for the old
			events[rec.Get("PNR")] += rec.Get("Event_") + rec.Get("DerivedMark") + " "
		}
	}
	for n, code := range want {
		if !strings.Contains(events[n], code) && !(code == "P03" && strings.Contains(events[n], "P03PT")) {
			t.Errorf("%s: day 4's events %q, want %s", n, events[n], code)
		}
	}
	_, body := call("GET", "/admin/events")
	var asked []ForcedEvent
	if err := json.Unmarshal(body, &asked); err != nil || len(asked) != 8 {
		t.Fatalf("events asked: %s (%v)", body, err)
	}
	for _, e := range asked {
		if e.Happened == nil || !*e.Happened {
			t.Errorf("%+v: not marked as happened", e)
		}
	}

	if code, body := call("POST", "/admin/restore?id=1"); code != 200 {
		t.Fatalf("restore: %d %s", code, body)
	}
	if _, body := call("GET", "/admin/events"); strings.TrimSpace(string(body)) != "null" && strings.TrimSpace(string(body)) != "[]" {
		t.Errorf("after restoring a snapshot taken before them, events asked: %s", body)
	}
	call("POST", "/admin/events?kind=death&count=1")
	call("POST", "/admin/reset")
	if _, body := call("GET", "/admin/events"); strings.TrimSpace(string(body)) != "null" && strings.TrimSpace(string(body)) != "[]" {
		t.Errorf("after reset, events asked: %s", body)
	}
	for _, tt := range []struct{ query, want string }{
		{"kind=marriage", "want one of death, disappearance, emigration, move, number-change"},
		{"kind=deth", "want one of"},
		{"kind=death&count=0", "want a number from 1 to 1000"},
		{"kind=death&count=1000", ""},
		{"kind=death&count=1000", "persons can carry one now"},
	} {
		if tt.want == "" {
			if code, body := call("POST", "/admin/events?"+tt.query); code != 200 {
				t.Errorf("%s: %d %s", tt.query, code, body[:min(len(body), 200)])
			}
			continue
		}
		if code, body := call("POST", "/admin/events?"+tt.query); code != 400 || !strings.Contains(string(body), tt.want) {
			t.Errorf("%s: %d %s", tt.query, code, body)
		}
	}
}
