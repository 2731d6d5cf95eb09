package generator

import (
	"context"
	"errors"
	"testing"
)

// TestForcedEvents: Config.Events makes exactly that many events of each kind, each listed in the
// manifest with its person and day and delivered on that day with the kind's 099 code; the same
// config gives the same events; a kind no one can carry is an error.
func TestForcedEvents(t *testing.T) {
	cfg := Config{Persons: 3000, Seed: 9, Days: 30, Events: map[string]int{"number-change": 4, "death": 3, "move": 5,
		"emigration": 2, "marriage": 2, "disappearance": 1}}
	codes := map[string]string{"number-change": CodeNumberChange, "death": CodeDeath, "move": CodeMove,
		"emigration": CodeEmigration, "marriage": CodeCivilStatus, "disappearance": CodeDisappearance}
	delivered := map[string]bool{} // kind/day/number
	m, err := Run(context.Background(), cfg, Handler{Change: func(c *Change) error {
		for _, e := range c.Events {
			if e.Derived == "" {
				delivered[e.Code+"/"+c.Date.String()+"/"+e.Main.String()] = true
			}
		}
		return nil
	}})
	if err != nil {
		t.Fatal(err)
	}
	count := map[string]int{}
	for _, f := range m.Forced {
		count[f.Kind]++
		if f.Day < 1 || f.Day > cfg.Days {
			t.Errorf("%+v: day outside the timeline", f)
		}
		key := codes[f.Kind] + "/" + f.Date + "/" + f.Number
		if f.Kind == "number-change" {
			continue // delivered under the new number; the old one is delivered with PT
		}
		if !delivered[key] {
			t.Errorf("%+v: no %s event for %s on %s in the change extracts", f, codes[f.Kind], f.Number, f.Date)
		}
	}
	for k, n := range cfg.Events {
		if count[k] != n {
			t.Errorf("%s: %d forced events happened, %d asked for", k, count[k], n)
		}
	}
	again, err := Run(context.Background(), cfg, Handler{})
	if err != nil {
		t.Fatal(err)
	}
	if len(again.Forced) != len(m.Forced) || again.Forced[0] != m.Forced[0] {
		t.Error("the same config gave other forced events")
	}
	for _, bad := range []Config{
		{Persons: 100, Days: 10, Events: map[string]int{"death": 101}},
		{Persons: 100, Events: map[string]int{"death": 1}},
		{Persons: 100, Days: 10, Events: map[string]int{"dead": 1}},
		{Persons: 50, Days: 10, Events: map[string]int{"marriage": 50}},
	} {
		if _, err := Run(context.Background(), bad, Handler{}); !errors.Is(err, ErrConfig) {
			t.Errorf("%v: %v, want ErrConfig", bad.Events, err)
		}
	}
}
