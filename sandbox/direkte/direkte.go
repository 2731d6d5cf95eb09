// Package direkte speaks CPR Direkte, CPR's program-to-program lookup protocol (cpr-formats.md §8): one
// fixed-length request per connection - the 35-byte LOGON or the 39-byte lookup - answered by a 28-byte
// header and, for a lookup, the person's records in CPR's Format A, after which the server closes the
// connection. The package parses and writes the messages and runs the server; what the answers are is
// the Backend's business.
package direkte

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
)

// Message lengths.
const (
	LogonLength    = 35
	LookupLength   = 39
	HeaderLength   = 28
	MaxDataLength  = 2880 // DATA after the header, at most
	prefixLength   = 11   // CPRTRANS, KOMMA, KUNDENR, ABON_TYPE, DATA_TYPE: enough to tell the kind
	abonTypeOffset = 9
)

// Code is FEJLNR, CPR Direkte's error number.
type Code int

// The error numbers (cpr-formats.md §8.5).
const (
	OK                 Code = 0
	WrongUserPassword  Code = 1  // incorrect user id or password
	PasswordExpired    Code = 2  // a new password is required
	BadNewPassword     Code = 3  // 8 characters, at least 2 digits and 2 letters, not used before
	NoAccess           Code = 4  // no access to CPR: the service is closed
	UnknownPNR         Code = 5  // the number is not in CPR
	UnknownCustomer    Code = 6  // unknown customer number
	TokenTimedOut      Code = 7  // a new LOGON is required
	DeadLock           Code = 8  // dead-lock while reading the CPR system
	SeriousProblem     Code = 9  // no connection between client and the CPR system
	UnknownAbonType    Code = 10 // ABON_TYPE unknown
	UnknownDataType    Code = 11 // DATA_TYPE unknown
	IPNotAllowed       Code = 16 // no access from this IP address
	PNRMissing         Code = 17 // no PNR given
	NoTransactionRight Code = 99 // the user has no access to the transaction
)

var messages = map[Code]string{
	OK: "ok", WrongUserPassword: "forkert bruger-id eller password", PasswordExpired: "password udløbet - nyt password kræves",
	BadNewPassword: "nyt password overholder ikke reglerne (8 tegn, mindst 2 cifre og 2 bogstaver, ikke brugt før)",
	NoAccess:       "ingen adgang til CPR", UnknownPNR: "PNR ukendt i CPR", UnknownCustomer: "ukendt kundenummer",
	TokenTimedOut: "timeout - nyt LOGON kræves", DeadLock: "DEAD-LOCK ved læsning i CPR", SeriousProblem: "alvorligt problem - ingen forbindelse til CPR",
	UnknownAbonType: "ABON_TYPE ukendt", UnknownDataType: "DATA_TYPE ukendt", IPNotAllowed: "ingen adgang fra denne IP-adresse",
	PNRMissing: "PNR ikke angivet", NoTransactionRight: "bruger-id har ikke adgang til transaktionen",
}

// Codes lists every error number the package knows, in order.
func Codes() []Code {
	return []Code{OK, WrongUserPassword, PasswordExpired, BadNewPassword, NoAccess, UnknownPNR, UnknownCustomer,
		TokenTimedOut, DeadLock, SeriousProblem, UnknownAbonType, UnknownDataType, IPNotAllowed, PNRMissing, NoTransactionRight}
}

// String returns the code's meaning, in CPR's Danish.
func (c Code) String() string {
	if m, ok := messages[c]; ok {
		return m
	}
	return "fejl " + strconv.Itoa(int(c))
}

// ABON_TYPE values.
const (
	AbonNone        = '0' // leave the subscription as it is
	AbonSubscribe   = '1' // put a subscription on the number
	AbonUnsubscribe = '3' // delete the subscription
	AbonLogon       = '9'
)

// DATA_TYPE values.
const (
	DataNone   = '0' // the header only
	DataPerson = '6' // the person's records
)

// Logon is the 35-byte LOGON request.
type Logon struct {
	Transaction string // CPRTRANS, e.g. "OFF4"
	Customer    int    // KUNDENR
	DataType    byte
	User        string // BRUGER_ID, without padding
	Password    string
	NewPassword string // blank unless the password is changed
}

// Lookup is the 39-byte lookup request.
type Lookup struct {
	Transaction string
	Customer    int
	AbonType    byte
	DataType    byte
	Token       string
	User        string
	PNR         string // as sent, without padding; empty when not given
}

// Request is a parsed request: exactly one of Logon and Lookup is set.
type Request struct {
	Logon  *Logon
	Lookup *Lookup
}

// ParseError says what is wrong with a request, and where.
type ParseError struct {
	Offset int // 0-based byte offset in the request
	Field  string
	Msg    string
}

func (e *ParseError) Error() string {
	return fmt.Sprintf("byte %d, field %s: %s", e.Offset, e.Field, e.Msg)
}

// RequestLength returns the length of the request that starts with prefix (at least 11 bytes): 35 for
// a LOGON (ABON_TYPE 9), 39 otherwise.
func RequestLength(prefix []byte) int {
	if len(prefix) > abonTypeOffset && prefix[abonTypeOffset] == AbonLogon {
		return LogonLength
	}
	return LookupLength
}

func text(b []byte) string { return strings.TrimRight(string(b), " ") }

// Parse parses a whole request. Unknown ABON_TYPE and DATA_TYPE values are not parse errors: the
// protocol answers them with their own error numbers.
func Parse(b []byte) (*Request, error) {
	if len(b) < prefixLength {
		return nil, &ParseError{Offset: len(b), Field: "CPRTRANS", Msg: fmt.Sprintf("request of %d bytes, want %d or %d", len(b), LogonLength, LookupLength)}
	}
	if want := RequestLength(b); len(b) != want {
		return nil, &ParseError{Offset: len(b), Field: "request", Msg: fmt.Sprintf("request of %d bytes, want %d", len(b), want)}
	}
	if b[4] != ',' {
		return nil, &ParseError{Offset: 4, Field: "KOMMA", Msg: fmt.Sprintf("%q, want ','", b[4])}
	}
	customer, err := strconv.Atoi(string(b[5:9]))
	if err != nil || customer < 0 {
		return nil, &ParseError{Offset: 5, Field: "KUNDENR", Msg: fmt.Sprintf("%q is not a number", b[5:9])}
	}
	trans := text(b[0:4])
	if b[abonTypeOffset] == AbonLogon {
		return &Request{Logon: &Logon{Transaction: trans, Customer: customer, DataType: b[10], User: text(b[11:19]),
			Password: text(b[19:27]), NewPassword: text(b[27:35])}}, nil
	}
	return &Request{Lookup: &Lookup{Transaction: trans, Customer: customer, AbonType: b[9], DataType: b[10],
		Token: text(b[11:19]), User: text(b[19:27]), PNR: strings.TrimSpace(string(b[29:39]))}}, nil
}

func pad(s string, n int) string {
	if len(s) >= n {
		return s[:n]
	}
	return s + strings.Repeat(" ", n-len(s))
}

// AppendLogon appends the 35-byte LOGON request for l.
func AppendLogon(dst []byte, l Logon) []byte {
	dst = append(dst, pad(l.Transaction, 4)...)
	dst = append(dst, ',')
	dst = append(dst, fmt.Sprintf("%04d", l.Customer%10000)...)
	dst = append(dst, AbonLogon, orByte(l.DataType, DataNone))
	dst = append(dst, pad(l.User, 8)...)
	dst = append(dst, pad(l.Password, 8)...)
	return append(dst, pad(l.NewPassword, 8)...)
}

// AppendLookup appends the 39-byte lookup request for l.
func AppendLookup(dst []byte, l Lookup) []byte {
	dst = append(dst, pad(l.Transaction, 4)...)
	dst = append(dst, ',')
	dst = append(dst, fmt.Sprintf("%04d", l.Customer%10000)...)
	dst = append(dst, orByte(l.AbonType, AbonNone), orByte(l.DataType, DataPerson))
	dst = append(dst, pad(l.Token, 8)...)
	dst = append(dst, pad(l.User, 8)...)
	dst = append(dst, "00"...)
	return append(dst, pad(l.PNR, 10)...)
}

func orByte(b, def byte) byte {
	if b == 0 {
		return def
	}
	return b
}

// Response is an answer: the header's fields and the data after it.
type Response struct {
	Customer int
	AbonType byte
	DataType byte
	Token    string
	User     string
	Code     Code
	Data     []byte // Format A records on success, an error text otherwise
}

// Append appends the response as it goes on the wire: the 28-byte header (its length field is 28 plus
// the data's length) and the data, cut at MaxDataLength.
func (r *Response) Append(dst []byte) []byte {
	data := r.Data
	if len(data) > MaxDataLength {
		data = data[:MaxDataLength]
	}
	dst = append(dst, fmt.Sprintf("%04d", r.Customer%10000)...)
	dst = append(dst, orByte(r.AbonType, AbonNone), orByte(r.DataType, DataNone))
	dst = append(dst, pad(r.Token, 8)...)
	dst = append(dst, pad(r.User, 8)...)
	dst = append(dst, fmt.Sprintf("%02d%04d", int(r.Code)%100, HeaderLength+len(data))...)
	return append(dst, data...)
}

// ParseResponse parses a response as read to the end of the connection.
func ParseResponse(b []byte) (*Response, error) {
	if len(b) < HeaderLength {
		return nil, &ParseError{Offset: len(b), Field: "header", Msg: fmt.Sprintf("response of %d bytes, shorter than the %d-byte header", len(b), HeaderLength)}
	}
	customer, err1 := strconv.Atoi(string(b[0:4]))
	code, err2 := strconv.Atoi(string(b[22:24]))
	length, err3 := strconv.Atoi(string(b[24:28]))
	switch {
	case err1 != nil:
		return nil, &ParseError{Offset: 0, Field: "KUNDENR", Msg: fmt.Sprintf("%q is not a number", b[0:4])}
	case err2 != nil:
		return nil, &ParseError{Offset: 22, Field: "FEJLNR", Msg: fmt.Sprintf("%q is not a number", b[22:24])}
	case err3 != nil || length != len(b):
		return nil, &ParseError{Offset: 24, Field: "length", Msg: fmt.Sprintf("%q, but the response has %d bytes", b[24:28], len(b))}
	}
	return &Response{Customer: customer, AbonType: b[4], DataType: b[5], Token: text(b[6:14]), User: text(b[14:22]),
		Code: Code(code), Data: bytes.Clone(b[HeaderLength:])}, nil
}
