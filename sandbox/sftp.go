package sandbox

import (
	"crypto/subtle"
	"net/netip"
	"strconv"
	"time"

	"github.com/cprtestdata/cprtestdata/sandbox/sftpd"
	"golang.org/x/crypto/ssh"
)

// SFTP returns the customers' SFTP directories as an sftpd.Backend, as Serviceplatformen serves them:
// user name the customer number in four digits ("1234"; "12" and "0012" alike), an SSH key of the
// customer's or its file-channel password, from an address the customer allows; IN holds the delta
// files and their .metadata files, OUT is empty (uploads are not taken).
func (s *Sandbox) SFTP() sftpd.Backend { return sftpBackend{s} }

type sftpBackend struct{ s *Sandbox }

// customerOf returns the customer a user name names, if it may log on from remote. a.mu is held.
func (a *access) customerOf(user string, remote netip.Addr) *customer {
	n, err := strconv.Atoi(user)
	if err != nil || n < 1 || n > 9999 || len(user) > 4 {
		return nil
	}
	c := a.customers[n]
	if c == nil || !allowed(c, remote) {
		return nil
	}
	return c
}

func (b sftpBackend) Password(user, password string, remote netip.Addr) bool {
	a := b.s.access
	a.mu.Lock()
	defer a.mu.Unlock()
	c := a.customerOf(user, remote)
	return c != nil && c.password != "" && subtle.ConstantTimeCompare([]byte(c.password), []byte(password)) == 1
}

func (b sftpBackend) PublicKey(user string, key ssh.PublicKey, remote netip.Addr) bool {
	a := b.s.access
	a.mu.Lock()
	defer a.mu.Unlock()
	c := a.customerOf(user, remote)
	return c != nil && c.keys[string(key.Marshal())]
}

func (sftpBackend) Dirs() []string { return []string{"IN", "OUT"} }

func (b sftpBackend) List(user, dir string) []sftpd.File {
	n, _ := strconv.Atoi(user)
	if dir != "IN" {
		return nil
	}
	files, _ := b.s.Inbox(n)
	out := make([]sftpd.File, len(files))
	for i, f := range files {
		out[i] = sftpd.File{Name: f.Name, Modified: f.Modified, Data: f.data}
	}
	return out
}

func (b sftpBackend) Remove(user, dir, name string) bool {
	n, _ := strconv.Atoi(user)
	return dir == "IN" && b.s.RemoveInboxFile(n, name)
}

func (b sftpBackend) Log(user string, remote netip.Addr, request, result string, took time.Duration) {
	b.s.journal.add(Entry{Time: time.Now().Add(-took).UTC(), Protocol: "sftp", Remote: remote.String(),
		Request: user + " " + request, Result: result, Millis: float64(took.Microseconds()) / 1000})
}
