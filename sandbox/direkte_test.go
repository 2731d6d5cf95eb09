package sandbox

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cprtestdata/cprtestdata/generator"
	"github.com/cprtestdata/cprtestdata/sandbox/direkte"
)

// direkteServer runs CPR Direkte for sb on a loopback port, over TLS when tlsCert is given, and returns
// a dialer for it.
func direkteServer(t *testing.T, sb *Sandbox, useTLS bool) func(context.Context) (net.Conn, error) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	var clientTLS *tls.Config
	if useTLS {
		cert, err := direkte.SelfSigned("127.0.0.1", "localhost")
		if err != nil {
			t.Fatal(err)
		}
		ln = tls.NewListener(ln, direkte.TLSConfig(cert))
		pool := x509.NewCertPool()
		pool.AddCert(cert.Leaf)
		clientTLS = &tls.Config{RootCAs: pool, ServerName: "127.0.0.1"}
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- direkte.Serve(ctx, ln, sb, 0) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("direkte.Serve: %v", err)
		}
	})
	return func(ctx context.Context) (net.Conn, error) {
		var d net.Dialer
		if clientTLS != nil {
			return (&tls.Dialer{NetDialer: &d, Config: clientTLS}).DialContext(ctx, "tcp", addr)
		}
		return d.DialContext(ctx, "tcp", addr)
	}
}

func call(t *testing.T, dial func(context.Context) (net.Conn, error), req []byte) *direkte.Response {
	t.Helper()
	resp, err := direkte.Do(context.Background(), dial, req)
	if err != nil {
		t.Fatal(err)
	}
	return resp
}

func logon(user, password, newPassword string) []byte {
	return direkte.AppendLogon(nil, direkte.Logon{Transaction: "OFF4", Customer: 1234, User: user, Password: password, NewPassword: newPassword})
}

func lookup(token, user, number string) direkte.Lookup {
	return direkte.Lookup{Transaction: "OFF4", Customer: 1234, AbonType: direkte.AbonNone, DataType: direkte.DataPerson,
		Token: token, User: user, PNR: number}
}

// TestDirekteLookup logs on and looks a person up over TLS, and compares the records with the person.
func TestDirekteLookup(t *testing.T) {
	sb, err := New(context.Background(), Config{Generator: generator.Config{Persons: 2000, Seed: 3}})
	if err != nil {
		t.Fatal(err)
	}
	dial := direkteServer(t, sb, true)
	r := call(t, dial, logon("TESTUSER", "Test1234", ""))
	if r.Code != direkte.OK || len(r.Token) != 8 {
		t.Fatalf("logon: code %02d %q, token %q", r.Code, r.Data, r.Token)
	}
	want := sb.Search(Query{Name: "e", Limit: 1})[0]
	r = call(t, dial, direkte.AppendLookup(nil, lookup(r.Token, "TESTUSER", want.Number.String())))
	if r.Code != direkte.OK || r.DataType != direkte.DataPerson || len(r.Data) > direkte.MaxDataLength {
		t.Fatalf("lookup: code %02d, data type %c, %d bytes", r.Code, r.DataType, len(r.Data))
	}
	var types []string
	for _, rec := range readAll(t, r.Data) {
		types = append(types, rec.Type())
		if rec.Type() == "001" && (rec.Get("PNR") != want.Number.String() || rec.Get("Status") != generator.StatusCode(want.Status)) {
			t.Errorf("001 for %s status %s, want %v status %s", rec.Get("PNR"), rec.Get("Status"), want.Number, generator.StatusCode(want.Status))
		}
		if rec.Type() == "999" && rec.Get("Counter") != fmt.Sprintf("%08d", len(types)-2) {
			t.Errorf("999 counts %s, %d records between", rec.Get("Counter"), len(types)-2)
		}
	}
	if len(types) < 4 || types[0] != "000" || types[1] != "001" || types[len(types)-1] != "999" {
		t.Errorf("records %v", types)
	}
}

// TestDirekteErrorCodes makes each of CPR Direkte's error numbers arise from its condition.
func TestDirekteErrorCodes(t *testing.T) {
	cfg := Config{Generator: generator.Config{Persons: 1000, Seed: 5},
		Customers: []CustomerConfig{
			{Number: 1234, Users: []UserConfig{{ID: "TESTUSER", Password: "Test1234"}, {ID: "IDLE", Password: "Idle1234"}}},
			{Number: 4321, AllowedIPs: []netip.Prefix{netip.MustParsePrefix("192.0.2.0/24")}, Users: []UserConfig{{ID: "FAR", Password: "Far12345"}}},
		}}
	sb, err := New(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	dial := direkteServer(t, sb, false)
	token := func() string {
		t.Helper()
		r := call(t, dial, logon("TESTUSER", "Test1234", ""))
		if r.Code != direkte.OK {
			t.Fatalf("logon: %02d %s", r.Code, r.Data)
		}
		return r.Token
	}
	known := sb.Search(Query{Name: "e", Limit: 1})[0].Number.String()
	tok := token()
	withLookup := func(change func(*direkte.Lookup)) []byte {
		l := lookup(tok, "TESTUSER", known)
		change(&l)
		return direkte.AppendLookup(nil, l)
	}
	malformed := direkte.AppendLookup(nil, lookup(tok, "TESTUSER", known))
	malformed[4] = ';'
	tests := []struct {
		name string
		req  []byte
		want direkte.Code
	}{
		{"ok", withLookup(func(*direkte.Lookup) {}), direkte.OK},
		{"wrong password", logon("TESTUSER", "Wrong123", ""), direkte.WrongUserPassword},
		{"unknown user", logon("NOBODY", "Test1234", ""), direkte.WrongUserPassword},
		{"new password without digits", logon("TESTUSER", "Test1234", "abcdefgh"), direkte.BadNewPassword},
		{"new password too short", logon("TESTUSER", "Test1234", "ab12"), direkte.BadNewPassword},
		{"new password used before", logon("TESTUSER", "Test1234", "Test1234"), direkte.BadNewPassword},
		{"unknown number", withLookup(func(l *direkte.Lookup) { l.PNR = "0101001234" }), direkte.UnknownPNR},
		{"malformed number", withLookup(func(l *direkte.Lookup) { l.PNR = "3213651234" }), direkte.UnknownPNR},
		{"unknown customer at logon", direkte.AppendLogon(nil, direkte.Logon{Transaction: "OFF4", Customer: 9, User: "TESTUSER", Password: "Test1234"}), direkte.UnknownCustomer},
		{"unknown customer at lookup", withLookup(func(l *direkte.Lookup) { l.Customer = 9 }), direkte.UnknownCustomer},
		{"unknown token", withLookup(func(l *direkte.Lookup) { l.Token = "ZZZZZZZZ" }), direkte.TokenTimedOut},
		{"another user's token", withLookup(func(l *direkte.Lookup) { l.User = "IDLE" }), direkte.TokenTimedOut},
		{"malformed request", malformed, direkte.SeriousProblem},
		{"unknown ABON_TYPE", withLookup(func(l *direkte.Lookup) { l.AbonType = '5' }), direkte.UnknownAbonType},
		{"unknown DATA_TYPE", withLookup(func(l *direkte.Lookup) { l.DataType = '7' }), direkte.UnknownDataType},
		{"address not allowed", direkte.AppendLogon(nil, direkte.Logon{Transaction: "OFF4", Customer: 4321, User: "FAR", Password: "Far12345"}), direkte.IPNotAllowed},
		{"no number", withLookup(func(l *direkte.Lookup) { l.PNR = "" }), direkte.PNRMissing},
		{"transaction not allowed", direkte.AppendLogon(nil, direkte.Logon{Transaction: "PRIV", Customer: 1234, User: "TESTUSER", Password: "Test1234"}), direkte.NoTransactionRight},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := call(t, dial, tt.req)
			if r.Code != tt.want {
				t.Errorf("code %02d (%s), want %02d (%s)", r.Code, r.Data, tt.want, tt.want)
			}
			if tt.want != direkte.OK && len(r.Data) == 0 {
				t.Error("an error without its text")
			}
		})
	}

	t.Run("token timed out", func(t *testing.T) {
		short := cfg
		short.TokenTTL = 50 * time.Millisecond
		sb2, err := New(context.Background(), short)
		if err != nil {
			t.Fatal(err)
		}
		dial2 := direkteServer(t, sb2, false)
		r := call(t, dial2, logon("TESTUSER", "Test1234", ""))
		time.Sleep(150 * time.Millisecond)
		r = call(t, dial2, direkte.AppendLookup(nil, lookup(r.Token, "TESTUSER", known)))
		if r.Code != direkte.TokenTimedOut {
			t.Errorf("a token unused for longer than its TTL: code %02d, want 07", r.Code)
		}
	})
	t.Run("subscriptions", func(t *testing.T) {
		tok := token()
		l := lookup(tok, "TESTUSER", known)
		l.AbonType, l.DataType = direkte.AbonSubscribe, direkte.DataNone
		if r := call(t, dial, direkte.AppendLookup(nil, l)); r.Code != direkte.OK || len(r.Data) != 0 {
			t.Fatalf("subscribe: %02d, %d bytes of data", r.Code, len(r.Data))
		}
		if subs := sb.Subscriptions(1234); len(subs) != 1 || subs[0].String() != known {
			t.Errorf("subscriptions after ABON_TYPE 1: %v", subs)
		}
		l.AbonType = direkte.AbonUnsubscribe
		call(t, dial, direkte.AppendLookup(nil, l))
		if subs := sb.Subscriptions(1234); len(subs) != 0 {
			t.Errorf("subscriptions after ABON_TYPE 3: %v", subs)
		}
	})
	t.Run("revoked and granted again", func(t *testing.T) {
		sb.RevokeAccess()
		if r := call(t, dial, logon("TESTUSER", "Test1234", "")); r.Code != direkte.WrongUserPassword {
			t.Errorf("logon after every access was revoked: %02d", r.Code)
		}
		if err := sb.GrantAccess(1234, "TESTUSER", "Test1234"); err == nil {
			t.Error("access granted again with the old password")
		}
		if err := sb.GrantAccess(1234, "TESTUSER", "Ny123456"); err != nil {
			t.Fatal(err)
		}
		if r := call(t, dial, logon("TESTUSER", "Ny123456", "")); r.Code != direkte.OK {
			t.Errorf("logon after access was granted: %02d", r.Code)
		}
	})
	t.Run("password expiry and inactivity by the sandbox's clock", func(t *testing.T) {
		sb.Reset()
		if _, err := sb.Advance(context.Background(), 80); err != nil {
			t.Fatal(err)
		}
		call(t, dial, logon("TESTUSER", "Test1234", "")) // in use on day 80; IDLE is not
		if _, err := sb.Advance(context.Background(), 11); err != nil {
			t.Fatal(err)
		}
		if r := call(t, dial, logon("TESTUSER", "Test1234", "")); r.Code != direkte.PasswordExpired {
			t.Errorf("a 91-day-old password: %02d, want 02", r.Code)
		}
		if r := call(t, dial, logon("TESTUSER", "Test1234", "Abc98765")); r.Code != direkte.OK {
			t.Errorf("an expired password changed at logon: %02d %s", r.Code, r.Data)
		}
		if r := call(t, dial, logon("IDLE", "Idle1234", "")); r.Code != direkte.NoAccess {
			t.Errorf("a user unused for 91 days: %02d, want 04", r.Code)
		}
	})
	covered := map[direkte.Code]bool{direkte.TokenTimedOut: true, direkte.PasswordExpired: true, direkte.NoAccess: true}
	for _, tt := range tests {
		covered[tt.want] = true
	}
	for _, c := range direkte.Codes() {
		if !covered[c] && c != direkte.DeadLock {
			t.Errorf("error %02d (%s) is not made to arise", c, c)
		}
	}
}

// TestSubscriptionExtracts checks that a customer's change extracts carry exactly the persons it
// subscribes to: a fresh subscription with event A45, then the person's own events when they happen.
func TestSubscriptionExtracts(t *testing.T) {
	sb, err := New(context.Background(), Config{Generator: generator.Config{Persons: 3000, Seed: 12}})
	if err != nil {
		t.Fatal(err)
	}
	// Find someone touched on a day k from 2 on.
	made, err := sb.Advance(context.Background(), 20)
	if err != nil {
		t.Fatal(err)
	}
	pnrs := func(data []byte) map[string][]string {
		t.Helper()
		out := map[string][]string{}
		for _, rec := range readAll(t, data) {
			if rec.Type() == "099" {
				out[rec.Get("PNR")] = append(out[rec.Get("PNR")], rec.Get("Event_"))
			}
		}
		return out
	}
	var touched string
	k := 2
	for ; k <= 20 && touched == ""; k++ {
		for num := range pnrs(made[k-1].Data()) {
			touched = num
			break
		}
	}
	k--
	if touched == "" {
		t.Fatal("no one touched in 20 days")
	}
	sb.Reset()
	dial := direkteServer(t, sb, false)
	r := call(t, dial, logon("TESTUSER", "Test1234", ""))
	l := lookup(r.Token, "TESTUSER", touched)
	l.AbonType, l.DataType = direkte.AbonSubscribe, direkte.DataNone
	if r := call(t, dial, direkte.AppendLookup(nil, l)); r.Code != direkte.OK {
		t.Fatalf("subscribe: %02d", r.Code)
	}
	if _, err := sb.Advance(context.Background(), k); err != nil {
		t.Fatal(err)
	}
	got, ok := sb.Deliveries(1234)
	if !ok || len(got) != k {
		t.Fatalf("customer 1234 has %d change extracts after %d days", len(got), k)
	}
	if day1 := pnrs(got[0].Data()); len(day1) != 1 || !slices.Contains(day1[touched], "A45") {
		t.Errorf("day 1 delivers %v, want %s with A45", day1, touched)
	}
	if dayK := pnrs(got[k-1].Data()); len(dayK) != 1 || len(dayK[touched]) == 0 {
		t.Errorf("day %d delivers %v, want only %s", k, dayK, touched)
	}
	if got[k-1].URL != "/api/customers/1234/extracts/"+got[k-1].Name {
		t.Errorf("URL %s", got[k-1].URL)
	}
}

// TestPutCustomer configures a customer through the admin API and logs on as its user.
func TestPutCustomer(t *testing.T) {
	sb, err := New(context.Background(), Config{Generator: generator.Config{Persons: 500, Seed: 2}})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(NewHandler(sb))
	defer srv.Close()
	c := &client{t: t, url: srv.URL}
	dial := direkteServer(t, sb, false)
	put := func(path, body string) int {
		req, _ := http.NewRequest("PUT", srv.URL+path, strings.NewReader(body))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if code := put("/admin/customers/77", `{"users": [{"id": "NEW", "password": "New12345", "transactions": ["OFF4"]}]}`); code != 200 {
		t.Fatalf("PUT a customer: %d", code)
	}
	r := call(t, dial, direkte.AppendLogon(nil, direkte.Logon{Transaction: "OFF4", Customer: 77, User: "NEW", Password: "New12345"}))
	if r.Code != direkte.OK {
		t.Errorf("logon as the new customer's user: %02d", r.Code)
	}
	for body, want := range map[string]int{
		`{"users": [{"id": "NEW", "password": "short"}]}`: 400,
		`{"number": 78, "users": []}`:                     400,
		`{"users": [], "colour": "red"}`:                  400,
	} {
		if code := put("/admin/customers/77", body); code != want {
			t.Errorf("PUT %s: %d, want %d", body, code, want)
		}
	}
	c.json("GET", "/admin/customers/77/subscriptions", 200, nil)
}
