package soap

import (
	"errors"
	"strings"
	"testing"
)

func TestDecodeEncodings(t *testing.T) {
	const env = `<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><Op xmlns="urn:x"><Name>Søren Ærø</Name></Op></s:Body></s:Envelope>`
	latin1 := func(s string) []byte {
		var b []byte
		for _, r := range s {
			b = append(b, byte(r))
		}
		return b
	}
	for _, tt := range []struct {
		name string
		body []byte
	}{
		{"UTF-8 without declaration", []byte(env)},
		{"UTF-8 declared", []byte(`<?xml version="1.0" encoding="UTF-8"?>` + env)},
		{"ISO-8859-1 without declaration, as the Python clients send", latin1(env)},
		{"ISO-8859-1 declared", latin1(`<?xml version="1.0" encoding="ISO-8859-1"?>` + env)},
	} {
		t.Run(tt.name, func(t *testing.T) {
			op, err := Decode(tt.body)
			if err != nil {
				t.Fatal(err)
			}
			if op.Space != "urn:x" || op.Local != "Op" || op.ChildText("Name") != "Søren Ærø" {
				t.Errorf("got %s %s %q", op.Space, op.Local, op.ChildText("Name"))
			}
		})
	}
}

func TestDecodeRefuses(t *testing.T) {
	deep := strings.Repeat("<a>", MaxDepth+1) + strings.Repeat("</a>", MaxDepth+1)
	for _, tt := range []struct{ name, body, code, want string }{
		{"EBCDIC", `<?xml version="1.0" encoding="EBCDIC-US"?><a/>`, "soap:Client", "want UTF-8 or ISO-8859-1"},
		{"too deep", `<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>` + deep + `</s:Body></s:Envelope>`, "soap:Client", "deeper"},
		{"two roots", `<a/><b/>`, "soap:Client", "more than one root"},
		{"no element", `   `, "soap:Client", "no XML element"},
		{"wrong envelope namespace", `<s:Envelope xmlns:s="urn:y"><s:Body><a/></s:Body></s:Envelope>`, "soap:Client", "namespace"},
		{"SOAP 1.2", `<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Body><a/></s:Body></s:Envelope>`, "soap:VersionMismatch", "SOAP 1.1"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Decode([]byte(tt.body))
			var se *Error
			if !errors.As(err, &se) || se.Code != tt.code || !strings.Contains(se.Msg, tt.want) {
				t.Errorf("%v, want %s %q", err, tt.code, tt.want)
			}
		})
	}
}

func TestFaultEscapes(t *testing.T) {
	got := string(Fault("soap:Client", `a <b> & "c"`, "X"))
	if !strings.Contains(got, "<faultstring>a &lt;b&gt; &amp; &#34;c&#34;</faultstring>") {
		t.Errorf("%s", got)
	}
}
