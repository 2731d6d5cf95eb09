package generator

import (
	"fmt"
	"strconv"

	"github.com/cprtestdata/cprtestdata/generator/civil"
	"github.com/cprtestdata/cprtestdata/generator/pnr"
)

// Status is CPR's person status (STATUS in record 001).
type Status int

// The statuses CPR uses.
const (
	StatusActive                   Status = 1  // address in a Danish register
	StatusActiveSpecialRoad        Status = 3  // special road code 9900-9999 in a Danish register
	StatusGreenland                Status = 5  // address in a Greenlandic register
	StatusGreenlandSpecialRoad     Status = 7  // special road code in a Greenlandic register
	StatusAdministrative           Status = 20 // no address; number issued for tax reasons
	StatusAnnulled                 Status = 30 // annulled number
	StatusDeletedDuplicate         Status = 50 // number deleted as a duplicate
	StatusChangedNumber            Status = 60 // number changed after a change of birth date or gender
	StatusDisappeared              Status = 70
	StatusEmigrated                Status = 80
	StatusDead                     Status = 90
	firstInactive                  Status = StatusAdministrative
	firstWithoutCurrentAddressRule Status = StatusAnnulled // 002 only below this
)

// MarshalText implements encoding.TextMarshaler: two digits, as CPR writes STATUS.
func (s Status) MarshalText() ([]byte, error) {
	return []byte{byte('0' + s/10%10), byte('0' + s%10)}, nil
}

// Active reports whether s is one of the active statuses 01, 03, 05, 07.
func (s Status) Active() bool { return s < firstInactive }

// HasAddress reports whether a person of status s has a current address (record 002): statuses below 20.
func (s Status) HasAddress() bool { return s < firstInactive }

// Person is one personnummer in the population with everything CPR's extract records 001–030 describe.
// Links to other persons are by number; every link is mutual within the population, except a parent or
// spouse who is not in CPR, who is given by name and birth date.
type Person struct {
	Index int `json:"index"` // position in the population, 0-based; the same whatever the workers or shard
	Group int `json:"group"` // the family group the person belongs to; links never leave it

	Number        pnr.Number       `json:"pnr"`
	CurrentNumber pnr.Number       `json:"current_pnr,omitzero"` // PNRGAELD: for status 50 and 60, the number that replaced this one
	OldNumbers    []PreviousNumber `json:"old_pnrs,omitzero"`    // record 022 on the current number: the numbers this one replaced

	Status     Status     `json:"status"`
	StatusDate civil.Date `json:"status_start_date,omitzero"`
	Gender     pnr.Gender `json:"gender"`
	BirthDate  civil.Date `json:"birth_date"`
	// BirthDateUncertain is FOED_DT_UMRK: CPR marks a birth date it could not document.
	BirthDateUncertain bool   `json:"birth_date_uncertain,omitzero"`
	Occupation         string `json:"job,omitzero"` // STILLING

	Name        Name           `json:"name,omitzero"`
	NameHistory []HistoricName `json:"name_history,omitzero"` // record 026, oldest first

	Address        *Address          `json:"address,omitzero"` // record 002/003; nil when the status has none
	AddressHistory []HistoricAddress `json:"address_history,omitzero"`

	Protections []Protection `json:"protections,omitzero"` // record 004, at most four
	// CreditWarning is a kreditadvarsel (record 050, BESKYTTYPE 0005): the person has asked lenders to
	// check identity before granting credit. Zero when none.
	CreditWarning civil.Date `json:"credit_warning,omitzero"`

	Emigration     *Emigration     `json:"emigration,omitzero"`         // record 005, status 80
	Migrations     []Migration     `json:"migrations,omitzero"`         // record 024: earlier exits and returns
	Disappeared    civil.Date      `json:"disappearance_date,omitzero"` // record 007, status 70
	Disappearances []Disappearance `json:"disappearances,omitzero"`     // record 025
	// ContactAddress is record 006: a contact person's address for someone emigrated or disappeared.
	ContactAddress *ContactAddress `json:"contact_address,omitzero"`

	BirthPlace BirthPlace `json:"birth_place,omitzero"` // record 009

	Citizenship        Citizenship   `json:"citizenship,omitzero"` // record 010
	CitizenshipHistory []Citizenship `json:"citizenship_history,omitzero"`

	Church        Church   `json:"church,omitzero"` // record 011
	ChurchHistory []Church `json:"church_history,omitzero"`

	Civil             CivilStatus          `json:"civil_status,omitzero"` // record 012
	CivilHistory      []CivilStatus        `json:"civil_status_history,omitzero"`
	Separation        *Separation          `json:"separation,omitzero"`         // record 013
	SeparationHistory []HistoricSeparation `json:"separation_history,omitzero"` // record 030

	Children []pnr.Number `json:"child_pnrs,omitzero"` // record 014
	Mother   Parent       `json:"mother,omitzero"`     // record 015
	Father   Parent       `json:"father,omitzero"`

	Custody      []Custody     `json:"custody,omitzero"`      // record 016: who holds custody of this (minor) person
	Guardianship *Guardianship `json:"guardianship,omitzero"` // record 017

	// Family is the relatives' clear-text addresses (records 031-033 of the family product), with
	// Config.Family only.
	Family []Relative `json:"family,omitzero"`

	// Scenarios names the edge cases the person was made to carry (see Scenarios).
	Scenarios []string `json:"scenarios,omitzero"`
}

// Relations of a Relative.
const (
	RelationMother = "mother" // record 031
	RelationFather = "father" // record 032
	RelationChild  = "child"  // record 033
)

// Relative is a mother, father or child in CPR with a Danish address, as the family product delivers
// them: by number, addressing name and current address, and the start of a name and address
// protection in force.
type Relative struct {
	Relation  string     `json:"relation"`
	Number    pnr.Number `json:"pnr"`
	Name      string     `json:"addressing_name"`
	Address   Address    `json:"address"`
	Protected civil.Date `json:"protection_start_date,omitzero"`
}

// PreviousNumber is a number a person held before the current one.
type PreviousNumber struct {
	Number pnr.Number `json:"old_pnr"`
	Start  civil.Date `json:"old_pnr_start_date,omitzero"`
	End    civil.Date `json:"old_pnr_end_date,omitzero"`
}

// Name is a person's name as CPR records it.
type Name struct {
	First  string `json:"first_names,omitzero"`
	Middle string `json:"middle_name,omitzero"`
	Last   string `json:"last_name,omitzero"`
	// Addressing is ADRNVN: the name for addresses, at most 34 characters (see AddressingName).
	Addressing string     `json:"addressing_name,omitzero"`
	Start      civil.Date `json:"name_start_date,omitzero"`
	// StartPartial: the month and day of Start are not known (old history): CPR writes them 00, with
	// the time 12:99 its test extract has (194100001299), and Start holds 1 January of the year, as
	// NSP's importer repairs such dates.
	StartPartial bool `json:"name_start_date_partial,omitzero"`
	// The name markers (FORNVN_MRK, MELNVN_MRK, EFTERNVN_MRK, cpr-formats.md §2.5): "+" the name is
	// abbreviated, "*" it holds characters that cannot be reported to CPR, "=" it is insufficiently
	// documented; empty when the name is in order.
	FirstMarker  string `json:"first_name_marker,omitzero"`
	MiddleMarker string `json:"middle_name_marker,omitzero"`
	LastMarker   string `json:"last_name_marker,omitzero"`
}

// HistoricName is a name a person no longer has.
type HistoricName struct {
	Name
	End civil.Date `json:"name_end_date,omitzero"`
	// Correction is ANNKOR, as HistoricAddress's.
	Correction string `json:"correction_marker,omitzero"`
}

// Address is a Danish or Greenlandic address.
type Address struct {
	Municipality Code4  `json:"municipality_code,omitzero"` // KOMKOD
	RoadCode     Code4  `json:"road_code,omitzero"`         // VEJKOD; 9900-9999 for status 03 and 07
	Road         string `json:"road_name,omitzero"`
	HouseNumber  string `json:"house_number,omitzero"` // HUSNR: three digits and an optional letter, "016", "077A"
	Floor        string `json:"floor,omitzero"`        // ETAGE: "st", "01"…, or empty
	Door         string `json:"door,omitzero"`         // SIDEDOER: "th", "tv", "mf", a number, or empty
	CareOf       string `json:"care_of_name,omitzero"` // CONVN
	Postcode     Code4  `json:"postcode,omitzero"`
	City         string `json:"post_district,omitzero"`
	// MovedIn is when the person moved to the address; MunicipalityMovedIn when to the municipality.
	MovedIn             civil.Date `json:"relocation_date,omitzero"`
	MunicipalityMovedIn civil.Date `json:"municipality_arrival_date,omitzero"`
	// PreviousMunicipality and PreviousMunicipalityLeft (FRAFLYKOMKOD, FRAFLYKOMDTO) are zero when the
	// person has not lived in another municipality.
	PreviousMunicipality     Code4      `json:"leaving_municipality_code,omitzero"`
	PreviousMunicipalityLeft civil.Date `json:"leaving_municipality_departure_date,omitzero"`
}

// HistoricAddress is an address a person has left.
type HistoricAddress struct {
	// Correction is ANNKOR (cpr-formats.md §1.1): "K" the record was corrected (a corrected version
	// follows it), "A" it was undone (registered in error), "Æ" it was changed for technical reasons
	// (its content stands); empty for a record in order. A receiver must not take an undone address as
	// one the person lived at.
	Correction   string     `json:"correction_marker,omitzero"`
	Municipality Code4      `json:"municipality_code,omitzero"`
	RoadCode     Code4      `json:"road_code,omitzero"`
	HouseNumber  string     `json:"house_number,omitzero"`
	Floor        string     `json:"floor,omitzero"`
	Door         string     `json:"door,omitzero"`
	MovedIn      civil.Date `json:"relocation_date,omitzero"`
	MovedOut     civil.Date `json:"leaving_date,omitzero"`
}

// Protection types (BESKYTTYPE).
const (
	ProtectionNameAndAddress = 1 // navne- og adressebeskyttelse
	ProtectionLocalDirectory = 2 // lokalvejviserbeskyttelse
	ProtectionMarketing      = 3 // markedsføringsbeskyttelse
	ProtectionResearch       = 4 // forskerbeskyttelse
	ProtectionCreditWarning  = 5 // kreditadvarsel: record 050, not 004 (see Person.CreditWarning)
)

// Protection is a protection with its period; End is zero while it lasts.
type Protection struct {
	Type  Code4      `json:"protection_type,omitzero"`
	Start civil.Date `json:"start_date,omitzero"`
	End   civil.Date `json:"end_date,omitzero"`
}

// Emigration is a current emigration: the country and the foreign address.
type Emigration struct {
	Country        Code4      `json:"exit_country_code,omitzero"` // UDR_LANDEKOD
	Date           civil.Date `json:"exit_date,omitzero"`
	ForeignAddress []string   `json:"foreign_address,omitzero"` // up to five lines
}

// Migration is an emigration that ended with a return to Denmark.
type Migration struct {
	ExitCountry    Code4      `json:"exit_country_code,omitzero"`
	Exit           civil.Date `json:"exit_date,omitzero"`
	EntryCountry   Code4      `json:"entry_country_code,omitzero"`
	Entry          civil.Date `json:"entry_date,omitzero"`
	ForeignAddress []string   `json:"foreign_address,omitzero"`
	Correction     string     `json:"correction_marker,omitzero"` // ANNKOR, as HistoricAddress's
}

// Disappearance is a disappearance that ended when the person was found.
type Disappearance struct {
	Disappeared civil.Date `json:"disappearance_date,omitzero"`
	Found       civil.Date `json:"retrieval_date,omitzero"`
	Correction  string     `json:"correction_marker,omitzero"` // ANNKOR, as HistoricAddress's
}

// BirthPlace is where the birth was registered: a parish (sogn) or, for persons born abroad, a country.
type BirthPlace struct {
	Authority Code4  `json:"birth_registration_authority_code,omitzero"` // START_MYNKOD-FØDESTED
	Text      string `json:"additional_birth_registration_text,omitzero"`
}

// Citizenship is a citizenship held from Start (to End in the history).
type Citizenship struct {
	Country Code4      `json:"citizenship_country_code,omitzero"`
	Start   civil.Date `json:"citizenship_start_date,omitzero"`
	// StartPartial: the month and day of Start are not known, written 00 with the time 0000 as CPR's
	// test extract has them (196100000000); Start holds 1 January of the year.
	StartPartial bool       `json:"citizenship_start_date_partial,omitzero"`
	End          civil.Date `json:"citizenship_end_date,omitzero"`
	// Correction is ANNKOR, as HistoricAddress's: in the citizenship history (record 027) only.
	Correction string `json:"correction_marker,omitzero"`
}

// Code is a one-letter code of CPR's (FKIRK, CIVST); it marshals as that letter.
type Code byte

// MarshalText implements encoding.TextMarshaler.
func (c Code) MarshalText() ([]byte, error) {
	if c == 0 {
		return []byte{}, nil
	}
	return []byte{byte(c)}, nil
}

// Church is membership of the Danish national church (folkekirken): 'F' member, 'U' not.
type Church struct {
	Code  Code       `json:"church_relationship,omitzero"`
	Start civil.Date `json:"start_date,omitzero"`
	End   civil.Date `json:"end_date,omitzero"`
}

// CivilStatus is CIVST with the spouse or partner it concerns.
type CivilStatus struct {
	// Code is U unmarried, G married, F divorced, E widowed, P registered partnership, O dissolved
	// partnership, L surviving partner, D dead.
	Code Code `json:"civil_status_code,omitzero"`
	// Spouse is the spouse's number when the spouse is in CPR; otherwise SpouseName and SpouseBirthDate.
	Spouse          pnr.Number `json:"spouse_pnr,omitzero"`
	SpouseName      string     `json:"spouse_name,omitzero"`
	SpouseBirthDate civil.Date `json:"spouse_birth_date,omitzero"`
	Start           civil.Date `json:"civil_status_start_date,omitzero"`
	End             civil.Date `json:"civil_status_end_date,omitzero"`
	// Correction is ANNKOR, as HistoricAddress's: in the civil history (record 029) only.
	Correction string `json:"correction_marker,omitzero"`
}

// Separation is a current separation of a marriage.
type Separation struct {
	Start civil.Date `json:"separation_start_date,omitzero"`
}

// HistoricSeparation is an ended separation (record 030): of the marriage that began on Marriage (its
// civil status's start, which SEP_HENVIS refers to), from Start to End (the divorce or the death that
// ended it).
type HistoricSeparation struct {
	Marriage   civil.Date `json:"reference_to_any_marital_status,omitzero"`
	Start      civil.Date `json:"separation_start_date,omitzero"`
	End        civil.Date `json:"separation_end_date,omitzero"`
	Correction string     `json:"correction_marker,omitzero"` // ANNKOR, as HistoricAddress's
}

// SeparatedIn reports whether an ended separation refers to the marriage or partnership c of the civil
// history (by its start, as SEP_HENVIS does).
func (p *Person) SeparatedIn(c CivilStatus) bool {
	if c.Code != 'G' && c.Code != 'P' {
		return false
	}
	for _, h := range p.SeparationHistory {
		if h.Marriage == c.Start {
			return true
		}
	}
	return false
}

// Parent is a mother or father: by number when in CPR, by name and birth date when not, or unknown.
type Parent struct {
	Number    pnr.Number `json:"pnr,omitzero"`
	Name      string     `json:"name,omitzero"`
	BirthDate civil.Date `json:"birth_date,omitzero"`
}

// Known reports whether anything is recorded of the parent.
func (p Parent) Known() bool { return !p.Number.IsZero() || p.Name != "" }

// Custody relation types (RELTYP-FORÆLDREMYN).
const (
	CustodyMother = 3
	CustodyFather = 4
	CustodyOther1 = 5
	CustodyOther2 = 6
)

// Custody is one holder of custody of a minor.
type Custody struct {
	Type   Code4      `json:"relationship_type,omitzero"`
	Start  civil.Date `json:"custody_start_date,omitzero"`
	Holder pnr.Number `json:"relation_pnr,omitzero"`
}

// Guardianship is guardianship (værgemål) of an adult.
type Guardianship struct {
	Start civil.Date `json:"disempowerment_start_date,omitzero"`
	// Guardian is the guardian's number (UMYN_RELTYP 0001); when zero, GuardianName and
	// GuardianAddress are given instead (0002).
	Guardian        pnr.Number `json:"relation_pnr,omitzero"`
	GuardianName    string     `json:"guardian_name,omitzero"`
	GuardianAddress []string   `json:"guardian_address,omitzero"`
}

// AgeOn returns the person's age in whole years on d.
func (p *Person) AgeOn(d civil.Date) int { return ageAt(p.BirthDate, d) }

// Code4 is a four-digit code of CPR's (KOMKOD, VEJKOD, POSTNR, LANDEKOD, BESKYTTYPE, RELTYP…): a number
// in Go, and in JSON the text CPR writes, its leading zeros kept ("0420"), as the tables carry it.
type Code4 int

// Text is the code as CPR writes it: four digits, leading zeros kept. A code outside 0-9999 has its
// last four digits.
func (c Code4) Text() string {
	return string([]byte{byte('0' + c/1000%10), byte('0' + c/100%10), byte('0' + c/10%10), byte('0' + c%10)})
}

// MarshalText implements encoding.TextMarshaler.
func (c Code4) MarshalText() ([]byte, error) {
	if c < 0 || c > 9999 {
		return nil, fmt.Errorf("code %d has more than four digits", int(c))
	}
	return []byte(c.Text()), nil
}

// UnmarshalText implements encoding.TextUnmarshaler.
func (c *Code4) UnmarshalText(b []byte) error {
	n, err := strconv.Atoi(string(b))
	if err != nil || len(b) != 4 || n < 0 {
		return fmt.Errorf("code %q is not four digits", b)
	}
	*c = Code4(n)
	return nil
}
