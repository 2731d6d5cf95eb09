package generator

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
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

// TestClockForce asks a running clock for events on the next day - a death, an emigration, a change of
// number, a disappearance and a move, each to a resident adult of the start - and checks that they
// happen that day to those persons, that the days passed are delivered as before (by a clock asked
// nothing), and that a clock given the same requests from the start delivers the same days.
func TestClockForce(t *testing.T) {
	ctx := context.Background()
	cfg := Config{Persons: 3000, Seed: 12}
	plain, err := NewClock(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	forced, _ := NewClock(ctx, cfg)
	same := func(a, b any) bool {
		ja, _ := json.Marshal(a)
		jb, _ := json.Marshal(b)
		return string(ja) == string(jb)
	}
	var days [][]Change
	for day := 1; day <= 20; day++ {
		want, _ := plain.Step(ctx)
		got, err := forced.Step(ctx)
		if err != nil || !same(got, want) {
			t.Fatalf("day %d before any request: %v", day, err)
		}
		days = append(days, got)
	}
	kinds := []string{"death", "emigration", "number-change", "disappearance", "move"}
	asked := map[string]string{} // number → kind
	next := 0
	for _, kind := range kinds {
		for next < len(forced.Start()) {
			p := forced.Persons()[next]
			next++
			if p.Status == StatusActive && len(p.Scenarios) == 0 && ageAt(p.BirthDate, DefaultAsOf.AddDays(20)) >= 18 {
				if err := forced.Force(ctx, kind, []int{p.Index}); err != nil {
					t.Fatal(err)
				}
				asked[p.Number.String()] = kind
				break
			}
		}
	}
	if len(forced.Requests()) != len(kinds) {
		t.Fatalf("%d requests", len(forced.Requests()))
	}
	for day := 1; day <= 20; day++ { // the recomputed timeline's days passed are as delivered
		if !same(forced.changes[day-1], days[day-1]) {
			t.Fatalf("day %d changed by requests for day 21", day)
		}
	}
	day21, err := forced.Step(ctx)
	if err != nil {
		t.Fatal(err)
	}
	happened := map[string]bool{}
	for _, f := range forced.Manifest().Forced {
		if f.Day != 21 || asked[f.Number] != f.Kind {
			t.Errorf("forced %+v, asked %v", f, asked)
		}
		happened[f.Number] = true
	}
	for n, kind := range asked {
		if !happened[n] {
			t.Errorf("%s of %s did not happen on day 21", kind, n)
		}
		found := false
		for _, c := range day21 {
			found = found || c.Person.Number.String() == n || slices.ContainsFunc(c.Person.OldNumbers, func(o PreviousNumber) bool { return o.Number.String() == n })
		}
		if !found {
			t.Errorf("%s of %s is not in day 21's deliveries", kind, n)
		}
	}
	fresh := cfg
	fresh.EventsOn = forced.Requests()
	again, err := NewClock(ctx, fresh)
	if err != nil {
		t.Fatal(err)
	}
	for day := 1; day <= 21; day++ {
		got, _ := again.Step(ctx)
		want := day21
		if day <= 20 {
			want = days[day-1]
		}
		if !same(got, want) {
			t.Fatalf("day %d of a clock given the requests from the start differs", day)
		}
	}
	if err := forced.Force(ctx, "deth", []int{0}); !errors.Is(err, ErrConfig) {
		t.Errorf("unknown kind: %v", err)
	}
	if err := forced.Force(ctx, "death", []int{cfg.Persons}); !errors.Is(err, ErrConfig) {
		t.Errorf("a person not in the start: %v", err)
	}
}
