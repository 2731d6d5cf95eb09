package sandbox

import (
	"net/netip"
	"testing"
	"time"

	"github.com/cprtestdata/cprtestdata/generator"
	"github.com/cprtestdata/cprtestdata/sandbox/direkte"
)

// fakeClock is a settable now() for the access rules.
type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time { return c.t }

func testAccess(t *testing.T, ttl time.Duration) (*access, *fakeClock) {
	t.Helper()
	a, err := newAccess(nil, generator.DefaultAsOf, ttl)
	if err != nil {
		t.Fatal(err)
	}
	clock := &fakeClock{t: time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)}
	a.now = clock.now
	return a, clock
}

var testLogon = &direkte.Logon{Transaction: "OFF4", Customer: 1234, User: "TESTUSER", Password: "Test1234"}

// logons times n logons, the fastest of three rounds.
func logons(t *testing.T, a *access, n int) time.Duration {
	t.Helper()
	best := time.Duration(1 << 62)
	for range 3 {
		start := time.Now()
		for range n {
			if _, code := a.logon(netip.Addr{}, testLogon, generator.DefaultAsOf); code != direkte.OK {
				t.Fatalf("logon: %v", code)
			}
		}
		best = min(best, time.Since(start))
	}
	return best
}

// TestLogonCostDoesNotGrowWithTokens checks that a logon costs the same with 40,000 live tokens as
// with a few (it once scanned them all on every logon past 1,024: 25 times slower at 31,000).
func TestLogonCostDoesNotGrowWithTokens(t *testing.T) {
	a, _ := testAccess(t, time.Hour)
	few := logons(t, a, 3000)
	for range 40_000 {
		a.logon(netip.Addr{}, testLogon, generator.DefaultAsOf)
	}
	many := logons(t, a, 3000)
	if live := len(a.tokens); live < 40_000 {
		t.Fatalf("%d live tokens, want 40,000 or more", live)
	}
	if ratio := float64(many) / float64(few); ratio > 4 {
		t.Errorf("3,000 logons took %s with %d live tokens and %s with few: %.1f times as long", many, len(a.tokens), few, ratio)
	}
}

// TestTokensExpire checks that expired tokens go, renewed ones stay, and the queue does not outgrow the
// tokens live.
func TestTokensExpire(t *testing.T) {
	a, clock := testAccess(t, time.Minute)
	kept, _ := a.logon(netip.Addr{}, testLogon, generator.DefaultAsOf)
	for range 5000 {
		a.logon(netip.Addr{}, testLogon, generator.DefaultAsOf)
	}
	clock.t = clock.t.Add(40 * time.Second)
	renew := &direkte.Lookup{Transaction: "OFF4", Customer: 1234, Token: kept, User: "TESTUSER"}
	if _, code := a.check(netip.Addr{}, renew); code != direkte.OK {
		t.Fatalf("renewing a live token: %v", code)
	}
	clock.t = clock.t.Add(30 * time.Second) // the others are 70 s old, the renewed one 30 s
	for range 10 {
		a.logon(netip.Addr{}, testLogon, generator.DefaultAsOf)
	}
	if len(a.tokens) != 11 {
		t.Errorf("%d tokens live, want the renewed one and the 10 new", len(a.tokens))
	}
	if _, code := a.check(netip.Addr{}, renew); code != direkte.OK {
		t.Errorf("the renewed token: %v", code)
	}
	if len(a.expiry) > 2*len(a.tokens)+2 {
		t.Errorf("the expiry queue holds %d entries for %d tokens", len(a.expiry), len(a.tokens))
	}
	clock.t = clock.t.Add(2 * time.Minute)
	if _, code := a.check(netip.Addr{}, renew); code != direkte.TokenTimedOut {
		t.Errorf("a token past its time: %v, want %v", code, direkte.TokenTimedOut)
	}
}
