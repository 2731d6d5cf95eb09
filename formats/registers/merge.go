package registers

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"maps"
	"slices"
)

// Merge writes to w the register named name (RoadFile or AuthorityFile) holding every entry of srcs,
// each that register as a Collector writes it: the union of their codes, each once, in code order,
// between a start and an end record of opts. It is the register a Collector given all their persons
// writes, byte for byte. An entry two sources give differently is an error. It returns the records
// written, start and end included.
func Merge(w io.Writer, name string, srcs []io.Reader, opts Options) (int, error) {
	var key func(line []byte) []byte // an entry's sort key, from its first line
	switch name {
	case RoadFile:
		key = func(l []byte) []byte { return l[3:11] } // KOMKOD, VEJKOD
	case AuthorityFile:
		key = func(l []byte) []byte { return append(slices.Clip(l[7:9]), l[3:7]...) } // MYNTYP, MYNKOD
	default:
		return 0, fmt.Errorf("merge %s: not a register of testdata's", name)
	}
	entries := map[string][]byte{} // by key: the entry's lines, line ends included
	for k, src := range srcs {
		r := bufio.NewReader(src)
		var (
			cur   []byte
			curK  string
			lines int
		)
		put := func() error {
			if cur == nil {
				return nil
			}
			if prev, ok := entries[curK]; ok && !bytes.Equal(prev, cur) {
				return fmt.Errorf("merge %s: source %d: the entry of %s differs from an earlier source's", name, k, curK)
			}
			entries[curK] = cur
			cur = nil
			return nil
		}
		for {
			line, err := r.ReadBytes('\n')
			if err == io.EOF && len(line) == 0 {
				break
			}
			if err != nil && err != io.EOF {
				return 0, fmt.Errorf("merge %s: source %d: %w", name, k, err)
			}
			lines++
			t := string(line[:min(3, len(line))])
			switch {
			case lines == 1:
				if t != startRecord.Type {
					return 0, fmt.Errorf("merge %s: source %d: no start record", name, k)
				}
				continue
			case t == endRecord.Type:
				if err := put(); err != nil {
					return 0, err
				}
				continue
			case len(line) < 11:
				return 0, fmt.Errorf("merge %s: source %d line %d: too short for a record", name, k, lines)
			case name == RoadFile && t == road004Record.Type && cur != nil:
				cur = append(cur, line...) // a 004 belongs to the road of the 001 before it
				continue
			}
			if err := put(); err != nil {
				return 0, err
			}
			cur, curK = slices.Clone(line), string(key(line))
		}
		if err := put(); err != nil {
			return 0, err
		}
	}
	rw := newWriter(w, opts)
	for _, k := range slices.Sorted(maps.Keys(entries)) {
		for line := range bytes.Lines(entries[k]) {
			rw.put(bytes.TrimSuffix(line, []byte("\n")))
		}
	}
	return rw.close()
}
