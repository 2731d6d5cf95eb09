package dataset

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/cprtestdata/cprtestdata/formats/extract"
	"github.com/cprtestdata/cprtestdata/formats/outdir"
	"github.com/cprtestdata/cprtestdata/formats/tables/parquetfiles"
	"github.com/cprtestdata/cprtestdata/generator"
	"github.com/cprtestdata/cprtestdata/generator/civil"
)

// Manifest is manifest.json: the generator's manifest (the population and its timeline), the options
// that shaped the files, and the files written. Write writes it and ReadManifest reads it; it is the one
// description of a directory, so a directory can be made again, checked and served from it alone.
type Manifest struct {
	*generator.Manifest
	Output Output     `json:"output"`
	Files  []FileInfo `json:"files"`
}

// Output records every option of Write that changes a byte of the files, beyond the population the
// generator's manifest records.
type Output struct {
	Formats            []Format   `json:"formats"`
	Records            string     `json:"records"` // the record types selected, 001,002,...
	Framing            string     `json:"framing"`
	Trim               bool       `json:"trim,omitempty"`
	Encoding           string     `json:"encoding"`
	Task               int        `json:"task"`
	Production         civil.Date `json:"production_date"`          // of the status extract
	PreviousProduction civil.Date `json:"previous_production_date"` // of the status extract
	AddressWithPerson  bool       `json:"address_with_person,omitempty"`
	Compression        string     `json:"compression,omitempty"` // with Parquet
	FinalStatus        bool       `json:"final_status,omitempty"`
	// Municipalities is the area of an area run (extract.Area): only the persons living there, and
	// the changes of those who lived there before a delivery or after it.
	Municipalities string `json:"municipalities,omitempty"`
	// Product "private": the fixed-width files are CPR's private layout, of Subscriptions persons
	// (0: everyone).
	Product       string `json:"product,omitempty"`
	Subscriptions int    `json:"subscriptions,omitempty"`
}

// FileInfo describes one file written.
type FileInfo struct {
	Name    string `json:"name"` // slash-separated, relative to the directory
	Records int    `json:"records"`
	Bytes   int64  `json:"bytes"`
	SHA256  string `json:"sha256"`
}

// Errors of ReadManifest and Verify; test for them with errors.Is.
var (
	ErrManifest    = errors.New("not a manifest of testdata generate")
	ErrDataVersion = errors.New("made by another data version")
	ErrMismatch    = errors.New("file does not match the manifest")
)

// output resolves the options' defaults as Write applies them.
func output(opts Options, formats []Format, asOf civil.Date) Output {
	eo := opts.Extract
	if eo.Production.IsZero() {
		eo.Production = asOf
	}
	if eo.PreviousProduction.IsZero() {
		eo.PreviousProduction = eo.Production.AddDays(-1)
	}
	if eo.Task == 0 {
		eo.Task = extract.DefaultTask
	}
	if eo.Records == nil {
		eo.Records = extract.AllRecords()
	}
	o := Output{Formats: formats, Records: eo.Records.String(), Framing: eo.Framing.String(), Trim: eo.Trim,
		Encoding: eo.Encoding.String(), Task: eo.Task, Production: eo.Production, PreviousProduction: eo.PreviousProduction,
		AddressWithPerson: eo.AddressWithPerson, FinalStatus: opts.FinalStatus}
	if opts.Area != nil {
		o.Municipalities = opts.Area.String()
	}
	o.Product, o.Subscriptions = opts.Product, len(opts.Subscribed)
	for _, f := range formats {
		if f == FormatParquet {
			o.Compression = string(opts.Compression)
			if o.Compression == "" {
				o.Compression = string(parquetfiles.Zstd)
			}
		}
	}
	return o
}

// ReadManifest reads dir's manifest.json. A manifest of another data version is refused with
// ErrDataVersion: this version would make other bytes from it.
func ReadManifest(dir string) (*Manifest, error) {
	name := filepath.Join(dir, ManifestFile)
	f, err := os.Open(name)
	if err != nil {
		return nil, fmt.Errorf("%w: %w (a directory made by testdata generate has one)", ErrManifest, err)
	}
	defer f.Close()
	m, err := DecodeManifest(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return m, nil
}

// maxManifest bounds what DecodeManifest reads: a manifest of 100 million persons and ten years of days
// is a few megabytes.
const maxManifest = 256 << 20

// DecodeManifest decodes and checks a manifest.
func DecodeManifest(r io.Reader) (*Manifest, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxManifest+1))
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrManifest, err)
	}
	if len(data) > maxManifest {
		return nil, fmt.Errorf("%w: larger than %d bytes", ErrManifest, maxManifest)
	}
	var probe struct {
		DataVersion *string `json:"data_version"`
		Version     *string `json:"version"` // before data version 2
	}
	if err := json.Unmarshal(data, &probe); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrManifest, err)
	}
	switch {
	case probe.DataVersion == nil && probe.Version != nil:
		return nil, fmt.Errorf("%w: made by generator version %s, this is data version %s: make it again", ErrDataVersion, *probe.Version, generator.DataVersion)
	case probe.DataVersion == nil:
		return nil, fmt.Errorf("%w: no data_version", ErrManifest)
	case *probe.DataVersion != generator.DataVersion:
		return nil, fmt.Errorf("%w: data version %s, this is %s, which would make other bytes: make it again", ErrDataVersion, *probe.DataVersion, generator.DataVersion)
	}
	m := &Manifest{Manifest: &generator.Manifest{}}
	if err := json.Unmarshal(data, m); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrManifest, err)
	}
	if err := m.check(); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrManifest, err)
	}
	return m, nil
}

// check refuses values Write never records, so that what Options returns is a configuration Write takes.
func (m *Manifest) check() error {
	switch {
	case m.Persons < 1 || m.Persons > generator.MaxPersons:
		return fmt.Errorf("persons %d: want 1 to %d", m.Persons, generator.MaxPersons)
	case m.AsOf.IsZero() || !m.AsOf.IsValid():
		return errors.New("no as_of date")
	case len(m.Days) > generator.MaxDays:
		return fmt.Errorf("%d days: at most %d", len(m.Days), generator.MaxDays)
	case len(m.Output.Formats) == 0:
		return errors.New("no output formats")
	case m.NumberPolicy != generator.NumberPolicyCPR && m.NumberPolicy != generator.NumberPolicySafe:
		return fmt.Errorf("number policy %q: want %s or %s", m.NumberPolicy, generator.NumberPolicyCPR, generator.NumberPolicySafe)
	}
	for _, f := range m.Files {
		if err := outdir.CheckName(f.Name); err != nil {
			return err
		}
	}
	for _, d := range m.Days {
		for _, name := range []string{d.File, d.DeliveredIn} {
			if name == "" {
				continue
			}
			if err := outdir.CheckName(name); err != nil {
				return err
			}
		}
	}
	return nil
}

// previousFiles returns the files the manifest in dir lists, of whatever data version: the run Write
// with Force replaces. None when there is no readable manifest.
func previousFiles(dir string) []string {
	data, err := os.ReadFile(filepath.Join(dir, ManifestFile))
	if err != nil || len(data) > maxManifest {
		return nil
	}
	var m struct {
		Files []struct {
			Name string `json:"name"`
		} `json:"files"`
	}
	if json.Unmarshal(data, &m) != nil {
		return nil
	}
	var names []string
	for _, f := range m.Files {
		if outdir.CheckName(f.Name) == nil {
			names = append(names, f.Name)
		}
	}
	return names
}

// Options returns the options Write was given, as far as they shape the output: Write with them makes
// the same bytes again (Workers, Progress and Force aside).
func (m *Manifest) Options() (Options, error) {
	cfg := generator.Config{Persons: m.Persons, Seed: m.Seed, AsOf: m.AsOf, Scenarios: map[string]int{},
		Substitutes: m.Substitutes, Days: len(m.Days), Weekdays: m.Weekdays, SafeNumbers: m.NumberPolicy == generator.NumberPolicySafe,
		Events: m.Events}
	if cfg.Substitutes == 0 {
		cfg.Substitutes = generator.NoSubstitutes
	}
	for _, s := range m.Scenarios {
		cfg.Scenarios[s.Name] = s.Quota
	}
	if m.Shard != "" {
		sh, err := generator.ParseShard(m.Shard)
		if err != nil {
			return Options{}, fmt.Errorf("%w: %w", ErrManifest, err)
		}
		cfg.Shard = sh
	}
	o := m.Output
	opts := Options{Generator: cfg, Formats: o.Formats, FinalStatus: o.FinalStatus, Compression: parquetfiles.Compression(o.Compression)}
	var err error
	bad := func(what string, err error) (Options, error) {
		return Options{}, fmt.Errorf("%w: %s: %w", ErrManifest, what, err)
	}
	if opts.Extract.Records, err = extract.ParseSelection(o.Records); err != nil {
		return bad("records", err)
	}
	if opts.Extract.Framing, err = extract.ParseFraming(o.Framing); err != nil {
		return bad("framing", err)
	}
	if opts.Extract.Encoding, err = extract.ParseEncoding(o.Encoding); err != nil {
		return bad("encoding", err)
	}
	if o.Compression != "" {
		if opts.Compression, err = parquetfiles.ParseCompression(o.Compression); err != nil {
			return bad("compression", err)
		}
	}
	if o.Municipalities != "" {
		if opts.Area, err = extract.ParseArea(o.Municipalities); err != nil {
			return bad("municipalities", err)
		}
	}
	opts.Product = o.Product // the subscribed numbers are not in the manifest: the run cannot be made again from it
	opts.Extract.Trim, opts.Extract.Task, opts.Extract.AddressWithPerson = o.Trim, o.Task, o.AddressWithPerson
	opts.Extract.Production, opts.Extract.PreviousProduction = o.Production, o.PreviousProduction
	return opts, nil
}

// File returns the entry of the file named name.
func (m *Manifest) File(name string) (FileInfo, bool) {
	for _, f := range m.Files {
		if f.Name == name {
			return f, true
		}
	}
	return FileInfo{}, false
}

// StatusExtract returns the name of the status extract, when the fixed format was written.
func (m *Manifest) StatusExtract() (string, bool) {
	name := extract.FileName(m.Output.Production, m.Output.Task)
	_, ok := m.File(name)
	return name, ok
}

// Verify checks that each file named is in the manifest and in dir as a regular file of the recorded
// size and SHA-256; with no names, every file of the manifest. The error names the first that is not.
func (m *Manifest) Verify(dir string, names ...string) error {
	if len(names) == 0 {
		for _, f := range m.Files {
			names = append(names, f.Name)
		}
	}
	for _, name := range names {
		want, ok := m.File(name)
		if !ok {
			return fmt.Errorf("%s: %w: not listed", name, ErrMismatch)
		}
		if err := verifyFile(filepath.Join(dir, filepath.FromSlash(name)), want); err != nil {
			return err
		}
	}
	return nil
}

func verifyFile(name string, want FileInfo) error {
	f, err := os.Open(name)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrMismatch, err)
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return fmt.Errorf("%w: %w", ErrMismatch, err)
	}
	if !info.Mode().IsRegular() {
		return fmt.Errorf("%s: %w: not a regular file", name, ErrMismatch)
	}
	if info.Size() != want.Bytes {
		return fmt.Errorf("%s: %w: %d bytes, the manifest says %d", name, ErrMismatch, info.Size(), want.Bytes)
	}
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return fmt.Errorf("%s: %w: %w", name, ErrMismatch, err)
	}
	if got := hex.EncodeToString(h.Sum(nil)); got != want.SHA256 {
		return fmt.Errorf("%s: %w: SHA-256 %s, the manifest says %s", name, ErrMismatch, got[:16], want.SHA256[:min(16, len(want.SHA256))])
	}
	return nil
}
