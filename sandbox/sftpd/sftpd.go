// Package sftpd serves each user's directories over SFTP (version 3, as OpenSSH's sftp-server), the
// way Serviceplatformen delivers CPR's delta files: a user logs on with an SSH key or a password, finds
// the directories the Backend names under the login directory ("/IN", "/OUT"), and may list, download
// (from any offset) and delete files. Nothing else: uploads, renames, links and new directories are
// refused with SSH_FX_PERMISSION_DENIED, and no path leads outside the user's own directories.
//
// SSH itself is golang.org/x/crypto/ssh and SFTP github.com/pkg/sftp's request server; this package
// holds the policy: who may log on, what each user sees, the limits and the life cycle.
package sftpd

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"os"
	"path"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pkg/sftp"
	"golang.org/x/crypto/ssh"
)

// File is a file in a user's directory.
type File struct {
	Name     string
	Modified time.Time
	Data     []byte
}

// Backend is what the server serves. Its methods are called concurrently.
type Backend interface {
	// Password and PublicKey report whether user may log on from remote with the password or key.
	Password(user, password string, remote netip.Addr) bool
	PublicKey(user string, key ssh.PublicKey, remote netip.Addr) bool
	// Dirs returns the directories every user has under the login directory, "IN" and "OUT".
	Dirs() []string
	// List returns the files of user's directory dir, in the order to list them.
	List(user, dir string) []File
	// Remove deletes a file of user's directory dir and reports whether there was one.
	Remove(user, dir, name string) bool
	// Log keeps one operation in the journal: "logon", "list /IN", "get /IN/D261201.L900001", ...
	Log(user string, remote netip.Addr, request, result string, took time.Duration)
}

// Limits: a client cannot hold the server.
const (
	handshakeTimeout = 10 * time.Second
	idleTimeout      = 10 * time.Minute
	maxConnsPerAddr  = 256
	maxConns         = 4096
	// DefaultShutdownTimeout is how long Serve lets downloads in flight finish when ctx ends.
	DefaultShutdownTimeout = 30 * time.Second
)

// ErrShutdownTimeout is returned by Serve when downloads were still in flight at the end of the
// shutdown timeout and were cut.
var ErrShutdownTimeout = errors.New("downloads still in flight were cut at shutdown")

// Server serves a Backend over SFTP. Its zero value is not usable: NewServer makes one.
type Server struct {
	backend Backend
	config  *ssh.ServerConfig
	keys    []ssh.Signer

	mu     sync.Mutex
	conns  map[*session]bool
	byAddr map[netip.Addr]int
	wg     sync.WaitGroup
}

// NewServer returns a server with the given host keys; none makes an Ed25519 and an RSA key at random
// (clients that pin a host key need keys given: HostKeyFromPEM).
func NewServer(b Backend, hostKeys ...ssh.Signer) (*Server, error) {
	if len(hostKeys) == 0 {
		var err error
		if hostKeys, err = newHostKeys(); err != nil {
			return nil, err
		}
	}
	s := &Server{backend: b, keys: hostKeys, conns: map[*session]bool{}, byAddr: map[netip.Addr]int{}}
	s.config = &ssh.ServerConfig{
		ServerVersion: "SSH-2.0-cprtestdata_sftpd",
		MaxAuthTries:  6,
		PasswordCallback: func(c ssh.ConnMetadata, pw []byte) (*ssh.Permissions, error) {
			return s.auth(c, "password", b.Password(c.User(), string(pw), addrOf(c.RemoteAddr())))
		},
		PublicKeyCallback: func(c ssh.ConnMetadata, key ssh.PublicKey) (*ssh.Permissions, error) {
			return s.auth(c, "key "+ssh.FingerprintSHA256(key), b.PublicKey(c.User(), key, addrOf(c.RemoteAddr())))
		},
	}
	for _, k := range hostKeys {
		s.config.AddHostKey(k)
	}
	return s, nil
}

func (s *Server) auth(c ssh.ConnMetadata, how string, ok bool) (*ssh.Permissions, error) {
	result := "ok"
	if !ok {
		result = "refused"
	}
	s.backend.Log(c.User(), addrOf(c.RemoteAddr()), "logon "+how, result, 0)
	if !ok {
		return nil, fmt.Errorf("user %q: %s refused", c.User(), how)
	}
	return nil, nil
}

func newHostKeys() ([]ssh.Signer, error) {
	_, ed, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, err
	}
	rk, err := rsa.GenerateKey(rand.Reader, 2048) // for clients that know only ssh-rsa host keys
	if err != nil {
		return nil, err
	}
	var out []ssh.Signer
	for _, k := range []any{ed, rk} {
		sg, err := ssh.NewSignerFromKey(k)
		if err != nil {
			return nil, err
		}
		out = append(out, sg)
	}
	return out, nil
}

// HostKeyFromPEM reads a host key: a PEM private key as ssh-keygen writes it.
func HostKeyFromPEM(pem []byte) (ssh.Signer, error) { return ssh.ParsePrivateKey(pem) }

// Fingerprints returns the SHA-256 fingerprints of the host keys, as ssh-keygen -l shows them
// ("SHA256:..."), with each key's type.
func (s *Server) Fingerprints() []string {
	var out []string
	for _, k := range s.keys {
		out = append(out, k.PublicKey().Type()+" "+ssh.FingerprintSHA256(k.PublicKey()))
	}
	return out
}

func addrOf(a net.Addr) netip.Addr {
	if ap, err := netip.ParseAddrPort(a.String()); err == nil {
		return ap.Addr().Unmap()
	}
	return netip.Addr{}
}

// Serve accepts connections on ln until ctx ends, then stops accepting, closes idle sessions at once,
// lets downloads in flight finish for at most shutdownTimeout (0 means DefaultShutdownTimeout) and
// returns nil, or ErrShutdownTimeout when it had to cut some.
func (s *Server) Serve(ctx context.Context, ln net.Listener, shutdownTimeout time.Duration) error {
	if shutdownTimeout <= 0 {
		shutdownTimeout = DefaultShutdownTimeout
	}
	stop := context.AfterFunc(ctx, func() { ln.Close() })
	defer stop()
	var err error
	for {
		conn, aerr := ln.Accept()
		if aerr != nil {
			if ctx.Err() == nil {
				err = aerr
			}
			break
		}
		s.start(conn)
	}
	return errors.Join(err, s.shutdown(shutdownTimeout))
}

func (s *Server) start(conn net.Conn) {
	addr := addrOf(conn.RemoteAddr())
	s.mu.Lock()
	if len(s.conns) >= maxConns || s.byAddr[addr] >= maxConnsPerAddr {
		s.mu.Unlock()
		conn.Close() // before the SSH version exchange: the client sees the connection closed
		return
	}
	ss := &session{conn: &idleConn{Conn: conn}, addr: addr}
	s.conns[ss] = true
	s.byAddr[addr]++
	s.mu.Unlock()
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		defer func() {
			ss.conn.Close()
			s.mu.Lock()
			delete(s.conns, ss)
			if s.byAddr[addr]--; s.byAddr[addr] == 0 {
				delete(s.byAddr, addr)
			}
			s.mu.Unlock()
		}()
		s.serveConn(ss)
	}()
}

// shutdown closes sessions without downloads in flight at once and the others when theirs end or the
// timeout passes.
func (s *Server) shutdown(timeout time.Duration) error {
	done := make(chan struct{})
	go func() { s.wg.Wait(); close(done) }()
	deadline := time.After(timeout)
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		s.mu.Lock()
		for ss := range s.conns {
			if ss.busy() == 0 {
				ss.conn.Close()
			}
		}
		s.mu.Unlock()
		select {
		case <-done:
			return nil
		case <-tick.C:
		case <-deadline:
			s.mu.Lock()
			for ss := range s.conns {
				ss.conn.Close()
			}
			s.mu.Unlock()
			<-done
			return fmt.Errorf("SFTP: %w (%s)", ErrShutdownTimeout, timeout)
		}
	}
}

// session is one SSH connection.
type session struct {
	conn *idleConn
	addr netip.Addr
	user string

	mu   sync.Mutex
	open int // files open for reading: downloads in flight
}

func (ss *session) busy() int {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	return ss.open
}

func (s *Server) serveConn(ss *session) {
	ss.conn.SetDeadline(time.Now().Add(handshakeTimeout))
	sc, chans, reqs, err := ssh.NewServerConn(ss.conn, s.config)
	if err != nil {
		return
	}
	defer sc.Close()
	ss.conn.SetDeadline(time.Time{})
	ss.conn.idle.Store(int64(idleTimeout))
	ss.user = sc.User()
	go ssh.DiscardRequests(reqs)
	for nc := range chans {
		if nc.ChannelType() != "session" {
			nc.Reject(ssh.UnknownChannelType, "only session channels: this server speaks SFTP")
			continue
		}
		ch, creqs, err := nc.Accept()
		if err != nil {
			continue
		}
		go s.serveChannel(ss, ch, creqs)
	}
}

// serveChannel runs the sftp subsystem on a session channel; shells and commands are refused.
func (s *Server) serveChannel(ss *session, ch ssh.Channel, reqs <-chan *ssh.Request) {
	defer ch.Close()
	for req := range reqs {
		switch {
		case req.Type == "subsystem" && len(req.Payload) >= 4 && string(req.Payload[4:]) == "sftp":
			req.Reply(true, nil)
			go ssh.DiscardRequests(reqs)
			h := &handlers{s: s, ss: ss}
			rs := sftp.NewRequestServer(ch, sftp.Handlers{FileGet: h, FilePut: h, FileCmd: h, FileList: h})
			rs.Serve()
			rs.Close()
			return
		case req.Type == "env":
			req.Reply(true, nil)
		default:
			if req.Type == "exec" || req.Type == "shell" {
				fmt.Fprintln(ch.Stderr(), "this server speaks SFTP only")
			}
			req.Reply(false, nil)
		}
	}
}

// idleConn closes a connection that has been silent for its idle time (set once logged on).
type idleConn struct {
	net.Conn
	idle atomic.Int64 // time.Duration
}

func (c *idleConn) Read(b []byte) (int, error) {
	if idle := time.Duration(c.idle.Load()); idle > 0 {
		c.Conn.SetReadDeadline(time.Now().Add(idle))
	}
	return c.Conn.Read(b)
}

// handlers are the SFTP request handlers of one session.
type handlers struct {
	s  *Server
	ss *session
}

func (h *handlers) log(request, result string, start time.Time) {
	h.s.backend.Log(h.ss.user, h.ss.addr, request, result, time.Since(start))
}

// locate splits a cleaned absolute path into a directory of the user's and a file name in it; dir is
// "" for the login directory, name "" for a directory itself. ok is false for anything else.
func (h *handlers) locate(p string) (dir, name string, ok bool) {
	p = path.Clean("/" + p)
	if p == "/" {
		return "", "", true
	}
	parts := strings.Split(strings.TrimPrefix(p, "/"), "/")
	if len(parts) > 2 {
		return "", "", false
	}
	for _, d := range h.s.backend.Dirs() {
		if parts[0] == d {
			if len(parts) == 1 {
				return d, "", true
			}
			return d, parts[1], true
		}
	}
	return "", "", false
}

func (h *handlers) find(dir, name string) (File, bool) {
	for _, f := range h.s.backend.List(h.ss.user, dir) {
		if f.Name == name {
			return f, true
		}
	}
	return File{}, false
}

// Fileread opens a file for download.
func (h *handlers) Fileread(r *sftp.Request) (io.ReaderAt, error) {
	start := time.Now()
	dir, name, ok := h.locate(r.Filepath)
	var f File
	if ok && name != "" {
		f, ok = h.find(dir, name)
	} else {
		ok = false
	}
	if !ok {
		h.log("get "+r.Filepath, "no such file", start)
		return nil, os.ErrNotExist
	}
	h.log(fmt.Sprintf("get %s (%d bytes)", r.Filepath, len(f.Data)), "ok", start)
	h.ss.mu.Lock()
	h.ss.open++
	h.ss.mu.Unlock()
	return &download{Reader: bytes.NewReader(f.Data), ss: h.ss}, nil
}

// download is an open file; Close ends the download in flight.
type download struct {
	*bytes.Reader
	ss   *session
	once sync.Once
}

func (d *download) Close() error {
	d.once.Do(func() {
		d.ss.mu.Lock()
		d.ss.open--
		d.ss.mu.Unlock()
	})
	return nil
}

// Filewrite refuses uploads.
func (h *handlers) Filewrite(r *sftp.Request) (io.WriterAt, error) {
	h.log("put "+r.Filepath, "permission denied", time.Now())
	return nil, sftp.ErrSSHFxPermissionDenied
}

// Filecmd carries out remove; every other command is refused.
func (h *handlers) Filecmd(r *sftp.Request) error {
	start := time.Now()
	if r.Method != "Remove" {
		h.log(strings.ToLower(r.Method)+" "+r.Filepath, "permission denied", start)
		return sftp.ErrSSHFxPermissionDenied
	}
	dir, name, ok := h.locate(r.Filepath)
	if !ok || name == "" || !h.s.backend.Remove(h.ss.user, dir, name) {
		h.log("remove "+r.Filepath, "no such file", start)
		return os.ErrNotExist
	}
	h.log("remove "+r.Filepath, "ok", start)
	return nil
}

// Filelist lists a directory or stats a path.
func (h *handlers) Filelist(r *sftp.Request) (sftp.ListerAt, error) {
	start := time.Now()
	dir, name, ok := h.locate(r.Filepath)
	if ok && name != "" {
		f, found := h.find(dir, name)
		ok = found
		if ok && r.Method != "List" {
			return listing{fileInfo{name: f.Name, size: int64(len(f.Data)), modified: f.Modified}}, nil
		}
		if ok {
			return nil, sftp.ErrSSHFxFailure // SFTP lists directories only
		}
	}
	if !ok {
		if r.Method == "List" {
			h.log("list "+r.Filepath, "no such directory", start)
		}
		return nil, os.ErrNotExist
	}
	self := fileInfo{name: path.Base("/" + dir), dir: true}
	if r.Method != "List" {
		return listing{self}, nil
	}
	var out listing
	if dir == "" {
		for _, d := range h.s.backend.Dirs() {
			out = append(out, fileInfo{name: d, dir: true})
		}
	} else {
		for _, f := range h.s.backend.List(h.ss.user, dir) {
			out = append(out, fileInfo{name: f.Name, size: int64(len(f.Data)), modified: f.Modified})
		}
	}
	h.log(fmt.Sprintf("list %s (%d entries)", r.Filepath, len(out)), "ok", start)
	return out, nil
}

// Lstat is Stat: there are no links.
func (h *handlers) Lstat(r *sftp.Request) (sftp.ListerAt, error) { return h.Filelist(r) }

// RealPath resolves a path against the login directory, "/".
func (h *handlers) RealPath(p string) (string, error) { return path.Clean("/" + p), nil }

// Readlink refuses: there are no links.
func (h *handlers) Readlink(string) (string, error) { return "", os.ErrInvalid }

type listing []os.FileInfo

func (l listing) ListAt(dst []os.FileInfo, offset int64) (int, error) {
	if offset >= int64(len(l)) {
		return 0, io.EOF
	}
	n := copy(dst, l[offset:])
	if n < len(dst) {
		return n, io.EOF
	}
	return n, nil
}

type fileInfo struct {
	name     string
	size     int64
	modified time.Time
	dir      bool
}

func (f fileInfo) Name() string { return f.name }
func (f fileInfo) Size() int64  { return f.size }
func (f fileInfo) Mode() os.FileMode {
	if f.dir {
		return os.ModeDir | 0o555
	}
	return 0o444
}
func (f fileInfo) ModTime() time.Time { return f.modified }
func (f fileInfo) IsDir() bool        { return f.dir }
func (f fileInfo) Sys() any           { return nil }
