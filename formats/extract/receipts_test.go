package extract

import (
	"bytes"
	"io"
	"strings"
	"testing"

	"github.com/cprtestdata/cprtestdata/generator/civil"
)

// TestAppendBeforeEnd: 910 and 997 records go before the end record in the file's framing, the end
// record counts them, the reader reads them, inspect finds the file whole and the receiver takes them
// for no person.
func TestAppendBeforeEnd(t *testing.T) {
	day := civil.Date{Year: 2026, Month: 1, Day: 2}
	for _, opts := range []WriterOptions{{Framing: Stream}, {Framing: LF, Trim: true}, {Framing: CRLF}} {
		t.Run(opts.Framing.String(), func(t *testing.T) {
			sp, err := NewChangeSpool(FileOptions{WriterOptions: opts}, 1)
			if err != nil {
				t.Fatal(err)
			}
			defer sp.Close()
			var buf bytes.Buffer
			if _, err := sp.WriteDay(&buf, 1, day, day.AddDays(-1)); err != nil {
				t.Fatal(err)
			}
			e, err := InputError{Sort: "0101650001", Input: "06123400XX0101650001", Number: 6, Text: "ukendt handling XX"}.Record()
			if err != nil {
				t.Fatal(err)
			}
			r, err := DeletionReceipt{PNR: "0101650001", At: day, Event: "A45", Key: "mykey"}.Record()
			if err != nil {
				t.Fatal(err)
			}
			data, err := AppendBeforeEnd(buf.Bytes(), opts, []*Record{e, r})
			if err != nil {
				t.Fatal(err)
			}
			var types []string
			rd := NewReader(bytes.NewReader(data))
			for {
				rec, err := rd.Read()
				if err != nil {
					break
				}
				types = append(types, rec.Type())
				if rec.Type() == "997" && (rec.Get("KeyConstant") != "mykey" || rec.Get("UpdateTime")[:8] != "20260102") {
					t.Errorf("997: %q", rec.Values)
				}
			}
			if got := strings.Join(types, ","); got != "000,910,997,999" {
				t.Fatalf("records %s", got)
			}
			if end, _ := EndRecord(data); !bytes.Contains(data[end:], []byte("999999999900000002")) {
				t.Errorf("end record %q", data[end:])
			}
			rc := NewReceiver()
			status := AppendEnd(AppendStart(nil, 900001, day.AddDays(-1), day.AddDays(-2)), 0)
			if err := rc.Apply(bytes.NewReader(status)); err != nil {
				t.Fatal(err)
			}
			if err := rc.Apply(bytes.NewReader(data)); err != nil || len(rc.Numbers()) != 0 {
				t.Errorf("receiver: %v, holds %v", err, rc.Numbers())
			}
			rep, err := Inspect([]string{"D260102.L900001"}, func(string) (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil })
			if err != nil || rep.Violations != 0 {
				t.Errorf("inspect: %v, %d violations: %+v", err, rep.Violations, rep)
			}
		})
	}
}
