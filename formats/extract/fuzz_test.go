package extract

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cprtestdata/cprtestdata/generator"
	"github.com/cprtestdata/cprtestdata/generator/civil"
	"github.com/cprtestdata/cprtestdata/generator/pnr"
)

// fuzzSeries is a status extract and the change extract that follows it, the seeds of the series
// targets.
func fuzzSeries(f *testing.F) (status, change []byte) {
	f.Helper()
	day := func(d int) civil.Date { return civil.Date{Year: 2026, Month: 1, Day: d} }
	num, _ := pnr.Parse("0101650001")
	status = append(AppendStart(nil, DefaultTask, day(1), day(0)), AppendEnd(nil, 0)...)
	change = AppendStart(nil, DefaultTask, day(2), day(1))
	change = AppendEvent(change, &generator.Person{Number: num}, generator.Event{Date: day(2), Code: "A01"}, 0)
	change = append(change, AppendEnd(nil, 1)...)
	if data, err := os.ReadFile(filepath.Join(samples, "D100312.L431101")); err == nil {
		f.Add(data[:min(len(data), 4000)])
	}
	for _, name := range []string{"../../fixtures/samples/changes/D260102.L900001", "../../fixtures/samples/changes/D260103.L900001"} {
		if data, err := os.ReadFile(name); err == nil {
			f.Add(data)
		}
	}
	return status, change
}

// FuzzReceiver applies any bytes after a status extract, as testdata apply does, and checks that a
// refused file changes nothing and an accepted one writes back as a whole extract that applies again.
func FuzzReceiver(f *testing.F) {
	status, change := fuzzSeries(f)
	f.Add(change)
	f.Add(status)
	f.Add([]byte(strings.ReplaceAll(string(change), "\n", "\r\n")))
	f.Add(change[:len(change)-3])
	f.Fuzz(func(t *testing.T, data []byte) {
		rc := NewReceiver()
		if err := rc.Apply(bytes.NewReader(status)); err != nil {
			t.Fatal(err)
		}
		var before bytes.Buffer
		if err := rc.WriteTo(&before, nil, WriterOptions{}); err != nil {
			t.Fatal(err)
		}
		err := rc.Apply(bytes.NewReader(data))
		var after bytes.Buffer
		if werr := rc.WriteTo(&after, nil, WriterOptions{}); werr != nil {
			t.Fatalf("write what is held after %v: %v", err, werr)
		}
		if err != nil {
			if !bytes.Equal(before.Bytes(), after.Bytes()) {
				t.Fatalf("a refused file (%v) changed what is held", err)
			}
			return
		}
		again := NewReceiver()
		if err := again.Apply(bytes.NewReader(after.Bytes())); err != nil {
			t.Fatalf("what was held does not apply as a status extract: %v", err)
		}
	})
}

// FuzzInspect inspects any bytes as an extract, after the status extract, and checks the report holds
// together: an error only for a failed read, findings within the counts.
func FuzzInspect(f *testing.F) {
	status, change := fuzzSeries(f)
	f.Add(change)
	f.Add([]byte(""))
	f.Add([]byte("999999999999900000000"))
	f.Fuzz(func(t *testing.T, data []byte) {
		files := map[string][]byte{"D260101.L900001": status, "D260102.L900001": data}
		rep, err := Inspect([]string{"D260101.L900001", "D260102.L900001"}, func(n string) (io.ReadCloser, error) {
			return io.NopCloser(bytes.NewReader(files[n])), nil
		})
		if err != nil {
			t.Fatalf("Inspect of bytes in memory: %v", err)
		}
		violations := 0
		for _, f := range rep.Findings {
			if f.Violates {
				violations++
			}
		}
		if violations > rep.Violations || len(rep.Files) != 2 {
			t.Fatalf("%d violations listed, %d counted, %d files", violations, rep.Violations, len(rep.Files))
		}
		if len(data) == 0 && rep.Violations == 0 {
			t.Fatal("an empty file passed")
		}
	})
}
