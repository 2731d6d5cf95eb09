package pnr

import (
	"errors"
	"time"

	"github.com/cprtestdata/cprtestdata/generator/civil"
)

// Description is everything the rules say about one text that claims to be a personnummer. It is the
// shape of `testdata pnr describe --json`.
type Description struct {
	Number    string     `json:"pnr"` // as given
	Valid     bool       `json:"valid"`
	Kind      Kind       `json:"kind"`             // empty when invalid
	Scheme    Scheme     `json:"scheme,omitempty"` // the substitute scheme
	BirthDate civil.Date `json:"birth_date"`
	Century   int        `json:"century,omitempty"` // 1800, 1900 or 2000
	// CenturyAssumed: the number carries no century (a KOT number), and Century is KOTCenturyPivot's.
	CenturyAssumed       bool   `json:"century_assumed,omitempty"`
	Gender               Gender `json:"gender"`
	ControlDigit         bool   `json:"control_digit"` // satisfies modulus-11
	OnNoControlDigitList bool   `json:"on_no_control_digit_list"`
	Error                string `json:"error,omitempty"`        // why it is invalid
	Position             int    `json:"position,omitempty"`     // 1-based position where the problem starts
	PositionEnd          int    `json:"position_end,omitempty"` // and where it ends
}

// Describe parses s and describes it. It never fails: an invalid s gives Valid false and the reason.
func Describe(s string) Description {
	n, err := Parse(s)
	if err != nil {
		d := Description{Number: s, Error: err.Error()}
		var pe *ParseError
		if errors.As(err, &pe) {
			d.Error = pe.Reason()
			d.Position, d.PositionEnd = pe.Pos, pe.End
		}
		return d
	}
	// n is valid: read its fields directly rather than through methods that guard against the zero Number.
	birth := civil.Date{Year: int(n.year), Month: time.Month(n.month), Day: int(n.day)}
	gender := Female
	if n.b[9]&1 == 1 {
		gender = Male
	}
	return Description{
		Number:               s,
		Valid:                true,
		Kind:                 n.kind,
		Scheme:               n.scheme,
		BirthDate:            birth,
		Century:              birth.Year - birth.Year%100,
		CenturyAssumed:       n.scheme == SchemeKOT,
		Gender:               gender,
		ControlDigit:         n.HasControlDigit(),
		OnNoControlDigitList: n.scheme == NotSubstitute && OnNoControlDigitList(birth),
	}
}
