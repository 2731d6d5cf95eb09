package parquetfiles

import (
	"strings"

	"github.com/cprtestdata/cprtestdata/generator"
)

// personRow is a row of persons.parquet: the columns of tables.PersonColumns, in their order (a test
// keeps the two in step).
type personRow struct {
	Pnr                *string `parquet:"pnr,optional"`
	Status             *string `parquet:"status,optional"`
	StatusDate         *int32  `parquet:"status_date,optional,date"`
	CurrentPnr         *string `parquet:"current_pnr,optional"`
	Gender             *string `parquet:"gender,optional"`
	BirthDate          *int32  `parquet:"birth_date,optional,date"`
	BirthDateUncertain *string `parquet:"birth_date_uncertain,optional"`
	FirstNames         *string `parquet:"first_names,optional"`
	MiddleName         *string `parquet:"middle_name,optional"`
	LastName           *string `parquet:"last_name,optional"`
	AddressingName     *string `parquet:"addressing_name,optional"`
	MunicipalityCode   *int32  `parquet:"municipality_code,optional"`
	RoadCode           *int32  `parquet:"road_code,optional"`
	RoadName           *string `parquet:"road_name,optional"`
	HouseNumber        *string `parquet:"house_number,optional"`
	Floor              *string `parquet:"floor,optional"`
	Door               *string `parquet:"door,optional"`
	CareOf             *string `parquet:"care_of,optional"`
	Postcode           *int32  `parquet:"postcode,optional"`
	City               *string `parquet:"city,optional"`
	MovedIn            *int32  `parquet:"moved_in,optional,date"`
	AddressProtected   *string `parquet:"address_protected,optional"`
	CivilStatus        *string `parquet:"civil_status,optional"`
	CivilStatusDate    *int32  `parquet:"civil_status_date,optional,date"`
	SpousePnr          *string `parquet:"spouse_pnr,optional"`
	MotherPnr          *string `parquet:"mother_pnr,optional"`
	FatherPnr          *string `parquet:"father_pnr,optional"`
	Citizenship        *int32  `parquet:"citizenship,optional"`
	Church             *string `parquet:"church,optional"`
	EmigrationCountry  *int32  `parquet:"emigration_country,optional"`
	EmigrationDate     *int32  `parquet:"emigration_date,optional,date"`
	Scenarios          *string `parquet:"scenarios,optional"`
	v                  struct {
		Pnr                string
		Status             string
		StatusDate         int32
		CurrentPnr         string
		Gender             string
		BirthDate          int32
		BirthDateUncertain string
		FirstNames         string
		MiddleName         string
		LastName           string
		AddressingName     string
		MunicipalityCode   int32
		RoadCode           int32
		RoadName           string
		HouseNumber        string
		Floor              string
		Door               string
		CareOf             string
		Postcode           int32
		City               string
		MovedIn            int32
		AddressProtected   string
		CivilStatus        string
		CivilStatusDate    int32
		SpousePnr          string
		MotherPnr          string
		FatherPnr          string
		Citizenship        int32
		Church             string
		EmigrationCountry  int32
		EmigrationDate     int32
		Scenarios          string
	}
}

func code(dst *string, c generator.Code) *string {
	if c == 0 {
		return nil
	}
	return str(dst, string(rune(c)))
}

func (r *personRow) fillPerson(p *generator.Person) {
	*r = personRow{}
	v := &r.v
	r.Pnr = str(&v.Pnr, p.Number.String())
	r.Status = str(&v.Status, generator.StatusCode(p.Status))
	r.StatusDate = date(&v.StatusDate, p.StatusDate)
	r.CurrentPnr = str(&v.CurrentPnr, p.CurrentNumber.String())
	r.Gender = str(&v.Gender, p.Gender.String())
	r.BirthDate = date(&v.BirthDate, p.BirthDate)
	r.FirstNames = str(&v.FirstNames, p.Name.First)
	r.MiddleName = str(&v.MiddleName, p.Name.Middle)
	r.LastName = str(&v.LastName, p.Name.Last)
	r.AddressingName = str(&v.AddressingName, p.Name.Addressing)
	r.CivilStatus = code(&v.CivilStatus, p.Civil.Code)
	r.CivilStatusDate = date(&v.CivilStatusDate, p.Civil.Start)
	r.SpousePnr = str(&v.SpousePnr, p.Civil.Spouse.String())
	r.MotherPnr = str(&v.MotherPnr, p.Mother.Number.String())
	r.FatherPnr = str(&v.FatherPnr, p.Father.Number.String())
	r.Citizenship = number(&v.Citizenship, int32(p.Citizenship.Country))
	r.Church = code(&v.Church, p.Church.Code)
	r.Scenarios = str(&v.Scenarios, strings.Join(p.Scenarios, ","))
	if p.BirthDateUncertain {
		r.BirthDateUncertain = str(&v.BirthDateUncertain, "*")
	}
	if a := p.Address; a != nil {
		r.MunicipalityCode, r.RoadCode = number(&v.MunicipalityCode, int32(a.Municipality)), number(&v.RoadCode, int32(a.RoadCode))
		r.RoadName, r.HouseNumber = str(&v.RoadName, a.Road), str(&v.HouseNumber, a.HouseNumber)
		r.Floor, r.Door, r.CareOf = str(&v.Floor, a.Floor), str(&v.Door, a.Door), str(&v.CareOf, a.CareOf)
		r.Postcode, r.City, r.MovedIn = number(&v.Postcode, int32(a.Postcode)), str(&v.City, a.City), date(&v.MovedIn, a.MovedIn)
	}
	for _, pr := range p.Protections {
		if pr.Type == generator.ProtectionNameAndAddress {
			r.AddressProtected = str(&v.AddressProtected, "true")
		}
	}
	if e := p.Emigration; e != nil {
		r.EmigrationCountry, r.EmigrationDate = number(&v.EmigrationCountry, int32(e.Country)), date(&v.EmigrationDate, e.Date)
	}
}
