package dataset

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/cprtestdata/cprtestdata/formats/extract"
	"github.com/cprtestdata/cprtestdata/formats/registers"
	"github.com/cprtestdata/cprtestdata/generator"
)

// TestRegistersResolveEveryCode writes a run with a timeline and checks, from the files alone, that
// every road (KOMKOD, VEJKOD) and every authority code in every extract of the run - the status
// extract, each change extract, the final one - is in the run's road register and authority table,
// with the road's name and postal code as the records give them, and that the registers hold nothing
// the records do not use.
func TestRegistersResolveEveryCode(t *testing.T) {
	whole := Options{Generator: generator.Config{Persons: 4000, Seed: 3, Days: 20}, Formats: []Format{FormatFixed}, FinalStatus: true}
	area := whole
	area.Area = extract.Area{101: true, 851: true}
	t.Run("population", func(t *testing.T) { testRegistersResolve(t, whole) })
	t.Run("area", func(t *testing.T) { testRegistersResolve(t, area) })
}

func testRegistersResolve(t *testing.T, opts Options) {
	dir := t.TempDir()
	m, err := Write(context.Background(), dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	type road struct{ muni, code string }
	usedRoads, usedAuthorities := map[road]bool{}, map[string]bool{}
	names := map[road]string{} // 003's VEJADRNVN and POSTNR
	authority := func(code string) {
		if strings.Trim(code, "0 ") != "" {
			usedAuthorities[code] = true
		}
	}
	for _, f := range m.Files {
		if !strings.HasPrefix(filepath.Base(f.Name), "D") {
			continue
		}
		file, err := os.Open(filepath.Join(dir, f.Name))
		if err != nil {
			t.Fatal(err)
		}
		r := extract.NewReader(file)
		for {
			rec, err := r.Read()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Fatalf("%s: %v", f.Name, err)
			}
			switch rec.Type() {
			case "002", "023":
				usedRoads[road{rec.Get("MunicipalityCode"), rec.Get("StreetCode")}] = true
				authority(rec.Get("MunicipalityCode"))
				if rec.Type() == "002" {
					authority(rec.Get("LeavingMunicipalityCode"))
				}
			case "003":
				if k := (road{rec.Get("MunicipalityCode"), rec.Get("StreetCode")}); k.code != "0000" {
					usedRoads[k] = true
					names[k] = rec.Get("StreetAddressingName") + "|" + rec.Get("PostCode")
				}
			case "005":
				authority(rec.Get("ExitCountryCode"))
			case "009":
				authority(rec.Get("BirthRegistrationAuthorityCode"))
			case "010", "027":
				authority(rec.Get("CountryCode"))
			case "024":
				authority(rec.Get("ExitCountryCode"))
				authority(rec.Get("EntryCountryCode"))
			}
		}
		file.Close()
	}
	delete(usedRoads, road{"0000", "0000"})

	readRegister := func(name string) [][]byte {
		data, err := os.ReadFile(filepath.Join(dir, RegistersDir, name))
		if err != nil {
			t.Fatal(err)
		}
		var lines [][]byte
		sc := bufio.NewScanner(strings.NewReader(string(data)))
		for sc.Scan() {
			lines = append(lines, []byte(sc.Text()))
		}
		if len(lines) < 2 || string(lines[0][:3]) != "000" || string(lines[len(lines)-1][:3]) != "999" ||
			string(lines[len(lines)-1][3:11]) != fmt.Sprintf("%08d", len(lines)-2) {
			t.Fatalf("%s: no start and end record counting the records between", name)
		}
		return lines[1 : len(lines)-1]
	}
	inRegister := map[road]bool{}
	for _, l := range readRegister(registers.RoadFile) {
		k := road{string(l[3:7]), string(l[7:11])}
		inRegister[k] = true
		if want, ok := names[k]; ok && string(l[:3]) == "001" {
			if got := strings.TrimRight(latin1(l[51:71]), " "); !strings.HasPrefix(want, got+"|") {
				t.Errorf("road %v: VEJADRNVN %q, record 003 %q", k, got, want)
			}
		}
		if want, ok := names[k]; ok && string(l[:3]) == "004" && !strings.HasSuffix(want, "|"+string(l[32:36])) {
			t.Errorf("road %v: POSTNR %s, record 003 %q", k, l[32:36], want)
		}
	}
	if !maps.Equal(inRegister, usedRoads) {
		missing, extra := 0, 0
		for k := range usedRoads {
			if !inRegister[k] {
				missing++
			}
		}
		for k := range inRegister {
			if !usedRoads[k] {
				extra++
			}
		}
		t.Errorf("the road register has %d roads, the extracts use %d: %d missing, %d not used", len(inRegister), len(usedRoads), missing, extra)
	}
	inTable := map[string]bool{}
	for _, l := range readRegister(registers.AuthorityFile) {
		inTable[string(l[3:7])] = true
	}
	if !maps.Equal(inTable, usedAuthorities) {
		t.Errorf("the authority table has %v, the extracts use %v", slices.Sorted(maps.Keys(inTable)), slices.Sorted(maps.Keys(usedAuthorities)))
	}
	minRoads := 1000
	if opts.Area != nil {
		minRoads = 300 // two municipalities' residents
	}
	if len(usedRoads) < minRoads || len(usedAuthorities) < 50 {
		t.Errorf("only %d roads and %d authorities: the test sees too little", len(usedRoads), len(usedAuthorities))
	}
}

// latin1 decodes ISO-8859-1 bytes, as CPR writes its registers.
func latin1(b []byte) string {
	r := make([]rune, len(b))
	for i, c := range b {
		r[i] = rune(c)
	}
	return string(r)
}
