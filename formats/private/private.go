// Package private writes and reads CPR's records for private customers - banks, insurers, pension
// funds, debt collectors - as CPR Direkte PRIV answers with them (the U09480P layout,
// private-customers.md §3): 001 the person's current data (469 characters), 002 a foreign address, 005
// guardianship, between Format A's 000 and 999. Only what the law lets private companies receive is
// written (§2: no parents, children, spouse, citizenship, church, birth place or history), and the name
// and address of a person with name and address protection are left out unless the customer has agreed
// otherwise with CPR, as CPR's default has it.
//
// There is no official layout; the reference reconstructs it from one client (php-cpr-direkte) and
// marks it [M]/[L]. Record 004 (civil status) is in the layouts for reading but not written: the legal
// list does not name it. Record 050 (credit warning) is not written: the model has no credit warnings.
package private

import (
	"io"
	"slices"
	"strings"

	"github.com/cprtestdata/cprtestdata/formats/extract"
	"github.com/cprtestdata/cprtestdata/generator"
	"github.com/cprtestdata/cprtestdata/generator/civil"
	"github.com/cprtestdata/cprtestdata/generator/pnr"
)

var byType = func() map[string]*extract.Layout {
	m := map[string]*extract.Layout{}
	for _, l := range layouts {
		m[l.Type] = l.Index()
	}
	return m
}()

// LayoutOf returns the layout of a PRIV record type: 001, 002, 004 and 005 are PRIV's own; 000, 999 and
// the credit warning 050 Format A's (PRIV's 050 has Format A's length, 29, in the reference's one
// client, and no field table of its own: private-customers.md §3, [L]); nil for any other.
func LayoutOf(t string) *extract.Layout {
	if l, ok := byType[t]; ok {
		return l
	}
	if t == "000" || t == "999" || t == "050" {
		return extract.LayoutOf(t)
	}
	return nil
}

// NewReader returns a reader of PRIV records in ISO-8859-1, in any framing.
func NewReader(r io.Reader) *extract.Reader {
	return extract.NewReaderLayouts(r, extract.Latin1, LayoutOf)
}

// Options are the parameters a private customer agrees with CPR (private-customers.md §1); the zero
// value is CPR's default.
type Options struct {
	// NameFirstLast writes ADRNVN "Fornavn(e) Efternavn" instead of CPR's default "Efternavn,Fornavn(e)".
	NameFirstLast bool
	// IncludeProtected delivers the name and address of persons with name and address protection;
	// by default they are left out (blank, address codes zero) and 002 is not written.
	IncludeProtected bool
	// DeceasedAddress delivers the last address of a dead person; by default none.
	DeceasedAddress bool
	// CreditWarnings delivers record 050 for a person with a credit warning, where the customer's
	// agreement includes it; by default not (as CPR delivers 050 only where the task enables it).
	// php-cpr-direkte returns no person when a 050 is in the answer (private-customers.md §3).
	CreditWarnings bool
	// Lookup finds a person by number: a guardian given by number is delivered by their name and
	// address. Nil: such a guardian is delivered without.
	Lookup func(pnr.Number) (*generator.Person, bool)
}

// Encoder writes a person's PRIV records.
type Encoder struct {
	opts Options
}

// NewEncoder returns an encoder with the customer's options.
func NewEncoder(o Options) *Encoder { return &Encoder{opts: o} }

// Encode calls emit with each of p's records on day today, unframed, in type order: 001, and 002, 005
// and 050 when p has a foreign address, a guardian, or a credit warning the customer receives.
func (e *Encoder) Encode(p *generator.Person, today civil.Date, emit func(l *extract.Layout, rec []byte) error) error {
	protected := !e.opts.IncludeProtected && active(p, generator.ProtectionNameAndAddress, today)
	l := byType["001"]
	rec := l.Template()
	put := func(name, v string) error { return l.PutText(rec, l.Field(name), v) }
	num := func(name string, v int) { l.PutNumber(rec, l.Field(name), v) }
	date := func(name string, d civil.Date) { l.PutPersonDate(rec, l.Field(name), d, extract.TimeKey(p)) }
	var errs []error
	keep := func(err error) {
		if err != nil {
			errs = append(errs, err)
		}
	}
	keep(put("PNR", p.Number.String()))
	date("BIRTHDATE", p.BirthDate)
	keep(put("GENDER", string(rune(p.Gender))))
	num("STATUS", int(p.Status))
	date("STATUS_DATE", p.StatusDate)
	if !p.CurrentNumber.IsZero() {
		keep(put("PNRGAELD", p.CurrentNumber.String()))
	}
	if g := p.Guardianship; g != nil {
		date("DISEMPOWERMENT", g.Start)
	}
	if pr, ok := protection(p, generator.ProtectionNameAndAddress, today); ok {
		date("NAMEPROTECTIONDATE", pr.Start) // kept for protected persons: the customer learns why
	}
	if pr, ok := protection(p, generator.ProtectionMarketing, today); ok {
		date("REKBESKHAENSTART", pr.Start)
	}
	keep(put("POSITION", clip(p.Occupation, 34)))
	if !protected {
		given := strings.TrimSpace(p.Name.First + " " + p.Name.Middle)
		name := p.Name.Last + "," + given
		if e.opts.NameFirstLast {
			name = given + " " + p.Name.Last
		}
		keep(put("ADDRESSNAME", clip(strings.Trim(name, ", "), 34)))
		keep(put("FIRSTNAME", clip(given, 50)))
		keep(put("LASTNAME", clip(p.Name.Last, 40)))
		switch a := p.Address; {
		case a != nil && p.Status.HasAddress():
			date("ADDRESSDATE", a.MovedIn)
			keep(put("CONAME", clip(a.CareOf, 34)))
			keep(put("STREET", clip(extract.LabelledAddress(a), 34)))
			num("ZIPCODE", int(a.Postcode))
			keep(put("POSTDISTRICT", clip(extract.PostDistrictText(a.City), 20)))
			num("STATE", int(a.Municipality))
			num("STREETCODE", int(a.RoadCode))
			keep(put("STREET_NUMBER", a.HouseNumber))
			keep(put("FLOOR", a.Floor))
			keep(put("SIDE_NUMBER", a.Door))
			keep(put("STREETADDRESS_NAME", generator.RoadAddressingName(a.Road)))
		case p.Status == generator.StatusDead && e.opts.DeceasedAddress && len(p.AddressHistory) > 0:
			// the address at death: the history keeps its codes, not its names
			h := p.AddressHistory[len(p.AddressHistory)-1]
			date("ADDRESSDATE", h.MovedIn)
			num("STATE", int(h.Municipality))
			num("STREETCODE", int(h.RoadCode))
			keep(put("STREET_NUMBER", h.HouseNumber))
			keep(put("FLOOR", h.Floor))
			keep(put("SIDE_NUMBER", h.Door))
		}
	}
	if len(errs) > 0 {
		return errs[0]
	}
	if err := emit(l, rec); err != nil {
		return err
	}
	if em := p.Emigration; em != nil && p.Status == generator.StatusEmigrated && !protected {
		l := byType["002"]
		rec := l.Template()
		if err := l.PutText(rec, l.Field("PNR"), p.Number.String()); err != nil {
			return err
		}
		for i, line := range em.ForeignAddress[:min(5, len(em.ForeignAddress))] {
			if err := l.PutText(rec, l.Field("ForeignAddress"+string(rune('1'+i))), clip(line, 34)); err != nil {
				return err
			}
		}
		l.PutPersonDate(rec, l.Field("EmigrationDate"), em.Date, extract.TimeKey(p))
		if err := emit(l, rec); err != nil {
			return err
		}
	}
	if g := p.Guardianship; g != nil {
		l := byType["005"]
		rec := l.Template()
		if err := l.PutText(rec, l.Field("PNR"), p.Number.String()); err != nil {
			return err
		}
		name, lines := g.GuardianName, g.GuardianAddress
		if q, ok := e.lookup(g.Guardian); ok && !g.Guardian.IsZero() {
			name = q.Name.Addressing
			lines = nil
			if a := q.Address; a != nil && q.Status.HasAddress() {
				lines = []string{extract.LabelledAddress(a), a.Postcode.Text() + " " + a.City}
			}
		}
		if err := l.PutText(rec, l.Field("GuardianName"), clip(name, 34)); err != nil {
			return err
		}
		for i, line := range lines[:min(5, len(lines))] {
			if err := l.PutText(rec, l.Field("GuardianAddress"+string(rune('1'+i))), clip(line, 34)); err != nil {
				return err
			}
		}
		if err := emit(l, rec); err != nil {
			return err
		}
	}
	if !p.CreditWarning.IsZero() && e.opts.CreditWarnings {
		l := LayoutOf("050")
		rec := l.Template()
		if err := l.PutText(rec, l.Field("PNR"), p.Number.String()); err != nil {
			return err
		}
		l.PutNumber(rec, l.Field("ProtectionType"), generator.ProtectionCreditWarning)
		l.PutPersonDate(rec, l.Field("StartDate"), p.CreditWarning, extract.TimeKey(p))
		if err := emit(l, rec); err != nil {
			return err
		}
	}
	return nil
}

func (e *Encoder) lookup(n pnr.Number) (*generator.Person, bool) {
	if e.opts.Lookup == nil {
		return nil, false
	}
	return e.opts.Lookup(n)
}

// protection returns p's protection of type t in force on today.
func protection(p *generator.Person, t generator.Code4, today civil.Date) (generator.Protection, bool) {
	for _, pr := range p.Protections {
		if pr.Type == t && !pr.Start.After(today) && (pr.End.IsZero() || pr.End.After(today)) {
			return pr, true
		}
	}
	return generator.Protection{}, false
}

func active(p *generator.Person, t int, today civil.Date) bool {
	_, ok := protection(p, generator.Code4(t), today)
	return ok
}

func clip(s string, n int) string {
	r := []rune(s)
	if len(r) > n {
		return string(r[:n])
	}
	return s
}

// WriteExtract writes a private change extract (U09480P) of the persons given, as they are on
// production: the start record with task and production dates, each person's records, and the end
// record, framed as wo says. The reference has no event record for the private layout, so none is
// written. It returns the records between the start and end records.
func WriteExtract(w io.Writer, persons []*generator.Person, task int, production, previous civil.Date, o Options, wo extract.WriterOptions) (int, error) {
	pw, err := NewWriter(w, task, production, previous, o, wo)
	if err != nil {
		return 0, err
	}
	for _, p := range persons {
		if err := pw.Write(p); err != nil {
			return pw.Records(), err
		}
	}
	return pw.Records(), pw.Close()
}

// Writer writes a private extract file: the start record, each person's records, and at Close the
// persons given to WriteLast in the order of their index, then the end record. Its errors are sticky.
type Writer struct {
	w       io.Writer
	enc     *Encoder
	today   civil.Date
	sep     string
	trim    bool
	records int
	late    []lateRecords
	err     error
	closed  bool
}

type lateRecords struct {
	index int
	data  []byte
	n     int
}

// NewWriter starts a private extract on w with task and production dates, the customer's options and
// framing; the persons are as of production.
func NewWriter(w io.Writer, task int, production, previous civil.Date, o Options, wo extract.WriterOptions) (*Writer, error) {
	pw := &Writer{w: w, enc: NewEncoder(o), today: production, trim: wo.Trim,
		sep: map[extract.Framing]string{extract.LF: "\n", extract.CRLF: "\r\n"}[wo.Framing]}
	_, pw.err = w.Write(pw.frame(nil, extract.AppendStart(nil, task, production, previous)))
	return pw, pw.err
}

func (pw *Writer) frame(dst, rec []byte) []byte {
	if pw.trim && pw.sep != "" {
		rec = []byte(strings.TrimRight(string(rec), " "))
	}
	return append(append(dst, rec...), pw.sep...)
}

// encode returns p's framed records and their count.
func (pw *Writer) encode(p *generator.Person) ([]byte, int, error) {
	var b []byte
	n := 0
	err := pw.enc.Encode(p, pw.today, func(_ *extract.Layout, rec []byte) error {
		b = pw.frame(b, rec)
		n++
		return nil
	})
	return b, n, err
}

// Write writes p's records.
func (pw *Writer) Write(p *generator.Person) error {
	if pw.err != nil {
		return pw.err
	}
	b, n, err := pw.encode(p)
	if err == nil {
		_, err = pw.w.Write(b)
	}
	if err != nil {
		pw.err = err
		return err
	}
	pw.records += n
	return nil
}

// WriteLast writes p after every person given to Write, in the order of the persons' indexes: the
// persons a timeline added, as a receiver that applies the change extracts in order holds them.
func (pw *Writer) WriteLast(p *generator.Person) error {
	if pw.err != nil {
		return pw.err
	}
	b, n, err := pw.encode(p)
	if err != nil {
		pw.err = err
		return err
	}
	pw.late = append(pw.late, lateRecords{p.Index, b, n})
	return nil
}

// WriteFramed writes n records already framed by Encoder.Records.
func (pw *Writer) WriteFramed(b []byte, n int) error {
	if pw.err != nil {
		return pw.err
	}
	if _, err := pw.w.Write(b); err != nil {
		pw.err = err
		return err
	}
	pw.records += n
	return nil
}

// Records returns the records written between the start and end records so far.
func (pw *Writer) Records() int {
	n := pw.records
	for _, l := range pw.late {
		n += l.n
	}
	return n
}

// Close writes the persons given to WriteLast and the end record; a second Close returns nil.
func (pw *Writer) Close() error {
	if pw.closed {
		return nil
	}
	pw.closed = true
	if pw.err != nil {
		return pw.err
	}
	slices.SortFunc(pw.late, func(a, b lateRecords) int { return a.index - b.index })
	for _, l := range pw.late {
		if _, err := pw.w.Write(l.data); err != nil {
			pw.err = err
			return err
		}
		pw.records += l.n
	}
	pw.late = nil
	_, pw.err = pw.w.Write(pw.frame(nil, extract.AppendEnd(nil, pw.records)))
	return pw.err
}

// Records returns the framed records of p as of today under the options, and their count: what a
// change extract carries of p.
func (e *Encoder) Records(p *generator.Person, today civil.Date, wo extract.WriterOptions) ([]byte, int, error) {
	pw := &Writer{enc: e, today: today, trim: wo.Trim, sep: map[extract.Framing]string{extract.LF: "\n", extract.CRLF: "\r\n"}[wo.Framing]}
	return pw.encode(p)
}
