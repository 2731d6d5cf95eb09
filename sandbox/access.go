package sandbox

import (
	"bytes"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/netip"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/cprtestdata/cprtestdata/formats/extract"
	"github.com/cprtestdata/cprtestdata/formats/private"
	"github.com/cprtestdata/cprtestdata/generator"
	"github.com/cprtestdata/cprtestdata/generator/civil"
	"github.com/cprtestdata/cprtestdata/generator/pnr"
	"github.com/cprtestdata/cprtestdata/sandbox/direkte"
	"golang.org/x/crypto/ssh"
)

// CustomerConfig is a CPR customer allowed to use CPR Direkte, with its users.
type CustomerConfig struct {
	Number int `json:"number"` // KUNDENR, 1-9999
	// AllowedIPs are the addresses the customer may call from; empty means any.
	AllowedIPs []netip.Prefix `json:"allowed_ips,omitempty"`
	Users      []UserConfig   `json:"users"`
	// Password lets the customer log on to SFTP (and FTPS) as its four-digit number with a password;
	// empty: SSH keys only, as Serviceplatformen has it.
	Password string `json:"password,omitempty"`
	// SSHKeys are the customer's SSH public keys for SFTP, one authorized_keys line each.
	SSHKeys []string `json:"ssh_keys,omitempty"`
	// ServiceAgreements are the Serviceplatformen service agreement UUIDs (lower-case) whose
	// InvocationContext names this customer; the first is its default. When no customer names any,
	// every SOAP request is taken as the first customer's.
	ServiceAgreements []string `json:"service_agreements,omitempty"`
	// ClientCertificates are the SHA-256 fingerprints (hex) of the TLS client certificates that name
	// this customer on the SOAP services when serve --require-client-cert is given.
	ClientCertificates []string `json:"client_certificates,omitempty"`
	// Private makes the customer a private one (a bank, an insurer): its users look persons up with
	// PRIV, answered in the private record layout (formats/private) under Priv's parameters, and may not
	// use the public transactions; a public customer may not use PRIV (CPR's error 99 either way).
	Private bool         `json:"private,omitempty"`
	Priv    *PrivOptions `json:"priv,omitempty"`
	// Municipalities make the customer's own extracts those of an area, as CPR delivers U12170 by
	// municipality code (extract.Area): a status extract of the persons living there as of the day the
	// customer is set up, then each delivery day the persons touched who lived there before it or after
	// it, with those it subscribes to.
	Municipalities []int `json:"municipalities,omitempty"`
}

// UserConfig is one user of a customer.
type UserConfig struct {
	ID       string `json:"id"`       // BRUGER_ID, at most 8 characters
	Password string `json:"password"` // 8 characters, at least 2 digits and 2 letters
	// Transactions are the CPRTRANS codes the user may use; empty means OFF4, CPR's public lookup.
	Transactions []string `json:"transactions,omitempty"`
}

// PrivOptions are the parameters a private customer agrees with CPR for PRIV (private-customers.md
// §1); absent, CPR's defaults: "Efternavn,Fornavn(e)", protected persons without name and address, no
// address for the dead.
type PrivOptions struct {
	NameFirstLast    bool `json:"name_first_last,omitempty"`
	IncludeProtected bool `json:"include_protected,omitempty"`
	DeceasedAddress  bool `json:"deceased_address,omitempty"`
	CreditWarnings   bool `json:"credit_warnings,omitempty"` // record 050 (php-cpr-direkte drops such a person)
}

// Transaction codes of CPR Direkte: the public lookup, and the private.
const (
	TransactionPublic  = "OFF4"
	TransactionPrivate = "PRIV"
)

// maxCustomersFile bounds a customers file: thousands of customers are a few hundred kilobytes.
const maxCustomersFile = 16 << 20

// ParseCustomers reads a customers file: a JSON array of CustomerConfig, with no unknown fields and
// nothing after it, each customer checked as New checks it. It is what testdata serve --customers reads.
func ParseCustomers(r io.Reader) ([]CustomerConfig, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxCustomersFile+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxCustomersFile {
		return nil, fmt.Errorf("%w: customers: larger than %d bytes", ErrConfig, maxCustomersFile)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var cs []CustomerConfig
	if err := dec.Decode(&cs); err != nil {
		return nil, fmt.Errorf("%w: customers: %w", ErrConfig, err)
	}
	if dec.More() {
		return nil, fmt.Errorf("%w: customers: more after the list", ErrConfig)
	}
	if cs == nil {
		return nil, fmt.Errorf("%w: customers: want a JSON array of customers", ErrConfig)
	}
	seen := map[int]bool{}
	for _, c := range cs {
		if seen[c.Number] {
			return nil, fmt.Errorf("customer %d: %w: given twice", c.Number, ErrConfig)
		}
		seen[c.Number] = true
		if _, err := newCustomer(c, generator.DefaultAsOf); err != nil {
			return nil, err
		}
	}
	return cs, nil
}

// DefaultCustomers is the access a sandbox gives when none is configured: public customer 1234 with
// user TESTUSER, password Test1234, from any address, and SFTP as user 1234 with password Test1234;
// private customer 5678 with user PRIVUSER, password Test1234, for PRIV.
func DefaultCustomers() []CustomerConfig {
	return []CustomerConfig{
		{Number: 1234, Users: []UserConfig{{ID: "TESTUSER", Password: "Test1234"}}, Password: "Test1234"},
		{Number: 5678, Users: []UserConfig{{ID: "PRIVUSER", Password: "Test1234"}}, Private: true},
	}
}

// Access rules, as CPR runs them (by the sandbox's clock where they speak of days).
const (
	PasswordDays    = 90 // a password expires this many days after it was set
	InactiveDays    = 90 // a user who has not logged on for this many days is deactivated
	DefaultTokenTTL = 30 * time.Minute
)

// access holds customers, users and the tokens handed out. Its own lock guards it.
type access struct {
	mu        sync.Mutex
	customers map[int]*customer
	tokens    map[string]*token
	// expiry holds every live token in the order it was handed out or last renewed, which with one TTL
	// is the order it expires in: expiring tokens costs O(1) a logon, however many are live.
	expiry []expiring
	ttl    time.Duration
	now    func() time.Time
	first  int // the first customer configured: SOAP requests naming none are its
}

// expiring is a token as it was put in the expiry queue.
type expiring struct {
	token   string
	expires time.Time // as of then: a later renewal put it in the queue again
}

type customer struct {
	number        int
	allowed       []netip.Prefix
	users         map[string]*user
	subscriptions map[pnr.Number]bool
	fresh         []pnr.Number // subscriptions put since the last change extract: delivered with event A45
	deliveries    []*File      // the customer's change extracts: only the persons it subscribes to

	password     string                // SFTP and FTPS; "" keys only
	keys         map[string]bool       // SSH public keys, wire form
	certificates map[string]bool       // TLS client certificate fingerprints
	agreements   map[string]*agreement // by UUID
	// firstAgreement is the default: for SOAP requests that name none (only an AuthorityContext)
	firstAgreement string
	inbox          []*InboxFile     // the SFTP directory IN, oldest first
	area           extract.Area     // nil: no area extract
	private        *private.Options // nil: a public customer
	uploads        []upload         // input files for the next delivery
	result         inputResult      // what carrying out the input gave, for the next delivery
}

type user struct {
	id           string
	password     string
	used         []string   // passwords set before, never to be used again
	set          civil.Date // when the password was set, by the sandbox's clock
	lastLogon    civil.Date
	transactions []string
}

type token struct {
	customer int
	user     string
	expires  time.Time
}

func newAccess(cs []CustomerConfig, start civil.Date, ttl time.Duration) (*access, error) {
	a := &access{ttl: ttl, now: time.Now}
	if a.ttl <= 0 {
		a.ttl = DefaultTokenTTL
	}
	return a, a.load(cs, start)
}

// load sets the customers and users as configured, with passwords set on start, and drops every token.
func (a *access) load(cs []CustomerConfig, start civil.Date) error {
	if cs == nil {
		cs = DefaultCustomers()
	}
	customers := map[int]*customer{}
	agreements := map[string]int{}
	for _, c := range cs {
		if _, dup := customers[c.Number]; dup {
			return fmt.Errorf("customer %d: %w: given twice", c.Number, ErrConfig)
		}
		cu, err := newCustomer(c, start)
		if err != nil {
			return err
		}
		for _, u := range c.ServiceAgreements {
			if other, dup := agreements[u]; dup {
				return fmt.Errorf("customer %d: service agreement %s: %w: customer %d has it too", c.Number, u, ErrConfig, other)
			}
			agreements[u] = c.Number
		}
		customers[c.Number] = cu
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	a.customers, a.tokens, a.expiry = customers, map[string]*token{}, nil
	a.first = 0
	if len(cs) > 0 {
		a.first = cs[0].Number
	}
	return nil
}

// newCustomer checks a customer's configuration and makes it, its passwords set on day start.
func newCustomer(c CustomerConfig, start civil.Date) (*customer, error) {
	if c.Number < 1 || c.Number > 9999 {
		return nil, fmt.Errorf("customer %d: %w: want a number from 1 to 9999", c.Number, ErrConfig)
	}
	cu := &customer{number: c.Number, allowed: c.AllowedIPs, users: map[string]*user{}, subscriptions: map[pnr.Number]bool{},
		password: c.Password, keys: map[string]bool{}, certificates: map[string]bool{}, agreements: map[string]*agreement{}}
	if c.Password != "" && (len(c.Password) < 8 || strings.ContainsAny(c.Password, "\r\n")) {
		return nil, fmt.Errorf("customer %d: password: %w: want at least 8 characters on one line", c.Number, ErrConfig)
	}
	for i, k := range c.SSHKeys {
		key, _, _, rest, err := ssh.ParseAuthorizedKey([]byte(k))
		if err != nil || len(bytes.TrimSpace(rest)) > 0 {
			return nil, fmt.Errorf("customer %d: SSH key %d: %w: want one authorized_keys line", c.Number, i+1, ErrConfig)
		}
		cu.keys[string(key.Marshal())] = true
	}
	for _, u := range c.ServiceAgreements {
		if !agreementPattern.MatchString(u) {
			return nil, fmt.Errorf("customer %d: service agreement %q: %w: want a lower-case UUID", c.Number, u, ErrConfig)
		}
		cu.agreements[u] = newAgreement(u)
	}
	if len(c.ServiceAgreements) > 0 {
		cu.firstAgreement = c.ServiceAgreements[0]
	} else {
		g := newAgreement(DefaultAgreement(c.Number))
		g.adopt = true
		cu.agreements[g.uuid] = g
		cu.firstAgreement = g.uuid
	}
	if c.Private {
		o := private.Options{}
		if po := c.Priv; po != nil {
			o = private.Options{NameFirstLast: po.NameFirstLast, IncludeProtected: po.IncludeProtected, DeceasedAddress: po.DeceasedAddress,
				CreditWarnings: po.CreditWarnings}
		}
		cu.private = &o
	} else if c.Priv != nil {
		return nil, fmt.Errorf("customer %d: priv: %w: PRIV's parameters are for a private customer (\"private\": true)", c.Number, ErrConfig)
	}
	for _, m := range c.Municipalities {
		if m < 1 || m > 9999 {
			return nil, fmt.Errorf("customer %d: municipality %d: %w: want a code from 1 to 9999", c.Number, m, ErrConfig)
		}
		if cu.area == nil {
			cu.area = extract.Area{}
		}
		cu.area[m] = true
	}
	for _, f := range c.ClientCertificates {
		f = strings.ToLower(strings.ReplaceAll(f, ":", ""))
		if len(f) != 64 || strings.Trim(f, "0123456789abcdef") != "" {
			return nil, fmt.Errorf("customer %d: client certificate %q: %w: want a SHA-256 fingerprint in hex", c.Number, f, ErrConfig)
		}
		cu.certificates[f] = true
	}
	for _, u := range c.Users {
		if u.ID == "" || len(u.ID) > 8 || strings.ContainsAny(u.ID, " ") {
			return nil, fmt.Errorf("customer %d, user %q: %w: want 1-8 characters without blanks", c.Number, u.ID, ErrConfig)
		}
		if _, dup := cu.users[strings.ToUpper(u.ID)]; dup {
			return nil, fmt.Errorf("customer %d, user %s: %w: given twice", c.Number, u.ID, ErrConfig)
		}
		if msg := passwordProblem(u.Password, nil); msg != "" {
			return nil, fmt.Errorf("customer %d, user %s: password: %w: %s", c.Number, u.ID, ErrConfig, msg)
		}
		tr := u.Transactions
		if len(tr) == 0 {
			tr = []string{TransactionPublic}
			if c.Private {
				tr = []string{TransactionPrivate}
			}
		}
		for _, t := range tr {
			if (t == TransactionPrivate) != c.Private {
				kind := "a public"
				if c.Private {
					kind = "a private"
				}
				return nil, fmt.Errorf("customer %d, user %s: transaction %s: %w: %s customer may not use it (CPR gives PRIV to private customers only)",
					c.Number, u.ID, t, ErrConfig, kind)
			}
		}
		cu.users[strings.ToUpper(u.ID)] = &user{id: u.ID, password: u.Password, set: start, lastLogon: start, transactions: tr}
	}
	return cu, nil
}

// PutCustomer adds customer c, or replaces the customer with its number (its subscriptions, deliveries
// and tokens go), with passwords set today; a customer with municipalities gets its area's status
// extract as of today.
func (s *Sandbox) PutCustomer(c CustomerConfig) error {
	today, _ := s.Today()
	cu, err := newCustomer(c, today)
	if err != nil {
		return err
	}
	a := s.access
	a.mu.Lock()
	a.customers[c.Number] = cu
	for k, t := range a.tokens {
		if t.customer == c.Number {
			delete(a.tokens, k)
		}
	}
	a.mu.Unlock()
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.areaStatus(c.Number) // an area's series starts with its status extract as of today
}

// passwordProblem says what is wrong with a new password, or "" when it keeps CPR's rules: 8
// characters, at least 2 digits and 2 letters, not used before.
func passwordProblem(pw string, used []string) string {
	digits, letters := 0, 0
	for _, r := range pw {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', strings.ContainsRune("æøåÆØÅ", r):
			letters++
		}
	}
	switch {
	case len(pw) != 8:
		return fmt.Sprintf("%d characters, want 8", len(pw))
	case digits < 2 || letters < 2:
		return fmt.Sprintf("%d digits and %d letters, want at least 2 of each", digits, letters)
	case slices.Contains(used, pw):
		return "used before"
	}
	return ""
}

func allowed(c *customer, remote netip.Addr) bool {
	if len(c.allowed) == 0 {
		return true
	}
	for _, p := range c.allowed {
		if p.Contains(remote) {
			return true
		}
	}
	return false
}

func newToken() string {
	const letters = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
	b := make([]byte, 8)
	rand.Read(b)
	for i := range b {
		b[i] = letters[int(b[i])%len(letters)]
	}
	return string(b)
}

// logon carries out a LOGON on day today.
func (a *access) logon(remote netip.Addr, l *direkte.Logon, today civil.Date) (string, direkte.Code) {
	a.mu.Lock()
	defer a.mu.Unlock()
	c, ok := a.customers[l.Customer]
	switch {
	case !ok:
		return "", direkte.UnknownCustomer
	case !allowed(c, remote):
		return "", direkte.IPNotAllowed
	}
	u, ok := c.users[strings.ToUpper(l.User)]
	switch {
	case !ok || u.password == "" || u.password != l.Password: // "" after revokeAll: no access
		return "", direkte.WrongUserPassword
	case u.lastLogon.AddDays(InactiveDays).Before(today):
		return "", direkte.NoAccess // deactivated after 90 days unused
	case !slices.Contains(u.transactions, l.Transaction):
		return "", direkte.NoTransactionRight
	}
	if l.NewPassword != "" {
		if passwordProblem(l.NewPassword, append(u.used, u.password)) != "" {
			return "", direkte.BadNewPassword
		}
		u.used = append(u.used, u.password)
		u.password, u.set = l.NewPassword, today
	} else if !u.set.AddDays(PasswordDays).After(today) {
		return "", direkte.PasswordExpired
	}
	u.lastLogon = today
	now := a.now()
	a.expire(now)
	t := newToken()
	for a.tokens[t] != nil {
		t = newToken()
	}
	a.tokens[t] = &token{customer: c.number, user: strings.ToUpper(u.id), expires: now.Add(a.ttl)}
	a.expiry = append(a.expiry, expiring{t, now.Add(a.ttl)})
	return t, direkte.OK
}

// expire drops the tokens that have expired by now, looking at the front of the queue only: at most two
// entries a call beyond those it drops, so a logon's cost does not grow with the tokens live. a.mu is held.
func (a *access) expire(now time.Time) {
	for looked := 0; len(a.expiry) > 0 && looked < 2; {
		e := a.expiry[0]
		if !now.After(e.expires) {
			break
		}
		a.expiry = a.expiry[1:]
		t, ok := a.tokens[e.token]
		switch {
		case !ok: // gone already: revoked, or expired at a lookup
		case now.After(t.expires):
			delete(a.tokens, e.token)
			continue // dropping is the work we are here for
		default: // renewed since: it waits in the queue under its new expiry
			a.expiry = append(a.expiry, expiring{e.token, t.expires})
		}
		looked++
	}
	if cap(a.expiry) > 64 && len(a.expiry) < cap(a.expiry)/4 {
		a.expiry = slices.Clone(a.expiry) // let the front the queue has moved past go
	}
}

// check checks a lookup's customer, address, token and transaction, and renews the token.
func (a *access) check(remote netip.Addr, l *direkte.Lookup) (*customer, direkte.Code) {
	a.mu.Lock()
	defer a.mu.Unlock()
	c, ok := a.customers[l.Customer]
	switch {
	case !ok:
		return nil, direkte.UnknownCustomer
	case !allowed(c, remote):
		return nil, direkte.IPNotAllowed
	}
	t, ok := a.tokens[l.Token]
	if ok && a.now().After(t.expires) {
		delete(a.tokens, l.Token)
		ok = false
	}
	if !ok || t.customer != c.number || t.user != strings.ToUpper(l.User) {
		return nil, direkte.TokenTimedOut
	}
	u := c.users[t.user]
	if u == nil || !slices.Contains(u.transactions, l.Transaction) {
		return nil, direkte.NoTransactionRight
	}
	t.expires = a.now().Add(a.ttl) // the queue entry is moved on when it comes to the front
	return c, direkte.OK
}

// subscribe puts (on) or deletes a subscription of customer c on number n.
func (a *access) subscribe(c *customer, n pnr.Number, on bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.subscribeLocked(c, n, on)
}

// subscribeLocked is subscribe with a.mu held.
func (a *access) subscribeLocked(c *customer, n pnr.Number, on bool) {
	if on {
		if !c.subscriptions[n] {
			c.fresh = append(c.fresh, n)
		}
		c.subscriptions[n] = true
	} else {
		delete(c.subscriptions, n)
		c.fresh = slices.DeleteFunc(c.fresh, func(x pnr.Number) bool { return x == n })
	}
}

// subscribers returns, for each customer that subscribes to someone, its current subscriptions and
// those put since the last change extract, and forgets the latter: the customers to deliver to today.
func (a *access) subscribers() map[int]subscription {
	a.mu.Lock()
	defer a.mu.Unlock()
	out := map[int]subscription{}
	for n, c := range a.customers {
		if len(c.subscriptions) > 0 || len(c.result.requisitions) > 0 || len(c.result.answers) > 0 || c.area != nil {
			sub := subscription{numbers: maps.Clone(c.subscriptions), fresh: c.fresh, result: c.result, area: c.area, private: c.private}
			if len(c.deliveries) > 0 {
				sub.last = c.deliveries[len(c.deliveries)-1].Production
			}
			out[n] = sub
			c.fresh, c.result = nil, inputResult{}
		}
	}
	return out
}

type subscription struct {
	numbers map[pnr.Number]bool
	fresh   []pnr.Number
	result  inputResult      // the answers to the customer's input since the last delivery
	area    extract.Area     // the customer's area, or nil
	last    civil.Date       // the production date of the customer's last extract, zero before the first
	private *private.Options // a private customer's parameters: its extracts in the private layout
}

// deliver publishes a change extract to customer n.
func (a *access) deliver(n int, f *File) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if c, ok := a.customers[n]; ok {
		c.deliveries = append(c.deliveries, f)
	}
}

// Deliveries returns the change extracts delivered to customer n, oldest first, and whether the
// customer exists.
func (s *Sandbox) Deliveries(n int) ([]*File, bool) {
	s.access.mu.Lock()
	defer s.access.mu.Unlock()
	c, ok := s.access.customers[n]
	if !ok {
		return nil, false
	}
	return append([]*File{}, c.deliveries...), true
}

// revokeAll resets every user's access rights: tokens are withdrawn and every user must be granted access
// again (a new password set by the administrator) before logging on.
func (a *access) revokeAll() {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.tokens, a.expiry = map[string]*token{}, nil
	for _, c := range a.customers {
		for _, u := range c.users {
			u.used = append(u.used, u.password)
			u.password = "" // no password matches until access is granted again
		}
	}
}

// copyCustomers returns a deep copy of the customers, for a snapshot.
func (a *access) copyCustomers() map[int]*customer {
	a.mu.Lock()
	defer a.mu.Unlock()
	return cloneCustomers(a.customers)
}

// setCustomers puts a copy of cs in place and drops every token, for a restore.
func (a *access) setCustomers(cs map[int]*customer) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.customers, a.tokens, a.expiry = cloneCustomers(cs), map[string]*token{}, nil
}

func cloneCustomers(cs map[int]*customer) map[int]*customer {
	out := make(map[int]*customer, len(cs))
	for n, c := range cs {
		cc := *c
		cc.users = make(map[string]*user, len(c.users))
		for id, u := range c.users {
			uu := *u
			uu.used = slices.Clone(u.used)
			cc.users[id] = &uu
		}
		cc.subscriptions = maps.Clone(c.subscriptions)
		cc.fresh = slices.Clone(c.fresh)
		cc.deliveries = slices.Clip(c.deliveries)
		cc.inbox = slices.Clip(c.inbox)
		cc.uploads = slices.Clip(c.uploads)
		cc.result = inputResult{requisitions: slices.Clip(c.result.requisitions), answers: slices.Clip(c.result.answers)}
		cc.agreements = make(map[string]*agreement, len(c.agreements))
		for u, g := range c.agreements {
			cc.agreements[u] = g.clone()
		}
		out[n] = &cc
	}
	return out
}

// grant sets a new password for a user, as the administration does after revokeAll.
func (a *access) grant(number int, id, password string, today civil.Date) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	c, ok := a.customers[number]
	if !ok {
		return fmt.Errorf("customer %d: %w: unknown", number, ErrConfig)
	}
	u, ok := c.users[strings.ToUpper(id)]
	if !ok {
		return fmt.Errorf("customer %d, user %q: %w: unknown", number, id, ErrConfig)
	}
	if msg := passwordProblem(password, append(u.used, u.password)); msg != "" {
		return fmt.Errorf("customer %d, user %s: new password: %w: %s", number, u.id, ErrConfig, msg)
	}
	if u.password != "" {
		u.used = append(u.used, u.password)
	}
	u.password, u.set, u.lastLogon = password, today, today
	return nil
}

// direkteRecords are the record types a CPR Direkte lookup returns: the person's current data.
var direkteRecords = extract.Selection{"001": true, "002": true, "003": true, "004": true, "005": true, "006": true, "007": true,
	"008": true, "009": true, "010": true, "011": true, "012": true, "013": true, "014": true, "015": true,
	"016": true, "017": true}

// Logon implements direkte.Backend: faults asked for come first, and the request goes in the journal.
func (s *Sandbox) Logon(remote netip.Addr, l *direkte.Logon) *direkte.Response {
	start := time.Now()
	resp, drop := s.direkteFault(l.Customer, l.User)
	if resp == nil && !drop {
		resp = s.logon(remote, l)
	}
	s.record(start, remote, fmt.Sprintf("logon %04d %s", l.Customer, l.User), resp)
	return resp
}

// Lookup implements direkte.Backend: faults asked for come first, and the request goes in the journal.
func (s *Sandbox) Lookup(remote netip.Addr, l *direkte.Lookup) *direkte.Response {
	start := time.Now()
	resp, drop := s.direkteFault(l.Customer, l.User)
	if resp == nil && !drop {
		resp = s.lookup(remote, l)
	}
	s.record(start, remote, fmt.Sprintf("lookup %04d %s %s %c%c", l.Customer, l.User, l.PNR, l.AbonType, l.DataType), resp)
	return resp
}

func (s *Sandbox) record(start time.Time, remote netip.Addr, request string, resp *direkte.Response) {
	result := "dropped"
	if resp != nil {
		result = fmt.Sprintf("%02d", int(resp.Code))
	}
	s.journal.add(Entry{Time: start.UTC(), Protocol: "direkte", Remote: remote.String(), Request: request, Result: result,
		Millis: float64(time.Since(start).Microseconds()) / 1000})
}

func (s *Sandbox) logon(remote netip.Addr, l *direkte.Logon) *direkte.Response {
	today, _ := s.Today()
	t, code := s.access.logon(remote, l, today)
	return &direkte.Response{Customer: l.Customer, AbonType: direkte.AbonLogon, DataType: direkte.DataNone, Token: t,
		User: l.User, Code: code, Data: errorText(code)}
}

func errorText(c direkte.Code) []byte {
	if c == direkte.OK {
		return nil
	}
	return []byte(latin1(c.String()))
}

// latin1 returns s in ISO-8859-1 bytes, as CPR Direkte sends text.
func latin1(s string) string {
	b := make([]byte, 0, len(s))
	for _, r := range s {
		if r > 0xFF {
			r = '?'
		}
		b = append(b, byte(r))
	}
	return string(b)
}

// lookup answers a lookup: the person as they are today, 000 and 999 around their current records, cut
// before the record that would pass CPR Direkte's 2,880 bytes.
func (s *Sandbox) lookup(remote netip.Addr, l *direkte.Lookup) *direkte.Response {
	resp := &direkte.Response{Customer: l.Customer, AbonType: l.AbonType, DataType: l.DataType, Token: l.Token, User: l.User}
	answer := func(c direkte.Code) *direkte.Response {
		resp.Code, resp.Data = c, errorText(c)
		if c != direkte.OK {
			resp.DataType = direkte.DataNone
		}
		return resp
	}
	if l.AbonType != direkte.AbonNone && l.AbonType != direkte.AbonSubscribe && l.AbonType != direkte.AbonUnsubscribe {
		return answer(direkte.UnknownAbonType)
	}
	if l.DataType != direkte.DataNone && l.DataType != direkte.DataPerson {
		return answer(direkte.UnknownDataType)
	}
	c, code := s.access.check(remote, l)
	if code != direkte.OK {
		return answer(code)
	}
	if l.PNR == "" || strings.Trim(l.PNR, "0") == "" {
		return answer(direkte.PNRMissing)
	}
	n, err := pnr.Parse(l.PNR)
	if err != nil {
		return answer(direkte.UnknownPNR)
	}
	p, ok := s.Person(n)
	if !ok {
		return answer(direkte.UnknownPNR)
	}
	switch l.AbonType {
	case direkte.AbonSubscribe:
		s.access.subscribe(c, n, true)
	case direkte.AbonUnsubscribe:
		s.access.subscribe(c, n, false)
	}
	if l.DataType == direkte.DataNone {
		return answer(direkte.OK)
	}
	var data []byte
	if l.Transaction == TransactionPrivate {
		data, err = s.privateData(p, c)
	} else {
		data, err = s.direkteData(p)
	}
	if err != nil {
		return answer(direkte.SeriousProblem)
	}
	resp.Data = data
	return resp
}

// direkteData is the DATA of a lookup: 000, the person's current records, 999.
func (s *Sandbox) direkteData(p *generator.Person) ([]byte, error) {
	today, _ := s.Today()
	data := extract.AppendStart(nil, s.cfg.Extract.Task, today, today.AddDays(-1))
	records := 0
	room := direkte.MaxDataLength - extract.LayoutOf("999").Length
	err := extract.NewEncoder(direkteRecords).Encode(p, func(l *extract.Layout, line []byte) error {
		if len(data)+len(line) > room {
			return nil // what does not fit is left out, as the 2,880-byte limit demands
		}
		data = append(data, line...)
		records++
		return nil
	})
	return extract.AppendEnd(data, records), err
}

// privateData is the DATA of a PRIV lookup: 000, the person's private records under the customer's
// parameters, 999.
func (s *Sandbox) privateData(p *generator.Person, c *customer) ([]byte, error) {
	today, _ := s.Today()
	o := private.Options{}
	if c.private != nil {
		o = *c.private
	}
	o.Lookup = s.Person
	data := extract.AppendStart(nil, s.cfg.Extract.Task, today, today.AddDays(-1))
	records := 0
	err := private.NewEncoder(o).Encode(p, today, func(_ *extract.Layout, rec []byte) error {
		data = append(data, rec...)
		records++
		return nil
	})
	return extract.AppendEnd(data, records), err
}

// Subscriptions returns the numbers customer n subscribes to, sorted.
func (s *Sandbox) Subscriptions(n int) []pnr.Number {
	s.access.mu.Lock()
	defer s.access.mu.Unlock()
	c, ok := s.access.customers[n]
	if !ok {
		return nil
	}
	out := make([]pnr.Number, 0, len(c.subscriptions))
	for num := range c.subscriptions {
		out = append(out, num)
	}
	slices.SortFunc(out, func(a, b pnr.Number) int { return strings.Compare(a.String(), b.String()) })
	return out
}
