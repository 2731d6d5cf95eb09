package sandbox

import (
	"net/http"
	"strings"

	"github.com/cprtestdata/cprtestdata/generator"
	"github.com/cprtestdata/cprtestdata/generator/civil"
)

// Datafordeler's CprHaendelse feed (PULL): the events the change extracts carry, one record per 099
// event of each delivered person, with the fields the reference gives (datafordeler.md §5,
// cpr-formats.md §7): personid (the person's id in CprPersonFullComplete), cprhaendelseskode (kode and
// afledtmrk), afledtmarkering, afleveringsdato (the change extract's production date),
// cprkommunekodeTidligere and cprkommunekodeNuvaerende (the municipality at the delivery before and
// now). The consumer re-reads the person by personid. The reference gives neither the route, nor the
// query parameters, nor the answer's wrapper: the sandbox serves it as Datafordeler serves its persons,
// GET /CPR/CprHaendelse/1/rest/CprHaendelse with <entity>.<field>.<op> filters on the entity haendelse
// (such as haendelse.afleveringsdato.ge=2026-01-02), page and pageSize, answering
// {"Haendelser": [{"CprHaendelse": {…}}, …]} in delivery order. rettetden (a correction date) is left
// out: the timeline makes no corrections.

// dfEventFields are the fields a CprHaendelse filters on, lower-case.
var dfEventFields = map[string][]string{"haendelse": {"personid", "afledtmarkering", "afleveringsdato",
	"cprkommunekodetidligere", "cprkommunekodenuvaerende", "kode"}}

var dfEventEntities = map[string]struct{ list, kind, inner string }{"haendelse": {}}

// dfEvents are the CprHaendelse records of a delivery: every event of every changed person, on the
// production date of the change extract that carries them. before holds the persons as they were at
// the last delivery.
func dfEvents(changes []generator.Change, before map[int]*generator.Person, delivered civil.Date) []dfObject {
	muni := func(p *generator.Person) int {
		if p == nil || p.Address == nil || !p.Status.HasAddress() {
			return 0
		}
		return int(p.Address.Municipality)
	}
	var out []dfObject
	for _, c := range changes {
		now, was := muni(c.Person), muni(before[c.Person.Index])
		if _, seen := before[c.Person.Index]; !seen {
			was = 0 // a person new since the last delivery: born, immigrated, renumbered
		}
		for _, e := range c.Events {
			o := dfObject{}
			o.put("personid", personID(c.Person.Number))
			o["cprhaendelseskode"] = dfObject{}.put("kode", e.Code).put("afledtmrk", e.Derived)
			o.put("kode", e.Code) // flattened for filtering; the record's code is cprhaendelseskode.kode
			o.put("afledtmarkering", e.Derived).put("afleveringsdato", delivered)
			o.put("cprkommunekodeTidligere", code4(was)).put("cprkommunekodeNuvaerende", code4(now))
			out = append(out, o)
		}
	}
	return out
}

// haendelser answers GET /CPR/CprHaendelse/1/rest/CprHaendelse.
func (h *handler) haendelser(w http.ResponseWriter, r *http.Request) {
	conds, page, pageSize, qe := parseDFQuery(r, dfEventEntities, dfEventFields)
	if qe != nil {
		fail(w, qe.status, qe.msg)
		return
	}
	h.s.mu.RLock()
	var events []dfObject
	for _, f := range h.s.files {
		if !strings.Contains(f.URL, "?") { // a duplicated file (fault) brings no events of its own
			events = append(events, f.events...)
		}
	}
	h.s.mu.RUnlock()
	out := []dfObject{}
	skip := (page - 1) * pageSize
	for _, e := range events {
		if len(out) == pageSize {
			break
		}
		ok, qe := dfMatch(e, conds)
		if qe != nil {
			fail(w, qe.status, qe.msg)
			return
		}
		if !ok {
			continue
		}
		if skip > 0 {
			skip--
			continue
		}
		rec := dfObject{}
		for k, v := range e {
			if k != "kode" {
				rec[k] = v
			}
		}
		out = append(out, dfObject{"CprHaendelse": rec})
	}
	writeJSON(w, http.StatusOK, map[string]any{"Haendelser": out})
}
