package parquetfiles

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"testing"

	"github.com/parquet-go/parquet-go"

	"github.com/cprtestdata/cprtestdata/formats/extract"
	"github.com/cprtestdata/cprtestdata/formats/tables"
	"github.com/cprtestdata/cprtestdata/generator"
	"github.com/cprtestdata/cprtestdata/generator/civil"
)

// columnValues reads every column of a flat file: per column name, one entry per row, "" for null and
// the value's text otherwise, and for each row whether it was null.
func columnValues(t *testing.T, data []byte) (values map[string][]string, nulls map[string][]bool) {
	t.Helper()
	f, err := parquet.OpenFile(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	values, nulls = map[string][]string{}, map[string][]bool{}
	for i, path := range f.Schema().Columns() {
		if len(path) > 1 {
			continue // a list: its items are not one per row
		}
		name := path[0]
		leaf, _ := f.Schema().Lookup(name)
		for _, rg := range f.RowGroups() {
			pages := rg.ColumnChunks()[i].Pages()
			for {
				p, err := pages.ReadPage()
				if err == io.EOF {
					break
				}
				if err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				vs := make([]parquet.Value, p.NumValues())
				n, err := p.Values().ReadValues(vs)
				if err != nil && err != io.EOF {
					t.Fatalf("%s: %v", name, err)
				}
				for _, v := range vs[:n] {
					nulls[name] = append(nulls[name], v.IsNull())
					if v.IsNull() {
						values[name] = append(values[name], "")
					} else {
						values[name] = append(values[name], text(leaf.Node, v))
					}
				}
			}
			pages.Close()
		}
	}
	return values, nulls
}

// fieldWant is what a record field should be in Parquet: its value as text, or null (false) when CPR
// writes it empty - blanks, or zeros in a number, date or time; a flag is true or false.
func fieldWant(b []byte, c tables.Column) (string, bool) {
	if c.Type == tables.TypeFlag {
		switch string(b) {
		case "*":
			return "true", true
		case " ":
			return "false", true
		}
		return "", false
	}
	if c.Type == tables.TypePartial || (c.Kind == extract.KindTimestamp || c.Kind == extract.KindTimestampText) && strings.Trim(string(b), "0 ") != "" {
		raw := string(b)
		valid := tables.ValidTimestamp(b)
		if valid == (c.Type == tables.TypePartial) {
			return "", false
		}
		return raw[0:4] + "-" + raw[4:6] + "-" + raw[6:8] + "T" + raw[8:10] + ":" + raw[10:12], true
	}
	s := strings.TrimRight(strings.TrimLeft(string(b), " "), " ")
	if s == "" || (c.Kind != extract.KindText && strings.Trim(s, "0") == "") {
		return "", false
	}
	switch c.Kind {
	case extract.KindDate:
		return s, true
	case extract.KindDay:
		return s[0:4] + "-" + s[4:6] + "-" + s[6:8], true
	case extract.KindTimestamp, extract.KindTimestampText:
		return s[0:4] + "-" + s[4:6] + "-" + s[6:8] + "T" + s[8:10] + ":" + s[10:12], true
	}
	return tables.Text(b), true
}

// TestNullsAgainstTheModel checks every value of every table, null or not, against the person it came
// from (persons.parquet) or the record bytes the person's model encodes to, over a population that
// spans more than one row group and many pages: null exactly where the model has no value, never an
// empty string or a zero in its place.
func TestNullsAgainstTheModel(t *testing.T) {
	n := RowGroupRows + 7000
	if testing.Short() {
		n = 5000
	}
	files := map[string]*bytes.Buffer{}
	pw, err := NewWriter(func(name string) (io.Writer, error) { files[name] = &bytes.Buffer{}; return files[name], nil }, nil, None)
	if err != nil {
		t.Fatal(err)
	}
	enc := extract.NewEncoder(extract.AllRecords())
	var persons []*generator.Person
	lines := map[string][][]byte{} // by record type, in order
	_, err = generator.Generate(context.Background(), generator.Config{Persons: n}, func(p *generator.Person) error {
		q := *p // p's storage is reused after the callback; its slices and pointers are not
		persons = append(persons, &q)
		if err := enc.Encode(p, func(l *extract.Layout, line []byte) error {
			lines[l.Type] = append(lines[l.Type], bytes.Clone(line))
			return nil
		}); err != nil {
			return err
		}
		return pw.Write(p)
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := pw.Close(); err != nil {
		t.Fatal(err)
	}

	for _, typ := range extract.PersonTypes {
		if !extract.AllRecords()[typ] {
			continue // a task's type (050): not written without being selected
		}
		tb := tables.ForLayout(extract.LayoutOf(typ))
		values, nulls := columnValues(t, files[tb.Name+".parquet"].Bytes())
		recs := lines[typ]
		for _, c := range tb.Columns {
			if len(nulls[c.Name]) != len(recs) {
				t.Fatalf("%s.%s: %d values, %d records", tb.Name, c.Name, len(nulls[c.Name]), len(recs))
			}
			f := tb.Layout.Fields[c.Field]
			for i, line := range recs {
				want, present := fieldWant(line[f.Pos-1:f.Pos-1+f.Len], c)
				if got := values[c.Name][i]; nulls[c.Name][i] == present || got != want {
					t.Fatalf("%s row %d column %s: got %q (null %v), want %q (null %v); the record: %q",
						tb.Name, i, c.Name, got, nulls[c.Name][i], want, !present, line)
				}
			}
		}
	}

	values, nulls := columnValues(t, files[PersonsFile].Bytes())
	date := func(d interface{ String() string }, zero bool) string {
		if zero {
			return ""
		}
		return d.String()
	}
	var key uint64
	stamp := func(d civil.Date) string {
		if d.IsZero() {
			return ""
		}
		t := extract.TimeOf(key, d)
		return d.String() + "T" + string(t[:2]) + ":" + string(t[2:])
	}
	code := func(n int) string {
		if n == 0 {
			return ""
		}
		return fmt.Sprintf("%04d", n)
	}
	chr := func(c generator.Code) string {
		if c == 0 {
			return ""
		}
		return string(rune(c))
	}
	for i, p := range persons {
		key = extract.TimeKey(p)
		want := map[string]string{
			"pnr": p.Number.String(), "status": generator.StatusCode(p.Status), "status_start_date": stamp(p.StatusDate),
			"current_pnr": p.CurrentNumber.String(), "gender": p.Gender.String(), "birth_date": date(p.BirthDate, p.BirthDate.IsZero()),
			"birth_date_uncertain": strconv.FormatBool(p.BirthDateUncertain), "address_protected": "false",
			"first_names": p.Name.First, "middle_name": p.Name.Middle, "last_name": p.Name.Last, "addressing_name": p.Name.Addressing,
			"civil_status_code": chr(p.Civil.Code), "civil_status_start_date": stamp(p.Civil.Start),
			"spouse_pnr": p.Civil.Spouse.String(), "mother_pnr": p.Mother.Number.String(), "father_pnr": p.Father.Number.String(),
			"citizenship_country_code": code(int(p.Citizenship.Country)), "church_relationship": chr(p.Church.Code),
		}
		if a := p.Address; a != nil {
			want["municipality_code"], want["road_code"], want["road_name"] = code(int(a.Municipality)), code(int(a.RoadCode)), a.Road
			want["house_number"], want["floor"], want["door"], want["care_of_name"] = a.HouseNumber, a.Floor, a.Door, a.CareOf
			want["postcode"], want["post_district"], want["relocation_date"] = code(int(a.Postcode)), a.City, stamp(a.MovedIn)
		}
		for _, pr := range p.Protections {
			if pr.Type == generator.ProtectionNameAndAddress {
				want["address_protected"] = "true"
			}
		}
		if e := p.Emigration; e != nil {
			want["exit_country_code"], want["exit_date"] = code(int(e.Country)), stamp(e.Date)
		}
		for _, c := range tables.PersonColumns {
			if c.Type == tables.TypeList {
				continue // repeated: read by rows below
			}
			got, null := values[c.Name][i], nulls[c.Name][i]
			if w := want[c.Name]; got != w || null != (w == "") {
				t.Fatalf("persons row %d (%s) column %s: got %q (null %v), want %q (null %v)", i, p.Number, c.Name, got, null, w, w == "")
			}
		}
	}
	rows, err := parquet.Read[personRow](bytes.NewReader(files[PersonsFile].Bytes()), int64(files[PersonsFile].Len()))
	if err != nil {
		t.Fatal(err)
	}
	for i, p := range persons {
		if got, want := strings.Join(rows[i].Scenarios, ","), strings.Join(p.Scenarios, ","); got != want {
			t.Fatalf("persons row %d (%s) scenarios: got %q, want %q", i, p.Number, got, want)
		}
	}
}
