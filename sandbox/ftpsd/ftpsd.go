// Package ftpsd serves each user's CPR directories over FTPS with explicit TLS (AUTH TLS), as CPR serves
// its batch customers: ud/ holds the extracts to download (from any offset, REST) and delete, ind/ takes
// input files. Logons without TLS first are refused; nothing else is possible: no new directories,
// renames, or files outside the user's own.
//
// The FTP protocol is goftp.io/server/v2's; this package holds the policy: who logs on, what each user
// sees, the limits and the life cycle.
package ftpsd

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"os"
	"path"
	"strings"
	"sync"
	"time"

	ftp "goftp.io/server/v2"
)

// File is a file in a user's directory.
type File struct {
	Name     string
	Modified time.Time
	Data     []byte
}

// The directories every user has.
const (
	Out = "ud"  // extracts to fetch
	In  = "ind" // input files to CPR
)

// Backend is what the server serves. Its methods are called concurrently.
type Backend interface {
	// Password reports whether user may log on from remote with the password.
	Password(user, password string, remote netip.Addr) bool
	// List returns the files of user's ud/.
	List(user string) []File
	// Remove deletes a file of user's ud/ and reports whether there was one.
	Remove(user, name string) bool
	// Upload takes an input file into user's ind/; its error is shown to the client.
	Upload(user, name string, data []byte) error
	// Log keeps one operation in the journal.
	Log(user string, remote netip.Addr, request, result string, took time.Duration)
}

// Limits.
const (
	MaxUpload       = 16 << 20
	idleTimeout     = 5 * time.Minute
	maxConnsPerAddr = 64
	maxConns        = 1024
	// DefaultShutdownTimeout is how long Serve lets transfers in flight finish when ctx ends.
	DefaultShutdownTimeout = 30 * time.Second
)

// ErrShutdownTimeout is returned by Serve when transfers were still in flight at the end of the
// shutdown timeout and were cut.
var ErrShutdownTimeout = errors.New("transfers still in flight were cut at shutdown")

// Config is the server's TLS certificate and passive port range ("2122-2131"; empty: any free port).
type Config struct {
	TLS          *tls.Config
	PassivePorts string
}

// Server serves a Backend over FTPS.
type Server struct {
	backend Backend
	cfg     Config

	mu     sync.Mutex
	conns  map[string]*conn // by remote address
	byAddr map[netip.Addr]int
	busy   int // transfers in flight
}

// NewServer returns a server; cfg.TLS must hold a certificate.
func NewServer(b Backend, cfg Config) (*Server, error) {
	if cfg.TLS == nil || len(cfg.TLS.Certificates) == 0 {
		return nil, errors.New("ftpsd: a TLS certificate is required")
	}
	return &Server{backend: b, cfg: cfg, conns: map[string]*conn{}, byAddr: map[netip.Addr]int{}}, nil
}

// Serve accepts connections on ln until ctx ends, then stops accepting, closes idle sessions at once,
// lets transfers in flight finish for at most shutdownTimeout (0 means DefaultShutdownTimeout) and
// returns nil, or ErrShutdownTimeout when it had to cut some.
func (s *Server) Serve(ctx context.Context, ln net.Listener, shutdownTimeout time.Duration) error {
	if shutdownTimeout <= 0 {
		shutdownTimeout = DefaultShutdownTimeout
	}
	host, port, _ := net.SplitHostPort(ln.Addr().String())
	var p int
	fmt.Sscan(port, &p)
	srv, err := ftp.NewServer(&ftp.Options{
		Driver: &driver{s: s}, Auth: &auth{s: s}, Perm: perm{},
		Name: "cprtestdata FTPS", WelcomeMessage: "cprtestdata sandbox: CPR's FTPS for batch customers. AUTH TLS, then log on.",
		Hostname: host, Port: p, TLS: true, ExplicitFTPS: true, TLSConfig: s.cfg.TLS, PassivePorts: s.cfg.PassivePorts, Logger: quiet{},
	})
	if err != nil {
		return fmt.Errorf("ftpsd: %w", err)
	}
	// goftp v2.0.3 drops ForceTLS from the options it is given and takes the TLS configuration only in
	// ListenAndServe, before it binds: set the one, and let ListenAndServe take the other and fail to
	// bind the address ln holds, then serve ln. TestBatchCustomerOverFTPS proves both.
	srv.ForceTLS = true
	if err := srv.ListenAndServe(); err == nil || !strings.Contains(err.Error(), "address already in use") {
		return fmt.Errorf("ftpsd: taking the TLS configuration: %v", err)
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(&listener{Listener: ln, s: s}) }()
	select {
	case err := <-errc:
		if !errors.Is(err, ftp.ErrServerClosed) {
			return err
		}
		return nil
	case <-ctx.Done():
	}
	srv.Shutdown()
	<-errc
	return s.shutdown(shutdownTimeout)
}

func (s *Server) shutdown(timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		s.mu.Lock()
		busy := s.busy
		if busy == 0 || time.Now().After(deadline) {
			conns := make([]*conn, 0, len(s.conns))
			for _, c := range s.conns {
				conns = append(conns, c)
			}
			s.mu.Unlock()
			for _, c := range conns {
				c.Close()
			}
			if busy > 0 {
				return fmt.Errorf("FTPS: %w (%s)", ErrShutdownTimeout, timeout)
			}
			return nil
		}
		s.mu.Unlock()
		time.Sleep(20 * time.Millisecond)
	}
}

// listener counts connections, refuses those over the limits and closes idle ones.
type listener struct {
	net.Listener
	s *Server
}

func (l *listener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		addr := addrOf(c.RemoteAddr())
		s := l.s
		s.mu.Lock()
		if len(s.conns) >= maxConns || s.byAddr[addr] >= maxConnsPerAddr {
			s.mu.Unlock()
			c.Write([]byte("421 Too many connections.\r\n"))
			c.Close()
			continue
		}
		w := &conn{Conn: c, s: s, addr: addr}
		s.conns[c.RemoteAddr().String()] = w
		s.byAddr[addr]++
		s.mu.Unlock()
		return w, nil
	}
}

// conn is a control connection: it closes after idleTimeout without a command.
type conn struct {
	net.Conn
	s    *Server
	addr netip.Addr
	once sync.Once
}

func (c *conn) Read(b []byte) (int, error) {
	c.Conn.SetReadDeadline(time.Now().Add(idleTimeout))
	return c.Conn.Read(b)
}

func (c *conn) Close() error {
	c.once.Do(func() {
		s := c.s
		s.mu.Lock()
		delete(s.conns, c.RemoteAddr().String())
		if s.byAddr[c.addr]--; s.byAddr[c.addr] == 0 {
			delete(s.byAddr, c.addr)
		}
		s.mu.Unlock()
	})
	return c.Conn.Close()
}

func addrOf(a net.Addr) netip.Addr {
	if ap, err := netip.ParseAddrPort(a.String()); err == nil {
		return ap.Addr().Unmap()
	}
	return netip.Addr{}
}

type auth struct{ s *Server }

// CheckPasswd checks a logon; ForceTLS has refused every command before AUTH TLS, as CPR does.
func (a *auth) CheckPasswd(ctx *ftp.Context, user, password string) (bool, error) {
	remote := ctx.Sess.RemoteAddr()
	ok := a.s.backend.Password(user, password, addrOf(remote))
	result := "ok"
	if !ok {
		result = "refused"
	}
	a.s.backend.Log(user, addrOf(remote), "logon password", result, 0)
	return ok, nil
}

// perm shows what a user may do: read and delete in ud/, write in ind/.
type perm struct{}

func (perm) GetOwner(string) (string, error) { return "cpr", nil }
func (perm) GetGroup(string) (string, error) { return "cpr", nil }
func (perm) GetMode(p string) (os.FileMode, error) {
	dir, name, _ := locate(p)
	switch {
	case name != "":
		return 0o644, nil
	case dir == In:
		return os.ModeDir | 0o733, nil
	}
	return os.ModeDir | 0o755, nil
}
func (perm) ChOwner(string, string) error     { return errDenied }
func (perm) ChGroup(string, string) error     { return errDenied }
func (perm) ChMode(string, os.FileMode) error { return errDenied }

type quiet struct{}

func (quiet) Print(string, any)                   {}
func (quiet) Printf(string, string, ...any)       {}
func (quiet) PrintCommand(string, string, string) {}
func (quiet) PrintResponse(string, int, string)   {}

// driver maps the FTP commands onto the Backend.
type driver struct{ s *Server }

func (d *driver) log(ctx *ftp.Context, request, result string, start time.Time) {
	d.s.backend.Log(ctx.Sess.LoginUser(), addrOf(ctx.Sess.RemoteAddr()), request, result, time.Since(start))
}

// locate splits a path into a directory and a file name: dir "" is the login directory.
func locate(p string) (dir, name string, ok bool) {
	p = path.Clean("/" + p)
	if p == "/" {
		return "", "", true
	}
	parts := strings.Split(strings.TrimPrefix(p, "/"), "/")
	if len(parts) > 2 || (parts[0] != Out && parts[0] != In) {
		return "", "", false
	}
	if len(parts) == 1 {
		return parts[0], "", true
	}
	return parts[0], parts[1], true
}

func (d *driver) find(user, name string) (File, bool) {
	for _, f := range d.s.backend.List(user) {
		if f.Name == name {
			return f, true
		}
	}
	return File{}, false
}

func (d *driver) Stat(ctx *ftp.Context, p string) (os.FileInfo, error) {
	dir, name, ok := locate(p)
	switch {
	case !ok:
		return nil, os.ErrNotExist
	case name == "":
		return info{name: path.Base("/" + dir), dir: true}, nil
	case dir == Out:
		if f, ok := d.find(ctx.Sess.LoginUser(), name); ok {
			return info{name: f.Name, size: int64(len(f.Data)), modified: f.Modified}, nil
		}
	}
	return nil, os.ErrNotExist
}

func (d *driver) ListDir(ctx *ftp.Context, p string, fn func(os.FileInfo) error) error {
	start := time.Now()
	dir, name, ok := locate(p)
	if !ok || name != "" {
		return os.ErrNotExist
	}
	n := 0
	switch dir {
	case "":
		for _, sub := range []string{Out, In} {
			if err := fn(info{name: sub, dir: true}); err != nil {
				return err
			}
			n++
		}
	case Out:
		for _, f := range d.s.backend.List(ctx.Sess.LoginUser()) {
			if err := fn(info{name: f.Name, size: int64(len(f.Data)), modified: f.Modified}); err != nil {
				return err
			}
			n++
		}
	}
	d.log(ctx, fmt.Sprintf("list %s (%d entries)", path.Clean("/"+p), n), "ok", start)
	return nil
}

var errDenied = errors.New("permission denied: ud/ is read-only but for delete, ind/ takes input files")

func (d *driver) DeleteDir(ctx *ftp.Context, p string) error { return d.deny(ctx, "rmdir", p) }
func (d *driver) Rename(ctx *ftp.Context, from, _ string) error {
	return d.deny(ctx, "rename", from)
}
func (d *driver) MakeDir(ctx *ftp.Context, p string) error { return d.deny(ctx, "mkdir", p) }

func (d *driver) deny(ctx *ftp.Context, op, p string) error {
	d.log(ctx, op+" "+p, "permission denied", time.Now())
	return errDenied
}

func (d *driver) DeleteFile(ctx *ftp.Context, p string) error {
	start := time.Now()
	dir, name, ok := locate(p)
	if !ok || dir != Out || name == "" || !d.s.backend.Remove(ctx.Sess.LoginUser(), name) {
		d.log(ctx, "delete "+p, "no such file", start)
		return os.ErrNotExist
	}
	d.log(ctx, "delete "+p, "ok", start)
	return nil
}

func (d *driver) GetFile(ctx *ftp.Context, p string, offset int64) (int64, io.ReadCloser, error) {
	start := time.Now()
	dir, name, ok := locate(p)
	var f File
	if ok && dir == Out && name != "" {
		f, ok = d.find(ctx.Sess.LoginUser(), name)
	} else {
		ok = false
	}
	if !ok || offset > int64(len(f.Data)) {
		d.log(ctx, "get "+p, "no such file", start)
		return 0, nil, os.ErrNotExist
	}
	offset = max(offset, 0)
	d.log(ctx, fmt.Sprintf("get %s (%d bytes from %d)", p, len(f.Data), offset), "ok", start)
	d.s.mu.Lock()
	d.s.busy++
	d.s.mu.Unlock()
	return int64(len(f.Data)) - offset, &transfer{Reader: bytes.NewReader(f.Data[offset:]), s: d.s}, nil
}

// transfer is a download in flight.
type transfer struct {
	*bytes.Reader
	s    *Server
	once sync.Once
}

func (t *transfer) Close() error {
	t.once.Do(func() {
		t.s.mu.Lock()
		t.s.busy--
		t.s.mu.Unlock()
	})
	return nil
}

func (d *driver) PutFile(ctx *ftp.Context, p string, r io.Reader, offset int64) (n int64, err error) {
	start := time.Now()
	defer func() {
		// goftp leaves the data connection open after a refused STOR, and the client would wait in its
		// TLS handshake or its writes for ever: close it, so the client reads the refusal.
		if c, ok := r.(io.Closer); ok && err != nil {
			c.Close()
		}
	}()
	dir, name, ok := locate(p)
	if !ok || dir != In || name == "" || offset > 0 {
		d.log(ctx, "put "+p, "permission denied", start)
		return 0, errDenied
	}
	d.s.mu.Lock()
	d.s.busy++
	d.s.mu.Unlock()
	defer func() {
		d.s.mu.Lock()
		d.s.busy--
		d.s.mu.Unlock()
	}()
	data, err := io.ReadAll(io.LimitReader(r, MaxUpload+1))
	switch {
	case err != nil:
		d.log(ctx, "put "+p, err.Error(), start)
		return 0, err
	case len(data) > MaxUpload:
		d.log(ctx, "put "+p, "too large", start)
		return 0, fmt.Errorf("%s: larger than %d bytes", name, MaxUpload)
	}
	if err := d.s.backend.Upload(ctx.Sess.LoginUser(), name, data); err != nil {
		d.log(ctx, "put "+p, "refused", start)
		return 0, err
	}
	d.log(ctx, fmt.Sprintf("put %s (%d bytes)", p, len(data)), "ok", start)
	return int64(len(data)), nil
}

type info struct {
	name     string
	size     int64
	modified time.Time
	dir      bool
}

func (f info) Name() string { return f.name }
func (f info) Size() int64  { return f.size }
func (f info) Mode() os.FileMode {
	if f.dir {
		return os.ModeDir | 0o755
	}
	return 0o644
}
func (f info) ModTime() time.Time { return f.modified }
func (f info) IsDir() bool        { return f.dir }
func (f info) Sys() any           { return nil }
