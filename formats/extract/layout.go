package extract

import (
	"fmt"

	"github.com/cprtestdata/cprtestdata/generator/civil"
)

// Kind is how a field's value is written.
type Kind uint8

// The kinds of field.
const (
	KindText          Kind = iota // left-aligned, blank-filled
	KindNumber                    // right-aligned, zero-filled digits
	KindDate                      // yyyy-MM-dd, blank when empty
	KindTimestamp                 // yyyyMMddHHmm, zeros when empty
	KindTimestampText             // yyyyMMddHHmm in a text field, blank when empty
	KindDay                       // yyyyMMdd (start record only)
	// KindNumberRef is a reference to a personnummer that CPR writes as ten zeros when empty (PNRMOR,
	// PNRFAR, AEGTEPNR; cpr-formats.md §1.1 "Padding"); a reader takes blanks there too, as CPR's files
	// have both. Other references (PNRGAELD, RELPNR) are text, blank when empty.
	KindNumberRef
)

// Field is one field of a record layout. Pos is 1-based, as CPR's documentation writes it.
type Field struct {
	Name   string // English name (CPR Broker's), unique within the record
	Danish string // CPR's field name
	Pos    int
	Len    int
	Kind   Kind
}

// Layout is the layout of one record type.
type Layout struct {
	Type   string // "000" … "999"
	Name   string // CPR Broker's name for the record
	Title  string // what the record holds
	Length int
	// Min and Max bound how many records of the type one person has (the record index's min..max
	// occurs); a file has exactly one start and one end record.
	Min, Max int
	Fields   []Field
	index    map[string]int
}

var byType = func() map[string]*Layout {
	m := make(map[string]*Layout, len(layouts))
	for _, l := range layouts {
		m[l.Type] = l.Index()
	}
	return m
}()

// Index prepares l for Field and the Reader, and returns it: the layouts of another product of CPR's
// (formats/private) are made outside this package.
func (l *Layout) Index() *Layout {
	l.index = make(map[string]int, len(l.Fields))
	for i, f := range l.Fields {
		l.index[f.Name] = i
	}
	return l
}

// LayoutOf returns the layout of record type t ("001"), or nil when the type is unknown.
func LayoutOf(t string) *Layout { return byType[t] }

// Layouts returns every record layout, in type order.
func Layouts() []*Layout { return append([]*Layout(nil), layouts...) }

// Field returns the index of the named field, or -1.
func (l *Layout) Field(name string) int {
	if i, ok := l.index[name]; ok {
		return i
	}
	return -1
}

// Template returns a new record of the layout with every field empty: blanks, and zeros for numbers,
// timestamps and days, as CPR writes empty fields. The record type is filled in when the layout's first
// field is its RECORDTYPE.
func (l *Layout) Template() []byte {
	b := make([]byte, 0, l.Length)
	for _, f := range l.Fields {
		b = append(b, empty(f)...)
	}
	if len(l.Fields) > 0 && l.Fields[0].Danish == "RECORDTYPE" {
		copy(b, l.Type)
	}
	return b
}

// PutText writes s left-aligned into field i of rec, a record of the layout, as ISO-8859-1; a value
// that does not fit is an error naming the field.
func (l *Layout) PutText(rec []byte, i int, s string) error {
	if detail, err := putLatin1(fieldOf(l, rec, i), s, false); err != nil {
		return fmt.Errorf("record %s field %s: %w: %s", l.Type, l.Fields[i].Danish, err, detail)
	}
	return nil
}

// PutNumber writes v right-aligned and zero-filled into field i of rec.
func (l *Layout) PutNumber(rec []byte, i, v int) { putNumber(fieldOf(l, rec, i), v) }

// PutDate writes d into date, timestamp (at TimeOfDay) or day field i of rec; the zero date leaves it
// empty.
func (l *Layout) PutDate(rec []byte, i int, d civil.Date) { l.PutPersonDate(rec, i, d, 0) }

// PutPersonDate writes d into date, timestamp or day field i of rec, a timestamp at the time of day
// TimeOf gives the person keyed key (TimeKey) on d; the zero date leaves it empty.
func (l *Layout) PutPersonDate(rec []byte, i int, d civil.Date, key uint64) {
	if !d.IsZero() {
		putDate(fieldOf(l, rec, i), l.Fields[i].Kind, d, key)
	}
}
