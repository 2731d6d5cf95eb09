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

// Text returns column c's value in the ISO-8859-1 record line: text without padding on either side, numbers as CPR
// writes them (codes keep their leading zeros), dates as yyyy-MM-dd, timestamps as yyyy-MM-ddTHH:mm. It
// returns false when the field is empty: blank, or all zeros where CPR writes an empty number, date or
// timestamp that way.
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
	case extract.KindNumber, extract.KindNumberRef:
		if allOf(raw, '0') {
			return "", false // CPR writes an empty number, and some empty personnummer references, as zeros
		}
	}
	if t := Text(raw); t != "" {
		return t, true
	}
	return "", false
}

// trimBlanks cuts the padding: on the right of text, on the left of right-aligned text (SIDEDOER).
func trimBlanks(b []byte) []byte {
	for len(b) > 0 && b[len(b)-1] == ' ' {
		b = b[:len(b)-1]
	}
	for len(b) > 0 && b[0] == ' ' {
		b = b[1:]
	}
	return b
}

// AllZeros reports whether b is all '0': an empty number, timestamp or personnummer reference.
func AllZeros(b []byte) bool { return allOf(b, '0') }

func allOf(b []byte, c byte) bool {
	for _, x := range b {
		if x != c {
			return false
		}
	}
	return true
}

// Text is a text field's value: its ISO-8859-1 bytes without the padding on either side, decoded.
func Text(b []byte) string { return latin1(trimBlanks(b)) }

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

// AppendCSV appends column c's value in the ISO-8859-1 record line to dst as an RFC 4180 cell, in
// UTF-8, without making a string: the same value as Text, quoted when it holds a comma, a quote or a
// line end. An absent value appends nothing.
func (c Column) AppendCSV(dst, line []byte, l *extract.Layout) []byte {
	f := l.Fields[c.Field]
	raw := line[f.Pos-1 : f.Pos-1+f.Len]
	switch c.Kind {
	case extract.KindTimestamp, extract.KindTimestampText:
		if allOf(raw, '0') || allOf(raw, ' ') {
			return dst
		}
		return append(dst, raw[0], raw[1], raw[2], raw[3], '-', raw[4], raw[5], '-', raw[6], raw[7], 'T',
			raw[8], raw[9], ':', raw[10], raw[11])
	case extract.KindDay:
		if allOf(raw, '0') {
			return dst
		}
		return append(dst, raw[0], raw[1], raw[2], raw[3], '-', raw[4], raw[5], '-', raw[6], raw[7])
	case extract.KindNumber, extract.KindNumberRef:
		if allOf(raw, '0') {
			return dst
		}
	}
	return AppendCSVLatin1(dst, trimBlanks(raw))
}

// AppendCSVLatin1 appends ISO-8859-1 bytes as an RFC 4180 cell in UTF-8.
func AppendCSVLatin1(dst, b []byte) []byte {
	plain := true // ASCII with nothing to quote: most cells, copied whole
	for _, c := range b {
		if c >= 0x80 || c == ',' || c == '"' || c == '\n' || c == '\r' {
			plain = false
			break
		}
	}
	if plain {
		return append(dst, b...)
	}
	quote := false
	for _, c := range b {
		if c == ',' || c == '"' || c == '\n' || c == '\r' {
			quote = true
			break
		}
	}
	if quote {
		dst = append(dst, '"')
	}
	for _, c := range b {
		switch {
		case c == '"':
			dst = append(dst, '"', '"')
		case c < 0x80:
			dst = append(dst, c)
		default:
			dst = append(dst, 0xC0|c>>6, 0x80|c&0x3F)
		}
	}
	if quote {
		dst = append(dst, '"')
	}
	return dst
}

// AppendCSVString appends a UTF-8 string as an RFC 4180 cell.
func AppendCSVString(dst []byte, s string) []byte {
	if !needsQuotes(s) {
		return append(dst, s...)
	}
	dst = append(dst, '"')
	dst = append(dst, strings.ReplaceAll(s, `"`, `""`)...)
	return append(dst, '"')
}

// needsQuotes reports whether s holds a character RFC 4180 quotes a cell for.
func needsQuotes(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c == ',' || c == '"' || c == '\r' || c == '\n' {
			return true
		}
	}
	return false
}

// Runs says in which order a table merged from several files of it takes their rows: yield(k, n)
// takes the next n rows of file k. A sharded run's tables are merged with one run per shard; the
// events table, which lists a timeline's events day by day, with one run per day and shard.
type Runs func(yield func(k, n int) bool)
