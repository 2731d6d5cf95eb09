package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"

	"github.com/urfave/cli/v2"

	"github.com/cprtestdata/cprtestdata/generator"
)

// binDir holds what the tests build; TestMain removes it.
var binDir string

func TestMain(m *testing.M) {
	var err error
	if binDir, err = os.MkdirTemp("", "testdata-test"); err != nil {
		panic(err)
	}
	code := m.Run()
	os.RemoveAll(binDir)
	os.Exit(code)
}

// runCLI runs the command line in-process and returns what it wrote and its exit code.
func runCLI(t *testing.T, stdin string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = run(context.Background(), append([]string{"testdata"}, args...), strings.NewReader(stdin), &out, &errOut)
	return out.String(), errOut.String(), code
}

// TestHelpExamples runs every example in the help texts ("$ testdata ..." followed by its output) and
// checks that the output shown is the output produced, so the help never lies.
func TestHelpExamples(t *testing.T) {
	app := newApp(nil, nil, nil)
	var walk func(prefix string, cmds []*cli.Command)
	found := 0
	walk = func(prefix string, cmds []*cli.Command) {
		for _, c := range cmds {
			name := prefix + " " + c.Name
			for i, ex := range parseExamples(c.Description) {
				found++
				t.Run(strings.TrimSpace(name)+"/"+strconv.Itoa(i), func(t *testing.T) {
					var out bytes.Buffer
					run(context.Background(), ex.args, strings.NewReader(ex.stdin), &out, &out)
					if got := out.String(); got != ex.want {
						t.Errorf("$ %s\ngot:\n%s\nwant (from the help text):\n%s", strings.Join(ex.args, " "), got, ex.want)
					}
				})
			}
			walk(name, c.Subcommands)
		}
	}
	walk("", app.Commands)
	if found < 5 {
		t.Errorf("found %d examples in the help texts, want at least 5", found)
	}
}

type example struct {
	args  []string
	stdin string
	want  string
}

func parseExamples(text string) []example {
	var exs []example
	var cur *example
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimPrefix(line, "   ")
		switch {
		case strings.HasPrefix(line, "$ "):
			exs = append(exs, example{})
			cur = &exs[len(exs)-1]
			cmd := strings.TrimPrefix(line, "$ ")
			if i := strings.Index(cmd, "  #"); i >= 0 {
				cmd = cmd[:i]
			}
			if strings.HasPrefix(cmd, "printf '") {
				end := strings.Index(cmd, "' | ")
				cur.stdin = strings.ReplaceAll(cmd[len("printf '"):end], `\n`, "\n")
				cmd = cmd[end+len("' | "):]
			}
			cur.args = strings.Fields(cmd)
		case cur != nil && strings.TrimSpace(line) != "":
			cur.want += line + "\n"
		default:
			cur = nil
		}
	}
	return exs
}

func TestExitCodes(t *testing.T) {
	dir := t.TempDir()
	numbers := filepath.Join(dir, "numbers.txt")
	if err := os.WriteFile(numbers, []byte("0707614285\r\n0101650001\r\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name      string
		stdin     string
		args      []string
		code      int
		stderrHas string
	}{
		{"help", "", []string{"--help"}, exitOK, ""},
		{"version", "", []string{"--version"}, exitOK, ""},
		{"no command shows help", "", nil, exitOK, ""},
		{"unknown command", "", []string{"frobnicate"}, exitUsage, `unknown command "frobnicate"`},
		{"unknown pnr command", "", []string{"pnr", "frobnicate"}, exitUsage, `unknown command "frobnicate"`},
		{"unknown flag", "", []string{"pnr", "describe", "--nope", "0707614285"}, exitUsage, "unknown flag --nope"},
		{"describe valid", "", []string{"pnr", "describe", "0707614285"}, exitOK, ""},
		{"describe invalid", "", []string{"pnr", "describe", "0707614285", "0707614286x"}, exitInvalid, ""},
		{"describe nothing", "", []string{"pnr", "describe"}, exitUsage, "no numbers given"},
		{"validate file with CRLF", "", []string{"pnr", "validate", numbers}, exitOK, "2 numbers: 2 valid"},
		{"validate missing file", "", []string{"pnr", "validate", filepath.Join(dir, "nope.txt")}, exitUsage, "no such file"},
		{"validate two files", "", []string{"pnr", "validate", numbers, numbers}, exitUsage, "one FILE at most"},
		{"validate empty input", "", []string{"pnr", "validate"}, exitOK, "0 numbers"},
		{"validate invalid", "0707614285\n12\n", []string{"pnr", "validate", "-"}, exitInvalid, "the first on line 2"},
		{"allocate", "", []string{"pnr", "allocate", "--date", "2000-02-29", "--gender", "K"}, exitOK, ""},
		{"allocate without date", "", []string{"pnr", "allocate", "--gender", "K"}, exitUsage, "--date and --gender are required"},
		{"allocate bad date", "", []string{"pnr", "allocate", "--date", "1900-02-29", "--gender", "K"}, exitUsage, "no such date"},
		{"allocate malformed date", "", []string{"pnr", "allocate", "--date", "29-02-2000", "--gender", "K"}, exitUsage, "YYYY-MM-DD"},
		{"allocate before 1858", "", []string{"pnr", "allocate", "--date", "1857-12-31", "--gender", "K"}, exitUsage, "1858-2057"},
		{"allocate after 2057", "", []string{"pnr", "allocate", "--date", "2058-01-01", "--gender", "M"}, exitUsage, "1858-2057"},
		{"allocate bad gender", "", []string{"pnr", "allocate", "--date", "2000-01-01", "--gender", "F"}, exitUsage, "M (male) or K (female)"},
		{"allocate negative count", "", []string{"pnr", "allocate", "--date", "2000-01-01", "--gender", "M", "--count", "-1"}, exitUsage, "negative"},
		{"allocate non-numeric count", "", []string{"pnr", "allocate", "--date", "2000-01-01", "--gender", "M", "--count", "x"}, exitUsage, "count"},
		{"allocate past capacity", "", []string{"pnr", "allocate", "--date", "1920-01-01", "--gender", "K", "--skip", "1999"}, exitUsage, "only 1999 numbers"},
		{"allocate all and count", "", []string{"pnr", "allocate", "--date", "1920-01-01", "--gender", "K", "--all", "--count", "2"}, exitUsage, "exclude each other"},
		{"allocate argument", "", []string{"pnr", "allocate", "--date", "1920-01-01", "--gender", "K", "extra"}, exitUsage, "unexpected argument"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, stderr, code := runCLI(t, tt.stdin, tt.args...)
			if code != tt.code {
				t.Errorf("exit code %d, want %d; stderr:\n%s", code, tt.code, stderr)
			}
			if !strings.Contains(stderr, tt.stderrHas) {
				t.Errorf("stderr %q does not contain %q", stderr, tt.stderrHas)
			}
			if strings.Contains(stderr, "panic") || strings.Contains(stderr, "goroutine ") {
				t.Errorf("stderr shows a panic:\n%s", stderr)
			}
			if tt.code == exitUsage && strings.Count(strings.TrimSpace(stderr), "\n") != 1 {
				t.Errorf("usage error is not one line plus a hint:\n%s", stderr)
			}
		})
	}
}

func TestAllocateAll(t *testing.T) {
	stdout, _, code := runCLI(t, "", "pnr", "allocate", "--date", "1920-01-01", "--gender", "K", "--all")
	if code != exitOK {
		t.Fatalf("exit %d", code)
	}
	lines := strings.Fields(stdout)
	if len(lines) != 1999 {
		t.Fatalf("--all printed %d numbers, want 1999 (2000 even serials less 0000)", len(lines))
	}
	// Feed them back: every one must validate, as a woman born 1920-01-01.
	out, stderr, code := runCLI(t, stdout, "pnr", "validate")
	if code != exitOK || !strings.Contains(stderr, "1999 numbers: 1999 valid") {
		t.Fatalf("validate of allocated numbers: exit %d, %s", code, stderr)
	}
	if strings.Count(out, "\tvalid\t") != 1999 {
		t.Errorf("validate printed %d valid verdicts", strings.Count(out, "\tvalid\t"))
	}
}

func TestValidateLongLine(t *testing.T) {
	long := strings.Repeat("1", maxLine+10)
	stdout, stderr, code := runCLI(t, "0707614285\n"+long+"\n0101650001\n", "pnr", "validate")
	if code != exitInvalid {
		t.Fatalf("exit %d, want %d", code, exitInvalid)
	}
	if !strings.Contains(stdout, "line 2: ") || !strings.Contains(stderr, "3 numbers: 2 valid") {
		t.Errorf("stdout %q\nstderr %q", stdout, stderr)
	}
}

func TestValidateNoFinalNewline(t *testing.T) {
	stdout, stderr, code := runCLI(t, "0707614285\n0101650001", "pnr", "validate")
	if code != exitOK || strings.Count(stdout, "\n") != 2 || !strings.Contains(stderr, "2 numbers") {
		t.Errorf("exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
}

func TestDescribeJSON(t *testing.T) {
	stdout, _, code := runCLI(t, "", "pnr", "describe", "--json", "2902004001", "2902001234")
	if code != exitInvalid {
		t.Fatalf("exit %d", code)
	}
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	if len(lines) != 2 {
		t.Fatalf("got %d lines", len(lines))
	}
	for _, want := range []string{`"valid":true`, `"kind":"control-digit"`, `"birth_date":"2000-02-29"`, `"gender":"M"`} {
		if !strings.Contains(lines[0], want) {
			t.Errorf("%s lacks %s", lines[0], want)
		}
	}
	for _, want := range []string{`"valid":false`, `"kind":""`, `"error":"29 February 1900 does not exist`} {
		if !strings.Contains(lines[1], want) {
			t.Errorf("%s lacks %s", lines[1], want)
		}
	}
}

func TestVersion(t *testing.T) {
	info := func(version string, settings ...string) *debug.BuildInfo {
		bi := &debug.BuildInfo{Main: debug.Module{Path: "github.com/cprtestdata/cprtestdata", Version: version}}
		for i := 0; i+1 < len(settings); i += 2 {
			bi.Settings = append(bi.Settings, debug.BuildSetting{Key: settings[i], Value: settings[i+1]})
		}
		return bi
	}
	dv := ", data version " + generator.DataVersion
	for _, tc := range []struct {
		name    string
		release string
		info    *debug.BuildInfo
		want    string
	}{
		{"go install of a tag", "", info("v1.2.0"), "v1.2.0" + dv},
		{"a clone with changes", "", info("v0.0.0-20261201205504-8a2f7d8c1e2f+dirty", "vcs.revision", "8a2f7d8c1e2f3a4b5c6d",
			"vcs.time", "2026-12-01T20:55:04Z", "vcs.modified", "true"),
			"v0.0.0-20261201205504-8a2f7d8c1e2f+dirty (revision 8a2f7d8c1e2f with uncommitted changes, 2026-12-01T20:55:04Z)" + dv},
		{"a release build", "v1.3.0", info("(devel)", "vcs.revision", "abc"), "v1.3.0 (revision abc)" + dv},
		{"no build information", "", nil, "devel" + dv},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := describeBuild(tc.release, tc.info); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
	var out, errOut bytes.Buffer
	if code := run(context.Background(), []string{"testdata", "--version"}, nil, &out, &errOut); code != 0 || !strings.HasSuffix(out.String(), dv+"\n") {
		t.Errorf("testdata --version: exit %d, %q", code, out.String())
	}
}

// TestCLIConventions: a slip in a command, flag or scenario name gets a suggestion, flags are echoed
// with two dashes, testdata help COMMAND shows its help, and completion scripts come for three shells.
func TestCLIConventions(t *testing.T) {
	for _, tt := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"generat"}, exitUsage, `unknown command "generat" (did you mean generate?)`},
		{[]string{"pnr", "descrbe", "1"}, exitUsage, `(did you mean describe?)`},
		{[]string{"generate", "--persns", "5", "--out", t.TempDir()}, exitUsage, "unknown flag --persns (did you mean --persons?)"},
		{[]string{"generate", "--zzzzzz", "--out", t.TempDir()}, exitUsage, "unknown flag --zzzzzz\n"},
		{[]string{"generate", "--out", t.TempDir(), "--scenario", "twinz=1"}, exitUsage, `no scenario "twinz" (did you mean twins?)`},
		{[]string{"help", "generat"}, exitUsage, `(did you mean generate?)`},
		{[]string{"completion", "tcsh"}, exitUsage, "want bash, zsh or fish"},
	} {
		_, stderr, code := runCLI(t, "", tt.args...)
		if code != tt.code || !strings.Contains(stderr, tt.want) {
			t.Errorf("%v: exit %d, %q; want %d and %q", tt.args, code, stderr, tt.code, tt.want)
		}
	}
	if stdout, _, code := runCLI(t, "", "help", "pnr", "validate"); code != exitOK || !strings.Contains(stdout, "testdata pnr validate - ") {
		t.Errorf("help pnr validate: exit %d, %q", code, stdout)
	}
	for shell, want := range map[string]string{"bash": "complete -o bashdefault", "zsh": "compdef _testdata testdata", "fish": "complete -c testdata"} {
		if stdout, _, code := runCLI(t, "", "completion", shell); code != exitOK || !strings.Contains(stdout, want) {
			t.Errorf("completion %s: exit %d, %.200q", shell, code, stdout)
		}
	}
	// The words the scripts ask for: urfave/cli reads them from os.Args, so the built command answers.
	for _, tt := range []struct {
		args []string
		want string
	}{{[]string{"--generate-bash-completion"}, "generate\nserve\n"}, {[]string{"generate", "--per", "--generate-bash-completion"}, "--persons"}} {
		out, err := exec.Command(binary(t), tt.args...).Output()
		if err != nil || !strings.Contains(strings.ReplaceAll(string(out), "inspect\napply\nmerge\n", ""), tt.want) {
			t.Errorf("%v: %v, %q", tt.args, err, out)
		}
	}
}
