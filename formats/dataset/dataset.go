// Package dataset writes a generated population to a directory: the persons in the chosen formats (CPR's
// fixed-width extract, CSV, Parquet, JSON Lines), with a timeline the daily change extracts, the events
// tables and the status extract at its end, the substitute-number dataset and a manifest, each file
// complete or absent. What it writes depends only on the generator's configuration and the version,
// never on the number of workers.
package dataset

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"path"
	"slices"
	"sort"
	"strings"

	"github.com/cprtestdata/cprtestdata/formats/extract"
	"github.com/cprtestdata/cprtestdata/formats/jsonl"
	"github.com/cprtestdata/cprtestdata/formats/outdir"
	"github.com/cprtestdata/cprtestdata/formats/private"
	"github.com/cprtestdata/cprtestdata/formats/registers"
	"github.com/cprtestdata/cprtestdata/formats/tables/csvfiles"
	"github.com/cprtestdata/cprtestdata/formats/tables/parquetfiles"
	"github.com/cprtestdata/cprtestdata/generator"
	"github.com/cprtestdata/cprtestdata/generator/pnr"
)

// File names in the output directory.
const (
	PersonsFile     = "persons.jsonl"
	SubstitutesFile = "substitutes.jsonl"
	ManifestFile    = "manifest.json"
	ChangesDir      = "changes"   // the daily change extracts, with a timeline
	FinalDir        = "final"     // the status extract at the timeline's end, with FinalStatus
	RegistersDir    = "registers" // CPR's road register and authority table for the run, with the fixed format
)

// Format is an output format.
type Format string

// The formats.
const (
	FormatFixed   Format = "fixed"   // CPR's fixed-width extract, D<yymmdd>.L<task>
	FormatCSV     Format = "csv"     // csv/: a table per record type and persons.csv
	FormatParquet Format = "parquet" // parquet/: the same tables with real types
	FormatJSONL   Format = "jsonl"   // the model as JSON Lines
)

// ParseFormats parses a comma-separated list of formats.
func ParseFormats(s string) ([]Format, error) {
	var fs []Format
	for _, f := range strings.Split(s, ",") {
		switch Format(strings.TrimSpace(f)) {
		case FormatFixed, FormatCSV, FormatParquet, FormatJSONL:
			fs = append(fs, Format(strings.TrimSpace(f)))
		default:
			return nil, fmt.Errorf("format %q: %w: want fixed, csv, parquet or jsonl", f, ErrOption)
		}
	}
	return fs, nil
}

// The products of Options.Product.
const (
	ProductPrivate = "private" // CPR's private layout
	ProductFamily  = "family"  // Format A with the family product's records 031-033
)

// personWriter writes a status extract: Format A's or the private one.
type personWriter interface {
	Write(*generator.Person) error
	Close() error
	Records() int
}

// ErrOption is wrapped by errors in Options.
var ErrOption = errors.New("invalid option")

// Options say what to write where. The zero value of Generator means the generator's defaults; no
// Formats means all.
type Options struct {
	Generator generator.Config
	Formats   []Format
	Extract   extract.FileOptions // the production dates default to the as-of date and the day before
	// Compression is the Parquet codec; empty means zstd.
	Compression parquetfiles.Compression
	// Force writes into a directory that is not empty: the files of the run there before (those its
	// manifest lists) are replaced or removed, so the directory holds this run; other files stay.
	Force bool
	// FinalStatus, with a timeline (Generator.Days), also writes the status extract as of its last day
	// to final/: what a receiver holds after applying every change extract to the first status extract.
	FinalStatus bool
	// Product "private" writes the fixed-width files in CPR's private layout (U09480P, formats/private)
	// under Private's parameters, of the persons in Subscribed (nil: everyone), as a private customer's
	// PNR subscriptions receive them; "family" writes Format A with the family product P12180's records
	// 031-033 (the mother, the father and the children with their clear-text addresses) in every
	// format, a status extract only; "" is the public Format A. The other formats are the same.
	Product    string
	Private    private.Options
	Subscribed map[pnr.Number]bool
	// Area, when set, makes an area run, as CPR delivers U12170 by municipality code: every file holds
	// the persons living in the area (extract.Area), and each change extract those touched who lived
	// in it before the delivery or after it. The fixed format needs record 002 in it.
	Area extract.Area
	// Progress, when set, is called now and then with the persons made so far and the total.
	Progress func(done, total int)
}

// Write generates the population and writes it to dir. On any error, or when ctx ends, no file that
// looks finished is left behind.
func Write(ctx context.Context, dir string, opts Options) (*Manifest, error) {
	return intoDir(dir, opts.Force, func(out *outdir.Dir) (*Manifest, error) { return write(ctx, out, opts) })
}

// intoDir opens dir as the output of one run (with force, replacing the run there), has fill write the
// files, and commits them, or removes them when fill fails.
func intoDir(dir string, force bool, fill func(*outdir.Dir) (*Manifest, error)) (*Manifest, error) {
	out, err := outdir.Open(dir, force)
	if err != nil {
		return nil, err
	}
	if force {
		out.Replace(previousFiles(dir))
	}
	m, err := fill(out)
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
	if opts.Product == ProductFamily {
		if opts.Generator.Days > 0 {
			return nil, fmt.Errorf("%w: the family product is a status extract: a relative's move does not deliver the person, so change extracts would not keep its records; give no days", ErrOption)
		}
		opts.Generator.Family = true
		sel := extract.AllRecords()
		if opts.Extract.Records != nil {
			sel = maps.Clone(opts.Extract.Records)
		}
		for _, t := range extract.FamilyTypes {
			sel[t] = true
		}
		opts.Extract.Records = sel
	} else if slices.ContainsFunc(extract.FamilyTypes, func(t string) bool { return opts.Extract.Records[t] }) {
		return nil, fmt.Errorf("%w: records 031-033 are the family product's: give the family product", ErrOption)
	}
	cfg := opts.Generator
	formats := opts.Formats
	if len(formats) == 0 {
		formats = []Format{FormatFixed, FormatCSV, FormatParquet, FormatJSONL}
	}
	asOf := cfg.AsOf
	if asOf.IsZero() {
		asOf = generator.DefaultAsOf
	}
	var (
		fixedFile, jsonFile *outdir.File
		fixed               personWriter
		js                  *jsonl.Writer
		csvw                *csvfiles.Writer
		pqw                 *parquetfiles.Writer
		tableFiles          = map[string]*outdir.File{} // CSV and Parquet, by path
		err                 error
	)
	for _, f := range formats {
		switch f {
		case FormatFixed:
			eo := opts.Extract
			if eo.Production.IsZero() {
				eo.Production = asOf
			}
			if fixedFile, err = out.Create(extract.FileName(eo.Production, eo.Task)); err != nil {
				return nil, err
			}
			if opts.Product == ProductPrivate {
				previous := eo.PreviousProduction
				if previous.IsZero() {
					previous = eo.Production.AddDays(-1)
				}
				task := eo.Task
				if task == 0 {
					task = extract.DefaultTask
				}
				if fixed, err = private.NewWriter(fixedFile, task, eo.Production, previous, opts.Private, eo.WriterOptions); err != nil {
					return nil, err
				}
			} else if fixed, err = extract.NewPersonWriter(fixedFile, eo); err != nil {
				return nil, fmt.Errorf("%w: %v", ErrOption, err)
			}
		case FormatJSONL:
			if jsonFile, err = out.Create(PersonsFile); err != nil {
				return nil, err
			}
			js = jsonl.NewWriter(jsonFile)
		case FormatCSV:
			csvw, err = csvfiles.NewWriter(func(name string) (io.Writer, error) {
				f, err := out.Create("csv/" + name)
				tableFiles["csv/"+name] = f
				return f, err
			}, opts.Extract.Records)
			if err != nil {
				return nil, err
			}
		case FormatParquet:
			pqw, err = parquetfiles.NewWriter(func(name string) (io.Writer, error) {
				f, err := out.Create("parquet/" + name)
				tableFiles["parquet/"+name] = f
				return f, err
			}, opts.Extract.Records, opts.Compression)
			if err != nil {
				return nil, err
			}
			defer pqw.Close() // stops its goroutines when the run fails; a second Close is harmless
		}
	}
	total := cfg.Persons
	if total == 0 {
		total = generator.DefaultPersons
	}
	switch {
	case opts.Product != "" && opts.Product != ProductPrivate && opts.Product != ProductFamily:
		return nil, fmt.Errorf("%w: product %q: want %q, %q or none", ErrOption, opts.Product, ProductPrivate, ProductFamily)
	case opts.Product == ProductPrivate && !slices.Contains(formats, FormatFixed):
		return nil, fmt.Errorf("%w: the private product is the fixed-width files: give the fixed format", ErrOption)
	case opts.Product == ProductPrivate && opts.Area != nil:
		return nil, fmt.Errorf("%w: the private product has no area: private customers subscribe to persons", ErrOption)
	case opts.Product != ProductPrivate && opts.Subscribed != nil:
		return nil, fmt.Errorf("%w: subscriptions are the private product's", ErrOption)
	}
	if opts.Area != nil && len(opts.Area) == 0 {
		return nil, fmt.Errorf("%w: an area needs a municipality code", ErrOption)
	}
	if opts.Area != nil && opts.Extract.Records != nil && !opts.Extract.Records["002"] {
		return nil, fmt.Errorf("%w: an area run needs record 002: a receiver knows by it who lives in the area", ErrOption)
	}
	tl, err := newTimeline(out, opts, formats, asOf)
	if err != nil {
		return nil, err
	}
	defer tl.close()
	var codes *registers.Collector // the codes the run's records use, for the registers
	if fixed != nil {
		codes = registers.NewCollector()
	}
	final := tl.final
	if codes != nil {
		final = func(p *generator.Person) error {
			if tl.area == nil || tl.area.area.Lives(p) {
				codes.Add(p)
			}
			return tl.final(p)
		}
		tl.codes = codes // an area run's change extracts carry movers' addresses outside it
	}
	h := generator.Handler{Change: tl.change, Final: final}
	prep := newPreparing(opts, csvw, pqw != nil)
	if prep != nil {
		h.Prepare = prep.prepare
	}
	h.Person = func(p *generator.Person, prepared []byte) error {
		if tl.area != nil && !tl.area.person(p) {
			return nil
		}
		if codes != nil {
			codes.Add(p)
		}
		if opts.Progress != nil && p.Index%4096 == 0 {
			opts.Progress(p.Index, total)
		}
		if fixed != nil && (opts.Subscribed == nil || opts.Subscribed[p.Number]) {
			if err := fixed.Write(p); err != nil {
				return fmt.Errorf("write %s: %w", fixedFile.Name, err)
			}
		}
		switch {
		case prep != nil:
			if err := prep.writeCSV(p, prepared); err != nil {
				return err
			}
		case csvw != nil:
			if err := csvw.Write(p); err != nil {
				return err
			}
		}
		if pqw != nil {
			if err := pqw.Write(p); err != nil {
				return err
			}
		}
		if js != nil {
			return js.Write(p)
		}
		return nil
	}
	gm, err := generator.Run(ctx, cfg, h)
	if err != nil {
		return nil, err
	}
	m := &Manifest{Manifest: gm, Output: output(opts, formats, asOf)}
	if fixed != nil {
		if err := fixed.Close(); err != nil {
			return nil, fmt.Errorf("write %s: %w", fixedFile.Name, err)
		}
		if err := m.add(fixedFile, fixed.Records()+2); err != nil {
			return nil, err
		}
	}
	rows := map[string]int{}
	if csvw != nil {
		if err := csvw.Close(); err != nil {
			return nil, err
		}
		for n, r := range csvw.Rows() {
			rows["csv/"+n] = r
		}
	}
	if pqw != nil {
		if err := pqw.Close(); err != nil {
			return nil, err
		}
		for n, r := range pqw.Rows() {
			rows["parquet/"+n] = r
		}
	}
	names := make([]string, 0, len(tableFiles))
	for name := range tableFiles {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if err := m.add(tableFiles[name], rows[name]); err != nil {
			return nil, err
		}
	}
	if js != nil {
		if err := js.Close(); err != nil {
			return nil, fmt.Errorf("write %s: %w", PersonsFile, err)
		}
		if err := m.add(jsonFile, js.Count()); err != nil {
			return nil, err
		}
	}
	if err := tl.finish(m); err != nil {
		return nil, err
	}
	if codes != nil {
		if err := writeRegisters(out, m, codes, registers.Options{Production: asOf.AddDays(cfg.Days)}); err != nil {
			return nil, err
		}
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

	if err := writeManifest(out, m); err != nil {
		return nil, err
	}
	if opts.Progress != nil {
		opts.Progress(total, total)
	}
	return m, nil
}

// writeManifest writes manifest.json, the last file of a run.
func writeManifest(out *outdir.Dir, m *Manifest) error {
	mf, err := out.Create(ManifestFile)
	if err != nil {
		return err
	}
	enc := json.NewEncoder(mf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(m)
}

// writeRegisters writes the road register and the authority table of the codes the run used.
func writeRegisters(out *outdir.Dir, m *Manifest, codes *registers.Collector, opts registers.Options) error {
	for _, r := range codes.Registers() {
		f, err := out.Create(path.Join(RegistersDir, r.Name))
		if err != nil {
			return err
		}
		n, err := r.Write(f, opts)
		if err != nil {
			return fmt.Errorf("write %s: %w", f.Name, err)
		}
		if err := m.add(f, n); err != nil {
			return err
		}
	}
	return nil
}

// add closes f, which computes its checksum, and lists it.
func (m *Manifest) add(f *outdir.File, records int) error {
	if err := f.Close(); err != nil {
		return err
	}
	m.Files = append(m.Files, FileInfo{Name: f.Name, Records: records, Bytes: f.Size(), SHA256: f.SHA256()})
	return nil
}
