package dataset

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/cprtestdata/cprtestdata/formats/extract"
	"github.com/cprtestdata/cprtestdata/formats/private"
	"github.com/cprtestdata/cprtestdata/generator"
	"github.com/cprtestdata/cprtestdata/generator/pnr"
)

// TestPrivateSeriesApplyToFinalStatus: the private product's status file with every change extract
// applied by a receiver of the private layout is its final status file, byte for byte, for everyone
// and for a subscribed set; and only subscribed persons appear.
func TestPrivateSeriesApplyToFinalStatus(t *testing.T) {
	for _, everyone := range []bool{true, false} {
		dir := t.TempDir()
		var subscribed map[pnr.Number]bool
		if !everyone {
			subscribed = map[pnr.Number]bool{}
			if _, err := generator.Generate(context.Background(), generator.Config{Persons: 3000, Seed: 5}, func(p *generator.Person) error {
				if p.Index%7 == 0 {
					subscribed[p.Number] = true
				}
				return nil
			}); err != nil {
				t.Fatal(err)
			}
		}
		m, err := Write(context.Background(), dir, Options{Generator: generator.Config{Persons: 3000, Seed: 5, Days: 60},
			Formats: []Format{FormatFixed}, FinalStatus: true, Product: ProductPrivate, Subscribed: subscribed,
			Extract: extract.FileOptions{WriterOptions: extract.WriterOptions{Framing: extract.CRLF}}})
		if err != nil {
			t.Fatal(err)
		}
		rc := extract.NewReceiverLayouts(private.LayoutOf)
		files := []string{"D260101.L900001"}
		for _, d := range m.Days {
			if d.File != "" {
				files = append(files, d.File)
			}
		}
		for _, f := range files {
			data, err := os.ReadFile(filepath.Join(dir, f))
			if err != nil {
				t.Fatal(err)
			}
			if err := rc.Apply(bytes.NewReader(data)); err != nil {
				t.Fatalf("%s: %v", f, err)
			}
		}
		final := filepath.Join(dir, FinalDir, "D260302.L900001")
		want, _ := os.ReadFile(final)
		var got bytes.Buffer
		start, _ := private.NewReader(bytes.NewReader(want)).Read()
		if err := rc.WriteTo(&got, start, extract.WriterOptions{Framing: extract.CRLF}); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got.Bytes(), want) || len(want) == 0 {
			t.Fatalf("everyone %v: the applied private series (%d bytes) is not the final file (%d bytes)", everyone, got.Len(), len(want))
		}
		for _, n := range rc.Numbers() {
			num, _ := pnr.Parse(n)
			if !everyone && !subscribed[num] {
				t.Fatalf("%s is not subscribed", n)
			}
		}
		if !everyone && (len(rc.Numbers()) == 0 || len(rc.Numbers()) > 3000/7+10) {
			t.Errorf("%d persons held of about %d subscribed", len(rc.Numbers()), len(subscribed))
		}
		if m.Output.Product != ProductPrivate {
			t.Errorf("manifest product %q", m.Output.Product)
		}
	}
}

// TestForcedEventsRoundTrip: a run with Config.Events records them in its manifest, and the manifest's
// options make the same bytes again (what serve --dir relies on).
func TestForcedEventsRoundTrip(t *testing.T) {
	dir := t.TempDir()
	cfg := generator.Config{Persons: 1500, Seed: 2, Days: 10, Events: map[string]int{"number-change": 2, "move": 3}}
	m, err := Write(context.Background(), dir, Options{Generator: cfg, Formats: []Format{FormatFixed}})
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Forced) != 5 || m.Events["move"] != 3 {
		t.Fatalf("manifest: events %v, forced %v", m.Events, m.Forced)
	}
	read, err := ReadManifest(dir)
	if err != nil {
		t.Fatal(err)
	}
	opts, err := read.Options()
	if err != nil {
		t.Fatal(err)
	}
	again, err := Write(context.Background(), t.TempDir(), opts)
	if err != nil {
		t.Fatal(err)
	}
	a, _ := json.Marshal(m.Files)
	b, _ := json.Marshal(again.Files)
	if string(a) != string(b) {
		t.Errorf("the manifest's options make other files:\n%s\n%s", a, b)
	}
}
