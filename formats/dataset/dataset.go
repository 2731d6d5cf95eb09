// Package dataset writes a generated population to a directory: the persons, the substitute-number
// dataset and a manifest, each file complete or absent. What it writes depends only on the generator's
// configuration and the version, never on the number of workers.
package dataset

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/cprtestdata/cprtestdata/formats/jsonl"
	"github.com/cprtestdata/cprtestdata/formats/outdir"
	"github.com/cprtestdata/cprtestdata/generator"
)

// File names in the output directory.
const (
	PersonsFile     = "persons.jsonl"
	SubstitutesFile = "substitutes.jsonl"
	ManifestFile    = "manifest.json"
)

// Options say what to write where. The zero value of Generator means the generator's defaults.
type Options struct {
	Generator generator.Config
	Force     bool // write into a directory that is not empty
	// Progress, when set, is called now and then with the persons made so far and the total.
	Progress func(done, total int)
}

// Manifest is manifest.json: the generator's manifest with the files written.
type Manifest struct {
	*generator.Manifest
	Files []FileInfo `json:"files"`
}

// FileInfo describes one file written.
type FileInfo struct {
	Name    string `json:"name"`
	Records int    `json:"records"`
	Bytes   int64  `json:"bytes"`
	SHA256  string `json:"sha256"`
}

// Write generates the population and writes it to dir. On any error, or when ctx ends, no file that
// looks finished is left behind.
func Write(ctx context.Context, dir string, opts Options) (*Manifest, error) {
	out, err := outdir.Open(dir, opts.Force)
	if err != nil {
		return nil, err
	}
	m, err := write(ctx, out, opts)
	if err != nil {
		out.Abort()
		return nil, err
	}
	if err := out.Commit(); err != nil {
		return nil, err
	}
	return m, nil
}

func write(ctx context.Context, out *outdir.Dir, opts Options) (*Manifest, error) {
	cfg := opts.Generator
	persons, err := out.Create(PersonsFile)
	if err != nil {
		return nil, err
	}
	pw := jsonl.NewWriter(persons)
	total := cfg.Persons
	if total == 0 {
		total = generator.DefaultPersons
	}
	gm, err := generator.Generate(ctx, cfg, func(p *generator.Person) error {
		if opts.Progress != nil && p.Index%65536 == 0 {
			opts.Progress(p.Index, total)
		}
		return pw.Write(p)
	})
	if err != nil {
		return nil, err
	}
	if err := pw.Close(); err != nil {
		return nil, fmt.Errorf("write %s: %w", PersonsFile, err)
	}
	m := &Manifest{Manifest: gm}
	if err := m.add(persons, pw.Count()); err != nil {
		return nil, err
	}

	subs, err := out.Create(SubstitutesFile)
	if err != nil {
		return nil, err
	}
	sw := jsonl.NewWriter(subs)
	if cfg.Shard.Count == 0 || cfg.Shard.Index == 0 { // the dataset is small: shard 0 carries it whole
		if err := generator.GenerateSubstitutes(ctx, cfg, func(s *generator.Substitute) error { return sw.Write(s) }); err != nil {
			return nil, err
		}
	}
	if err := sw.Close(); err != nil {
		return nil, fmt.Errorf("write %s: %w", SubstitutesFile, err)
	}
	if err := m.add(subs, sw.Count()); err != nil {
		return nil, err
	}

	mf, err := out.Create(ManifestFile)
	if err != nil {
		return nil, err
	}
	enc := json.NewEncoder(mf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(m); err != nil {
		return nil, err
	}
	if opts.Progress != nil {
		opts.Progress(total, total)
	}
	return m, nil
}

// add closes f, which computes its checksum, and lists it.
func (m *Manifest) add(f *outdir.File, records int) error {
	if err := f.Close(); err != nil {
		return err
	}
	m.Files = append(m.Files, FileInfo{Name: f.Name, Records: records, Bytes: f.Size(), SHA256: f.SHA256()})
	return nil
}
