package sandbox

import (
	_ "embed"
	"html/template"
	"net/http"
	"net/url"
	"strconv"

	"github.com/cprtestdata/cprtestdata/generator"
	"github.com/cprtestdata/cprtestdata/generator/civil"
)

//go:embed page.html
var pageHTML string

var page = template.Must(template.New("page").Funcs(template.FuncMap{"status": generator.StatusCode}).Parse(pageHTML))

// pageData is what the web page shows.
type pageData struct {
	Today, Start  civil.Date
	Day, Persons  int
	Message       string
	Files         []*File
	Query         Query
	Searched      bool
	Found         []*generator.Person
	Scenarios     []generator.ScenarioEntry
	AdminToken    bool // the forms that change the sandbox ask for it
	Doors         Doors
	Customers     []CustomerDoors
	SOAP          []string // the SOAP services' paths
	Truncated     bool     // the search stopped at its limit
	Faults        FaultState
	FaultsPending bool
	Journal       []Entry // the newest, newest first
	JournalTotal  int
}

// home is GET /: the clock, the extracts, person search and the scenarios, as plain server-side HTML
// that works without JavaScript.
func (h *handler) home(w http.ResponseWriter, r *http.Request) {
	today, day := h.s.Today()
	d := pageData{Today: today, Start: h.s.Start(), Day: day, Message: r.URL.Query().Get("message"), Files: h.s.Files(),
		Scenarios: h.s.Manifest().Scenarios, AdminToken: h.s.cfg.AdminToken != "", SOAP: []string{SF1520PathV4, SF1520PathV5, SF6002Path}}
	d.Doors, d.Customers = h.s.DoorsOf()
	h.s.mu.RLock()
	d.Persons = len(h.s.persons)
	h.s.mu.RUnlock()
	v := r.URL.Query()
	d.Query = Query{Name: v.Get("name"), Road: v.Get("road_name")}
	if bd, err := civil.Parse(v.Get("birth_date")); err == nil {
		d.Query.BirthDate = bd
	}
	if pc, err := strconv.Atoi(v.Get("postcode")); err == nil {
		d.Query.Postcode = pc
	}
	if d.Query != (Query{}) {
		d.Searched = true
		d.Query.Limit = 100
		d.Found = h.s.Search(d.Query)
		d.Truncated = len(d.Found) == d.Query.Limit
		d.Query.Limit = 0
	}
	d.Faults = h.s.Faults()
	d.FaultsPending = len(d.Faults.Files) > 0 || d.Faults.LatencyCount > 0 || d.Faults.DirekteCount > 0 || d.Faults.HTTPCount > 0 || d.Faults.DroppedConns > 0
	entries, total := h.s.Journal()
	for i := len(entries) - 1; i >= 0 && len(d.Journal) < 20; i-- {
		d.Journal = append(d.Journal, entries[i])
	}
	d.JournalTotal = total
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	page.Execute(w, d)
}

// uiAdvance is the page's form to move the clock on; it answers with a redirect to the page.
func (h *handler) uiAdvance(w http.ResponseWriter, r *http.Request) {
	days, err := strconv.Atoi(r.FormValue("days"))
	msg := ""
	switch {
	case err != nil || days < 1 || days > generator.MaxDays:
		msg = "Days must be a number from 1 to " + strconv.Itoa(generator.MaxDays) + "."
	default:
		made, err := h.s.Advance(r.Context(), days)
		if err != nil {
			msg = err.Error()
		} else {
			msg = "Published " + strconv.Itoa(len(made)) + " change extract(s)."
		}
	}
	http.Redirect(w, r, "/?message="+url.QueryEscape(msg), http.StatusSeeOther)
}

func (h *handler) uiReset(w http.ResponseWriter, r *http.Request) {
	h.s.Reset()
	http.Redirect(w, r, "/?message="+url.QueryEscape("Back to the start date."), http.StatusSeeOther)
}
