package generator

import (
	"strings"
	"unicode/utf8"

	"github.com/cprtestdata/cprtestdata/generator/civil"
	"github.com/cprtestdata/cprtestdata/generator/pnr"
)

// AddressingNameWidth is the width of ADRNVN.
const AddressingNameWidth = 34

// AddressingName builds CPR's addressing name (ADRNVN) from first, middle and last names: the names
// joined by spaces, and when that is longer than 34 characters, shortened: middle names, then first
// names after the first, then the first, become initials with a full stop, right to left, until it
// fits; the last name is kept whole unless it alone does not fit, when it is cut. The reference notes do
// not spell out CPR's own rule; this is the project's, documented in the README.
func AddressingName(first, middle, last string) string {
	if len(first)+len(middle)+len(last)+2 <= AddressingNameWidth { // bytes bound runes: it fits
		switch {
		case middle == "":
			return first + " " + last
		default:
			return first + " " + middle + " " + last
		}
	}
	words := append(strings.Fields(first), strings.Fields(middle)...)
	full := strings.Join(append(append([]string{}, words...), last), " ")
	if utf8.RuneCountInString(full) <= AddressingNameWidth {
		return full
	}
	for i := len(words) - 1; i >= 0; i-- {
		r, _ := utf8.DecodeRuneInString(words[i])
		words[i] = string(r) + "."
		s := strings.Join(append(append([]string{}, words...), last), " ")
		if utf8.RuneCountInString(s) <= AddressingNameWidth {
			return s
		}
	}
	s := strings.Join(append(words, last), " ")
	return string([]rune(s)[:AddressingNameWidth])
}

var (
	longFirstMale   = []string{"Christoffer", "Maximilian", "Frederik", "Sebastian", "Alexander", "Valdemar", "Christian", "Bartholomæus"}
	longFirstFemale = []string{"Anne-Sophie", "Marie-Louise", "Christiane", "Frederikke", "Charlotte", "Margrethe", "Alexandrine", "Wilhelmine"}
	longLast        = []string{"Rasmussen-Østergaard", "Schiøtz-Christensen", "Vestergaard-Mortensen", "Bille-Brahe-Selby", "Krag-Juel-Vind-Frijs"}
	specialMale     = []string{"Søren", "Jürgen", "Bjørn", "José", "Øjvind", "Ægidius", "Åge", "Noël", "Jörg"}
	specialFemale   = []string{"Zoë", "Renée", "Åse", "Hélène", "Søs", "Ølga", "Chloé", "Björk", "Ærtrud"}
	specialLast     = []string{"Østergård", "Müller", "Åkerlund", "Lefèvre", "Nørgaard-Sørensen", "Ærøe", "Dübeck", "Ångström", "Kjær-Ødegård"}
)

// First names common among immigrants to Denmark, by gender, all within ISO-8859-1.
var (
	foreignMale = []string{"Mohammed", "Ahmad", "Ali", "Omar", "Hassan", "Mustafa", "Piotr", "Tomasz", "Jakub",
		"Andrzej", "Mehmet", "Emre", "Yusuf", "Abdi", "Oleksandr", "Dmytro", "Ivan", "John", "David", "Michael",
		"Luca", "Marco", "Pedro", "Carlos", "Raj", "Arjun", "Wei", "Minh", "Jonas", "Mateusz"}
	foreignFemale = []string{"Fatima", "Aisha", "Maryam", "Zahra", "Leila", "Anna", "Katarzyna", "Agnieszka",
		"Magdalena", "Ayse", "Elif", "Zeynep", "Hodan", "Amina", "Olena", "Iryna", "Sarah", "Emily", "Maria",
		"Giulia", "Sofia", "Ana", "Priya", "Mei", "Linh", "Natalia", "Julia", "Noor"}
)

// names gives a person names: Danish from the frequency tables, foreign for immigrants, or the long or
// special ones a scenario asks for.
func (d *detailer) names(m *member, p *Person, family string) {
	b := &d.b
	female := m.gender == pnr.Female
	first, middle, last := "", "", family
	switch {
	case m.flags&flagLongName != 0:
		pool := longFirstMale
		if female {
			pool = longFirstFemale
		}
		for utf8.RuneCountInString(first) < 38 {
			n := pool[b.r.IntN(len(pool))]
			if first != "" {
				n = " " + n
			}
			if utf8.RuneCountInString(first+n) > 50 {
				break
			}
			first += n
		}
		middle = d.w.middle.draw(b)
		last = longLast[b.r.IntN(len(longLast))]
	case m.flags&flagSpecialChars != 0:
		pool := specialMale
		if female {
			pool = specialFemale
		}
		first = pool[b.r.IntN(len(pool))]
		last = specialLast[b.r.IntN(len(specialLast))]
	case m.flags&flagImmigrant != 0 || m.late:
		pool := foreignMale // gofakeit's first names carry no gender; these do
		if female {
			pool = foreignFemale
		}
		first = pool[b.r.IntN(len(pool))]
		last = d.fake().LastName()
	default:
		list := d.w.firstNames(female, m.birth)
		first = list.draw(b)
		if b.r.IntN(100) < 30 {
			if second := list.draw(b); second != first {
				first += " " + second
			}
		}
		if b.r.IntN(100) < 15 {
			middle = d.w.middle.draw(b)
		}
		switch {
		case m.elsewhere && m.mother < 0 && m.father < 0:
			last = d.surname() // a former spouse, a guardian: another family
		case female && m.mother < 0 && m.father < 0 && (m.partner >= 0 || m.ex >= 0) && b.r.IntN(2) == 0:
			last = d.surname() // kept her own name
		}
		if b.r.IntN(100) < 3 {
			last += "-" + d.surname()
		}
	}
	p.Name = Name{First: first, Middle: middle, Last: last, Addressing: AddressingName(first, middle, last), Start: m.birth}
	switch {
	case m.flags&flagNameMarkers != 0:
		if p.Name.Middle == "" {
			p.Name.Middle = d.w.middle.draw(b)
			p.Name.Addressing = AddressingName(first, p.Name.Middle, last)
		}
		p.Name.FirstMarker, p.Name.MiddleMarker, p.Name.LastMarker = "+", "*", "="
	case (m.flags&flagImmigrant != 0 || m.late) && b.r.IntN(100) == 0:
		p.Name.LastMarker = "=" // one immigrant in a hundred: the name is insufficiently documented
	}
}

// firstNames is the list the first names of someone born on birth are drawn from: the newborns' names of
// recent years for those born since recentNamesFrom, the 2005 stock of names before.
func (w *world) firstNames(female bool, birth civil.Date) names {
	switch {
	case birth.Year >= recentNamesFrom && female:
		return w.femaleRecent
	case birth.Year >= recentNamesFrom:
		return w.maleRecent
	case female:
		return w.female
	}
	return w.male
}
