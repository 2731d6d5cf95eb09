package sandbox

import (
	"crypto/sha256"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/cprtestdata/cprtestdata/formats/extract"
	"github.com/cprtestdata/cprtestdata/generator"
	"github.com/cprtestdata/cprtestdata/generator/civil"
	"github.com/cprtestdata/cprtestdata/generator/pnr"
)

// Serviceplatformen (serviceplatformen.md): a customer's service agreements each hold the SF6002 filters
// that thin CPR's daily change extract into the agreement's delta file, which lands with its .metadata
// file in the customer's SFTP directory IN.

// agreementPattern is the InvocationContext's UUID pattern: lower-case hex.
var agreementPattern = regexp.MustCompile(`^[a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12}$`)

// DefaultAgreement is the service agreement UUID a customer has when its configuration names none:
// derived from the customer number, so the same in every sandbox.
func DefaultAgreement(customer int) string {
	sum := sha256.Sum256([]byte("cprtestdata service agreement " + strconv.Itoa(customer)))
	h := fmt.Sprintf("%x", sum[:16])
	return h[0:8] + "-" + h[8:12] + "-4" + h[13:16] + "-8" + h[17:20] + "-" + h[20:32]
}

// agreement is one service agreement of a customer and its SF6002 filters. With no filter at all it
// gets every changed person, as Serviceplatformen delivers.
type agreement struct {
	uuid           string
	numbers        map[pnr.Number]bool
	municipalities map[int]bool
	changeCodes    map[string]bool
	ages           map[AgeRange]bool
	// adopt: the customer's configuration names no agreement, so the first UUID it uses on SOAP
	// becomes this, its only one, unless filters were set on this one before.
	adopt bool
}

// AgeRange is an SF6002 age filter: persons from StartAge to EndAge years old, both included.
type AgeRange struct{ StartAge, EndAge int }

func newAgreement(uuid string) *agreement {
	return &agreement{uuid: uuid, numbers: map[pnr.Number]bool{}, municipalities: map[int]bool{},
		changeCodes: map[string]bool{}, ages: map[AgeRange]bool{}}
}

func (g *agreement) clone() *agreement {
	c := *g
	c.numbers, c.municipalities = maps.Clone(g.numbers), maps.Clone(g.municipalities)
	c.changeCodes, c.ages = maps.Clone(g.changeCodes), maps.Clone(g.ages)
	return &c
}

func (g *agreement) unfiltered() bool {
	return len(g.numbers) == 0 && len(g.municipalities) == 0 && len(g.changeCodes) == 0 && len(g.ages) == 0
}

// passes reports whether a change goes into the agreement's delta file: any filter matching is enough
// (the filter groups are alternatives, serviceplatformen.md §3.4). before is the person as of the last
// delivery (nil when new); the municipality filter takes persons living there before or after, so a
// person moving out is delivered once more and a person moving in is delivered whole.
func (g *agreement) passes(c generator.Change, before *generator.Person) bool {
	if g.unfiltered() {
		return true
	}
	p := c.Person
	if g.numbers[p.Number] {
		return true
	}
	for _, o := range p.OldNumbers {
		if g.numbers[o.Number] {
			return true
		}
	}
	if len(g.municipalities) > 0 && extract.Area(g.municipalities).Carries(before, p) {
		return true
	}
	for _, e := range c.Events {
		if g.changeCodes[e.Code] {
			return true
		}
	}
	if len(g.ages) > 0 {
		age := p.AgeOn(c.Date)
		for r := range g.ages {
			if age >= r.StartAge && age <= r.EndAge {
				return true
			}
		}
	}
	return false
}

// InboxFile is a file in a customer's SFTP directory IN: a delta file or its .metadata.
type InboxFile struct {
	Name     string
	Modified time.Time // when Serviceplatformen put it there, by the sandbox's clock
	data     []byte
}

// Data returns the file's bytes; they must not be changed.
func (f *InboxFile) Data() []byte { return f.data }

// deltaFraming is how delta files are framed: one record per line with CRLF, as Serviceplatformen's
// receivers read them (serviceplatformen.md §4).
const deltaFraming = extract.CRLF

// deltaDeliveryTime is when a day's files appear, local time: after CPR's night run (cpr-formats.md §7:
// CPR-replika before 02:00; CPR's own FTP after 20:00 the day before; the sandbox takes 06:00 for both).
var deltaDeliveryTime = 6 * time.Hour

// deliveredAt is when the files of a production day appear in the customers' directories.
func deliveredAt(production civil.Date) time.Time {
	return time.Date(production.Year, production.Month, production.Day, 0, 0, 0, 0, copenhagen).Add(deltaDeliveryTime)
}

// copenhagen is CPR's time zone; UTC+1 when the zone database is missing.
var copenhagen = func() *time.Location {
	if l, err := time.LoadLocation("Europe/Copenhagen"); err == nil {
		return l
	}
	return time.FixedZone("CET", 3600)
}()

// DeltaName is the name of an agreement's delta file of a production day: CPR's extract name with the
// service agreement UUID after it. Serviceplatformen's real pattern is not documented; its receivers
// look for the UUID in the name (OS2sofd) or the date in characters 2-7 (cpr_udtraek), and both find
// theirs in this one.
func DeltaName(production civil.Date, task int, agreement string) string {
	return extract.FileName(production, task) + "." + agreement
}

// deliverToAgreements writes each service agreement's delta file of the day the clock has just moved to
// into its customer's IN, with the .metadata file beside it. s.mu is held; before holds the persons as
// of the last delivery.
func (s *Sandbox) deliverToAgreements(changes []generator.Change, before map[int]*generator.Person, previous civil.Date) error {
	production := s.start.AddDays(s.clock.Day())
	modified := deliveredAt(production)
	opts := s.cfg.Extract
	opts.Framing = deltaFraming
	var whole *File // every change: the file of each agreement without filters
	a := s.access
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, n := range slices.Sorted(maps.Keys(a.customers)) {
		c := a.customers[n]
		for _, uuid := range slices.Sorted(maps.Keys(c.agreements)) {
			g := c.agreements[uuid]
			var f *File
			var err error
			if g.unfiltered() {
				if whole == nil {
					whole, err = s.changeFile(changes, opts, "", previous)
				}
				f = whole
			} else {
				var mine []generator.Change
				for _, ch := range changes {
					if g.passes(ch, before[ch.Person.Index]) {
						mine = append(mine, ch)
					}
				}
				f, err = s.changeFile(mine, opts, "", previous)
			}
			if err != nil {
				return err
			}
			name := DeltaName(production, opts.Task, uuid)
			c.inbox = append(c.inbox, &InboxFile{Name: name, Modified: modified, data: f.data},
				&InboxFile{Name: name + ".metadata", Modified: modified, data: metadata(name, f, n, uuid)})
		}
	}
	return nil
}

// metadata is the .metadata file Serviceplatformen puts beside a delivered file: FileMetadata in the
// SFTP service's namespace (serviceplatformen.md §4; no CPR receiver reads it, and the root element of
// CPR deliveries is not documented: the sandbox uses the one of KOMBIT's schema).
func metadata(name string, f *File, customer int, agreement string) []byte {
	sum := sha256.Sum256(fmt.Appendf(nil, "%s %d %s", name, customer, f.SHA256))
	id := fmt.Sprintf("%x", sum[:16])
	transfer := id[0:8] + "-" + id[8:12] + "-4" + id[13:16] + "-8" + id[17:20] + "-" + id[20:32]
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	b.WriteString(`<ns2:FileMetadata xmlns:ns2="http://serviceplatformen.dk/xml/wsdl/soap11/SFTP/1/types">`)
	fmt.Fprintf(&b, "<FileTransferUUID>%s</FileTransferUUID>", transfer)
	fmt.Fprintf(&b, "<FileDescriptor><FileName>%s</FileName><SizeInBytes>%d</SizeInBytes><Sender>CPR</Sender>"+
		"<SendersFileId>%s</SendersFileId><Recipients>%s</Recipients></FileDescriptor>", name, len(f.data), f.Name, agreement)
	b.WriteString("<FileContentDescriptor/></ns2:FileMetadata>\n")
	return []byte(b.String())
}

// Inbox returns the files in customer n's SFTP directory IN, oldest first, and whether the customer
// exists.
func (s *Sandbox) Inbox(n int) ([]*InboxFile, bool) {
	a := s.access
	a.mu.Lock()
	defer a.mu.Unlock()
	c, ok := a.customers[n]
	if !ok {
		return nil, false
	}
	return slices.Clone(c.inbox), true
}

// RemoveInboxFile deletes a file from customer n's IN, as an SFTP client may: it is gone for that
// customer until Reset. It reports whether there was such a file.
func (s *Sandbox) RemoveInboxFile(n int, name string) bool {
	a := s.access
	a.mu.Lock()
	defer a.mu.Unlock()
	c, ok := a.customers[n]
	if !ok {
		return false
	}
	i := slices.IndexFunc(c.inbox, func(f *InboxFile) bool { return f.Name == name })
	if i < 0 {
		return false
	}
	c.inbox = slices.Delete(slices.Clip(c.inbox), i, i+1)
	return true
}

// Agreements returns the service agreement UUIDs of customer n, sorted.
func (s *Sandbox) Agreements(n int) []string {
	a := s.access
	a.mu.Lock()
	defer a.mu.Unlock()
	c, ok := a.customers[n]
	if !ok {
		return nil
	}
	return slices.Sorted(maps.Keys(c.agreements))
}

// Doors are the addresses the sandbox is reached on beyond its HTTP interface, as the program serving
// it announces them (SetDoors) for the page and GET /api/doors.
type Doors struct {
	HTTPS        string   `json:"https,omitempty"`          // host:port of the SOAP services and the HTTP API over TLS
	SFTP         string   `json:"sftp,omitempty"`           // host:port
	SFTPHostKeys []string `json:"sftp_host_keys,omitempty"` // "ssh-ed25519 SHA256:..."
	FTPS         string   `json:"ftps,omitempty"`           // host:port of CPR's FTPS (explicit TLS)
	Direkte      string   `json:"direkte,omitempty"`
	DirekteTLS   string   `json:"direkte_tls,omitempty"`
}

// SetDoors records where the sandbox is served.
func (s *Sandbox) SetDoors(d Doors) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.doors = d
}

// CustomerDoors is how one customer reaches the sandbox's file channel and SOAP services.
type CustomerDoors struct {
	Customer     int      `json:"customer"`
	SFTPUser     string   `json:"sftp_user"`
	SFTPPassword bool     `json:"sftp_password"` // whether a password is accepted besides keys
	SSHKeys      int      `json:"ssh_keys"`
	Agreements   []string `json:"service_agreements"` // the first is the default
	InboxFiles   int      `json:"inbox_files"`
}

// DoorsOf returns the doors announced and, for each customer, how it logs on.
func (s *Sandbox) DoorsOf() (Doors, []CustomerDoors) {
	s.mu.RLock()
	d := s.doors
	s.mu.RUnlock()
	a := s.access
	a.mu.Lock()
	defer a.mu.Unlock()
	var out []CustomerDoors
	for _, n := range slices.Sorted(maps.Keys(a.customers)) {
		c := a.customers[n]
		ags := []string{c.firstAgreement}
		for _, u := range slices.Sorted(maps.Keys(c.agreements)) {
			if u != c.firstAgreement {
				ags = append(ags, u)
			}
		}
		out = append(out, CustomerDoors{Customer: n, SFTPUser: fmt.Sprintf("%04d", n), SFTPPassword: c.password != "",
			SSHKeys: len(c.keys), Agreements: ags, InboxFiles: len(c.inbox)})
	}
	return d, out
}
