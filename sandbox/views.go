package sandbox

import (
	_ "embed"
	"html/template"
	"net/http"
	"strconv"
	"strings"

	"github.com/cprtestdata/cprtestdata/formats/extract"
	"github.com/cprtestdata/cprtestdata/generator"
	"github.com/cprtestdata/cprtestdata/generator/pnr"
)

// The page's views of one person and of one day, for testers who would rather click than curl.

//go:embed views.html
var viewsHTML string

var views = template.Must(template.New("views").Funcs(template.FuncMap{"status": generator.StatusCode}).Parse(viewsHTML))

// viewRecord is one extract record of a person, field by field.
type viewRecord struct {
	Type, Title string
	Fields      []viewField
}

type viewField struct {
	Name, Danish, Value string
	Link                string // a person the field names: /ui/person/{pnr}
}

// personView is GET /ui/person/{pnr}.
type personView struct {
	Person    *generator.Person
	Records   []viewRecord
	Relatives []relative
	Today     string
}

type relative struct {
	Role, Number, Name string
	Known              bool // in the population: a link
}

func (h *handler) personPage(w http.ResponseWriter, r *http.Request) {
	n, err := pnr.Parse(r.PathValue("pnr"))
	var p *generator.Person
	ok := false
	if err == nil {
		p, ok = h.s.Person(n)
	}
	if !ok {
		http.Redirect(w, r, "/?message="+urlQuery("No person "+r.PathValue("pnr")+" today."), http.StatusSeeOther)
		return
	}
	today, _ := h.s.Today()
	v := personView{Person: p, Today: today.String()}
	extract.NewEncoder(nil).Encode(p, func(l *extract.Layout, line []byte) error {
		vr := viewRecord{Type: l.Type, Title: l.Title}
		for _, f := range l.Fields[1:] {
			val := strings.TrimRight(latin1Text(line[f.Pos-1:f.Pos-1+f.Len]), " ")
			vf := viewField{Name: f.Name, Danish: f.Danish, Value: val}
			if _, err := pnr.Parse(val); err == nil && len(val) == 10 && val != p.Number.String() {
				vf.Link = "/ui/person/" + val // a relative, a guardian, another number of the person's
			}
			vr.Fields = append(vr.Fields, vf)
		}
		v.Records = append(v.Records, vr)
		return nil
	})
	add := func(role string, num pnr.Number, name string) {
		if num.IsZero() && name == "" {
			return
		}
		rel := relative{Role: role, Name: name}
		if !num.IsZero() {
			rel.Number = num.String()
			if q, ok := h.s.Person(num); ok {
				rel.Known, rel.Name = true, q.Name.Addressing
			}
		}
		v.Relatives = append(v.Relatives, rel)
	}
	add("mother", p.Mother.Number, p.Mother.Name)
	add("father", p.Father.Number, p.Father.Name)
	if p.Civil.Code == 'G' || p.Civil.Code == 'P' {
		add("spouse", p.Civil.Spouse, p.Civil.SpouseName)
	}
	for _, c := range p.Children {
		add("child", c, "")
	}
	for _, c := range p.Custody {
		add("custody holder", c.Holder, "")
	}
	if g := p.Guardianship; g != nil {
		add("guardian", g.Guardian, g.GuardianName)
	}
	if !p.CurrentNumber.IsZero() {
		add("current number", p.CurrentNumber, "")
	}
	for _, o := range p.OldNumbers {
		add("earlier number", o.Number, "")
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	views.ExecuteTemplate(w, "person", v)
}

// dayView is GET /ui/day/{day}: what the day's change extract carries.
type dayView struct {
	File    *File
	Persons []dayPerson
}

type dayPerson struct {
	Number, Name string
	Events       []string // HAENDELSE, with AFLEDTMRK when derived
}

func (h *handler) dayPage(w http.ResponseWriter, r *http.Request) {
	day, err := strconv.Atoi(r.PathValue("day"))
	var f *File
	for _, x := range h.s.Files() {
		if err == nil && x.Kind == "change" && x.Day == day && x.Fault == "" {
			f = x
		}
	}
	if f == nil {
		http.Redirect(w, r, "/?message="+urlQuery("No change extract of day "+r.PathValue("day")+"."), http.StatusSeeOther)
		return
	}
	v := dayView{File: f}
	at := map[string]int{}
	rd := extract.NewReader(strings.NewReader(string(f.Data())))
	for {
		rec, err := rd.Read()
		if err != nil {
			break
		}
		num := rec.Get("PNR")
		switch rec.Type() {
		case "001":
			at[num] = len(v.Persons)
			v.Persons = append(v.Persons, dayPerson{Number: num})
		case "008":
			if i, ok := at[num]; ok {
				v.Persons[i].Name = rec.Get("AddressingName")
			}
		case "099":
			if i, ok := at[num]; ok {
				e := rec.Get("Event_")
				if d := rec.Get("DerivedMark"); d != "" {
					e += " (" + d + ")"
				}
				v.Persons[i].Events = append(v.Persons[i].Events, e)
			}
		}
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	views.ExecuteTemplate(w, "day", v)
}

func urlQuery(s string) string { return strings.ReplaceAll(template.URLQueryEscaper(s), "+", "%20") }
