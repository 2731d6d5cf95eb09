package main

import (
	"fmt"
	"path/filepath"
	"sort"
	"strconv"
)

// rank1Share is the share of a year's newborns of a sex given the year's most common name, as
// shared/reference/stats/README.md quotes DST: 18 (2017) and 19 (2022) per 1000 boys named William, 16 per
// 1000 girls named Ida (2017) and Ella (2022). The mean of the two years.
var rank1Share = map[string]float64{"M": 0.0185, "K": 0.016}

const newbornSource = "First names given to newborns (DST \"Navne til nyfødte\", ranks only, as quoted by the press: " +
	"shared/reference/stats/names-newborns-top-partial.csv, girls 2017 top 50 and 2022 top 20, boys 2017 top 17, the no. 1 " +
	"names of 2019, 2020 and 2022), each name at its best rank of those years; rank1_share is the share of newborns of the " +
	"sex given the no. 1 name (stats/README.md: 16 per 1000 girls, 18-19 per 1000 boys, 2017 and 2022)."

// newbornNames derives first_names_newborn.tsv: sex, rank, name, rank1_share.
func newbornNames(ref, out string) error {
	rows, err := readStats(filepath.Join(ref, "stats", "names-newborns-top-partial.csv"))
	if err != nil {
		return err
	}
	col := columns(rows[0])
	best := map[[2]string]int{}
	for _, r := range rows[1:] {
		sex, name := r[col["sex"]], r[col["name"]]
		rank, err := strconv.Atoi(r[col["rank"]])
		if err != nil || (sex != "M" && sex != "K") || name == "" {
			return fmt.Errorf("names-newborns-top-partial.csv: row %v", r)
		}
		k := [2]string{sex, name}
		if b, ok := best[k]; !ok || rank < b {
			best[k] = rank
		}
	}
	keys := make([][2]string, 0, len(best))
	for k := range best {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		a, b := keys[i], keys[j]
		if a[0] != b[0] {
			return a[0] < b[0]
		}
		if best[a] != best[b] {
			return best[a] < best[b]
		}
		return a[1] < b[1]
	})
	table := [][]string{{"sex", "rank", "name", "rank1_share"}}
	for _, k := range keys {
		table = append(table, []string{k[0], strconv.Itoa(best[k]), k[1], strconv.FormatFloat(rank1Share[k[0]], 'f', -1, 64)})
	}
	if len(table) < 40 {
		return fmt.Errorf("names-newborns-top-partial.csv: %d names", len(table)-1)
	}
	return writeTable(out, "first_names_newborn.tsv", newbornSource, table)
}
