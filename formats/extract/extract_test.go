package extract

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cprtestdata/cprtestdata/generator/civil"
)

// samples are CPR's real test files in the shared reference, beside the repository.
var samples = filepath.Join("..", "..", "..", "shared", "reference", "samples")

func readSample(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(samples, name))
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("CI needs the shared reference beside the repository: %v", err)
		}
		t.Skipf("the shared reference is not beside the repository: %v", err)
	}
	return data
}

func readAll(t *testing.T, data []byte) ([]*Record, *Reader) {
	t.Helper()
	r := NewReader(bytes.NewReader(data))
	var recs []*Record
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return recs, r
		}
		if err != nil {
			t.Fatalf("record %d: %v", len(recs)+1, err)
		}
		recs = append(recs, rec)
	}
}

func writeAll(t *testing.T, recs []*Record, opts WriterOptions) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := NewWriter(&buf, opts)
	for _, rec := range recs {
		if err := w.Write(rec); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestSamples parses CPR's test files completely and writes them back byte for byte.
func TestSamples(t *testing.T) {
	tests := []struct {
		file    string
		records int
		framing Framing
		trimmed bool
		counter string // the 999 record's TAELLER
	}{
		{"U12170-P_opgavenr_110901_stream.txt", 1100, Stream, false, "00001098"},
		{"U12170-P_opgavenr_110901_lines.txt", 1100, LF, true, "00001098"},
		{"D100312.L431101", 1141, LF, true, "00001152"}, // a wrong counter: 1,139 records lie between
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			data := readSample(t, tt.file)
			recs, r := readAll(t, data)
			if len(recs) != tt.records {
				t.Fatalf("%d records, want %d", len(recs), tt.records)
			}
			framing, trimmed := r.Framing()
			if framing != tt.framing || trimmed != tt.trimmed {
				t.Errorf("framing %v trimmed %v, want %v %v", framing, trimmed, tt.framing, tt.trimmed)
			}
			if recs[0].Type() != "000" || recs[len(recs)-1].Type() != "999" {
				t.Errorf("first %s, last %s", recs[0].Type(), recs[len(recs)-1].Type())
			}
			if got := recs[len(recs)-1].Get("Counter"); got != tt.counter {
				t.Errorf("999 counter %s, want %s", got, tt.counter)
			}
			back := writeAll(t, recs, WriterOptions{Framing: framing, Trim: trimmed})
			if !bytes.Equal(back, data) {
				i := 0
				for i < len(back) && i < len(data) && back[i] == data[i] {
					i++
				}
				t.Errorf("written back differs at byte %d of %d", i, len(data))
			}
		})
	}
}

// TestSampleFields spot-checks values of the stream sample against what the reference notes show.
func TestSampleFields(t *testing.T) {
	recs, _ := readAll(t, readSample(t, "U12170-P_opgavenr_110901_stream.txt"))
	start := recs[0]
	if start.Get("TaskNumber") != "110901" {
		t.Errorf("OPGAVENR %q", start.Get("TaskNumber"))
	}
	p := recs[1]
	if p.Type() != "001" || p.Get("PNR") != "0101965058" || p.Get("Status") != "01" || p.Get("Gender") != "K" {
		t.Errorf("first person: %q %q %q %q", p.Type(), p.Get("PNR"), p.Get("Status"), p.Get("Gender"))
	}
	if d, ok := p.Date("Birthdate"); !ok || d != (civil.Date{Year: 1896, Month: 1, Day: 1}) {
		t.Errorf("FOED_DT %v %v", d, ok)
	}
	if p.Get("Job") != "Pensionist" {
		t.Errorf("STILLING %q", p.Get("Job"))
	}
	// ISO-8859-1 letters decode to their runes.
	found := false
	for _, r := range recs {
		if r.Type() == "008" && strings.ContainsAny(r.Get("LastName"), "æøåÆØÅü") {
			found = true
		}
	}
	if !found {
		t.Error("no name with a Danish letter decoded")
	}
}

func TestFramings(t *testing.T) {
	recs, _ := readAll(t, readSample(t, "U12170-P_opgavenr_110901_stream.txt"))
	for _, opts := range []WriterOptions{
		{Framing: Stream}, {Framing: LF}, {Framing: CRLF}, {Framing: LF, Trim: true}, {Framing: CRLF, Trim: true},
		{Framing: LF, Encoding: UTF8}, {Framing: Stream, Encoding: UTF8},
	} {
		data := writeAll(t, recs, opts)
		r := NewReaderEncoding(bytes.NewReader(data), opts.Encoding)
		var again []*Record
		for {
			rec, err := r.Read()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("%+v: %v", opts, err)
			}
			again = append(again, rec)
		}
		if len(again) != len(recs) {
			t.Fatalf("%+v: read back %d records, wrote %d", opts, len(again), len(recs))
		}
		for i := range recs {
			if strings.Join(again[i].Values, "") != strings.Join(recs[i].Values, "") {
				t.Fatalf("%+v: record %d differs", opts, i+1)
			}
		}
		if f, trimmed := r.Framing(); f != opts.Framing || (opts.Trim && !trimmed) {
			t.Errorf("%+v: detected %v trimmed %v", opts, f, trimmed)
		}
	}
}

func TestReadErrors(t *testing.T) {
	full001 := "001" + strings.Repeat(" ", 103)
	tests := []struct {
		name  string
		input string
		want  error
		line  int
		field string
	}{
		{"unknown type", "000" + strings.Repeat("0", 32) + "777abc", ErrUnknownType, 2, ""},
		{"truncated stream", "00000000000001109012001111920011116001123", ErrTruncated, 2, ""},
		{"too short for a type", "0", ErrTruncated, 1, ""},
		{"letters in a number", "99999999999990000A098", ErrFieldFormat, 1, "TAELLER"},
		{"malformed date", "001" + "0101965058" + strings.Repeat(" ", 10) + "01" + "000000000000" + " K" + "1896/01/01" + strings.Repeat(" ", 57), ErrFieldFormat, 1, "FOED_DT"},
		{"unknown type after a line", full001 + "\n888", ErrUnknownType, 2, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := NewReader(strings.NewReader(tt.input))
			var err error
			for err == nil {
				_, err = r.Read()
			}
			var pe *ParseError
			if !errors.Is(err, tt.want) || !errors.As(err, &pe) {
				t.Fatalf("error %v, want %v", err, tt.want)
			}
			if pe.Line != tt.line || pe.Field != tt.field {
				t.Errorf("line %d field %q, want %d %q (%v)", pe.Line, pe.Field, tt.line, tt.field, err)
			}
		})
	}
}

func TestFieldErrorDoesNotStop(t *testing.T) {
	input := "99999999999990000A098" + "999999999999900000001"
	r := NewReader(strings.NewReader(input + "9"))
	if _, err := r.Read(); !errors.Is(err, ErrFieldFormat) {
		t.Fatalf("first: %v", err)
	}
	if rec, err := r.Read(); err != nil || rec.Get("Counter") != "00000001" {
		t.Fatalf("second: %v %v", rec, err)
	}
}

func TestWriteErrors(t *testing.T) {
	rec, _ := NewRecord("008")
	rec.Set("PNR", "0101650001")
	rec.Set("FirstName_s", "Łukasz")
	var buf bytes.Buffer
	w := NewWriter(&buf, WriterOptions{})
	err := w.Write(rec)
	var we *WriteError
	if !errors.Is(err, ErrNotLatin1) || !errors.As(err, &we) || we.PNR != "0101650001" || we.Field != "FORNVN" {
		t.Fatalf("Write = %v", err)
	}
	if err2 := w.Write(rec); err2 != err {
		t.Error("the error is not sticky")
	}
	if err := rec.Set("LastName", strings.Repeat("x", 41)); !errors.Is(err, ErrTooLong) {
		t.Errorf("Set of 41 characters in a 40-character field = %v", err)
	}
	if _, err := NewRecord("123"); !errors.Is(err, ErrUnknownType) {
		t.Errorf("NewRecord(123) = %v", err)
	}
}

func TestSetters(t *testing.T) {
	rec, _ := NewRecord("001")
	rec.Set("PNR", "0707614285")
	rec.SetInt("Status", 1)
	rec.SetDate("Birthdate", civil.Date{Year: 1961, Month: 7, Day: 7})
	rec.SetDate("StatusStartDate", civil.Date{Year: 1961, Month: 7, Day: 7})
	got := strings.Join(rec.Values, "")
	want := "0010707614285          01196107071200  1961-07-07 " + strings.Repeat(" ", 56)
	if got != want {
		t.Errorf("record:\n%q\nwant\n%q", got, want)
	}
	if d, ok := rec.Date("StatusStartDate"); !ok || d.Year != 1961 {
		t.Errorf("Date = %v %v", d, ok)
	}
}

func FuzzReader(f *testing.F) {
	for _, name := range []string{"U12170-P_opgavenr_110901_lines.txt", "D100312.L431101"} {
		if data, err := os.ReadFile(filepath.Join(samples, name)); err == nil {
			f.Add(data[:min(len(data), 2000)])
		}
	}
	f.Add([]byte("00000000000001109012001111920011116"))
	f.Fuzz(func(t *testing.T, data []byte) {
		r := NewReader(bytes.NewReader(data))
		var recs []*Record
		for i := 0; i < 10000; i++ {
			rec, err := r.Read()
			if err == io.EOF {
				break
			}
			if err != nil {
				var pe *ParseError
				if !errors.As(err, &pe) {
					t.Fatalf("error %T %v is not a *ParseError", err, err)
				}
				if pe.Field == "" {
					break
				}
				continue // a record with a field out of format is reported, not round-tripped
			}
			recs = append(recs, rec)
		}
		// What was read writes back and reads back the same.
		var buf bytes.Buffer
		w := NewWriter(&buf, WriterOptions{Framing: LF})
		for _, rec := range recs {
			if err := w.Write(rec); err != nil {
				t.Fatalf("write back: %v", err)
			}
		}
		w.Flush()
		r2 := NewReader(&buf)
		for i, rec := range recs {
			again, err := r2.Read()
			if err != nil {
				t.Fatalf("read back record %d: %v", i+1, err)
			}
			if strings.Join(again.Values, "") != strings.Join(rec.Values, "") {
				t.Fatalf("record %d differs after a round trip", i+1)
			}
		}
	})
}
