package generator

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"

	"github.com/cprtestdata/cprtestdata/generator/civil"
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
	who   int
	kind  evKind
	day   int
	name  string
	dated bool // an EventsOn request's: nothing is spared for it
}

// ForcedEntry is a forced event in the manifest: what, on which day, to whom.
type ForcedEntry struct {
	Kind   string `json:"kind"`
	Day    int    `json:"day"`
	Date   string `json:"date"`
	Number string `json:"pnr"`
}

// forcedPlan places the forced events while allocateArrivals walks the groups in order. Its queues are
// Config.Events' kinds in name order, then Config.EventsOn's requests in order; a group's members go to
// the queues in that order, so a later queue never takes a member an earlier one would have had.
type forcedPlan struct {
	queues  []*forcedQueue
	byGroup map[int][]forcedEvent
}

// forcedQueue is one kind's events, or one request's: population indexes still to place, ascending,
// the days they happen on, and the days of targets passed on to the next member who can carry them.
type forcedQueue struct {
	name    string
	kind    evKind
	targets []int
	days    []int
	carry   []int
	dated   bool // an EventsOn request: its very persons, nothing spared
}

func newForcedPlan(r *resolved) *forcedPlan {
	if r.Days == 0 || len(r.Events) == 0 && len(r.EventsOn) == 0 {
		return nil
	}
	fp := &forcedPlan{byGroup: map[int][]forcedEvent{}}
	kinds := make([]string, 0, len(r.Events))
	for k := range r.Events {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	for _, k := range kinds {
		rng := rand.New(rand.NewPCG(r.Seed^0xf0cced, splitmix(uint64(EventKinds[k])+1)))
		q := &forcedQueue{name: k, kind: EventKinds[k], targets: drawTargets(rng, r.Events[k], r.Persons)}
		for range q.targets {
			q.days = append(q.days, 1+rng.IntN(r.Days))
		}
		fp.queues = append(fp.queues, q)
	}
	for _, req := range r.EventsOn {
		if req.Day > r.Days {
			continue // past this timeline: it waits for a longer one
		}
		q := &forcedQueue{name: req.Kind, kind: EventKinds[req.Kind], targets: slices.Sorted(slices.Values(req.Persons)), dated: true}
		for range q.targets {
			q.days = append(q.days, req.Day)
		}
		fp.queues = append(fp.queues, q)
	}
	return fp
}

// drawTargets draws n different population indexes below persons, ascending.
func drawTargets(rng *rand.Rand, n, persons int) []int {
	seen := map[int]bool{}
	var ts []int
	for len(ts) < n && len(ts) < persons {
		t := rng.IntN(persons)
		if !seen[t] {
			seen[t] = true
			ts = append(ts, t)
		}
	}
	slices.Sort(ts)
	return ts
}

// place gives group gr (its members as of the start, the first at population index first) the forced
// events whose targets fall in it or were passed on to it.
func (fp *forcedPlan) place(gr int, first int, members []member, asOf civil.Date) []forcedEvent {
	if fp == nil {
		return nil
	}
	var out []forcedEvent
	taken := map[int]bool{}
	for _, q := range fp.queues {
		if q.dated {
			for len(q.targets) > 0 && q.targets[0] < first+len(members) {
				out = append(out, forcedEvent{who: q.targets[0] - first, kind: q.kind, day: q.days[0], name: q.name, dated: true})
				q.targets, q.days = q.targets[1:], q.days[1:]
			}
			continue
		}
		for len(q.targets) > 0 && q.targets[0] < first+len(members) {
			q.carry = append(q.carry, q.days[0])
			q.targets, q.days = q.targets[1:], q.days[1:]
		}
		for i := range members {
			if len(q.carry) == 0 {
				break
			}
			if taken[i] || !canCarry(members, i, q.kind, asOf) {
				continue
			}
			if q.kind == evMarriage {
				taken[members[i].partner] = true
			}
			taken[i] = true
			out = append(out, forcedEvent{who: i, kind: q.kind, day: q.carry[0], name: q.name})
			q.carry = q.carry[1:]
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
	left := map[string]int{}
	for _, q := range fp.queues {
		if n := len(q.carry) + len(q.targets); n > 0 {
			left[q.name] += n
		}
	}
	if len(left) > 0 {
		var parts []string
		for _, k := range slices.Sorted(maps.Keys(left)) {
			parts = append(parts, fmt.Sprintf("%s: %d", k, left[k]))
		}
		return fmt.Errorf("events: %w: no one left to carry %s; ask for fewer or for a larger population", ErrConfig, strings.Join(parts, ", "))
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
