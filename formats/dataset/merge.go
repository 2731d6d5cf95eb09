package dataset

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/cprtestdata/cprtestdata/formats/extract"
	"github.com/cprtestdata/cprtestdata/formats/outdir"
	"github.com/cprtestdata/cprtestdata/formats/registers"
	"github.com/cprtestdata/cprtestdata/formats/tables"
	"github.com/cprtestdata/cprtestdata/formats/tables/csvfiles"
	"github.com/cprtestdata/cprtestdata/formats/tables/parquetfiles"
	"github.com/cprtestdata/cprtestdata/generator"
)

// ErrShards is wrapped by Merge's errors when the directories given are not the shards of one run.
var ErrShards = errors.New("not the shards of one run")

// shard is one directory of a sharded run.
type shard struct {
	dir string
	m   *Manifest
}

func (s *shard) path(name string) string { return filepath.Join(s.dir, filepath.FromSlash(name)) }

// Merge writes to dir the run that the shard directories (made by Write with Shard K/N, every K once)
// are slices of: the same files the run made whole writes, byte for byte - one status extract with
// one start and one end record, each day's change extract, the final status, every table, the JSON
// Lines, the registers, the substitutes - and its manifest. The shards are checked against their
// manifests first. An area run or the private product cannot be merged (ErrShards): their files list
// persons by where they live or whom a customer subscribes to, which a shard does not know of the
// others. On any error no file that looks finished is left in dir.
func Merge(ctx context.Context, dir string, shardDirs []string, force bool) (*Manifest, error) {
	shards, err := readShards(shardDirs)
	if err != nil {
		return nil, err
	}
	if info, err := os.Stat(dir); err == nil {
		for _, s := range shards {
			if si, err := os.Stat(s.dir); err == nil && os.SameFile(info, si) {
				return nil, fmt.Errorf("%s: %w: the output is shard %s's directory", dir, ErrShards, s.m.Shard)
			}
		}
	}
	return intoDir(dir, force, func(out *outdir.Dir) (*Manifest, error) { return merge(ctx, out, shards) })
}

// readShards reads and checks the shards' manifests and files, and returns them in shard order.
func readShards(dirs []string) ([]*shard, error) {
	if len(dirs) == 0 {
		return nil, fmt.Errorf("%w: no shard directory given", ErrShards)
	}
	var (
		shards    []*shard
		first     *shard // the first directory's
		firstOpts Options
	)
	for _, dir := range dirs {
		m, err := ReadManifest(dir)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", dir, err)
		}
		if m.Shard == "" {
			return nil, fmt.Errorf("%s: %w: a whole run, not a shard (made without --shard)", dir, ErrShards)
		}
		sh, err := generator.ParseShard(m.Shard)
		if err != nil {
			return nil, fmt.Errorf("%s: %w: %w", dir, ErrManifest, err)
		}
		switch {
		case m.Output.Municipalities != "":
			return nil, fmt.Errorf("%s: %w: an area run (municipalities %s) cannot be merged: make the area unsharded", dir, ErrShards, m.Output.Municipalities)
		case m.Output.Product != "":
			return nil, fmt.Errorf("%s: %w: the %s product cannot be merged: make it unsharded", dir, ErrShards, m.Output.Product)
		}
		opts, err := m.Options()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", dir, err)
		}
		opts.Generator.Shard = generator.Shard{}
		s := &shard{dir: dir, m: m}
		if first == nil {
			shards, first, firstOpts = make([]*shard, sh.Count), s, opts
		}
		switch {
		case sh.Count != len(shards):
			return nil, fmt.Errorf("%s: %w: shard %s, and %s is shard %s", dir, ErrShards, m.Shard, first.dir, first.m.Shard)
		case shards[sh.Index] != nil:
			return nil, fmt.Errorf("%s: %w: shard %s is %s too", dir, ErrShards, m.Shard, shards[sh.Index].dir)
		case !reflect.DeepEqual(opts, firstOpts) || !slices.Equal(fileNames(m), fileNames(first.m)):
			return nil, fmt.Errorf("%s: %w: made with other options than %s (the shards of a run share every option but --shard)", dir, ErrShards, first.dir)
		}
		shards[sh.Index] = s
	}
	var missing []string
	for k, s := range shards {
		if s == nil {
			missing = append(missing, fmt.Sprintf("%d/%d", k, len(shards)))
		}
	}
	if missing != nil {
		return nil, fmt.Errorf("%w: shard %s missing", ErrShards, strings.Join(missing, ", "))
	}
	for _, s := range shards {
		if err := s.m.Verify(s.dir); err != nil {
			return nil, fmt.Errorf("%s: %w", s.dir, err)
		}
	}
	return shards, nil
}

func fileNames(m *Manifest) []string {
	names := make([]string, len(m.Files))
	for i, f := range m.Files {
		names[i] = f.Name
	}
	return names
}

// merge writes every file of the shards' run, and the manifest listing them in the order the shards'
// manifests do. The files are merged at once, as many as there are cores: Parquet's rows are decoded
// and compressed again, the rest is copied and hashed. The final status extract waits for the status
// extract, whose persons it lists first.
func merge(ctx context.Context, out *outdir.Dir, shards []*shard) (*Manifest, error) {
	m0 := shards[0].m
	opts, err := m0.Options()
	if err != nil {
		return nil, err
	}
	m := &Manifest{Manifest: mergeManifests(shards), Output: m0.Output}
	status, hasStatus := m0.StatusExtract()
	ex := &extractMerge{shards: shards, opts: opts.Extract}
	statusDone := make(chan struct{})
	if !hasStatus {
		close(statusDone)
	}
	for _, f := range m0.Files {
		if f.Name == status {
			break
		}
		if path.Dir(f.Name) == FinalDir { // Write lists the status extract first; the final waits for it
			return nil, fmt.Errorf("%w: %s listed before the status extract", ErrManifest, f.Name)
		}
	}
	type result struct {
		dst *outdir.File
		n   int
		err error
	}
	var (
		results = make([]result, len(m0.Files))
		jobs    = make(chan int)
		mu      sync.Mutex // out.Create
		wg      sync.WaitGroup
	)
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for i := range jobs {
				f := m0.Files[i]
				mu.Lock()
				dst, err := out.Create(f.Name)
				mu.Unlock()
				r := result{dst: dst, err: err}
				if err == nil {
					r.n, r.err = mergeFile(ctx, dst, f, shards, ex, opts, statusDone)
				}
				if f.Name == status {
					close(statusDone)
				}
				if r.err == nil {
					r.err = dst.Close() // here, so that the files' syncs overlap too
				}
				results[i] = r
			}
		})
	}
	for i := range m0.Files {
		if ctx.Err() != nil {
			break
		}
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	for i, r := range results {
		if r.err != nil {
			return nil, fmt.Errorf("merge %s: %w", m0.Files[i].Name, r.err)
		}
	}
	for _, r := range results {
		if err := m.add(r.dst, r.n); err != nil {
			return nil, err
		}
	}
	if err := writeManifest(out, m); err != nil {
		return nil, err
	}
	return m, nil
}

// mergeFile writes to dst the file f of the shards' run and returns its records.
func mergeFile(ctx context.Context, dst io.Writer, f FileInfo, shards []*shard, ex *extractMerge, opts Options, statusDone <-chan struct{}) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	m0 := shards[0].m
	status, _ := m0.StatusExtract()
	switch dir, base := path.Split(f.Name); {
	case f.Name == status:
		return ex.write(dst, f.Name)
	case dir == ChangesDir+"/":
		return ex.write(dst, f.Name)
	case dir == FinalDir+"/":
		<-statusDone
		return ex.final(dst, f.Name)
	case dir == "csv/":
		return withSources(shards, f.Name, func(srcs []*os.File) (int, error) {
			return csvfiles.Merge(dst, readers(srcs), tableRuns(shards, f.Name, base == csvfiles.EventsFile))
		})
	case dir == "parquet/":
		return withSources(shards, f.Name, func(srcs []*os.File) (int, error) {
			ss := make([]parquetfiles.Source, len(srcs))
			for k, src := range srcs {
				ss[k] = parquetfiles.Source{R: src, Size: fileSize(shards[k].m, f.Name)}
			}
			return parquetfiles.Merge(dst, base, ss, tableRuns(shards, f.Name, base == parquetfiles.EventsFile), opts.Compression)
		})
	case f.Name == PersonsFile:
		return withSources(shards, f.Name, func(srcs []*os.File) (int, error) {
			if _, err := io.Copy(dst, io.MultiReader(readers(srcs)...)); err != nil {
				return 0, err
			}
			return sumRecords(shards, f.Name), nil
		})
	case dir == RegistersDir+"/":
		return withSources(shards, f.Name, func(srcs []*os.File) (int, error) {
			return registers.Merge(dst, base, readers(srcs), registers.Options{Production: m0.AsOf.AddDays(len(m0.Days))})
		})
	case f.Name == SubstitutesFile: // shard 0 carries the whole dataset
		return withSources(shards[:1], f.Name, func(srcs []*os.File) (int, error) {
			_, err := io.Copy(dst, srcs[0])
			return f.Records, err
		})
	}
	return 0, fmt.Errorf("%w: a file merge does not know", ErrManifest)
}

// mergeManifests adds up the shards' generator manifests: what the run made whole records.
func mergeManifests(shards []*shard) *generator.Manifest {
	g := *shards[0].m.Manifest
	g.Shard = ""
	add := func(dst *map[string]int, src map[string]int) {
		for k, n := range src {
			if *dst == nil {
				*dst = map[string]int{}
			}
			(*dst)[k] += n
		}
	}
	g.Statuses, g.FinalStatuses = maps.Clone(g.Statuses), maps.Clone(g.FinalStatuses)
	g.Scenarios = slices.Clone(g.Scenarios)
	g.Days = slices.Clone(g.Days)
	for d := range g.Days {
		g.Days[d].Events, g.Days[d].Scenarios = maps.Clone(g.Days[d].Events), maps.Clone(g.Days[d].Scenarios)
	}
	g.Forced = slices.Clone(g.Forced)
	for _, s := range shards[1:] {
		o := s.m.Manifest
		g.Made += o.Made
		g.Final += o.Final
		add(&g.Statuses, o.Statuses)
		add(&g.FinalStatuses, o.FinalStatuses)
		for i := range g.Scenarios {
			g.Scenarios[i].Persons = append(slices.Clip(g.Scenarios[i].Persons), o.Scenarios[i].Persons...)
		}
		for d := range g.Days {
			g.Days[d].Persons += o.Days[d].Persons
			add(&g.Days[d].Events, o.Days[d].Events)
			add(&g.Days[d].Scenarios, o.Days[d].Scenarios)
		}
		g.Forced = append(g.Forced, o.Forced...)
	}
	return &g
}

// tableRuns are the runs of a merged table: each shard's rows in turn, or for the events table, which
// lists the events day by day, each day's rows of each shard in turn (a shard's events of a day are
// the events its manifest counts for the day).
func tableRuns(shards []*shard, name string, events bool) tables.Runs {
	return func(yield func(k, n int) bool) {
		if !events {
			for k, s := range shards {
				if !yield(k, fileRecords(s.m, name)) {
					return
				}
			}
			return
		}
		for d := range shards[0].m.Days {
			for k, s := range shards {
				n := 0
				for _, c := range s.m.Days[d].Events {
					n += c
				}
				if !yield(k, n) {
					return
				}
			}
		}
	}
}

func fileRecords(m *Manifest, name string) int {
	f, _ := m.File(name)
	return f.Records
}

func fileSize(m *Manifest, name string) int64 {
	f, _ := m.File(name)
	return f.Bytes
}

func sumRecords(shards []*shard, name string) int {
	n := 0
	for _, s := range shards {
		n += fileRecords(s.m, name)
	}
	return n
}

// withSources opens the file name of each shard and calls fn with them.
func withSources(shards []*shard, name string, fn func([]*os.File) (int, error)) (int, error) {
	srcs := make([]*os.File, 0, len(shards))
	defer func() {
		for _, f := range srcs {
			f.Close()
		}
	}()
	for _, s := range shards {
		f, err := os.Open(s.path(name))
		if err != nil {
			return 0, err
		}
		srcs = append(srcs, f)
	}
	return fn(srcs)
}

func readers(fs []*os.File) []io.Reader {
	rs := make([]io.Reader, len(fs))
	for i, f := range fs {
		rs[i] = f
	}
	return rs
}

// extractMerge merges the shards' fixed-width extracts. Each shard's file is laid out as the writers
// lay out the whole run's: the start record, the persons (in population order), the 003 block in the
// same order, the end record. The merged file is the start record, every shard's persons, every
// shard's 003 block, an end record counting them all.
type extractMerge struct {
	shards []*shard
	opts   extract.FileOptions
	// the persons of each shard's status extract, and its 003 block: the final status lists them first
	statusPersons, statusBlock []int
}

// sections reads the sections of each shard's file name, listing the persons after the first
// skip(k) of shard k's main part and skipBlock(k) of its 003 block.
func (e *extractMerge) sections(srcs []*os.File, skip, skipBlock func(k int) int) ([]*extract.Sections, error) {
	secs := make([]*extract.Sections, len(srcs))
	for k, f := range srcs {
		s, err := extract.ReadSections(f, e.opts, skip(k), skipBlock(k))
		if err != nil {
			return nil, fmt.Errorf("shard %s: %w", e.shards[k].m.Shard, err)
		}
		secs[k] = s
	}
	return secs, nil
}

func listNone(int) int { return extract.ListNone }
func listAll(int) int  { return extract.ListAll }

// write merges the shards' file name: a status or change extract.
func (e *extractMerge) write(dst io.Writer, name string) (int, error) {
	return withSources(e.shards, name, func(srcs []*os.File) (int, error) {
		secs, err := e.sections(srcs, listNone, listNone)
		if err != nil {
			return 0, err
		}
		if status, _ := e.shards[0].m.StatusExtract(); name == status {
			e.statusPersons, e.statusBlock = make([]int, len(secs)), make([]int, len(secs))
			for k, s := range secs {
				e.statusPersons[k], e.statusBlock[k] = s.Persons, s.BlockPersons
			}
		}
		var main, block []extract.Piece
		records := 0
		for k, s := range secs {
			main = append(main, extract.Piece{Src: srcs[k], Span: s.Main})
			block = append(block, extract.Piece{Src: srcs[k], Span: s.Block})
			records += s.Records
		}
		return records + 2, extract.WriteJoined(dst, extract.Piece{Src: srcs[0], Span: secs[0].Start}, append(main, block...), records, e.opts.WriterOptions)
	})
}

// before is the part of span before the first listed person, or all of it when none is listed.
func before(span extract.Span, listed []extract.PersonSpan) extract.Span {
	if len(listed) > 0 {
		span.Len = listed[0].Off - span.Off
	}
	return span
}

// final merges the shards' final status extracts. Each lists the persons of its status extract first,
// then those the timeline added, in the order a receiver meets them: by the change extract that
// delivered them, then in population order (as generator.Run numbers them); and the same in the 003
// block. The merged file lists every shard's first persons, then all the added ones, ordered by the
// change extract that first carries their number and then by shard; the 003 block likewise.
func (e *extractMerge) final(dst io.Writer, name string) (int, error) {
	if e.statusPersons == nil {
		return 0, fmt.Errorf("%w: a final status without the status extract", ErrManifest)
	}
	return withSources(e.shards, name, func(srcs []*os.File) (int, error) {
		secs, err := e.sections(srcs, func(k int) int { return e.statusPersons[k] }, func(k int) int { return e.statusBlock[k] })
		if err != nil {
			return 0, err
		}
		type added struct {
			k           int
			main, block *extract.PersonSpan
			key         string // the number its place is decided by
			day         int
		}
		var (
			main, block []extract.Piece
			late        []added
			records     int
		)
		for k, s := range secs {
			if s.Persons < e.statusPersons[k] || s.BlockPersons < e.statusBlock[k] {
				return 0, fmt.Errorf("shard %s: %w: fewer persons than its status extract", e.shards[k].m.Shard, ErrMismatch)
			}
			main = append(main, extract.Piece{Src: srcs[k], Span: before(s.Main, s.Listed)})
			block = append(block, extract.Piece{Src: srcs[k], Span: before(s.Block, s.BlockListed)})
			lm, lb := s.Listed, s.BlockListed
			switch {
			case len(lm) == len(lb) || len(lb) == 0:
				for i := range lm {
					a := added{k: k, main: &lm[i], key: lm[i].PNR}
					if len(lb) > 0 {
						a.block = &lb[i]
					}
					late = append(late, a)
				}
			case len(lm) == 0:
				for i := range lb {
					late = append(late, added{k: k, block: &lb[i], key: lb[i].PNR})
				}
			default:
				return 0, fmt.Errorf("shard %s: %w: %d added persons and %d of their 003 records", e.shards[k].m.Shard, ErrMismatch, len(lm), len(lb))
			}
			records += s.Records
		}
		first := map[string]int{}
		for _, a := range late {
			first[a.key] = 0
		}
		if err := e.firstDelivered(first); err != nil {
			return 0, err
		}
		for i := range late {
			late[i].day = first[late[i].key]
			if late[i].day == 0 {
				return 0, fmt.Errorf("shard %s: %w: person %s, added by the timeline, is in no change extract", e.shards[late[i].k].m.Shard, ErrMismatch, late[i].key)
			}
		}
		slices.SortStableFunc(late, func(a, b added) int {
			if a.day != b.day {
				return a.day - b.day
			}
			return a.k - b.k
		})
		for _, a := range late {
			if a.main != nil {
				main = append(main, extract.Piece{Src: srcs[a.k], Span: a.main.Span})
			}
		}
		for _, a := range late {
			if a.block != nil {
				block = append(block, extract.Piece{Src: srcs[a.k], Span: a.block.Span})
			}
		}
		return records + 2, extract.WriteJoined(dst, extract.Piece{Src: srcs[0], Span: secs[0].Start}, append(main, block...), records, e.opts.WriterOptions)
	})
}

// firstDelivered sets, for each number in first, the day (1, 2, …) of the first change extract of
// any shard that carries it.
func (e *extractMerge) firstDelivered(first map[string]int) error {
	if len(first) == 0 {
		return nil
	}
	for d, day := range e.shards[0].m.Days {
		if day.File == "" {
			continue
		}
		_, err := withSources(e.shards, day.File, func(srcs []*os.File) (int, error) {
			secs, err := e.sections(srcs, listAll, listAll)
			if err != nil {
				return 0, err
			}
			for _, s := range secs {
				for _, part := range [][]extract.PersonSpan{s.Listed, s.BlockListed} {
					for _, p := range part {
						if n, ok := first[p.PNR]; ok && n == 0 {
							first[p.PNR] = d + 1
						}
					}
				}
			}
			return 0, nil
		})
		if err != nil {
			return fmt.Errorf("%s: %w", day.File, err)
		}
	}
	return nil
}
