package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// readmeStep is one "$ command" of a README example and the output shown under it.
type readmeStep struct {
	command string
	output  []string
}

// TestREADMEExamples runs the README's examples of the command line - every block of "$ command" lines
// with their output that needs no running sandbox - with the built testdata on the PATH, in a fresh
// directory holding the repository's fixtures, and checks that each command prints what the README
// shows: line for line, "..." standing for lines left out, "…" for the rest of a line, run times and
// blank runs aside. An example the README shows reading a file it does not make (cat numbers.txt) gets
// the file from what the README shows.
func TestREADMEExamples(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the command")
	}
	data, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	fixtures, err := filepath.Abs(filepath.Join("..", "..", "fixtures"))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Dir(binary(t)) + string(os.PathListSeparator) + os.Getenv("PATH")
	blocks := regexp.MustCompile("(?s)```[a-z]*\n(.*?)```").FindAllStringSubmatch(string(data), -1)
	ran := 0
	for _, b := range blocks {
		steps := readmeSteps(b[1])
		if len(steps) == 0 || needsSandbox(steps) {
			continue
		}
		ran++
		t.Run(steps[0].command, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.Symlink(fixtures, filepath.Join(dir, "fixtures")); err != nil {
				t.Fatal(err)
			}
			rc := 0
			for _, s := range steps {
				if name, ok := strings.CutPrefix(s.command, "cat "); ok && !strings.ContainsAny(name, " /") {
					if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
						os.WriteFile(filepath.Join(dir, name), []byte(strings.Join(s.output, "\n")+"\n"), 0o644)
					}
				}
				// Each command in its own shell, with the exit status of the one before for "echo $?".
				cmd := exec.Command("bash", "-c", fmt.Sprintf("(exit %d); %s", rc, s.command))
				cmd.Dir = dir
				cmd.Env = append(os.Environ(), "PATH="+path, "COLUMNS=200")
				out, err := cmd.CombinedOutput()
				rc = 0
				if ee, ok := err.(*exec.ExitError); ok {
					rc = ee.ExitCode()
				} else if err != nil {
					t.Fatalf("%s: %v", s.command, err)
				}
				if msg := matchOutput(s.output, strings.Split(strings.TrimRight(string(out), "\n"), "\n")); msg != "" {
					t.Errorf("$ %s\n%s\nall it printed:\n%s", s.command, msg, out)
				}
			}
		})
	}
	if ran < 8 {
		t.Errorf("%d README examples run; the README has more", ran)
	}
}

// readmeSteps splits a block into its commands and their outputs.
func readmeSteps(block string) []readmeStep {
	var steps []readmeStep
	for _, line := range strings.Split(strings.TrimRight(block, "\n"), "\n") {
		if c, ok := strings.CutPrefix(line, "$ "); ok {
			steps = append(steps, readmeStep{command: c})
		} else if len(steps) > 0 {
			steps[len(steps)-1].output = append(steps[len(steps)-1].output, line)
		}
	}
	return steps
}

// needsSandbox reports whether an example talks to a running testdata serve, which this test does not
// start (the sandbox's own tests send those requests).
func needsSandbox(steps []readmeStep) bool {
	for _, s := range steps {
		for _, w := range []string{"curl ", "printf ", "exec ", "openssl ", "cd ", "testdata serve"} {
			if strings.Contains(s.command, w) {
				return true
			}
		}
	}
	return false
}

var runTime = regexp.MustCompile(`\((\d+(\.\d+)?(ms|s|µs)|\d+m\d+(\.\d+)?s)\)`)

// normalize is a line with its run time and runs of blanks made neutral.
func normalize(s string) string {
	return strings.Join(strings.Fields(runTime.ReplaceAllString(s, "(TIME)")), " ")
}

// matchOutput compares the output the README shows with the output printed, and says where they part;
// "" when they match.
func matchOutput(want, got []string) string {
	if len(want) == 0 {
		return ""
	}
	if !strings.Contains(strings.Join(want, "\n"), "...") && !strings.Contains(strings.Join(want, "\n"), "…") {
		// Whole output: the words in order, so that ls's columns and a terminal's lines compare alike.
		w, g := strings.Fields(normalize(strings.Join(want, " "))), strings.Fields(normalize(strings.Join(got, " ")))
		if !slicesEqual(w, g) {
			return fmt.Sprintf("the README shows:\n%s", strings.Join(want, "\n"))
		}
		return ""
	}
	i := 0
	for k, w := range want {
		if strings.TrimSpace(w) == "..." {
			continue
		}
		skip := k > 0 && strings.TrimSpace(want[k-1]) == "..."
		for ; i < len(got); i++ {
			if lineMatches(w, got[i]) {
				break
			}
			if !skip {
				return fmt.Sprintf("the README shows %q where it printed %q", w, got[i])
			}
		}
		if i == len(got) {
			return fmt.Sprintf("the README shows %q, which it did not print", w)
		}
		i++
	}
	return ""
}

// lineMatches reports whether a printed line is the README's, whose "…" stand for text left out.
func lineMatches(want, got string) bool {
	want, got = normalize(want), normalize(got)
	if !strings.Contains(want, "…") {
		return want == got
	}
	for _, part := range strings.Split(want, "…") {
		part = strings.TrimSpace(part)
		at := strings.Index(got, part)
		if at < 0 {
			return false
		}
		got = got[at+len(part):]
	}
	return true
}

func slicesEqual(a, b []string) bool {
	return bytes.Equal([]byte(strings.Join(a, "\x00")), []byte(strings.Join(b, "\x00")))
}
