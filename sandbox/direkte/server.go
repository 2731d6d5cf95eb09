package direkte

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"os"
	"sync"
	"time"
)

// Backend answers requests. remote is the client's address, for IP allow-lists. A nil Response closes
// the connection without an answer (a fault a test environment may want). It must be safe for
// concurrent use, and must not wait on the network: the server does all I/O.
type Backend interface {
	Logon(remote netip.Addr, l *Logon) *Response
	Lookup(remote netip.Addr, l *Lookup) *Response
}

// Server limits. A connection costs nothing to others while it waits: the accept loop never blocks on
// one, no lock is held across I/O, and each connection has its own deadlines.
const (
	// RequestTimeout is how long a client has to send its whole request.
	RequestTimeout = 10 * time.Second
	// FrameGap is how long the server waits for the 4 more bytes of a lookup after 35 bytes that are
	// not a LOGON (ABON_TYPE is not 9): a client that sent a 35-byte frame waits for its answer, error 09.
	FrameGap = time.Second
	// WriteTimeout bounds sending an answer.
	WriteTimeout = 10 * time.Second
	// MaxConnections bounds the connections open at once, MaxPerAddress those from one IP address;
	// past either, a connection is answered at once with error 09 and closed.
	MaxConnections = 4096
	MaxPerAddress  = 256
	// DefaultShutdownTimeout is how long Serve lets answers in flight finish when ctx ends.
	DefaultShutdownTimeout = 30 * time.Second
)

// ErrShutdownTimeout is returned by Serve when answers were still in flight at the end of the shutdown
// timeout and were cut.
var ErrShutdownTimeout = errors.New("connections still in flight at the shutdown timeout were cut")

// TLSConfig returns the TLS configuration CPR Direkte is served with: TLS 1.2 or later, and each answer
// in one TLS record. Clients in production use read one record at a time (Magenta's CprDirectLookup),
// so Go's dynamic record sizing, which splits answers over about 1,186 bytes, must stay off; an answer
// (at most 2,908 bytes) then fits a record's 16 KB.
func TLSConfig(cert tls.Certificate) *tls.Config {
	return &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12, DynamicRecordSizingDisabled: true}
}

// Serve answers one request per connection accepted on ln (plain TCP, or TLS when ln is a TLS
// listener with TLSConfig) until ctx ends. Then it stops accepting, closes at once the connections
// still waiting for their request, lets answers in flight finish for at most shutdownTimeout (0 means
// DefaultShutdownTimeout), closes what is left and returns nil, or ErrShutdownTimeout when it had to
// cut some. A request that cannot be read whole or
// parsed is answered with error number 09 and the reason as data.
func Serve(ctx context.Context, ln net.Listener, b Backend, shutdownTimeout time.Duration) error {
	if shutdownTimeout <= 0 {
		shutdownTimeout = DefaultShutdownTimeout
	}
	s := newServer(b)
	stop := context.AfterFunc(ctx, func() { ln.Close() })
	defer stop()
	var err error
	for {
		var nc net.Conn
		if nc, err = ln.Accept(); err != nil {
			break
		}
		s.start(nc)
	}
	if ctx.Err() != nil {
		err = nil
	}
	if !s.shutdown(shutdownTimeout) && err == nil {
		err = fmt.Errorf("CPR Direkte: %w (%s)", ErrShutdownTimeout, shutdownTimeout)
	}
	return err
}

type server struct {
	b        Backend
	frameGap time.Duration // FrameGap; shorter in the fuzz target
	wg       sync.WaitGroup
	mu       sync.Mutex // guards the rest; never held across I/O
	conns    map[*conn]struct{}
	perAddr  map[netip.Addr]int
	closing  bool
}

type conn struct {
	net.Conn
	remote  netip.Addr
	reading bool // waiting for the request: closed at once on shutdown
}

func newServer(b Backend) *server {
	return &server{b: b, frameGap: FrameGap, conns: map[*conn]struct{}{}, perAddr: map[netip.Addr]int{}}
}

func (s *server) start(nc net.Conn) {
	c := &conn{Conn: nc, reading: true}
	if ap, err := netip.ParseAddrPort(nc.RemoteAddr().String()); err == nil {
		c.remote = ap.Addr().Unmap()
	}
	s.mu.Lock()
	full := len(s.conns) >= MaxConnections || s.perAddr[c.remote] >= MaxPerAddress
	if !full {
		s.conns[c] = struct{}{}
		s.perAddr[c.remote]++
	}
	s.mu.Unlock()
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		if full {
			refuse(c)
			return
		}
		defer s.done(c)
		s.handle(c)
	}()
}

func (s *server) done(c *conn) {
	c.Close()
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.conns, c)
	if s.perAddr[c.remote]--; s.perAddr[c.remote] <= 0 {
		delete(s.perAddr, c.remote)
	}
}

// refuse answers a connection past the limits with error 09 without looking at its request, then
// shuts its side and drains what the client sent for a moment: closing with unread data would reset
// the connection, and the client could lose the answer.
func refuse(c *conn) {
	defer c.Close()
	c.SetDeadline(time.Now().Add(time.Second))
	c.Write((&Response{Code: SeriousProblem, Data: fmt.Appendf(nil, "for mange forbindelser: højst %d i alt og %d fra én adresse", MaxConnections, MaxPerAddress)}).Append(nil))
	if cw, ok := c.Conn.(interface{ CloseWrite() error }); ok {
		cw.CloseWrite()
	}
	io.Copy(io.Discard, io.LimitReader(c, LookupLength*4))
}

// answering marks c as past its request; false when the server is closing and c must not go on.
func (s *server) answering(c *conn) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	c.reading = false
	return !s.closing
}

// shutdown closes the connections waiting for a request, waits for the rest for at most timeout, then
// closes them too. It reports whether they all finished in time.
func (s *server) shutdown(timeout time.Duration) bool {
	s.mu.Lock()
	s.closing = true
	for c := range s.conns {
		if c.reading {
			c.Close() // its handler's read fails, and it ends without an answer
		}
	}
	s.mu.Unlock()
	done := make(chan struct{})
	go func() { s.wg.Wait(); close(done) }()
	select {
	case <-done:
		return true
	case <-time.After(timeout):
	}
	s.mu.Lock()
	for c := range s.conns {
		c.Close()
	}
	s.mu.Unlock()
	<-done
	return false
}

func (s *server) handle(c *conn) {
	buf := make([]byte, LookupLength)
	n := 0
	read := func(upto int, deadline time.Time) error {
		c.SetReadDeadline(deadline)
		for n < upto {
			m, err := c.Read(buf[n:upto])
			n += m
			if err != nil {
				return err
			}
		}
		return nil
	}
	deadline := time.Now().Add(RequestTimeout)
	err := read(prefixLength, deadline)
	want := LookupLength
	if err == nil {
		want = RequestLength(buf)
		err = read(min(want, LogonLength), deadline)
	}
	if err == nil && want > LogonLength {
		gap := time.Now().Add(s.frameGap)
		if gap.After(deadline) {
			gap = deadline
		}
		err = read(want, gap)
	}
	if !s.answering(c) {
		return // shutting down: a connection still waiting for its request gets no answer
	}
	var resp *Response
	switch {
	case err != nil && n == 0:
		return // nothing to answer
	case err != nil:
		resp = &Response{Code: SeriousProblem, Data: []byte(incomplete(buf[:n], want, err))}
	default:
		req, perr := Parse(buf[:n])
		switch {
		case perr != nil:
			resp = &Response{Code: SeriousProblem, Data: []byte(perr.Error())}
		case req.Logon != nil:
			resp = s.b.Logon(c.remote, req.Logon)
		default:
			resp = s.b.Lookup(c.remote, req.Lookup)
		}
	}
	if resp == nil {
		return
	}
	c.SetWriteDeadline(time.Now().Add(WriteTimeout))
	c.Write(resp.Append(make([]byte, 0, HeaderLength+len(resp.Data)))) // one write: one TLS record
}

// incomplete says why a request of got bytes, of want, could not be read whole.
func incomplete(got []byte, want int, err error) string {
	why := "the connection ended"
	if errors.Is(err, os.ErrDeadlineExceeded) {
		why = "nothing more came"
	} else if !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
		why = err.Error()
	}
	if len(got) == LogonLength && want == LookupLength {
		return fmt.Sprintf("request of %d bytes, then %s: ABON_TYPE %q is not a LOGON's '9', so a %d-byte lookup was expected",
			len(got), why, got[abonTypeOffset], LookupLength)
	}
	if len(got) < prefixLength {
		return fmt.Sprintf("request of %d bytes, then %s: want %d or %d", len(got), why, LogonLength, LookupLength)
	}
	return fmt.Sprintf("request of %d bytes, then %s: want %d", len(got), why, want)
}

// Do sends one request on a new connection made by dial and returns the parsed response: a client, for
// tests and tools.
func Do(ctx context.Context, dial func(ctx context.Context) (net.Conn, error), request []byte) (*Response, error) {
	conn, err := dial(ctx)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	if d, ok := ctx.Deadline(); ok {
		conn.SetDeadline(d)
	} else {
		conn.SetDeadline(time.Now().Add(RequestTimeout + WriteTimeout))
	}
	if _, err := conn.Write(request); err != nil {
		return nil, err
	}
	data, err := io.ReadAll(io.LimitReader(conn, HeaderLength+MaxDataLength+1))
	if err != nil {
		return nil, err
	}
	return ParseResponse(data)
}
