package sandbox

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"

	"github.com/cprtestdata/cprtestdata/generator"
	"github.com/cprtestdata/cprtestdata/generator/civil"
)

// dirManifest is what FromDir reads of a testdata generate run's manifest.json.
type dirManifest struct {
	Version   string     `json:"version"`
	Seed      uint64     `json:"seed"`
	AsOf      civil.Date `json:"as_of"`
	Persons   int        `json:"persons"`
	Shard     string     `json:"shard"`
	Scenarios []struct {
		Name  string `json:"name"`
		Quota int    `json:"quota"`
	} `json:"scenarios"`
	Days []struct {
		File string `json:"file"`
	} `json:"days"`
	Files []struct {
		Name string `json:"name"`
	} `json:"files"`
}

var statusName = regexp.MustCompile(`^D\d{6}\.L\d{6}$`)

// FromDir serves a directory made by testdata generate: the population its manifest describes (made
// again: the generator is deterministic), its status extract and change extracts as they are on disk,
// and the clock on the last day the directory has. cfg.Generator is replaced by the manifest's; the rest
// of cfg applies to the change extracts published by moving the clock further.
func FromDir(ctx context.Context, dir string, cfg Config) (*Sandbox, error) {
	data, err := os.ReadFile(filepath.Join(dir, "manifest.json"))
	if err != nil {
		return nil, fmt.Errorf("%w: %v (a directory made by testdata generate has one)", ErrConfig, err)
	}
	var m dirManifest
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("%s: %w: %v", filepath.Join(dir, "manifest.json"), ErrConfig, err)
	}
	switch {
	case m.Version != generator.Version:
		return nil, fmt.Errorf("%s: %w: made by generator version %s, this is %s, which would make another population",
			dir, ErrConfig, m.Version, generator.Version)
	case m.Shard != "":
		return nil, fmt.Errorf("%s: %w: shard %s is a part of a population; serve a whole one", dir, ErrConfig, m.Shard)
	}
	cfg.Generator = generator.Config{Persons: m.Persons, Seed: m.Seed, AsOf: m.AsOf, Scenarios: map[string]int{}}
	for _, s := range m.Scenarios {
		cfg.Generator.Scenarios[s.Name] = s.Quota
	}
	status := ""
	for _, f := range m.Files {
		if statusName.MatchString(f.Name) {
			status = f.Name
		}
	}
	if status == "" {
		return nil, fmt.Errorf("%s: %w: no status extract D<yymmdd>.L<task> (was it made with --format fixed?)", dir, ErrConfig)
	}
	s, err := New(ctx, cfg)
	if err != nil {
		return nil, err
	}
	if len(m.Days) > 0 {
		if _, err := s.Advance(ctx, len(m.Days)); err != nil {
			return nil, err
		}
	}
	// The files on disk are served as they are: the run may have used other options than cfg's.
	s.mu.Lock()
	defer s.mu.Unlock()
	names := []string{status}
	for _, d := range m.Days {
		names = append(names, d.File)
	}
	for i, name := range names {
		data, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(name)))
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrConfig, err)
		}
		f := s.files[i]
		nf := newFile(filepath.Base(name), f.Kind, f.Day, f.Production, f.PreviousProduction, data, f.Records, f.Persons)
		delete(s.byName, f.URL)
		s.files[i] = nf
		s.byName[nf.URL] = nf
	}
	return s, nil
}
