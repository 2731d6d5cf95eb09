package generator

import (
	"fmt"

	"github.com/cprtestdata/cprtestdata/generator/civil"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
)

// Forced events: Config.Events asks the timeline for COUNT events of a kind on top of what the rates
// make. Each is given to a member of the population as of the start, on a day of the timeline, both
// drawn from the seed: targets are drawn as population indexes, and a target whose member cannot carry
// the event (a child for a death of an adult, a dead person, someone without a cohabiting partner for a
// marriage) passes to the next member who can, in population order. A member carrying a forced event
// is spared the rates' events that would make it impossible before its day (death, emigration,
// disappearance, a change of number; marriage and divorce for a forced marriage). The manifest lists
// each with the person and the day (Manifest.Forced).

// EventKinds are the kinds Config.Events takes, with the event they make.
var EventKinds = map[string]evKind{
	"death":         evDeath,
	"emigration":    evEmigration,
	"marriage":      evMarriage,
	"number-change": evNumberChange,
	"disappearance": evDisappearance,
	"move":          evMove,
}

// EventKindNames lists EventKinds' names, sorted.
func EventKindNames() []string {
	var out []string
	for k := range EventKinds {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// forcedEvent is one forced event of a group: member who, kind, on day.
type forcedEvent struct {
	who  int
	kind evKind
	day  int
	name string
}

// ForcedEntry is a forced event in the manifest: what, on which day, to whom.
type ForcedEntry struct {
	Kind   string `json:"kind"`
	Day    int    `json:"day"`
	Date   string `json:"date"`
	Number string `json:"number"`
}

// forcedPlan places the forced events while allocateArrivals walks the groups in order.
type forcedPlan struct {
	// targets by kind: population indexes still to place, ascending, and the days they happen on.
	kinds   []string
	targets map[string][]int
	days    map[string][]int
	carry   map[string][]int // days of targets passed on to the next member who can carry them
	byGroup map[int][]forcedEvent
}

func newForcedPlan(r *resolved) *forcedPlan {
	if len(r.Events) == 0 || r.Days == 0 {
		return nil
	}
	fp := &forcedPlan{targets: map[string][]int{}, days: map[string][]int{}, carry: map[string][]int{},
		byGroup: map[int][]forcedEvent{}}
	for k := range r.Events {
		fp.kinds = append(fp.kinds, k)
	}
	sort.Strings(fp.kinds)
	for _, k := range fp.kinds {
		n := r.Events[k]
		rng := rand.New(rand.NewPCG(r.Seed^0xf0cced, splitmix(uint64(EventKinds[k])+1)))
		seen := map[int]bool{}
		var ts []int
		for len(ts) < n && len(ts) < r.Persons {
			t := rng.IntN(r.Persons)
			if !seen[t] {
				seen[t] = true
				ts = append(ts, t)
			}
		}
		slices.Sort(ts)
		days := make([]int, len(ts))
		for i := range days {
			days[i] = 1 + rng.IntN(r.Days)
		}
		fp.targets[k], fp.days[k] = ts, days
	}
	return fp
}

// place gives group gr (its members as of the start, the first at population index first) the forced
// events whose targets fall in it or were passed on to it.
func (fp *forcedPlan) place(gr int, first int, members []member, asOf civil.Date) []forcedEvent {
	if fp == nil {
		return nil
	}
	var out []forcedEvent
	taken := map[int]bool{}
	for _, k := range fp.kinds {
		kind := EventKinds[k]
		ts, days := fp.targets[k], fp.days[k]
		for len(ts) > 0 && ts[0] < first+len(members) {
			fp.carry[k] = append(fp.carry[k], days[0])
			ts, days = ts[1:], days[1:]
		}
		fp.targets[k], fp.days[k] = ts, days
		for i := range members {
			if len(fp.carry[k]) == 0 {
				break
			}
			if taken[i] || !canCarry(members, i, kind, asOf) {
				continue
			}
			if kind == evMarriage {
				taken[members[i].partner] = true
			}
			taken[i] = true
			out = append(out, forcedEvent{who: i, kind: kind, day: fp.carry[k][0], name: k})
			fp.carry[k] = fp.carry[k][1:]
		}
	}
	if len(out) > 0 {
		fp.byGroup[gr] = out
	}
	return out
}

// done reports the forced events no member could carry.
func (fp *forcedPlan) done() error {
	if fp == nil {
		return nil
	}
	var left []string
	for _, k := range fp.kinds {
		if n := len(fp.carry[k]) + len(fp.targets[k]); n > 0 {
			left = append(left, fmt.Sprintf("%s: %d", k, n))
		}
	}
	if len(left) > 0 {
		return fmt.Errorf("events: %w: no one left to carry %s; ask for fewer or for a larger population", ErrConfig, strings.Join(left, ", "))
	}
	return nil
}

// canCarry reports whether member i of the start can carry a forced event of kind: an adult resident,
// and for a marriage the first of an unmarried cohabiting couple of adults.
func canCarry(members []member, i int, kind evKind, asOf civil.Date) bool {
	m := &members[i]
	if m.status != StatusActive || m.scenario != "" || ageAt(m.birth, asOf) < 18 {
		return false
	}
	if kind == evMarriage {
		p := m.partner
		return p > i && !m.married && members[p].status == StatusActive && sameHousehold(m, &members[p]) &&
			ageAt(members[p].birth, asOf) >= 18
	}
	return true
}
