// Package sandbox is a disposable CPR test environment: a synthetic population on a simulated clock,
// the extracts CPR would have delivered so far (the status extract as of the start date and one change
// extract per day the clock has moved), and lookups of persons as they are today. Its state is a
// function of its Config and the days the clock has moved: the same configuration gives the same files
// and persons, byte for byte, however often it is reset.
//
// The HTTP interface is NewHandler; Serve runs a handler on a listener with timeouts and graceful
// shutdown.
package sandbox

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/cprtestdata/cprtestdata/formats/extract"
	"github.com/cprtestdata/cprtestdata/formats/private"
	"github.com/cprtestdata/cprtestdata/generator"
	"github.com/cprtestdata/cprtestdata/generator/civil"
	"github.com/cprtestdata/cprtestdata/generator/pnr"
)

// Config says what the sandbox serves. Its zero value is the documented default: 10,000 persons, seed
// 0, as of 2026-01-01, extracts in CPR's FTP form with task number 900001.
type Config struct {
	Generator generator.Config    // the population; Days and Weekdays are ignored (the clock decides)
	Extract   extract.FileOptions // record selection, framing, encoding and task of the extracts
	// Customers may use CPR Direkte; nil means DefaultCustomers.
	Customers []CustomerConfig
	// TokenTTL is how long a CPR Direkte token lives unused; 0 means DefaultTokenTTL.
	TokenTTL time.Duration
	// Weekdays publishes change extracts on weekdays only, as CPR delivers: a weekend's changes come
	// in Monday's, each person once (the same files testdata generate --days --weekdays writes).
	Weekdays bool
	// AdminToken, when set, must come as a bearer token (Authorization: Bearer T) with every request
	// under /admin/, and with the web page's forms that change the sandbox (their admin_token field).
	// Empty: anyone who reaches the HTTP interface may drive the sandbox.
	AdminToken string
	// RequireClientCert makes the SOAP services take the customer from the TLS client certificate (its
	// SHA-256 fingerprint in CustomerConfig.ClientCertificates), as Serviceplatformen does with FOCES;
	// requests without a registered certificate are refused.
	RequireClientCert bool
}

// MaxPersons bounds the population a sandbox holds in memory.
const MaxPersons = 200_000

// ErrConfig is wrapped by configuration errors.
var ErrConfig = errors.New("invalid sandbox configuration")

// Sandbox is the environment. It is safe for concurrent use.
type Sandbox struct {
	cfg   Config
	start civil.Date

	access  *access // its own lock
	faults  faults  // its own lock
	journal journal // its own lock

	mu        sync.RWMutex
	clock     *generator.Clock
	files     []*File
	byName    map[string]*File
	byNum     map[pnr.Number]*generator.Person
	persons   []*generator.Person
	snapshots []snapshot
	pending   []generator.Change // with Weekdays: the weekend's changes, for Monday
	// before holds, by index, the persons touched since the last delivery as they were at it.
	before map[int]*generator.Person
	doors  Doors
}

// File is a published extract.
type File struct {
	Name               string     `json:"name"`
	URL                string     `json:"url"`             // where to download it
	Kind               string     `json:"kind"`            // "status" or "change"
	Fault              string     `json:"fault,omitempty"` // the file fault it was made with (see FileFaults)
	Day                int        `json:"day"`             // days after the start date
	Production         civil.Date `json:"production_date"`
	PreviousProduction civil.Date `json:"previous_production_date"`
	Bytes              int        `json:"bytes"`
	Records            int        `json:"records"`
	Persons            int        `json:"persons"`
	SHA256             string     `json:"sha256"`
	data               []byte
	events             []dfObject // a change extract's CprHaendelse records
}

// Data returns the file's bytes; they must not be changed.
func (f *File) Data() []byte { return f.data }

// New makes the population and publishes the status extract as of its start date.
func New(ctx context.Context, cfg Config) (*Sandbox, error) {
	if cfg.Generator.Persons > MaxPersons {
		return nil, fmt.Errorf("persons %d: %w: a sandbox holds at most %d", cfg.Generator.Persons, ErrConfig, MaxPersons)
	}
	cfg.Generator.Days, cfg.Generator.Weekdays = 0, false // the clock decides; Config.Weekdays holds weekends back
	if cfg.Generator.AsOf.IsZero() {
		cfg.Generator.AsOf = generator.DefaultAsOf
	}
	if cfg.Extract.Task == 0 {
		cfg.Extract.Task = extract.DefaultTask
	}
	clock, err := generator.NewClock(ctx, cfg.Generator)
	if err != nil {
		return nil, err
	}
	s := &Sandbox{cfg: cfg, start: cfg.Generator.AsOf, clock: clock}
	if s.access, err = newAccess(cfg.Customers, s.start, cfg.TokenTTL); err != nil {
		return nil, err
	}
	status, err := s.statusFile()
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.reset(status)
	if err := s.areaStatus(0); err != nil {
		return nil, err
	}
	return s, nil
}

func (s *Sandbox) statusFile() (*File, error) {
	opts := s.cfg.Extract
	opts.Production = s.start
	opts.PreviousProduction = s.start.AddDays(-1)
	var buf bytes.Buffer
	pw, err := extract.NewPersonWriter(&buf, opts)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrConfig, err)
	}
	for _, p := range s.clock.Start() {
		if err := pw.Write(p); err != nil {
			return nil, fmt.Errorf("status extract: %w", err)
		}
	}
	if err := pw.Close(); err != nil {
		return nil, fmt.Errorf("status extract: %w", err)
	}
	return newFile(extract.FileName(opts.Production, opts.Task), "status", 0, opts.Production, opts.PreviousProduction, buf.Bytes(), pw.Records()+2,
		len(s.clock.Start())), nil
}

func newFile(name, kind string, day int, production, previous civil.Date, data []byte, records, persons int) *File {
	sum := sha256.Sum256(data)
	return &File{Name: name, URL: "/api/extracts/" + name, Kind: kind, Day: day, Production: production,
		PreviousProduction: previous, Bytes: len(data), Records: records, Persons: persons,
		SHA256: hex.EncodeToString(sum[:]), data: data}
}

// reset publishes only the status extract, withdraws the events asked for and sets everyone as of the
// start. s.mu is held.
func (s *Sandbox) reset(status *File) {
	s.clock.Reset()
	if len(s.clock.Requests()) > 0 {
		_ = s.clock.SetRequests(context.Background(), nil) // no requests: nothing to refuse, and no ctx to end
	}
	s.pending, s.before = nil, nil
	s.files = []*File{status}
	s.byName = map[string]*File{status.URL: status}
	s.index()
}

// index rebuilds the lookup of persons by number. s.mu is held.
func (s *Sandbox) index() {
	s.persons = slices.Clone(s.clock.Persons()) // the clock's changes in place; step keeps this as it was
	s.byNum = make(map[pnr.Number]*generator.Person, len(s.persons))
	for _, p := range s.persons {
		s.byNum[p.Number] = p
	}
}

// Today returns the sandbox's date and the days its clock has moved since the start.
func (s *Sandbox) Today() (civil.Date, int) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	day := s.clock.Day()
	return s.start.AddDays(day), day
}

// Start returns the start date.
func (s *Sandbox) Start() civil.Date { return s.start }

// Manifest returns the manifest of the starting population: counts and the scenario map.
func (s *Sandbox) Manifest() *generator.Manifest { return s.clock.Manifest() }

// Files returns the published extracts in production order.
func (s *Sandbox) Files() []*File {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return append([]*File(nil), s.files...)
}

// File returns the published extract whose URL is url.
func (s *Sandbox) File(url string) (*File, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	f, ok := s.byName[url]
	return f, ok
}

// Person returns the person holding number n as they are today.
func (s *Sandbox) Person(n pnr.Number) (*generator.Person, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	p, ok := s.byNum[n]
	return p, ok
}

// Query selects persons: every field given must match. Name matches any part of the addressing name,
// case-insensitively; Road any part of the road name.
type Query struct {
	Name      string
	BirthDate civil.Date
	Postcode  int
	Road      string
	Limit     int // 0 means 100
}

// Search returns the persons matching q as they are today, in index order.
func (s *Sandbox) Search(q Query) []*generator.Person {
	if q.Limit <= 0 {
		q.Limit = 100
	}
	name, road := strings.ToLower(q.Name), strings.ToLower(q.Road)
	s.mu.RLock()
	defer s.mu.RUnlock()
	var out []*generator.Person
	for _, p := range s.persons {
		if len(out) == q.Limit {
			break
		}
		switch {
		case name != "" && !strings.Contains(strings.ToLower(p.Name.Addressing), name):
		case !q.BirthDate.IsZero() && p.BirthDate != q.BirthDate:
		case q.Postcode != 0 && (p.Address == nil || int(p.Address.Postcode) != q.Postcode):
		case road != "" && (p.Address == nil || !strings.Contains(strings.ToLower(p.Address.Road), road)):
		default:
			out = append(out, p)
		}
	}
	return out
}

// Advance moves the clock on days days, publishing a change extract for each, and returns them.
func (s *Sandbox) Advance(ctx context.Context, days int) ([]*File, error) {
	if days < 1 || days > generator.MaxDays {
		return nil, fmt.Errorf("advance by %d days: %w: want 1 to %d", days, ErrConfig, generator.MaxDays)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var made []*File
	for range days {
		changes, err := s.clock.Step(ctx)
		if err != nil {
			s.index()
			return made, err
		}
		s.remember(changes)
		if !generator.Delivers(s.start.AddDays(s.clock.Day()), s.cfg.Weekdays) {
			s.pending = append(s.pending, changes...)
			continue
		}
		files, err := s.deliver(changes)
		made = append(made, files...)
		if err != nil {
			s.index()
			return made, err
		}
	}
	s.index()
	return made, nil
}

// remember keeps, for each person the day's changes touch for the first time since the last delivery,
// the person as they were at it: s.persons is as of the last step until index. s.mu is held.
func (s *Sandbox) remember(changes []generator.Change) {
	if s.before == nil {
		s.before = map[int]*generator.Person{}
	}
	for _, c := range changes {
		i := c.Person.Index
		if _, ok := s.before[i]; !ok && i < len(s.persons) {
			s.before[i] = s.persons[i]
		}
	}
	for _, c := range changes {
		if i := c.Person.Index; i < len(s.persons) {
			s.persons[i] = c.Person
		} else {
			s.persons = append(s.persons, c.Person)
		}
	}
}

// deliver publishes the change extract of the day the clock has just moved to, with the changes held
// back since the last one, and each subscriber's. s.mu is held.
func (s *Sandbox) deliver(changes []generator.Change) ([]*File, error) {
	if len(s.pending) > 0 {
		changes = fold(append(s.pending, changes...))
		s.pending = nil
	}
	fault := s.faults.nextFileFault()
	previous := s.files[len(s.files)-1].Production // the day before, or Friday with Weekdays
	f, err := s.changeFile(changes, s.cfg.Extract, fault, previous)
	if err != nil {
		return nil, err
	}
	s.publish(f)
	made := []*File{f}
	if err := s.carryOutInput(s.start.AddDays(s.clock.Day())); err != nil {
		return made, err
	}
	before := s.before
	s.before = nil
	f.events = dfEvents(changes, before, f.Production)
	if err := s.deliverToSubscribers(changes, before, previous); err != nil {
		return made, err
	}
	if err := s.deliverToAgreements(changes, before, previous); err != nil {
		return made, err
	}
	if fault == FaultDuplicate {
		again := *f
		again.URL = f.URL + "?copy=2"
		s.publish(&again)
		made = append(made, &again)
	}
	return made, nil
}

// deliverPending publishes today's change extract with the changes held back for the next delivery
// day, as the last day of a timeline does whatever day it is. Nothing happens without such changes.
func (s *Sandbox) deliverPending() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.clock.Day() == 0 || generator.Delivers(s.start.AddDays(s.clock.Day()), s.cfg.Weekdays) {
		return nil
	}
	_, err := s.deliver(nil)
	s.index()
	return err
}

// fold merges several days' deliveries into one: each person once, as they are last, with every event
// in order; persons in population order (family group, then index), as a change extract lists them.
func fold(changes []generator.Change) []generator.Change {
	at := map[int]int{}
	var out []generator.Change
	for _, c := range changes {
		if i, ok := at[c.Person.Index]; ok {
			out[i].Person = c.Person
			out[i].Events = append(slices.Clip(out[i].Events), c.Events...)
			continue
		}
		at[c.Person.Index] = len(out)
		out = append(out, c)
	}
	slices.SortStableFunc(out, func(a, b generator.Change) int {
		if a.Person.Group != b.Person.Group {
			return a.Person.Group - b.Person.Group
		}
		return a.Person.Index - b.Person.Index
	})
	return out
}

// deliverToSubscribers writes each subscribing customer's change extract of the day the clock has just
// moved to: the persons it subscribes to who were touched, and those it began to subscribe to since the
// last one, with event A45 (PNR-abonnement). s.mu is held, and the persons are as of the new day.
func (s *Sandbox) deliverToSubscribers(changes []generator.Change, before map[int]*generator.Person, previous civil.Date) error {
	subs := s.access.subscribers()
	customers := slices.Sorted(maps.Keys(subs))
	for _, n := range customers {
		sub := subs[n]
		var mine []generator.Change
		for _, c := range changes {
			if sub.numbers[c.Person.Number] || (sub.area != nil && sub.area.Carries(before[c.Person.Index], c.Person)) {
				mine = append(mine, c)
			}
		}
		previous := previous
		if !sub.last.IsZero() {
			previous = sub.last // the customer's own series: its last extract
		}
		today := s.start.AddDays(s.clock.Day())
		current := func(num pnr.Number) (*generator.Person, bool) {
			p, ok := s.byNum[num] // as of the last index: s.persons is as of today
			if !ok || s.persons[p.Index].Number != num {
				return nil, false
			}
			return s.persons[p.Index], true
		}
		for _, num := range sub.fresh {
			if !sub.numbers[num] || slices.ContainsFunc(mine, func(c generator.Change) bool { return c.Person.Number == num }) {
				continue
			}
			if p, ok := current(num); ok {
				mine = append(mine, generator.Change{Day: s.clock.Day(), Date: today, Person: p,
					Events: []generator.Event{{Date: today, Code: "A45", Main: num}}})
			}
		}
		for _, num := range sub.result.requisitions { // the person's data, without an event
			if p, ok := current(num); ok {
				mine = append(mine, generator.Change{Day: s.clock.Day(), Date: today, Person: p})
			}
		}
		var f *File
		var err error
		if sub.private != nil {
			f, err = s.privateFile(fold(mine), *sub.private, previous)
		} else {
			f, err = s.changeFile(fold(mine), s.cfg.Extract, "", previous)
		}
		if err != nil {
			return err
		}
		if len(sub.result.answers) > 0 {
			data, err := extract.AppendBeforeEnd(f.data, s.cfg.Extract.WriterOptions, sub.result.answers)
			if err != nil {
				return fmt.Errorf("customer %d's extract: %w", n, err)
			}
			f = newFile(f.Name, f.Kind, f.Day, f.Production, f.PreviousProduction, data, f.Records+len(sub.result.answers), f.Persons)
		}
		f.URL = "/api/customers/" + strconv.Itoa(n) + "/extracts/" + f.Name
		s.access.deliver(n, f)
	}
	return nil
}

// privateFile writes the day the clock has just moved to as a private customer's change extract
// (U09480P) of the persons the changes carry, as they are now. s.mu is held.
func (s *Sandbox) privateFile(changes []generator.Change, o private.Options, previous civil.Date) (*File, error) {
	day := s.clock.Day()
	production := s.start.AddDays(day)
	persons := make([]*generator.Person, len(changes))
	for i, c := range changes {
		persons[i] = c.Person
	}
	o.Lookup = func(n pnr.Number) (*generator.Person, bool) {
		p, ok := s.byNum[n]
		if !ok || p.Index >= len(s.persons) || s.persons[p.Index].Number != n {
			return nil, false
		}
		return s.persons[p.Index], true
	}
	var buf bytes.Buffer
	n, err := private.WriteExtract(&buf, persons, s.cfg.Extract.Task, production, previous, o, s.cfg.Extract.WriterOptions)
	if err != nil {
		return nil, fmt.Errorf("private extract of %s: %w", production, err)
	}
	return newFile(extract.FileName(production, s.cfg.Extract.Task), "change", day, production, previous, buf.Bytes(), n+2, len(persons)), nil
}

// publish lists f. s.mu is held.
func (s *Sandbox) publish(f *File) {
	s.files = append(s.files, f)
	s.byName[f.URL] = f
}

// changeFile writes the day the clock has just moved to as a change extract with options opts following
// the one produced on previous, with the file fault given (or none). s.mu is held.
func (s *Sandbox) changeFile(changes []generator.Change, opts extract.FileOptions, fault string, previous civil.Date) (*File, error) {
	day := s.clock.Day()
	production := s.start.AddDays(day)
	switch fault {
	case FaultWrongEncoding:
		opts.Encoding = extract.UTF8
	case FaultBrokenChain:
		previous = production.AddDays(-3)
	}
	sp, err := extract.NewChangeSpool(opts, 1)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrConfig, err)
	}
	defer sp.Close()
	for i := range changes {
		if err := sp.Add(1, changes[i].Person, changes[i].Events); err != nil {
			return nil, fmt.Errorf("change extract of %s: %w", production, err)
		}
	}
	var buf bytes.Buffer
	n, err := sp.WriteDay(&buf, 1, production, previous)
	if err != nil {
		return nil, fmt.Errorf("change extract of %s: %w", production, err)
	}
	f := newFile(extract.FileName(production, opts.Task), "change", day, production, previous, damage(fault, buf.Bytes(), n-2), n, len(changes))
	f.Fault = fault
	return f, nil
}

// Reset sets the clock back on the start date, withdraws every change extract and gives the customers
// their configured access again.
func (s *Sandbox) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.reset(s.files[0])
	s.access.load(s.cfg.Customers, s.start) // checked by New
	s.areaStatus(0)                         // made by New already: cannot fail now
}

// areaStatus gives every customer with an area (and number n, when not 0) without extracts yet the
// area's status extract as of today, the first of its series. s.mu is held.
func (s *Sandbox) areaStatus(n int) error {
	today := s.start.AddDays(s.clock.Day())
	a := s.access
	a.mu.Lock()
	defer a.mu.Unlock()
	for num, c := range a.customers {
		if c.area == nil || len(c.deliveries) > 0 || (n != 0 && num != n) {
			continue
		}
		opts := s.cfg.Extract
		opts.Production, opts.PreviousProduction = today, today.AddDays(-1)
		var buf bytes.Buffer
		pw, err := extract.NewPersonWriter(&buf, opts)
		if err != nil {
			return fmt.Errorf("%w: %v", ErrConfig, err)
		}
		persons := 0
		for _, p := range s.persons {
			if c.area.Lives(p) {
				if err := pw.Write(p); err != nil {
					return fmt.Errorf("customer %d's area status extract: %w", num, err)
				}
				persons++
			}
		}
		if err := pw.Close(); err != nil {
			return fmt.Errorf("customer %d's area status extract: %w", num, err)
		}
		f := newFile(extract.FileName(today, opts.Task), "status", s.clock.Day(), today, opts.PreviousProduction, buf.Bytes(), pw.Records()+2, persons)
		f.URL = "/api/customers/" + strconv.Itoa(num) + "/extracts/" + f.Name
		c.deliveries = []*File{f}
	}
	return nil
}

// RevokeAccess resets every user's access rights, as CPR's administration can: tokens are withdrawn and
// no user can log on until granted access again with GrantAccess.
func (s *Sandbox) RevokeAccess() { s.access.revokeAll() }

// GrantAccess gives user id of customer number access again with a new password, which must keep CPR's
// rules and not have been used before.
func (s *Sandbox) GrantAccess(number int, id, password string) error {
	today, _ := s.Today()
	return s.access.grant(number, id, password, today)
}

// snapshot is the state Snapshot keeps: the clock's day, the published extracts, and the customers.
type snapshot struct {
	day       int
	requests  []generator.EventRequest
	files     []*File
	customers map[int]*customer
	pending   []generator.Change
	before    map[int]*generator.Person
}

// Snapshot keeps the sandbox's state - the clock, the published extracts, customers, users, passwords
// and subscriptions - and returns its id for Restore. Tokens are not kept.
func (s *Sandbox) Snapshot() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.snapshots = append(s.snapshots, snapshot{day: s.clock.Day(), requests: s.clock.Requests(), files: append([]*File(nil), s.files...),
		customers: s.access.copyCustomers(), pending: slices.Clone(s.pending), before: maps.Clone(s.before)})
	return len(s.snapshots)
}

// Restore goes back to the state Snapshot kept under id.
func (s *Sandbox) Restore(ctx context.Context, id int) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if id < 1 || id > len(s.snapshots) {
		return fmt.Errorf("snapshot %d: %w: there are %d", id, ErrConfig, len(s.snapshots))
	}
	snap := s.snapshots[id-1]
	s.clock.Reset()
	if err := s.clock.SetRequests(ctx, snap.requests); err != nil {
		s.index()
		return err
	}
	for range snap.day {
		if _, err := s.clock.Step(ctx); err != nil {
			s.index()
			return err
		}
	}
	s.files = append([]*File(nil), snap.files...)
	s.pending, s.before = slices.Clone(snap.pending), maps.Clone(snap.before)
	s.byName = map[string]*File{}
	for _, f := range s.files {
		s.byName[f.URL] = f
	}
	s.index()
	s.access.setCustomers(snap.customers)
	return nil
}
