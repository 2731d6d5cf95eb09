package generator

import (
	"context"
	"errors"
	"fmt"
	"slices"
)

// ErrEndOfTime is returned by Clock.Step when the next day would pass the last date the timeline can
// reach (31 December 2057) or MaxDays.
var ErrEndOfTime = errors.New("the timeline cannot go further")

// Clock steps a population through its timeline one day at a time and keeps every person as they are on
// the current day, in memory: for a sandbox that publishes change extracts on demand, and for tests.
// Day k's deliveries are those Run gives for day k of any longer timeline: the clock computes the
// timeline ahead in growing stretches (a year, then doubling), which the timeline's determinism makes
// indistinguishable from stepping. Reset goes back to the start without recomputing.
//
// A Clock is not safe for concurrent use.
type Clock struct {
	cfg      Config // Days is the stretch computed so far
	day      int
	start    []*Person
	changes  [][]Change // by day-1, for the days computed
	current  []*Person  // by index
	manifest *Manifest
}

// clockStretch is the first stretch of days a Clock computes.
const clockStretch = 365

// NewClock makes the population cfg describes (cfg.Days and cfg.Weekdays are ignored: a clock delivers
// every day, and whoever holds a weekend's deliveries back folds them) and sets the clock on its as-of
// date.
func NewClock(ctx context.Context, cfg Config) (*Clock, error) {
	c := &Clock{cfg: cfg}
	c.cfg.Days, c.cfg.Weekdays = 0, false
	if _, err := c.cfg.resolve(); err != nil {
		return nil, err
	}
	if err := c.compute(ctx, 0); err != nil {
		return nil, err
	}
	c.Reset()
	return c, nil
}

// compute runs the timeline for days days and keeps its start, its deliveries and its manifest.
func (c *Clock) compute(ctx context.Context, days int) error {
	cfg := c.cfg
	cfg.Days = days
	var start []*Person
	changes := make([][]Change, days)
	m, err := Run(ctx, cfg, Handler{
		Person: func(p *Person, _ []byte) error {
			q := *p
			start = append(start, &q)
			return nil
		},
		Change: func(ch *Change) error {
			changes[ch.Day-1] = append(changes[ch.Day-1], ch.Clone())
			return nil
		},
	})
	if err != nil {
		return err
	}
	c.cfg.Days, c.start, c.changes, c.manifest = days, start, changes, m
	return nil
}

// Start returns the population as of the as-of date, in index order. The slice and persons must not be
// changed.
func (c *Clock) Start() []*Person { return c.start }

// Manifest returns the manifest of the starting population.
func (c *Clock) Manifest() *Manifest { return c.manifest }

// Day returns the days the clock has moved on from the as-of date.
func (c *Clock) Day() int { return c.day }

// Persons returns every person as they are on the current day, in index order: the starting population,
// then the persons the timeline added so far. The slice and persons must not be changed; the slice is
// valid until the next Step or Reset.
func (c *Clock) Persons() []*Person { return c.current }

// Step moves the clock on one day and returns that day's deliveries: every person touched, as they are
// at the end of the day, with the day's events. The changes must not be modified.
func (c *Clock) Step(ctx context.Context) ([]Change, error) {
	next := c.day + 1
	asOf := c.cfg.AsOf
	if asOf.IsZero() {
		asOf = DefaultAsOf
	}
	if next > MaxDays || asOf.AddDays(next).After(lastDate) {
		return nil, fmt.Errorf("day %d after %s: %w", next, asOf, ErrEndOfTime)
	}
	if next > c.cfg.Days {
		days := max(clockStretch, 2*c.cfg.Days)
		days = min(days, MaxDays, lastDate.DayNumber()-asOf.DayNumber())
		if err := c.compute(ctx, days); err != nil {
			return nil, err
		}
	}
	c.day = next
	day := c.changes[next-1]
	for i := range day {
		p := day[i].Person
		switch {
		case p.Index < len(c.current):
			c.current[p.Index] = p
		case p.Index == len(c.current):
			c.current = append(c.current, p)
		default:
			return nil, fmt.Errorf("generator: day %d adds person %d after %d persons", next, p.Index, len(c.current))
		}
	}
	return day, nil
}

// Reset sets the clock back on the as-of date.
func (c *Clock) Reset() {
	c.day = 0
	c.current = append(c.current[:0:0], c.start...)
}

// Force asks for an event of kind (one of EventKinds) on the next day to each of persons, indexes of the
// population as of the start, and computes the timeline again from the request: the days already passed
// are as they were (Config.EventsOn spares nothing before its day). An event its person can no longer
// carry on the day does not happen; the next day's deliveries and Manifest().Forced show what did.
func (c *Clock) Force(ctx context.Context, kind string, persons []int) error {
	reqs := append(slices.Clip(c.cfg.EventsOn), EventRequest{Kind: kind, Day: c.day + 1, Persons: slices.Clone(persons)})
	return c.SetRequests(ctx, reqs)
}

// Requests returns the event requests made with Force (or SetRequests), in order.
func (c *Clock) Requests() []EventRequest { return slices.Clone(c.cfg.EventsOn) }

// SetRequests replaces the event requests and computes the timeline again, as far as before and to the
// next day at least; the clock stays on its day. Requests that only differ after the current day leave
// the days passed as they were; to go back to requests of an earlier state, Reset and step again.
func (c *Clock) SetRequests(ctx context.Context, reqs []EventRequest) error {
	cfg := c.cfg
	cfg.EventsOn = slices.Clone(reqs)
	if _, err := cfg.resolve(); err != nil {
		return err
	}
	old := c.cfg
	c.cfg.EventsOn = cfg.EventsOn
	if err := c.compute(ctx, max(c.cfg.Days, c.day+1)); err != nil {
		c.cfg = old
		return err
	}
	return nil
}
