// Package registers writes CPR's reference registers for a population, so that a receiver that resolves
// codes through them - as receivers of CPR's extracts do - resolves every code in the population's
// extracts, and nothing else: the road register (P05780, cpr-formats.md §3.2: a 001 Vejnavn record per
// road, and 004 Postdistrikt records giving its postal code for odd and even house numbers) and the
// authority table (P02680, §3.1: a 001 record per municipality, MYNTYP 05, and country, MYNTYP 30). The
// layouts are derived from the reference by scripts/derivelayouts (layouts.go). A Collector gathers
// the codes from the persons; what it gathers depends only on them, so the files are deterministic.
//
// Where the reference is silent the choices are: the registers carry the codes the persons use and
// no others; a road's 004 records cover house numbers 001 to 999, odd and even, with the road's one
// postal code (the model gives a road one); TIMESTAMP is the production date at TimeOfDay; a road's
// HAENSTART is empty (unknown), an authority's is the authority table's of 2012; the authority
// table's phone, address and e-mail fields are empty. Records come in code order, LF-framed as the
// reference's samples of these registers are.
package registers

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"

	"github.com/cprtestdata/cprtestdata/fixtures"
	"github.com/cprtestdata/cprtestdata/formats/extract"
	"github.com/cprtestdata/cprtestdata/generator"
	"github.com/cprtestdata/cprtestdata/generator/civil"
)

// File names of the registers in a run's registers/ directory.
const (
	RoadFile      = "P05780_vejregister.txt"
	AuthorityFile = "P02680_myndighedstabel.txt"
)

// DefaultTask is the task number (OPGAVENR) of the registers' start records.
const DefaultTask = 900002

// The authority types (MYNTYP) the registers use.
const (
	TypeMunicipality = 5
	TypeCountry      = 30
)

// Road is a road of a municipality as the persons' addresses give it.
type Road struct {
	Municipality, Code int // KOMKOD, VEJKOD
	Name               string
	Postcode           int
	City               string
}

type roadKey struct{ municipality, code int }

// Collector gathers the roads and authority codes persons use. The zero value is not ready: use
// NewCollector.
type Collector struct {
	roads          map[roadKey]Road
	seen           []uint64 // roads in the map, by municipality*10000+road code (municipalities below 1000): most persons add none
	municipalities map[int]bool
	countries      map[int]bool
	codes          [10000]bool // municipality and country codes in the maps
}

// NewCollector returns an empty Collector.
func NewCollector() *Collector {
	return &Collector{roads: map[roadKey]Road{}, seen: make([]uint64, 1000*10000/64), municipalities: map[int]bool{}, countries: map[int]bool{}}
}

// known reports whether road code of municipality muni is gathered already, and notes it.
func (c *Collector) known(muni, code int) bool {
	if muni < 0 || muni >= 1000 || code < 0 || code >= 10000 { // no such code in CPR's tables: the map decides
		_, ok := c.roads[roadKey{muni, code}]
		return ok
	}
	k := muni*10000 + code
	if c.seen[k/64]&(1<<(k%64)) != 0 {
		return true
	}
	c.seen[k/64] |= 1 << (k % 64)
	return false
}

// Add gathers the codes of every record of p: addresses now and before, the municipalities moved from,
// the birth place's authority, citizenships, emigration and migrations.
func (c *Collector) Add(p *generator.Person) {
	if a := p.Address; a != nil {
		c.road(int(a.Municipality), int(a.RoadCode), a.Road, int(a.Postcode), a.City)
		c.municipality(int(a.PreviousMunicipality))
	}
	for _, h := range p.AddressHistory {
		c.municipality(int(h.Municipality))
		if h.RoadCode != 0 {
			c.roadCode(int(h.Municipality), int(h.RoadCode))
		}
	}
	c.authority(int(p.BirthPlace.Authority))
	c.country(int(p.Citizenship.Country))
	for _, h := range p.CitizenshipHistory {
		c.country(int(h.Country))
	}
	if e := p.Emigration; e != nil {
		c.country(int(e.Country))
	}
	for _, m := range p.Migrations {
		c.country(int(m.ExitCountry))
		c.country(int(m.EntryCountry))
	}
}

func (c *Collector) road(muni, code int, name string, postcode int, city string) {
	c.municipality(muni)
	if code == 0 || c.known(muni, code) {
		return // a road seen before; its addresses all have its name and postal code (TestRegistersResolveEveryCode)
	}
	c.roads[roadKey{muni, code}] = Road{Municipality: muni, Code: code, Name: name, Postcode: postcode, City: city}
}

// roadCode notes a road known only by its code (address history keeps no name): the register holds
// it with the name and postal code every address on it has in the generator's world.
func (c *Collector) roadCode(muni, code int) {
	if c.known(muni, code) {
		return
	}
	k := roadKey{muni, code}
	r := Road{Municipality: muni, Code: code}
	if name, pc, city, ok := generator.RoadOf(muni, code); ok {
		r.Name, r.Postcode, r.City = name, pc, city
	}
	c.roads[k] = r
}

func (c *Collector) municipality(code int) {
	if code > 0 && code < len(c.codes) && !c.codes[code] {
		c.codes[code] = true
		c.municipalities[code] = true
	}
}

func (c *Collector) country(code int) {
	if code > 0 && code < len(c.codes) && !c.codes[code] {
		c.codes[code] = true
		c.countries[code] = true
	}
}

// authority notes a code that is a municipality's or a country's (landekoder are 5000 and up).
func (c *Collector) authority(code int) {
	if code >= 5000 {
		c.country(code)
	} else {
		c.municipality(code)
	}
}

// Roads returns the roads gathered, in municipality and code order.
func (c *Collector) Roads() []Road {
	keys := slices.SortedFunc(maps.Keys(c.roads), func(a, b roadKey) int {
		if a.municipality != b.municipality {
			return a.municipality - b.municipality
		}
		return a.code - b.code
	})
	out := make([]Road, 0, len(keys))
	for _, k := range keys {
		out = append(out, c.roads[k])
	}
	return out
}

// Options say how the registers are written.
type Options struct {
	Production civil.Date // PRODDTO and the records' TIMESTAMP
	Task       int        // OPGAVENR; 0 means DefaultTask
}

// Register is one register a Collector writes: its file name and how to write it.
type Register struct {
	Name  string
	Write func(io.Writer, Options) (int, error)
}

// Registers returns the registers c writes, in the order a run lists them.
func (c *Collector) Registers() []Register {
	return []Register{{RoadFile, c.WriteRoads}, {AuthorityFile, c.WriteAuthorities}}
}

// WriteRoads writes the road register of the roads gathered to w: the start record, a 001 and two 004
// records per road, the end record. It returns the records written, start and end included. A road
// known only from address history, whose name no person gives, is an error: the register would lie.
func (c *Collector) WriteRoads(w io.Writer, opts Options) (int, error) {
	rw := newWriter(w, opts)
	for _, r := range c.Roads() {
		if r.Name == "" {
			return 0, fmt.Errorf("road %04d of municipality %04d: only in address history, and not a road of the generator's world", r.Code, r.Municipality)
		}
		rec := road001Record.Template()
		road001Record.PutNumber(rec, r001Komkod, r.Municipality)
		road001Record.PutNumber(rec, r001Vejkod, r.Code)
		road001Record.PutDate(rec, r001Timestamp, opts.Production)
		rw.put(rec, road001Record.PutText(rec, r001Vejadrnvn, generator.RoadAddressingName(r.Name)),
			road001Record.PutText(rec, r001Vejnvn, r.Name))
		for _, parity := range []string{"U", "L"} { // ulige (odd), lige (even)
			rec := road004Record.Template()
			road004Record.PutNumber(rec, r004Komkod, r.Municipality)
			road004Record.PutNumber(rec, r004Vejkod, r.Code)
			road004Record.PutDate(rec, r004Timestamp, opts.Production)
			road004Record.PutNumber(rec, r004Postnr, r.Postcode)
			rw.put(rec, road004Record.PutText(rec, r004Husnrfra, "001"), road004Record.PutText(rec, r004Husnrtil, "999"),
				road004Record.PutText(rec, r004Ligeulige, parity), road004Record.PutText(rec, r004Postdisttxt, extract.PostDistrictText(r.City)))
		}
	}
	return rw.close()
}

// WriteAuthorities writes the authority table of the municipalities and countries gathered to w, with
// their names from the project's tables (the authority table's of 2012). A code the tables do not know
// is an error.
func (c *Collector) WriteAuthorities(w io.Writer, opts Options) (int, error) {
	t, err := fixtures.Load()
	if err != nil {
		return 0, err
	}
	munis := map[int]fixtures.Municipality{}
	for _, m := range t.Municipalities {
		munis[m.Code] = m
	}
	countries := map[int]fixtures.Country{}
	for _, ct := range t.Countries {
		countries[ct.Code] = ct
	}
	rw := newWriter(w, opts)
	for _, code := range slices.Sorted(maps.Keys(c.municipalities)) {
		m, ok := munis[code]
		if !ok {
			return 0, fmt.Errorf("municipality %04d: not in the authority table", code)
		}
		rw.authority(opts, code, TypeMunicipality, m.Name, m.FullName, m.Since, "", "", 0)
	}
	for _, code := range slices.Sorted(maps.Keys(c.countries)) {
		ct, ok := countries[code]
		if !ok {
			return 0, fmt.Errorf("country %04d: not in the authority table", code)
		}
		rw.authority(opts, code, TypeCountry, ct.Name, ct.FullName, ct.Since, ct.Alpha2, ct.Alpha3, ct.Num3)
	}
	return rw.close()
}

// writer writes a register's records, LF-framed, between its start and end records.
type writer struct {
	w       *bufio.Writer
	records int
	err     error
}

func newWriter(w io.Writer, opts Options) *writer {
	rw := &writer{w: bufio.NewWriter(w)}
	task := opts.Task
	if task == 0 {
		task = DefaultTask
	}
	rec := startRecord.Template()
	startRecord.PutNumber(rec, f000Opgavenr, task)
	startRecord.PutDate(rec, f000Proddto, opts.Production)
	rw.line(rec)
	return rw
}

// put writes rec unless one of errs, from filling it, is set.
func (rw *writer) put(rec []byte, errs ...error) {
	if err := errors.Join(errs...); err != nil && rw.err == nil {
		rw.err = err
	}
	rw.records++
	rw.line(rec)
}

func (rw *writer) authority(opts Options, code, typ int, name, full, since, alpha2, alpha3 string, num3 int) {
	l := authorityRecord
	rec := l.Template()
	l.PutNumber(rec, a001Mynkod, code)
	l.PutNumber(rec, a001Myntyp, typ)
	l.PutDate(rec, a001Timestamp, opts.Production)
	copy(rec[l.Fields[a001Haenstart].Pos-1:], fit(since, l.Fields[a001Haenstart].Len))
	l.PutNumber(rec, a001LandKodNum3, num3)
	rw.put(rec, l.PutText(rec, a001Mynnvn, extract.PostDistrictText(name)), l.PutText(rec, a001MynnvnXl, full),
		l.PutText(rec, a001LandKodAlfa2, alpha2), l.PutText(rec, a001LandKodAlfa3, alpha3))
}

// fit is s when it has exactly n digits, else n zeros (an empty timestamp).
func fit(s string, n int) string {
	if len(s) == n {
		for _, c := range s {
			if c < '0' || c > '9' {
				return fit("", n)
			}
		}
		return s
	}
	b := make([]byte, n)
	for i := range b {
		b[i] = '0'
	}
	return string(b)
}

func (rw *writer) line(rec []byte) {
	if rw.err == nil {
		rw.w.Write(rec)
		rw.w.WriteByte('\n')
	}
}

func (rw *writer) close() (int, error) {
	rec := endRecord.Template()
	endRecord.PutNumber(rec, f999Taeller, rw.records)
	rw.line(rec)
	if rw.err != nil {
		return 0, rw.err
	}
	return rw.records + 2, rw.w.Flush()
}
