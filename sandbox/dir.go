package sandbox

import (
	"context"
	"fmt"
	"path"

	"github.com/cprtestdata/cprtestdata/formats/dataset"
	"github.com/cprtestdata/cprtestdata/formats/extract"
	"github.com/cprtestdata/cprtestdata/generator/civil"
)

// FromDir serves a directory made by testdata generate: the population its manifest describes (made
// again: the generator is deterministic), its status extract and change extracts as they are on disk,
// and the clock on the last day the directory has. Every file served is checked against the manifest
// (size and SHA-256) first; a directory whose files do not match is refused, naming the file.
// cfg.Generator, cfg.Extract and cfg.Weekdays are replaced by the manifest's, so moving the clock on
// publishes change extracts that continue the directory's series with its options.
func FromDir(ctx context.Context, dir string, cfg Config) (*Sandbox, error) {
	m, err := dataset.ReadManifest(dir)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrConfig, err)
	}
	if m.Shard != "" {
		return nil, fmt.Errorf("%s: %w: shard %s is a part of a population; serve a whole one", dir, ErrConfig, m.Shard)
	}
	opts, err := m.Options()
	if err != nil {
		return nil, fmt.Errorf("%s: %w: %w", dir, ErrConfig, err)
	}
	if opts.Product != "" {
		return nil, fmt.Errorf("%s: %w: a %s product: the sandbox serves Format A; give its customers \"private\": true instead", dir, ErrConfig, opts.Product)
	}
	if opts.Area != nil {
		return nil, fmt.Errorf("%s: %w: an area run (municipalities %s): the sandbox serves the whole population; give the area to a customer instead (\"municipalities\" in --customers)", dir, ErrConfig, opts.Area)
	}
	if len(opts.Generator.Events) > 0 {
		return nil, fmt.Errorf("%s: %w: made with --event, whose days are drawn over the directory's %d days, which a clock without an end cannot remake; serve a directory made without --event and ask the sandbox for events (POST /admin/events)", dir, ErrConfig, opts.Generator.Days)
	}
	status, ok := m.StatusExtract()
	if !ok {
		return nil, fmt.Errorf("%s: %w: no status extract %s (was it made with --format fixed?)", dir, ErrConfig,
			extract.FileName(opts.Extract.Production, opts.Extract.Task))
	}
	if opts.Extract.Production != opts.Generator.AsOf || opts.Extract.PreviousProduction != opts.Generator.AsOf.AddDays(-1) {
		return nil, fmt.Errorf("%s: %w: the status extract's production dates are not the as-of date and the day before", dir, ErrConfig)
	}
	names := []string{status}
	for _, d := range m.Days {
		if d.File != "" {
			names = append(names, d.File)
		}
	}
	if err := m.Verify(dir, names...); err != nil {
		return nil, fmt.Errorf("%s: %w: %w", dir, ErrConfig, err)
	}

	days := opts.Generator.Days
	cfg.Generator, cfg.Extract, cfg.Weekdays = opts.Generator, opts.Extract, opts.Generator.Weekdays
	cfg.Extract.Production, cfg.Extract.PreviousProduction = civil.Date{}, civil.Date{} // the sandbox sets them per file
	s, err := New(ctx, cfg)
	if err != nil {
		return nil, err
	}
	if days > 0 {
		if _, err := s.Advance(ctx, days); err != nil {
			return nil, err
		}
		if err := s.deliverPending(); err != nil { // a timeline's last day delivers, whatever day it is
			return nil, err
		}
	}
	// The sandbox has made the same files again; the manifest's checksums say the ones on disk are
	// those.
	s.mu.RLock()
	defer s.mu.RUnlock()
	if len(s.files) != len(names) {
		return nil, fmt.Errorf("%s: %w: the manifest lists %d extracts, its configuration makes %d", dir, ErrConfig, len(names), len(s.files))
	}
	for i, name := range names {
		want, _ := m.File(name)
		if f := s.files[i]; f.Name != path.Base(name) || f.SHA256 != want.SHA256 {
			return nil, fmt.Errorf("%s: %w: %w: %s is not what its configuration makes (data version %s)", dir, ErrConfig,
				dataset.ErrMismatch, name, m.DataVersion)
		}
	}
	return s, nil
}
