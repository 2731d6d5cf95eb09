package main

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
)

// FuzzValidate runs pnr validate on any input and checks that it ends with 0 or 1, says one verdict for
// each number it counts, and counts every line that is neither blank nor a comment.
func FuzzValidate(f *testing.F) {
	f.Add([]byte("070761-4285\n0101650001\n# a comment\n3213651234\n"))
	f.Add([]byte("\r\n\r\n0101650001"))
	f.Add(bytes.Repeat([]byte("0"), maxLine+10))
	f.Add([]byte("2902001234\n\x00\xff\t\n"))
	f.Fuzz(func(t *testing.T, input []byte) {
		var out, errOut bytes.Buffer
		code := run(context.Background(), []string{"testdata", "pnr", "validate"}, bytes.NewReader(input), &out, &errOut)
		if code != exitOK && code != exitInvalid {
			t.Fatalf("exit %d: %s", code, errOut.String())
		}
		verdicts := strings.Count(out.String(), "\n")
		if !strings.Contains(errOut.String(), " numbers: ") {
			t.Fatalf("no summary: %q", errOut.String())
		}
		var counted int
		_, summary, _ := strings.Cut(errOut.String(), ": -: ")
		if _, err := fmt.Sscanf(summary, "%d numbers", &counted); err != nil || counted != verdicts {
			t.Fatalf("%d verdicts, the summary says %q", verdicts, errOut.String())
		}
		if (code == exitInvalid) != strings.Contains(out.String(), "\tinvalid\t") {
			t.Fatalf("exit %d, verdicts %q", code, out.String())
		}
	})
}
