package sandbox

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"

	"github.com/cprtestdata/cprtestdata/generator"
	"github.com/cprtestdata/cprtestdata/generator/civil"
)

// ForcedEvent is an event asked of the sandbox (ForceEvents, POST /admin/events): its kind, the day it
// is to happen on (the day after it was asked), the person's number when asked, and, once that day is
// delivered, whether it happened (a person can lose the chance on the day itself, dying of the
// population's rates before emigrating, say).
type ForcedEvent struct {
	Kind     string     `json:"kind"`
	Day      int        `json:"day"`
	Date     civil.Date `json:"date"`
	Number   string     `json:"pnr"`
	Happened *bool      `json:"happened,omitempty"`
}

// forceableKinds are the kinds the sandbox can ask for: a marriage needs a cohabiting couple, which the
// register does not show, so it is generate --event's only.
func forceableKinds() []string {
	var out []string
	for _, k := range generator.EventKindNames() {
		if k != "marriage" {
			out = append(out, k)
		}
	}
	return out
}

// ForceEvents asks for count events of kind (death, disappearance, emigration, move, number-change) to
// happen tomorrow - the next day the clock moves to - each to a different resident adult of the starting
// population who carries no scenario and was not asked for before, drawn from the seed and the number
// of requests so far. The days already delivered stay as they are. Reset withdraws the requests;
// Restore goes back to a snapshot's.
func (s *Sandbox) ForceEvents(ctx context.Context, kind string, count int) ([]ForcedEvent, error) {
	if !slices.Contains(forceableKinds(), kind) {
		return nil, fmt.Errorf("event %q: %w: want one of %s", kind, ErrConfig, strings.Join(forceableKinds(), ", "))
	}
	if count < 1 {
		return nil, fmt.Errorf("count %d: %w: want 1 or more", count, ErrConfig)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	reqs := s.clock.Requests()
	asked := map[int]bool{}
	for _, r := range reqs {
		for _, i := range r.Persons {
			asked[i] = true
		}
	}
	tomorrow := s.start.AddDays(s.clock.Day() + 1)
	var candidates []int
	for i, p := range s.persons[:len(s.clock.Start())] {
		if p.Status == generator.StatusActive && len(p.Scenarios) == 0 && !asked[i] && p.AgeOn(tomorrow) >= 18 {
			candidates = append(candidates, i)
		}
	}
	if count > len(candidates) {
		return nil, fmt.Errorf("event %s=%d: %w: only %d persons can carry one now", kind, count, ErrConfig, len(candidates))
	}
	r := rand.New(rand.NewPCG(s.cfg.Generator.Seed^0xad717, uint64(len(reqs))+1))
	r.Shuffle(len(candidates), func(i, j int) { candidates[i], candidates[j] = candidates[j], candidates[i] })
	chosen := slices.Sorted(slices.Values(candidates[:count]))
	if err := s.clock.Force(ctx, kind, chosen); err != nil {
		return nil, err
	}
	out := make([]ForcedEvent, len(chosen))
	for k, i := range chosen {
		out[k] = ForcedEvent{Kind: kind, Day: s.clock.Day() + 1, Date: tomorrow, Number: s.persons[i].Number.String()}
	}
	return out, nil
}

// ForcedEvents returns every event asked for, in the order asked, with whether it happened for those
// whose day has been delivered.
func (s *Sandbox) ForcedEvents() []ForcedEvent {
	s.mu.RLock()
	defer s.mu.RUnlock()
	start := s.clock.Start()
	happened := map[[2]string]bool{} // kind and number, on its day
	for _, f := range s.clock.Manifest().Forced {
		if f.Day <= s.clock.Day() {
			happened[[2]string{f.Kind, fmt.Sprint(f.Day, f.Number)}] = true
		}
	}
	var out []ForcedEvent
	for _, r := range s.clock.Requests() {
		for _, i := range r.Persons {
			e := ForcedEvent{Kind: r.Kind, Day: r.Day, Date: s.start.AddDays(r.Day), Number: start[i].Number.String()}
			if r.Day <= s.clock.Day() {
				h := happened[[2]string{r.Kind, fmt.Sprint(r.Day, e.Number)}]
				e.Happened = &h
			}
			out = append(out, e)
		}
	}
	return out
}
