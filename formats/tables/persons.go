package tables

import (
	"github.com/cprtestdata/cprtestdata/formats/extract"
	"github.com/cprtestdata/cprtestdata/generator"
	"github.com/cprtestdata/cprtestdata/generator/civil"
)

// Cell is one value of the persons table; OK is false when the value is absent. Which field holds it
// is the column's Type: S for text, codes and numbers, D for dates and timestamps, B for flags, L for lists.
type Cell struct {
	S  string
	D  civil.Date
	T  [4]byte // a timestamp's time of day, HHmm, as the records give it (extract.TimeOf)
	B  bool
	L  []string
	OK bool
}

// PersonColumn is a column of the flat persons table. A column that carries a fact a record table also
// carries has its name and type.
type PersonColumn struct {
	Name string
	Type Type
	Get  func(p *generator.Person) Cell
}

func str(s string) Cell     { return Cell{S: s, OK: s != ""} }
func day(d civil.Date) Cell { return Cell{D: d, OK: !d.IsZero()} }
func flag(b bool) Cell      { return Cell{B: b, OK: true} }

// stamp is p's timestamp of date d, at the time of day the records give it.
func stamp(p *generator.Person, d civil.Date) Cell {
	return Cell{D: d, T: extract.TimeOf(extract.TimeKey(p), d), OK: !d.IsZero()}
}

// code is a four-digit code as CPR writes it, leading zeros kept (KOMKOD 0420); 0 is none.
func code(c generator.Code4) Cell {
	if c <= 0 || c > 9999 {
		return Cell{}
	}
	return Cell{S: c.Text(), OK: true}
}

func addr(p *generator.Person) *generator.Address {
	if p.Address == nil {
		return &generator.Address{}
	}
	return p.Address
}

// PersonColumns are the columns of persons.csv and persons.parquet: the fields most users need, one row
// per person.
var PersonColumns = []PersonColumn{
	{"pnr", TypePNR, func(p *generator.Person) Cell { return str(p.Number.String()) }},
	{"status", TypeCode, func(p *generator.Person) Cell { return str(generator.StatusCode(p.Status)) }},
	{"status_start_date", TypeTimestamp, func(p *generator.Person) Cell { return stamp(p, p.StatusDate) }},
	{"current_pnr", TypePNR, func(p *generator.Person) Cell { return str(p.CurrentNumber.String()) }},
	{"gender", TypeText, func(p *generator.Person) Cell { return str(p.Gender.String()) }},
	{"birth_date", TypeDate, func(p *generator.Person) Cell { return day(p.BirthDate) }},
	{"birth_date_uncertain", TypeFlag, func(p *generator.Person) Cell { return flag(p.BirthDateUncertain) }},
	{"first_names", TypeText, func(p *generator.Person) Cell { return str(p.Name.First) }},
	{"middle_name", TypeText, func(p *generator.Person) Cell { return str(p.Name.Middle) }},
	{"last_name", TypeText, func(p *generator.Person) Cell { return str(p.Name.Last) }},
	{"addressing_name", TypeText, func(p *generator.Person) Cell { return str(p.Name.Addressing) }},
	{"municipality_code", TypeCode, func(p *generator.Person) Cell { return code(addr(p).Municipality) }},
	{"road_code", TypeCode, func(p *generator.Person) Cell { return code(addr(p).RoadCode) }},
	{"road_name", TypeText, func(p *generator.Person) Cell { return str(addr(p).Road) }},
	{"house_number", TypeText, func(p *generator.Person) Cell { return str(addr(p).HouseNumber) }},
	{"floor", TypeText, func(p *generator.Person) Cell { return str(addr(p).Floor) }},
	{"door", TypeText, func(p *generator.Person) Cell { return str(addr(p).Door) }},
	{"care_of_name", TypeText, func(p *generator.Person) Cell { return str(addr(p).CareOf) }},
	{"postcode", TypeCode, func(p *generator.Person) Cell { return code(addr(p).Postcode) }},
	{"post_district", TypeText, func(p *generator.Person) Cell { return str(addr(p).City) }},
	{"relocation_date", TypeTimestamp, func(p *generator.Person) Cell { return stamp(p, addr(p).MovedIn) }},
	{"address_protected", TypeFlag, func(p *generator.Person) Cell {
		for _, pr := range p.Protections {
			if pr.Type == generator.ProtectionNameAndAddress {
				return flag(true)
			}
		}
		return flag(false)
	}},
	{"civil_status_code", TypeText, func(p *generator.Person) Cell { return str(string(rune(p.Civil.Code))) }},
	{"civil_status_start_date", TypeTimestamp, func(p *generator.Person) Cell { return stamp(p, p.Civil.Start) }},
	{"spouse_pnr", TypePNR, func(p *generator.Person) Cell { return str(p.Civil.Spouse.String()) }},
	{"mother_pnr", TypePNR, func(p *generator.Person) Cell { return str(p.Mother.Number.String()) }},
	{"father_pnr", TypePNR, func(p *generator.Person) Cell { return str(p.Father.Number.String()) }},
	{"citizenship_country_code", TypeCode, func(p *generator.Person) Cell { return code(p.Citizenship.Country) }},
	{"church_relationship", TypeText, func(p *generator.Person) Cell {
		if p.Church.Code == 0 {
			return Cell{}
		}
		return str(string(rune(p.Church.Code)))
	}},
	{"exit_country_code", TypeCode, func(p *generator.Person) Cell {
		if p.Emigration == nil {
			return Cell{}
		}
		return code(p.Emigration.Country)
	}},
	{"exit_date", TypeTimestamp, func(p *generator.Person) Cell {
		if p.Emigration == nil {
			return Cell{}
		}
		return stamp(p, p.Emigration.Date)
	}},
	{"scenarios", TypeList, func(p *generator.Person) Cell { return Cell{L: p.Scenarios, OK: len(p.Scenarios) > 0} }},
}
