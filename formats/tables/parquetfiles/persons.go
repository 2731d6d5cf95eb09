package parquetfiles

import (
	"strings"

	"github.com/cprtestdata/cprtestdata/generator"
	"github.com/cprtestdata/cprtestdata/generator/civil"
)

// personRow is a row of persons.parquet: the columns of tables.PersonColumns, in their order (a test
// keeps the two in step).
type personRow struct {
	Pnr                string `parquet:"pnr,optional"`
	Status             string `parquet:"status,optional"`
	StatusDate         *int32 `parquet:"status_date,optional,date"`
	CurrentPnr         string `parquet:"current_pnr,optional"`
	Gender             string `parquet:"gender,optional"`
	BirthDate          *int32 `parquet:"birth_date,optional,date"`
	BirthDateUncertain string `parquet:"birth_date_uncertain,optional"`
	FirstNames         string `parquet:"first_names,optional"`
	MiddleName         string `parquet:"middle_name,optional"`
	LastName           string `parquet:"last_name,optional"`
	AddressingName     string `parquet:"addressing_name,optional"`
	MunicipalityCode   int32  `parquet:"municipality_code,optional"`
	RoadCode           int32  `parquet:"road_code,optional"`
	RoadName           string `parquet:"road_name,optional"`
	HouseNumber        string `parquet:"house_number,optional"`
	Floor              string `parquet:"floor,optional"`
	Door               string `parquet:"door,optional"`
	CareOf             string `parquet:"care_of,optional"`
	Postcode           int32  `parquet:"postcode,optional"`
	City               string `parquet:"city,optional"`
	MovedIn            *int32 `parquet:"moved_in,optional,date"`
	AddressProtected   string `parquet:"address_protected,optional"`
	CivilStatus        string `parquet:"civil_status,optional"`
	CivilStatusDate    *int32 `parquet:"civil_status_date,optional,date"`
	SpousePnr          string `parquet:"spouse_pnr,optional"`
	MotherPnr          string `parquet:"mother_pnr,optional"`
	FatherPnr          string `parquet:"father_pnr,optional"`
	Citizenship        int32  `parquet:"citizenship,optional"`
	Church             string `parquet:"church,optional"`
	EmigrationCountry  int32  `parquet:"emigration_country,optional"`
	EmigrationDate     *int32 `parquet:"emigration_date,optional,date"`
	Scenarios          string `parquet:"scenarios,optional"`
}

func day(d civil.Date) *int32 {
	if d.IsZero() {
		return nil
	}
	n := int32(d.DayNumber())
	return &n
}

func code(c generator.Code) string {
	if c == 0 {
		return ""
	}
	return string(rune(c))
}

func (r *personRow) fillPerson(p *generator.Person) {
	*r = personRow{
		Pnr: p.Number.String(), Status: generator.StatusCode(p.Status), StatusDate: day(p.StatusDate),
		CurrentPnr: p.CurrentNumber.String(), Gender: p.Gender.String(), BirthDate: day(p.BirthDate),
		FirstNames: p.Name.First, MiddleName: p.Name.Middle, LastName: p.Name.Last, AddressingName: p.Name.Addressing,
		CivilStatus: code(p.Civil.Code), CivilStatusDate: day(p.Civil.Start), SpousePnr: p.Civil.Spouse.String(),
		MotherPnr: p.Mother.Number.String(), FatherPnr: p.Father.Number.String(), Citizenship: int32(p.Citizenship.Country),
		Church: code(p.Church.Code), Scenarios: strings.Join(p.Scenarios, ","),
	}
	if p.BirthDateUncertain {
		r.BirthDateUncertain = "*"
	}
	if a := p.Address; a != nil {
		r.MunicipalityCode, r.RoadCode, r.RoadName = int32(a.Municipality), int32(a.RoadCode), a.Road
		r.HouseNumber, r.Floor, r.Door, r.CareOf = a.HouseNumber, a.Floor, a.Door, a.CareOf
		r.Postcode, r.City, r.MovedIn = int32(a.Postcode), a.City, day(a.MovedIn)
	}
	for _, pr := range p.Protections {
		if pr.Type == generator.ProtectionNameAndAddress {
			r.AddressProtected = "true"
		}
	}
	if e := p.Emigration; e != nil {
		r.EmigrationCountry, r.EmigrationDate = int32(e.Country), day(e.Date)
	}
}
