package sandbox

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/cprtestdata/cprtestdata/generator"
)

// TestOpenAPIListsEveryRoute: every route the handler has is in /api/openapi.json with its method, and
// every path there is a route (Datafordeler's under /CPR/ included).
func TestOpenAPIListsEveryRoute(t *testing.T) {
	var doc struct {
		Paths map[string]map[string]any `json:"paths"`
	}
	if err := json.Unmarshal(openAPI, &doc); err != nil {
		t.Fatal(err)
	}
	_, patterns := (&handler{}).routes()
	routed := map[string]bool{}
	for _, p := range patterns {
		method, path, _ := strings.Cut(p, " ")
		path = strings.TrimSuffix(path, "{$}")
		if strings.HasPrefix(path, "/ui/") || path == "/" { // the web page and its forms
			continue
		}
		if strings.HasSuffix(SF6002Path, "/") && path == SF6002Path[:len(SF6002Path)-1] {
			continue // the same service without its trailing slash
		}
		if path == "/admin/faults/{kind}" { // listed kind by kind
			for _, kind := range []string{"file", "latency", "direkte-error", "http-error", "drop"} {
				routed["post /admin/faults/"+kind] = true
				if _, ok := doc.Paths["/admin/faults/"+kind]["post"]; !ok {
					t.Errorf("POST /admin/faults/%s is not in openapi.json", kind)
				}
			}
			continue
		}
		routed[strings.ToLower(method)+" "+path] = true
		if _, ok := doc.Paths[path][strings.ToLower(method)]; !ok {
			t.Errorf("%s %s is not in openapi.json", method, path)
		}
	}
	for op := range dfOperations {
		service, name, _ := strings.Cut(op, "/")
		found := false
		for path := range doc.Paths {
			if strings.EqualFold(path, "/CPR/"+service+"/1/rest/"+name) {
				found, routed["get "+path] = true, true
			}
		}
		if !found {
			t.Errorf("Datafordeler's %s is not in openapi.json", op)
		}
	}
	routed["get /CPR/CprHaendelse/1/rest/CprHaendelse"] = true // the events feed: TestCprHaendelse
	for path, methods := range doc.Paths {
		for m := range methods {
			if !routed[m+" "+path] {
				t.Errorf("openapi.json has %s %s, which the handler has no route for", m, path)
			}
		}
	}
}

// TestDatafordelerAnswersMatchTheSchema validates the documents of every person of a population, with
// and without history, Complete and Simple, against the DfPerson schema of /api/openapi.json.
func TestDatafordelerAnswersMatchTheSchema(t *testing.T) {
	var doc struct {
		Components struct {
			Schemas map[string]any `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal(openAPI, &doc); err != nil {
		t.Fatal(err)
	}
	sb, err := New(t.Context(), Config{Generator: generator.Config{Persons: 3000, Seed: 8}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sb.Advance(t.Context(), 30); err != nil {
		t.Fatal(err)
	}
	v := &schemaValidator{schemas: doc.Components.Schemas}
	n := 0
	for _, p := range sb.persons {
		for _, op := range dfOperations {
			b, _ := json.Marshal(map[string]any{"Personer": []any{map[string]any{"Person": sb.dfDocument(p, op.history, op.complete)}}})
			var got any
			json.Unmarshal(b, &got)
			if err := v.validate(map[string]any{"$ref": "#/components/schemas/DfPersoner"}, got, ""); err != nil {
				t.Fatalf("%s (history %v, complete %v): %v\n%s", p.Number, op.history, op.complete, err, b)
			}
			n++
		}
	}
	if n < 10000 {
		t.Errorf("only %d documents", n)
	}
	// The validator refuses what the schema does not allow.
	for _, bad := range []string{`{"Personer":[{"Person":{"koen":"x"}}]}`, `{"Personer":[{"Person":{"id":"a","koen":"mand","status":"doed",` +
		`"Personnumre":[],"Navne":[],"Adresseoplysninger":[],"Civilstande":[],"extra":1}}]}`, `{"Personer":{}}`} {
		var x any
		json.Unmarshal([]byte(bad), &x)
		if v.validate(map[string]any{"$ref": "#/components/schemas/DfPersoner"}, x, "") == nil {
			t.Errorf("the validator takes %s", bad)
		}
	}
}

// schemaValidator checks the part of JSON Schema the document uses: $ref, type, properties, required,
// additionalProperties false, items, enum, pattern.
type schemaValidator struct{ schemas map[string]any }

func (v *schemaValidator) validate(schema map[string]any, x any, at string) error {
	if ref, ok := schema["$ref"].(string); ok {
		s, ok := v.schemas[strings.TrimPrefix(ref, "#/components/schemas/")].(map[string]any)
		if !ok {
			return fmt.Errorf("%s: no schema %s", at, ref)
		}
		return v.validate(s, x, at)
	}
	if enum, ok := schema["enum"].([]any); ok && !slices.Contains(enum, x) {
		return fmt.Errorf("%s: %v is not one of %v", at, x, enum)
	}
	switch schema["type"] {
	case "object":
		o, ok := x.(map[string]any)
		if !ok {
			return fmt.Errorf("%s: %T, want an object", at, x)
		}
		props, _ := schema["properties"].(map[string]any)
		for _, r := range asSlice(schema["required"]) {
			if _, ok := o[r.(string)]; !ok {
				return fmt.Errorf("%s: no %s", at, r)
			}
		}
		for k, val := range o {
			ps, ok := props[k].(map[string]any)
			if !ok {
				if schema["additionalProperties"] == false {
					return fmt.Errorf("%s: %s is not in the schema", at, k)
				}
				continue
			}
			if err := v.validate(ps, val, at+"."+k); err != nil {
				return err
			}
		}
	case "array":
		a, ok := x.([]any)
		if !ok {
			return fmt.Errorf("%s: %T, want an array", at, x)
		}
		items, _ := schema["items"].(map[string]any)
		for i, e := range a {
			if err := v.validate(items, e, fmt.Sprintf("%s[%d]", at, i)); err != nil {
				return err
			}
		}
	case "string":
		s, ok := x.(string)
		if !ok {
			return fmt.Errorf("%s: %v, want a string", at, x)
		}
		if pat, ok := schema["pattern"].(string); ok && !regexp.MustCompile(pat).MatchString(s) {
			return fmt.Errorf("%s: %q does not match %s", at, s, pat)
		}
		if schema["format"] == "date-time" && !regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d)$`).MatchString(s) {
			return fmt.Errorf("%s: %q is not a date-time", at, s)
		}
	case "boolean":
		if _, ok := x.(bool); !ok {
			return fmt.Errorf("%s: %v, want a boolean", at, x)
		}
	case "integer", "number":
		if _, ok := x.(float64); !ok {
			return fmt.Errorf("%s: %v, want a number", at, x)
		}
	}
	return nil
}

func asSlice(x any) []any {
	s, _ := x.([]any)
	return s
}
