package dataset

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cprtestdata/cprtestdata/formats/extract"
	"github.com/cprtestdata/cprtestdata/generator"
)

// TestAreaSeriesApplyToFinalStatus is the area run's proof, as the whole population's: the area's status
// extract with every change extract applied by a receiver that keeps the area's residents is the
// area's status extract of the last day, byte for byte; and along the way persons moved in and out.
func TestAreaSeriesApplyToFinalStatus(t *testing.T) {
	for _, weekdays := range []bool{false, true} {
		t.Run(fmt.Sprintf("weekdays=%v", weekdays), func(t *testing.T) {
			area, _ := extract.ParseArea("101,147")
			dir := t.TempDir()
			m, err := Write(context.Background(), dir, Options{Generator: generator.Config{Persons: 12000, Seed: 4, Days: 90, Weekdays: weekdays},
				FinalStatus: true, Area: area})
			if err != nil {
				t.Fatal(err)
			}
			if m.Output.Municipalities != "101,147" {
				t.Errorf("manifest municipalities %q", m.Output.Municipalities)
			}
			rc := extract.NewReceiver()
			rc.KeepArea(area)
			apply := func(name string) []*extract.Record {
				t.Helper()
				data, err := os.ReadFile(filepath.Join(dir, name))
				if err != nil {
					t.Fatal(err)
				}
				if err := rc.Apply(bytes.NewReader(data)); err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				return readRecords(t, filepath.Join(dir, name))
			}
			status := apply("D260101.L900001")
			for _, r := range status {
				if r.Type() == "002" && !strings.Contains(",101,147,", ","+strings.TrimLeft(r.Get("MunicipalityCode"), "0")+",") {
					t.Fatalf("the area's status extract has a 002 in municipality %s", r.Get("MunicipalityCode"))
				}
			}
			held := len(rc.Numbers())
			for _, f := range m.Files {
				if f.Name == PersonsFile && f.Records != held {
					t.Errorf("%s holds %d persons, the area's status extract %d", PersonsFile, f.Records, held)
				}
			}
			movedOut, movedIn := 0, 0
			for _, d := range m.Days {
				if d.File == "" {
					continue
				}
				before := map[string]bool{}
				for _, n := range rc.Numbers() {
					before[n] = true
				}
				for _, r := range apply(d.File) {
					if r.Type() != "001" {
						continue
					}
					n := r.Get("PNR")
					now := rc.Records(n) != nil
					switch {
					case before[n] && !now:
						movedOut++
					case !before[n] && now:
						movedIn++
					}
				}
			}
			final := filepath.Join(dir, FinalDir, "D260401.L900001")
			want, err := os.ReadFile(final)
			if err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			if err := rc.WriteTo(&buf, readRecords(t, final)[0], extract.WriterOptions{}); err != nil {
				t.Fatal(err)
			}
			if got := buf.Bytes(); !bytes.Equal(got, want) {
				i := 0
				for i < min(len(got), len(want)) && got[i] == want[i] {
					i++
				}
				t.Fatalf("the applied area series (%d bytes, %d persons) is not the final status extract (%d bytes); first difference at byte %d:\n got %q\nwant %q",
					len(got), len(rc.Numbers()), len(want), i, got[max(0, i-60):min(len(got), i+60)], want[max(0, i-60):min(len(want), i+60)])
			}
			if movedOut < 10 || movedIn < 10 || held < 300 {
				t.Errorf("%d persons in the area, %d left it and %d came in 90 days: the test proves little", held, movedOut, movedIn)
			}
		})
	}
}
