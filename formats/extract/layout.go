package extract

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
		l.index = make(map[string]int, len(l.Fields))
		for i, f := range l.Fields {
			l.index[f.Name] = i
		}
		m[l.Type] = l
	}
	return m
}()

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
