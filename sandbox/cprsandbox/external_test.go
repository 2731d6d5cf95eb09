package cprsandbox_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// TestModuleBuildsItsImage is a user's project: a module outside the repository that requires this one
// (a replace to the checkout) and starts the sandbox through Run, with the image absent and no registry:
// Run builds it from the module's source, and a second run finds it.
func TestModuleBuildsItsImage(t *testing.T) {
	const img = "cprtestdata/sandbox:external-test"
	rmi := func() { exec.Command("docker", "rmi", "-f", img).Run() }
	rmi()
	t.Cleanup(rmi)
	_, file, _, _ := runtime.Caller(0)
	root, _ := filepath.Abs(filepath.Join(filepath.Dir(file), "..", ".."))
	dir := t.TempDir()
	gomod := "module example.com/receiver\n\ngo 1.26\n\nrequire github.com/cprtestdata/cprtestdata v0.0.0\n\nreplace github.com/cprtestdata/cprtestdata => " + root + "\n"
	test := `package receiver

import (
	"context"
	"net/http"
	"testing"

	"github.com/testcontainers/testcontainers-go"

	"github.com/cprtestdata/cprtestdata/sandbox/cprsandbox"
)

func TestSandbox(t *testing.T) {
	ctx := context.Background()
	ctr, err := cprsandbox.Run(ctx, "` + img + `", cprsandbox.WithPersons(500))
	testcontainers.CleanupContainer(t, ctr)
	if err != nil {
		t.Fatal(err)
	}
	base, err := ctr.URL(ctx)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.Get(base + "/healthz")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("healthz: %v %v", err, resp)
	}
}
`
	for name, content := range map[string]string{"go.mod": gomod, "receiver_test.go": test} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	goCmd := func(args ...string) string {
		t.Helper()
		cmd := exec.Command(filepath.Join(runtime.GOROOT(), "bin", "go"), args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "TESTCONTAINERS_RYUK_DISABLED=true", "TESTCONTAINERS_HOST_OVERRIDE=localhost")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return string(out)
	}
	goCmd("mod", "tidy")
	goCmd("test", "-count=1", "./...")
	if out, err := exec.Command("docker", "image", "inspect", "-f", "{{.Config.Labels}}", img).CombinedOutput(); err != nil || !strings.Contains(string(out), "cprtestdata sandbox") {
		t.Fatalf("the image was not built: %v %s", err, out)
	}
	goCmd("test", "-count=1", "./...") // the image is there now: no build
}
