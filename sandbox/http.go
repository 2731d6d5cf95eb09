package sandbox

import (
	"bytes"
	"crypto/subtle"
	_ "embed"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/cprtestdata/cprtestdata/generator"
	"github.com/cprtestdata/cprtestdata/generator/civil"
	"github.com/cprtestdata/cprtestdata/generator/pnr"
	"github.com/cprtestdata/cprtestdata/sandbox/direkte"
)

//go:embed openapi.json
var openAPI []byte

// NewHandler returns the sandbox's HTTP interface:
//
//	GET  /                             a web page: the clock, the extracts, person search, the scenarios
//	GET  /healthz                      200 when the sandbox serves
//	GET  /api/clock                    the start date, today and the days moved
//	GET  /api/extracts                 the published extracts, oldest first, with download URLs
//	GET  /api/extracts/{name}          one extract's bytes (ETag, Range, If-None-Match)
//	GET  /api/customers/{customer}/extracts         the change extracts for a subscribing customer:
//	                                   only the persons it subscribes to (CPR Direkte ABON_TYPE 1)
//	GET  /api/customers/{customer}/extracts/{name}  one of them
//	GET  /api/persons/{pnr}            a person as they are today (404 when unknown)
//	GET  /api/registers[/{name}]       CPR's road register and authority table for the population today
//	GET  /api/persons?name=&birth_date=&postcode=&road_name=&limit= search
//	GET  /api/manifest                 counts and the scenario map of the starting population
//	GET  /CPR/CprPersonFullComplete/1/rest/PersonFullCurrentListComplete?pnr.personnummer.eq=P
//	                                   shaped like Datafordeler's CPR person service (also
//	                                   PersonFullListComplete with history; see datafordeler.go)
//	GET  /api/openapi.json             the OpenAPI description of all this
//	POST /admin/clock/advance?days=N   move the clock on, publishing a change extract per day
//	POST /admin/reset                  back to the start date, change extracts withdrawn
//	PUT  /admin/customers/{customer}   add or replace a customer: JSON like CustomerConfig
//	POST /admin/access/revoke          reset every user's access rights
//	POST /admin/customers/{customer}/users/{user}/grant?password=P   access again, with a new password
//	GET  /admin/customers/{customer}/subscriptions   the numbers the customer subscribes to
//	GET  /admin/faults, DELETE /admin/faults          the faults still to come; clear them
//	POST /admin/faults/file?kind=K                   the next change extract carries file fault K
//	POST /admin/faults/latency?ms=M&count=N          delay the next N requests by M ms
//	POST /admin/faults/direkte-error?code=C&count=N  answer the next N CPR Direkte requests with error C
//	POST /admin/faults/http-error?status=S&count=N   answer the next N requests under /api with status S
//	POST /admin/faults/drop?count=N                  close the next N connections without an answer
//	GET  /admin/journal                              the newest requests received, HTTP and CPR Direkte
//	POST /admin/snapshot, POST /admin/restore?id=I   keep the state; go back to it
//	POST /admin/events?kind=K&count=N                N events of kind K tomorrow, to resident adults
//	GET  /admin/events                               the events asked for, and whether they happened
//
// The faults touch /api and CPR Direkte only: /healthz and /admin always answer.
func NewHandler(s *Sandbox) http.Handler {
	h := &handler{s: s}
	mux, _ := h.routes()
	return h.withFaults(jsonErrors{mux: mux, datafordeler: http.HandlerFunc(h.datafordeler)})
}

// routes returns the mux of every route but Datafordeler's, and the routes' patterns
// (TestOpenAPIListsEveryRoute holds them to the OpenAPI document).
func (h *handler) routes() (*http.ServeMux, []string) {
	s := h.s
	mux := http.NewServeMux()
	var patterns []string
	handle := func(pattern string, f http.HandlerFunc) {
		patterns = append(patterns, pattern)
		mux.HandleFunc(pattern, f)
	}
	handle("GET /healthz", h.health)
	handle("GET /api/clock", h.clock)
	handle("GET /api/extracts", h.extracts)
	handle("GET /api/extracts/{name}", h.extract)
	handle("GET /api/customers/{customer}/extracts", h.deliveries)
	handle("GET /api/customers/{customer}/extracts/{name}", h.delivery)
	handle("GET /api/persons/{pnr}", h.person)
	handle("GET /api/registers", h.registers)
	handle("GET /api/registers/{name}", h.registers)
	handle("GET /api/persons", h.search)
	handle("GET /api/manifest", h.manifest)
	handle("GET /api/doors", func(w http.ResponseWriter, r *http.Request) {
		d, cs := s.DoorsOf()
		writeJSON(w, http.StatusOK, map[string]any{"doors": d, "customers": cs,
			"soap": map[string]string{"sf1520_v4": SF1520PathV4, "sf1520_v5": SF1520PathV5, "sf6002": SF6002Path}})
	})
	handle("POST "+SF6002Path+"{$}", h.sf6002)
	handle("POST "+SF6002Path[:len(SF6002Path)-1], h.sf6002)
	handle("POST "+SF1520PathV4, h.sf1520(4))
	handle("POST "+SF1520PathV5, h.sf1520(5))
	handle("GET /api/openapi.json", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		http.ServeContent(w, r, "openapi.json", time.Time{}, bytes.NewReader(openAPI))
	})
	handle("POST /admin/clock/advance", h.advance)
	handle("POST /admin/reset", h.reset)
	handle("POST /admin/access/revoke", func(w http.ResponseWriter, r *http.Request) {
		s.RevokeAccess()
		writeJSON(w, http.StatusOK, map[string]string{"status": "every user's access is revoked; grant it again per user"})
	})
	handle("PUT /admin/customers/{customer}", h.putCustomer)
	handle("POST /admin/customers/{customer}/users/{user}/grant", h.grant)
	handle("GET /admin/customers/{customer}/subscriptions", h.subscriptions)
	handle("GET /admin/faults", func(w http.ResponseWriter, r *http.Request) { writeJSON(w, http.StatusOK, s.Faults()) })
	handle("DELETE /admin/faults", func(w http.ResponseWriter, r *http.Request) {
		s.ClearFaults()
		writeJSON(w, http.StatusOK, s.Faults())
	})
	handle("POST /admin/faults/{kind}", h.fault)
	handle("GET /admin/journal", func(w http.ResponseWriter, r *http.Request) {
		entries, total := s.Journal()
		writeJSON(w, http.StatusOK, map[string]any{"total": total, "entries": entries})
	})
	handle("POST /admin/events", h.forceEvents)
	handle("GET /admin/events", func(w http.ResponseWriter, r *http.Request) { writeJSON(w, http.StatusOK, s.ForcedEvents()) })
	handle("POST /admin/snapshot", func(w http.ResponseWriter, r *http.Request) {
		today, day := s.Today()
		writeJSON(w, http.StatusOK, map[string]any{"id": s.Snapshot(), "today": today, "day": day})
	})
	handle("POST /admin/restore", h.restore)
	handle("GET /{$}", h.home)
	handle("GET /ui/person/{pnr}", h.personPage)
	handle("GET /ui/day/{day}", h.dayPage)
	handle("POST /ui/advance", h.uiAdvance)
	handle("POST /ui/reset", h.uiReset)
	return mux, patterns
}

// jsonErrors answers what the mux has no route for - 404, or 405 with Allow - in JSON like every other
// error, instead of the mux's plain text. Paths under /CPR/ in any case go to Datafordeler's services,
// whose clients spell the path in every case (the mux's patterns are case-sensitive).
type jsonErrors struct {
	mux          *http.ServeMux
	datafordeler http.Handler
}

func (j jsonErrors) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if len(r.URL.Path) >= 5 && strings.EqualFold(r.URL.Path[:5], "/cpr/") {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			fail(w, http.StatusMethodNotAllowed, r.Method+" is not allowed on "+r.URL.Path+"; allowed: GET, HEAD")
			return
		}
		j.datafordeler.ServeHTTP(w, r)
		return
	}
	h, pattern := j.mux.Handler(r)
	if pattern != "" {
		j.mux.ServeHTTP(w, r)
		return
	}
	probe := &probeWriter{header: http.Header{}} // the mux's own answer says which error, and Allow
	h.ServeHTTP(probe, r)
	allow := probe.header.Get("Allow")
	msg := "no such path: " + r.URL.Path + "; GET /api/openapi.json lists the paths"
	if probe.status == http.StatusMethodNotAllowed {
		w.Header().Set("Allow", allow)
		msg = r.Method + " is not allowed on " + r.URL.Path + "; allowed: " + allow
	}
	fail(w, probe.status, msg)
}

// probeWriter keeps the status and headers of an answer and drops its body.
type probeWriter struct {
	header http.Header
	status int
}

func (p *probeWriter) Header() http.Header { return p.header }
func (p *probeWriter) Write(b []byte) (int, error) {
	if p.status == 0 {
		p.status = http.StatusOK
	}
	return len(b), nil
}
func (p *probeWriter) WriteHeader(status int) {
	if p.status == 0 {
		p.status = status
	}
}

// withFaults applies the protocol faults asked for to requests under /api, and keeps every request but
// health checks in the journal.
func (h *handler) withFaults(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		if r.URL.Path == "/healthz" || strings.HasPrefix(r.URL.Path, "/service/") { // health checks would fill the journal; SOAP journals itself
			next.ServeHTTP(rec, r)
			return
		}
		defer func() {
			result := strconv.Itoa(rec.status)
			if rec.status == 0 {
				result = "dropped"
			}
			h.s.journal.add(Entry{Time: start.UTC(), Protocol: "http", Remote: r.RemoteAddr, Request: r.Method + " " + r.URL.RequestURI(),
				Result: result, Millis: float64(time.Since(start).Microseconds()) / 1000})
		}()
		if !h.authorized(r) {
			rec.Header().Set("WWW-Authenticate", `Bearer realm="cprtestdata sandbox administration"`)
			fail(rec, http.StatusUnauthorized, "this sandbox is administered with a token: send Authorization: Bearer TOKEN (testdata serve --admin-token)")
			return
		}
		if strings.HasPrefix(r.URL.Path, "/api/") {
			delay, drop, _, status := h.s.faults.take(false)
			if delay > 0 {
				select {
				case <-time.After(delay):
				case <-r.Context().Done():
				}
			}
			if drop {
				rec.status = 0
				panic(http.ErrAbortHandler) // net/http closes the connection without an answer
			}
			if status != 0 {
				fail(rec, status, "fault asked for: status "+strconv.Itoa(status))
				return
			}
		}
		next.ServeHTTP(rec, r)
	})
}

// authorized reports whether r may go on: with an admin token set, a request under /admin/ must carry it
// as a bearer token, and a form under /ui/ as its admin_token field (or the same header).
func (h *handler) authorized(r *http.Request) bool {
	want := h.s.cfg.AdminToken
	// the page's forms change the sandbox; its views (GET /ui/person, /ui/day) only read
	admin, ui := strings.HasPrefix(r.URL.Path, "/admin/"), strings.HasPrefix(r.URL.Path, "/ui/") && r.Method != http.MethodGet

	if want == "" || (!admin && !ui) {
		return true
	}
	got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok && ui {
		got = r.PostFormValue("admin_token")
	}
	return subtle.ConstantTimeCompare([]byte(strings.TrimSpace(got)), []byte(want)) == 1
}

// statusWriter remembers the status written, for the journal.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(status int) {
	w.status = status
	w.ResponseWriter.WriteHeader(status)
}

// maxFaultCount bounds how many requests one protocol fault is asked for.
const maxFaultCount = 1_000_000

func (h *handler) fault(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	num := func(name string, def, lo, hi int) (int, bool) {
		s := q.Get(name)
		if s == "" {
			return def, true
		}
		n, err := strconv.Atoi(s)
		if err != nil || n < lo || n > hi {
			fail(w, http.StatusBadRequest, name+" "+strconv.Quote(s)+": want a number from "+strconv.Itoa(lo)+" to "+strconv.Itoa(hi))
			return 0, false
		}
		return n, true
	}
	count, ok := num("count", 1, 1, maxFaultCount)
	if !ok {
		return
	}
	var err error
	switch r.PathValue("kind") {
	case "file":
		err = h.s.FileFault(q.Get("kind"))
	case "latency":
		ms, ok := num("ms", -1, 0, int(time.Minute/time.Millisecond))
		if !ok {
			return
		}
		err = h.s.Latency(time.Duration(ms)*time.Millisecond, count)
	case "direkte-error":
		code, ok := num("code", -1, 1, 99)
		if !ok {
			return
		}
		err = h.s.DirekteError(direkte.Code(code), count)
	case "http-error":
		status, ok := num("status", -1, 400, 599)
		if !ok {
			return
		}
		err = h.s.HTTPError(status, count)
	case "drop":
		err = h.s.DropConnections(count)
	default:
		fail(w, http.StatusNotFound, "no fault "+strconv.Quote(r.PathValue("kind"))+"; want file, latency, direkte-error, http-error or drop")
		return
	}
	if err != nil {
		fail(w, http.StatusBadRequest, err.Error())
		return
	}
	writeJSON(w, http.StatusOK, h.s.Faults())
}

func (h *handler) restore(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.Atoi(r.URL.Query().Get("id"))
	if err != nil {
		fail(w, http.StatusBadRequest, "id "+strconv.Quote(r.URL.Query().Get("id"))+": want a snapshot id")
		return
	}
	if err := h.s.Restore(r.Context(), id); err != nil {
		status := http.StatusInternalServerError
		if errors.Is(err, ErrConfig) {
			status = http.StatusNotFound
		}
		fail(w, status, err.Error())
		return
	}
	h.clock(w, r)
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

func (h *handler) extracts(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, h.s.Files())
}

func (h *handler) extract(w http.ResponseWriter, r *http.Request) {
	key := "/api/extracts/" + r.PathValue("name")
	if c := r.URL.Query().Get("copy"); c != "" {
		key += "?copy=" + c
	}
	f, ok := h.s.File(key)
	if !ok {
		fail(w, http.StatusNotFound, "no extract named "+strconv.Quote(r.PathValue("name"))+"; see /api/extracts")
		return
	}
	serveFile(w, r, f)
}

// registers is GET /api/registers (the list) and /api/registers/{name} (one register's bytes).
func (h *handler) registers(w http.ResponseWriter, r *http.Request) {
	fs, err := h.s.Registers()
	if err != nil {
		fail(w, http.StatusInternalServerError, err.Error())
		return
	}
	name := r.PathValue("name")
	if name == "" {
		writeJSON(w, http.StatusOK, fs)
		return
	}
	for _, f := range fs {
		if f.Name == name {
			serveFile(w, r, f)
			return
		}
	}
	fail(w, http.StatusNotFound, "no register named "+strconv.Quote(name)+"; see /api/registers")
}

func (h *handler) deliveries(w http.ResponseWriter, r *http.Request) {
	n, ok := h.customer(w, r)
	if !ok {
		return
	}
	fs, ok := h.s.Deliveries(n)
	if !ok {
		fail(w, http.StatusNotFound, "no customer "+strconv.Itoa(n))
		return
	}
	writeJSON(w, http.StatusOK, fs)
}

func (h *handler) delivery(w http.ResponseWriter, r *http.Request) {
	n, ok := h.customer(w, r)
	if !ok {
		return
	}
	fs, _ := h.s.Deliveries(n)
	for _, f := range fs {
		if f.Name == r.PathValue("name") {
			serveFile(w, r, f)
			return
		}
	}
	fail(w, http.StatusNotFound, "customer "+strconv.Itoa(n)+" has no extract named "+strconv.Quote(r.PathValue("name")))
}

func serveFile(w http.ResponseWriter, r *http.Request, f *File) {
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
	q := Query{Name: v.Get("name"), Road: v.Get("road_name")}
	if q.Road == "" {
		q.Road = v.Get("road") // the parameter's name before the tables' vocabulary
	}
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
		fail(w, http.StatusBadRequest, "give at least one of name, birth_date, postcode, road_name")
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
	writeJSON(w, http.StatusOK, map[string]any{"today": today, "day": day, "published": made})
}

func (h *handler) forceEvents(w http.ResponseWriter, r *http.Request) {
	count := 1
	if s := r.URL.Query().Get("count"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > 1000 {
			fail(w, http.StatusBadRequest, "count "+strconv.Quote(s)+": want a number from 1 to 1000")
			return
		}
		count = n
	}
	events, err := h.s.ForceEvents(r.Context(), r.URL.Query().Get("kind"), count)
	switch {
	case errors.Is(err, ErrConfig), errors.Is(err, generator.ErrConfig):
		fail(w, http.StatusBadRequest, err.Error())
		return
	case err != nil:
		fail(w, http.StatusInternalServerError, err.Error())
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"events": events})
}

func (h *handler) customer(w http.ResponseWriter, r *http.Request) (int, bool) {
	n, err := strconv.Atoi(r.PathValue("customer"))
	if err != nil || n < 1 || n > 9999 {
		fail(w, http.StatusBadRequest, "customer "+strconv.Quote(r.PathValue("customer"))+": want a number from 1 to 9999")
		return 0, false
	}
	return n, true
}

func (h *handler) putCustomer(w http.ResponseWriter, r *http.Request) {
	n, ok := h.customer(w, r)
	if !ok {
		return
	}
	var c CustomerConfig
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c); err != nil {
		fail(w, http.StatusBadRequest, "customer: "+err.Error())
		return
	}
	if c.Number == 0 {
		c.Number = n
	}
	if c.Number != n {
		fail(w, http.StatusBadRequest, "the body is customer "+strconv.Itoa(c.Number)+", the path "+strconv.Itoa(n))
		return
	}
	if err := h.s.PutCustomer(c); err != nil {
		fail(w, http.StatusBadRequest, err.Error())
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "customer " + strconv.Itoa(n) + " set"})
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
