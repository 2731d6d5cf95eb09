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

// storage is the type a column has in Parquet and DuckDB: text, codes and personnummer references are
// all STRING.
func storage(t Type) Type {
	if t == TypeCode || t == TypePNR || t == TypePartial {
		return TypeText
	}
	return t
}

// TestOneTypePerName checks the vocabulary: a column name has one type in every table, the persons
// table included.
func TestOneTypePerName(t *testing.T) {
	seen := map[string]Type{}
	where := map[string]string{}
	check := func(table, name string, typ Type) {
		if prev, ok := seen[name]; ok && prev != storage(typ) {
			t.Errorf("column %s is of type %d in %s and %d in %s", name, storage(typ), table, prev, where[name])
			return
		}
		seen[name], where[name] = storage(typ), table
	}
	for _, c := range PersonColumns {
		check("persons", c.Name, c.Type)
	}
	for _, typ := range append(append([]string{}, extract.PersonTypes...), "099") {
		tb := ForLayout(extract.LayoutOf(typ))
		for _, c := range tb.Columns {
			check(tb.Name, c.Name, c.Type)
		}
	}
	for _, old := range []string{"birthdate", "street_code", "post_code", "current_cpr_number", "city", "moved_in", "status_date"} {
		if _, ok := seen[old]; ok {
			t.Errorf("column %s is not in the vocabulary (%s)", old, where[old])
		}
	}
}
