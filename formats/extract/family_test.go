package extract

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cprtestdata/cprtestdata/generator"
	"github.com/cprtestdata/cprtestdata/generator/pnr"
)

// TestFamilyRecords checks the family product's records 031-033 against the model and the extract
// itself: each person's mother (031), father (032) and children (033) in CPR with a Danish address, and
// no one else; each record's number the one 015 or 014 names; its name and clear-text address those of
// the relative's own 003. inspect finds a record that breaks either.
func TestFamilyRecords(t *testing.T) {
	var ps []*generator.Person
	_, err := generator.Generate(context.Background(), generator.Config{Persons: 3000, Seed: 3, Family: true}, func(p *generator.Person) error {
		q := *p
		ps = append(ps, &q)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	byNum := map[string]*generator.Person{}
	for _, p := range ps {
		byNum[p.Number.String()] = p
	}
	sel := AllRecords()
	for _, typ := range FamilyTypes {
		sel[typ] = true
	}
	data := writeExtract(t, ps, FileOptions{Records: sel, WriterOptions: WriterOptions{Framing: LF}})
	recs, _ := readAll(t, data)
	own := map[string]string{} // 003 by number
	got := map[string][]string{}
	for _, rec := range recs {
		switch rec.Type() {
		case "003":
			own[rec.Get("PNR")] = addressText(rec)
		case "031", "032", "033":
			got[rec.Get("PNR")] = append(got[rec.Get("PNR")], rec.Type()+":"+rec.Get(rec.Layout.Fields[2].Name))
		}
	}
	counts := map[string]int{}
	for _, rec := range recs {
		typ := rec.Type()
		if typ != "031" && typ != "032" && typ != "033" {
			continue
		}
		counts[typ]++
		p, q := byNum[rec.Get("PNR")], byNum[rec.Get(rec.Layout.Fields[2].Name)]
		if p == nil || q == nil {
			t.Fatalf("%s of %s for %s: not in the population", typ, rec.Get("PNR"), rec.Get(rec.Layout.Fields[2].Name))
		}
		switch {
		case typ == "031" && p.Mother.Number != q.Number, typ == "032" && p.Father.Number != q.Number:
			t.Errorf("%s of %s names %s, not the parent", typ, p.Number, q.Number)
		case typ == "033" && !containsNumber(p.Children, q):
			t.Errorf("033 of %s names %s, not a child", p.Number, q.Number)
		}
		if addressText(rec) != own[q.Number.String()] {
			t.Errorf("%s of %s: %q, the relative's own 003 %q", typ, p.Number, addressText(rec), own[q.Number.String()])
		}
	}
	for _, typ := range FamilyTypes {
		if counts[typ] == 0 {
			t.Errorf("no record %s in 3,000 persons", typ)
		}
	}
	// Everyone whose parent or child is in CPR with a Danish address has the record; no one else.
	for _, p := range ps {
		want := 0
		for _, n := range append([]pnr.Number{p.Mother.Number, p.Father.Number}, p.Children...) {
			if q := byNum[n.String()]; q != nil && !n.IsZero() && q.Address != nil && q.Status < 30 {
				want++
			}
		}
		if len(got[p.Number.String()]) != want {
			t.Errorf("%s: records %v, want %d relatives with a Danish address", p.Number, got[p.Number.String()], want)
		}
	}

	dir := t.TempDir()
	lines := strings.Split(strings.TrimRight(string(data), "\n"), "\n")
	path := filepath.Join(dir, "D260101.L900001")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	if rep, err := Inspect([]string{path}, openFile); err != nil || rep.Violations != 0 {
		t.Fatalf("inspect of the family extract: %v, %+v", err, rep)
	}
	// the first 031's postcode changed: its relative's 003 says otherwise
	broken := replaceIn(lines, "031", 193, "9999")
	path = filepath.Join(dir, "broken")
	os.WriteFile(path, []byte(strings.Join(broken, "\n")+"\n"), 0o644)
	if rep, err := Inspect([]string{path}, openFile); err != nil || !hasRule(rep, "family") {
		t.Errorf("a 031 with another address than its mother's 003: %v, %+v", err, rep)
	}
}

func containsNumber(ns []pnr.Number, q *generator.Person) bool {
	for _, n := range ns {
		if n == q.Number {
			return true
		}
	}
	return false
}
