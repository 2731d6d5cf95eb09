package sandbox

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/cprtestdata/cprtestdata/formats/extract"
	"github.com/cprtestdata/cprtestdata/generator"
	"github.com/cprtestdata/cprtestdata/sandbox/direkte"
)

// inspect runs testdata inspect's checks over published files, in order.
func inspect(t *testing.T, fs ...*File) *extract.Report {
	t.Helper()
	byName := map[string]*File{}
	var names []string
	for i, f := range fs {
		key := strings.Repeat("+", i) + f.Name // unique, in case a file is delivered twice
		byName[key] = f
		names = append(names, key)
	}
	rep, err := extract.Inspect(names, func(n string) (io.ReadCloser, error) {
		return io.NopCloser(bytes.NewReader(byName[n].Data())), nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func rules(rep *extract.Report) map[string]int {
	m := map[string]int{}
	for _, f := range rep.Findings {
		if f.Violates {
			m[f.Rule]++
		}
	}
	return m
}

// TestFileFaults publishes a change extract with each file fault and sees it with inspect's checks.
func TestFileFaults(t *testing.T) {
	sb, err := New(context.Background(), Config{Generator: generator.Config{Persons: 10000, Seed: 8}})
	if err != nil {
		t.Fatal(err)
	}
	clean := inspect(t, sb.Files()[0])
	if clean.Violations != 0 {
		t.Fatalf("the status extract has violations: %v", clean.Findings)
	}
	for _, fault := range FileFaults {
		t.Run(fault, func(t *testing.T) {
			sb.Reset()
			if _, err := sb.Advance(context.Background(), 3); err != nil {
				t.Fatal(err)
			}
			normal := sb.Files()
			sb.Reset()
			if _, err := sb.Advance(context.Background(), 2); err != nil {
				t.Fatal(err)
			}
			if err := sb.FileFault(fault); err != nil {
				t.Fatal(err)
			}
			made, err := sb.Advance(context.Background(), 1)
			if err != nil {
				t.Fatal(err)
			}
			f := made[0]
			if f.Fault != fault {
				t.Errorf("the file says fault %q", f.Fault)
			}
			prev := sb.Files()[2]
			rep := inspect(t, prev, f)
			switch fault {
			case FaultTruncated, FaultMissingEnd:
				if rep.Violations == 0 || len(f.Data()) >= len(normal[3].Data()) {
					t.Errorf("%d bytes of %d, violations %v", len(f.Data()), len(normal[3].Data()), rules(rep))
				}
			case FaultWrongCount:
				if rules(rep)["counter"] != 1 {
					t.Errorf("violations %v, want the 999 counter", rules(rep))
				}
			case FaultBrokenChain:
				if rules(rep)["chain"] != 1 {
					t.Errorf("violations %v, want the chain", rules(rep))
				}
			case FaultDuplicate:
				if len(made) != 2 || made[1].Name != f.Name || made[1].URL == f.URL || !bytes.Equal(made[1].Data(), f.Data()) {
					t.Errorf("published %d files: %+v", len(made), made)
				}
			case FaultWrongEncoding:
				latin1 := !utf8.Valid(normal[3].Data()) // the day has a character beyond ASCII
				if !latin1 {
					t.Fatal("day 3 is all ASCII: the test cannot tell the encodings apart")
				}
				if !utf8.Valid(f.Data()) || (latin1 && bytes.Equal(f.Data(), normal[3].Data())) {
					t.Errorf("not UTF-8, or the same bytes as the ISO-8859-1 file")
				}
			}
			if fault != FaultDuplicate && fault != FaultWrongEncoding && bytes.Equal(f.Data(), normal[3].Data()) {
				t.Error("the faulty file is the normal one")
			}
		})
	}
}

// TestProtocolFaults asks for each protocol fault and sees it, over HTTP and CPR Direkte, and finds
// the requests in the journal.
func TestProtocolFaults(t *testing.T) {
	c, sb := newClient(t)
	defer sb.ClearFaults()
	// HTTP status for the next two requests under /api; /healthz is not touched.
	c.json("POST", "/admin/faults/http-error?status=503&count=2", 200, nil)
	c.json("GET", "/healthz", 200, nil)
	c.json("GET", "/api/clock", 503, nil)
	c.json("GET", "/api/clock", 503, nil)
	c.json("GET", "/api/clock", 200, nil)
	// Latency.
	c.json("POST", "/admin/faults/latency?ms=150&count=1", 200, nil)
	t0 := time.Now()
	c.json("GET", "/api/clock", 200, nil)
	if d := time.Since(t0); d < 150*time.Millisecond {
		t.Errorf("a delayed request took %s", d)
	}
	// A dropped connection.
	c.json("POST", "/admin/faults/drop?count=1", 200, nil)
	fresh := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}} // Go retries a GET on a reused connection
	if resp, err := fresh.Get(c.url + "/api/clock"); err == nil {
		resp.Body.Close()
		t.Errorf("a dropped connection answered %d", resp.StatusCode)
	}
	c.json("GET", "/api/clock", 200, nil)
	// CPR Direkte: an error number for the next request, then a dropped connection.
	dial := direkteServer(t, sb, false)
	c.json("POST", "/admin/faults/direkte-error?code=8&count=1", 200, nil)
	if r := call(t, dial, logon("TESTUSER", "Test1234", "")); r.Code != direkte.DeadLock {
		t.Errorf("after asking for error 08: %02d", r.Code)
	}
	if r := call(t, dial, logon("TESTUSER", "Test1234", "")); r.Code != direkte.OK {
		t.Errorf("the fault outlived its count: %02d", r.Code)
	}
	c.json("POST", "/admin/faults/drop?count=1", 200, nil)
	if _, err := direkte.Do(context.Background(), dial, logon("TESTUSER", "Test1234", "")); err == nil {
		t.Error("a dropped CPR Direkte connection answered")
	}
	var state FaultState
	c.json("GET", "/admin/faults", 200, &state)
	if state.HTTPCount != 0 || state.DroppedConns != 0 || state.DirekteCount != 0 || len(state.Files) != 0 {
		t.Errorf("faults left: %+v", state)
	}
	// Bad requests for faults.
	for _, path := range []string{"/admin/faults/file?kind=upside-down", "/admin/faults/http-error?status=200",
		"/admin/faults/direkte-error?code=42", "/admin/faults/latency?ms=x", "/admin/faults/drop?count=0"} {
		c.json("POST", path, 400, nil)
	}
	c.json("POST", "/admin/faults/gremlins", 404, nil)
	// The journal holds both protocols.
	var j struct {
		Total   int     `json:"total"`
		Entries []Entry `json:"entries"`
	}
	c.json("GET", "/admin/journal", 200, &j)
	seen := map[string]bool{}
	for _, e := range j.Entries {
		seen[e.Protocol+" "+e.Result] = true
	}
	for _, want := range []string{"http 503", "http 200", "http dropped", "direkte 08", "direkte 00", "direkte dropped"} {
		if !seen[want] {
			t.Errorf("the journal has no %q entry (%d entries)", want, len(j.Entries))
		}
	}
}

func TestSnapshotRestore(t *testing.T) {
	sb, err := New(context.Background(), Config{Generator: generator.Config{Persons: 2000, Seed: 4}})
	if err != nil {
		t.Fatal(err)
	}
	dial := direkteServer(t, sb, false)
	if _, err := sb.Advance(context.Background(), 3); err != nil {
		t.Fatal(err)
	}
	id := sb.Snapshot()
	want := sb.Files()
	if _, err := sb.Advance(context.Background(), 4); err != nil {
		t.Fatal(err)
	}
	if r := call(t, dial, logon("TESTUSER", "Test1234", "Other987")); r.Code != direkte.OK {
		t.Fatalf("password change: %02d", r.Code)
	}
	if err := sb.Restore(context.Background(), id); err != nil {
		t.Fatal(err)
	}
	if _, day := sb.Today(); day != 3 || len(sb.Files()) != len(want) {
		t.Errorf("restored to day %d with %d files, want day 3 and %d", day, len(sb.Files()), len(want))
	}
	if r := call(t, dial, logon("TESTUSER", "Test1234", "")); r.Code != direkte.OK {
		t.Errorf("the password of the snapshot: %02d", r.Code)
	}
	made, err := sb.Advance(context.Background(), 1)
	if err != nil {
		t.Fatal(err)
	}
	sb.Reset()
	again, _ := sb.Advance(context.Background(), 4)
	if !bytes.Equal(made[0].Data(), again[3].Data()) {
		t.Error("day 4 after a restore differs from day 4 from the start")
	}
	if err := sb.Restore(context.Background(), 9); err == nil {
		t.Error("restored a snapshot that does not exist")
	}
}
