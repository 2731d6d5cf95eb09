package dataset

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cprtestdata/cprtestdata/formats/extract"
	"github.com/cprtestdata/cprtestdata/generator"
)

func readRecords(t *testing.T, path string) []*extract.Record {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := extract.NewReader(f)
	var recs []*extract.Record
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			return recs
		}
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		recs = append(recs, rec)
	}
}

func timelineRun(t *testing.T, cfg generator.Config, final bool) (string, *Manifest) {
	t.Helper()
	dir := t.TempDir()
	m, err := Write(context.Background(), dir, Options{Generator: cfg, FinalStatus: final})
	if err != nil {
		t.Fatal(err)
	}
	return dir, m
}

// TestChangesApplyToFinalStatus is the timeline's proof: the status extract as of the start, with every
// day's change extract applied in order, is the status extract the generator writes as of the last day,
// byte for byte.
func TestChangesApplyToFinalStatus(t *testing.T) {
	for _, weekdays := range []bool{false, true} {
		t.Run(fmt.Sprintf("weekdays=%v", weekdays), func(t *testing.T) { testChangesApply(t, weekdays) })
	}
}

func testChangesApply(t *testing.T, weekdays bool) {
	const days = 90
	dir, m := timelineRun(t, generator.Config{Persons: 4000, Seed: 3, Days: days, Weekdays: weekdays}, true)
	rc := extract.NewReceiver()
	apply := func(name string) {
		t.Helper()
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if err := rc.Apply(bytes.NewReader(data)); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
	apply("D260101.L900001")
	changed, files, previous := 0, 0, "20260101"
	for _, d := range m.Days {
		if d.File == "" {
			if !weekdays || (d.Date.Time().Weekday() != time.Saturday && d.Date.Time().Weekday() != time.Sunday) || d.Persons != 0 {
				t.Fatalf("%s (%s): no file, %d persons", d.Date, d.Date.Time().Weekday(), d.Persons)
			}
			continue
		}
		recs := readRecords(t, filepath.Join(dir, d.File))
		if got := recs[0].Get("PreviousProductionDate"); got != previous {
			t.Fatalf("%s: previous production date %s, want %s", d.File, got, previous)
		}
		previous = recs[0].Get("ProductionDate")
		changed += len(recs) - 2
		files++
		apply(d.File)
	}
	if weekdays && files >= days {
		t.Errorf("%d change extracts in %d days on weekdays only", files, days)
	}
	if changed == 0 {
		t.Fatal("the change extracts are empty")
	}
	finalPath := filepath.Join(dir, FinalDir, "D260401.L900001")
	want, err := os.ReadFile(finalPath)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := rc.WriteTo(&buf, readRecords(t, finalPath)[0], extract.WriterOptions{}); err != nil {
		t.Fatal(err)
	}
	got := buf.Bytes()
	if !bytes.Equal(got, want) {
		i := 0
		for i < min(len(got), len(want)) && got[i] == want[i] {
			i++
		}
		t.Fatalf("applying %d days of changes gives %d bytes, the final status extract has %d; first difference at byte %d:\n got %q\nwant %q",
			days, len(got), len(want), i, got[max(0, i-60):min(len(got), i+60)], want[max(0, i-60):min(len(want), i+60)])
	}
	if len(rc.Numbers()) <= 4000 {
		t.Errorf("%d persons at the end: the timeline added none", len(rc.Numbers()))
	}
}

// TestTimelineFilesDeterministic checks that the change extracts depend neither on the workers nor on the
// number of days: a run of 20 days is the first 20 days of a run of 45.
func TestTimelineFilesDeterministic(t *testing.T) {
	read := func(dir string, m *Manifest, days int) [][]byte {
		var out [][]byte
		for _, d := range m.Days[:days] {
			b, err := os.ReadFile(filepath.Join(dir, d.File))
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, b)
		}
		return out
	}
	dirA, mA := timelineRun(t, generator.Config{Persons: 3000, Seed: 5, Days: 45, Workers: 1}, false)
	dirB, mB := timelineRun(t, generator.Config{Persons: 3000, Seed: 5, Days: 20, Workers: 3}, false)
	a, b := read(dirA, mA, 20), read(dirB, mB, 20)
	for i := range b {
		if !bytes.Equal(a[i], b[i]) {
			t.Fatalf("day %d: 45 days on 1 worker and 20 days on 3 give different change extracts (%d and %d bytes)", i+1, len(a[i]), len(b[i]))
		}
	}
	startA, _ := os.ReadFile(filepath.Join(dirA, "D260101.L900001"))
	startB, _ := os.ReadFile(filepath.Join(dirB, "D260101.L900001"))
	plain, _ := timelineRun(t, generator.Config{Persons: 3000, Seed: 5}, false)
	startC, _ := os.ReadFile(filepath.Join(plain, "D260101.L900001"))
	if !bytes.Equal(startA, startB) || !bytes.Equal(startA, startC) {
		t.Error("the status extract as of the start depends on the timeline")
	}
}

// TestChangeSeriesChain checks the production-date chain with testdata inspect's checker: unbroken
// across the series, broken when a day is missing.
func TestChangeSeriesChain(t *testing.T) {
	dir, m := timelineRun(t, generator.Config{Persons: 2000, Seed: 9, Days: 10}, false)
	names := []string{filepath.Join(dir, "D260101.L900001")}
	for _, d := range m.Days {
		names = append(names, filepath.Join(dir, d.File))
	}
	open := func(n string) (io.ReadCloser, error) { return os.Open(n) }
	rep, err := extract.Inspect(names, open)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Violations != 0 {
		t.Fatalf("the series has %d violations: %v", rep.Violations, rep.Findings)
	}
	events := 0
	for _, f := range rep.Files[1:] {
		events += f.Counts["099"]
		if f.Counts["099"] < f.Counts["001"] {
			t.Errorf("%s: %d persons and only %d events", f.Name, f.Counts["001"], f.Counts["099"])
		}
	}
	if events == 0 {
		t.Error("ten days without an event")
	}
	gap := slices.Delete(slices.Clone(names), 5, 6)
	rep, err = extract.Inspect(gap, open)
	if err != nil {
		t.Fatal(err)
	}
	chain := 0
	for _, f := range rep.Findings {
		if f.Rule == "chain" {
			chain++
		}
	}
	if chain != 1 {
		t.Errorf("without %s the chain check finds %d breaks, want 1", filepath.Base(names[5]), chain)
	}
}

// TestEventsTables checks that the CSV and Parquet events tables carry every 099 record of the change
// extracts.
func TestEventsTables(t *testing.T) {
	dir, m := timelineRun(t, generator.Config{Persons: 2000, Seed: 2, Days: 15}, false)
	events := 0
	for _, d := range m.Days {
		for _, rec := range readRecords(t, filepath.Join(dir, d.File)) {
			if rec.Type() == "099" {
				events++
			}
		}
	}
	csv, err := os.ReadFile(filepath.Join(dir, "csv", "099_events.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if rows := strings.Count(string(csv), "\r\n") - 1; rows != events || events == 0 {
		t.Errorf("099_events.csv has %d rows, the change extracts %d events", rows, events)
	}
	for _, f := range m.Files {
		if f.Name == "parquet/099_events.parquet" && f.Records != events {
			t.Errorf("099_events.parquet has %d rows, want %d", f.Records, events)
		}
	}
}
