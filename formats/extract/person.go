package extract

import (
	"bufio"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"strings"
	"unsafe"

	"github.com/cprtestdata/cprtestdata/generator"
	"github.com/cprtestdata/cprtestdata/generator/civil"
	"github.com/cprtestdata/cprtestdata/generator/pnr"
)

// Selection is the set of person record types a customer subscribes to (001 is always delivered).
type Selection map[string]bool

// PersonTypes are the person record types the generator fills, in type order.
var PersonTypes = []string{"001", "002", "003", "004", "005", "006", "007", "008", "009", "010", "011", "012", "013",
	"014", "015", "016", "017", "022", "023", "024", "025", "026", "027", "028", "029", "030", "031", "032", "033",
	"050", "052"}

// FamilyTypes are the family product's records (P12180, cpr-formats.md §1.2): the mother, the father
// and the children with their clear-text addresses. Not in AllRecords: the family product selects them,
// with the persons' relatives (generator.Config.Family).
var FamilyTypes = []string{"031", "032", "033"}

// TaskTypes are the person record types CPR delivers only where the task enables them (cpr-formats.md
// §15: the credit warning 050 and the guardianship with its type 052): not in AllRecords, selected by
// name ("all,050,052").
var TaskTypes = []string{"050", "052"}

// AllRecords selects every person record type of CPR's standard task: all of PersonTypes but TaskTypes
// and FamilyTypes.
func AllRecords() Selection {
	s := Selection{}
	for _, t := range PersonTypes {
		if !slices.Contains(TaskTypes, t) && !slices.Contains(FamilyTypes, t) {
			s[t] = true
		}
	}
	return s
}

// ParseSelection parses a comma-separated list of record types, "001,002,003,008", "all", or "all" with
// the task's types ("all,050"). 001 is
// added when missing; 002 brings 004 with it, as CPR delivers 002 only to customers who take 004.
func ParseSelection(s string) (Selection, error) {
	if strings.TrimSpace(s) == "" || s == "all" {
		return AllRecords(), nil
	}
	sel := Selection{"001": true}
	for _, t := range strings.Split(s, ",") {
		t = strings.TrimSpace(t)
		switch {
		case t == "all":
			maps.Copy(sel, AllRecords())
			continue
		case t == "000" || t == "999":
			return nil, fmt.Errorf("record type %s: %w: start and end records are always written", t, ErrUnknownName)
		case t == "099":
			return nil, fmt.Errorf("record type 099: %w: events are delivered in change files only", ErrUnknownName)
		case !slices.Contains(PersonTypes, t):
			return nil, fmt.Errorf("record type %q: %w: want some of %s", t, ErrUnknownType, strings.Join(PersonTypes, ","))
		}
		sel[t] = true
	}
	if sel["002"] {
		sel["004"] = true
	}
	return sel, nil
}

// String lists the selected types, comma-separated, in type order.
func (s Selection) String() string {
	var ts []string
	for _, t := range PersonTypes {
		if s[t] {
			ts = append(ts, t)
		}
	}
	return strings.Join(ts, ",")
}

// FileOptions say how a person extract is written. The zero value means: every record type, CPR's FTP
// framing (a stream in ISO-8859-1), the 003 records in one block at the end as in CPR's files, task
// number 900001.
type FileOptions struct {
	WriterOptions
	Records            Selection // nil: all
	Task               int       // OPGAVENR, 1-999999; 0 means 900001
	Production         civil.Date
	PreviousProduction civil.Date
	// AddressWithPerson keeps each 003 record with the person's other records instead of in a block at
	// the end.
	AddressWithPerson bool
}

// DefaultTask is the task number (OPGAVENR) when none is given.
const DefaultTask = 900001

// FileName returns CPR's name for an extract: D<yymmdd>.L<task>.
func FileName(production civil.Date, task int) string {
	if task == 0 {
		task = DefaultTask
	}
	return fmt.Sprintf("D%02d%02d%02d.L%06d", production.Year%100, int(production.Month), production.Day, task)
}

// PersonWriter writes a person extract: the start record, each person's selected records, the 003 block
// and the end record with the count of records between. It writes to an io.Writer it does not own.
type PersonWriter struct {
	w        *bufio.Writer
	opts     FileOptions
	block    *os.File // the 003 records, until Close
	blockW   *bufio.Writer
	records  int    // between 000 and 999
	key      uint64 // the current person's TimeKey
	times    [4]timeMemo
	nextTime int
	ln       line
	persons  int
	types    []*personType                      // the selected types, in type order
	cur      *personType                        // the type being written
	num      []byte                             // the person's number, reused
	sink     func(l *Layout, line []byte) error // when set, person records go here instead of the file
	late     *deferred                          // persons written after all others, by WriteLast
	err      error
}

// personType is what writing one record type needs, looked up once.
type personType struct {
	code     string
	layout   *Layout
	template []byte
	encode   func(pw *PersonWriter, p *generator.Person, num string, dst *bufio.Writer)
}

// NewPersonWriter starts an extract on w.
func NewPersonWriter(w io.Writer, opts FileOptions) (*PersonWriter, error) {
	if opts.Task == 0 {
		opts.Task = DefaultTask
	}
	if opts.Task < 1 || opts.Task > 999999 {
		return nil, fmt.Errorf("task number %d: want 1-999999", opts.Task)
	}
	if opts.Production.IsZero() {
		return nil, fmt.Errorf("extract needs a production date")
	}
	if opts.PreviousProduction.IsZero() {
		opts.PreviousProduction = opts.Production.AddDays(-1)
	}
	sel := opts.Records
	if sel == nil {
		sel = AllRecords()
	}
	pw := &PersonWriter{w: bufio.NewWriterSize(w, 1<<20), opts: opts}
	for _, t := range PersonTypes {
		if sel[t] {
			pw.types = append(pw.types, &personType{code: t, layout: LayoutOf(t), template: templates[t], encode: encoders[t]})
		}
	}
	if sel["003"] && !opts.AddressWithPerson {
		f, err := os.CreateTemp("", "cprtestdata-003-")
		if err != nil {
			return nil, fmt.Errorf("temporary file for the 003 block: %w", err)
		}
		os.Remove(f.Name()) // unlinked: it goes away with the writer, whatever happens
		pw.block, pw.blockW = f, bufio.NewWriterSize(f, 1<<20)
	}
	pw.emitRecord("000", AppendStart(nil, opts.Task, opts.Production, opts.PreviousProduction), pw.w)
	pw.records = 0 // the start record is not counted
	return pw, pw.err
}

// Records returns the number of records written between 000 and 999 so far.
func (pw *PersonWriter) Records() int { return pw.records }

// line is a record being built: its bytes in ISO-8859-1, pre-filled with blanks and zeros.
type line struct {
	l   *Layout
	b   []byte
	pw  *PersonWriter
	pnr string
}

var templates = func() map[string][]byte {
	m := map[string][]byte{}
	for _, l := range layouts {
		m[l.Type] = l.Template()
	}
	return m
}()

func (pw *PersonWriter) start(t, pnr string) *line {
	ln := &pw.ln
	ln.l, ln.pw, ln.pnr = LayoutOf(t), pw, pnr
	ln.b = append(ln.b[:0], templates[t]...)
	if pnr != "" {
		ln.text(fieldPNR, pnr)
	}
	return ln
}

// emitRecord writes a whole record made elsewhere (a start or end record) in the output's framing and
// encoding.
func (pw *PersonWriter) emitRecord(t string, b []byte, dst *bufio.Writer) {
	ln := &pw.ln
	ln.l, ln.pw, ln.pnr = LayoutOf(t), pw, ""
	ln.b = append(ln.b[:0], b...)
	pw.emit(ln, dst)
}

// startType is start for a selected person record type, without lookups.
func (pw *PersonWriter) startType(pt *personType, pnr string) *line {
	ln := &pw.ln
	ln.l, ln.pw, ln.pnr = pt.layout, pw, pnr
	ln.b = append(ln.b[:0], pt.template...)
	copy(ln.field(fieldPNR), pnr)
	return ln
}

// fieldPNR is the PNR field's index, the same in every person record (derivelayouts checks it).
const fieldPNR = f001PNR

// fieldOf is field i of a record of layout l held in b.
func fieldOf(l *Layout, b []byte, i int) []byte {
	f := l.Fields[i]
	return b[f.Pos-1 : f.Pos-1+f.Len]
}

// number writes a personnummer into field i, or leaves it blank for the zero Number.
func (ln *line) number(i int, n pnr.Number) {
	if !n.IsZero() {
		n.AppendTo(ln.field(i)[:0])
	}
}

// code writes a 4-digit authority code into text field i.
func (ln *line) code(i, v int) {
	if v != 0 {
		ln.num(i, v)
	}
}

func (ln *line) field(i int) []byte { return fieldOf(ln.l, ln.b, i) }

// text writes s left-aligned into field i; longer text is an error naming the field.
func (ln *line) text(i int, s string) { ln.put(i, s, false) }

// right writes s right-aligned with blanks (SIDEDOER).
func (ln *line) right(i int, s string) { ln.put(i, s, true) }

func (ln *line) put(i int, s string, right bool) {
	if s == "" || ln.pw.err != nil {
		return
	}
	if detail, err := putLatin1(ln.field(i), s, right); err != nil {
		ln.pw.fail(ln, ln.l.Fields[i].Danish, err, detail)
	}
}

// putLatin1 writes s into the field dst as ISO-8859-1, left-aligned or right-aligned; a character
// beyond ISO-8859-1 (ErrNotLatin1) or a value longer than the field (ErrTooLong) leaves dst as it is
// and says why.
func putLatin1(dst []byte, s string, right bool) (detail string, err error) {
	n := 0
	for _, c := range s {
		if c > 0xFF {
			return fmt.Sprintf("%q in %q", c, s), ErrNotLatin1
		}
		n++
	}
	if n > len(dst) {
		return fmt.Sprintf("%q has %d characters, the field %d", s, n, len(dst)), ErrTooLong
	}
	k := 0
	if right {
		k = len(dst) - n
	}
	for _, c := range s {
		dst[k] = byte(c)
		k++
	}
	return "", nil
}

// num writes v right-aligned and zero-filled.
func (ln *line) num(i, v int) { putNumber(ln.field(i), v) }

func putNumber(dst []byte, v int) {
	for k := len(dst) - 1; k >= 0; k-- {
		dst[k] = byte('0' + v%10)
		v /= 10
	}
}

// date writes d into a yyyy-MM-dd, yyyyMMddHHmm or yyyyMMdd field, a timestamp at the person's time of
// that date (TimeOf); the zero date leaves it empty.
func (ln *line) date(i int, d civil.Date) {
	if d.IsZero() {
		return
	}
	switch dst := ln.field(i); ln.l.Fields[i].Kind {
	case KindTimestamp, KindTimestampText:
		putDay(dst[0:8], d)
		t := ln.pw.timeOf(d)
		copy(dst[8:], t[:])
	default:
		putDate(dst, ln.l.Fields[i].Kind, d, ln.pw.key)
	}
}

// timeOf is TimeOf for the current person, remembering the last dates asked: a person's records give
// the same few dates (the birth, the last move) again and again.
func (pw *PersonWriter) timeOf(d civil.Date) [4]byte {
	for i := range pw.times {
		if pw.times[i].ok && pw.times[i].d == d {
			return pw.times[i].t
		}
	}
	t := TimeOf(pw.key, d)
	pw.times[pw.nextTime] = timeMemo{d: d, t: t, ok: true}
	pw.nextTime = (pw.nextTime + 1) % len(pw.times)
	return t
}

// timeMemo is a date's time for the current person.
type timeMemo struct {
	d  civil.Date
	t  [4]byte
	ok bool
}

// clearAddressFields are the fields of a clear-text address in a record: 003's, and 031-033's (one
// layout) for a relative.
type clearAddressFields struct {
	careOf, label, postcode, district, municipality, road, house, floor, door, roadName int
}

var (
	clearAddress003 = clearAddressFields{f003CareOfName, f003LabelledAddress, f003PostCode, f003PostDistrictText,
		f003MunicipalityCode, f003StreetCode, f003HouseNumber, f003Floor, f003Door, f003StreetAddressingName}
	clearAddress031 = clearAddressFields{f031CareOfName, f031StandardAddress, f031PostCode, f031PostDistrict,
		f031MunicipalityCode, f031StreetCode, f031HouseNumber, f031Floor, f031Door, f031StreetAddressingName}
)

// clearAddress writes address a in clear text into the fields f names.
func (ln *line) clearAddress(f *clearAddressFields, a *generator.Address) {
	ln.text(f.careOf, a.CareOf)
	ln.text(f.label, LabelledAddress(a))
	ln.num(f.postcode, int(a.Postcode))
	ln.text(f.district, PostDistrictText(a.City))
	ln.num(f.municipality, int(a.Municipality))
	ln.num(f.road, int(a.RoadCode))
	ln.text(f.house, a.HouseNumber)
	ln.text(f.floor, a.Floor)
	ln.right(f.door, a.Door)
	ln.text(f.roadName, generator.RoadAddressingName(a.Road))
}

// relatives writes a record 031, 032 or 033 for each of p's relatives of the relation: the relative's
// number, addressing name and clear-text address with the fields of its 003, and the start of its name
// and address protection. The three records share one layout.
func relatives(pw *PersonWriter, p *generator.Person, num string, dst *bufio.Writer, relation string) {
	for _, r := range p.Family {
		if r.Relation != relation {
			continue
		}
		l := pw.startType(pw.cur, num)
		l.number(f031MotherPNR, r.Number)
		l.text(f031AddressingName, r.Name)
		l.clearAddress(&clearAddress031, &r.Address)
		l.date(f031ProtectionStartDate, r.Protected)
		pw.emit(l, dst)
	}
}

// The time parts CPR's test extract gives a start whose month and day are unknown (cpr-formats.md
// §1.1): a name's 12:99, a citizenship's 00:00.
const (
	partialNameTime        = "1299"
	partialCitizenshipTime = "0000"
)

// startDate writes a start timestamp: d, or, when partial, d's year with month and day 00 and the time
// CPR writes with them.
func (ln *line) startDate(i int, d civil.Date, partial bool, hhmm string) {
	if !partial || d.IsZero() {
		ln.date(i, d)
		return
	}
	f := ln.field(i)
	put4(f[0:4], d.Year)
	copy(f[4:8], "0000")
	copy(f[8:12], hhmm)
}

// putDate writes d into a field of kind k: a timestamp at the time of day TimeOf gives key on d.
func putDate(dst []byte, k Kind, d civil.Date, key uint64) {
	switch k {
	case KindDate:
		d.AppendFormat(dst[:0])
	case KindTimestamp, KindTimestampText:
		putDay(dst[0:8], d)
		t := TimeOf(key, d)
		copy(dst[8:], t[:])
	case KindDay:
		putDay(dst, d)
	}
}

// putDay writes d as yyyyMMdd.
func putDay(dst []byte, d civil.Date) {
	put4(dst[0:4], d.Year)
	put2(dst[4:6], int(d.Month))
	put2(dst[6:8], d.Day)
}

func put4(b []byte, v int) {
	b[0], b[1], b[2], b[3] = byte('0'+v/1000%10), byte('0'+v/100%10), byte('0'+v/10%10), byte('0'+v%10)
}
func put2(b []byte, v int) { b[0], b[1] = byte('0'+v/10%10), byte('0'+v%10) }

// mark writes the uncertainty marker '*' when on.
func (ln *line) mark(i int, on bool) {
	if on {
		ln.field(i)[0] = '*'
	}
}

func (pw *PersonWriter) fail(ln *line, field string, err error, detail string) {
	if pw.err == nil {
		pw.err = &WriteError{Record: pw.records + 2, Type: ln.l.Type, PNR: strings.Clone(ln.pnr), Field: field, Err: err, Detail: detail}
	}
}

// emit writes the finished line to dst in the output's framing and encoding.
func (pw *PersonWriter) emit(ln *line, dst *bufio.Writer) {
	if pw.err != nil {
		return
	}
	if pw.sink != nil {
		if err := pw.sink(ln.l, ln.b); err != nil {
			pw.err = err
		}
		return
	}
	writeFramed(dst, ln.b, pw.opts.WriterOptions)
	pw.records++
}

// Write writes one person's selected records.
func (pw *PersonWriter) Write(p *generator.Person) error {
	if pw.err != nil {
		return pw.err
	}
	pw.persons++
	block := pw.w
	if pw.block != nil {
		block = pw.blockW
	}
	return pw.encode(p, pw.w, block)
}

// encode writes p's selected records to main, its 003 record to block.
func (pw *PersonWriter) encode(p *generator.Person, main, block *bufio.Writer) error {
	pw.num = p.Number.AppendTo(pw.num[:0])
	pw.key = TimeKey(p)
	pw.times, pw.nextTime = [4]timeMemo{}, 0
	num := unsafeString(pw.num)
	for _, pt := range pw.types {
		dst := main
		if pt.code == "003" {
			dst = block
		}
		pw.cur = pt
		pt.encode(pw, p, num, dst)
		if pw.err != nil {
			return pw.err
		}
	}
	return nil
}

// Encoder turns persons into their selected records without writing a file: for the tabular formats,
// which carry the same values as the extract.
type Encoder struct {
	pw *PersonWriter
}

// NewEncoder returns an Encoder of the selected record types (nil: all).
func NewEncoder(sel Selection) *Encoder {
	if sel == nil {
		sel = AllRecords()
	}
	pw := &PersonWriter{}
	for _, t := range PersonTypes {
		if sel[t] {
			pw.types = append(pw.types, &personType{code: t, layout: LayoutOf(t), template: templates[t], encode: encoders[t]})
		}
	}
	return &Encoder{pw: pw}
}

// Encode calls fn with each of p's records in type order: its layout and its ISO-8859-1 bytes, which fn
// must not keep. An error from fn, or a value that does not fit its field, stops it.
func (e *Encoder) Encode(p *generator.Person, fn func(l *Layout, line []byte) error) error {
	pw := e.pw
	pw.sink, pw.err = fn, nil
	defer func() { pw.sink = nil }()
	return pw.Write(p)
}

// Close writes the 003 block and the end record, and flushes. It does not close the underlying writer.
func (pw *PersonWriter) Close() error {
	if pw.err != nil {
		return pw.err
	}
	if pw.late != nil {
		defer pw.late.close()
		if err := pw.late.copyMain(pw.w); err != nil {
			return fmt.Errorf("added persons: %w", err)
		}
	}
	if pw.block != nil {
		defer pw.block.Close()
		if err := pw.blockW.Flush(); err != nil {
			return fmt.Errorf("003 block: %w", err)
		}
		if _, err := pw.block.Seek(0, io.SeekStart); err != nil {
			return fmt.Errorf("003 block: %w", err)
		}
		if _, err := io.Copy(pw.w, pw.block); err != nil {
			return fmt.Errorf("003 block: %w", err)
		}
	}
	if pw.late != nil {
		if err := pw.late.copyBlocks(pw.w); err != nil {
			return fmt.Errorf("added persons: %w", err)
		}
	}
	count := pw.records
	pw.emitRecord("999", AppendEnd(nil, count), pw.w)
	pw.records = count
	if err := pw.w.Flush(); err != nil {
		pw.err = err
		return err
	}
	pw.err = errWriterClosed
	return nil
}

var errWriterClosed = fmt.Errorf("extract: write after Close")

// encoders write one person's records of a type.
var encoders = map[string]func(pw *PersonWriter, p *generator.Person, num string, dst *bufio.Writer){
	"001": func(pw *PersonWriter, p *generator.Person, num string, dst *bufio.Writer) {
		l := pw.startType(pw.cur, num)
		l.number(f001CurrentCprNumber, p.CurrentNumber)
		l.text(f001Status, generator.StatusCode(p.Status))
		l.date(f001StatusStartDate, p.StatusDate)
		l.text(f001Gender, p.Gender.String())
		l.date(f001Birthdate, p.BirthDate)
		l.mark(f001BirthdateUncertainty, p.BirthDateUncertain)
		l.date(f001PersonStartDate, p.BirthDate)
		if p.Status == generator.StatusAnnulled || p.Status == generator.StatusDeletedDuplicate || p.Status == generator.StatusChangedNumber {
			l.date(f001PersonEndDate, p.StatusDate)
		}
		l.text(f001Job, p.Occupation)
		pw.emit(l, dst)
	},
	"002": func(pw *PersonWriter, p *generator.Person, num string, dst *bufio.Writer) {
		a := p.Address
		if a == nil || p.Status >= 30 {
			return
		}
		l := pw.startType(pw.cur, num)
		l.num(f002MunicipalityCode, int(a.Municipality))
		l.num(f002StreetCode, int(a.RoadCode))
		l.text(f002HouseNumber, a.HouseNumber)
		l.text(f002Floor, a.Floor)
		l.right(f002Door, a.Door)
		l.text(f002CareOfName, a.CareOf)
		l.date(f002RelocationDate, a.MovedIn)
		l.date(f002MunicipalityArrivalDate, a.MunicipalityMovedIn)
		l.num(f002LeavingMunicipalityCode, int(a.PreviousMunicipality))
		l.date(f002LeavingMunicipalityDepartureDate, a.PreviousMunicipalityLeft)
		pw.emit(l, dst)
	},
	"003": func(pw *PersonWriter, p *generator.Person, num string, dst *bufio.Writer) {
		l := pw.startType(pw.cur, num)
		l.text(f003AddressingName, p.Name.Addressing)
		if a := p.Address; a != nil && p.Status < 30 {
			l.clearAddress(&clearAddress003, a)
		}
		pw.emit(l, dst)
	},
	"004": func(pw *PersonWriter, p *generator.Person, num string, dst *bufio.Writer) {
		for _, pr := range p.Protections[:pw.upTo(len(p.Protections))] {
			l := pw.startType(pw.cur, num)
			l.num(f004ProtectionType_, int(pr.Type))
			l.date(f004StartDate, pr.Start)
			l.date(f004EndDate, pr.End)
			pw.emit(l, dst)
		}
	},
	"005": func(pw *PersonWriter, p *generator.Person, num string, dst *bufio.Writer) {
		e := p.Emigration
		if e == nil {
			return
		}
		l := pw.startType(pw.cur, num)
		l.num(f005ExitCountryCode, int(e.Country))
		l.date(f005ExitDate, e.Date)
		for i, s := range e.ForeignAddress[:min(len(e.ForeignAddress), addressLines)] {
			l.text(f005ForeignAddress1+i, clip(s, 34))
		}
		pw.emit(l, dst)
	},
	"007": func(pw *PersonWriter, p *generator.Person, num string, dst *bufio.Writer) {
		if p.Disappeared.IsZero() {
			return
		}
		l := pw.startType(pw.cur, num)
		l.date(f007DisappearanceDate, p.Disappeared)
		pw.emit(l, dst)
	},
	"008": func(pw *PersonWriter, p *generator.Person, num string, dst *bufio.Writer) {
		l := pw.startType(pw.cur, num)
		l.text(f008FirstName_s, p.Name.First)
		l.text(f008FirstNameMarker, p.Name.FirstMarker)
		l.text(f008MiddleName, p.Name.Middle)
		l.text(f008MiddleNameMarker, p.Name.MiddleMarker)
		l.text(f008LastName, p.Name.Last)
		l.text(f008LastNameMarker, p.Name.LastMarker)
		l.startDate(f008NameStartDate, p.Name.Start, p.Name.StartPartial, partialNameTime)
		l.text(f008AddressingName, p.Name.Addressing)
		pw.emit(l, dst)
	},
	"009": func(pw *PersonWriter, p *generator.Person, num string, dst *bufio.Writer) {
		l := pw.startType(pw.cur, num)
		l.code(f009BirthRegistrationAuthorityCode, int(p.BirthPlace.Authority))
		l.text(f009AdditionalBirthRegistrationText, clip(p.BirthPlace.Text, 20))
		pw.emit(l, dst)
	},
	"010": func(pw *PersonWriter, p *generator.Person, num string, dst *bufio.Writer) {
		l := pw.startType(pw.cur, num)
		l.num(f010CountryCode, int(p.Citizenship.Country))
		l.startDate(f010CitizenshipStartDate, p.Citizenship.Start, p.Citizenship.StartPartial, partialCitizenshipTime)
		pw.emit(l, dst)
	},
	"011": func(pw *PersonWriter, p *generator.Person, num string, dst *bufio.Writer) {
		l := pw.startType(pw.cur, num)
		if p.Church.Code != 0 {
			l.text(f011ChurchRelationship, string(rune(p.Church.Code)))
		}
		l.date(f011StartDate, p.Church.Start)
		pw.emit(l, dst)
	},
	"012": func(pw *PersonWriter, p *generator.Person, num string, dst *bufio.Writer) {
		c := p.Civil
		l := pw.startType(pw.cur, num)
		if c.Code != 0 {
			l.text(f012CivilStatusCode, string(rune(c.Code)))
		}
		l.number(f012SpousePNR, c.Spouse)
		if c.Spouse.IsZero() {
			l.date(f012SpouseBirthDate, c.SpouseBirthDate)
			l.text(f012SpouseName, clip(c.SpouseName, 34))
		}
		l.date(f012CivilStatusStartDate, c.Start)
		if p.Separation != nil {
			l.date(f012ReferenceToAnySeparation, c.Start) // the marriage the separation refers to
		}
		pw.emit(l, dst)
	},
	"013": func(pw *PersonWriter, p *generator.Person, num string, dst *bufio.Writer) {
		if p.Separation == nil {
			return
		}
		l := pw.startType(pw.cur, num)
		l.date(f013ReferenceToAnyMaritalStatus, p.Civil.Start)
		l.date(f013SeparationStartDate, p.Separation.Start)
		pw.emit(l, dst)
	},
	"014": func(pw *PersonWriter, p *generator.Person, num string, dst *bufio.Writer) {
		for _, c := range p.Children[:pw.upTo(len(p.Children))] {
			l := pw.startType(pw.cur, num)
			l.number(f014ChildPNR, c)
			pw.emit(l, dst)
		}
	},
	"015": func(pw *PersonWriter, p *generator.Person, num string, dst *bufio.Writer) {
		l := pw.startType(pw.cur, num)
		parent(l, motherFields, p.Mother, p.BirthDate)
		parent(l, fatherFields, p.Father, p.BirthDate)
		pw.emit(l, dst)
	},
	"016": func(pw *PersonWriter, p *generator.Person, num string, dst *bufio.Writer) {
		for _, c := range p.Custody[:pw.upTo(len(p.Custody))] {
			l := pw.startType(pw.cur, num)
			l.num(f016RelationshipType, int(c.Type))
			l.date(f016CustodyStartDate, c.Start)
			if c.Type == generator.CustodyOther1 || c.Type == generator.CustodyOther2 {
				l.number(f016RelationPNR, c.Holder)
				l.date(f016RelationPNRStartDate, c.Start)
			}
			pw.emit(l, dst)
		}
	},
	"017": func(pw *PersonWriter, p *generator.Person, num string, dst *bufio.Writer) {
		if g := p.Guardianship; g != nil {
			l := pw.startType(pw.cur, num)
			guardianFields(l, g)
			pw.emit(l, dst)
		}
	},
	"022": func(pw *PersonWriter, p *generator.Person, num string, dst *bufio.Writer) {
		for _, o := range p.OldNumbers[:pw.upTo(len(p.OldNumbers))] {
			l := pw.startType(pw.cur, num)
			l.number(f022OldPNR, o.Number)
			l.date(f022OldPNRStartDate, o.Start)
			l.date(f022OldPNREndDate, o.End)
			pw.emit(l, dst)
		}
	},
	"023": func(pw *PersonWriter, p *generator.Person, num string, dst *bufio.Writer) {
		for _, a := range p.AddressHistory[:pw.upTo(len(p.AddressHistory))] {
			l := pw.startType(pw.cur, num)
			l.text(f023CorrectionMarker, a.Correction)
			l.num(f023MunicipalityCode, int(a.Municipality))
			l.num(f023StreetCode, int(a.RoadCode))
			l.text(f023HouseNumber, a.HouseNumber)
			l.text(f023Floor, a.Floor)
			l.right(f023Door, a.Door)
			l.date(f023RelocationDate, a.MovedIn)
			l.date(f023LeavingDate, a.MovedOut)
			pw.emit(l, dst)
		}
	},
	"024": func(pw *PersonWriter, p *generator.Person, num string, dst *bufio.Writer) {
		for _, m := range p.Migrations[:pw.upTo(len(p.Migrations))] {
			l := pw.startType(pw.cur, num)
			if !m.Exit.IsZero() {
				l.num(f024ExitCountryCode, int(m.ExitCountry))
				l.date(f024ExitDate, m.Exit)
			}
			l.num(f024EntryCountryCode, int(m.EntryCountry))
			l.date(f024EntryDate, m.Entry)
			for i, s := range m.ForeignAddress[:min(len(m.ForeignAddress), addressLines)] {
				l.text(f024ForeignAddress1+i, clip(s, 34))
			}
			l.text(f024CorrectionMarker, m.Correction)
			pw.emit(l, dst)
		}
	},
	"025": func(pw *PersonWriter, p *generator.Person, num string, dst *bufio.Writer) {
		for _, d := range p.Disappearances[:pw.upTo(len(p.Disappearances))] {
			l := pw.startType(pw.cur, num)
			l.date(f025DisappearanceDate, d.Disappeared)
			l.date(f025RetrievalDate, d.Found)
			l.text(f025CorrectionMarker, d.Correction)
			pw.emit(l, dst)
		}
	},
	"026": func(pw *PersonWriter, p *generator.Person, num string, dst *bufio.Writer) {
		for _, h := range p.NameHistory[:pw.upTo(len(p.NameHistory))] {
			l := pw.startType(pw.cur, num)
			l.text(f026FirstName_s, h.First)
			l.text(f026FirstNameMarker, h.FirstMarker)
			l.text(f026MiddleName, h.Middle)
			l.text(f026MiddleNameMarker, h.MiddleMarker)
			l.text(f026LastName, h.Last)
			l.text(f026LastNameMarker, h.LastMarker)
			l.startDate(f026NameStartDate, h.Start, h.StartPartial, partialNameTime)
			l.date(f026NameEndDate, h.End)
			l.text(f026CorrectionMarker, h.Correction)
			pw.emit(l, dst)
		}
	},
	"027": func(pw *PersonWriter, p *generator.Person, num string, dst *bufio.Writer) {
		for _, c := range p.CitizenshipHistory[:pw.upTo(len(p.CitizenshipHistory))] {
			l := pw.startType(pw.cur, num)
			l.num(f027CountryCode, int(c.Country))
			l.startDate(f027CitizenshipStartDate, c.Start, c.StartPartial, partialCitizenshipTime)
			l.date(f027CitizenshipEndDate, c.End)
			l.text(f027CorrectionMarker, c.Correction)
			pw.emit(l, dst)
		}
	},
	"028": func(pw *PersonWriter, p *generator.Person, num string, dst *bufio.Writer) {
		for _, c := range p.ChurchHistory[:pw.upTo(len(p.ChurchHistory))] {
			l := pw.startType(pw.cur, num)
			l.text(f028ChurchRelationship, string(rune(c.Code)))
			l.date(f028StartDate, c.Start)
			l.date(f028EndDate, c.End)
			pw.emit(l, dst)
		}
	},
	"029": func(pw *PersonWriter, p *generator.Person, num string, dst *bufio.Writer) {
		for _, c := range p.CivilHistory[:pw.upTo(len(p.CivilHistory))] {
			l := pw.startType(pw.cur, num)
			l.text(f029CivilStatusCode, string(rune(c.Code)))
			l.number(f029SpousePNR, c.Spouse)
			l.date(f029CivilStatusStartDate, c.Start)
			l.date(f029CivilStatusEndDate, c.End)
			l.text(f029CorrectionMarker, c.Correction)
			if p.SeparatedIn(c) {
				l.date(f029ReferenceToAnySeparation, c.Start) // as 012 refers to a current one
			}
			pw.emit(l, dst)
		}
	},
	"030": func(pw *PersonWriter, p *generator.Person, num string, dst *bufio.Writer) {
		for _, h := range p.SeparationHistory[:pw.upTo(len(p.SeparationHistory))] {
			l := pw.startType(pw.cur, num)
			l.date(f030ReferenceToAnyMaritalStatus, h.Marriage)
			l.date(f030SeparationStartDate, h.Start)
			l.date(f030SeparationEndDate, h.End)
			l.text(f030CorrectionMarker, h.Correction)
			pw.emit(l, dst)
		}
	},
	"006": func(pw *PersonWriter, p *generator.Person, num string, dst *bufio.Writer) {
		c := p.ContactAddress
		if c == nil {
			return
		}
		l := pw.startType(pw.cur, num)
		for i, line := range c.Lines[:min(5, len(c.Lines))] {
			l.text(f006Line1+i, line)
		}
		l.date(f006StartDate, c.Start)
		l.date(f006EndDate, c.End)
		pw.emit(l, dst)
	},
	"031": func(pw *PersonWriter, p *generator.Person, num string, dst *bufio.Writer) {
		relatives(pw, p, num, dst, generator.RelationMother)
	},
	"032": func(pw *PersonWriter, p *generator.Person, num string, dst *bufio.Writer) {
		relatives(pw, p, num, dst, generator.RelationFather)
	},
	"033": func(pw *PersonWriter, p *generator.Person, num string, dst *bufio.Writer) {
		relatives(pw, p, num, dst, generator.RelationChild)
	},
	"052": func(pw *PersonWriter, p *generator.Person, num string, dst *bufio.Writer) {
		if g := p.Guardianship; g != nil {
			l := pw.startType(pw.cur, num)
			guardianFields(l, g) // 052's fields up to 272 are 017's, at the same indexes
			l.text(f052GuardianshipType, GuardianshipType)
			pw.emit(l, dst)
		}
	},
	"050": func(pw *PersonWriter, p *generator.Person, num string, dst *bufio.Writer) {
		if p.CreditWarning.IsZero() {
			return
		}
		l := pw.startType(pw.cur, num)
		l.num(f050ProtectionType, generator.ProtectionCreditWarning)
		l.date(f050StartDate, p.CreditWarning)
		pw.emit(l, dst)
	},
}

// GuardianshipType is 052's VAERGEMAALS_TYPE: the only value the reference shows ("FULD", full
// guardianship); the model has no other kind.
const GuardianshipType = "FULD"

// guardianFields fills a guardianship's fields of record 017, or of 052, whose first fields are 017's.
func guardianFields(l *line, g *generator.Guardianship) {
	l.date(f017DisempowermentStartDate, g.Start)
	if !g.Guardian.IsZero() {
		l.num(f017GuardianRelationType, 1)
		l.number(f017RelationPNR, g.Guardian)
		l.date(f017RelationPNRStartDate, g.Start)
	} else {
		l.num(f017GuardianRelationType, 2)
		l.text(f017GuardianName, clip(g.GuardianName, 34))
		l.date(f017GuardianAddressStartDate, g.Start)
		for i, s := range g.GuardianAddress[:min(len(g.GuardianAddress), addressLines)] {
			l.text(f017RelationText1+i, clip(s, 34))
		}
	}
}

// The fields of 052 that guardianFields fills are 017's, at the same indexes.
var _ = [1]int{}[f052RelationText5-f017RelationText5]

// parentFields are one parent's fields in record 015.
type parentFields struct{ date, number, birthDate, name int }

var (
	motherFields = parentFields{f015MotherDate, f015MotherPNR, f015MotherBirthDate, f015MotherName}
	fatherFields = parentFields{f015FatherDate, f015FatherPNR, f015FatherBirthDate, f015FatherName}
)

// parent fills the mother's or father's fields of record 015.
func parent(l *line, f parentFields, par generator.Parent, born civil.Date) {
	if !par.Known() {
		return
	}
	l.date(f.date, born) // the parent relation holds from the birth
	l.number(f.number, par.Number)
	if par.Number.IsZero() {
		l.date(f.birthDate, par.BirthDate)
		l.text(f.name, clip(par.Name, 34))
	}
}

// upTo returns n, or the most records of the type being written that one person may have.
func (pw *PersonWriter) upTo(n int) int { return min(n, pw.cur.layout.Max) }

// addressLines is how many lines a foreign or guardian's address has (UDLANDADR1-5, RELADR1-5).
const addressLines = f005ForeignAddress5 - f005ForeignAddress1 + 1

// PostDistrictText is a postal district's POSTDISTTXT in 20 characters, as record 003 and the road
// register give it.
func PostDistrictText(city string) string { return clip(city, 20) }

// LabelledAddress is STANDARDADR: "road number,floor door", as "Skovvej 77 A" or "Søgade 12,st mf",
// with the road's addressing name (VEJADRNVN), as the reference gives the field.
func LabelledAddress(a *generator.Address) string {
	house := strings.TrimLeft(a.HouseNumber, "0")
	if n := len(house); n > 0 && (house[n-1] < '0' || house[n-1] > '9') {
		house = house[:n-1] + " " + house[n-1:]
	}
	s := generator.RoadAddressingName(a.Road) + " " + house
	if a.Floor != "" {
		floor := strings.TrimLeft(a.Floor, "0")
		if floor == "" {
			floor = "0"
		}
		s += "," + floor
		if a.Door != "" {
			s += " " + a.Door
		}
	}
	return clip(s, 34)
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n])
}

// unsafeString views b as a string without copying; b must not change while the string is used.
func unsafeString(b []byte) string { return unsafe.String(unsafe.SliceData(b), len(b)) }
