// Command derivelayouts writes formats/extract/layouts.go, the field layouts of CPR's Format A extract
// records, from the tables of the reference notes (cpr-formats.md §1.3, errata applied there), with each
// record's occurrences per person from the record index (§1.2) and a named constant for every field, so
// that no code addresses a field by a number typed by hand. Run it from the repository root:
//
//	go run ./scripts/derivelayouts [-ref ../shared/reference] [-out formats/extract/layouts.go] \
//		[-registers-out formats/registers/layouts.go]
//
// It also writes the layouts of CPR's authority table and road register (§3.1, §3.2) to -registers-out,
// and those of CPR Direkte PRIV's records (private-customers.md §3) to -private-out.
package main

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"go/format"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
)

var (
	heading = regexp.MustCompile("^#### (\\d{3}) – (.*?)\\s+\\(CPR Broker `(\\w+)`.*length (\\d+)\\)")
	row     = regexp.MustCompile(`^\| (\d+) \| (\d+) \| ([NA]) \| ([^|]*)\| ([^|]*)\| ([^|]*)\|$`)
	// A row of the record index: code, CPR Broker object, name, length, min..max occurs.
	index = regexp.MustCompile(`^\| (\d{3}) \| [^|]+\| [^|]+\| (\d+) \| (\d+)\.\.(\d+) \|`)
	// Records outside CPR Broker (050): a heading with the length only, and rows of position, length,
	// format, field and notes.
	inferredHeading = regexp.MustCompile("^#### (\\d{3}) – (.*?), length (\\d+)")
	inferredRow     = regexp.MustCompile(`^\| (\d+) \| (\d+) \| ([NA]) \| ([^|]*)\| ([^|]*)\|$`)
)

// inferredFields names the fields of the records the reference describes without CPR Broker's names
// (050): the Danish name (BESKYTTYPE as §2.4 calls type 0005; the start's name is not in the reference)
// and the property, by the reference's field text.
var inferredFields = map[string][2]string{
	"RECORDTYPE":                   {"RECORDTYPE", "RecordType"},
	"PNR":                          {"PNR", "PNR"},
	"protection/warning type":      {"BESKYTTYPE", "ProtectionType"},
	"start timestamp yyyyMMddHHmm": {"START_TS", "StartDate"},
	"VAERGEMAALS_TYPE":             {"VAERGEMAALS_TYPE", "GuardianshipType"},
}

// inferredNames are the Go names of those records, and the record whose fields come first in it, where
// the reference says so ("Positions 1–272 are identical to record 017").
var inferredNames = map[string]struct{ name, prefix string }{
	"050": {"CreditWarning", ""},
	"052": {"DisempowermentWithType", "017"},
}

type field struct {
	pos, length        int
	numeric            bool
	danish, prop, note string
}

type record struct {
	code, title, name string
	length            int
	fields            []field
	inferred          bool // not in CPR Broker: the reference's own table (050)
}

// occurs is a row of the record index.
type occurs struct{ length, min, max int }

func main() {
	ref := flag.String("ref", "../shared/reference", "the shared reference folder")
	out := flag.String("out", "formats/extract/layouts.go", "the Go file to write")
	regOut := flag.String("registers-out", "formats/registers/layouts.go", "the Go file of the registers' layouts to write")
	privOut := flag.String("private-out", "formats/private/layouts.go", "the Go file of CPR Direkte PRIV's layouts to write")
	flag.Parse()
	if err := run(*ref, *out); err != nil {
		fmt.Fprintln(os.Stderr, "derivelayouts:", err)
		os.Exit(1)
	}
	text, err := os.ReadFile(filepath.Join(*ref, "cpr-formats.md"))
	if err == nil {
		err = runRegisters(string(text), *regOut)
	}
	if err == nil {
		var priv []byte
		if priv, err = os.ReadFile(filepath.Join(*ref, "private-customers.md")); err == nil {
			err = runPrivate(string(priv), *privOut)
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "derivelayouts:", err)
		os.Exit(1)
	}
}

// wanted are the record types of the U12170-P extract the project writes and reads: the person records
// (031-033 the family product P12180's relatives with clear-text addresses), 050 credit warnings, 052 guardianship with its type, 099 events, 910 error records and 997 receipts of the subscription extracts, 000
// and 999.
func wanted(code string) bool {
	n, _ := strconv.Atoi(code)
	return n <= 33 || n == 50 || n == 52 || n == 99 || n == 910 || n == 997 || n == 999
}

func run(ref, out string) error {
	f, err := os.Open(filepath.Join(ref, "cpr-formats.md"))
	if err != nil {
		return err
	}
	defer f.Close()
	var recs []*record
	var cur *record
	counts := map[string]occurs{}
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		line := sc.Text()
		// The index's 999 row and 050 row share a line in the reference ("… | 1..1 || 050 | …").
		rows := strings.SplitAfter(line, "||")
		for i := range rows[1:] {
			rows[i] = strings.TrimSuffix(rows[i], "|")
			rows[i+1] = "|" + rows[i+1]
		}
		indexed := false
		for _, r := range rows {
			if m := index.FindStringSubmatch(r); m != nil {
				l, _ := strconv.Atoi(m[2])
				lo, _ := strconv.Atoi(m[3])
				hi, _ := strconv.Atoi(m[4])
				counts[m[1]] = occurs{l, lo, hi}
				indexed = true
			}
		}
		if indexed {
			continue
		}
		if m := inferredHeading.FindStringSubmatch(line); m != nil && !heading.MatchString(line) {
			cur = nil
			if wanted(m[1]) {
				n, _ := strconv.Atoi(m[3])
				title, _, _ := strings.Cut(m[2], " (")
				in, ok := inferredNames[m[1]]
				if !ok {
					return fmt.Errorf("record %s: no name for it", m[1])
				}
				cur = &record{code: m[1], title: strings.TrimSpace(title), name: in.name, length: n, inferred: true}
				if in.prefix != "" {
					for _, r := range recs {
						if r.code == in.prefix {
							cur.fields = append(cur.fields, r.fields...)
						}
					}
					if len(cur.fields) == 0 {
						return fmt.Errorf("record %s: its first fields are record %s's, which comes later", m[1], in.prefix)
					}
				}
				recs = append(recs, cur)
			}
			continue
		}
		if m := heading.FindStringSubmatch(line); m != nil {
			cur = nil
			if wanted(m[1]) {
				n, _ := strconv.Atoi(m[4])
				cur = &record{code: m[1], title: strings.TrimSpace(m[2]), name: m[3], length: n}
				recs = append(recs, cur)
			}
			continue
		}
		if strings.HasPrefix(line, "### ") || strings.HasPrefix(line, "## ") {
			cur = nil
		}
		if cur == nil {
			continue
		}
		if m := inferredRow.FindStringSubmatch(line); m != nil && cur.inferred {
			pos, _ := strconv.Atoi(m[1])
			l, _ := strconv.Atoi(m[2])
			names, ok := inferredFields[strings.TrimSpace(m[4])]
			if !ok {
				return fmt.Errorf("record %s: no name for the field %q", cur.code, strings.TrimSpace(m[4]))
			}
			note := strings.TrimSpace(m[5])
			if strings.Contains(m[4], "yyyyMMddHHmm") {
				note = "[yyyyMMddHHmm]"
			}
			cur.fields = append(cur.fields, field{pos: pos, length: l, numeric: m[3] == "N", danish: names[0], prop: names[1], note: note})
			continue
		}
		if m := row.FindStringSubmatch(line); m != nil {
			pos, _ := strconv.Atoi(m[1])
			l, _ := strconv.Atoi(m[2])
			cur.fields = append(cur.fields, field{pos: pos, length: l, numeric: m[3] == "N",
				danish: strings.TrimSpace(m[4]), prop: strings.TrimSpace(m[5]), note: strings.TrimSpace(m[6])})
		}
	}
	if err := sc.Err(); err != nil {
		return err
	}
	for _, r := range recs {
		if r.code == "033" && len(r.fields) > 2 && r.fields[2].prop == "MotherPNR" {
			// The reference corrects 032's relative, labelled PNRMOR in CPR Broker, to the father
			// (a copy-and-paste error); 033's is the same error: a child's record names the child.
			r.fields[2].prop = "ChildPNR"
		}
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "// Code generated by scripts/derivelayouts from the reference notes' cpr-formats.md §1.2 and §1.3; DO NOT EDIT.\n\n")
	fmt.Fprintf(&b, "package extract\n\n")
	fmt.Fprintf(&b, "// layouts are the record types of the U12170-P extract, in type order.\n")
	fmt.Fprintf(&b, "var layouts = []*Layout{\n")
	var names bytes.Buffer
	for _, r := range recs {
		occ, ok := counts[r.code]
		switch {
		case !ok:
			return fmt.Errorf("record %s: not in the record index", r.code)
		case occ.length != r.length:
			return fmt.Errorf("record %s: length %d in the index, %d in its table", r.code, occ.length, r.length)
		case r.code != "000" && r.code != "999" && r.code != "910" && (len(r.fields) < 2 || r.fields[1].prop != "PNR"):
			return fmt.Errorf("record %s: the second field is not PNR, which the writer relies on (910 alone has none)", r.code)
		}
		end := 1
		for _, fl := range r.fields {
			if fl.pos != end {
				return fmt.Errorf("record %s: field %s starts at %d, want %d", r.code, fl.danish, fl.pos, end)
			}
			end += fl.length
		}
		if end-1 != r.length {
			return fmt.Errorf("record %s: fields end at %d, length is %d", r.code, end-1, r.length)
		}
		fmt.Fprintf(&b, "\t{Type: %q, Name: %q, Title: %q, Length: %d, Min: %d, Max: %d, Fields: []Field{\n",
			r.code, r.name, r.title, r.length, occ.min, occ.max)
		fmt.Fprintf(&names, "\n// The fields of record %s (%s), by index in its Layout's Fields.\nconst (\n", r.code, r.name)
		seen := map[string]bool{}
		for i, fl := range r.fields {
			name := fl.prop
			if seen[name] {
				return fmt.Errorf("record %s: property %s twice", r.code, name)
			}
			seen[name] = true
			fmt.Fprintf(&b, "\t\t{Name: %q, Danish: %q, Pos: %d, Len: %d, Kind: %s},\n", name, fl.danish, fl.pos, fl.length, kind(fl))
			if i == 0 {
				fmt.Fprintf(&names, "\tf%s%s = iota // %s\n", r.code, name, fl.danish)
			} else {
				fmt.Fprintf(&names, "\tf%s%s // %s\n", r.code, name, fl.danish)
			}
		}
		fmt.Fprintf(&b, "\t}},\n")
		fmt.Fprintf(&names, ")\n")
	}
	fmt.Fprintf(&b, "}\n")
	b.Write(names.Bytes())
	src, err := format.Source(b.Bytes())
	if err != nil {
		return err
	}
	return os.WriteFile(out, src, 0o644)
}

// zeroRefs are the personnummer references CPR writes as zeros when empty (cpr-formats.md §1.1,
// "Padding": PNRMOR and AEGTEPNR in CPR's test file; PNRFAR is PNRMOR's twin in the same record).
var zeroRefs = map[string]bool{"PNRMOR": true, "PNRFAR": true, "AEGTEPNR": true}

// kind classifies a field by its format note.
func kind(f field) string {
	n := f.note
	switch {
	case zeroRefs[f.danish] && f.length == 10:
		return "KindNumberRef"
	case strings.Contains(n, "[yyyyMMddHHmm]") && f.length == 12 && !f.numeric:
		return "KindTimestampText" // SEP_HENVIS: a timestamp in an A field
	case strings.Contains(n, "[yyyyMMddHHmm]") && f.length == 12:
		return "KindTimestamp"
	case strings.Contains(n, "[yyyy-MM-dd]") && f.length == 10:
		return "KindDate"
	case strings.Contains(n, "[yyyyMMdd]") && f.length == 8:
		return "KindDay"
	case f.numeric:
		return "KindNumber"
	}
	return "KindText"
}
