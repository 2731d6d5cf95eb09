// Command derivetables derives the project's compact reference tables in fixtures/tables from the shared
// reference material (../shared/reference by default). Run it from the repository root:
//
//	go run ./scripts/derivetables [-ref ../shared/reference] [-out fixtures/tables]
//
// The tables are tab-separated UTF-8 with a header line and a comment line naming their source. They
// are checked in; a test in fixtures checks that they parse and are consistent.
package main

import (
	"encoding/csv"
	"flag"
	"fmt"

	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

func main() {
	ref := flag.String("ref", "../shared/reference", "the shared reference folder")
	out := flag.String("out", "fixtures/tables", "where to write the tables")
	flag.Parse()
	if err := run(*ref, *out); err != nil {
		fmt.Fprintln(os.Stderr, "derivetables:", err)
		os.Exit(1)
	}
}

func run(ref, out string) error {
	munis, err := municipalities(ref)
	if err != nil {
		return err
	}
	steps := []func() error{
		func() error { return writeTable(out, "municipalities.tsv", municipalitySource, munis) },
		func() error { return postcodes(ref, out, munis) },
		func() error { return countries(ref, out) },
		func() error { return names(ref, out, "male_first_names.csv", "first_names_male.tsv", 600) },
		func() error { return names(ref, out, "female_first_names.csv", "first_names_female.tsv", 600) },
		func() error { return names(ref, out, "all_middle_names.csv", "middle_names.tsv", 300) },
		func() error { return names(ref, out, "all_last_names.csv", "last_names.tsv", 2500) },
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return err
		}
	}
	return nil
}

func readCSV(path string, sep rune) ([][]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.Comma = sep
	r.FieldsPerRecord = -1
	rows, err := r.ReadAll()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(rows) == 0 {
		return nil, fmt.Errorf("%s: empty", path)
	}
	for i := range rows[0] {
		rows[0][i] = strings.TrimPrefix(rows[0][i], "\ufeff")
	}
	return rows, nil
}

func writeTable(dir, name, source string, rows [][]string) error {
	var b strings.Builder
	fmt.Fprintf(&b, "# %s\n", source)
	for _, row := range rows {
		for _, cell := range row {
			if strings.ContainsAny(cell, "\t\n") {
				return fmt.Errorf("%s: cell %q holds a tab or newline", name, cell)
			}
		}
		b.WriteString(strings.Join(row, "\t"))
		b.WriteByte('\n')
	}
	tmp := filepath.Join(dir, "."+name+".tmp")
	if err := os.WriteFile(tmp, []byte(b.String()), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, filepath.Join(dir, name))
}

const municipalitySource = "The 98 Danish municipalities (kommunekoder from CPR's authority table, MYNTYP 05, " +
	"shared/reference/codes/kommuner-MYNTYP05.csv) and four Greenland codes of the same table, with the table's full " +
	"name and HAENSTART. Populations are " +
	"approximate figures for 1 January 2024 (Statistics Denmark, FOLK1A by municipality), rounded; they are not " +
	"in the shared reference and serve only as weights."

// population is the approximate population per municipality, used as a weight. Greenland's codes are the
// 2012 authority table's.
var population = map[string]int{
	"0101": 660000, "0147": 105000, "0151": 52000, "0153": 39000, "0155": 14700, "0157": 75000, "0159": 70000,
	"0161": 24000, "0163": 30000, "0165": 28000, "0167": 54000, "0169": 58000, "0173": 57000, "0175": 41000,
	"0183": 24000, "0185": 44000, "0187": 17000, "0190": 41000, "0201": 26000, "0210": 41000, "0217": 64000,
	"0219": 52000, "0223": 25000, "0230": 57000, "0240": 44000, "0250": 46000, "0253": 51000, "0259": 62000,
	"0260": 31000, "0265": 90000, "0269": 23000, "0270": 41000, "0306": 33000, "0316": 73000, "0320": 37000,
	"0326": 49000, "0329": 36000, "0330": 80000, "0336": 23000, "0340": 30000, "0350": 29000, "0360": 40000,
	"0370": 84000, "0376": 60000, "0390": 45000, "0400": 39000, "0410": 39000, "0420": 41000, "0430": 51000,
	"0440": 24000, "0450": 32000, "0461": 207000, "0479": 59000, "0480": 29000, "0482": 12000, "0492": 6000,
	"0510": 55000, "0530": 27000, "0540": 73000, "0550": 37000, "0561": 115000, "0563": 3500, "0573": 50000,
	"0575": 43000, "0580": 58000, "0607": 52000, "0615": 99000, "0621": 95000, "0630": 121000, "0657": 90000,
	"0661": 59000, "0665": 19000, "0671": 21000, "0706": 44000, "0707": 37000, "0710": 50000, "0727": 23000,
	"0730": 99000, "0740": 98000, "0741": 3700, "0746": 64000, "0751": 367000, "0756": 42000, "0760": 56000,
	"0766": 47000, "0773": 20000, "0779": 46000, "0787": 43000, "0791": 98000, "0810": 37000, "0813": 58000,
	"0820": 36000, "0825": 1800, "0840": 31000, "0846": 42000, "0849": 38000, "0851": 222000, "0860": 64000,
	// Greenland (status 05 and 07).
	"0955": 6500, "0956": 23000, "0957": 9000, "0958": 17000,
}

func municipalities(ref string) ([][]string, error) {
	rows, err := readCSV(filepath.Join(ref, "codes", "kommuner-MYNTYP05.csv"), ',')
	if err != nil {
		return nil, err
	}
	col := columns(rows[0])
	out := [][]string{{"code", "name", "population", "greenland", "name_xl", "since"}}
	seen := map[string]bool{}
	for _, r := range rows[1:] {
		code := r[col["mynkod"]]
		pop, ok := population[code]
		if !ok || r[col["active_in_2012_table"]] != "True" || seen[code] {
			continue
		}
		seen[code] = true
		gl := "0"
		if code >= "0900" {
			gl = "1"
		}
		out = append(out, []string{code, r[col["navn"]], strconv.Itoa(pop), gl, r[col["navn_xl"]], r[col["haenstart"]]})
	}
	if len(seen) != len(population) {
		var missing []string
		for code := range population {
			if !seen[code] {
				missing = append(missing, code)
			}
		}
		sort.Strings(missing)
		return nil, fmt.Errorf("municipalities not active in the authority table: %v", missing)
	}
	sort.Slice(out[1:], func(i, j int) bool { return out[1+i][0] < out[1+j][0] })
	return out, nil
}

func columns(header []string) map[string]int {
	m := map[string]int{}
	for i, h := range header {
		m[h] = i
	}
	return m
}

// greenlandPostcodes are real Greenland postal codes; PostNord's Danish list does not hold them.
var greenlandPostcodes = [][]string{
	{"3900", "Nuuk", "0956"}, {"3911", "Sisimiut", "0957"}, {"3920", "Qaqortoq", "0955"},
	{"3952", "Ilulissat", "0958"}, {"3913", "Tasiilaq", "0956"},
}

func postcodes(ref, out string, munis [][]string) error {
	rows, err := readCSV(filepath.Join(ref, "codes", "postnumre-postnord-2020.csv"), ';')
	if err != nil {
		return err
	}
	col := columns(rows[0])
	known := map[string]bool{}
	for _, m := range munis[1:] {
		known[m[0]] = true
	}
	type key struct{ postnr, muni string }
	seen := map[key]bool{}
	table := [][]string{{"postnr", "city", "municipality"}}
	for _, r := range rows[1:] {
		postnr := r[col["POSTNR"]]
		muni := fmt.Sprintf("%04s", r[col["KOMMUNE_NR"]])
		muni = strings.ReplaceAll(muni, " ", "0")
		n, err := strconv.Atoi(postnr)
		// Codes below 1000 are companies' and institutions' own (0783 Facility, 0800 …): no homes.
		if err != nil || n < 1000 || !known[muni] || seen[key{postnr, muni}] {
			continue
		}
		seen[key{postnr, muni}] = true
		table = append(table, []string{postnr, strings.TrimSpace(r[col["BYNAVN"]]), muni})
	}
	table = append(table, greenlandPostcodes...)
	sort.Slice(table[1:], func(i, j int) bool {
		a, b := table[1+i], table[1+j]
		if a[0] != b[0] {
			return a[0] < b[0]
		}
		return a[2] < b[2]
	})
	return writeTable(out, "postcodes.tsv", "Postal codes with their city and municipality (PostNord's list of 2020, "+
		"shared/reference/codes/postnumre-postnord-2020.csv), codes below 1000 left out; Greenland's five added by hand.", table)
}

func countries(ref, out string) error {
	rows, err := readCSV(filepath.Join(ref, "codes", "lande-MYNTYP30.csv"), ',')
	if err != nil {
		return err
	}
	col := columns(rows[0])
	table := [][]string{{"code", "name", "alpha2", "alpha3", "num3", "name_xl", "since"}}
	for _, r := range rows[1:] {
		code, a2 := r[col["mynkod"]], r[col["alfa2"]]
		if r[col["active_in_2012_table"]] != "True" || a2 == "" || a2 == "XX" {
			continue
		}
		table = append(table, []string{code, r[col["navn"]], a2, r[col["alfa3"]], r[col["num3"]], r[col["navn_xl"]], r[col["haenstart"]]})
	}
	return writeTable(out, "countries.tsv", "Country codes (landekoder, MYNTYP 30) of CPR's authority table, 2012 "+
		"(shared/reference/codes/lande-MYNTYP30.csv), active codes with an ISO alpha-2 code, with their ISO codes, full "+
		"names and HAENSTART.", table)
}

func names(ref, out, in, name string, top int) error {
	rows, err := readCSV(filepath.Join(ref, "names", in), ',')
	if err != nil {
		return err
	}
	table := [][]string{{"name", "count"}}
	for _, r := range rows[1:] {
		if len(table) > top {
			break
		}
		if len(r) < 2 || r[0] == "" {
			continue
		}
		if _, err := strconv.Atoi(r[1]); err != nil {
			return fmt.Errorf("%s: count %q: %w", in, r[1], err)
		}
		table = append(table, []string{r[0], r[1]})
	}
	return writeTable(out, name, fmt.Sprintf("The %d most frequent names of shared/reference/names/%s "+
		"(Danish name frequencies, University of Copenhagen name research, 2005), with their counts as weights.", top, in), table)
}
