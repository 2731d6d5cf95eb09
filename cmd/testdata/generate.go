package main

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/cprtestdata/cprtestdata/formats/dataset"
	"github.com/cprtestdata/cprtestdata/formats/extract"
	"github.com/cprtestdata/cprtestdata/formats/outdir"
	"github.com/cprtestdata/cprtestdata/formats/tables/parquetfiles"
	"github.com/cprtestdata/cprtestdata/generator"
	"github.com/cprtestdata/cprtestdata/generator/civil"
	"github.com/cprtestdata/cprtestdata/generator/pnr"
)

func generateCommand() *cli.Command {
	return &cli.Command{
		Name:  "generate",
		Usage: "make a synthetic population and write it to a directory",
		Description: `Makes a deterministic population of Danish residents and former residents - families, addresses,
histories, and a quota of every edge case (see testdata scenarios) - and writes to --out:

   D<yymmdd>.L<task>  CPR's fixed-width extract (records 000, 001-030, 999), as of --as-of
   csv/               a table per record type (001_person_information.csv ...) and persons.csv
   parquet/           the same tables in Parquet, with DATE, TIMESTAMP and integer columns
   persons.jsonl      one person per line, every field of CPR's records 001-030
   substitutes.jsonl  the separate dataset of persons with substitute numbers
   changes/           with --days N: a change extract per day, D<yymmdd>.L<task>, each with every
                      person touched that day (full records and a 099 record per event); the
                      events tables csv/099_events.csv and parquet/099_events.parquet
   final/             with --final-status: the status extract as of the last day
   manifest.json      seed, version, options, counts, each file's SHA-256, and per scenario the
                      persons that carry it with the values a test should expect

Files are written under temporary names and renamed when the run is complete; an interrupted run
leaves no file that looks finished. The same seed, options and version give the same bytes, whatever
--workers is.

Examples:
   testdata generate --out out
   testdata generate --out out --persons 1000000 --seed 7 --as-of 2030-06-30
   testdata generate --out out --scenario no-control-digit=50 --scenario twins=10
   testdata generate --out out --format fixed --records 001,002,003,008 --framing lf --trim
   testdata generate --out out --days 30 --final-status
   testdata generate --out out --days 30 --event number-change=3 --event death=2
   testdata generate --out bank --days 30 --product private --subscribe customers.txt
   testdata generate --out part0 --persons 10000000 --shard 0/4`,
		Flags: append(append([]cli.Flag{
			&cli.StringFlag{Name: "out", Usage: "directory to write to (required; created when missing)", EnvVars: []string{"CPRTESTDATA_OUT"}},
		}, populationFlags()...),
			&cli.IntFlag{Name: "substitutes", Usage: "persons in the substitute-number dataset (default: one per 200 persons, at least 10; -1 for none)"},
			&cli.StringFlag{Name: "shard", Usage: "K/N: make only slice K (0-based) of N; the N slices together are the whole population"},
			&cli.IntFlag{Name: "workers", Usage: "goroutines making details (default: the number of CPUs); does not change the output"},
			&cli.StringFlag{Name: "format", Value: "fixed,csv,parquet,jsonl", Usage: "formats to write: fixed (CPR's extract), csv, parquet, jsonl"},
			&cli.StringFlag{Name: "compression", Value: "zstd", Usage: "Parquet compression: zstd, snappy or none"},
			&cli.StringFlag{Name: "records", Value: "all", Usage: "record types of the extract, as CPR subscriptions: 001,002,003,... (001 always; 002 brings 004)"},
			&cli.StringFlag{Name: "framing", Value: "stream", Usage: "extract framing: stream (CPR's FTP files), lf or crlf"},
			&cli.BoolFlag{Name: "trim", Usage: "with lf or crlf, leave out trailing blanks"},
			&cli.StringFlag{Name: "encoding", Value: "iso-8859-1", Usage: "extract encoding: iso-8859-1 (CPR's) or utf-8 (not CPR's)"},
			&cli.IntFlag{Name: "task", Value: 900001, Usage: "task number (OPGAVENR) in the start record and the file name"},
			&cli.BoolFlag{Name: "address-with-person", Usage: "keep each 003 record with its person instead of in a block at the end"},
			&cli.IntFlag{Name: "days", Usage: "move the population on this many days after --as-of, writing a change extract per day to changes/ (0-3660)", EnvVars: []string{"CPRTESTDATA_DAYS"}},
			&cli.StringSliceFlag{Name: "event", Usage: "KIND=N: with --days, make N more events of KIND within the timeline, listed in the manifest with the persons and days (" + strings.Join(generator.EventKindNames(), ", ") + "; repeatable)"},
			&cli.BoolFlag{Name: "final-status", Usage: "with --days, also write the status extract as of the last day to final/"},
			&cli.BoolFlag{Name: "weekdays", Usage: "with --days, deliver change extracts on weekdays only, as CPR does: a weekend's events come on Monday", EnvVars: []string{"CPRTESTDATA_WEEKDAYS"}},
			&cli.StringFlag{Name: "product", Value: "public", Usage: "public (Format A, U12170); private: the fixed-width files in CPR Direkte PRIV's layout (U09480P), as a bank's PNR subscriptions receive them; family: Format A with the family product P12180's records 031-033 (mother, father and children with their clear-text addresses), a status extract"},
			&cli.StringFlag{Name: "subscribe", Usage: "FILE: with --product private, the personnumre subscribed to, one a line (default: everyone)"},
			&cli.StringFlag{Name: "municipality", Usage: "CODES: an area run, as CPR delivers U12170 by municipality code (101,147): only the persons living there, and the changes of those who lived there before a delivery or after it"},
			&cli.BoolFlag{Name: "force", Usage: "write into a directory that is not empty"},
			&cli.BoolFlag{Name: "quiet", Usage: "no progress on standard error"},
		),
		OnUsageError: onUsageError,
		Action:       generate,
	}
}

// Soft memory limits generate sets unless GOMEMLIMIT is given: the garbage collector then collects more
// often instead of letting the heap grow to twice what is live, and peak memory stays under 300 MB for a
// status extract of any population, under 500 MB with a timeline (see the README's figures). They are
// soft: a run that needs more gets it, at the cost of more collections.
const (
	memoryLimit         = 240 << 20
	timelineMemoryLimit = 400 << 20 // its spools and the persons in flight twice, as of the start and now
)

func generate(c *cli.Context) error {
	if c.Args().Present() {
		return usagef(c, "unexpected argument %q", c.Args().First())
	}
	out := c.String("out")
	if out == "" {
		return usagef(c, "--out is required")
	}
	cfg, err := generatorConfig(c)
	if err != nil {
		return err
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		limit := memoryLimit
		if cfg.Days > 0 {
			limit = timelineMemoryLimit
		}
		debug.SetMemoryLimit(int64(limit))
	}
	opts := dataset.Options{Generator: cfg, Force: c.Bool("force"), FinalStatus: c.Bool("final-status")}
	if opts.FinalStatus && cfg.Days == 0 {
		return usagef(c, "--final-status needs --days: without a timeline the status extract is the final one")
	}
	if opts.Formats, err = dataset.ParseFormats(c.String("format")); err != nil {
		return usagef(c, "--format: %v", err)
	}
	if opts.Compression, err = parquetfiles.ParseCompression(c.String("compression")); err != nil {
		return usagef(c, "--compression: %v", err)
	}
	eo := &opts.Extract
	if eo.Records, err = extract.ParseSelection(c.String("records")); err != nil {
		return usagef(c, "--records: %v", err)
	}
	switch product := c.String("product"); product {
	case "public":
	case "private":
		opts.Product = dataset.ProductPrivate
		if c.IsSet("format") && !strings.Contains(c.String("format"), "fixed") {
			return usagef(c, "--product private writes the fixed-width files: give --format fixed")
		}
		opts.Private.CreditWarnings = eo.Records["050"] // the customer's agreement includes 050: --records all,050
	case "family":
		opts.Product = dataset.ProductFamily
		if c.Int("days") > 0 {
			return usagef(c, "--product family is a status extract: a relative's move does not deliver the person, so change extracts would not keep its records 031-033; give no --days")
		}
	default:
		return usagef(c, "--product %q: want public, private or family", product)
	}
	if opts.Product != dataset.ProductFamily && slices.ContainsFunc(extract.FamilyTypes, func(t string) bool { return eo.Records[t] }) {
		return usagef(c, "--records: 031-033 are the family product's records: give --product family")
	}
	if name := c.String("subscribe"); name != "" {
		if opts.Product != dataset.ProductPrivate {
			return usagef(c, "--subscribe is for --product private")
		}
		if opts.Subscribed, err = readSubscriptions(c, name); err != nil {
			return err
		}
	}
	if c.IsSet("municipality") {
		if opts.Area, err = extract.ParseArea(c.String("municipality")); err != nil {
			return usagef(c, "--municipality: %v", err)
		}
		if !eo.Records["002"] {
			return usagef(c, "--municipality needs record 002 in --records: a receiver knows by it who lives in the area")
		}
	}
	if eo.Framing, err = extract.ParseFraming(c.String("framing")); err != nil {
		return usagef(c, "--framing: %v; want stream, lf or crlf", err)
	}
	if eo.Encoding, err = extract.ParseEncoding(c.String("encoding")); err != nil {
		return usagef(c, "--encoding: %v; want iso-8859-1 or utf-8", err)
	}
	eo.Trim = c.Bool("trim")
	if eo.Trim && eo.Framing == extract.Stream {
		return usagef(c, "--trim needs --framing lf or crlf: a stream has no line ends to trim before")
	}
	eo.Task = c.Int("task")
	if eo.Task < 1 || eo.Task > 999999 {
		return usagef(c, "--task %d: want 1-999999", eo.Task)
	}
	eo.AddressWithPerson = c.Bool("address-with-person")
	stopProgress := func() {}
	if !c.Bool("quiet") && isTerminal(c.App.ErrWriter) {
		opts.Progress, stopProgress = progressBar(c, cfg.Persons)
	}
	start := time.Now()
	m, err := dataset.Write(c.Context, out, opts)
	stopProgress()
	switch {
	case errors.Is(err, generator.ErrConfig), errors.Is(err, outdir.ErrNotEmpty), errors.Is(err, outdir.ErrNotDir),
		errors.Is(err, outdir.ErrNotWritable), errors.Is(err, dataset.ErrOption):
		return usagef(c, "%v", err)
	case err != nil:
		return err
	}
	if !c.Bool("quiet") {
		fmt.Fprintf(c.App.ErrWriter, "testdata generate: %d persons in %s (%s)\n", m.Made, out, time.Since(start).Round(time.Millisecond))
		printFiles(c, m)
	}
	return nil
}

// printFiles lists the files of a run with their records, bytes and SHA-256.
func printFiles(c *cli.Context, m *dataset.Manifest) {
	width := 0
	for _, f := range m.Files {
		width = max(width, len(f.Name))
	}
	for _, f := range m.Files {
		fmt.Fprintf(c.App.ErrWriter, "  %-*s %9d records %12d bytes  sha256 %s\n", width, f.Name, f.Records, f.Bytes, f.SHA256[:16])
	}
}

// populationFlags are the flags that say which population to make, shared by generate and serve.
func populationFlags() []cli.Flag {
	return []cli.Flag{
		&cli.IntFlag{Name: "persons", Value: generator.DefaultPersons, Usage: "personnumre in the population", EnvVars: []string{"CPRTESTDATA_PERSONS"}},
		&cli.StringFlag{Name: "seed", Value: "0", Usage: "random seed, any unsigned 64-bit number", EnvVars: []string{"CPRTESTDATA_SEED"}},
		&cli.StringFlag{Name: "as-of", Value: generator.DefaultAsOf.String(), Usage: "the date the population is as of, YYYY-MM-DD (1858-2057)", EnvVars: []string{"CPRTESTDATA_AS_OF"}},
		&cli.StringSliceFlag{Name: "scenario", Usage: "NAME=N: make N instances of scenario NAME (repeatable)", EnvVars: []string{"CPRTESTDATA_SCENARIOS"}},
		&cli.BoolFlag{Name: "safe-numbers", Usage: "only personnumre CPR has not issued: no control digit, on dates CPR has not opened for such numbers (receivers that demand modulus-11 reject them all)", EnvVars: []string{"CPRTESTDATA_SAFE_NUMBERS"}},
	}
}

// populationConfig turns the population flags into the generator's configuration.
func populationConfig(c *cli.Context) (generator.Config, error) {
	var cfg generator.Config
	cfg.Persons = c.Int("persons")
	if cfg.Persons < 1 {
		return cfg, usagef(c, "--persons %d: want 1 or more", cfg.Persons)
	}
	seed, err := strconv.ParseUint(c.String("seed"), 10, 64)
	if err != nil {
		return cfg, usagef(c, "--seed %q: want an unsigned 64-bit number", c.String("seed"))
	}
	cfg.Seed = seed
	cfg.SafeNumbers = c.Bool("safe-numbers")
	if cfg.AsOf, err = civil.Parse(c.String("as-of")); err != nil {
		return cfg, usagef(c, "--as-of: %v", err)
	}
	for _, s := range c.StringSlice("scenario") {
		name, n, ok := strings.Cut(s, "=")
		q, err := strconv.Atoi(n)
		if !ok || err != nil || name == "" {
			return cfg, usagef(c, "--scenario %q: want NAME=N, for example twins=5", s)
		}
		known := false
		var names []string
		for _, sc := range generator.Scenarios() {
			known = known || sc.Name == name
			names = append(names, sc.Name)
		}
		if !known {
			return cfg, usagef(c, "--scenario %q: no scenario %q%s; testdata scenarios lists them", s, name, didYouMean(name, names))
		}
		if cfg.Scenarios == nil {
			cfg.Scenarios = map[string]int{}
		}
		cfg.Scenarios[name] = q
	}
	return cfg, nil
}

// generatorConfig turns the flags into the generator's configuration.
func generatorConfig(c *cli.Context) (generator.Config, error) {
	cfg, err := populationConfig(c)
	if err != nil {
		return cfg, err
	}
	cfg.Substitutes = c.Int("substitutes")
	if cfg.Substitutes < -1 {
		return cfg, usagef(c, "--substitutes %d: want -1 (none), 0 (default) or more", cfg.Substitutes)
	}
	if s := c.String("shard"); s != "" {
		if cfg.Shard, err = generator.ParseShard(s); err != nil {
			return cfg, usagef(c, "--shard: %v", err)
		}
	}
	cfg.Days = c.Int("days")
	cfg.Weekdays = c.Bool("weekdays")
	if cfg.Weekdays && cfg.Days == 0 {
		return cfg, usagef(c, "--weekdays needs --days")
	}
	if cfg.Days < 0 || cfg.Days > generator.MaxDays {
		return cfg, usagef(c, "--days %d: want 0 to %d", cfg.Days, generator.MaxDays)
	}
	for _, s := range c.StringSlice("event") {
		name, n, ok := strings.Cut(s, "=")
		q, err := strconv.Atoi(n)
		if !ok || err != nil || name == "" || q < 0 {
			return cfg, usagef(c, "--event %q: want KIND=N, for example number-change=3", s)
		}
		if _, known := generator.EventKinds[name]; !known {
			return cfg, usagef(c, "--event %q: no event kind %q%s; the kinds are %s", s, name,
				didYouMean(name, generator.EventKindNames()), strings.Join(generator.EventKindNames(), ", "))
		}
		if cfg.Days == 0 {
			return cfg, usagef(c, "--event needs --days: events happen on the timeline")
		}
		if cfg.Events == nil {
			cfg.Events = map[string]int{}
		}
		cfg.Events[name] += q
	}
	cfg.Workers = c.Int("workers")
	if cfg.Workers < 0 {
		return cfg, usagef(c, "--workers %d: want 1 or more, or 0 for the number of CPUs", cfg.Workers)
	}
	return cfg, nil
}

// isTerminal reports whether w is a terminal (a character device).
func isTerminal(w any) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	info, err := f.Stat()
	return err == nil && info.Mode()&os.ModeCharDevice != 0
}

// readSubscriptions reads a file of personnumre, one a line (blank lines and # comments skipped).
func readSubscriptions(c *cli.Context, name string) (map[pnr.Number]bool, error) {
	f, err := openInput(c, name)
	if err != nil {
		return nil, usagef(c, "--subscribe: %v", err)
	}
	defer f.Close()
	out := map[pnr.Number]bool{}
	sc := bufio.NewScanner(f)
	for line := 1; sc.Scan(); line++ {
		v := strings.TrimSpace(sc.Text())
		if v == "" || strings.HasPrefix(v, "#") {
			continue
		}
		n, err := pnr.Parse(v)
		if err != nil {
			return nil, usagef(c, "--subscribe %s:%d: %v", name, line, err)
		}
		out[n] = true
	}
	if err := sc.Err(); err != nil {
		return nil, usagef(c, "--subscribe %s: %v", name, err)
	}
	return out, nil
}

// progressBar draws the run's progress on standard error, redrawn twice a second whether or not the
// generator reports: the bar, persons made, the rate and the time left. stop ends it and clears the line.
func progressBar(c *cli.Context, total int) (update func(done, total int), stop func()) {
	start := time.Now()
	var made, of atomic.Int64
	of.Store(int64(max(total, 1)))
	draw := func() {
		done, all := made.Load(), max(of.Load(), 1)
		pct := int(100 * done / all)
		bar := strings.Repeat("#", pct/4) + strings.Repeat(".", 25-pct/4)
		elapsed := time.Since(start).Seconds()
		rate := float64(done) / max(elapsed, 0.001)
		left := "?"
		if done > 0 {
			left = (time.Duration(float64(all-done)/rate) * time.Second).Round(time.Second).String()
		}
		fmt.Fprintf(c.App.ErrWriter, "\r\033[K[%s] %3d%% %d/%d persons, %.0f/s, %s left", bar, pct, done, all, rate, left)
	}
	quit, done := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(500 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-quit:
				return
			case <-t.C:
				draw()
			}
		}
	}()
	update = func(d, t int) {
		made.Store(int64(d))
		of.Store(int64(max(t, 1)))
	}
	stop = func() {
		close(quit)
		<-done
		fmt.Fprint(c.App.ErrWriter, "\r\033[K")
	}
	return update, stop
}
