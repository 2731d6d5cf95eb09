package generator

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cprtestdata/cprtestdata/generator/civil"
	"github.com/cprtestdata/cprtestdata/generator/pnr"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// dump generates cfg and returns every person as a JSON line, and the manifest.
func dump(t *testing.T, cfg Config) ([]byte, *Manifest) {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	m, err := Generate(context.Background(), cfg, func(p *Person) error { return enc.Encode(p) })
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes(), m
}

func TestDeterministicAcrossWorkers(t *testing.T) {
	cfg := Config{Persons: 20_000, Seed: 42}
	var want [32]byte
	for i, workers := range []int{1, 2, 8} {
		cfg.Workers = workers
		out, _ := dump(t, cfg)
		got := sha256.Sum256(out)
		if i == 0 {
			want = got
		} else if got != want {
			t.Errorf("%d workers give different output than 1 worker", workers)
		}
	}
}

func TestSeedsDiffer(t *testing.T) {
	a, _ := dump(t, Config{Persons: 2000, Seed: 0})
	b, _ := dump(t, Config{Persons: 2000, Seed: 1})
	if bytes.Equal(a, b) {
		t.Error("seeds 0 and 1 give the same population")
	}
	c, _ := dump(t, Config{Persons: 2000})
	if !bytes.Equal(a, c) {
		t.Error("the zero Config does not use seed 0")
	}
}

// TestShardsUnion checks that the slices of a sharded run are the unsharded population, person for person.
func TestShardsUnion(t *testing.T) {
	cfg := Config{Persons: 30_000, Seed: 3}
	whole, _ := dump(t, cfg)
	for _, n := range []int{2, 3, 7} {
		var union []byte
		made := 0
		for k := 0; k < n; k++ {
			cfg.Shard = Shard{Index: k, Count: n}
			part, m := dump(t, cfg)
			union = append(union, part...)
			made += m.Made
		}
		if made != cfg.Persons || !bytes.Equal(union, whole) {
			t.Errorf("%d shards: union of %d persons differs from the whole population", n, made)
		}
	}
}

// TestGolden pins the output of a small fixed seed, byte for byte. Run with -update after an intended
// change of the model, and raise DataVersion.
func TestGolden(t *testing.T) {
	out, m := dump(t, Config{Persons: 300, Seed: 2026, AsOf: civil.Date{Year: 2025, Month: time.June, Day: 30}})
	manifest, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	for name, got := range map[string][]byte{"persons.golden.jsonl": out, "manifest.golden.json": manifest} {
		path := filepath.Join("testdata", name)
		if *update {
			if err := os.WriteFile(path, got, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (run go test -update to create it)", err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s differs from the golden file; if the change is intended, run go test ./generator -run TestGolden -update and raise DataVersion", name)
		}
	}
}

func TestConfigErrors(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
	}{
		{"negative persons", Config{Persons: -1}},
		{"too many persons", Config{Persons: MaxPersons + 1}},
		{"as-of before 1858", Config{AsOf: civil.Date{Year: 1857, Month: 12, Day: 31}}},
		{"as-of after 2057", Config{AsOf: civil.Date{Year: 2058, Month: 1, Day: 1}}},
		{"as-of not a date", Config{AsOf: civil.Date{Year: 2023, Month: 2, Day: 29}}},
		{"unknown scenario", Config{Scenarios: map[string]int{"no-such-thing": 1}}},
		{"negative quota", Config{Scenarios: map[string]int{"twins": -1}}},
		{"quotas larger than the population", Config{Persons: 100, Scenarios: map[string]int{"twins": 40}}},
		{"scenario the as-of date does not allow", Config{Scenarios: map[string]int{"century-2036-2037": 1}}},
		{"shard index out of range", Config{Shard: Shard{Index: 3, Count: 3}}},
		{"shard count zero", Config{Shard: Shard{Index: 0, Count: -1}}},
		{"negative workers", Config{Workers: -2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			called := false
			_, err := Generate(context.Background(), tt.cfg, func(*Person) error { called = true; return nil })
			if !errors.Is(err, ErrConfig) {
				t.Errorf("Generate = %v, want ErrConfig", err)
			}
			if called {
				t.Error("persons were emitted before the error")
			}
		})
	}
}

func TestParseShard(t *testing.T) {
	for _, s := range []string{"0/1", "3/4"} {
		if _, err := ParseShard(s); err != nil {
			t.Errorf("ParseShard(%q) = %v", s, err)
		}
	}
	for _, s := range []string{"", "1", "4/4", "-1/4", "a/b", "1/0", "1/2/3"} {
		if _, err := ParseShard(s); !errors.Is(err, ErrConfig) {
			t.Errorf("ParseShard(%q) = %v, want ErrConfig", s, err)
		}
	}
}

func TestScenarioQuotaOverride(t *testing.T) {
	_, m := dump(t, Config{Persons: 2000, Scenarios: map[string]int{"no-control-digit": 40, "twins": 0}})
	for _, e := range m.Scenarios {
		switch e.Name {
		case "no-control-digit":
			if len(e.Persons) != 40 {
				t.Errorf("no-control-digit: %d persons, want 40", len(e.Persons))
			}
			for _, p := range e.Persons {
				if p.Kind != "no-control-digit" {
					t.Errorf("no-control-digit person %s has kind %s", p.Number, p.Kind)
				}
			}
		case "twins":
			if len(e.Persons) != 0 {
				t.Errorf("twins: %d persons with quota 0", len(e.Persons))
			}
		}
	}
}

func TestSmallPopulations(t *testing.T) {
	for _, n := range []int{1, 2, 10, 137, 1000} {
		out, m := dump(t, Config{Persons: n, Seed: uint64(n)})
		if m.Made != n || bytes.Count(out, []byte("\n")) != n {
			t.Errorf("%d persons asked, %d made", n, m.Made)
		}
	}
}

func TestCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	n := 0
	_, err := Generate(ctx, Config{Persons: 200_000}, func(*Person) error {
		n++
		if n == 10 {
			cancel()
		}
		return nil
	})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Generate after cancel = %v, want context.Canceled", err)
	}
}

func TestEmitError(t *testing.T) {
	want := fmt.Errorf("disk full")
	_, err := Generate(context.Background(), Config{Persons: 100}, func(*Person) error { return want })
	if !errors.Is(err, want) {
		t.Errorf("Generate = %v, want the emit error", err)
	}
}

func TestSubstitutes(t *testing.T) {
	var got []Substitute
	cfg := Config{Persons: 20_000, Seed: 5}
	err := GenerateSubstitutes(context.Background(), cfg, func(s *Substitute) error {
		got = append(got, *s)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 100 {
		t.Fatalf("%d substitutes, want 100 (one per 200 persons)", len(got))
	}
	seen := map[string]bool{}
	schemes := map[string]int{}
	for _, s := range got {
		n, err := pnr.Parse(s.Number.String())
		if err != nil {
			t.Fatalf("substitute %v: %v", s.Number, err)
		}
		if n.Gender() != s.Gender {
			t.Errorf("substitute %v: gender %v, dataset says %v", s.Number, n.Gender(), s.Gender)
		}
		switch s.Scheme {
		case SchemeRegionTemporary: // the day it was made, and digits: a personnummer to every reader
			if n.Kind() == pnr.Substitute || s.Municipality != 999 || s.Number.String()[:6] != fmt.Sprintf("%02d%02d%02d", s.Issued.Day, int(s.Issued.Month), s.Issued.Year%100) {
				t.Errorf("temporary number %v (kind %v, municipality %d) issued %v", s.Number, n.Kind(), s.Municipality, s.Issued)
			}
		default:
			if n.Kind() != pnr.Substitute || n.BirthDate() != s.BirthDate || n.Scheme().String() != s.Scheme || s.Municipality != 0 {
				t.Errorf("substitute %v decodes to %v %v %v, dataset says %v %v %v", s.Number, n.Kind(), n.BirthDate(),
					n.Scheme(), s.BirthDate, s.Scheme, s.Municipality)
			}
		}
		first, last := initials(s.FirstName, 2), initials(s.LastName, 1)
		switch text := s.Number.String(); s.Scheme {
		case "health-d-ecpr":
			if text[7:9] != last+first[:1] {
				t.Errorf("D-eCPR %v of %s %s: letters not the initials, surname first", s.Number, s.FirstName, s.LastName)
			}
		case "education-kot":
			if s.Issued.Before(yearsBefore(s.BirthDate, -16)) {
				t.Errorf("KOT %v made before its applicant was 16: %v", s.Number, s.Issued)
			}
			if text[6:9] != first+last || text[9] != "12"[map[pnr.Gender]int{pnr.Male: 0, pnr.Female: 1}[s.Gender]] {
				t.Errorf("KOT %v of %s %s (%v): not two letters of the first name, one of the surname, then 1/2", s.Number, s.FirstName, s.LastName, s.Gender)
			}
		}
		if s.Issued.Before(s.BirthDate) || s.Issued.After(DefaultAsOf) {
			t.Errorf("substitute %v issued %v", s.Number, s.Issued)
		}
		if seen[s.Number.String()] {
			t.Errorf("substitute %v twice", s.Number)
		}
		seen[s.Number.String()] = true
		schemes[s.Scheme]++
	}
	for _, sc := range []string{"cpr-day-plus-60", "health-x-ecpr", "health-d-ecpr", "education-kot", SchemeRegionTemporary} {
		if schemes[sc] == 0 {
			t.Errorf("no %s substitute among %v", sc, schemes)
		}
	}
	safe := cfg
	safe.SafeNumbers = true
	_ = GenerateSubstitutes(context.Background(), safe, func(s *Substitute) error {
		if s.Scheme == SchemeRegionTemporary {
			t.Errorf("safe numbers: temporary number %v, all digits like a personnummer", s.Number)
		}
		return nil
	})
	var again []Substitute
	_ = GenerateSubstitutes(context.Background(), cfg, func(s *Substitute) error { again = append(again, *s); return nil })
	for i := range got {
		if got[i] != again[i] {
			t.Fatalf("substitute %d differs between runs", i)
		}
	}
}

// TestPrepare checks that what Handler.Prepare makes of a person in the workers reaches Person with
// that person, for every person and whatever the workers, with and without a timeline.
func TestPrepare(t *testing.T) {
	for _, cfg := range []Config{{Persons: 5000, Workers: 1}, {Persons: 5000, Workers: 4}, {Persons: 2000, Workers: 3, Days: 20}} {
		var prepared, seen atomic.Int64
		_, err := Run(context.Background(), cfg, Handler{
			Prepare: func(p *Person, dst []byte) []byte {
				prepared.Add(1)
				return fmt.Appendf(dst, "%d:%s", p.Index, p.Number)
			},
			Person: func(p *Person, b []byte) error {
				seen.Add(1)
				if want := fmt.Sprintf("%d:%s", p.Index, p.Number); string(b) != want {
					return fmt.Errorf("person %d got %q, want %q", p.Index, b, want)
				}
				return nil
			},
		})
		if err != nil || prepared.Load() != int64(cfg.Persons) || seen.Load() != int64(cfg.Persons) {
			t.Errorf("%+v: %v; %d prepared, %d seen", cfg, err, prepared.Load(), seen.Load())
		}
	}
}

// TestInitials checks the letters the regions' and KOT's numbers take from names: A-Z, Æ and Å as A, Ø as
// O (cpr-numbers.md §5.2), accents dropped, other characters skipped.
func TestInitials(t *testing.T) {
	for _, tt := range []struct {
		name string
		n    int
		want string
	}{{"Ærø", 1, "A"}, {"Øster", 1, "O"}, {"Åse", 2, "AS"}, {"Émile", 2, "EM"}, {"O'Brien", 2, "OB"}, {"jo", 2, "JO"}, {"Li", 3, "LI"}, {"-", 1, ""}} {
		if got := initials(tt.name, tt.n); got != tt.want {
			t.Errorf("initials(%q, %d) = %q, want %q", tt.name, tt.n, got, tt.want)
		}
	}
}
