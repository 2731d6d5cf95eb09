package sandbox

import (
	"bytes"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/cprtestdata/cprtestdata/formats/extract"
	"github.com/cprtestdata/cprtestdata/generator/civil"
	"github.com/cprtestdata/cprtestdata/generator/pnr"
)

// Inddata (cpr-formats.md §6): files a batch customer uploads to CPR. Each line is carried out at the next
// delivery: a 06 line puts (OP) or deletes (SL) a PNR subscription, a 07 line asks for a person's data
// (a requisition); the customer's next subscription extract carries the subscribed and requisitioned
// persons, a 997 receipt for each deleted subscription and a 910 error record for each line that could
// not be carried out.

// inddataName is CPR's name for an input file: d<yymmdd>.i<job>.
var inddataName = regexp.MustCompile(`(?i)^d\d{6}\.i\d{6}$`)

// MaxInddata bounds an uploaded input file: 200,000 subscription lines.
const MaxInddata = 16 << 20

// The error numbers of the 910 records the sandbox writes. CPR's own FEJLNR list is not in the
// reference (cpr-formats.md §14): these are the sandbox's, each with its text.
const (
	inputUnknownKey      = 1 // the line's inddatanøgle is neither 06 nor 07
	inputLength          = 2 // the line is shorter than its key's fields
	inputWrongCustomer   = 3 // KUNDENR is not the uploading customer's
	inputBadPNR          = 4 // PNR is not a valid personnummer
	inputUnknownPNR      = 5 // CPR holds no person with the number
	inputUnknownAction   = 6 // a 06 line's action is neither OP nor SL
	inputNotSubscribed   = 7 // SL for a number the customer does not subscribe to
	inputUnknownJobField = 8 // a 07 line's OPGAVENR is not six digits
)

// upload is an input file waiting for the next delivery.
type upload struct {
	name string
	data []byte
}

// inputResult is what carrying out a customer's input gave: numbers asked for, and the answers.
type inputResult struct {
	requisitions []pnr.Number
	answers      []*extract.Record
}

// Upload takes an input file from customer n, to be carried out at the next delivery. The name must be
// CPR's, d<yymmdd>.i<job>, and the file at most MaxInddata bytes.
func (s *Sandbox) Upload(n int, name string, data []byte) error {
	switch {
	case !inddataName.MatchString(name):
		return fmt.Errorf("input file %q: %w: want CPR's name d<yymmdd>.i<job>, such as d260105.i900001", name, ErrConfig)
	case len(data) > MaxInddata:
		return fmt.Errorf("input file %s: %w: larger than %d bytes", name, ErrConfig, MaxInddata)
	}
	a := s.access
	a.mu.Lock()
	defer a.mu.Unlock()
	c, ok := a.customers[n]
	if !ok {
		return fmt.Errorf("customer %d: %w: unknown", n, ErrConfig)
	}
	c.uploads = append(c.uploads, upload{name: strings.ToLower(name), data: bytes.Clone(data)})
	return nil
}

// carryOutInput carries out every customer's input uploaded since the last delivery, on day today.
// s.mu is held; the persons are as of today.
func (s *Sandbox) carryOutInput(today civil.Date) error {
	a := s.access
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, c := range a.customers {
		for _, u := range c.uploads {
			for i, line := range bytes.Split(u.data, []byte("\n")) {
				line = bytes.TrimRight(line, "\r")
				if len(bytes.TrimSpace(line)) == 0 {
					continue
				}
				if err := s.inputLine(c, line, today); err != nil {
					return fmt.Errorf("input file %s of customer %d, line %d: %w", u.name, c.number, i+1, err)
				}
			}
		}
		c.uploads = nil
	}
	return nil
}

// inputLine carries out one line (ISO-8859-1 bytes) for customer c. a.mu is held.
func (s *Sandbox) inputLine(c *customer, line []byte, today civil.Date) error {
	fail := func(sort string, number int, text string) error {
		r, err := extract.InputError{Sort: sort, Input: latin1Text(line), Number: number, Text: text}.Record()
		c.result.answers = append(c.result.answers, r)
		return err
	}
	field := func(from, to int) string {
		return latin1Text(line[min(from, len(line)):min(to, len(line))])
	}
	// person finds the number CPR holds; false (with the 910 written) when it does not.
	person := func(v string) (pnr.Number, bool, error) {
		n, err := pnr.Parse(v)
		if err != nil {
			return n, false, fail("", inputBadPNR, "PNR er ikke et gyldigt personnummer")
		}
		p, ok := s.byNum[n]
		if !ok || s.persons[p.Index].Number != n {
			return n, false, fail(v, inputUnknownPNR, "PNR findes ikke i CPR")
		}
		return n, true, nil
	}
	switch field(0, 2) {
	case "06": // 06 KUNDENR(4) 00 action(2) PNR(10) NGLKONST(15) blanks(45)
		if len(line) < 20 {
			return fail("", inputLength, "recorden er for kort til inddatanøgle 06")
		}
		if field(2, 6) != fmt.Sprintf("%04d", c.number) {
			return fail(field(10, 20), inputWrongCustomer, "KUNDENR "+field(2, 6)+" er ikke kundens")
		}
		n, ok, err := person(field(10, 20))
		if !ok {
			return err
		}
		switch action := field(8, 10); action {
		case "OP":
			s.access.subscribeLocked(c, n, true)
		case "SL":
			if !c.subscriptions[n] {
				return fail(n.String(), inputNotSubscribed, "kunden abonnerer ikke på PNR")
			}
			s.access.subscribeLocked(c, n, false)
			r, err := extract.DeletionReceipt{PNR: n.String(), At: today, Event: "A45", Key: strings.TrimRight(field(20, 35), " ")}.Record()
			c.result.answers = append(c.result.answers, r)
			return err
		default:
			return fail(n.String(), inputUnknownAction, "ukendt handling "+strconv.Quote(action)+": OP opretter, SL sletter")
		}
	case "07": // 07 OPGAVENR(6) PNR(10) NGLKONST(15)
		if len(line) < 18 {
			return fail("", inputLength, "recorden er for kort til inddatanøgle 07")
		}
		if strings.Trim(field(2, 8), "0123456789") != "" {
			return fail(field(8, 18), inputUnknownJobField, "OPGAVENR er ikke seks cifre")
		}
		n, ok, err := person(field(8, 18))
		if !ok {
			return err
		}
		c.result.requisitions = append(c.result.requisitions, n)
	default:
		return fail("", inputUnknownKey, "ukendt inddatanøgle "+strconv.Quote(field(0, 2))+": 06 abonnement, 07 rekvisition")
	}
	return nil
}

// latin1Text decodes ISO-8859-1 bytes, CPR's input encoding.
func latin1Text(b []byte) string {
	r := make([]rune, len(b))
	for i, c := range b {
		r[i] = rune(c)
	}
	return string(r)
}
