package direkte

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/binary"
	"io"
	"net"
	"net/netip"
	"strings"
	"sync"
	"testing"
	"time"
)

// echo answers every logon with a token and every lookup with data of the length asked for in the PNR
// field's digits, so tests choose the answer's size.
type echo struct{ size int }

func (e echo) Logon(_ netip.Addr, l *Logon) *Response {
	return &Response{Customer: l.Customer, AbonType: AbonLogon, Token: "TOKEN123", User: l.User}
}

func (e echo) Lookup(_ netip.Addr, l *Lookup) *Response {
	return &Response{Customer: l.Customer, AbonType: l.AbonType, DataType: DataPerson, Token: l.Token, User: l.User,
		Data: bytes.Repeat([]byte("x"), e.size)}
}

// serve runs Serve on a loopback port with b, over TLS when cfg is given, until the test ends.
func serve(t *testing.T, b Backend, cfg *tls.Config) (addr string, stop func() error) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr = ln.Addr().String()
	if cfg != nil {
		ln = tls.NewListener(ln, cfg)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- Serve(ctx, ln, b, 5*time.Second) }()
	var once sync.Once
	var serr error
	stop = func() error {
		once.Do(func() { cancel(); serr = <-done })
		return serr
	}
	t.Cleanup(func() {
		if err := stop(); err != nil {
			t.Errorf("Serve: %v", err)
		}
	})
	return addr, stop
}

// recorder keeps every byte read from the network, to see TLS records as they arrived.
type recorder struct {
	net.Conn
	mu   sync.Mutex
	read []byte
}

func (r *recorder) Read(p []byte) (int, error) {
	n, err := r.Conn.Read(p)
	r.mu.Lock()
	r.read = append(r.read, p[:n]...)
	r.mu.Unlock()
	return n, err
}

// records splits raw TLS bytes into records: their content types and payload lengths.
func records(raw []byte) (types []byte, lengths []int) {
	for len(raw) >= 5 {
		n := int(binary.BigEndian.Uint16(raw[3:5]))
		types, lengths = append(types, raw[0]), append(lengths, n)
		raw = raw[min(len(raw), 5+n):]
	}
	return types, lengths
}

// TestTLSAnswerInOneRecord checks that a lookup's answer of 1,272 bytes - more than the 1,186 that Go's
// dynamic record sizing puts in the first records - arrives in one TLS record, in TLS 1.2 and 1.3, as
// clients that read one record at a time need.
func TestTLSAnswerInOneRecord(t *testing.T) {
	cert, err := SelfSigned("127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	const answer = 1272
	addr, _ := serve(t, echo{size: answer - HeaderLength}, TLSConfig(cert))
	pool := x509.NewCertPool()
	pool.AddCert(cert.Leaf)
	for _, version := range []uint16{tls.VersionTLS12, tls.VersionTLS13} {
		t.Run(tls.VersionName(version), func(t *testing.T) {
			raw, err := net.Dial("tcp", addr)
			if err != nil {
				t.Fatal(err)
			}
			rec := &recorder{Conn: raw}
			conn := tls.Client(rec, &tls.Config{RootCAs: pool, ServerName: "127.0.0.1", MinVersion: version, MaxVersion: version})
			defer conn.Close()
			conn.SetDeadline(time.Now().Add(10 * time.Second))
			if err := conn.Handshake(); err != nil {
				t.Fatal(err)
			}
			rec.mu.Lock()
			handshake := len(rec.read)
			rec.mu.Unlock()
			if _, err := conn.Write(AppendLookup(nil, Lookup{Transaction: "OFF4", Customer: 1234, Token: "TOKEN123", User: "U", PNR: "0101011234"})); err != nil {
				t.Fatal(err)
			}
			data, err := io.ReadAll(conn)
			if err != nil || len(data) != answer {
				t.Fatalf("read %d bytes, %v; want %d", len(data), err, answer)
			}
			types, lengths := records(rec.read[handshake:])
			whole := false
			for i := range types {
				if types[i] == 23 && lengths[i] >= answer { // application data holding all of the answer
					whole = true
				}
			}
			if !whole {
				t.Errorf("the %d-byte answer came in records of %v bytes (types %v), none holding it whole", answer, lengths, types)
			}
		})
	}
}

// TestIdleConnectionsCostOthersNothing opens as many idle connections as three addresses may hold (768,
// more than the 512 that once stalled every logon) and checks that a logon from a fourth is answered at
// once, that a connection past an address's bound is refused at once with error 09, and that shutting
// down closes the idle ones at once.
func TestIdleConnectionsCostOthersNothing(t *testing.T) {
	addr, stop := serve(t, echo{}, nil)
	var idle []net.Conn
	defer func() {
		for _, c := range idle {
			c.Close()
		}
	}()
	from := func(last byte) *net.Dialer {
		return &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.IPv4(127, 0, 0, last)}, Timeout: 5 * time.Second}
	}
	for _, last := range []byte{2, 3, 4} {
		for range MaxPerAddress {
			c, err := from(last).Dial("tcp", addr)
			if err != nil {
				t.Fatal(err)
			}
			c.Write([]byte("OFF4,")) // a slow client: part of a request, then nothing
			idle = append(idle, c)
		}
	}
	time.Sleep(200 * time.Millisecond) // let the server take them all
	extra, err := from(2).Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer extra.Close()
	extra.SetDeadline(time.Now().Add(2 * time.Second))
	extra.Write(AppendLogon(nil, Logon{Transaction: "OFF4", Customer: 1234, User: "U", Password: "Test1234"})) // a whole request: the answer must survive it
	refusal, err := io.ReadAll(extra)
	if r, perr := ParseResponse(refusal); err != nil || perr != nil || r.Code != SeriousProblem {
		t.Errorf("connection %d from one address: %v, %v, %q; want error 09 at once", MaxPerAddress+1, err, perr, refusal)
	}

	start := time.Now()
	dial := func(ctx context.Context) (net.Conn, error) { return (&net.Dialer{}).DialContext(ctx, "tcp", addr) }
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	r, err := Do(ctx, dial, AppendLogon(nil, Logon{Transaction: "OFF4", Customer: 1234, User: "U", Password: "Test1234"}))
	if err != nil || r.Code != OK {
		t.Fatalf("logon beside %d idle connections: %v, %+v", len(idle), err, r)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("logon beside %d idle connections took %s", len(idle), d)
	}

	start = time.Now()
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("shutdown with %d idle connections took %s; they should be closed at once", len(idle), d)
	}
	idle[0].SetReadDeadline(time.Now().Add(time.Second))
	if n, err := idle[0].Read(make([]byte, 1)); n != 0 || err == nil || strings.Contains(err.Error(), "timeout") {
		t.Errorf("an idle connection after shutdown: %d bytes, %v; want it closed", n, err)
	}
}

// TestIncompleteRequests checks that a request that stops short is answered with error 09, saying
// why: a 35-byte frame that is not a LOGON at once (within FrameGap), a shorter one when it ends.
func TestIncompleteRequests(t *testing.T) {
	addr, _ := serve(t, echo{}, nil)
	notLogon := AppendLogon(nil, Logon{Transaction: "OFF4", Customer: 1234, User: "U", Password: "Test1234"})
	notLogon[abonTypeOffset] = 'X'
	for _, tc := range []struct {
		name      string
		send      []byte
		closeSend bool
		says      string
	}{
		{"35 bytes, not a LOGON, then waiting", notLogon, false, "ABON_TYPE 'X' is not a LOGON's '9'"},
		{"20 bytes, then the end", []byte("OFF4,1234016TOKEN123"), true, "request of 20 bytes, then the connection ended: want 39"},
		{"5 bytes, then the end", []byte("OFF4,"), true, "request of 5 bytes"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := net.Dial("tcp", addr)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			start := time.Now()
			c.SetDeadline(start.Add(FrameGap + 5*time.Second))
			c.Write(tc.send)
			if tc.closeSend {
				c.(*net.TCPConn).CloseWrite()
			}
			data, err := io.ReadAll(c)
			r, perr := ParseResponse(data)
			if err != nil || perr != nil || r.Code != SeriousProblem || !strings.Contains(string(r.Data), tc.says) {
				t.Fatalf("%v, %v, %q; want error 09 saying %q", err, perr, data, tc.says)
			}
			if d := time.Since(start); d > FrameGap+time.Second {
				t.Errorf("answered after %s", d)
			}
		})
	}
}

// FuzzServe sends any bytes to the server as one client would, over plain TCP framing and over TLS, and
// checks that the server answers with one well-formed response or nothing, and never hangs: the
// framing of the connection handler, beyond Parse.
func FuzzServe(f *testing.F) {
	f.Add([]byte(AppendLogon(nil, Logon{Transaction: "OFF4", Customer: 1234, User: "TESTUSER", Password: "Test1234"})), false)
	f.Add([]byte(AppendLookup(nil, Lookup{Transaction: "OFF4", Customer: 1234, Token: "TOKEN123", User: "TESTUSER", PNR: "0101650001"})), true)
	f.Add([]byte("OFF4,1234X0TESTUSERTest1234        "), false)
	f.Add([]byte("OFF4,"), false)
	f.Add([]byte{}, true)
	f.Add(bytes.Repeat([]byte{0xff}, 100), false)
	cert, err := SelfSigned("127.0.0.1")
	if err != nil {
		f.Fatal(err)
	}
	serverTLS := TLSConfig(cert)
	pool := x509.NewCertPool()
	pool.AddCert(cert.Leaf)
	clientTLS := &tls.Config{RootCAs: pool, ServerName: "127.0.0.1"}
	f.Fuzz(func(t *testing.T, request []byte, useTLS bool) {
		s := newServer(echo{size: 100})
		s.frameGap = time.Millisecond
		if !useTLS { // the request, then the end of the stream: a client that sent it and shut its side
			mc := &memConn{in: bytes.NewReader(request)}
			s.handle(&conn{Conn: mc, reading: true})
			checkAnswer(t, request, mc.out.Bytes())
			return
		}
		client, server := net.Pipe()
		sc, cc := tls.Server(server, serverTLS), tls.Client(client, clientTLS)
		done := make(chan struct{})
		go func() {
			defer close(done)
			c := &conn{Conn: sc, reading: true}
			s.conns[c] = struct{}{}
			s.handle(c)
			sc.Close()
		}()
		cc.SetDeadline(time.Now().Add(RequestTimeout + 5*time.Second))
		go func() {
			cc.Write(request)
			cc.CloseWrite()
		}()
		answer, _ := io.ReadAll(cc)
		cc.Close()
		select {
		case <-done:
		case <-time.After(RequestTimeout + 5*time.Second):
			t.Fatalf("the handler did not end for %q", request)
		}
		checkAnswer(t, request, answer)
	})
}

// checkAnswer checks that answer is nothing or one response with OK or error 09.
func checkAnswer(t *testing.T, request, answer []byte) {
	t.Helper()
	if len(answer) == 0 {
		return
	}
	r, err := ParseResponse(answer)
	if err != nil {
		t.Fatalf("answer to %q is not a response: %v: %q", request, err, answer)
	}
	if r.Code != OK && r.Code != SeriousProblem {
		t.Fatalf("answer to %q has error %v", request, r.Code)
	}
}

// memConn is a connection that reads a request to its end and keeps what is written.
type memConn struct {
	in  *bytes.Reader
	out bytes.Buffer
}

func (c *memConn) Read(p []byte) (int, error)       { return c.in.Read(p) }
func (c *memConn) Write(p []byte) (int, error)      { return c.out.Write(p) }
func (c *memConn) Close() error                     { return nil }
func (c *memConn) LocalAddr() net.Addr              { return &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 5000} }
func (c *memConn) RemoteAddr() net.Addr             { return &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 40000} }
func (c *memConn) SetDeadline(time.Time) error      { return nil }
func (c *memConn) SetReadDeadline(time.Time) error  { return nil }
func (c *memConn) SetWriteDeadline(time.Time) error { return nil }
