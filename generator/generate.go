package generator

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"

	"github.com/cprtestdata/cprtestdata/generator/civil"
	"github.com/cprtestdata/cprtestdata/generator/pnr"
)

// DataVersion is the version of what the project writes: the population model and every output's bytes.
// It changes whenever the same Config could give other bytes in any output (a test pins the golden
// outputs' SHA-256 to it), so the same DataVersion, Config and seed give the same output, byte for byte.
// It is not the program's version, which the build records.
const DataVersion = "19"

// chunkGroups is how many family groups are made at a time: it bounds memory whatever the population.
const chunkGroups = 2048

// group is one family group on its way through the pipeline.
type group struct {
	chunk   *chunk       // the chunk it travels in
	index   int          // group number
	first   int          // index of its first person
	base    int          // members as of the start
	members []member     // the members as of the start, then those the timeline adds
	numbers []pnr.Number // by member
	persons []Person     // the members as of the start
	// The timeline: its structural events, the population indexes of the members it adds, the deliveries
	// of each day and every member at the end.
	happenings []happening
	forced     []forcedEvent // the forced events its members carry (Config.Events)
	forcedDone []ForcedEntry // those that happened, for the manifest
	arrivals   []int
	changes    []Change
	final      []Person
	// What Handler.Prepare made of the persons: person i's is prepared[prepEnd[i-1]:prepEnd[i]].
	prepared []byte
	prepEnd  []int
}

// Generate makes the population cfg describes and calls emit with each person, in index order, from one
// goroutine, and returns the manifest of what was made. The Person is valid until emit returns: its
// storage is then reused for later persons. Its slices and pointers are never reused, so a shallow copy
// (q := *p) keeps it. Memory is bounded by the chunk size and the number of birth dates, not by the
// population size.
func Generate(ctx context.Context, cfg Config, emit func(*Person) error) (*Manifest, error) {
	return Run(ctx, cfg, Handler{Person: func(p *Person, _ []byte) error { return emit(p) }})
}

// Handler receives what Run makes. Its functions but Prepare are called from one goroutine, family group
// by family group in population order: the group's persons as of the start (Person), then its
// deliveries day by day (Change), then its persons at the end of the timeline (Final), those it added
// last. Each may be nil. What they are given is valid until they return; a shallow copy keeps it.
type Handler struct {
	// Prepare is called by the workers, several at once and in no order, with each person of the
	// population as soon as it is made, and appends to dst what Person will need of it (its encoded
	// records, say): work that depends only on the person so runs on every core. It must be safe for
	// concurrent use and must not keep p.
	Prepare func(p *Person, dst []byte) []byte
	// Person gets each person of the population with what Prepare appended for it (nil without Prepare).
	Person func(p *Person, prepared []byte) error
	Change func(*Change) error
	Final  func(*Person) error
}

// Run makes the population cfg describes and, when cfg.Days is set, moves it through the timeline day by
// day, handing everything to h. It returns the manifest of what was made.
func Run(ctx context.Context, cfg Config, h Handler) (*Manifest, error) {
	r, err := cfg.resolve()
	if err != nil {
		return nil, err
	}
	w, err := loadWorld()
	if err != nil {
		return nil, err
	}
	g := &generation{cfg: r, world: w, numbers: newNumberer(r.SafeNumbers), manifest: newManifest(r),
		arenas: make(chan []Person, 8), handler: h}
	g.plan = newPlan(r)
	if r.Days > 0 {
		g.sched = newScheduler(r.Seed, r.AsOf, r.Days, w.demog)
		g.forced = newForcedPlan(r)
		if g.arrivals, err = g.allocateArrivals(ctx, w); err != nil {
			return nil, err
		}
		if err := g.forced.done(); err != nil {
			return nil, err
		}
	}
	lo, hi := 0, r.Persons
	if r.Shard.Count > 0 {
		lo, hi = r.Persons*r.Shard.Index/r.Shard.Count, r.Persons*(r.Shard.Index+1)/r.Shard.Count
	}
	// Three stages run at once: skeletons and numbers (sequential, as numbers are), details (parallel),
	// and emission in order (here). Each hands whole chunks on, so at most a few chunks are in memory.
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	skeletons := make(chan *chunk, 1)
	var produceErr error
	go func() {
		defer close(skeletons)
		produceErr = g.produce(ctx, lo, hi, skeletons)
	}()
	filled := g.fillAll(ctx, skeletons)
	var emitErr error
	for ch := range filled {
		ch.done.Wait()
		if emitErr != nil {
			continue
		}
		for _, gr := range ch.groups {
			if emitErr = g.emit(gr, h); emitErr != nil {
				cancel()
				break
			}
		}
		g.recycle(ch.arena)
	}
	if emitErr != nil {
		return nil, emitErr
	}
	if produceErr != nil {
		return nil, produceErr
	}
	if err := g.plan.done(); err != nil && r.Shard.Count == 0 {
		return nil, err
	}
	g.manifest.finish()
	return g.manifest, nil
}

// emit hands one group's persons, deliveries and final persons to h.
func (g *generation) emit(gr *group, h Handler) error {
	for i := range gr.persons {
		p := &gr.persons[i]
		g.manifest.add(p, gr.members[i].scenario)
		if h.Person != nil {
			var prepared []byte
			if gr.prepEnd != nil {
				prepared = gr.prepared[prepStart(gr.prepEnd, i):gr.prepEnd[i]]
			}
			if err := h.Person(p, prepared); err != nil {
				return err
			}
		}
	}
	if gr.prepared != nil {
		g.prepBufs.Put(gr.prepared[:0])
		gr.prepared, gr.prepEnd = nil, nil
	}
	g.manifest.Forced = append(g.manifest.Forced, gr.forcedDone...)
	for i := range gr.changes {
		c := &gr.changes[i]
		g.manifest.addChange(c)
		if h.Change != nil {
			if err := h.Change(c); err != nil {
				return err
			}
		}
	}
	if g.cfg.Days > 0 {
		for i := range gr.final {
			g.manifest.addFinal(&gr.final[i])
			if h.Final != nil {
				if err := h.Final(&gr.final[i]); err != nil {
					return err
				}
			}
		}
	}
	gr.changes, gr.final = nil, nil
	return nil
}

// prepStart is where person i's prepared bytes begin.
func prepStart(ends []int, i int) int {
	if i == 0 {
		return 0
	}
	return ends[i-1]
}

// prepare has h.Prepare make what it will need of the group's persons.
func (g *generation) prepare(gr *group) {
	buf, _ := g.prepBufs.Get().([]byte)
	gr.prepEnd = make([]int, len(gr.persons))
	for i := range gr.persons {
		buf = g.handler.Prepare(&gr.persons[i], buf)
		gr.prepEnd[i] = len(buf)
	}
	gr.prepared = buf
}

// produce makes skeletons and numbers for the groups up to person hi, and sends on those whose first
// person is at lo or after, in chunks.
func (g *generation) produce(ctx context.Context, lo, hi int, out chan<- *chunk) error {
	b := &builder{r: rand.New(rand.NewPCG(0, 0)), asOf: g.cfg.AsOf}
	src := rand.NewPCG(0, 0)
	b.r = rand.New(src)
	person, index := 0, 0
	for person < g.cfg.Persons && person < hi {
		if err := ctx.Err(); err != nil {
			return err
		}
		ch := &chunk{}
		for len(ch.groups) < chunkGroups && person < g.cfg.Persons && person < hi {
			gr := &group{index: index, first: person}
			src.Seed(streamSeeds(g.cfg.Seed, gr.index, 0))
			if err := g.skeleton(b, gr); err != nil {
				return err
			}
			person += gr.base
			index++
			if gr.first >= lo {
				ch.groups = append(ch.groups, gr)
			}
		}
		// The chunk's persons share one arena, recycled once they are emitted.
		total := 0
		for _, gr := range ch.groups {
			total += gr.base
		}
		ch.arena = g.arena(total)
		off := 0
		for _, gr := range ch.groups {
			n := gr.base
			gr.persons = ch.arena[off : off+n : off+n]
			off += n
		}
		select {
		case out <- ch:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return nil
}

// arena returns storage for n persons, reused when there is some.
func (g *generation) arena(n int) []Person {
	select {
	case a := <-g.arenas:
		if cap(a) >= n {
			return a[:n]
		}
	default:
	}
	return make([]Person, n, n+n/4)
}

func (g *generation) recycle(a []Person) {
	select {
	case g.arenas <- a:
	default:
	}
}

type generation struct {
	arenas   chan []Person
	cfg      *resolved
	world    *world
	numbers  *numberer
	plan     *plan
	manifest *Manifest
	sched    *scheduler        // the timeline's structural events; nil without one
	arrivals map[int][]arrival // by group: the numbers and indexes of the persons the timeline adds
	forced   *forcedPlan       // the forced events; nil without
	placing  bool              // this pass places the forced events (allocateArrivals') rather than reads them
	handler  Handler
	prepBufs sync.Pool // buffers for Handler.Prepare, []byte
}

// arrival is the number and population index of a person the timeline adds.
type arrival struct {
	number pnr.Number
	index  int
}

// streams returns the seeds of group g's two random streams: skeleton (0) and details (1).
func streamSeeds(seed uint64, g int, stream uint64) (uint64, uint64) {
	a := splitmix(seed ^ splitmix(uint64(g)+0x9e3779b97f4a7c15))
	return a, splitmix(a ^ (stream + 1))
}

func splitmix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// skeleton makes group gr's members and numbers them; with a timeline, it plans the group's structural
// events and adds the members they bring, numbered as allocateArrivals decided.
func (g *generation) skeleton(b *builder, gr *group) error {
	b.reset()
	g.plan.build(b, gr.first)
	gr.members = append([]member(nil), b.members...)
	gr.base = len(gr.members)
	gr.numbers = make([]pnr.Number, gr.base)
	for i := range gr.members {
		m := &gr.members[i]
		birth := m.birth
		if g.cfg.SafeNumbers {
			birth = safeBirth(birth)
		}
		var n pnr.Number
		var err error
		switch {
		case m.flags&flagControlDigitZero != 0:
			n, err = g.numbers.reserve(birth, m.gender, controlDigitZero)
		case m.flags&flagAdopted != 0:
			n, err = g.numbers.reserve(birth, m.gender, adoptionSerial)
		default:
			n, err = g.numbers.next(birth, m.gender, m.late)
		}
		if err != nil {
			return err
		}
		gr.numbers[i] = n
	}
	// The timeline runs on the births as without safe numbers (its rates go by age, and it looks again at
	// each birthday), so that safe numbers change the numbers and the listed 1 January births only.
	if g.sched != nil {
		if g.placing {
			gr.forced = g.forced.place(gr.index, gr.first, gr.members[:gr.base], g.cfg.AsOf)
		} else if g.forced != nil {
			gr.forced = g.forced.byGroup[gr.index]
		}
		g.sched.forced = gr.forced
		gr.happenings = append([]happening(nil), g.sched.schedule(gr.index, &gr.members)...)
	}
	if g.cfg.SafeNumbers {
		for i := range gr.members {
			gr.members[i].birth = safeBirth(gr.members[i].birth)
		}
	}
	if g.sched == nil {
		return nil
	}
	for _, a := range g.arrivals[gr.index] {
		gr.numbers = append(gr.numbers, a.number)
		gr.arrivals = append(gr.arrivals, a.index)
	}
	if g.arrivals != nil && len(gr.numbers) != len(gr.members) { // nil while allocateArrivals counts them
		return fmt.Errorf("generator: group %d: %d members after the timeline, %d numbers for them", gr.index, len(gr.members), len(gr.numbers))
	}
	return nil
}

// allocateArrivals runs the sequential pass once over the whole population to find the persons the
// timeline adds, and numbers them after every number of the population as of the start, in the order
// they arrive: by day, then group. A person added on day k thus gets the same number however long the
// timeline is.
func (g *generation) allocateArrivals(ctx context.Context, w *world) (map[int][]arrival, error) {
	a := &generation{cfg: g.cfg, world: w, numbers: newNumberer(g.cfg.SafeNumbers), plan: newPlan(g.cfg),
		sched: newScheduler(g.cfg.Seed, g.cfg.AsOf, g.cfg.Days, w.demog), forced: g.forced, placing: true}
	src := rand.NewPCG(0, 0)
	b := &builder{r: rand.New(src), asOf: g.cfg.AsOf}
	type need struct {
		day, group int
		birth      civil.Date
		gender     pnr.Gender
		late       bool
	}
	var needs []need
	for person, index := 0, 0; person < g.cfg.Persons; index++ {
		if index%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		gr := &group{index: index, first: person}
		src.Seed(streamSeeds(g.cfg.Seed, index, 0))
		if err := a.skeleton(b, gr); err != nil {
			return nil, err
		}
		person += gr.base
		for _, m := range gr.members[gr.base:] {
			needs = append(needs, need{day: m.arrives, group: index, birth: m.birth, gender: m.gender, late: m.late})
		}
	}
	slices.SortStableFunc(needs, func(x, y need) int { return x.day - y.day })
	// Numbers go by the day of arrival; indexes, the order of the status extract at the end, by the day
	// of the change extract that delivers the arrival, then group: where a receiver applying the files
	// meets them (with Weekdays, Monday's file brings Saturday's and Sunday's arrivals in group order).
	order := make([]int, len(needs))
	for k := range order {
		order[k] = k
	}
	asOf := g.cfg.AsOf
	delivered := func(k int) int { return deliveryDay(asOf, g.cfg.Days, g.cfg.Weekdays, needs[k].day) }
	slices.SortStableFunc(order, func(x, y int) int {
		if dx, dy := delivered(x), delivered(y); dx != dy {
			return dx - dy
		}
		return needs[x].group - needs[y].group
	})
	index := make([]int, len(needs))
	for pos, k := range order {
		index[k] = g.cfg.Persons + pos
	}
	out := make(map[int][]arrival, len(needs))
	for k, n := range needs {
		num, err := a.numbers.next(n.birth, n.gender, n.late)
		if err != nil {
			return nil, err
		}
		out[n.group] = append(out[n.group], arrival{number: num, index: index[k]})
	}
	return out, nil
}

// chunk is a run of family groups on their way through the pipeline; done is released when all their
// details are filled in. Its persons live in arena.
type chunk struct {
	groups []*group
	arena  []Person
	done   sync.WaitGroup
}

func (g *generation) fillAll(ctx context.Context, in <-chan *chunk) <-chan *chunk {
	out := make(chan *chunk, 3)
	work := make(chan *group, chunkGroups)
	for w := 0; w < max(1, g.cfg.Workers); w++ {
		go func() {
			d := newDetailer(g.world, g.cfg.AsOf, g.cfg.Persons)
			for gr := range work {
				d.src.Seed(streamSeeds(g.cfg.Seed, gr.index, 1))
				d.faker = nil
				d.fill(gr.members[:gr.base], gr.numbers[:gr.base], gr.persons, gr.first)
				for i := range gr.persons {
					gr.persons[i].Index = gr.first + i
					gr.persons[i].Group = gr.index
				}
				if g.cfg.Family {
					attachFamily(gr.persons, g.cfg.AsOf)
				}
				if g.handler.Prepare != nil {
					g.prepare(gr)
				}
				if g.cfg.Days > 0 {
					d.simulate(gr, g.cfg.Seed, g.cfg.Days, g.cfg.Weekdays)
				}
				gr.chunk.done.Done()
			}
		}()
	}
	go func() {
		defer close(out)
		defer close(work)
		for ch := range in {
			groups := ch.groups
			ch.done.Add(len(groups))
			for _, gr := range groups {
				gr.chunk = ch
			}
			select {
			case out <- ch: // the receiver waits for it; meanwhile its groups are queued
			case <-ctx.Done():
				for range in {
				}
				return
			}
			for _, gr := range groups {
				work <- gr
			}
		}
	}()
	return out
}

// plan decides what each family group is: a scenario instance at regular intervals until every quota is
// met, ordinary groups otherwise, and single persons to fill the population to its exact size.
type plan struct {
	persons   int
	instances []*scenario // in the order they are placed: round robin over the catalogue
	stride    int
	placed    int
	needed    int // persons the unplaced instances need
	made      int // persons made so far
	groups    int
	ordinary  sampler
	ages      sampler
}

func newPlan(r *resolved) *plan {
	p := &plan{persons: r.Persons, ordinary: newSampler(ordinaryWeights[:]), ages: anchorAges()}
	for round := 0; ; round++ {
		added := false
		for _, q := range r.quotas {
			if q.n > round && q.s.build != nil {
				p.instances = append(p.instances, q.s)
				p.needed += q.s.persons
				added = true
			}
		}
		if !added {
			break
		}
	}
	p.stride = max(1, r.Persons/(3*max(1, len(p.instances))))
	return p
}

// maxOrdinary is more than any ordinary group has members.
const maxOrdinary = 40

func (p *plan) build(b *builder, first int) {
	remaining := p.persons - first
	defer func() {
		p.made += len(b.members)
		p.groups++
	}()
	if p.placed < len(p.instances) && (p.groups%p.stride == 0 || remaining-p.needed < maxOrdinary) {
		s := p.instances[p.placed]
		p.placed++
		p.needed -= s.persons
		s.build(b)
		return
	}
	ordinaryGroup(b, p.ordinary.draw(b.r), p.ages)
	if len(b.members) > remaining-p.needed {
		b.reset()
		b.single(StatusActive, 18, 80)
	}
}

func (p *plan) done() error {
	if p.placed < len(p.instances) {
		return fmt.Errorf("generator: only %d of %d scenario instances placed", p.placed, len(p.instances))
	}
	return nil
}

// Ordinary group kinds, weighted per group so that about a third of all numbers are inactive (dead,
// emigrated and the rest), as in CPR.
const (
	kindHousehold = iota
	kindDead
	kindEmigrated
	kindDisappeared
	kindAdministrative
	kindGreenland
	kindSpecialRoad
	kindAnnulled
	kindChangedNumber
	kindDuplicate
	kinds
)

var ordinaryWeights = [kinds]float64{
	kindHousehold: 0.45, kindDead: 0.42, kindEmigrated: 0.10, kindDisappeared: 0.003, kindAdministrative: 0.012,
	kindGreenland: 0.004, kindSpecialRoad: 0.004, kindAnnulled: 0.001, kindChangedNumber: 0.001, kindDuplicate: 0.001,
}

func ordinaryGroup(b *builder, kind int, ages sampler) {
	switch kind {
	case kindHousehold:
		b.household(ages)
	case kindDead:
		b.dead()
	case kindEmigrated:
		b.emigrated()
	case kindDisappeared:
		b.single(StatusDisappeared, 18, 70)
	case kindAdministrative:
		i := b.single(StatusAdministrative, 20, 65)
		b.members[i].flags |= flagImmigrant
	case kindGreenland:
		s := StatusGreenland
		if b.r.IntN(5) == 0 {
			s = StatusGreenlandSpecialRoad
		}
		b.single(s, 0, 85)
	case kindSpecialRoad:
		b.single(StatusActiveSpecialRoad, 18, 80)
	case kindAnnulled:
		b.single(StatusAnnulled, 18, 70)
	case kindChangedNumber:
		cur := b.single(StatusActive, 20, 70)
		c := b.members[cur]
		if b.r.IntN(2) == 0 {
			b.replaced(cur, c.birth, other(c.gender), StatusChangedNumber, flagGenderChange)
		} else {
			b.replaced(cur, civil.FromDayNumber(c.birth.DayNumber()-1-b.r.IntN(300)), c.gender, StatusChangedNumber, flagBirthDateFixed)
		}
	case kindDuplicate:
		cur := b.single(StatusActive, 18, 80)
		c := b.members[cur]
		b.replaced(cur, c.birth, c.gender, StatusDeletedDuplicate, 0)
	}
}
