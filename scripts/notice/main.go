// Command notice writes NOTICE: the third-party code compiled into the testdata binary (and so into the
// container image, which ships nothing else), each module with its version and its licence text, as
// their licences ask of a binary distribution. Run it from the repository root after a change of
// go.mod; CI checks that NOTICE is current:
//
//	go run ./scripts/notice [-out NOTICE]
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
)

type module struct {
	Path, Version, Dir string
}

func main() {
	out := flag.String("out", "NOTICE", "the file to write")
	flag.Parse()
	if err := run(*out); err != nil {
		fmt.Fprintln(os.Stderr, "notice:", err)
		os.Exit(1)
	}
}

func run(out string) error {
	cmd := exec.Command("go", "list", "-deps", "-json=Module", "./cmd/testdata")
	data, err := cmd.Output()
	if err != nil {
		return fmt.Errorf("go list: %w", err)
	}
	seen := map[string]module{}
	dec := json.NewDecoder(bytes.NewReader(data))
	for dec.More() {
		var p struct{ Module *module }
		if err := dec.Decode(&p); err != nil {
			return err
		}
		if m := p.Module; m != nil && !strings.HasPrefix(m.Path, "github.com/cprtestdata/") {
			seen[m.Path] = *m
		}
	}
	paths := make([]string, 0, len(seen))
	for p := range seen {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	var b bytes.Buffer
	b.WriteString("cprtestdata\nCopyright (c) 2026 The cprtestdata authors. Licensed under the MIT License (LICENSE).\n\n")
	b.WriteString("The testdata binary, and the container image that holds only it, include the Go standard library and\n")
	b.WriteString("the modules below, each under its own licence, reproduced here.\n")
	goLicense, err := os.ReadFile(filepath.Join(runtime.GOROOT(), "LICENSE"))
	if err != nil {
		return err
	}
	section(&b, "The Go programming language (standard library and runtime)", string(goLicense))
	for _, p := range paths {
		m := seen[p]
		text, err := licence(m.Dir)
		if err != nil {
			return fmt.Errorf("%s %s: %w", m.Path, m.Version, err)
		}
		section(&b, m.Path+" "+m.Version, text)
	}
	return os.WriteFile(out, b.Bytes(), 0o644)
}

func section(b *bytes.Buffer, title, text string) {
	fmt.Fprintf(b, "\n%s\n%s\n\n%s\n", strings.Repeat("=", 100), title, strings.TrimSpace(text))
}

// licence returns a module's licence text, and its NOTICE file's when it has one (Apache-2.0 asks for it).
func licence(dir string) (string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return "", err
	}
	var text []string
	for _, want := range []string{"LICENSE", "LICENCE", "COPYING", "NOTICE"} {
		for _, e := range entries {
			name := strings.ToUpper(e.Name())
			if e.Type().IsRegular() && (name == want || strings.HasPrefix(name, want+".")) {
				data, err := os.ReadFile(filepath.Join(dir, e.Name()))
				if err != nil {
					return "", err
				}
				text = append(text, strings.TrimSpace(string(data)))
			}
		}
	}
	if len(text) == 0 {
		return "", fmt.Errorf("no licence file in %s", dir)
	}
	return strings.Join(text, "\n\n"), nil
}
