package sandbox

import (
	"bytes"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/cprtestdata/cprtestdata/formats/extract"
	"github.com/cprtestdata/cprtestdata/sandbox/direkte"
)

// File faults: what can be wrong with a delivered extract. Each applies to the next change extract the
// clock publishes, one fault per file, in the order they were asked for.
const (
	FaultTruncated     = "truncated"      // the file stops in the middle of a record
	FaultMissingEnd    = "missing-999"    // no end record
	FaultWrongCount    = "wrong-999"      // the end record counts 7 records too many
	FaultDuplicate     = "duplicate"      // the file is delivered twice
	FaultBrokenChain   = "broken-chain"   // its previous production date is not the last file's
	FaultWrongEncoding = "wrong-encoding" // UTF-8 instead of ISO-8859-1
)

// FileFaults lists the file faults, in the order the admin API documents them.
var FileFaults = []string{FaultTruncated, FaultMissingEnd, FaultWrongCount, FaultDuplicate, FaultBrokenChain, FaultWrongEncoding}

// faults holds the faults asked for and not yet used up. Its own lock guards it.
type faults struct {
	mu       sync.Mutex
	files    []string      // for the next change extracts, one each
	latency  time.Duration // added to the next latencyN requests (HTTP and CPR Direkte)
	latencyN int
	direkte  direkte.Code // answered to the next direkteN CPR Direkte requests
	direkteN int
	status   int // answered to the next statusN HTTP requests under /api
	statusN  int
	drops    int // the next drops connections are closed without an answer
}

// FaultState is what GET /admin/faults shows: the faults still to come.
type FaultState struct {
	Files         []string `json:"files"`
	LatencyMillis int      `json:"latency_ms,omitempty"`
	LatencyCount  int      `json:"latency_count,omitempty"`
	DirekteError  int      `json:"direkte_error,omitempty"`
	DirekteCount  int      `json:"direkte_error_count,omitempty"`
	HTTPStatus    int      `json:"http_status,omitempty"`
	HTTPCount     int      `json:"http_status_count,omitempty"`
	DroppedConns  int      `json:"dropped_connections,omitempty"`
}

// Faults returns the faults still to come.
func (s *Sandbox) Faults() FaultState {
	f := &s.faults
	f.mu.Lock()
	defer f.mu.Unlock()
	return FaultState{Files: append([]string{}, f.files...), LatencyMillis: int(f.latency / time.Millisecond), LatencyCount: f.latencyN,
		DirekteError: int(f.direkte), DirekteCount: f.direkteN, HTTPStatus: f.status, HTTPCount: f.statusN, DroppedConns: f.drops}
}

// ClearFaults drops every fault still to come.
func (s *Sandbox) ClearFaults() {
	f := &s.faults
	f.mu.Lock()
	defer f.mu.Unlock()
	f.files, f.latencyN, f.direkteN, f.statusN, f.drops = nil, 0, 0, 0, 0
}

// FileFault makes the next change extract carry fault (one of FileFaults).
func (s *Sandbox) FileFault(fault string) error {
	if !slices.Contains(FileFaults, fault) {
		return fmt.Errorf("file fault %q: %w: want one of %v", fault, ErrConfig, FileFaults)
	}
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	s.faults.files = append(s.faults.files, fault)
	return nil
}

// Latency delays the next count requests, HTTP (under /api) and CPR Direkte, by d.
func (s *Sandbox) Latency(d time.Duration, count int) error {
	if d < 0 || d > time.Minute || count < 1 {
		return fmt.Errorf("latency %s for %d requests: %w: want 0-60 s for 1 or more", d, count, ErrConfig)
	}
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	s.faults.latency, s.faults.latencyN = d, count
	return nil
}

// DirekteError answers the next count CPR Direkte requests with error number code.
func (s *Sandbox) DirekteError(code direkte.Code, count int) error {
	if !slices.Contains(direkte.Codes(), code) || code == direkte.OK || count < 1 {
		return fmt.Errorf("CPR Direkte error %02d for %d requests: %w: want one of CPR's error numbers, for 1 or more", code, count, ErrConfig)
	}
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	s.faults.direkte, s.faults.direkteN = code, count
	return nil
}

// HTTPError answers the next count HTTP requests under /api with status.
func (s *Sandbox) HTTPError(status, count int) error {
	if status < 400 || status > 599 || count < 1 {
		return fmt.Errorf("HTTP status %d for %d requests: %w: want 400-599, for 1 or more", status, count, ErrConfig)
	}
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	s.faults.status, s.faults.statusN = status, count
	return nil
}

// DropConnections closes the next count connections (HTTP under /api, or CPR Direkte) without an answer.
func (s *Sandbox) DropConnections(count int) error {
	if count < 1 {
		return fmt.Errorf("drop %d connections: %w: want 1 or more", count, ErrConfig)
	}
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	s.faults.drops = count
	return nil
}

// take uses up one request's worth of protocol faults: the delay, whether to drop, and the error to
// answer (0 when none).
func (f *faults) take(direkteRequest bool) (delay time.Duration, drop bool, direkteCode direkte.Code, status int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.latencyN > 0 {
		delay = f.latency
		f.latencyN--
	}
	if f.drops > 0 {
		f.drops--
		return delay, true, 0, 0
	}
	if direkteRequest && f.direkteN > 0 {
		f.direkteN--
		return delay, false, f.direkte, 0
	}
	if !direkteRequest && f.statusN > 0 {
		f.statusN--
		return delay, false, 0, f.status
	}
	return delay, false, 0, 0
}

// nextFileFault uses up the next file fault, or returns "".
func (f *faults) nextFileFault() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.files) == 0 {
		return ""
	}
	fault := f.files[0]
	f.files = f.files[1:]
	return fault
}

// damage applies a file fault to a change extract's bytes; records counts those between 000 and 999.
func damage(fault string, data []byte, records int) []byte {
	switch fault {
	case FaultTruncated:
		return data[:len(data)/2+7] // mid-record, whatever the framing
	case FaultMissingEnd:
		if at, ok := extract.EndRecord(data); ok {
			return data[:at]
		}
	case FaultWrongCount:
		if at, ok := extract.EndRecord(data); ok {
			out := bytes.Clone(data)
			copy(out[at:], extract.AppendEnd(nil, records+7))
			return out
		}
	}
	return data // the broken chain and the wrong encoding are made by writing the file so
}

// direkteFault answers a CPR Direkte request from the faults asked for, or returns nil to go on.
// drop reports that the connection is to be closed without an answer.
func (s *Sandbox) direkteFault(customer int, user string) (resp *direkte.Response, drop bool) {
	delay, drop, code, _ := s.faults.take(true)
	if delay > 0 {
		time.Sleep(delay)
	}
	if drop {
		return nil, true
	}
	if code != 0 {
		return &direkte.Response{Customer: customer, User: user, Code: code, Data: errorText(code)}, false
	}
	return nil, false
}
