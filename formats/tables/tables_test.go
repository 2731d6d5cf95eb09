package tables

import (
	"testing"

	"github.com/cprtestdata/cprtestdata/formats/extract"
)

func TestSnake(t *testing.T) {
	for in, want := range map[string]string{
		"CurrentCprNumber": "current_cpr_number", "PNR": "pnr", "ChildPNR": "child_pnr", "FirstName_s": "first_names",
		"ProtectionType_": "protection_type", "OldPNRStartDate": "old_pnr_start_date", "ForeignAddress1": "foreign_address1",
		"MunicipalityCode": "municipality_code", "ADRNVN": "adrnvn",
	} {
		if got := snake(in); got != want {
			t.Errorf("snake(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestColumnNamesUnique(t *testing.T) {
	for _, l := range extract.Layouts() {
		tb := ForLayout(l)
		seen := map[string]bool{}
		for _, c := range tb.Columns {
			if seen[c.Name] {
				t.Errorf("%s: column %s twice", tb.Name, c.Name)
			}
			seen[c.Name] = true
		}
	}
}
