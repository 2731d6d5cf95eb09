package extract

import (
	"strconv"
	"sync"

	"github.com/cprtestdata/cprtestdata/fixtures"
	"github.com/cprtestdata/cprtestdata/generator"
	"github.com/cprtestdata/cprtestdata/generator/civil"
)

// TimeOfDay is the time of the timestamps that belong to no person: the registers' and the receipts'
// (the production date at noon).
const TimeOfDay = "1200"

// TimeKey is the key a person's timestamps are given their times by: the person's family group, so
// that the persons of one event (spouses at their marriage, a mother and her newborn) get the same time
// for it. 0 is no person's: TimeOfDay.
func TimeKey(p *generator.Person) uint64 { return uint64(p.Group) + 1 }

// TimeOf is the time of day (HHmm) of a person's timestamp of date d (cpr-formats.md §1.1: the model
// has dates, CPR's timestamps have times): drawn, by a hash of key and d, from the time parts of the
// timestamps of d's decade in CPR's test extracts (fixtures/tables/times.tsv): 2000 or 1200 for most
// dates of the 1960s-1980s, an hour of the working day, with a minute from the hash, since the 1990s.
// The same key and date give the same time in every record, current or historic, and every output.
func TimeOf(key uint64, d civil.Date) [4]byte {
	t := loadTimes()
	if key == 0 || t == nil {
		return [4]byte{TimeOfDay[0], TimeOfDay[1], TimeOfDay[2], TimeOfDay[3]}
	}
	i := min(max(d.Year/10*10-t.first, 0)/10, len(t.event)-1)
	return t.event[i].draw(mix(key, uint64(d.DayNumber())))
}

// UpdateTime is the time of day (HHmm) of the k-th event (0-based) delivered for a person on d, record
// 099's TIMESTAMPU: an hour drawn from the 099 records of CPR's test extracts, three minutes later for
// each event before it, so that a person's events of a day come in the order they happened.
func UpdateTime(key uint64, d civil.Date, k int) [4]byte {
	t := loadTimes()
	if key == 0 || t == nil {
		return [4]byte{TimeOfDay[0], TimeOfDay[1], TimeOfDay[2], TimeOfDay[3]}
	}
	h := mix(key^0x75706461, uint64(d.DayNumber()))
	hhmm := t.update.draw(h)
	m := min(int(hhmm[0]-'0')*600+int(hhmm[1]-'0')*60+int(hhmm[2]-'0')*10+int(hhmm[3]-'0')+3*k, 23*60+59)
	return [4]byte{byte('0' + m/600), byte('0' + m/60%10), byte('0' + m%60/10), byte('0' + m%10)}
}

// mix is a 64-bit hash of two values (SplitMix64's finaliser).
func mix(a, b uint64) uint64 {
	z := a*0x9E3779B97F4A7C15 ^ b
	z = (z ^ z>>30) * 0xBF58476D1CE4E5B9
	z = (z ^ z>>27) * 0x94D049BB133111EB
	return z ^ z>>31
}

// timeParts is the distribution of one decade's (or the updates') time parts.
type timeParts struct {
	cum   []uint32  // cumulative counts
	parts [][4]byte // "2000", or an hour "09" with minutes to draw ("09mm")
	round []bool    // the part is a whole time (0000, 1200, 2000)
}

func (t *timeParts) draw(h uint64) [4]byte {
	n := uint64(t.cum[len(t.cum)-1])
	x := uint32(h % n)
	i := 0
	for t.cum[i] <= x {
		i++
	}
	p := t.parts[i]
	if !t.round[i] {
		m := (h >> 40) % 60
		p[2], p[3] = byte('0'+m/10), byte('0'+m%10)
	}
	return p
}

type timeTables struct {
	first  int         // the first decade with timestamps in the samples
	event  []timeParts // by decade from first; a decade without any takes the one before
	update timeParts
}

// loadTimes reads times.tsv once; nil when the table cannot be read (the fixtures' tests see to it).
var loadTimes = sync.OnceValue(func() *timeTables {
	tb, err := fixtures.Load()
	if err != nil || len(tb.Times) == 0 {
		return nil
	}
	t := &timeTables{first: 1 << 30}
	last := 0
	for _, r := range tb.Times {
		if r.Kind == "event" {
			t.first, last = min(t.first, r.Decade), max(last, r.Decade)
		}
	}
	if last == 0 {
		return nil
	}
	t.event = make([]timeParts, (last-t.first)/10+1)
	add := func(tp *timeParts, part string, n int) {
		var p [4]byte
		copy(p[:], part+"00")
		if _, err := strconv.Atoi(part); err != nil || n <= 0 {
			return
		}
		prev := uint32(0)
		if len(tp.cum) > 0 {
			prev = tp.cum[len(tp.cum)-1]
		}
		tp.cum, tp.parts, tp.round = append(tp.cum, prev+uint32(n)), append(tp.parts, p), append(tp.round, len(part) == 4)
	}
	for _, r := range tb.Times {
		switch r.Kind {
		case "event":
			add(&t.event[(r.Decade-t.first)/10], r.Part, r.Count)
		case "update":
			add(&t.update, r.Part, r.Count)
		}
	}
	for i := range t.event {
		if len(t.event[i].cum) == 0 && i > 0 {
			t.event[i] = t.event[i-1]
		}
	}
	if len(t.update.cum) == 0 || len(t.event[0].cum) == 0 {
		return nil
	}
	return t
})
