package generator

import (
	"slices"

	"github.com/cprtestdata/cprtestdata/generator/civil"
)

// Manifest records what a run made: its inputs, counts, and for every scenario the persons made to carry
// it with the values a test should expect of them. Its JSON form is part of the output.
type Manifest struct {
	DataVersion string     `json:"data_version"` // see DataVersion
	Seed        uint64     `json:"seed"`
	AsOf        civil.Date `json:"as_of"`
	Persons     int        `json:"persons"`         // the whole population
	Shard       string     `json:"shard,omitempty"` // K/N when only a slice was made
	Substitutes int        `json:"substitutes"`     // persons in the substitute-number dataset of the whole population
	// Weekdays: the timeline delivered on weekdays only (and on its last day); see Config.Weekdays.
	Weekdays bool `json:"weekdays,omitempty"`
	// NumberPolicy is "cpr" (numbers in CPR's allocation order: many are real people's) or "safe"
	// (numbers CPR has not issued; see Config.SafeNumbers).
	NumberPolicy string          `json:"number_policy"`
	Made         int             `json:"made"`      // persons made by this run
	Statuses     map[string]int  `json:"statuses"`  // persons made, by status "01".."90"
	Scenarios    []ScenarioEntry `json:"scenarios"` // in catalogue order
	// With a timeline: the persons at its end (added ones included), their statuses, and per day what
	// happened.
	Final         int            `json:"final,omitempty"`
	FinalStatuses map[string]int `json:"final_statuses,omitempty"`
	Days          []DayEntry     `json:"days,omitempty"`
	// Events are Config.Events, the events asked for; Forced lists them as they happened, in population
	// order.
	Events        map[string]int `json:"events,omitempty"`
	Forced        []ForcedEntry  `json:"forced_events,omitempty"`
	index         map[string]int // scenario name → position in Scenarios
	statuses      [100]int
	finalStatuses [100]int
}

// DayEntry is one day of the timeline: the persons delivered in its change extract, its events by code
// (derived deliveries included), and the scenario persons it touched, by scenario.
type DayEntry struct {
	Date civil.Date `json:"date"`
	File string     `json:"file,omitempty"` // the day's change extract, when written
	// DeliveredIn, on a day without a change extract of its own (a weekend with Weekdays), names the
	// file that carries its events: the next delivery day's.
	DeliveredIn string         `json:"delivered_in,omitempty"`
	Persons     int            `json:"persons"`
	Events      map[string]int `json:"events"`
	Scenarios   map[string]int `json:"scenarios,omitempty"`
}

// ScenarioEntry is one scenario's quota and the persons that carry it.
type ScenarioEntry struct {
	Name        string     `json:"name"`
	Description string     `json:"description"`
	Quota       int        `json:"quota"`
	Persons     []Expected `json:"persons"`
}

// Expected is what a test can rely on for one person.
type Expected struct {
	Number        string     `json:"pnr"`
	Group         int        `json:"group"` // persons of one scenario instance share it
	Kind          string     `json:"kind"`  // control-digit or no-control-digit
	BirthDate     civil.Date `json:"birth_date"`
	Gender        string     `json:"gender"`
	Status        string     `json:"status"`
	StatusDate    civil.Date `json:"status_start_date"`
	CurrentNumber string     `json:"current_pnr,omitempty"` // for status 50 and 60
	OldNumbers    []string   `json:"old_pnrs,omitempty"`
	Spouse        string     `json:"spouse_pnr,omitempty"`
	CivilStatus   string     `json:"civil_status_code"`
	Mother        string     `json:"mother_pnr,omitempty"`
	Father        string     `json:"father_pnr,omitempty"`
	Children      []string   `json:"child_pnrs,omitempty"`
	Name          string     `json:"addressing_name"`
	// NameMarkers are the markers of the first, middle and last name (blank for none), as "+*=".
	NameMarkers   string     `json:"name_markers,omitempty"`
	CreditWarning civil.Date `json:"credit_warning,omitzero"` // record 050's start
	// Corrections are the correction markers (ANNKOR) of the history records 023-030, in record order,
	// as "023:K"; records in order are not listed.
	Corrections []string `json:"corrections,omitempty"`
	// PartialDates are the fields of the person's records whose date has unknown parts (month and day
	// 00), as "008:NVNHAENSTART", in record order.
	PartialDates []string `json:"partial_dates,omitempty"`
}

// The number policies a manifest records.
const (
	NumberPolicyCPR  = "cpr"
	NumberPolicySafe = "safe"
)

func newManifest(r *resolved) *Manifest {
	m := &Manifest{DataVersion: DataVersion, Seed: r.Seed, AsOf: r.AsOf, Persons: r.Persons, Shard: r.Shard.String(),
		Substitutes: r.Substitutes, Weekdays: r.Weekdays && r.Days > 0, NumberPolicy: NumberPolicyCPR,
		Statuses: map[string]int{}, index: map[string]int{}}
	if r.SafeNumbers {
		m.NumberPolicy = NumberPolicySafe
	}
	for k, n := range r.Events {
		if n > 0 {
			if m.Events == nil {
				m.Events = map[string]int{}
			}
			m.Events[k] = n
		}
	}
	for d := 1; d <= r.Days; d++ {
		m.Days = append(m.Days, DayEntry{Date: r.AsOf.AddDays(d), Events: map[string]int{}})
	}
	for _, q := range r.quotas {
		m.index[q.s.name] = len(m.Scenarios)
		m.Scenarios = append(m.Scenarios, ScenarioEntry{Name: q.s.name, Description: q.s.description, Quota: q.n, Persons: []Expected{}})
	}
	return m
}

// StatusCode formats a status as CPR writes it: two digits.
func StatusCode(s Status) string {
	b, _ := s.MarshalText()
	return string(b)
}

func (m *Manifest) add(p *Person, scenario string) {
	m.Made++
	m.statuses[p.Status]++
	if scenario == "" {
		return
	}
	e := Expected{Number: p.Number.String(), Group: p.Group, Kind: p.Number.Kind().String(), BirthDate: p.BirthDate,
		Gender: p.Gender.String(), Status: StatusCode(p.Status), StatusDate: p.StatusDate,
		CurrentNumber: p.CurrentNumber.String(), Spouse: p.Civil.Spouse.String(), CivilStatus: string(p.Civil.Code),
		Mother: p.Mother.Number.String(), Father: p.Father.Number.String(), Name: p.Name.Addressing}
	for _, o := range p.OldNumbers {
		e.OldNumbers = append(e.OldNumbers, o.Number.String())
	}
	for _, c := range p.Children {
		e.Children = append(e.Children, c.String())
	}
	if n := p.Name; n.FirstMarker+n.MiddleMarker+n.LastMarker != "" {
		mark := func(s string) string {
			if s == "" {
				return " "
			}
			return s
		}
		e.NameMarkers = mark(n.FirstMarker) + mark(n.MiddleMarker) + mark(n.LastMarker)
	}
	e.CreditWarning = p.CreditWarning
	e.Corrections = appendCorrections(e.Corrections, "023", p.AddressHistory, func(h HistoricAddress) string { return h.Correction })
	e.Corrections = appendCorrections(e.Corrections, "024", p.Migrations, func(h Migration) string { return h.Correction })
	e.Corrections = appendCorrections(e.Corrections, "025", p.Disappearances, func(h Disappearance) string { return h.Correction })
	e.Corrections = appendCorrections(e.Corrections, "026", p.NameHistory, func(h HistoricName) string { return h.Correction })
	e.Corrections = appendCorrections(e.Corrections, "027", p.CitizenshipHistory, func(h Citizenship) string { return h.Correction })
	e.Corrections = appendCorrections(e.Corrections, "029", p.CivilHistory, func(h CivilStatus) string { return h.Correction })
	e.Corrections = appendCorrections(e.Corrections, "030", p.SeparationHistory, func(h HistoricSeparation) string { return h.Correction })
	if p.Name.StartPartial {
		e.PartialDates = append(e.PartialDates, "008:NVNHAENSTART")
	}
	if p.Citizenship.StartPartial {
		e.PartialDates = append(e.PartialDates, "010:HAENSTART-STATSBORGERSKAB")
	}
	if slices.ContainsFunc(p.NameHistory, func(h HistoricName) bool { return h.StartPartial }) {
		e.PartialDates = append(e.PartialDates, "026:NVNHAENSTART")
	}
	if slices.ContainsFunc(p.CitizenshipHistory, func(c Citizenship) bool { return c.StartPartial }) {
		e.PartialDates = append(e.PartialDates, "027:HAENSTART-STATSBORGERSKAB")
	}
	i := m.index[scenario]
	m.Scenarios[i].Persons = append(m.Scenarios[i].Persons, e)
}

// appendCorrections appends to dst the correction markers of hist, records of type rec, as "023:K".
func appendCorrections[T any](dst []string, rec string, hist []T, marker func(T) string) []string {
	for _, h := range hist {
		if c := marker(h); c != "" {
			dst = append(dst, rec+":"+c)
		}
	}
	return dst
}

func (m *Manifest) addChange(c *Change) {
	d := &m.Days[c.Day-1]
	d.Persons++
	for _, e := range c.Events {
		d.Events[e.Code]++
	}
	for _, s := range c.Person.Scenarios {
		if d.Scenarios == nil {
			d.Scenarios = map[string]int{}
		}
		d.Scenarios[s]++
	}
}

func (m *Manifest) addFinal(p *Person) {
	m.Final++
	m.finalStatuses[p.Status]++
}

// finish fills in the counts kept in compact form while persons were added.
func (m *Manifest) finish() {
	for s, n := range m.statuses {
		if n > 0 {
			m.Statuses[StatusCode(Status(s))] = n
		}
	}
	for s, n := range m.finalStatuses {
		if n > 0 {
			if m.FinalStatuses == nil {
				m.FinalStatuses = map[string]int{}
			}
			m.FinalStatuses[StatusCode(Status(s))] = n
		}
	}
}
