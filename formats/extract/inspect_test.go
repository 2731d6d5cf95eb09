package extract

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cprtestdata/cprtestdata/generator"
)

func openFile(name string) (io.ReadCloser, error) { return os.Open(name) }

func TestInspectSamples(t *testing.T) {
	readSample(t, "D100312.L431101") // skips or fails when the samples are missing
	for _, name := range []string{"U12170-P_opgavenr_110901_stream.txt", "U12170-P_opgavenr_110901_lines.txt"} {
		rep, err := Inspect([]string{filepath.Join(samples, name)}, openFile)
		if err != nil {
			t.Fatal(err)
		}
		if rep.Violations != 0 {
			for _, f := range rep.Findings {
				if f.Violates {
					t.Errorf("%s: %s", name, f)
				}
			}
		}
		if fr := rep.Files[0]; fr.Records != 1100 || fr.Persons != 80 || fr.Counts["001"] != 80 {
			t.Errorf("%s: %+v", name, fr)
		}
	}
	rep, err := Inspect([]string{filepath.Join(samples, "D100312.L431101")}, openFile)
	if err != nil {
		t.Fatal(err)
	}
	counter := false
	for _, f := range rep.Findings {
		if f.Rule == "counter" && f.Violates && strings.Contains(f.Message, "counts 1152") && strings.Contains(f.Message, "1139") {
			counter = true
		}
		if f.Violates && f.Rule != "counter" {
			t.Errorf("unexpected violation: %s", f)
		}
	}
	if !counter {
		t.Errorf("the wrong 999 counter was not reported: %+v", rep.Findings)
	}
}

// TestInspectGenerated checks that the project's own extracts pass, and that inspection finds what is
// broken in them.
func TestInspectGenerated(t *testing.T) {
	ps := population(t, 2000)
	dir := t.TempDir()
	day1 := filepath.Join(dir, FileName(asOf, 0))
	day2 := filepath.Join(dir, FileName(asOf.AddDays(1), 0))
	day3 := filepath.Join(dir, FileName(asOf.AddDays(2), 0))
	os.WriteFile(day1, writeExtract(t, ps, FileOptions{}), 0o644)
	var parents []*generator.Person // persons with children, without the children: links out of the file
	for _, p := range ps {
		if len(p.Children) > 0 && len(parents) < 10 {
			parents = append(parents, p)
		}
	}
	os.WriteFile(day2, writeExtract(t, parents, FileOptions{Production: asOf.AddDays(1)}), 0o644)
	os.WriteFile(day3, writeExtract(t, ps[:10], FileOptions{Production: asOf.AddDays(2)}), 0o644)
	rep, err := Inspect([]string{day1, day2, day3}, openFile)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range rep.Findings {
		if f.Violates {
			t.Errorf("generated extract: %s", f)
		}
	}
	if rep.Info == 0 {
		t.Error("a partial file (10 persons) has no links to numbers it does not carry")
	}
	// Leave out the middle file: the chain breaks.
	rep, _ = Inspect([]string{day1, day3}, openFile)
	if !hasRule(rep, "chain") {
		t.Error("a missing file in the production-date chain was not reported")
	}
	// Break things and see them found.
	data := writeExtract(t, ps[:50], FileOptions{WriterOptions: WriterOptions{Framing: LF}})
	lines := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
	broken := map[string][]string{
		"counter":     append(append([]string{}, lines[:len(lines)-1]...), "99999999999990000001"),
		"frame":       lines[1:],
		"cardinality": dropFirst(lines, "008"),
		"gender":      replaceIn(lines, "001", 38, "X"),
	}
	for rule, ls := range broken {
		path := filepath.Join(dir, rule)
		os.WriteFile(path, []byte(strings.Join(ls, "\n")+"\n"), 0o644)
		rep, err := Inspect([]string{path}, openFile)
		if err != nil {
			t.Fatal(err)
		}
		if !hasRule(rep, rule) {
			t.Errorf("%s not found: %+v", rule, rep.Findings)
		}
	}
	// A truncated file is a finding with a position, never a panic.
	path := filepath.Join(dir, "truncated")
	os.WriteFile(path, data[:len(data)/2+7], 0o644)
	rep, err = Inspect([]string{path}, openFile)
	if err != nil || !hasRule(rep, "layout") && !hasRule(rep, "frame") {
		t.Errorf("truncated file: %v %+v", err, rep)
	}
}

func hasRule(rep *Report, rule string) bool {
	for _, f := range rep.Findings {
		if f.Rule == rule && f.Violates {
			return true
		}
	}
	return false
}

func dropFirst(lines []string, t string) []string {
	var out []string
	dropped := false
	for _, l := range lines {
		if !dropped && strings.HasPrefix(l, t) {
			dropped = true
			continue
		}
		out = append(out, l)
	}
	return out
}

func replaceIn(lines []string, t string, pos int, s string) []string {
	out := append([]string{}, lines...)
	for i, l := range out {
		if strings.HasPrefix(l, t) {
			out[i] = l[:pos] + s + l[pos+len(s):]
			break
		}
	}
	return out
}

// TestInspectEmptyFile checks that a file without a start and an end record is a violation: Receiver
// refuses it, so inspect must not pass it.
func TestInspectEmptyFile(t *testing.T) {
	for name, data := range map[string]string{"empty": "", "blank line": "\n"} {
		t.Run(name, func(t *testing.T) {
			rep, err := Inspect([]string{"D260101.L900001"}, func(string) (io.ReadCloser, error) { return io.NopCloser(strings.NewReader(data)), nil })
			if err != nil {
				t.Fatal(err)
			}
			if rep.Violations < 2 {
				t.Errorf("%d violations, want the missing 000 and 999: %+v", rep.Violations, rep.Findings)
			}
		})
	}
}
