package main

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"

	"github.com/cprtestdata/cprtestdata/formats/extract"
)

// timeSamples are CPR's own extracts in the reference: their timestamps' time parts are the only source
// of the times CPR gives (cpr-formats.md §1.1 gives the format, yyyyMMddHHmm, not what the time holds).
var timeSamples = []string{"U12170-P_opgavenr_110901_lines.txt", "D100312.L431101"}

const timesSource = "The time parts of the yyyyMMddHHmm timestamps in CPR's two test extracts (shared/reference/samples/" +
	"U12170-P_opgavenr_110901_lines.txt and D100312.L431101), counted. kind 'event' is every timestamp of a person " +
	"record 001-030 (HAENSTART, TILFLYDTO, UDRDTO …) by the decade of its date; part is 0000, 1200 or 2000 (round times CPR " +
	"gives where the time is not known) or an hour of the day (the minutes of the hours are not kept). kind 'update' is record 099's TIMESTAMPU (when the change was " +
	"registered) by hour. Timestamps with an unknown part (month or day 00, hour 24 or more, minute 60 or more, as " +
	"1941-00-00 12:99) are left out: they are history with unknown parts, not times of day."

// times derives times.tsv: kind, decade (event only), part, count.
func times(ref, out string) error {
	counts := map[[3]string]int{}
	for _, name := range timeSamples {
		f, err := os.Open(filepath.Join(ref, "samples", name))
		if err != nil {
			return err
		}
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 1<<16), 1<<20)
		for sc.Scan() {
			line := sc.Bytes()
			if len(line) < 3 {
				continue
			}
			t := string(line[:3])
			l := extract.LayoutOf(t)
			if l == nil || t < "001" || (t > "030" && t != "099") {
				continue
			}
			for _, fl := range l.Fields {
				if fl.Kind != extract.KindTimestamp && fl.Kind != extract.KindTimestampText || fl.Pos-1+fl.Len > len(line) {
					continue
				}
				s := string(line[fl.Pos-1 : fl.Pos-1+fl.Len])
				y, e1 := strconv.Atoi(s[0:4])
				mo, e2 := strconv.Atoi(s[4:6])
				d, e3 := strconv.Atoi(s[6:8])
				h, e4 := strconv.Atoi(s[8:10])
				mi, e5 := strconv.Atoi(s[10:12])
				if e1 != nil || e2 != nil || e3 != nil || e4 != nil || e5 != nil || y == 0 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 {
					continue
				}
				part := fmt.Sprintf("%02d", h)
				if mi == 0 && (h == 0 || h == 12 || h == 20) {
					part = s[8:12] // CPR's round times: a time not known, kept as CPR writes it
				}
				if t == "099" {
					counts[[3]string{"update", "", fmt.Sprintf("%02d", h)}]++
					continue
				}
				counts[[3]string{"event", strconv.Itoa(y / 10 * 10), part}]++
			}
		}
		f.Close()
		if err := sc.Err(); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
	}
	keys := make([][3]string, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		a, b := keys[i], keys[j]
		if a[0] != b[0] {
			return a[0] < b[0]
		}
		if a[1] != b[1] {
			return a[1] < b[1]
		}
		return a[2] < b[2]
	})
	table := [][]string{{"kind", "decade", "part", "count"}}
	for _, k := range keys {
		table = append(table, []string{k[0], k[1], k[2], strconv.Itoa(counts[k])})
	}
	if counts[[3]string{"update", "", "10"}] == 0 {
		return fmt.Errorf("times: no 099 timestamps in the samples")
	}
	return writeTable(out, "times.tsv", timesSource, table)
}
