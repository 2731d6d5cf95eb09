package dataset

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"testing"

	"github.com/cprtestdata/cprtestdata/formats/outdir"
)

// FuzzDecodeManifest reads any bytes as a --dir manifest and checks that it is refused with one of the
// documented errors, or gives options Write takes and file names inside the directory.
func FuzzDecodeManifest(f *testing.F) {
	if data, err := os.ReadFile("../../fixtures/samples/manifest.json"); err == nil {
		f.Add(data)
		var m map[string]any
		if json.Unmarshal(data, &m) == nil {
			m["files"] = []any{map[string]any{"name": "../escape", "bytes": 1, "sha256": "00"}}
			bad, _ := json.Marshal(m)
			f.Add(bad)
		}
	}
	f.Add([]byte(`{"version": "0.1.0"}`))
	f.Add([]byte(`{"data_version": "2", "persons": 10, "as_of": "2026-01-01", "output": {"formats": ["fixed"], "records": "all", "framing": "stream", "encoding": "iso-8859-1", "task": 1}}`))
	f.Add([]byte(`{"data_version": "2", "persons": -1}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := DecodeManifest(bytes.NewReader(data))
		if err != nil {
			if !errors.Is(err, ErrManifest) && !errors.Is(err, ErrDataVersion) {
				t.Fatalf("an error that is neither ErrManifest nor ErrDataVersion: %v", err)
			}
			return
		}
		if _, err := m.Options(); err != nil && !errors.Is(err, ErrManifest) {
			t.Fatalf("Options: %v", err)
		}
		for _, f := range m.Files {
			if outdir.CheckName(f.Name) != nil {
				t.Fatalf("accepted a file name outside the directory: %q", f.Name)
			}
		}
		if err := m.Verify(t.TempDir()); err != nil && !errors.Is(err, ErrMismatch) {
			t.Fatalf("Verify: %v", err)
		}
	})
}
