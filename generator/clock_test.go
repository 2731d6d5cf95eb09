package generator

import (
	"context"
	"encoding/json"
	"errors"
	"testing"

	"github.com/cprtestdata/cprtestdata/generator/civil"
)

// TestClockSteps checks that stepping the clock day by day, past its first computed year, gives the
// deliveries and the persons Run gives for the whole stretch.
func TestClockSteps(t *testing.T) {
	const days = 370
	cfg := Config{Persons: 3000, Seed: 4}
	clock, err := NewClock(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Days = days
	want := make([][]Change, days)
	var final []Person
	if _, err := Run(context.Background(), cfg, Handler{
		Change: func(c *Change) error {
			want[c.Day-1] = append(want[c.Day-1], c.Clone())
			return nil
		},
		Final: func(p *Person) error { final = append(final, *p); return nil },
	}); err != nil {
		t.Fatal(err)
	}
	same := func(a, b any) bool {
		ja, _ := json.Marshal(a)
		jb, _ := json.Marshal(b)
		return string(ja) == string(jb)
	}
	for day := 1; day <= days; day++ {
		got, err := clock.Step(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if clock.Day() != day || !same(got, want[day-1]) {
			t.Fatalf("day %d (clock at %d): %d deliveries, Run gives %d, or they differ", day, clock.Day(), len(got), len(want[day-1]))
		}
	}
	persons := clock.Persons()
	if len(persons) != len(final) {
		t.Fatalf("%d persons after %d days, Run ends with %d", len(persons), days, len(final))
	}
	byIndex := map[int]Person{}
	for _, p := range final {
		byIndex[p.Index] = p
	}
	for _, p := range persons {
		if !same(p, byIndex[p.Index]) {
			t.Fatalf("person %d after %d days differs from Run's", p.Index, days)
		}
	}
	clock.Reset()
	if clock.Day() != 0 || len(clock.Persons()) != 3000 || !same(clock.Persons()[5], clock.Start()[5]) {
		t.Errorf("after Reset: day %d, %d persons", clock.Day(), len(clock.Persons()))
	}
	again, _ := clock.Step(context.Background())
	if !same(again, want[0]) {
		t.Error("after Reset, day 1 differs")
	}
}

func TestClockEndOfTime(t *testing.T) {
	clock, err := NewClock(context.Background(), Config{Persons: 200, AsOf: civil.Date{Year: 2057, Month: 12, Day: 29}})
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 2; i++ {
		if _, err := clock.Step(context.Background()); err != nil {
			t.Fatalf("day %d: %v", i+1, err)
		}
	}
	if _, err := clock.Step(context.Background()); !errors.Is(err, ErrEndOfTime) {
		t.Errorf("stepping past 2057-12-31: %v, want ErrEndOfTime", err)
	}
}
