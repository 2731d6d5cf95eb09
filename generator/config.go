package generator

import (
	"errors"
	"fmt"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/cprtestdata/cprtestdata/generator/civil"
	"github.com/cprtestdata/cprtestdata/generator/pnr"
)

// Defaults for a zero Config.
const (
	DefaultPersons = 10000
	// DefaultSeed is the seed when none is given. 0 is a seed like any other.
	DefaultSeed = 0
)

// DefaultAsOf is "today" for a zero Config: a fixed date, never the clock.
var DefaultAsOf = civil.Date{Year: 2026, Month: time.January, Day: 1}

// Config says what population to make. Its zero value means the documented defaults. The population is a
// function of Persons, Seed, AsOf, Scenarios, SafeNumbers and the data version; Workers and Shard only
// change how and which part of it is made.
type Config struct {
	Persons int        // personnumre in the population, substitute numbers not included; 0 means 10,000
	Seed    uint64     // 0 is a seed like any other
	AsOf    civil.Date // "today"; zero means DefaultAsOf
	// Scenarios overrides the quota of named scenarios (see Scenarios); others keep their default quota.
	Scenarios map[string]int
	// Substitutes is the number of persons in the separate substitute-number dataset; 0 means one per
	// 200 persons, at least 10. Use NoSubstitutes for none.
	Substitutes int
	Workers     int   // goroutines making details; 0 means GOMAXPROCS
	Shard       Shard // the slice to make; the zero Shard is the whole population
	// Days is how many days the timeline moves the population on from AsOf (see Run); 0 means none.
	// AsOf plus Days must not pass 31 December 2057, the last birth date CPR's numbers can hold.
	Days int
	// Weekdays delivers the timeline's changes on weekdays only, as CPR does: the events of a Saturday
	// and a Sunday come in Monday's change extract, each person once with the state of Monday's end and
	// every event since. The timeline's last day always delivers. See IsDeliveryDay.
	Weekdays bool
	// SafeNumbers gives every person a personnummer CPR has not issued according to the reference (see
	// pnr.IsSafe): no control digit, on a date CPR has not opened for such numbers. Birth dates on that
	// list (1 January of 26 years) become 2 January; everything else - dates, gender parity, century
	// digit, links, scenarios - is as without it. Receivers that demand modulus-11 reject every such
	// number, which is what CPR has asked them not to do since 2007.
	SafeNumbers bool
	// Events asks the timeline for that many more events of each kind (see EventKinds), each on a day of
	// the timeline to a member who can carry it, listed in the manifest (Manifest.Forced). Needs Days.
	Events map[string]int
	// EventsOn asks for forced events on given days to given persons, as a sandbox does when asked while
	// its clock runs. Unlike Events, nothing is spared for them: no request changes a day before its own
	// (an event its person can no longer carry on the day does not happen), and a later request never
	// changes an earlier one. A request past Days waits for a longer timeline.
	EventsOn []EventRequest
	// Family gives every person its relatives' clear-text addresses (Person.Family): the mother, the
	// father and the children in CPR with a Danish address, as the family product P12180's records
	// 031-033 deliver them. A status extract's: not with Days.
	Family bool
}

// EventRequest is a request of Config.EventsOn: an event of Kind on Day to each of Persons, population
// indexes of the population as of the start.
type EventRequest struct {
	Kind    string
	Day     int // days after the as-of date, 1 or more
	Persons []int
}

// NoSubstitutes asks for an empty substitute-number dataset.
const NoSubstitutes = -1

// Shard is slice Index (0-based) of Count equal slices of the population, cut at family-group
// boundaries. The union of all Count slices is the whole population, person for person. Index is 0-based
// like Kubernetes' JOB_COMPLETION_INDEX and Spark's partition ids.
type Shard struct {
	Index, Count int
}

// ErrConfig is wrapped by every configuration error.
var ErrConfig = errors.New("invalid configuration")

// ParseShard parses "K/N" with 0 <= K < N.
func ParseShard(s string) (Shard, error) {
	k, n, ok := strings.Cut(s, "/")
	ki, err1 := strconv.Atoi(k)
	ni, err2 := strconv.Atoi(n)
	if !ok || err1 != nil || err2 != nil {
		return Shard{}, fmt.Errorf("shard %q: %w: want K/N, for example 0/4", s, ErrConfig)
	}
	sh := Shard{Index: ki, Count: ni}
	return sh, sh.check()
}

func (s Shard) check() error {
	if s == (Shard{}) {
		return nil
	}
	if s.Count < 1 || s.Index < 0 || s.Index >= s.Count {
		return fmt.Errorf("shard %d/%d: %w: want 0 <= K < N", s.Index, s.Count, ErrConfig)
	}
	return nil
}

// String returns "K/N", or "" for the whole population.
func (s Shard) String() string {
	if s == (Shard{}) {
		return ""
	}
	return fmt.Sprintf("%d/%d", s.Index, s.Count)
}

// MaxPersons bounds Persons: beyond it birth dates run out of numbers.
const MaxPersons = 100_000_000

// resolved is a Config with defaults applied and checked.
type resolved struct {
	Config
	quotas []quota // per scenario, in catalogue order
}

type quota struct {
	s *scenario
	n int
}

func (c Config) resolve() (*resolved, error) {
	if c.Persons == 0 {
		c.Persons = DefaultPersons
	}
	if c.Persons < 0 || c.Persons > MaxPersons {
		return nil, fmt.Errorf("persons %d: %w: want 1 to %d", c.Persons, ErrConfig, MaxPersons)
	}
	if c.AsOf.IsZero() {
		c.AsOf = DefaultAsOf
	}
	if !c.AsOf.IsValid() || c.AsOf.Year < pnr.FirstBirthYear || c.AsOf.Year > pnr.LastBirthYear {
		return nil, fmt.Errorf("as-of date %s: %w: want a date in %d-%d", c.AsOf, ErrConfig, pnr.FirstBirthYear, pnr.LastBirthYear)
	}
	if c.Days < 0 || c.Days > MaxDays {
		return nil, fmt.Errorf("days %d: %w: want 0 to %d", c.Days, ErrConfig, MaxDays)
	}
	if end := c.AsOf.AddDays(c.Days); end.After(lastDate) {
		return nil, fmt.Errorf("days %d: %w: the timeline would end on %s, after %s, the last birth date personnumre can hold",
			c.Days, ErrConfig, end, lastDate)
	}
	if c.Workers == 0 {
		c.Workers = runtime.GOMAXPROCS(0)
	}
	if c.Workers < 0 {
		return nil, fmt.Errorf("workers %d: %w", c.Workers, ErrConfig)
	}
	switch {
	case c.Substitutes == 0:
		c.Substitutes = max(10, c.Persons/200)
	case c.Substitutes == NoSubstitutes:
		c.Substitutes = 0
	case c.Substitutes < 0:
		return nil, fmt.Errorf("substitutes %d: %w", c.Substitutes, ErrConfig)
	}
	if err := c.Shard.check(); err != nil {
		return nil, err
	}
	for name, n := range c.Events {
		if _, ok := EventKinds[name]; !ok {
			return nil, fmt.Errorf("event %q: %w: unknown; want one of %s", name, ErrConfig, strings.Join(EventKindNames(), ", "))
		}
		if n < 0 || n > c.Persons {
			return nil, fmt.Errorf("event %s=%d: %w: want 0 to the population's %d", name, n, ErrConfig, c.Persons)
		}
		if n > 0 && c.Days == 0 {
			return nil, fmt.Errorf("event %s=%d: %w: events happen on the timeline; give days", name, n, ErrConfig)
		}
	}
	if c.Family && (c.Days > 0 || len(c.EventsOn) > 0) {
		return nil, fmt.Errorf("family: %w: the family records are a status extract's (a relative's move would not deliver the person); give no days", ErrConfig)
	}
	for _, q := range c.EventsOn {
		if _, ok := EventKinds[q.Kind]; !ok {
			return nil, fmt.Errorf("event %q: %w: unknown; want one of %s", q.Kind, ErrConfig, strings.Join(EventKindNames(), ", "))
		}
		if q.Day < 1 || q.Day > MaxDays {
			return nil, fmt.Errorf("event %s on day %d: %w: want day 1 to %d", q.Kind, q.Day, ErrConfig, MaxDays)
		}
		for _, i := range q.Persons {
			if i < 0 || i >= c.Persons {
				return nil, fmt.Errorf("event %s on day %d: %w: person %d is not in the population of %d as of the start", q.Kind, q.Day, ErrConfig, i, c.Persons)
			}
		}
	}
	r := &resolved{Config: c}
	for name := range c.Scenarios {
		if scenarioByName(name) == nil {
			return nil, fmt.Errorf("scenario %q: %w: unknown; see testdata scenarios", name, ErrConfig)
		}
	}
	// Default quotas apply in full when they fit in a quarter of the population (from about 460
	// persons); a smaller population gets proportionally fewer. Quotas asked for are kept exactly.
	defaults := 0
	for _, s := range catalogue {
		if _, asked := c.Scenarios[s.name]; !asked {
			defaults += s.quota * s.persons
		}
	}
	budget := max(c.Persons/4, 0)
	persons := 0
	for _, s := range catalogue {
		n := s.quota
		if defaults > budget {
			n = s.quota * budget / defaults
		}
		if q, ok := c.Scenarios[s.name]; ok {
			if q < 0 {
				return nil, fmt.Errorf("scenario %s=%d: %w: a quota cannot be negative", s.name, q, ErrConfig)
			}
			n = q
		}
		if n > 0 && s.available != nil {
			if err := s.available(c.AsOf); err != nil {
				if _, asked := c.Scenarios[s.name]; asked {
					return nil, fmt.Errorf("scenario %s=%d: %w: %v", s.name, n, ErrConfig, err)
				}
				n = 0 // a default quota the as-of date does not allow is dropped
			}
		}
		if n > 0 && s.capacity > 0 && n > s.capacity {
			return nil, fmt.Errorf("scenario %s=%d: %w: its birth dates have numbers for %d at most", s.name, n, ErrConfig, s.capacity)
		}
		persons += n * s.persons
		r.quotas = append(r.quotas, quota{s, n})
	}
	if persons > c.Persons {
		return nil, fmt.Errorf("scenario quotas need %d persons, more than the population of %d: %w; raise --persons or lower the quotas",
			persons, c.Persons, ErrConfig)
	}
	return r, nil
}
