package dataset

import (
	"cmp"
	"slices"

	"github.com/cprtestdata/cprtestdata/formats/extract"
	"github.com/cprtestdata/cprtestdata/generator"
)

// areaRun follows who an area's extracts carry (extract.Area): the persons living in the area at the
// last delivery, and, for those who came in since the status extract, when they came, so that the
// final status extract lists them where a receiver holds them - after the others, in the order they
// came, as extract.Receiver with KeepArea does.
type areaRun struct {
	area    extract.Area
	in      map[int]bool    // by index: living in the area as of the last delivery
	arrived map[int]arrival // by index: living in it since they came, after the status extract
	perDay  map[int]int     // persons each delivery day's change extract carries so far
	late    []lateFinal     // the final persons who came, for the end of the final status extract
}

// arrival is where a person came: the delivery day and their place in its change extract.
type arrival struct{ day, at int }

type lateFinal struct {
	person generator.Person
	came   arrival
}

func newAreaRun(a extract.Area) *areaRun {
	return &areaRun{area: a, in: map[int]bool{}, arrived: map[int]arrival{}, perDay: map[int]int{}}
}

// person reports whether the status extract carries p.
func (r *areaRun) person(p *generator.Person) bool {
	if !r.area.Lives(p) {
		return false
	}
	r.in[p.Index] = true
	return true
}

// change reports whether the day's change extract carries c, and follows where c's person lives.
// The generator hands each person's deliveries in day order, once a delivery day.
func (r *areaRun) change(c *generator.Change) bool {
	i := c.Person.Index
	before, after := r.in[i], r.area.Lives(c.Person)
	if !before && !after {
		return false
	}
	at := r.perDay[c.Day]
	r.perDay[c.Day]++
	switch {
	case after && !before:
		r.in[i] = true
		r.arrived[i] = arrival{c.Day, at}
	case !after:
		delete(r.in, i)
		delete(r.arrived, i)
	}
	return true
}

// final reports whether the final status extract carries p now (in population order), and keeps a copy
// of those who came, for lastFinals.
func (r *areaRun) final(p *generator.Person) (now bool) {
	if !r.area.Lives(p) {
		return false
	}
	if came, ok := r.arrived[p.Index]; ok {
		r.late = append(r.late, lateFinal{*p, came})
		return false
	}
	return true
}

// lastFinals returns the persons who came, in the order they came.
func (r *areaRun) lastFinals() []*generator.Person {
	slices.SortFunc(r.late, func(a, b lateFinal) int { return cmp.Or(a.came.day-b.came.day, a.came.at-b.came.at) })
	out := make([]*generator.Person, len(r.late))
	for i := range r.late {
		out[i] = &r.late[i].person
	}
	return out
}
