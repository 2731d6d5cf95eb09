// Command sbom writes a CycloneDX 1.5 SBOM (JSON) of a Go binary from the module information the Go
// toolchain records in it: the main module and every module compiled in, with its version, its go.sum
// hash and a package URL. goreleaser runs it for each binary of a release:
//
//	go run ./scripts/sbom BINARY OUTPUT
package main

import (
	"crypto/sha256"
	"debug/buildinfo"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"time"
)

type component struct {
	Type    string `json:"type"`
	Name    string `json:"name"`
	Version string `json:"version,omitempty"`
	PURL    string `json:"purl,omitempty"`
	Hashes  []hash `json:"hashes,omitempty"`
	BOMRef  string `json:"bom-ref,omitempty"`
}

type hash struct {
	Alg     string `json:"alg"`
	Content string `json:"content"`
}

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: sbom BINARY OUTPUT")
		os.Exit(2)
	}
	if err := run(os.Args[1], os.Args[2]); err != nil {
		fmt.Fprintln(os.Stderr, "sbom:", err)
		os.Exit(1)
	}
}

func purl(m *debug.Module) string {
	return "pkg:golang/" + m.Path + "@" + m.Version
}

func run(binary, output string) error {
	if _, err := os.Stat(binary); err != nil {
		if rel, ok := strings.CutPrefix(binary, "dist/"); ok {
			binary = rel // goreleaser names the artifact from the repository and runs the command in dist/
		}
	}
	bi, err := buildinfo.ReadFile(binary)
	if err != nil {
		return err
	}
	data, err := os.ReadFile(binary)
	if err != nil {
		return err
	}
	sum := sha256.Sum256(data)
	main := component{Type: "application", Name: filepath.Base(binary), Version: bi.Main.Version, BOMRef: purl(&bi.Main),
		PURL: purl(&bi.Main), Hashes: []hash{{"SHA-256", hex.EncodeToString(sum[:])}}}
	var comps []component
	for _, d := range bi.Deps {
		m := d
		if d.Replace != nil {
			m = d.Replace
		}
		c := component{Type: "library", Name: m.Path, Version: m.Version, PURL: purl(m), BOMRef: purl(m)}
		if h, ok := strings.CutPrefix(m.Sum, "h1:"); ok {
			c.Hashes = []hash{{"SHA-256", h}} // go.sum's h1: hash, base64 of a SHA-256 over the module's files
		}
		comps = append(comps, c)
	}
	var props []map[string]string
	for _, s := range bi.Settings {
		props = append(props, map[string]string{"name": "go:" + s.Key, "value": s.Value})
	}
	doc := map[string]any{
		"bomFormat": "CycloneDX", "specVersion": "1.5", "version": 1,
		"metadata": map[string]any{
			"timestamp": time.Now().UTC().Format(time.RFC3339),
			"tools":     []map[string]string{{"name": "cprtestdata scripts/sbom", "version": bi.GoVersion}},
			"component": main, "properties": props,
		},
		"components": comps,
	}
	b, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return err
	}
	tmp := output + ".tmp"
	if err := os.WriteFile(tmp, append(b, '\n'), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, output)
}
