package direkte

import (
	"bytes"
	"errors"
	"testing"
)

func TestParseRoundTrip(t *testing.T) {
	logon := AppendLogon(nil, Logon{Transaction: "OFF4", Customer: 1234, User: "TESTUSER", Password: "Test1234", NewPassword: "Abc12345"})
	lookup := AppendLookup(nil, Lookup{Transaction: "OFF4", Customer: 42, AbonType: AbonSubscribe, DataType: DataPerson,
		Token: "ABCDEFGH", User: "U1", PNR: "0101650001"})
	if len(logon) != LogonLength || len(lookup) != LookupLength {
		t.Fatalf("lengths %d and %d", len(logon), len(lookup))
	}
	r, err := Parse(logon)
	if err != nil || r.Logon == nil || r.Logon.Customer != 1234 || r.Logon.NewPassword != "Abc12345" || r.Logon.User != "TESTUSER" {
		t.Errorf("logon: %+v, %v", r, err)
	}
	r, err = Parse(lookup)
	if err != nil || r.Lookup == nil || r.Lookup.PNR != "0101650001" || r.Lookup.Token != "ABCDEFGH" || r.Lookup.AbonType != AbonSubscribe {
		t.Errorf("lookup: %+v, %v", r, err)
	}
	resp := &Response{Customer: 42, AbonType: AbonNone, DataType: DataPerson, Token: "ABCDEFGH", User: "U1", Code: UnknownPNR, Data: []byte("PNR ukendt")}
	back, err := ParseResponse(resp.Append(nil))
	if err != nil || back.Code != UnknownPNR || !bytes.Equal(back.Data, resp.Data) || back.Token != "ABCDEFGH" {
		t.Errorf("response: %+v, %v", back, err)
	}
}

func TestParseErrors(t *testing.T) {
	good := AppendLookup(nil, Lookup{Transaction: "OFF4", Customer: 1, Token: "T", User: "U", PNR: "0101650001"})
	for _, tt := range []struct {
		name  string
		req   []byte
		field string
	}{
		{"short", good[:5], "CPRTRANS"},
		{"lookup too short", good[:30], "request"},
		{"no comma", append(append([]byte{}, good[:4]...), append([]byte{';'}, good[5:]...)...), "KOMMA"},
		{"customer not a number", append(append([]byte{}, good[:5]...), append([]byte("12a4"), good[9:]...)...), "KUNDENR"},
	} {
		var pe *ParseError
		if _, err := Parse(tt.req); !errors.As(err, &pe) || pe.Field != tt.field {
			t.Errorf("%s: %v, want a ParseError in %s", tt.name, err, tt.field)
		}
	}
	if _, err := ParseResponse([]byte("0001")); err == nil {
		t.Error("a 4-byte response parsed")
	}
}

// FuzzParse checks that no request makes Parse panic, and that a parsed lookup or logon is written
// back as the same request when its fields are in their canonical form.
func FuzzParse(f *testing.F) {
	f.Add(AppendLogon(nil, Logon{Transaction: "OFF4", Customer: 1234, User: "TESTUSER", Password: "Test1234"}))
	f.Add(AppendLookup(nil, Lookup{Transaction: "OFF4", Customer: 1234, Token: "ABCDEFGH", User: "TESTUSER", PNR: "0101650001"}))
	f.Add([]byte("OFF4,12349"))
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := Parse(b)
		if err != nil {
			return
		}
		var again []byte
		if r.Logon != nil {
			again = AppendLogon(nil, *r.Logon)
		} else {
			again = AppendLookup(nil, *r.Lookup)
		}
		if r2, err := Parse(again); err != nil || (r2.Logon == nil) != (r.Logon == nil) {
			t.Fatalf("%q parsed, written back as %q, which does not parse alike: %v", b, again, err)
		}
		ParseResponse(b)
	})
}
