package sandbox

import (
	"sync"
	"time"
)

// JournalSize is how many requests the journal keeps: the newest.
const JournalSize = 1000

// Entry is one request the sandbox received.
type Entry struct {
	Time     time.Time `json:"time"`
	Protocol string    `json:"protocol"` // "http" or "direkte"
	Remote   string    `json:"remote"`
	Request  string    `json:"request"` // "GET /api/persons/0101650001", "lookup 1234 TESTUSER 0101650001"
	Result   string    `json:"result"`  // the HTTP status, or FEJLNR
	Millis   float64   `json:"ms"`
}

// journal is a ring of the newest requests. Its own lock guards it.
type journal struct {
	mu      sync.Mutex
	entries []Entry
	next    int
	total   int
}

func (j *journal) add(e Entry) {
	j.mu.Lock()
	defer j.mu.Unlock()
	if len(j.entries) < JournalSize {
		j.entries = append(j.entries, e)
	} else {
		j.entries[j.next] = e
	}
	j.next = (j.next + 1) % JournalSize
	j.total++
}

// Journal returns the newest requests received, oldest first (at most JournalSize), and how many were
// received in all.
func (s *Sandbox) Journal() ([]Entry, int) {
	j := &s.journal
	j.mu.Lock()
	defer j.mu.Unlock()
	if len(j.entries) < JournalSize {
		return append([]Entry(nil), j.entries...), j.total
	}
	return append(append([]Entry(nil), j.entries[j.next:]...), j.entries[:j.next]...), j.total
}
