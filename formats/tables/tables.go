// Package tables describes the population as tables: one per record type of CPR's extract, with the
// values the extract carries, and a flat table of persons with the fields most users need. Column names
// are the extract fields' English names in snake_case, with one name and one type for each fact across
// every table (the vocabulary); the writers (CSV in formats/tables/csvfiles, Parquet in
// formats/tables/parquetfiles) share these definitions, so the formats cannot drift apart.
package tables

import (
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/cprtestdata/cprtestdata/formats/extract"
	"github.com/cprtestdata/cprtestdata/generator/civil"
)

// Type is how a column carries its field: the one decision of a fact's type, which the CSV and Parquet
// writers, the data dictionary and the persons table all follow.
type Type uint8

// The types of column.
const (
	TypeText      Type = iota // text without its padding: STRING
	TypeCode                  // a code as CPR writes it, leading zeros kept (KOMKOD 0101): STRING
	TypePNR                   // a personnummer reference, blank or zeros when none: STRING
	TypeDate                  // yyyy-MM-dd: DATE
	TypeTimestamp             // yyyy-MM-ddTHH:mm, CPR's local time: TIMESTAMP without a zone
	TypeFlag                  // an uncertainty marker (…_UMRK), `*` or blank: BOOLEAN
	TypeList                  // a list of text (persons' scenarios): LIST of STRING
	// TypePartial is a start timestamp as CPR wrote it when it is no valid time (month or day 00, a
	// time 12:99: old history, cpr-formats.md §1.1), yyyy-MM-ddTHH:mm; empty when the timestamp column
	// holds it. STRING.
	TypePartial
)

// partialFields are the timestamps CPR's files have with unknown parts, and the project writes so:
// each has a column <name>_as_written beside its own.
var partialFields = map[string]bool{"NVNHAENSTART": true, "HAENSTART-STATSBORGERSKAB": true}

// Column is one column of a record table: a field of the record's layout.
type Column struct {
	Name  string // snake_case, from the vocabulary every table shares
	Field int    // index in the layout
	Kind  extract.Kind
	Type  Type
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
		name, typ := ColumnOf(l, i)
		t.Columns = append(t.Columns, Column{Name: name, Field: i, Kind: f.Kind, Type: typ, Len: f.Len})
		if partialFields[f.Danish] {
			t.Columns = append(t.Columns, Column{Name: name + "_as_written", Field: i, Kind: f.Kind, Type: TypePartial, Len: f.Len})
		}
	}
	return t
}

// vocabulary names the facts whose CPR Broker names differ from the name the tables give them
// everywhere (persons.csv, every record table, the JSON): one name per fact.
var vocabulary = map[string]string{
	"birthdate":               "birth_date",
	"spouse_birthdate":        "spouse_birth_date",
	"current_cpr_number":      "current_pnr",
	"street_code":             "road_code",
	"post_code":               "postcode",
	"post_district_text":      "post_district",
	"line1":                   "contact_address1", // 006's ADR1-KONTAKTADR …
	"line2":                   "contact_address2",
	"line3":                   "contact_address3",
	"line4":                   "contact_address4",
	"line5":                   "contact_address5",
	"lokalitet":               "location",                 // 031-033's LOKALITET, 003's location
	"standard_address":        "labelled_address",         // 031-033's STANDARDADR, 003's labelled_address
	"country_code":            "citizenship_country_code", // LANDEKOD of 010 and 027
	"mother_name_uncertainty": "mother_name_marker",       // MORNVN_MRK is a name marker, not a date's
	"father_name_uncertainty": "father_name_marker",
}

// vocabularyByField names the fields whose English name is another fact's in another table.
var vocabularyByField = map[string]string{
	"START_TS": "start_timestamp", // 050's start, a timestamp where every other start_date is a date
}

// ColumnOf is the name and type field i of a layout has in the tables: CPR Broker's English name in
// snake_case, renamed by the vocabulary; an uncertainty marker, which follows the date it qualifies, is
// the flag <that date's column>_uncertain.
func ColumnOf(l *extract.Layout, i int) (string, Type) {
	f := l.Fields[i]
	if strings.Contains(f.Danish, "_UMRK") && i > 1 {
		date, _ := ColumnOf(l, i-1)
		return date + "_uncertain", TypeFlag
	}
	name := snake(f.Name)
	if v, ok := vocabulary[name]; ok {
		name = v
	}
	if v, ok := vocabularyByField[f.Danish]; ok {
		name = v
	}
	switch f.Kind {
	case extract.KindNumber:
		return name, TypeCode
	case extract.KindNumberRef:
		return name, TypePNR
	case extract.KindDate, extract.KindDay:
		return name, TypeDate
	case extract.KindTimestamp, extract.KindTimestampText:
		return name, TypeTimestamp
	}
	return name, TypeText
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

// AppendTimestamp appends a date and a time of day (HHmm) as the tables write CPR's timestamps:
// yyyy-MM-ddTHH:mm.
func AppendTimestamp(dst []byte, d civil.Date, t [4]byte) []byte {
	dst = d.AppendFormat(dst)
	return append(dst, 'T', t[0], t[1], ':', t[2], t[3])
}

// TrimBlanks cuts a text field's padding: on the right of text, on the left of right-aligned text (SIDEDOER).
func TrimBlanks(b []byte) []byte {
	for len(b) > 0 && b[len(b)-1] == ' ' {
		b = b[:len(b)-1]
	}
	for len(b) > 0 && b[0] == ' ' {
		b = b[1:]
	}
	return b
}

// Flag is an uncertainty marker's value: `*` is true (uncertain), a blank false (certain); anything
// else is no value (ok false).
func Flag(b []byte) (v, ok bool) {
	switch {
	case len(b) == 1 && b[0] == '*':
		return true, true
	case allOf(b, ' '):
		return false, true
	}
	return false, false
}

// ValidTimestamp reports whether b is a yyyyMMddHHmm that is a time: a month, a day of it, an hour and a
// minute (CPR's old history has months and days 00 and times 12:99).
func ValidTimestamp(b []byte) bool {
	if len(b) != 12 {
		return false
	}
	for _, c := range b {
		if c < '0' || c > '9' {
			return false
		}
	}
	n := func(i int) int { return int(b[i]-'0')*10 + int(b[i+1]-'0') }
	y, m, d := n(0)*100+n(2), n(4), n(6)
	if y == 0 || m < 1 || m > 12 || d < 1 || n(8) > 23 || n(10) > 59 {
		return false
	}
	return d <= time.Date(y, time.Month(m)+1, 0, 0, 0, 0, 0, time.UTC).Day()
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
func Text(b []byte) string { return latin1(TrimBlanks(b)) }

// AppendLatin1 appends ISO-8859-1 bytes to dst in UTF-8: the bytes of latin1's string.
func AppendLatin1(dst, b []byte) []byte {
	for _, c := range b {
		if c < 0x80 {
			dst = append(dst, c)
		} else {
			dst = append(dst, 0xC0|c>>6, 0x80|c&0x3F)
		}
	}
	return dst
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

// AppendCSV appends column c's value in the ISO-8859-1 record line to dst as an RFC 4180 cell, in
// UTF-8, without making a string: the same value as Text, quoted when it holds a comma, a quote or a
// line end. An absent value appends nothing.
func (c Column) AppendCSV(dst, line []byte, l *extract.Layout) []byte {
	f := l.Fields[c.Field]
	raw := line[f.Pos-1 : f.Pos-1+f.Len]
	if c.Type == TypeFlag {
		if v, ok := Flag(raw); ok {
			return strconv.AppendBool(dst, v)
		}
		return dst
	}
	if c.Type == TypePartial {
		if allOf(raw, '0') || allOf(raw, ' ') || ValidTimestamp(raw) {
			return dst
		}
		return AppendStamp(dst, raw)
	}
	switch c.Kind {
	case extract.KindTimestamp, extract.KindTimestampText:
		if allOf(raw, '0') || allOf(raw, ' ') || !ValidTimestamp(raw) {
			return dst
		}
		return AppendStamp(dst, raw)
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
	return AppendCSVLatin1(dst, TrimBlanks(raw))
}

// AppendStamp appends a yyyyMMddHHmm field as written, yyyy-MM-ddTHH:mm, valid or not.
func AppendStamp(dst, raw []byte) []byte {
	return append(dst, raw[0], raw[1], raw[2], raw[3], '-', raw[4], raw[5], '-', raw[6], raw[7], 'T',
		raw[8], raw[9], ':', raw[10], raw[11])
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
