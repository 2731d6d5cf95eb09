package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/cprtestdata/cprtestdata/generator/pnr"
	"github.com/cprtestdata/cprtestdata/sandbox"
)

func TestGenerate(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	_, stderr, code := runCLI(t, "", "generate", "--out", dir, "--persons", "2000", "--seed", "9", "--scenario", "twins=4")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, f := range []string{"D260101.L900001", "persons.jsonl", "substitutes.jsonl", "manifest.json"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
	manifest, _ := os.ReadFile(filepath.Join(dir, "manifest.json"))
	if !strings.Contains(string(manifest), `"name": "twins"`) || !strings.Contains(string(manifest), `"quota": 4`) {
		t.Error("manifest lacks the twins quota of 4")
	}
	// Again into the same directory: refused without --force, the files untouched.
	_, stderr, code = runCLI(t, "", "generate", "--out", dir, "--persons", "10")
	if code != exitUsage || !strings.Contains(stderr, "not empty") {
		t.Errorf("second run: exit %d, %s", code, stderr)
	}
	again, _ := os.ReadFile(filepath.Join(dir, "manifest.json"))
	if string(again) != string(manifest) {
		t.Error("a refused run changed the manifest")
	}
	// With --force and the same options: the same bytes.
	if _, stderr, code = runCLI(t, "", "generate", "--out", dir, "--persons", "2000", "--seed", "9", "--scenario", "twins=4", "--force", "--workers", "1"); code != exitOK {
		t.Fatalf("--force: exit %d: %s", code, stderr)
	}
	third, _ := os.ReadFile(filepath.Join(dir, "manifest.json"))
	if string(third) != string(manifest) {
		t.Error("the same options with one worker give a different manifest")
	}
}

// TestGenerateDays runs a timeline from the command line and checks the series with testdata inspect.
func TestGenerateDays(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	_, stderr, code := runCLI(t, "", "generate", "--out", dir, "--persons", "3000", "--days", "7", "--final-status",
		"--format", "fixed,csv", "--framing", "lf")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	series := []string{filepath.Join(dir, "D260101.L900001")}
	for day := 2; day <= 8; day++ {
		series = append(series, filepath.Join(dir, "changes", "D26010"+string(rune('0'+day))+".L900001"))
	}
	for _, f := range append(series, filepath.Join(dir, "final", "D260108.L900001"), filepath.Join(dir, "csv", "099_events.csv")) {
		if _, err := os.Stat(f); err != nil {
			t.Error(err)
		}
	}
	stdout, stderr, code := runCLI(t, "", append([]string{"inspect"}, series...)...)
	if code != exitOK || !strings.Contains(stdout, "0 violations") {
		t.Errorf("inspect of the series: exit %d\n%s%s", code, stdout, stderr)
	}
	// testdata apply: the series applied is the final status extract, byte for byte.
	result := filepath.Join(t.TempDir(), "result")
	if _, stderr, code := runCLI(t, "", append([]string{"apply", "--out", result, "--framing", "lf"}, series...)...); code != exitOK {
		t.Fatalf("apply: exit %d, %s", code, stderr)
	}
	got, _ := os.ReadFile(result)
	want, _ := os.ReadFile(filepath.Join(dir, "final", "D260108.L900001"))
	if len(want) == 0 || string(got) != string(want) {
		t.Errorf("apply gives %d bytes, the final status extract has %d", len(got), len(want))
	}
	if _, stderr, code := runCLI(t, "", "apply", "--out", result, series[0]); code != exitUsage || !strings.Contains(stderr, "--force") {
		t.Errorf("apply over an existing file: exit %d, %s", code, stderr)
	}
	trunc := filepath.Join(t.TempDir(), "truncated")
	data, _ := os.ReadFile(series[0])
	os.WriteFile(trunc, data[:bytes.LastIndexByte(data[:len(data)/2], '\n')+1], 0o644) // cut after a whole record
	if _, stderr, code := runCLI(t, "", "apply", "--out", result+"2", trunc); code != exitInvalid || !strings.Contains(stderr, "end record") {
		t.Errorf("apply of a truncated file: exit %d, %s", code, stderr)
	}
	stdout, _, code = runCLI(t, "", "inspect", series[0], series[1], series[3])
	if code != exitInvalid || !strings.Contains(stdout, "a file is missing") {
		t.Errorf("inspect without day 2: exit %d\n%s", code, stdout)
	}
}

// TestGenerateArea: an area run, applied with apply --municipality, is its final status extract, byte
// for byte; the manifest names the area, and inspect finds the series whole.
func TestGenerateArea(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "area")
	if _, stderr, code := runCLI(t, "", "generate", "--out", dir, "--persons", "10000", "--days", "14", "--final-status",
		"--format", "fixed,jsonl", "--municipality", "101,0147"); code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	series := []string{filepath.Join(dir, "D260101.L900001")}
	changes, _ := filepath.Glob(filepath.Join(dir, "changes", "*"))
	series = append(series, changes...)
	if stdout, stderr, code := runCLI(t, "", append([]string{"inspect"}, series...)...); code != exitOK {
		t.Errorf("inspect of the area series: exit %d\n%s%s", code, stdout, stderr)
	}
	result := filepath.Join(t.TempDir(), "result")
	if _, stderr, code := runCLI(t, "", append([]string{"apply", "--municipality", "101,147", "--out", result}, series...)...); code != exitOK {
		t.Fatalf("apply: exit %d, %s", code, stderr)
	}
	got, _ := os.ReadFile(result)
	want, _ := os.ReadFile(filepath.Join(dir, "final", "D260115.L900001"))
	if len(want) == 0 || string(got) != string(want) {
		t.Errorf("apply --municipality gives %d bytes, the area's final status extract has %d", len(got), len(want))
	}
	if _, stderr, code := runCLI(t, "", append([]string{"apply", "--out", result + "2"}, series...)...); code != exitOK {
		t.Fatalf("apply without the area: exit %d, %s", code, stderr)
	} else if other, _ := os.ReadFile(result + "2"); string(other) == string(want) {
		t.Errorf("apply without --municipality gives the area's final status too: the area changes nothing")
	}
	m, _ := os.ReadFile(filepath.Join(dir, "manifest.json"))
	if !strings.Contains(string(m), `"municipalities": "101,147"`) {
		t.Errorf("the manifest does not name the area")
	}
}

func TestGenerateErrors(t *testing.T) {
	file := filepath.Join(t.TempDir(), "file")
	os.WriteFile(file, []byte("x"), 0o644)
	out := filepath.Join(t.TempDir(), "out")
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no out", []string{"generate"}, "--out is required"},
		{"out is a file", []string{"generate", "--out", file}, "is a file"},
		{"bad seed", []string{"generate", "--out", out, "--seed", "-1"}, "unsigned 64-bit"},
		{"bad as-of", []string{"generate", "--out", out, "--as-of", "2026-13-01"}, "--as-of"},
		{"as-of after 2057", []string{"generate", "--out", out, "--as-of", "2058-01-01"}, "1858-2057"},
		{"bad scenario syntax", []string{"generate", "--out", out, "--scenario", "twins"}, "NAME=N"},
		{"unknown scenario", []string{"generate", "--out", out, "--scenario", "quadruplets=1"}, `scenario "quadruplets"`},
		{"quota too large", []string{"generate", "--out", out, "--persons", "50", "--scenario", "twins=100"}, "more than the population"},
		{"bad shard", []string{"generate", "--out", out, "--shard", "4/4"}, "0 <= K < N"},
		{"zero persons", []string{"generate", "--out", out, "--persons", "0"}, "--persons"},
		{"unknown format", []string{"generate", "--out", out, "--format", "xml"}, "--format"},
		{"unknown compression", []string{"generate", "--out", out, "--compression", "lz4"}, "--compression"},
		{"unknown record type", []string{"generate", "--out", out, "--records", "001,777"}, "--records"},
		{"events in a status extract", []string{"generate", "--out", out, "--records", "099"}, "change files"},
		{"unknown framing", []string{"generate", "--out", out, "--framing", "cr"}, "--framing"},
		{"unknown encoding", []string{"generate", "--out", out, "--encoding", "ebcdic"}, "--encoding"},
		{"trim a stream", []string{"generate", "--out", out, "--trim"}, "--trim needs"},
		{"task out of range", []string{"generate", "--out", out, "--task", "1000000"}, "--task"},
		{"negative days", []string{"generate", "--out", out, "--days", "-1"}, "--days -1: want 0 to 3660"},
		{"absurd days", []string{"generate", "--out", out, "--days", "100000"}, "--days 100000"},
		{"days past 2057", []string{"generate", "--out", out, "--as-of", "2057-06-01", "--days", "365"}, "after 2057-12-31"},
		{"final status without days", []string{"generate", "--out", out, "--final-status"}, "--final-status needs --days"},
		{"weekdays without days", []string{"generate", "--out", out, "--weekdays"}, "--weekdays needs --days"},
		{"bad municipality", []string{"generate", "--out", out, "--municipality", "101,12345"}, `--municipality: municipality code "12345"`},
		{"empty municipality", []string{"generate", "--out", out, "--municipality", ""}, `--municipality: municipality code ""`},
		{"area without 002", []string{"generate", "--out", out, "--municipality", "101", "--records", "001,008"}, "needs record 002"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, stderr, code := runCLI(t, "", tt.args...)
			if code != exitUsage || !strings.Contains(stderr, tt.want) {
				t.Errorf("exit %d, stderr %q; want exit %d and %q", code, stderr, exitUsage, tt.want)
			}
			if strings.Count(strings.TrimSpace(stderr), "\n") != 1 {
				t.Errorf("not one line and a hint: %q", stderr)
			}
		})
	}
	if entries, _ := os.ReadDir(out); len(entries) != 0 {
		t.Errorf("failed runs left %d files in %s", len(entries), out)
	}
}

func TestScenariosCommand(t *testing.T) {
	stdout, _, code := runCLI(t, "", "scenarios")
	if code != exitOK || !strings.Contains(stdout, "no-control-digit") || !strings.Contains(stdout, "widowed") {
		t.Errorf("exit %d:\n%s", code, stdout)
	}
	stdout, _, _ = runCLI(t, "", "scenarios", "--json")
	if n := strings.Count(stdout, "\n"); n < 30 {
		t.Errorf("--json printed %d lines", n)
	}
}

func TestInspectCommand(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	if _, stderr, code := runCLI(t, "", "generate", "--out", dir, "--persons", "500", "--format", "fixed", "--framing", "lf", "--trim"); code != exitOK {
		t.Fatalf("generate: %s", stderr)
	}
	file := filepath.Join(dir, "D260101.L900001")
	stdout, stderr, code := runCLI(t, "", "inspect", file)
	if code != exitOK || !strings.Contains(stdout, "0 violations") || !strings.Contains(stdout, "(lf, trimmed), 500 persons") {
		t.Errorf("inspect of a generated file: exit %d\n%s%s", code, stdout, stderr)
	}
	data, _ := os.ReadFile(file)
	broken := filepath.Join(t.TempDir(), "broken")
	os.WriteFile(broken, []byte(strings.Replace(string(data), "\n999999999999", "\n99999999999900", 1)), 0o644)
	stdout, _, code = runCLI(t, "", "inspect", "--json", broken)
	if code != exitInvalid || !strings.Contains(stdout, `"rule": "counter"`) {
		t.Errorf("inspect of a wrong counter: exit %d\n%s", code, stdout)
	}
	if _, stderr, code := runCLI(t, "", "inspect", filepath.Join(dir, "nope")); code != exitUsage || !strings.Contains(stderr, "no such file") {
		t.Errorf("missing file: exit %d %s", code, stderr)
	}
	if _, _, code := runCLI(t, "", "inspect"); code != exitUsage {
		t.Errorf("no files: exit %d", code)
	}
}

// TestGenerateSafeNumbers writes a population with --safe-numbers and checks from its files alone that
// every number is one CPR has not issued, that inspect passes the extract, and that serve --dir serves it.
func TestGenerateSafeNumbers(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	if _, stderr, code := runCLI(t, "", "generate", "--out", dir, "--persons", "3000", "--safe-numbers", "--days", "5", "--format", "fixed,jsonl", "--quiet"); code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	manifest, _ := os.ReadFile(filepath.Join(dir, "manifest.json"))
	if !strings.Contains(string(manifest), `"number_policy": "safe"`) {
		t.Error("the manifest does not record the safe number policy")
	}
	data, err := os.ReadFile(filepath.Join(dir, "persons.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	numbers := regexp.MustCompile(`"(pnr|spouse_pnr|current_pnr|old_pnr|relation_pnr)":"(\d{10})"`).FindAllStringSubmatch(string(data), -1)
	if len(numbers) < 3000 {
		t.Fatalf("%d numbers in persons.jsonl", len(numbers))
	}
	for _, m := range numbers {
		n, err := pnr.Parse(m[2])
		if err != nil || !pnr.IsSafe(n) {
			t.Fatalf("%s %s is not safe (%v)", m[1], m[2], err)
		}
	}
	if out, stderr, code := runCLI(t, "", "inspect", filepath.Join(dir, "D260101.L900001")); code != exitOK {
		t.Errorf("inspect: exit %d: %s %s", code, stderr, out[max(0, len(out)-300):])
	}
	sb, err := sandbox.FromDir(context.Background(), dir, sandbox.Config{})
	if err != nil {
		t.Fatal(err)
	}
	first, _ := pnr.Parse(numbers[0][2])
	if p, ok := sb.Person(first); !ok || !pnr.IsSafe(p.Number) {
		t.Errorf("serve --dir: person %s: %v", first, ok)
	}
}

// TestGeneratePrivate: generate --product private writes the fixed-width files in the private layout,
// apply --product private makes its final file of the series, and --subscribe narrows it to the
// numbers given.
func TestGeneratePrivate(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "bank")
	if _, stderr, code := runCLI(t, "", "generate", "--out", dir, "--persons", "2000", "--days", "7", "--final-status", "--format", "fixed",
		"--product", "private"); code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	series := []string{filepath.Join(dir, "D260101.L900001")}
	changes, _ := filepath.Glob(filepath.Join(dir, "changes", "*"))
	series = append(series, changes...)
	result := filepath.Join(t.TempDir(), "result")
	if _, stderr, code := runCLI(t, "", append([]string{"apply", "--product", "private", "--out", result}, series...)...); code != exitOK {
		t.Fatalf("apply: exit %d, %s", code, stderr)
	}
	got, _ := os.ReadFile(result)
	want, _ := os.ReadFile(filepath.Join(dir, "final", "D260108.L900001"))
	if len(want) == 0 || string(got) != string(want) {
		t.Errorf("apply --product private gives %d bytes, the final file has %d", len(got), len(want))
	}
	if !strings.Contains(string(want[:600]), "001") || len(want) < 469 {
		t.Fatalf("no private records: %.100q", want)
	}
	// Three of its numbers as a subscription file.
	status, _ := os.ReadFile(series[0])
	var numbers []string
	for i := 35; i+469 <= len(status) && len(numbers) < 3; {
		if string(status[i:i+3]) == "001" {
			numbers = append(numbers, string(status[i+3:i+13]))
			i += 469
			continue
		}
		break
	}
	subs := filepath.Join(t.TempDir(), "numbers.txt")
	os.WriteFile(subs, []byte("# the bank's customers\n"+strings.Join(numbers, "\n")+"\n"), 0o644)
	narrow := filepath.Join(t.TempDir(), "narrow")
	if _, stderr, code := runCLI(t, "", "generate", "--out", narrow, "--persons", "2000", "--format", "fixed", "--product", "private", "--subscribe", subs); code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	data, _ := os.ReadFile(filepath.Join(narrow, "D260101.L900001"))
	if n := strings.Count(string(data), "001"+numbers[0]); n != 1 || len(data) > 35+3*(469+217+195)+21 {
		t.Errorf("a subscription of 3 persons gives %d bytes", len(data))
	}
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"--product", "bank"}, `--product "bank"`},
		{[]string{"--product", "private", "--format", "csv"}, "give --format fixed"},
		{[]string{"--subscribe", subs}, "--subscribe is for --product private"},
	} {
		if _, stderr, code := runCLI(t, "", append([]string{"generate", "--out", t.TempDir()}, tt.args...)...); code != exitUsage || !strings.Contains(stderr, tt.want) {
			t.Errorf("%v: exit %d, %q", tt.args, code, stderr)
		}
	}
	bad := filepath.Join(t.TempDir(), "bad.txt")
	os.WriteFile(bad, []byte("0101650001\n12\n"), 0o644)
	if _, stderr, code := runCLI(t, "", "generate", "--out", t.TempDir(), "--product", "private", "--format", "fixed", "--subscribe", bad); code != exitUsage || !strings.Contains(stderr, "bad.txt:2") {
		t.Errorf("a bad subscription file: exit %d, %q", code, stderr)
	}
}

// TestGenerateEvents: --event makes that many events, listed in the manifest; a wrong kind, a missing
// --days and more than the population are usage errors.
func TestGenerateEvents(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "ev")
	if _, stderr, code := runCLI(t, "", "generate", "--out", dir, "--persons", "2000", "--days", "10", "--format", "fixed",
		"--event", "number-change=2", "--event", "move=3"); code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	data, _ := os.ReadFile(filepath.Join(dir, "manifest.json"))
	var m struct {
		Events map[string]int `json:"events"`
		Forced []struct {
			Kind   string `json:"kind"`
			Number string `json:"number"`
		} `json:"forced_events"`
	}
	if err := json.Unmarshal(data, &m); err != nil || len(m.Forced) != 5 || m.Events["number-change"] != 2 {
		t.Fatalf("manifest events %v forced %v (%v)", m.Events, m.Forced, err)
	}
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"--days", "5", "--event", "deth=1"}, "did you mean death"},
		{[]string{"--event", "death=1"}, "--event needs --days"},
		{[]string{"--days", "5", "--persons", "50", "--event", "marriage=40"}, "no one left to carry"},
		{[]string{"--days", "5", "--event", "death"}, "want KIND=N"},
	} {
		_, stderr, code := runCLI(t, "", append([]string{"generate", "--out", filepath.Join(t.TempDir(), "x")}, tt.args...)...)
		if code != exitUsage || !strings.Contains(stderr, tt.want) {
			t.Errorf("%v: exit %d, %s", tt.args, code, stderr)
		}
	}
}

// TestGenerateFamily runs the family product from the command line: records 031-033 in the extract and
// their tables, inspect passing them, the manifest remaking the run; the refusals with their exit code.
func TestGenerateFamily(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "family")
	if _, stderr, code := runCLI(t, "", "generate", "--out", dir, "--persons", "1500", "--product", "family", "--framing", "lf"); code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	data, _ := os.ReadFile(filepath.Join(dir, "D260101.L900001"))
	for _, typ := range []string{"\n031", "\n032", "\n033"} {
		if !strings.Contains(string(data), typ) {
			t.Errorf("no record %s in the family extract", typ[1:])
		}
	}
	for _, name := range []string{"csv/031_mother_with_clear_written_address.csv", "parquet/033_child_with_clear_written_address.parquet"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			t.Errorf("no %s: %v", name, err)
		}
	}
	manifest, _ := os.ReadFile(filepath.Join(dir, "manifest.json"))
	if !strings.Contains(string(manifest), `"product": "family"`) || !strings.Contains(string(manifest), "031,032,033") {
		t.Errorf("the manifest does not record the family product and its records")
	}
	if out, stderr, code := runCLI(t, "", "inspect", filepath.Join(dir, "D260101.L900001")); code != exitOK || !strings.Contains(out, "0 violations") {
		t.Errorf("inspect: exit %d, %s%s", code, out, stderr)
	}
	again := filepath.Join(t.TempDir(), "again")
	if _, stderr, code := runCLI(t, "", "generate", "--out", again, "--persons", "1500", "--product", "family", "--framing", "lf"); code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if b, _ := os.ReadFile(filepath.Join(again, "D260101.L900001")); string(b) != string(data) {
		t.Error("the same options give another family extract")
	}
	for _, args := range [][]string{
		{"--product", "family", "--days", "3"},
		{"--records", "all,031"},
	} {
		_, stderr, code := runCLI(t, "", append([]string{"generate", "--out", filepath.Join(t.TempDir(), "x"), "--persons", "100"}, args...)...)
		if code != exitUsage || !strings.Contains(stderr, "family") {
			t.Errorf("generate %v: exit %d, %q; want %d and a word on the family product", args, code, stderr, exitUsage)
		}
	}
}
