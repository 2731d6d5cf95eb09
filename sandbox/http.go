package sandbox

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/cprtestdata/cprtestdata/generator"
	"github.com/cprtestdata/cprtestdata/generator/civil"
	"github.com/cprtestdata/cprtestdata/generator/pnr"
)

//go:embed openapi.json
var openAPI []byte

// NewHandler returns the sandbox's HTTP interface:
//
//	GET  /healthz                      200 when the sandbox serves
//	GET  /api/clock                    the start date, today and the days moved
//	GET  /api/extracts                 the published extracts, oldest first, with download URLs
//	GET  /api/extracts/{name}          one extract's bytes (ETag, Range, If-None-Match)
//	GET  /api/persons/{pnr}            a person as they are today (404 when unknown)
//	GET  /api/persons?name=&birth_date=&postcode=&road=&limit=   search
//	GET  /api/manifest                 counts and the scenario map of the starting population
//	GET  /api/openapi.json             the OpenAPI description of all this
//	POST /admin/clock/advance?days=N   move the clock on, publishing a change extract per day
//	POST /admin/reset                  back to the start date, change extracts withdrawn
//	POST /admin/access/revoke          reset every user's access rights
//	POST /admin/customers/{customer}/users/{user}/grant?password=P   access again, with a new password
//	GET  /admin/customers/{customer}/subscriptions   the numbers the customer subscribes to
func NewHandler(s *Sandbox) http.Handler {
	h := &handler{s: s}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", h.health)
	mux.HandleFunc("GET /api/clock", h.clock)
	mux.HandleFunc("GET /api/extracts", h.extracts)
	mux.HandleFunc("GET /api/extracts/{name}", h.extract)
	mux.HandleFunc("GET /api/persons/{pnr}", h.person)
	mux.HandleFunc("GET /api/persons", h.search)
	mux.HandleFunc("GET /api/manifest", h.manifest)
	mux.HandleFunc("GET /api/openapi.json", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		http.ServeContent(w, r, "openapi.json", time.Time{}, bytes.NewReader(openAPI))
	})
	mux.HandleFunc("POST /admin/clock/advance", h.advance)
	mux.HandleFunc("POST /admin/reset", h.reset)
	mux.HandleFunc("POST /admin/access/revoke", func(w http.ResponseWriter, r *http.Request) {
		s.RevokeAccess()
		writeJSON(w, http.StatusOK, map[string]string{"status": "every user's access is revoked; grant it again per user"})
	})
	mux.HandleFunc("POST /admin/customers/{customer}/users/{user}/grant", h.grant)
	mux.HandleFunc("GET /admin/customers/{customer}/subscriptions", h.subscriptions)
	return mux
}

type handler struct{ s *Sandbox }

// apiError is the body of every error response.
type apiError struct {
	Error string `json:"error"`
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.Encode(v)
}

func fail(w http.ResponseWriter, status int, msg string) { writeJSON(w, status, apiError{Error: msg}) }

func (h *handler) health(w http.ResponseWriter, r *http.Request) {
	today, day := h.s.Today()
	writeJSON(w, http.StatusOK, map[string]any{"status": "ok", "date": today, "day": day})
}

// clockState is GET /api/clock.
type clockState struct {
	Start civil.Date `json:"start"`
	Today civil.Date `json:"today"`
	Day   int        `json:"day"`
}

func (h *handler) clock(w http.ResponseWriter, r *http.Request) {
	today, day := h.s.Today()
	writeJSON(w, http.StatusOK, clockState{Start: h.s.Start(), Today: today, Day: day})
}

// extractInfo is a published extract as GET /api/extracts lists it.
type extractInfo struct {
	*File
	URL string `json:"url"`
}

func listing(fs []*File) []extractInfo {
	out := make([]extractInfo, len(fs))
	for i, f := range fs {
		out[i] = extractInfo{File: f, URL: "/api/extracts/" + f.Name}
	}
	return out
}

func (h *handler) extracts(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, listing(h.s.Files()))
}

func (h *handler) extract(w http.ResponseWriter, r *http.Request) {
	f, ok := h.s.File(r.PathValue("name"))
	if !ok {
		fail(w, http.StatusNotFound, "no extract named "+strconv.Quote(r.PathValue("name"))+"; see /api/extracts")
		return
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Header().Set("Content-Disposition", `attachment; filename="`+f.Name+`"`)
	w.Header().Set("ETag", `"`+f.SHA256+`"`)
	http.ServeContent(w, r, f.Name, time.Time{}, bytes.NewReader(f.data))
}

func (h *handler) person(w http.ResponseWriter, r *http.Request) {
	n, err := pnr.Parse(r.PathValue("pnr"))
	if err != nil {
		fail(w, http.StatusBadRequest, "personnummer "+err.Error())
		return
	}
	p, ok := h.s.Person(n)
	if !ok {
		fail(w, http.StatusNotFound, "no person with personnummer "+n.String())
		return
	}
	writeJSON(w, http.StatusOK, p)
}

func (h *handler) search(w http.ResponseWriter, r *http.Request) {
	v := r.URL.Query()
	q := Query{Name: v.Get("name"), Road: v.Get("road")}
	var err error
	if s := v.Get("birth_date"); s != "" {
		if q.BirthDate, err = civil.Parse(s); err != nil {
			fail(w, http.StatusBadRequest, "birth_date: "+err.Error())
			return
		}
	}
	for _, p := range []struct {
		name string
		dst  *int
		max  int
	}{{"postcode", &q.Postcode, 9999}, {"limit", &q.Limit, 1000}} {
		if s := v.Get(p.name); s != "" {
			n, err := strconv.Atoi(s)
			if err != nil || n < 1 || n > p.max {
				fail(w, http.StatusBadRequest, p.name+" "+strconv.Quote(s)+": want a number from 1 to "+strconv.Itoa(p.max))
				return
			}
			*p.dst = n
		}
	}
	if q.Name == "" && q.Road == "" && q.BirthDate.IsZero() && q.Postcode == 0 {
		fail(w, http.StatusBadRequest, "give at least one of name, birth_date, postcode, road")
		return
	}
	found := h.s.Search(q)
	if found == nil {
		found = []*generator.Person{}
	}
	writeJSON(w, http.StatusOK, found)
}

func (h *handler) manifest(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, h.s.Manifest())
}

func (h *handler) advance(w http.ResponseWriter, r *http.Request) {
	days := 1
	if s := r.URL.Query().Get("days"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > generator.MaxDays {
			fail(w, http.StatusBadRequest, "days "+strconv.Quote(s)+": want a number from 1 to "+strconv.Itoa(generator.MaxDays))
			return
		}
		days = n
	}
	made, err := h.s.Advance(r.Context(), days)
	switch {
	case errors.Is(err, generator.ErrEndOfTime):
		fail(w, http.StatusConflict, err.Error())
		return
	case err != nil:
		fail(w, http.StatusInternalServerError, err.Error())
		return
	}
	today, day := h.s.Today()
	writeJSON(w, http.StatusOK, map[string]any{"today": today, "day": day, "published": listing(made)})
}

func (h *handler) customer(w http.ResponseWriter, r *http.Request) (int, bool) {
	n, err := strconv.Atoi(r.PathValue("customer"))
	if err != nil || n < 1 || n > 9999 {
		fail(w, http.StatusBadRequest, "customer "+strconv.Quote(r.PathValue("customer"))+": want a number from 1 to 9999")
		return 0, false
	}
	return n, true
}

func (h *handler) grant(w http.ResponseWriter, r *http.Request) {
	n, ok := h.customer(w, r)
	if !ok {
		return
	}
	if err := h.s.GrantAccess(n, r.PathValue("user"), r.URL.Query().Get("password")); err != nil {
		fail(w, http.StatusBadRequest, err.Error())
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "access granted"})
}

func (h *handler) subscriptions(w http.ResponseWriter, r *http.Request) {
	n, ok := h.customer(w, r)
	if !ok {
		return
	}
	subs := h.s.Subscriptions(n)
	if subs == nil {
		fail(w, http.StatusNotFound, "no customer "+strconv.Itoa(n))
		return
	}
	writeJSON(w, http.StatusOK, subs)
}

func (h *handler) reset(w http.ResponseWriter, r *http.Request) {
	h.s.Reset()
	h.clock(w, r)
}
