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

func TestAppendCSV(t *testing.T) {
	for in, want := range map[string]string{
		"Søren": "Søren", `Holgersen,Gunnar`: `"Holgersen,Gunnar"`, `say "hi"`: `"say ""hi"""`, "": "",
	} {
		latin := make([]byte, 0, len(in))
		for _, r := range in {
			latin = append(latin, byte(r))
		}
		if got := string(AppendCSVLatin1(nil, latin)); got != want {
			t.Errorf("AppendCSVLatin1(%q) = %q, want %q", in, got, want)
		}
		if got := string(AppendCSVString(nil, in)); got != want {
			t.Errorf("AppendCSVString(%q) = %q, want %q", in, got, want)
		}
	}
}
