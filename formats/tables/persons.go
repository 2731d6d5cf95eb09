package tables

import (
	"strings"

	"github.com/cprtestdata/cprtestdata/generator"
	"github.com/cprtestdata/cprtestdata/generator/civil"
)

// CellKind is the type of a persons-table column.
type CellKind uint8

// The kinds of cell.
const (
	CellString CellKind = iota
	CellDate
	CellInt
)

// Cell is one value of the persons table; OK is false when the value is absent.
type Cell struct {
	S  string
	D  civil.Date
	I  int
	OK bool
}

// PersonColumn is a column of the flat persons table.
type PersonColumn struct {
	Name string
	Kind CellKind
	Get  func(p *generator.Person) Cell
}

func str(s string) Cell     { return Cell{S: s, OK: s != ""} }
func day(d civil.Date) Cell { return Cell{D: d, OK: !d.IsZero()} }
func num(i int) Cell        { return Cell{I: i, OK: i != 0} }
func addr(p *generator.Person) *generator.Address {
	if p.Address == nil {
		return &generator.Address{}
	}
	return p.Address
}

// PersonColumns are the columns of persons.csv and persons.parquet: the fields most users need, one row
// per person.
var PersonColumns = []PersonColumn{
	{"pnr", CellString, func(p *generator.Person) Cell { return str(p.Number.String()) }},
	{"status", CellString, func(p *generator.Person) Cell { return str(generator.StatusCode(p.Status)) }},
	{"status_date", CellDate, func(p *generator.Person) Cell { return day(p.StatusDate) }},
	{"current_pnr", CellString, func(p *generator.Person) Cell { return str(p.CurrentNumber.String()) }},
	{"gender", CellString, func(p *generator.Person) Cell { return str(p.Gender.String()) }},
	{"birth_date", CellDate, func(p *generator.Person) Cell { return day(p.BirthDate) }},
	{"birth_date_uncertain", CellString, func(p *generator.Person) Cell {
		if p.BirthDateUncertain {
			return str("*")
		}
		return Cell{}
	}},
	{"first_names", CellString, func(p *generator.Person) Cell { return str(p.Name.First) }},
	{"middle_name", CellString, func(p *generator.Person) Cell { return str(p.Name.Middle) }},
	{"last_name", CellString, func(p *generator.Person) Cell { return str(p.Name.Last) }},
	{"addressing_name", CellString, func(p *generator.Person) Cell { return str(p.Name.Addressing) }},
	{"municipality_code", CellInt, func(p *generator.Person) Cell { return num(addr(p).Municipality) }},
	{"road_code", CellInt, func(p *generator.Person) Cell { return num(addr(p).RoadCode) }},
	{"road_name", CellString, func(p *generator.Person) Cell { return str(addr(p).Road) }},
	{"house_number", CellString, func(p *generator.Person) Cell { return str(addr(p).HouseNumber) }},
	{"floor", CellString, func(p *generator.Person) Cell { return str(addr(p).Floor) }},
	{"door", CellString, func(p *generator.Person) Cell { return str(addr(p).Door) }},
	{"care_of", CellString, func(p *generator.Person) Cell { return str(addr(p).CareOf) }},
	{"postcode", CellInt, func(p *generator.Person) Cell { return num(addr(p).Postcode) }},
	{"city", CellString, func(p *generator.Person) Cell { return str(addr(p).City) }},
	{"moved_in", CellDate, func(p *generator.Person) Cell { return day(addr(p).MovedIn) }},
	{"address_protected", CellString, func(p *generator.Person) Cell {
		for _, pr := range p.Protections {
			if pr.Type == generator.ProtectionNameAndAddress {
				return str("true")
			}
		}
		return Cell{}
	}},
	{"civil_status", CellString, func(p *generator.Person) Cell { return str(string(rune(p.Civil.Code))) }},
	{"civil_status_date", CellDate, func(p *generator.Person) Cell { return day(p.Civil.Start) }},
	{"spouse_pnr", CellString, func(p *generator.Person) Cell { return str(p.Civil.Spouse.String()) }},
	{"mother_pnr", CellString, func(p *generator.Person) Cell { return str(p.Mother.Number.String()) }},
	{"father_pnr", CellString, func(p *generator.Person) Cell { return str(p.Father.Number.String()) }},
	{"citizenship", CellInt, func(p *generator.Person) Cell { return num(p.Citizenship.Country) }},
	{"church", CellString, func(p *generator.Person) Cell {
		if p.Church.Code == 0 {
			return Cell{}
		}
		return str(string(rune(p.Church.Code)))
	}},
	{"emigration_country", CellInt, func(p *generator.Person) Cell {
		if p.Emigration == nil {
			return Cell{}
		}
		return num(p.Emigration.Country)
	}},
	{"emigration_date", CellDate, func(p *generator.Person) Cell {
		if p.Emigration == nil {
			return Cell{}
		}
		return day(p.Emigration.Date)
	}},
	{"scenarios", CellString, func(p *generator.Person) Cell { return str(strings.Join(p.Scenarios, ",")) }},
}
