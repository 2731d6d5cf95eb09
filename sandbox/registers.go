package sandbox

import (
	"bytes"
	"fmt"

	"github.com/cprtestdata/cprtestdata/formats/registers"
)

// Registers returns CPR's road register and authority table for the sandbox as it is today: every road
// and authority code of every person's records now - which hold the addresses and codes of every
// extract published so far in their histories - and nothing else, as testdata generate writes them.
func (s *Sandbox) Registers() ([]*File, error) {
	s.mu.RLock()
	c := registers.NewCollector()
	for _, p := range s.persons {
		c.Add(p)
	}
	today := s.start.AddDays(s.clock.Day())
	s.mu.RUnlock()
	opts := registers.Options{Production: today}
	var out []*File
	for _, r := range c.Registers() {
		var buf bytes.Buffer
		n, err := r.Write(&buf, opts)
		if err != nil {
			return nil, fmt.Errorf("register %s: %w", r.Name, err)
		}
		f := newFile(r.Name, "register", 0, today, today, buf.Bytes(), n, 0)
		f.URL = "/api/registers/" + r.Name
		out = append(out, f)
	}
	return out, nil
}
