package generator

import (
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

// Active reports whether s is one of the active statuses 01, 03, 05, 07.
func (s Status) Active() bool { return s < firstInactive }

// HasAddress reports whether a person of status s has a current address (record 002): statuses below 20.
func (s Status) HasAddress() bool { return s < firstInactive }

// Person is one personnummer in the population with everything CPR's extract records 001–030 describe.
// Links to other persons are by number; every link is mutual within the population, except a parent or
// spouse who is not in CPR, who is given by name and birth date.
type Person struct {
	Index int // position in the population, 0-based; the same whatever the workers or shard
	Group int // the family group the person belongs to; links never leave it

	Number        pnr.Number
	CurrentNumber pnr.Number       // PNRGAELD: for status 50 and 60, the number that replaced this one
	OldNumbers    []PreviousNumber // record 022 on the current number: the numbers this one replaced

	Status     Status
	StatusDate civil.Date
	Gender     pnr.Gender
	BirthDate  civil.Date
	// BirthDateUncertain is FOED_DT_UMRK: CPR marks a birth date it could not document.
	BirthDateUncertain bool
	Occupation         string // STILLING

	Name        Name
	NameHistory []HistoricName // record 026, oldest first

	Address        *Address // record 002/003; nil when the status has none
	AddressHistory []HistoricAddress

	Protections []Protection // record 004, at most four

	Emigration     *Emigration     // record 005, status 80
	Migrations     []Migration     // record 024: earlier exits and returns
	Disappeared    civil.Date      // record 007, status 70
	Disappearances []Disappearance // record 025

	BirthPlace BirthPlace // record 009

	Citizenship        Citizenship // record 010
	CitizenshipHistory []Citizenship

	Church        Church // record 011
	ChurchHistory []Church

	Civil        CivilStatus // record 012
	CivilHistory []CivilStatus
	Separation   *Separation // record 013

	Children []pnr.Number // record 014
	Mother   Parent       // record 015
	Father   Parent

	Custody      []Custody     // record 016: who holds custody of this (minor) person
	Guardianship *Guardianship // record 017

	// Scenarios names the edge cases the person was made to carry (see Scenarios).
	Scenarios []string
}

// PreviousNumber is a number a person held before the current one.
type PreviousNumber struct {
	Number     pnr.Number
	Start, End civil.Date
}

// Name is a person's name as CPR records it.
type Name struct {
	First, Middle, Last string
	// Addressing is ADRNVN: the name for addresses, at most 34 characters (see AddressingName).
	Addressing string
	Start      civil.Date
}

// HistoricName is a name a person no longer has.
type HistoricName struct {
	Name
	End civil.Date
}

// Address is a Danish or Greenlandic address.
type Address struct {
	Municipality int // KOMKOD
	RoadCode     int // VEJKOD; 9900-9999 for status 03 and 07
	Road         string
	HouseNumber  string // HUSNR: three digits and an optional letter, "016", "077A"
	Floor        string // ETAGE: "st", "01"…, or empty
	Door         string // SIDEDOER: "th", "tv", "mf", a number, or empty
	CareOf       string // CONVN
	Postcode     int
	City         string
	// MovedIn is when the person moved to the address; MunicipalityMovedIn when to the municipality.
	MovedIn, MunicipalityMovedIn civil.Date
	// PreviousMunicipality and PreviousMunicipalityLeft (FRAFLYKOMKOD, FRAFLYKOMDTO) are zero when the
	// person has not lived in another municipality.
	PreviousMunicipality     int
	PreviousMunicipalityLeft civil.Date
}

// HistoricAddress is an address a person has left.
type HistoricAddress struct {
	Municipality, RoadCode int
	HouseNumber            string
	Floor, Door            string
	MovedIn, MovedOut      civil.Date
}

// Protection types (BESKYTTYPE).
const (
	ProtectionNameAndAddress = 1 // navne- og adressebeskyttelse
	ProtectionLocalDirectory = 2 // lokalvejviserbeskyttelse
	ProtectionMarketing      = 3 // markedsføringsbeskyttelse
	ProtectionResearch       = 4 // forskerbeskyttelse
)

// Protection is a protection with its period; End is zero while it lasts.
type Protection struct {
	Type       int
	Start, End civil.Date
}

// Emigration is a current emigration: the country and the foreign address.
type Emigration struct {
	Country        int // UDR_LANDEKOD
	Date           civil.Date
	ForeignAddress []string // up to five lines
}

// Migration is an emigration that ended with a return to Denmark.
type Migration struct {
	ExitCountry    int
	Exit           civil.Date
	EntryCountry   int
	Entry          civil.Date
	ForeignAddress []string
}

// Disappearance is a disappearance that ended when the person was found.
type Disappearance struct {
	Disappeared, Found civil.Date
}

// BirthPlace is where the birth was registered: a parish (sogn) or, for persons born abroad, a country.
type BirthPlace struct {
	Authority int // START_MYNKOD-FØDESTED
	Text      string
}

// Citizenship is a citizenship held from Start (to End in the history).
type Citizenship struct {
	Country    int
	Start, End civil.Date
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
	Code       Code
	Start, End civil.Date
}

// CivilStatus is CIVST with the spouse or partner it concerns.
type CivilStatus struct {
	// Code is U unmarried, G married, F divorced, E widowed, P registered partnership, O dissolved
	// partnership, L surviving partner, D dead.
	Code Code
	// Spouse is the spouse's number when the spouse is in CPR; otherwise SpouseName and SpouseBirthDate.
	Spouse          pnr.Number
	SpouseName      string
	SpouseBirthDate civil.Date
	Start, End      civil.Date
}

// Separation is a current separation of a marriage.
type Separation struct {
	Start civil.Date
}

// Parent is a mother or father: by number when in CPR, by name and birth date when not, or unknown.
type Parent struct {
	Number    pnr.Number
	Name      string
	BirthDate civil.Date
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
	Type   int
	Start  civil.Date
	Holder pnr.Number
}

// Guardianship is guardianship (værgemål) of an adult.
type Guardianship struct {
	Start civil.Date
	// Guardian is the guardian's number (UMYN_RELTYP 0001); when zero, GuardianName and
	// GuardianAddress are given instead (0002).
	Guardian        pnr.Number
	GuardianName    string
	GuardianAddress []string
}
