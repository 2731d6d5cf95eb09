package sandbox

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/cprtestdata/cprtestdata/generator/pnr"
	"github.com/cprtestdata/cprtestdata/sandbox/soap"
)

// Serviceplatformen's SOAP services as the sandbox serves them (serviceplatformen.md §2, §3), over
// HTTPS (and over plain HTTP, for tests that want no certificate).
const (
	SF1520PathV4 = "/service/CPR/PersonBaseDataExtended/4"
	SF1520PathV5 = "/service/CPR/PersonBaseDataExtended/5"
	SF6002Path   = "/service/CPRSubscription/CPRSubscription/1/"
)

// Namespaces of the services' messages.
const (
	sf1520NS        = "http://serviceplatformen.dk/xml/wsdl/soap11/CPR/PersonBaseDataExtended/%d/"
	sf6002NS        = "http://serviceplatformen.dk/xml/wsdl/soap11/CprSubscriptionService/1/"
	pnrNS           = "http://serviceplatformen.dk/xml/schemas/cpr/PNR/1/"
	maxSOAPRequest  = 64 << 10
	faultNoAccess   = "NO_ACCESS"   // the sandbox's ErrorCode values: the real ones are not documented
	faultBadRequest = "BAD_REQUEST" //
	faultNotFound   = "PNR_NOT_FOUND"
)

// soapFault is an answer that is a SOAP fault.
type soapFault struct {
	code      string // faultcode: soap:Client or soap:Server
	errorCode string // ServiceplatformFault ErrorCode
	text      string
}

func (f *soapFault) Error() string { return f.text }

func clientFault(errorCode, format string, args ...any) *soapFault {
	return &soapFault{code: "soap:Client", errorCode: errorCode, text: fmt.Sprintf(format, args...)}
}

// soapCall is one decoded request: its operation and who makes it.
type soapCall struct {
	op        *soap.Element
	customer  int
	agreement string
}

// serveSOAP reads a request, finds who calls, lets do answer it and journals it as protocol "soap".
// A body that is no SOAP 1.1 envelope, is in another namespace than ns, or names no known caller is
// answered with a fault, HTTP 500 as SOAP 1.1 has it.
func (h *handler) serveSOAP(w http.ResponseWriter, r *http.Request, service, ns string, needInvocation bool,
	do func(c *soapCall) ([]byte, *soapFault)) {
	start := time.Now()
	request, result := service, "fault"
	defer func() {
		h.s.journal.add(Entry{Time: start.UTC(), Protocol: "soap", Remote: r.RemoteAddr, Request: request, Result: result,
			Millis: float64(time.Since(start).Microseconds()) / 1000})
	}()
	answer := func(status int, body []byte) {
		w.Header().Set("Content-Type", soap.ContentType)
		w.WriteHeader(status)
		w.Write(body)
	}
	faultAnswer := func(f *soapFault) {
		result = "fault " + f.errorCode
		answer(http.StatusInternalServerError, soap.Fault(f.code, f.text, f.errorCode))
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxSOAPRequest+1))
	switch {
	case err != nil:
		faultAnswer(clientFault(faultBadRequest, "reading the request: %v", err))
		return
	case len(body) > maxSOAPRequest:
		faultAnswer(clientFault(faultBadRequest, "the request is larger than %d bytes", maxSOAPRequest))
		return
	}
	op, err := soap.Decode(body)
	if err != nil {
		var se *soap.Error
		if errors.As(err, &se) {
			faultAnswer(&soapFault{code: se.Code, errorCode: faultBadRequest, text: se.Msg})
		} else {
			faultAnswer(clientFault(faultBadRequest, "%v", err))
		}
		return
	}
	request = service + " " + op.Local
	if op.Space != ns {
		faultAnswer(clientFault(faultBadRequest, "operation %s is in namespace %q, want %s", op.Local, op.Space, ns))
		return
	}
	call, f := h.s.soapCaller(op, clientCertificate(r), needInvocation)
	if f != nil {
		faultAnswer(f)
		return
	}
	request = fmt.Sprintf("%s %s %04d %s", service, op.Local, call.customer, call.agreement)
	if pnr := op.ChildText("PNR"); pnr != "" {
		request += " " + pnr
	}
	out, f := do(call)
	if f != nil {
		faultAnswer(f)
		return
	}
	result = "200"
	answer(http.StatusOK, out)
}

// clientCertificate returns the SHA-256 fingerprint (hex) of the request's TLS client certificate, or "".
func clientCertificate(r *http.Request) string {
	if r.TLS == nil || len(r.TLS.PeerCertificates) == 0 {
		return ""
	}
	sum := sha256.Sum256(r.TLS.PeerCertificates[0].Raw)
	return hex.EncodeToString(sum[:])
}

// soapCaller finds the customer and service agreement of a request. With Config.RequireClientCert the
// client certificate names the customer; otherwise the InvocationContext's ServiceAgreementUUID does
// when the customers configuration maps agreements, and every request is the first customer's when it
// maps none. A request with only an AuthorityContext (OS2sofd's SF1520) uses the customer's default
// agreement.
func (s *Sandbox) soapCaller(op *soap.Element, cert string, needInvocation bool) (*soapCall, *soapFault) {
	uuid := ""
	if ic := op.Child("InvocationContext"); ic != nil {
		uuid = ic.ChildText("ServiceAgreementUUID")
		for _, f := range []string{"ServiceAgreementUUID", "UserSystemUUID", "UserUUID", "ServiceUUID"} {
			if v := ic.ChildText(f); !agreementPattern.MatchString(v) {
				return nil, clientFault(faultBadRequest, "InvocationContext/%s %q: want a lower-case UUID", f, v)
			}
		}
	} else if needInvocation {
		return nil, clientFault(faultBadRequest, "%s has no InvocationContext", op.Local)
	} else if op.Child("AuthorityContext") == nil {
		return nil, clientFault(faultBadRequest, "%s has neither InvocationContext nor AuthorityContext", op.Local)
	}
	a := s.access
	a.mu.Lock()
	defer a.mu.Unlock()
	var c *customer
	mapped := false
	for _, cu := range a.customers {
		for _, g := range cu.agreements {
			mapped = mapped || !g.adopt
			if uuid != "" && g.uuid == uuid && !g.adopt {
				c = cu
			}
		}
	}
	switch {
	case s.cfg.RequireClientCert:
		c = nil
		for _, cu := range a.customers {
			if cert != "" && cu.certificates[cert] {
				c = cu
			}
		}
		if c == nil {
			return nil, clientFault(faultNoAccess, "no access: the client certificate is not registered to any customer")
		}
	case mapped && c == nil && uuid == "":
		return nil, clientFault(faultNoAccess, "no access: no InvocationContext names the service agreement, and no client certificate the customer")
	case mapped && c == nil:
		return nil, clientFault(faultNoAccess, "no access: no customer has service agreement %s", uuid)
	case c == nil:
		c = a.customers[a.first]
		if c == nil {
			return nil, clientFault(faultNoAccess, "no access: the sandbox has no customers")
		}
	}
	g := c.agreementFor(uuid)
	if g == nil {
		return nil, clientFault(faultNoAccess, "no access: service agreement %s is not customer %04d's (it has %d; a customer whose configuration names none takes up to %d)",
			uuid, c.number, len(c.agreements), maxAdopted)
	}
	return &soapCall{op: op, customer: c.number, agreement: g.uuid}, nil
}

// maxAdopted bounds the agreements a customer without configured ones takes on: each gets a delta file
// a day.
const maxAdopted = 64

// agreementFor returns the customer's agreement with the UUID, or its default for "". A customer whose
// configuration names no agreement takes any: the first UUID it uses replaces its derived default,
// unless filters were set there, and later ones are added. a.mu is held.
func (c *customer) agreementFor(uuid string) *agreement {
	if g, ok := c.agreements[uuid]; ok {
		return g
	}
	if uuid == "" {
		return c.defaultAgreement()
	}
	var adopted *agreement
	for _, g := range c.agreements {
		if !g.adopt {
			return nil // configured agreements only
		}
		adopted = g
	}
	if len(c.agreements) >= maxAdopted {
		return nil
	}
	g := newAgreement(uuid)
	g.adopt = true
	if len(c.agreements) == 1 && adopted.uuid == DefaultAgreement(c.number) && adopted.unfiltered() {
		delete(c.agreements, adopted.uuid)
		c.firstAgreement = uuid
	}
	c.agreements[uuid] = g
	return g
}

// defaultAgreement is the configured default agreement, or the derived or first adopted one.
func (c *customer) defaultAgreement() *agreement { return c.agreements[c.firstAgreement] }

// sf6002 answers CPR Abonnement (SF6002) requests.
func (h *handler) sf6002(w http.ResponseWriter, r *http.Request) {
	h.serveSOAP(w, r, "SF6002", sf6002NS, true, h.s.subscriptionCall)
}

// subscriptionCall carries out an SF6002 operation on the caller's agreement.
func (s *Sandbox) subscriptionCall(c *soapCall) ([]byte, *soapFault) {
	op := c.op
	var result string
	var f *soapFault
	switch op.Local {
	case "AddPNRSubscription", "RemovePNRSubscription":
		result, f = s.pnrSubscription(c, op.Local == "AddPNRSubscription")
	case "AddMunicipalityCodeSubscription", "RemoveMunicipalityCodeSubscription":
		code, err := soapNumber(op, "MunicipalityCode", 4)
		if err != nil {
			return nil, err
		}
		result = filterOp(s, c, op.Local[:3] == "Add", func(g *agreement) map[int]bool { return g.municipalities }, code)
	case "AddChangeCodeSubscription", "RemoveChangeCodeSubscription":
		code := op.ChildText("ChangeCode")
		if code == "" || len(code) > 3 {
			return nil, clientFault(faultBadRequest, "ChangeCode %q: want a CPR event code of at most 3 characters, such as A01", code)
		}
		result = filterOp(s, c, op.Local[:3] == "Add", func(g *agreement) map[string]bool { return g.changeCodes }, code)
	case "AddAgeRangeSubscription", "RemoveAgeRangeSubscription":
		ar := op.Child("AgeRange")
		if ar == nil {
			return nil, clientFault(faultBadRequest, "%s has no AgeRange", op.Local)
		}
		from, err := soapNumber(ar, "StartAge", 3)
		if err != nil {
			return nil, err
		}
		to, err := soapNumber(ar, "EndAge", 3)
		if err != nil {
			return nil, err
		}
		if from > to {
			return nil, clientFault(faultBadRequest, "AgeRange %d-%d: StartAge is after EndAge", from, to)
		}
		result = filterOp(s, c, op.Local[:3] == "Add", func(g *agreement) map[AgeRange]bool { return g.ages }, AgeRange{from, to})
	case "RemoveAll":
		group := op.ChildText("FilterGroup")
		if !s.removeAll(c, group) {
			return nil, clientFault(faultBadRequest, "FilterGroup %q: want PNR, AgeRange, MunicipalityCode or EventChangeCode", group)
		}
		result = "REMOVED"
	case "GetAllFilters":
		return s.allFilters(c), nil
	default:
		return nil, clientFault(faultBadRequest, "unknown operation %s: CPR Abonnement has AddPNRSubscription, RemovePNRSubscription, "+
			"Add/RemoveMunicipalityCodeSubscription, Add/RemoveChangeCodeSubscription, Add/RemoveAgeRangeSubscription, RemoveAll and GetAllFilters", op.Local)
	}
	if f != nil {
		return nil, f
	}
	w := soap.NewWriter()
	w.Start("ns3:"+op.Local+"Response", "xmlns:ns3", sf6002NS)
	w.Text("ns3:Result", result)
	w.End("ns3:" + op.Local + "Response")
	return w.Bytes(), nil
}

// soapNumber reads a child holding a non-negative integer of at most digits digits.
func soapNumber(e *soap.Element, name string, digits int) (int, *soapFault) {
	v := e.ChildText(name)
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 || len(v) > digits || strings.ContainsAny(v, "+-") {
		return 0, clientFault(faultBadRequest, "%s %q: want a number of at most %d digits", name, v, digits)
	}
	return n, nil
}

// pnrSubscription adds or removes a PNR filter: NON_EXISTING_PNR for a number CPR does not hold, as
// CPR-replika is asked at subscribe time. Removing a number that is not subscribed is REMOVED (the
// real answer is not documented).
func (s *Sandbox) pnrSubscription(c *soapCall, add bool) (string, *soapFault) {
	v := c.op.ChildText("PNR")
	if len(v) != 10 || strings.Trim(v, "0123456789") != "" {
		return "", clientFault(faultBadRequest, "PNR %q: want 10 digits", v)
	}
	n, ok := s.lookupNumber(v)
	if !ok {
		return "NON_EXISTING_PNR", nil
	}
	return filterOp(s, c, add, func(g *agreement) map[pnr.Number]bool { return g.numbers }, n), nil
}

// filterOp adds v to or removes it from one of the caller's filter sets: ADDED, ALREADY_EXISTED or
// REMOVED. Concurrent calls on one agreement (OS2sofd sends its 18 change codes at once) are serialised.
func filterOp[K comparable](s *Sandbox, c *soapCall, add bool, set func(*agreement) map[K]bool, v K) string {
	a := s.access
	a.mu.Lock()
	defer a.mu.Unlock()
	g := a.agreement(c)
	if g == nil {
		return "REMOVED" // the customer was replaced since the call was checked
	}
	m := set(g)
	switch {
	case !add:
		delete(m, v)
		return "REMOVED"
	case m[v]:
		return "ALREADY_EXISTED"
	}
	m[v] = true
	return "ADDED"
}

// agreement returns the caller's agreement as it is now. a.mu is held.
func (a *access) agreement(c *soapCall) *agreement {
	if cu, ok := a.customers[c.customer]; ok {
		return cu.agreements[c.agreement]
	}
	return nil
}

func (s *Sandbox) removeAll(c *soapCall, group string) bool {
	a := s.access
	a.mu.Lock()
	defer a.mu.Unlock()
	g := a.agreement(c)
	if g == nil {
		return true
	}
	switch group {
	case "PNR":
		clear(g.numbers)
	case "AgeRange":
		clear(g.ages)
	case "MunicipalityCode":
		clear(g.municipalities)
	case "EventChangeCode":
		clear(g.changeCodes)
	default:
		return false
	}
	return true
}

// allFilters is GetAllFiltersResponse: age ranges, change codes, municipality codes (without leading
// zeros) and PNRs, each sorted, in the schema's order.
func (s *Sandbox) allFilters(c *soapCall) []byte {
	a := s.access
	a.mu.Lock()
	g := a.agreement(c)
	if g != nil {
		g = g.clone()
	}
	a.mu.Unlock()
	w := soap.NewWriter()
	w.Start("ns3:GetAllFiltersResponse", "xmlns:ns3", sf6002NS, "xmlns:ns2", pnrNS)
	if g != nil {
		for _, r := range sortedAges(g.ages) {
			w.Start("ns3:AgeRange")
			w.Text("ns3:StartAge", strconv.Itoa(r.StartAge))
			w.Text("ns3:EndAge", strconv.Itoa(r.EndAge))
			w.End("ns3:AgeRange")
		}
		for _, code := range sortedKeys(g.changeCodes) {
			w.Text("ns3:ChangeCode", code)
		}
		for _, m := range sortedKeys(g.municipalities) {
			w.Text("ns3:MunicipalityCode", strconv.Itoa(m))
		}
		for _, n := range sortedNumbers(g.numbers) {
			w.Text("ns2:PNR", n)
		}
	}
	w.End("ns3:GetAllFiltersResponse")
	return w.Bytes()
}

func sortedAges(m map[AgeRange]bool) []AgeRange {
	out := slices.Collect(maps.Keys(m))
	slices.SortFunc(out, func(a, b AgeRange) int { return cmp.Or(a.StartAge-b.StartAge, a.EndAge-b.EndAge) })
	return out
}

func sortedKeys[K cmp.Ordered](m map[K]bool) []K { return slices.Sorted(maps.Keys(m)) }

func sortedNumbers(m map[pnr.Number]bool) []string {
	out := make([]string, 0, len(m))
	for n := range m {
		out = append(out, n.String())
	}
	slices.Sort(out)
	return out
}

// lookupNumber parses a PNR and reports whether CPR holds it: a person's current number, or one that
// was replaced.
func (s *Sandbox) lookupNumber(v string) (pnr.Number, bool) {
	n, err := pnr.Parse(v)
	if err != nil {
		return n, false
	}
	_, ok := s.Person(n)
	return n, ok
}
