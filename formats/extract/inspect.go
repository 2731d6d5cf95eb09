package extract

import (
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"

	"github.com/cprtestdata/cprtestdata/generator/pnr"
)

// Finding is one thing inspection found: a violation of CPR's layout or invariants, or information (a
// link to a number the file does not carry, which change files and partial extracts legitimately have).
type Finding struct {
	File     string `json:"file"`
	Line     int    `json:"line,omitempty"`
	Offset   int64  `json:"offset"`
	Type     string `json:"record_type,omitempty"`
	Field    string `json:"field,omitempty"`
	PNR      string `json:"pnr,omitempty"`
	Rule     string `json:"rule"`
	Message  string `json:"message"`
	Violates bool   `json:"violation"`
}

func (f Finding) String() string {
	where := fmt.Sprintf("%s:%d (byte %d)", f.File, f.Line, f.Offset)
	if f.Type != "" {
		where += " record " + f.Type
	}
	if f.Field != "" {
		where += " field " + f.Field
	}
	if f.PNR != "" {
		where += " PNR " + f.PNR
	}
	return where + ": " + f.Message
}

// FileReport is what inspection found in one file.
type FileReport struct {
	Name               string         `json:"name"`
	Framing            string         `json:"framing"`
	Trimmed            bool           `json:"trimmed"`
	Records            int            `json:"records"`
	Persons            int            `json:"persons"`
	Counts             map[string]int `json:"counts"` // by record type
	Task               string         `json:"task,omitempty"`
	Production         string         `json:"production_date,omitempty"`
	PreviousProduction string         `json:"previous_production_date,omitempty"`
	Counter            string         `json:"end_counter,omitempty"`
}

// Report is the result of inspecting one or more files.
type Report struct {
	Files      []*FileReport `json:"files"`
	Violations int           `json:"violations"`
	Info       int           `json:"info"`
	Findings   []Finding     `json:"findings"`
	// MaxFindings bounds the findings kept per rule; counts go on. 0 means 100.
	MaxFindings int            `json:"-"`
	perRule     map[string]int `json:"-"`
}

// Inspect reads the named files in order and checks each, and the production-date chain across them.
// open returns a reader for a name; inspection errors are findings, and only failing to open or read a
// file is an error.
func Inspect(names []string, open func(string) (io.ReadCloser, error)) (*Report, error) {
	rep := &Report{perRule: map[string]int{}}
	for i, name := range names {
		rc, err := open(name)
		if err != nil {
			return nil, err
		}
		fr, err := rep.file(name, rc)
		rc.Close()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		rep.Files = append(rep.Files, fr)
		if i > 0 {
			prev := rep.Files[i-1]
			if msg := ChainMessage(fr.PreviousProduction, prev.Production, prev.Name); prev.Production != "" && fr.PreviousProduction != "" && msg != "" {
				rep.add(Finding{File: name, Line: 1, Type: "000", Field: "PRODDTOFORRIG", Rule: "chain", Violates: true, Message: msg})
			}
		}
	}
	return rep, nil
}

func (rep *Report) add(f Finding) {
	if f.Violates {
		rep.Violations++
	} else {
		rep.Info++
	}
	limit := rep.MaxFindings
	if limit == 0 {
		limit = 100
	}
	if rep.perRule[f.Rule] < limit {
		rep.Findings = append(rep.Findings, f)
	}
	rep.perRule[f.Rule]++
}

// person is what inspection keeps of one number while reading a file.
type person struct {
	first    Finding // where its 001 is
	counts   map[string]int
	status   int
	current  string // PNRGAELD
	links    []link
	oldOnNew []string // 022 old numbers
	lastType string
	// The family product: the parents (015) and children (014), the relatives of records 031-033, and
	// the clear-text address of the person's own 003 that they must repeat.
	mother, father string
	children       []string
	relatives      []relative
	address        string
}

// relative is a record 031, 032 or 033: whose, and the clear-text address it gives.
type relative struct {
	typ, pnr, address string
	at                Finding
}

// addressText is the part of a 003 or 031-033 that names the person and its address, for comparing
// the two: ADRNVN, STANDARDADR, POSTNR, KOMKOD, VEJKOD, HUSNR, ETAGE, SIDEDOER.
func addressText(rec *Record) string {
	get := func(name string) string { return rec.Get(name) }
	label := "LabelledAddress"
	if rec.Type() != "003" {
		label = "StandardAddress"
	}
	return get("AddressingName") + "|" + get(label) + "|" + get("PostCode") + "|" + get("MunicipalityCode") + "|" +
		get("StreetCode") + "|" + get("HouseNumber") + "|" + get("Floor") + "|" + get("Door")
}

type link struct {
	to, what string
	at       Finding
}

// minOne are the person record types every person has at least one of (Min 1 in the record index) when
// the type is in the file at all; 012 only below status 30 (CPR leaves it out for annulled numbers).
var minOne = func() []string {
	var ts []string
	for _, l := range layouts {
		if l.Min >= 1 && l.Type != "000" && l.Type != "999" {
			ts = append(ts, l.Type)
		}
	}
	return ts
}()

var fileName = regexp.MustCompile(`^[Dd](\d{6})\.[Ll](\d{6})$`)

func (rep *Report) file(name string, in io.Reader) (*FileReport, error) {
	fr := &FileReport{Name: filepath.Base(name), Counts: map[string]int{}}
	r := NewReader(in)
	persons := map[string]*person{}
	var order []string
	var last *Record
	var current *person
	seenEnd := false
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		var pe *ParseError
		if err != nil {
			if !errors.As(err, &pe) {
				return nil, err
			}
			rep.add(Finding{File: name, Line: pe.Line, Offset: pe.Offset, Type: pe.Type, Field: pe.Field, Rule: "layout",
				Violates: true, Message: fmt.Sprintf("%v: %s", pe.Err, pe.Detail)})
			if pe.Field == "" {
				break // the rest of the file cannot be found
			}
		}
		fr.Records++
		t := rec.Type()
		fr.Counts[t]++
		at := Finding{File: name, Line: rec.Line, Offset: rec.Offset, Type: t}
		if seenEnd {
			f := at
			f.Rule, f.Violates, f.Message = "frame", true, "record after the end record 999"
			rep.add(f)
		}
		switch t {
		case "000":
			if fr.Records != 1 {
				f := at
				f.Rule, f.Violates, f.Message = "frame", true, "start record 000 is not the first record"
				rep.add(f)
			}
			fr.Task, fr.Production, fr.PreviousProduction = rec.Get("TaskNumber"), rec.Get("ProductionDate"), rec.Get("PreviousProductionDate")
			continue
		case "999":
			seenEnd = true
			last = rec
			fr.Counter = rec.Get("Counter")
			continue
		case "910": // an answer to the customer's input: no person's record
			continue
		case "997":
			if _, err := pnr.Parse(rec.Get("PNR")); err != nil {
				f := at
				f.PNR, f.Field, f.Rule, f.Violates = rec.Get("PNR"), "PNR", "pnr", true
				f.Message = fmt.Sprintf("not a valid personnummer: %v", err)
				rep.add(f)
			}
			continue
		}
		num := rec.Get("PNR")
		p := persons[num]
		if p == nil {
			p = &person{first: at, counts: map[string]int{}}
			p.first.PNR = num
			persons[num] = p
			order = append(order, num)
			if _, err := pnr.Parse(num); err != nil {
				f := at
				f.PNR, f.Field, f.Rule, f.Violates = num, "PNR", "pnr", true
				f.Message = fmt.Sprintf("not a valid personnummer: %v", err)
				rep.add(f)
			}
		} else if t != "003" && current != p {
			f := at
			f.PNR, f.Rule, f.Violates = num, "order", true
			f.Message = "the person's records are not together"
			rep.add(f)
		}
		if t != "003" {
			if t < p.lastType {
				f := at
				f.PNR, f.Rule, f.Violates = num, "order", true
				f.Message = fmt.Sprintf("record %s after %s: a person's records come in ascending type order", t, p.lastType)
				rep.add(f)
			}
			p.lastType = t
			current = p
		}
		p.counts[t]++
		rep.personRecord(rec, p, at, num)
	}
	framing, trimmed := r.Framing()
	fr.Framing, fr.Trimmed = framing.String(), trimmed
	fr.Persons = len(persons)
	rep.frame(name, fr, last)
	rep.persons(name, fr, persons, order)
	return fr, nil
}

// personRecord checks one person record and notes its links.
func (rep *Report) personRecord(rec *Record, p *person, at Finding, num string) {
	at.PNR = num
	violation := func(field, rule, msg string) {
		f := at
		f.Field, f.Rule, f.Violates, f.Message = field, rule, true, msg
		rep.add(f)
	}
	linkTo := func(field, to string) {
		if to != "" && to != "0000000000" {
			f := at
			f.Field = field
			p.links = append(p.links, link{to: to, what: field, at: f})
		}
	}
	switch rec.Type() {
	case "001":
		p.status, _ = strconv.Atoi(rec.Get("Status"))
		p.current = rec.Get("CurrentCprNumber")
		n, err := pnr.Parse(num)
		if err != nil {
			return
		}
		if g := rec.Get("Gender"); g != n.Gender().String() && p.status != 60 {
			violation("KOEN", "gender", fmt.Sprintf("gender %s, but the number's last digit says %s", g, n.Gender()))
		}
		if d, ok := rec.Date("Birthdate"); ok && d != n.BirthDate() && p.status != 60 {
			violation("FOED_DT", "birth-date", fmt.Sprintf("birth date %s, but the number says %s", d, n.BirthDate()))
		}
		if (p.status == 50 || p.status == 60) && p.current == "" {
			violation("PNRGAELD", "changed-number", fmt.Sprintf("status %02d without the number that replaced it", p.status))
		}
		linkTo("PNRGAELD", p.current)
	case "002":
		if p.status >= 30 {
			violation("", "address", fmt.Sprintf("record 002 for status %02d: CPR delivers a current address only below 30", p.status))
		}
	case "012":
		linkTo("AEGTEPNR", rec.Get("SpousePNR"))
	case "003":
		p.address = addressText(rec)
	case "014":
		linkTo("PNR", rec.Get("ChildPNR"))
		p.children = append(p.children, rec.Get("ChildPNR"))
	case "015":
		linkTo("PNRMOR", rec.Get("MotherPNR"))
		linkTo("PNRFAR", rec.Get("FatherPNR"))
		p.mother, p.father = rec.Get("MotherPNR"), rec.Get("FatherPNR")
	case "031", "032", "033":
		who := map[string]string{"031": "MotherPNR", "032": "FatherPNR", "033": "ChildPNR"}[rec.Type()]
		linkTo(rec.Layout.Fields[2].Danish, rec.Get(who))
		p.relatives = append(p.relatives, relative{typ: rec.Type(), pnr: rec.Get(who), address: addressText(rec), at: at})
	case "016", "017":
		linkTo("RELPNR", rec.Get("RelationPNR"))
	case "022":
		old := rec.Get("OldPNR")
		p.oldOnNew = append(p.oldOnNew, old)
		linkTo("PNR", old)
	}
}

// frame checks the start and end records.
func (rep *Report) frame(name string, fr *FileReport, last *Record) {
	if fr.Counts["000"] == 0 {
		rep.add(Finding{File: name, Line: 1, Rule: "frame", Violates: true, Message: "no start record 000"})
	}
	if last == nil {
		rep.add(Finding{File: name, Line: max(fr.Records, 1), Rule: "frame", Violates: true, Message: "no end record 999: the file is incomplete"})
	} else {
		between := fr.Records - fr.Counts["000"] - fr.Counts["999"]
		if got, _ := strconv.Atoi(last.Get("Counter")); got != between {
			rep.add(Finding{File: name, Line: last.Line, Offset: last.Offset, Type: "999", Field: "TAELLER", Rule: "counter", Violates: true,
				Message: fmt.Sprintf("end record counts %d records, the file has %d between 000 and 999", got, between)})
		}
	}
	// That the name's digits are the production date and the task number is the usual convention, not a
	// documented rule (the reference notes rate it medium): a mismatch is information.
	if m := fileName.FindStringSubmatch(fr.Name); m != nil && len(fr.Production) == 8 { // yyyyMMdd, or not a date to compare
		if fr.Production[2:] != m[1] {
			rep.add(Finding{File: name, Line: 1, Type: "000", Field: "PRODDTO", Rule: "file-name",
				Message: fmt.Sprintf("production date %s does not match the file name's %s", fr.Production, m[1])})
		}
		if fr.Task != m[2] {
			rep.add(Finding{File: name, Line: 1, Type: "000", Field: "OPGAVENR", Rule: "file-name",
				Message: fmt.Sprintf("task number %s does not match the file name's %s", fr.Task, m[2])})
		}
	}
}

// persons checks each person's record cardinalities and links, once the file is read.
func (rep *Report) persons(name string, fr *FileReport, persons map[string]*person, order []string) {
	for _, num := range order {
		p := persons[num]
		for _, t := range minOne {
			if fr.Counts[t] == 0 || p.counts[t] > 0 {
				continue
			}
			f := p.first
			f.Type = t
			if t == "012" && p.status >= 30 || t != "001" && p.counts["001"] == 0 {
				continue
			}
			f.Rule, f.Violates = "cardinality", true
			f.Message = fmt.Sprintf("no record %s, which the file carries for other persons", t)
			rep.add(f)
		}
		types := make([]string, 0, len(p.counts))
		for t := range p.counts {
			types = append(types, t)
		}
		sort.Strings(types)
		for _, t := range types {
			if l := LayoutOf(t); l != nil && p.counts[t] > l.Max {
				f := p.first
				f.Type, f.Rule, f.Violates = t, "cardinality", true
				f.Message = fmt.Sprintf("%d records %s, at most %d allowed", p.counts[t], t, l.Max)
				rep.add(f)
			}
		}
		for _, l := range p.links {
			if persons[l.to] == nil {
				f := l.at
				f.Rule, f.Violates = "link", false
				f.Message = fmt.Sprintf("%s %s is not in this file", l.what, l.to)
				rep.add(f)
			}
		}
		for _, r := range p.relatives {
			f := r.at
			f.Type, f.Rule, f.Violates = r.typ, "family", true
			switch {
			case r.typ == "031" && r.pnr != p.mother, r.typ == "032" && r.pnr != p.father:
				f.Message = fmt.Sprintf("the relative %s is not the parent record 015 names", r.pnr)
				rep.add(f)
			case r.typ == "033" && !contains(p.children, r.pnr):
				f.Message = fmt.Sprintf("the child %s is not among the records 014", r.pnr)
				rep.add(f)
			}
			if q := persons[r.pnr]; q != nil && q.address != "" && q.address != r.address {
				f.Message = fmt.Sprintf("the address of %s is not the one its own record 003 gives", r.pnr)
				rep.add(f)
			}
		}
		if p.current != "" {
			if q := persons[p.current]; q != nil && !contains(q.oldOnNew, num) && q.counts["022"] > 0 {
				f := p.first
				f.Field, f.Rule, f.Violates = "PNRGAELD", "changed-number", true
				f.Message = fmt.Sprintf("replaced by %s, whose records 022 do not list it", p.current)
				rep.add(f)
			}
		}
	}
}

func contains(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}
