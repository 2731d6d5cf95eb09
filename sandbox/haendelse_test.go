package sandbox

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"

	"github.com/cprtestdata/cprtestdata/formats/extract"
	"github.com/cprtestdata/cprtestdata/generator"
)

// TestCprHaendelse reads the events feed as a PULL client does - every event since a date, page by
// page - and compares it with the change extracts' 099 records, event for event; then re-reads a
// person by the personid as the consumer must.
func TestCprHaendelse(t *testing.T) {
	sb, err := New(context.Background(), Config{Generator: generator.Config{Persons: 3000, Seed: 6}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sb.Advance(context.Background(), 5); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(NewHandler(sb))
	defer srv.Close()
	// The 099 records of the published change extracts, in order.
	type ev struct{ pnr, code, derived, date string }
	var want []ev
	for _, f := range sb.Files() {
		if f.Kind != "change" {
			continue
		}
		for _, rec := range recordsOf(t, f.Data()) {
			if rec.Type() == "099" {
				want = append(want, ev{rec.Get("PNR"), rec.Get("Event_"), rec.Get("DerivedMark"), f.Production.String()})
			}
		}
	}
	if len(want) < 10 {
		t.Fatalf("%d events in 5 days: the test proves little", len(want))
	}
	var got []map[string]any
	for page := 1; ; page++ {
		status, body := dfGet(t, srv.URL, "/CPR/CprHaendelse/1/rest/CprHaendelse?haendelse.afleveringsdato.ge=2026-01-02&pageSize=7&page="+strconv.Itoa(page))
		if status != http.StatusOK {
			t.Fatalf("page %d: %d %v", page, status, body)
		}
		list := body["Haendelser"].([]any)
		for _, x := range list {
			got = append(got, x.(map[string]any)["CprHaendelse"].(map[string]any))
		}
		if len(list) < 7 {
			break
		}
	}
	if len(got) != len(want) {
		t.Fatalf("%d events in the feed, %d 099 records in the change extracts", len(got), len(want))
	}
	// Every event validates against the DfHaendelser schema of /api/openapi.json.
	var doc struct {
		Components struct {
			Schemas map[string]any `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal(openAPI, &doc); err != nil {
		t.Fatal(err)
	}
	v := &schemaValidator{schemas: doc.Components.Schemas}
	for _, g := range got {
		if err := v.validate(map[string]any{"$ref": "#/components/schemas/DfHaendelser"},
			map[string]any{"Haendelser": []any{map[string]any{"CprHaendelse": g}}}, ""); err != nil {
			t.Fatalf("%v: %v", g, err)
		}
	}
	for i, g := range got {
		w := want[i]
		n := mustParse(t, w.pnr)
		code, _ := g["cprhaendelseskode"].(map[string]any)
		derived, _ := g["afledtmarkering"].(string)
		if g["personid"] != personID(n) || code["kode"] != w.code || derived != w.derived ||
			g["afleveringsdato"].(string)[:10] != w.date {
			t.Fatalf("event %d: %v, want %+v", i, g, w)
		}
	}
	// The consumer re-reads the person by the id: person.id.eq finds the same number.
	n := mustParse(t, want[0].pnr)
	status, body := dfGet(t, srv.URL, "/CPR/CprPersonFullComplete/1/rest/PersonFullCurrentListComplete?person.id.eq="+personID(n))
	if status != 200 || len(body["Personer"].([]any)) != 1 {
		t.Fatalf("re-read by personid: %d %v", status, body)
	}
	for _, q := range []string{"haendelse.bogus.eq=1", "person.id.eq=x", "haendelse.afleveringsdato.ge=not-a-date&pageSize=9999"} {
		if status, _ := dfGet(t, srv.URL, "/CPR/CprHaendelse/1/rest/CprHaendelse?"+q); status != http.StatusBadRequest {
			t.Errorf("%s: %d, want 400", q, status)
		}
	}
	// A page past the end is 200 and empty, as for persons.
	if status, body := dfGet(t, srv.URL, "/CPR/CprHaendelse/1/rest/CprHaendelse?page=999"); status != 200 || len(body["Haendelser"].([]any)) != 0 {
		t.Errorf("page past the end: %d %v", status, body)
	}
}

// recordsOf reads an extract's records.
func recordsOf(t *testing.T, data []byte) []*extract.Record {
	t.Helper()
	r := extract.NewReader(bytes.NewReader(data))
	var out []*extract.Record
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, rec)
	}
}
