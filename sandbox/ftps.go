package sandbox

import (
	"net/netip"
	"slices"
	"strconv"
	"time"

	"github.com/cprtestdata/cprtestdata/sandbox/ftpsd"
)

// FTPS returns the customers' CPR directories as an ftpsd.Backend, as CPR serves its batch customers:
// user name the customer number in four digits, its file-channel password (after AUTH TLS), from an
// address the customer allows; ud/ holds the customer's own extracts (those of its PNR subscriptions
// and requisitions, with the 997 and 910 answers to its input), ind/ takes input files, carried out at
// the next delivery.
func (s *Sandbox) FTPS() ftpsd.Backend { return ftpsBackend{s} }

type ftpsBackend struct{ s *Sandbox }

func (b ftpsBackend) Password(user, password string, remote netip.Addr) bool {
	return sftpBackend(b).Password(user, password, remote)
}

func (b ftpsBackend) List(user string) []ftpsd.File {
	n, _ := strconv.Atoi(user)
	files, _ := b.s.Deliveries(n)
	out := make([]ftpsd.File, len(files))
	for i, f := range files {
		out[i] = ftpsd.File{Name: f.Name, Modified: deliveredAt(f.Production), Data: f.data}
	}
	return out
}

func (b ftpsBackend) Remove(user, name string) bool {
	n, _ := strconv.Atoi(user)
	a := b.s.access
	a.mu.Lock()
	defer a.mu.Unlock()
	c, ok := a.customers[n]
	if !ok {
		return false
	}
	i := slices.IndexFunc(c.deliveries, func(f *File) bool { return f.Name == name })
	if i < 0 {
		return false
	}
	c.deliveries = slices.Delete(slices.Clip(c.deliveries), i, i+1)
	return true
}

func (b ftpsBackend) Upload(user, name string, data []byte) error {
	n, _ := strconv.Atoi(user)
	return b.s.Upload(n, name, data)
}

func (b ftpsBackend) Log(user string, remote netip.Addr, request, result string, took time.Duration) {
	b.s.journal.add(Entry{Time: time.Now().Add(-took).UTC(), Protocol: "ftps", Remote: remote.String(),
		Request: user + " " + request, Result: result, Millis: float64(took.Microseconds()) / 1000})
}
