package direkte

import (
	"context"
	"errors"
	"io"
	"net"
	"net/netip"
	"strconv"
	"sync"
	"time"
)

// Backend answers requests. remote is the client's address, for IP allow-lists. A nil Response closes
// the connection without an answer (a fault a test environment may want). It must be safe for
// concurrent use.
type Backend interface {
	Logon(remote netip.Addr, l *Logon) *Response
	Lookup(remote netip.Addr, l *Lookup) *Response
}

// Server limits: a slow client cannot hold a connection, and connections are bounded.
const (
	connTimeout    = 10 * time.Second
	maxConnections = 512
)

// Serve answers one request per connection accepted on ln (plain TCP, or TLS when ln is a TLS
// listener) until ctx ends; then it stops accepting, lets the connections in flight finish and returns
// nil. A request that cannot be parsed is answered with error number 09 and the reason as data.
func Serve(ctx context.Context, ln net.Listener, b Backend) error {
	var wg sync.WaitGroup
	slots := make(chan struct{}, maxConnections)
	stop := context.AfterFunc(ctx, func() { ln.Close() })
	defer stop()
	for {
		conn, err := ln.Accept()
		if err != nil {
			wg.Wait()
			if ctx.Err() != nil {
				return nil
			}
			return err
		}
		slots <- struct{}{}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-slots }()
			handle(conn, b)
		}()
	}
}

func handle(conn net.Conn, b Backend) {
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(connTimeout))
	var remote netip.Addr
	if ap, err := netip.ParseAddrPort(conn.RemoteAddr().String()); err == nil {
		remote = ap.Addr().Unmap()
	}
	buf := make([]byte, LookupLength)
	if _, err := io.ReadFull(conn, buf[:prefixLength]); err != nil {
		return // nothing to answer
	}
	n := RequestLength(buf)
	if _, err := io.ReadFull(conn, buf[prefixLength:n]); err != nil {
		if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
			conn.Write((&Response{Code: SeriousProblem, Data: []byte("request ended after " + strconv.Itoa(prefixLength) + " bytes")}).Append(nil))
		}
		return
	}
	req, err := Parse(buf[:n])
	var resp *Response
	switch {
	case err != nil:
		resp = &Response{Code: SeriousProblem, Data: []byte(err.Error())}
	case req.Logon != nil:
		resp = b.Logon(remote, req.Logon)
	default:
		resp = b.Lookup(remote, req.Lookup)
	}
	if resp == nil {
		return
	}
	conn.Write(resp.Append(make([]byte, 0, HeaderLength+len(resp.Data))))
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
		conn.SetDeadline(time.Now().Add(connTimeout))
	}
	if _, err := conn.Write(request); err != nil {
		return nil, err
	}
	data, err := io.ReadAll(conn)
	if err != nil {
		return nil, err
	}
	return ParseResponse(data)
}
