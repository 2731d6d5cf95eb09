// Package tables describes the population as tables: one per record type of CPR's extract, with the
// values the extract carries, and a flat table of persons with the fields most users need. Column names
// are the extract fields' English names in snake_case; the writers (CSV in formats/tables/csv, Parquet in
// formats/tables/parquet) share these definitions, so the formats cannot drift apart.
package tables

import (
	"strings"
	"unicode"

	"github.com/cprtestdata/cprtestdata/formats/extract"
)

// Column is one column of a record table: a field of the record's layout.
type Column struct {
	Name  string // snake_case
	Field int    // index in the layout
	Kind  extract.Kind
	Len   int
}

// Table is the table of one record type.
type Table struct {
	Name    string // "001_person_information"
	Layout  *extract.Layout
	Columns []Column
}

// ForLayout returns the table of a record layout: every field but the record type.
func ForLayout(l *extract.Layout) *Table {
	t := &Table{Name: l.Type + "_" + snake(l.Name), Layout: l}
	for i, f := range l.Fields {
		if i == 0 {
			continue
		}
		t.Columns = append(t.Columns, Column{Name: snake(f.Name), Field: i, Kind: f.Kind, Len: f.Len})
	}
	return t
}

// snake turns CPR Broker's CamelCase names into snake_case: CurrentCprNumber → current_cpr_number,
// ChildPNR → child_pnr, FirstName_s → first_names, ProtectionType_ → protection_type.
func snake(s string) string {
	s = strings.TrimSuffix(s, "_")
	s = strings.ReplaceAll(s, "_s", "s")
	rs := []rune(s)
	var b strings.Builder
	for i, r := range rs {
		if unicode.IsUpper(r) {
			prevLower := i > 0 && (unicode.IsLower(rs[i-1]) || unicode.IsDigit(rs[i-1]))
			nextLower := i+1 < len(rs) && unicode.IsLower(rs[i+1]) && i > 0 && unicode.IsUpper(rs[i-1])
			if prevLower || nextLower {
				b.WriteByte('_')
			}
			b.WriteRune(unicode.ToLower(r))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// Text returns column c's value in the ISO-8859-1 record line: text without padding, numbers as CPR
// writes them (codes keep their leading zeros), dates as yyyy-MM-dd, timestamps as yyyy-MM-ddTHH:mm. It
// returns false when the field is empty (blank, or a zero date or timestamp).
func (c Column) Text(line []byte, l *extract.Layout) (string, bool) {
	f := l.Fields[c.Field]
	raw := line[f.Pos-1 : f.Pos-1+f.Len]
	switch c.Kind {
	case extract.KindTimestamp, extract.KindTimestampText:
		if allOf(raw, '0') || allOf(raw, ' ') {
			return "", false
		}
		r := string(raw)
		return r[0:4] + "-" + r[4:6] + "-" + r[6:8] + "T" + r[8:10] + ":" + r[10:12], true
	case extract.KindDay:
		if allOf(raw, '0') {
			return "", false
		}
		r := string(raw)
		return r[0:4] + "-" + r[4:6] + "-" + r[6:8], true
	}
	end := len(raw)
	for end > 0 && raw[end-1] == ' ' {
		end--
	}
	if end == 0 {
		return "", false
	}
	return latin1(raw[:end]), true
}

func allOf(b []byte, c byte) bool {
	for _, x := range b {
		if x != c {
			return false
		}
	}
	return true
}

// latin1 decodes ISO-8859-1 bytes.
func latin1(b []byte) string {
	for _, c := range b {
		if c >= 0x80 {
			rs := make([]rune, len(b))
			for i, c := range b {
				rs[i] = rune(c)
			}
			return string(rs)
		}
	}
	return string(b)
}
