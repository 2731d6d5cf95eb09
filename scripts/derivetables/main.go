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
	"math"

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
		func() error { return demography(ref, out) },
		func() error { return ages(ref, out) },
		func() error { return origins(ref, out) },
		func() error { return roadSuffixes(ref, out) },
		func() error { return times(ref, out) },
		func() error { return newbornNames(ref, out) },
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
	"name and HAENSTART. Populations of the 98: Statistics Denmark FOLK1A, 1 January 2023 " +
	"(shared/reference/stats/folk1a-2023-municipalities.csv). Greenland's four are approximate weights: the " +
	"reference has no figure for them."

// greenland is the approximate population of Greenland's four municipality codes in the 2012 authority
// table, a weight for persons of status 05 and 07; the reference has no figure for them.
var greenland = map[string]int{"0955": 6500, "0956": 23000, "0957": 9000, "0958": 17000}

// populations reads FOLK1A's population per municipality (the 98 only: 411 Christiansø is not one) and
// adds Greenland's weights.
func populations(ref string) (map[string]int, error) {
	rows, err := readStats(filepath.Join(ref, "stats", "folk1a-2023-municipalities.csv"))
	if err != nil {
		return nil, err
	}
	col := columns(rows[0])
	out := map[string]int{}
	for _, r := range rows[1:] {
		code := fmt.Sprintf("%04s", r[col["kommunekode"]])
		if code == "0411" {
			continue
		}
		n, err := strconv.Atoi(r[col["population"]])
		if err != nil {
			return nil, fmt.Errorf("folk1a-2023-municipalities.csv: %s: %w", code, err)
		}
		out[code] = n
	}
	if len(out) != 98 {
		return nil, fmt.Errorf("folk1a-2023-municipalities.csv: %d municipalities, want 98", len(out))
	}
	for code, n := range greenland {
		out[code] = n
	}
	return out, nil
}

// readStats reads a file of shared/reference/stats: comma-separated, after the '#' lines naming its
// source (which are not CSV: they may hold bare quotes).
func readStats(path string) ([][]string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var b strings.Builder
	for _, line := range strings.SplitAfter(string(data), "\n") {
		if !strings.HasPrefix(line, "#") {
			b.WriteString(line)
		}
	}
	r := csv.NewReader(strings.NewReader(b.String()))
	r.FieldsPerRecord = -1
	rows, err := r.ReadAll()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(rows) < 2 {
		return nil, fmt.Errorf("%s: no rows", path)
	}
	return rows, nil
}

func municipalities(ref string) ([][]string, error) {
	rows, err := readCSV(filepath.Join(ref, "codes", "kommuner-MYNTYP05.csv"), ',')
	if err != nil {
		return nil, err
	}
	population, err := populations(ref)
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

const demographySource = "Denmark's demographic figures the timeline is calibrated to, derived from " +
	"shared/reference/stats (Statistics Denmark; each row names its file and year). Rates per 1000 are per 1000 " +
	"residents and year: the year's count over the mean of the population on 1 January of that year and the " +
	"next (folk2-1980-2025-origin-totals.csv). qx_men is the partial HISB9 life table (men 57-99, period unknown), " +
	"for the shape of old-age mortality only."

// demography derives demography.tsv: measure, key (an age or band where the figure has one), value and
// where it comes from.
func demography(ref, out string) error {
	stats := filepath.Join(ref, "stats")
	read := func(name string) ([][]string, map[string]int, error) {
		rows, err := readStats(filepath.Join(stats, name))
		if err != nil {
			return nil, nil, err
		}
		return rows[1:], columns(rows[0]), nil
	}
	totals, tc, err := read("folk2-1980-2025-origin-totals.csv")
	if err != nil {
		return err
	}
	pop, foreign, immigrants, descendants := map[string]float64{}, map[string]float64{}, map[string]float64{}, map[string]float64{}
	for _, r := range totals {
		y := r[tc["year"]]
		for m, col := range map[*map[string]float64]string{&pop: "total", &foreign: "foreign_citizens",
			&immigrants: "immigrants", &descendants: "descendants"} {
			v, err := strconv.ParseFloat(r[tc[col]], 64)
			if err != nil {
				return fmt.Errorf("folk2-1980-2025-origin-totals.csv: %s %s: %w", y, col, err)
			}
			(*m)[y] = v
		}
	}
	meanPop := func(year string) (float64, error) {
		y, err := strconv.Atoi(year)
		if err != nil {
			return 0, err
		}
		a, b := pop[year], pop[strconv.Itoa(y+1)]
		if a == 0 || b == 0 {
			return 0, fmt.Errorf("folk2-1980-2025-origin-totals.csv: no population for 1 January %d and %d", y, y+1)
		}
		return (a + b) / 2, nil
	}
	rows := [][]string{{"measure", "key", "value", "source"}}
	add := func(measure, key string, v float64, source string) {
		rows = append(rows, []string{measure, key, strconv.FormatFloat(v, 'f', -1, 64), source})
	}
	yearly, yc, err := read("bev-yearly-denmark.csv")
	if err != nil {
		return err
	}
	// The newest whole year of each count.
	perThousand := map[string]string{"live_births": "births", "deaths": "deaths", "immigrations": "immigrations",
		"emigrations": "emigrations", "marriages": "marriages", "divorces": "divorces"}
	best := map[string][]string{}
	for _, r := range yearly {
		m, year := r[yc["measure"]], r[yc["year"]]
		if _, ok := perThousand[m]; ok && !strings.Contains(year, "Q") && (best[m] == nil || year > best[m][yc["year"]]) {
			best[m] = r
		}
		switch m {
		case "moves_within_municipality_share":
			v, _ := strconv.ParseFloat(r[yc["value"]], 64)
			add("moves_within_municipality_share", "", v, "bev-yearly-denmark.csv "+year)
		case "total_fertility":
			if year == "2023" {
				v, _ := strconv.ParseFloat(r[yc["value"]], 64)
				add("total_fertility", "", v/1000, "bev-yearly-denmark.csv "+year)
			}
		}
	}
	var measures []string
	for m := range perThousand {
		measures = append(measures, m)
	}
	sort.Strings(measures)
	for _, m := range measures {
		r := best[m]
		if r == nil {
			return fmt.Errorf("bev-yearly-denmark.csv: no yearly %s", m)
		}
		year := r[yc["year"]]
		n, err := strconv.ParseFloat(r[yc["value"]], 64)
		if err != nil {
			return fmt.Errorf("bev-yearly-denmark.csv: %s %s: %w", m, year, err)
		}
		mp, err := meanPop(year)
		if err != nil {
			return err
		}
		add(perThousand[m]+"_per_1000", "", round(1000*n/mp, 3), fmt.Sprintf("bev-yearly-denmark.csv %s: %.0f over %.0f", year, n, mp))
	}
	add("foreign_citizens_share", "", round(foreign["2025"]/pop["2025"], 4), "folk2-1980-2025-origin-totals.csv 2025")
	add("immigrants_share", "", round(immigrants["2025"]/pop["2025"], 4), "folk2-1980-2025-origin-totals.csv 2025")
	add("descendants_share", "", round(descendants["2025"]/pop["2025"], 4), "folk2-1980-2025-origin-totals.csv 2025")

	fert, fc, err := read("fertility-and-mothers-age.csv")
	if err != nil {
		return err
	}
	newest := map[string]string{}
	for _, r := range fert {
		key := r[fc["measure"]] + "/" + r[fc["age_group"]]
		if r[fc["year"]] > newest[key] {
			newest[key] = r[fc["year"]]
		}
	}
	for _, r := range fert {
		m, band, year := r[fc["measure"]], r[fc["age_group"]], r[fc["year"]]
		if newest[m+"/"+band] != year {
			continue
		}
		v, err := strconv.ParseFloat(r[fc["value"]], 64)
		if err != nil {
			return fmt.Errorf("fertility-and-mothers-age.csv: %s %s: %w", m, year, err)
		}
		if m == "fertility_rate" {
			v /= 1000 // births per woman and year
		}
		add(m, band, round(v, 5), "fertility-and-mothers-age.csv "+year)
	}

	hh, hc, err := read("households-2022.csv")
	if err != nil {
		return err
	}
	for _, r := range hh {
		m := r[hc["measure"]]
		if r[hc["year"]] == "2022" && (m == "mean_persons_per_household" || m == "share_1_person_households" ||
			m == "share_2_person_households" || m == "share_3plus_person_households" || m == "share_households_with_children") {
			v, _ := strconv.ParseFloat(r[hc["value"]], 64)
			add(m, "", v, "households-2022.csv 2022")
		}
	}

	qx, qc, err := read("hisb9-men-57-99-death-probability-partial.csv")
	if err != nil {
		return err
	}
	for _, r := range qx {
		v, err := strconv.ParseFloat(r[qc["qx"]], 64)
		if err != nil {
			return fmt.Errorf("hisb9-men-57-99-death-probability-partial.csv: age %s: %w", r[qc["age"]], err)
		}
		add("qx_men", r[qc["age"]], v, "hisb9-men-57-99-death-probability-partial.csv")
	}
	return writeTable(out, "demography.tsv", demographySource, rows)
}

func round(v float64, digits int) float64 {
	p := math.Pow(10, float64(digits))
	return math.Round(v*p) / p
}

const agesSource = "Denmark's population by single year of age, sex and civil status, 1 October 2025 (Statistics " +
	"Denmark FOLK1A 2025Q4; shared/reference/stats/folk1a-2025q4-civilstand-by-age-sex.csv). Age 100 is 100 or more. " +
	"Civil status as DST counts it: never married, married (or separated; registered partnerships included), " +
	"widowed, divorced."

// ages derives ages.tsv: per age, the men and the women, and each by civil status.
func ages(ref, out string) error {
	rows, err := readStats(filepath.Join(ref, "stats", "folk1a-2025q4-civilstand-by-age-sex.csv"))
	if err != nil {
		return err
	}
	col := columns(rows[0])
	statuses := []string{"ugift", "gift", "enke", "skilt"}
	var men, women [101][4]int
	for _, r := range rows[1:] {
		age, err := strconv.Atoi(r[col["age"]])
		if err != nil || age < 0 || age > 100 {
			return fmt.Errorf("folk1a-2025q4-civilstand-by-age-sex.csv: bad age in %v", r)
		}
		var counts *[4]int
		switch r[col["sex"]] {
		case "M":
			counts = &men[age]
		case "K":
			counts = &women[age]
		default:
			return fmt.Errorf("folk1a-2025q4-civilstand-by-age-sex.csv: sex %q", r[col["sex"]])
		}
		total := 0
		for i, st := range statuses {
			n, err := strconv.Atoi(r[col[st]])
			if err != nil {
				return fmt.Errorf("folk1a-2025q4-civilstand-by-age-sex.csv: age %d %s: %w", age, st, err)
			}
			counts[i] += n
			total += n
		}
		if t, err := strconv.Atoi(r[col["total"]]); err != nil || t != total {
			return fmt.Errorf("folk1a-2025q4-civilstand-by-age-sex.csv: age %d: the statuses sum to %d, total %s", age, total, r[col["total"]])
		}
	}
	header := []string{"age"}
	for _, sex := range []string{"men", "women"} {
		for _, st := range []string{"never_married", "married", "widowed", "divorced"} {
			header = append(header, sex+"_"+st)
		}
	}
	table := [][]string{header}
	for a := range men {
		row := []string{strconv.Itoa(a)}
		m, w := 0, 0
		for i := range statuses {
			row = append(row, strconv.Itoa(men[a][i]))
			m += men[a][i]
		}
		for i := range statuses {
			row = append(row, strconv.Itoa(women[a][i]))
			w += women[a][i]
		}
		if m == 0 || w == 0 {
			return fmt.Errorf("folk1a-2025q4-civilstand-by-age-sex.csv: no one aged %d", a)
		}
		table = append(table, row)
	}
	return writeTable(out, "ages.tsv", agesSource, table)
}

const originsSource = "Immigrants and descendants in Denmark by country of origin, 1 January 2025 (Statistics Denmark " +
	"FOLK2; shared/reference/stats/folk2-2025-immigrants-descendants-by-origin.csv and " +
	"folk2-2025-foreign-citizens-by-origin.csv, each a top 30), with the share of each who are foreign citizens. " +
	"Codes from CPR's country table (codes/lande-MYNTYP30.csv). A country in the foreign-citizens top 30 only has " +
	"its foreign-citizen immigrants and descendants as its counts (a lower bound) and shares of 1; a country in the " +
	"origin top 30 only has the shares of the rest. FOLK2's former Yugoslavia has the table's active " +
	"Jugoslavien,Forb.Rep (5758). Code 0 is the rest of the world."

// origins derives origins.tsv: code, name, immigrants, descendants, and the shares of them who are foreign
// citizens.
func origins(ref, out string) error {
	stats := filepath.Join(ref, "stats")
	lande, err := readCSV(filepath.Join(ref, "codes", "lande-MYNTYP30.csv"), ',')
	if err != nil {
		return err
	}
	lc := columns(lande[0])
	// The active code of that name, or else of a name that starts with it ("Tyskland,Forb.Rep").
	code := func(name string) string {
		prefixed := ""
		for _, r := range lande[1:] {
			n := r[lc["navn"]]
			switch {
			case r[lc["active_in_2012_table"]] != "True":
			case n == name:
				return r[lc["mynkod"]]
			case strings.HasPrefix(n, name+",") && prefixed == "":
				prefixed = r[lc["mynkod"]]
			}
		}
		return prefixed
	}
	byOrigin, err := readStats(filepath.Join(stats, "folk2-2025-immigrants-descendants-by-origin.csv"))
	if err != nil {
		return err
	}
	foreign, err := readStats(filepath.Join(stats, "folk2-2025-foreign-citizens-by-origin.csv"))
	if err != nil {
		return err
	}
	type origin struct {
		name                         string
		imm, desc, fImm, fDesc       float64
		known, knownForeign, defunct bool
	}
	var list []*origin
	find := func(name string) *origin {
		for _, o := range list {
			if o.name == name {
				return o
			}
		}
		o := &origin{name: name}
		list = append(list, o)
		return o
	}
	num := func(file, v string) (float64, error) {
		f, err := strconv.ParseFloat(v, 64)
		if err != nil {
			return 0, fmt.Errorf("%s: %q: %w", file, v, err)
		}
		return f, nil
	}
	var totImm, totDesc, totFImm, totFDesc float64
	oc := columns(byOrigin[0])
	for _, r := range byOrigin[1:] {
		imm, err1 := num("folk2-2025-immigrants-descendants-by-origin.csv", r[oc["immigrants"]])
		desc, err2 := num("folk2-2025-immigrants-descendants-by-origin.csv", r[oc["descendants"]])
		if err := firstErr(err1, err2); err != nil {
			return err
		}
		if r[oc["rank"]] == "" {
			totImm, totDesc = imm, desc
			continue
		}
		o := find(r[oc["origin_country"]])
		o.imm, o.desc, o.known = imm, desc, true
	}
	fc := columns(foreign[0])
	for _, r := range foreign[1:] {
		imm, err1 := num("folk2-2025-foreign-citizens-by-origin.csv", r[fc["of_which_immigrants"]])
		desc, err2 := num("folk2-2025-foreign-citizens-by-origin.csv", r[fc["of_which_descendants"]])
		if err := firstErr(err1, err2); err != nil {
			return err
		}
		if r[fc["rank"]] == "" {
			totFImm, totFDesc = imm, desc
			continue
		}
		o := find(r[fc["origin_country"]])
		o.fImm, o.fDesc, o.knownForeign = imm, desc, true
	}
	if totImm == 0 || totFImm == 0 {
		return fmt.Errorf("folk2-2025: no totals")
	}
	var sumImm, sumDesc, sumFImm, sumFDesc float64
	for _, o := range list {
		if !o.known {
			o.imm, o.desc = o.fImm, o.fDesc
		}
		sumImm += o.imm
		sumDesc += o.desc
		if o.known && o.knownForeign {
			sumFImm += o.fImm
			sumFDesc += o.fDesc
		}
	}
	// The rest of the world: what the top 30s leave, its shares those of every country not in both lists.
	var bothImm, bothDesc float64
	for _, o := range list {
		if o.known && o.knownForeign {
			bothImm += o.imm
			bothDesc += o.desc
		}
	}
	restFImm := (totFImm - sumFImm) / (totImm - bothImm)
	restFDesc := (totFDesc - sumFDesc) / (totDesc - bothDesc)
	table := [][]string{{"code", "name", "immigrants", "descendants", "foreign_share_immigrants", "foreign_share_descendants"}}
	restImm, restDesc := totImm-sumImm, totDesc-sumDesc
	for _, o := range list {
		c := code(o.name)
		if c == "" {
			restImm += o.imm
			restDesc += o.desc
			continue
		}
		fi, fd := 1.0, 1.0
		switch {
		case o.known && o.knownForeign:
			fi, fd = o.fImm/o.imm, o.fDesc/o.desc
		case o.known:
			fi, fd = restFImm, restFDesc
		}
		table = append(table, []string{c, o.name, strconv.Itoa(int(o.imm)), strconv.Itoa(int(o.desc)),
			strconv.FormatFloat(round(fi, 4), 'f', -1, 64), strconv.FormatFloat(round(fd, 4), 'f', -1, 64)})
	}
	table = append(table, []string{"0", "rest of the world", strconv.Itoa(int(restImm)), strconv.Itoa(int(restDesc)),
		strconv.FormatFloat(round(restFImm, 4), 'f', -1, 64), strconv.FormatFloat(round(restFDesc, 4), 'f', -1, 64)})
	return writeTable(out, "origins.tsv", originsSource, table)
}

func firstErr(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

const roadSuffixesSource = "Endings of Danish road names with their counts, over 2,019 distinct names of a DAWA " +
	"sample (shared/reference/roads/road-name-suffix-distribution.csv: a few mostly rural and suburban " +
	"municipalities, indicative only), the names without a common ending ((other)) left out."

// roadSuffixes derives road_suffixes.tsv: ending (without the hyphen) and count.
func roadSuffixes(ref, out string) error {
	rows, err := readStats(filepath.Join(ref, "roads", "road-name-suffix-distribution.csv"))
	if err != nil {
		return err
	}
	col := columns(rows[0])
	table := [][]string{{"suffix", "count"}}
	for _, r := range rows[1:] {
		suffix := r[col["suffix"]]
		if !strings.HasPrefix(suffix, "-") {
			continue // (other)
		}
		if _, err := strconv.Atoi(r[col["count"]]); err != nil {
			return fmt.Errorf("road-name-suffix-distribution.csv: %s: %w", suffix, err)
		}
		table = append(table, []string{strings.TrimPrefix(suffix, "-"), r[col["count"]]})
	}
	if len(table) < 10 {
		return fmt.Errorf("road-name-suffix-distribution.csv: %d endings", len(table)-1)
	}
	return writeTable(out, "road_suffixes.tsv", roadSuffixesSource, table)
}
