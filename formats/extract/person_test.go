package extract

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/cprtestdata/cprtestdata/generator"
	"github.com/cprtestdata/cprtestdata/generator/civil"
	"github.com/cprtestdata/cprtestdata/generator/pnr"
)

var asOf = generator.DefaultAsOf

// population makes persons for the tests, copied so they outlive the callback.
func population(t testing.TB, n int) []*generator.Person {
	t.Helper()
	var ps []*generator.Person
	_, err := generator.Generate(context.Background(), generator.Config{Persons: n, Seed: 3}, func(p *generator.Person) error {
		q := *p
		ps = append(ps, &q)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return ps
}

func writeExtract(t testing.TB, ps []*generator.Person, opts FileOptions) []byte {
	t.Helper()
	var buf bytes.Buffer
	if opts.Production.IsZero() {
		opts.Production = asOf
	}
	w, err := NewPersonWriter(&buf, opts)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range ps {
		if err := w.Write(p); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestWriteReadEqualsModel writes a population, reads it back, and checks every record against the
// person it came from, field by field by name.
func TestWriteReadEqualsModel(t *testing.T) {
	ps := population(t, 5000)
	byNumber := map[string]*generator.Person{}
	for _, p := range ps {
		byNumber[p.Number.String()] = p
	}
	recs, _ := readAll(t, writeExtract(t, ps, FileOptions{}))
	if recs[0].Type() != "000" || recs[0].Get("TaskNumber") != "900001" || recs[0].Get("ProductionDate") != "20260101" ||
		recs[0].Get("PreviousProductionDate") != "20251231" {
		t.Errorf("start record %q", strings.Join(recs[0].Values, ""))
	}
	end := recs[len(recs)-1]
	if end.Type() != "999" || end.Get("Counter") != fmt.Sprintf("%08d", len(recs)-2) {
		t.Errorf("end record %q for %d records between", strings.Join(end.Values, ""), len(recs)-2)
	}
	seen := map[string]map[string]int{} // PNR -> type -> count
	last003 := false
	for i, rec := range recs[1 : len(recs)-1] {
		pnr := rec.Get("PNR")
		p := byNumber[pnr]
		if p == nil {
			t.Fatalf("record %d (%s) for unknown PNR %q", i+2, rec.Type(), pnr)
		}
		if seen[pnr] == nil {
			seen[pnr] = map[string]int{}
		}
		seen[pnr][rec.Type()]++
		if rec.Type() == "003" {
			last003 = true
		} else if last003 {
			t.Fatalf("record %d (%s) after the 003 block began", i+2, rec.Type())
		}
		checkRecord(t, rec, p)
	}
	separations := 0
	for _, p := range ps {
		separations += len(p.SeparationHistory)
	}
	if separations == 0 {
		t.Error("no ended separation (record 030) in 5,000 persons")
	}
	for _, p := range ps {
		got := seen[p.Number.String()]
		for _, one := range []string{"001", "003", "008", "009", "010", "011", "012", "015"} {
			if got[one] != 1 {
				t.Fatalf("person %v has %d records %s, want exactly 1", p.Number, got[one], one)
			}
		}
		if (got["002"] == 1) != (p.Status < 20) || got["002"] > 1 {
			t.Fatalf("person %v status %02d has %d records 002", p.Number, p.Status, got["002"])
		}
		if got["004"] > 4 || got["014"] != len(p.Children) || got["022"] != len(p.OldNumbers) ||
			got["023"] != len(p.AddressHistory) || got["026"] != len(p.NameHistory) || got["029"] != len(p.CivilHistory) ||
			got["030"] != len(p.SeparationHistory) {
			t.Fatalf("person %v: record counts %v", p.Number, got)
		}
	}
}

func date(t *testing.T, rec *Record, field string) civil.Date {
	t.Helper()
	d, _ := rec.Date(field)
	return d
}

// checkRecord compares a record's fields with the person's model.
func checkRecord(t *testing.T, rec *Record, p *generator.Person) {
	t.Helper()
	fail := func(field, got string, want any) {
		t.Helper()
		t.Fatalf("%v record %s field %s = %q, want %v", p.Number, rec.Type(), field, got, want)
	}
	eq := func(field, want string) {
		t.Helper()
		if got := rec.Get(field); got != want {
			fail(field, got, want)
		}
	}
	// eqRef: a personnummer reference CPR writes as ten zeros when there is none.
	eqRef := func(field string, n pnr.Number) {
		t.Helper()
		want := n.String()
		if n.IsZero() {
			want = "0000000000"
		}
		eq(field, want)
	}
	eqDate := func(field string, want civil.Date) {
		t.Helper()
		if got := date(t, rec, field); got != want {
			fail(field, rec.Get(field), want)
		}
	}
	switch rec.Type() {
	case "001":
		eq("CurrentCprNumber", p.CurrentNumber.String())
		eq("Status", generator.StatusCode(p.Status))
		eq("Gender", p.Gender.String())
		eqDate("Birthdate", p.BirthDate)
		eqDate("StatusStartDate", p.StatusDate)
		if (rec.Get("BirthdateUncertainty") == "*") != p.BirthDateUncertain {
			fail("BirthdateUncertainty", rec.Get("BirthdateUncertainty"), p.BirthDateUncertain)
		}
	case "002":
		a := p.Address
		eq("MunicipalityCode", fmt.Sprintf("%04d", a.Municipality))
		eq("StreetCode", fmt.Sprintf("%04d", a.RoadCode))
		eq("HouseNumber", a.HouseNumber)
		eq("Floor", a.Floor)
		if strings.TrimSpace(rec.Get("Door")) != a.Door {
			fail("Door", rec.Get("Door"), a.Door)
		}
		eqDate("RelocationDate", a.MovedIn)
		eqDate("MunicipalityArrivalDate", a.MunicipalityMovedIn)
	case "003":
		eq("AddressingName", p.Name.Addressing)
		if a := p.Address; a != nil && p.Status < 30 {
			eq("PostCode", fmt.Sprintf("%04d", a.Postcode))
			eq("LabelledAddress", LabelledAddress(a))
			eq("StreetAddressingName", generator.RoadAddressingName(a.Road))
			if !strings.HasPrefix(rec.Get("LabelledAddress"), rec.Get("StreetAddressingName")+" ") {
				fail("LabelledAddress", rec.Get("LabelledAddress"), "the road as VEJADRNVN has it, "+rec.Get("StreetAddressingName"))
			}
		} else if rec.Get("PostCode") != "0000" || rec.Get("LabelledAddress") != "" {
			fail("LabelledAddress", rec.Get("LabelledAddress"), "empty for status "+generator.StatusCode(p.Status))
		}
	case "008":
		eq("FirstName_s", p.Name.First)
		eq("MiddleName", p.Name.Middle)
		eq("LastName", p.Name.Last)
		eq("AddressingName", p.Name.Addressing)
		eq("FirstNameMarker", p.Name.FirstMarker)
		eq("MiddleNameMarker", p.Name.MiddleMarker)
		eq("LastNameMarker", p.Name.LastMarker)
	case "010":
		eq("CountryCode", fmt.Sprintf("%04d", p.Citizenship.Country))
	case "011":
		eq("ChurchRelationship", string(rune(p.Church.Code)))
	case "012":
		eq("CivilStatusCode", string(rune(p.Civil.Code)))
		eqRef("SpousePNR", p.Civil.Spouse)
		eqDate("CivilStatusStartDate", p.Civil.Start)
	case "013":
		eqDate("SeparationStartDate", p.Separation.Start)
	case "029":
		start := rec.Get("CivilStatusStartDate")
		i := slices.IndexFunc(p.CivilHistory, func(c generator.CivilStatus) bool {
			return stampOf(p, c.Start) == start && string(rune(c.Code)) == rec.Get("CivilStatusCode")
		})
		if i < 0 {
			fail("CivilStatusStartDate", start, p.CivilHistory)
			break
		}
		if want := p.SeparatedIn(p.CivilHistory[i]); want != (rec.Get("ReferenceToAnySeparation") == start) ||
			!want && rec.Get("ReferenceToAnySeparation") != "" {
			fail("ReferenceToAnySeparation", rec.Get("ReferenceToAnySeparation"), p.SeparationHistory)
		}
	case "030":
		start, end := date(t, rec, "SeparationStartDate"), date(t, rec, "SeparationEndDate")
		if !slices.ContainsFunc(p.SeparationHistory, func(h generator.HistoricSeparation) bool {
			return h.Start == start && h.End == end && rec.Get("ReferenceToAnyMaritalStatus") == stampOf(p, h.Marriage)
		}) {
			fail("SeparationStartDate", rec.Get("SeparationStartDate"), p.SeparationHistory)
		}
	case "014":
		found := false
		for _, c := range p.Children {
			found = found || c.String() == rec.Get("ChildPNR")
		}
		if !found {
			fail("ChildPNR", rec.Get("ChildPNR"), p.Children)
		}
	case "015":
		eqRef("MotherPNR", p.Mother.Number)
		eqRef("FatherPNR", p.Father.Number)
		if p.Mother.Number.IsZero() {
			eq("MotherName", p.Mother.Name)
		}
	case "022":
		if rec.Get("OldPNR") == "" || p.OldNumbers == nil {
			fail("OldPNR", rec.Get("OldPNR"), p.OldNumbers)
		}
	case "005":
		eq("ExitCountryCode", fmt.Sprintf("%04d", p.Emigration.Country))
		eqDate("ExitDate", p.Emigration.Date)
	case "007":
		eqDate("DisappearanceDate", p.Disappeared)
	}
}

func TestSelectionAndOptions(t *testing.T) {
	ps := population(t, 300)
	sel, err := ParseSelection("008,002")
	if err != nil {
		t.Fatal(err)
	}
	if sel.String() != "001,002,004,008" {
		t.Errorf("selection %s, want 001,002,004,008 (001 always, 004 with 002)", sel)
	}
	recs, r := readAll(t, writeExtract(t, ps, FileOptions{Records: sel, WriterOptions: WriterOptions{Framing: CRLF, Trim: true}, Task: 431101}))
	types := map[string]bool{}
	for _, rec := range recs {
		types[rec.Type()] = true
	}
	for ty := range types {
		if ty != "000" && ty != "999" && !sel[ty] {
			t.Errorf("record %s written but not selected", ty)
		}
	}
	if f, trimmed := r.Framing(); f != CRLF || !trimmed {
		t.Errorf("framing %v %v", f, trimmed)
	}
	for _, bad := range []string{"000", "099", "034", "1", "abc"} {
		if _, err := ParseSelection(bad); err == nil {
			t.Errorf("ParseSelection(%q) accepted", bad)
		}
	}
	if got := FileName(civil.Date{Year: 2010, Month: 3, Day: 12}, 431101); got != "D100312.L431101" {
		t.Errorf("FileName = %s", got)
	}
}

func TestWriterRefusesNonLatin1(t *testing.T) {
	ps := population(t, 10)
	p := *ps[0]
	p.Name.Last = "Wiśniewski"
	var buf bytes.Buffer
	w, _ := NewPersonWriter(&buf, FileOptions{Production: asOf})
	err := w.Write(&p)
	var we *WriteError
	if !errors.Is(err, ErrNotLatin1) || !errors.As(err, &we) || we.PNR != p.Number.String() || we.Field != "EFTERNVN" {
		t.Fatalf("Write = %v", err)
	}
	if err := w.Close(); err == nil {
		t.Error("Close after a failed Write succeeded")
	}
}

func TestUTF8Option(t *testing.T) {
	ps := population(t, 200)
	data := writeExtract(t, ps, FileOptions{WriterOptions: WriterOptions{Framing: LF, Encoding: UTF8}})
	r := NewReaderEncoding(bytes.NewReader(data), UTF8)
	n := 0
	for {
		_, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		n++
	}
	latin := writeExtract(t, ps, FileOptions{WriterOptions: WriterOptions{Framing: LF}})
	if strings.Count(string(latin), "\n") != n {
		t.Errorf("UTF-8 file has %d records, ISO-8859-1 %d", n, strings.Count(string(latin), "\n"))
	}
}

func BenchmarkPersonWriter(b *testing.B) {
	ps := population(b, 20000)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		w, _ := NewPersonWriter(io.Discard, FileOptions{Production: asOf})
		for _, p := range ps {
			if err := w.Write(p); err != nil {
				b.Fatal(err)
			}
		}
		w.Close()
	}
	b.ReportMetric(float64(len(ps))*float64(b.N)/b.Elapsed().Seconds(), "persons/s")
}

// TestMarkersWritten checks that the name markers and the correction markers of the scenarios reach
// records 008 and 023.
func TestMarkersWritten(t *testing.T) {
	ps := population(t, 2000)
	recs, _ := readAll(t, writeExtract(t, ps, FileOptions{}))
	found := map[string]bool{}
	for _, rec := range recs {
		switch rec.Type() {
		case "008":
			if m := rec.Get("FirstNameMarker") + rec.Get("MiddleNameMarker") + rec.Get("LastNameMarker"); m != "" {
				found["008 "+m] = true
			}
		case "023", "026", "029":
			if c := rec.Get("CorrectionMarker"); c != "" {
				found[rec.Type()+" "+c] = true
			}
		}
	}
	for _, want := range []string{"008 +*=", "023 K", "023 A", "026 K", "029 Æ"} {
		if !found[want] {
			t.Errorf("no record %s in the extract; found %v", want, found)
		}
	}
}

// TestCreditWarningRecord: record 050 only where the task enables it ("all,050"), with BESKYTTYPE 0005
// and the warning's start, for exactly the persons who have one.
func TestCreditWarningRecord(t *testing.T) {
	ps := population(t, 3000)
	want := map[string]civil.Date{}
	byNum := map[string]*generator.Person{}
	for _, p := range ps {
		byNum[p.Number.String()] = p
		if !p.CreditWarning.IsZero() {
			want[p.Number.String()] = p.CreditWarning
		}
	}
	if len(want) == 0 {
		t.Fatal("no credit warnings in 3,000 persons")
	}
	recs, _ := readAll(t, writeExtract(t, ps, FileOptions{}))
	for _, rec := range recs {
		if rec.Type() == "050" {
			t.Fatal("050 written with the standard selection")
		}
	}
	sel, err := ParseSelection("all,050")
	if err != nil || !sel["050"] || !sel["030"] {
		t.Fatalf("ParseSelection(all,050) = %v, %v", sel, err)
	}
	recs, _ = readAll(t, writeExtract(t, ps, FileOptions{Records: sel}))
	got := map[string]bool{}
	for _, rec := range recs {
		if rec.Type() != "050" {
			continue
		}
		n := rec.Get("PNR")
		start, ok := want[n]
		switch {
		case !ok:
			t.Errorf("050 for %s, who has no credit warning", n)
		case rec.Get("ProtectionType") != "0005" || rec.Get("StartDate") != stampOf(byNum[n], start):
			t.Errorf("050 for %s: type %q start %q, want 0005 and %v", n, rec.Get("ProtectionType"), rec.Get("StartDate"), start)
		}
		got[n] = true
	}
	if len(got) != len(want) {
		t.Errorf("%d 050 records, %d persons with a credit warning", len(got), len(want))
	}
}

// TestGuardianshipWithTypeRecord: with "all,052", every 017 has its 052 twin, the same bytes after the
// record type up to 272, and VAERGEMAALS_TYPE FULD.
func TestGuardianshipWithTypeRecord(t *testing.T) {
	ps := population(t, 3000)
	sel, err := ParseSelection("all,052")
	if err != nil {
		t.Fatal(err)
	}
	data := writeExtract(t, ps, FileOptions{Records: sel, WriterOptions: WriterOptions{Framing: LF}})
	r17, r52 := map[string]string{}, map[string]string{}
	for _, line := range strings.Split(string(data), "\n") {
		switch {
		case strings.HasPrefix(line, "017"):
			r17[line[3:13]] = line
		case strings.HasPrefix(line, "052"):
			r52[line[3:13]] = line
		}
	}
	if len(r17) == 0 || len(r17) != len(r52) {
		t.Fatalf("%d 017 records, %d 052", len(r17), len(r52))
	}
	for n, a := range r17 {
		b := r52[n]
		if len(b) != 287 || b[3:272] != a[3:272] || strings.TrimSpace(b[272:]) != GuardianshipType {
			t.Errorf("%s: 017 %q\n052 %q", n, a, b)
		}
	}
}

// stampOf is the yyyyMMddHHmm the records give person p's timestamp of date d.
func stampOf(p *generator.Person, d civil.Date) string {
	t := TimeOf(TimeKey(p), d)
	return d.Time().Format("20060102") + string(t[:])
}
