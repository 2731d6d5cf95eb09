package cprsandbox

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"github.com/moby/moby/client"
	"github.com/testcontainers/testcontainers-go"
)

// ImageRepo is the repository of the sandbox's image; Run builds an image of it from the module's own
// source when the engine does not have it and cannot pull it.
const ImageRepo = "cprtestdata/sandbox"

// pullTimeout bounds the attempt to pull a missing image before building it.
const pullTimeout = 20 * time.Second

var buildMu sync.Mutex // one build at a time in a test binary: parallel tests share it

// ensureImage makes sure the engine has img. An image of ImageRepo that is neither there nor pullable is
// built from this module's source - in the module cache, or the checkout a replace names - with the Go
// toolchain on the PATH, into a FROM scratch image, once: later runs find it.
func ensureImage(ctx context.Context, img string) error {
	if !strings.HasPrefix(img, ImageRepo+":") {
		return nil // another image: testcontainers pulls it as usual
	}
	buildMu.Lock()
	defer buildMu.Unlock()
	dc, err := testcontainers.NewDockerClientWithOpts(ctx)
	if err != nil {
		return fmt.Errorf("cprsandbox: the Docker engine: %w", err)
	}
	defer dc.Close()
	if _, err := dc.ImageInspect(ctx, img); err == nil {
		return nil
	}
	pctx, cancel := context.WithTimeout(ctx, pullTimeout)
	defer cancel()
	if resp, err := dc.ImagePull(pctx, img, client.ImagePullOptions{}); err == nil {
		if err := resp.Wait(pctx); err == nil {
			if _, err := dc.ImageInspect(ctx, img); err == nil {
				return nil
			}
		}
	}
	return BuildImage(ctx, img)
}

// moduleRoot is the directory of this module's source: two levels above this file.
func moduleRoot() (string, error) {
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		return "", fmt.Errorf("cprsandbox: cannot find the module's source")
	}
	root := filepath.Join(filepath.Dir(file), "..", "..")
	if _, err := os.Stat(filepath.Join(root, "sandbox", "Dockerfile")); err != nil {
		return "", fmt.Errorf("cprsandbox: the module's source is not at %s (built with -trimpath?): %w", root, err)
	}
	return root, nil
}

// BuildImage builds img from this module's source now: the static testdata binary with the Go
// toolchain the caller runs on, then the FROM scratch image of sandbox/Dockerfile through
// testcontainers' image build. Run does it by itself when the engine has no image; call it to rebuild.
func BuildImage(ctx context.Context, img string) error {
	root, err := moduleRoot()
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "cprsandbox-build-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	// The context as sandbox/Dockerfile expects it: testdata, LICENSE, NOTICE, sandbox/rootfs.
	for _, f := range []string{"LICENSE", "NOTICE", "sandbox/Dockerfile", "sandbox/rootfs/tmp/README", "sandbox/rootfs/data/README"} {
		data, err := os.ReadFile(filepath.Join(root, f))
		if err != nil {
			return fmt.Errorf("cprsandbox: build the image: %w", err)
		}
		target := filepath.Join(dir, f)
		if f == "sandbox/Dockerfile" {
			target = filepath.Join(dir, "Dockerfile")
		}
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(target, data, 0o644); err != nil {
			return err
		}
	}
	goBin := "go"
	if goroot := runtime.GOROOT(); goroot != "" {
		if p := filepath.Join(goroot, "bin", "go"); fileExists(p) {
			goBin = p // the toolchain the tests run on
		}
	}
	build := exec.CommandContext(ctx, goBin, "build", "-trimpath", "-ldflags", "-s -w", "-o", filepath.Join(dir, "testdata"), "./cmd/testdata")
	build.Dir = root
	build.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOFLAGS=-mod=readonly -buildvcs=false")
	if out, err := build.CombinedOutput(); err != nil {
		return fmt.Errorf("cprsandbox: build the sandbox's binary in %s: %v: %s", root, err, strings.TrimSpace(string(out)))
	}
	repo, tag, _ := strings.Cut(img, ":")
	version := moduleVersion()
	provider, err := testcontainers.NewDockerProvider()
	if err != nil {
		return fmt.Errorf("cprsandbox: build %s: %w", img, err)
	}
	defer provider.Close()
	req := &testcontainers.ContainerRequest{FromDockerfile: testcontainers.FromDockerfile{
		Context: dir, Dockerfile: "Dockerfile", Repo: repo, Tag: tag, KeepImage: true,
		BuildArgs: map[string]*string{"VERSION": &version},
	}}
	if _, err := provider.BuildImage(ctx, req); err != nil {
		return fmt.Errorf("cprsandbox: build %s: %w", img, err)
	}
	return nil
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// moduleVersion is this module's version as the build records it: a release, or "devel" for a checkout.
func moduleVersion() string {
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, d := range append([]*debug.Module{&bi.Main}, bi.Deps...) {
			if d.Path == "github.com/cprtestdata/cprtestdata" && d.Version != "" && d.Version != "(devel)" {
				return d.Version
			}
		}
	}
	return "devel"
}

// Image returns the image Run uses by default for this module's version: ImageRepo tagged with the
// release (cprtestdata/sandbox:v1.2.0), or DefaultImage for a checkout.
func Image() string {
	if v := moduleVersion(); v != "devel" {
		return ImageRepo + ":" + v
	}
	return DefaultImage
}
