package cprsandbox_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/moby/moby/api/types/container"
	"github.com/testcontainers/testcontainers-go"
	"github.com/testcontainers/testcontainers-go/wait"
	"go.yaml.in/yaml/v3"

	"github.com/cprtestdata/cprtestdata/formats/dataset"
	"github.com/cprtestdata/cprtestdata/sandbox/cprsandbox"
)

// job is what the tests read of a Kubernetes Job manifest.
type job struct {
	Kind     string `yaml:"kind"`
	Metadata struct {
		Name string `yaml:"name"`
	} `yaml:"metadata"`
	Spec struct {
		CompletionMode string `yaml:"completionMode"`
		Completions    int    `yaml:"completions"`
		Parallelism    int    `yaml:"parallelism"`
		Template       struct {
			Spec struct {
				Containers []struct {
					Command []string `yaml:"command"`
					Args    []string `yaml:"args"`
					Env     []struct {
						Name      string `yaml:"name"`
						ValueFrom struct {
							FieldRef struct {
								FieldPath string `yaml:"fieldPath"`
							} `yaml:"fieldRef"`
						} `yaml:"valueFrom"`
					} `yaml:"env"`
					VolumeMounts []struct {
						MountPath string `yaml:"mountPath"`
					} `yaml:"volumeMounts"`
				} `yaml:"containers"`
			} `yaml:"spec"`
		} `yaml:"template"`
	} `yaml:"spec"`
}

// readJob returns the Job named name in the manifest file.
func readJob(t *testing.T, file, name string) *job {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", "deploy", "kubernetes", file))
	if err != nil {
		t.Fatal(err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	for {
		var j job
		if err := dec.Decode(&j); err == io.EOF {
			break
		} else if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		if j.Kind == "Job" && j.Metadata.Name == name {
			if len(j.Spec.Template.Spec.Containers) != 1 {
				t.Fatalf("%s: job %s has %d containers", file, name, len(j.Spec.Template.Spec.Containers))
			}
			return &j
		}
	}
	t.Fatalf("%s: no Job %s", file, name)
	return nil
}

// runToExit runs the image with command and args as a pod of the manifests would: the shared directory
// out at /out, an empty /tmp, the root file system read-only, the host's user (for the directory), and
// waits for it to exit; anything but exit 0 is an error, with the container's output.
func runToExit(t *testing.T, out string, command, args []string) error {
	ctx := context.Background()
	ctr, err := testcontainers.Run(ctx, cprsandbox.DefaultImage,
		testcontainers.WithEntrypoint(command...), testcontainers.WithCmd(args...),
		testcontainers.WithConfigModifier(func(c *container.Config) { c.User = fmt.Sprintf("%d:%d", os.Getuid(), os.Getgid()) }),
		testcontainers.WithHostConfigModifier(func(hc *container.HostConfig) {
			hc.Binds = append(hc.Binds, out+":/out")
			hc.Tmpfs = map[string]string{"/tmp": "rw"}
			hc.ReadonlyRootfs = true
		}),
		testcontainers.WithWaitStrategy(wait.ForExit().WithExitTimeout(3*time.Minute)))
	testcontainers.CleanupContainer(t, ctr)
	if err != nil {
		return fmt.Errorf("%v: %w", args, err)
	}
	state, err := ctr.State(ctx)
	if err != nil {
		return err
	}
	if state.ExitCode != 0 {
		logs, _ := ctr.Logs(ctx)
		text, _ := io.ReadAll(logs)
		return fmt.Errorf("%v: exit %d: %s", args, state.ExitCode, text)
	}
	return nil
}

// TestShardsAsIndexedJob runs deploy/kubernetes as Kubernetes would, with containers of the image: the
// Indexed Job's pods all at once, each with the manifest's command and args and $(SHARD_INDEX) its
// completion index (a smaller population and timeline than the manifest's), on one shared directory,
// then the merge Job's. The merged run must be the run made whole, byte for byte: its manifest's
// options, given to generate unsharded here, make the same files.
func TestShardsAsIndexedJob(t *testing.T) {
	shards := readJob(t, "shards-job.yaml", "cprtestdata-shards")
	merge := readJob(t, "merge-job.yaml", "cprtestdata-merge")
	c := shards.Spec.Template.Spec.Containers[0]
	if shards.Spec.CompletionMode != "Indexed" || shards.Spec.Parallelism != shards.Spec.Completions || len(c.Env) != 1 || c.Env[0].Name != "SHARD_INDEX" ||
		c.Env[0].ValueFrom.FieldRef.FieldPath != "metadata.annotations['batch.kubernetes.io/job-completion-index']" {
		t.Fatalf("the shards' Job is not an Indexed Job with SHARD_INDEX its completion index: %+v", shards.Spec)
	}
	smaller := map[string]string{"--persons": "3000", "--days": "8"}
	out := t.TempDir()
	var wg sync.WaitGroup
	for k := range shards.Spec.Completions {
		args := make([]string, len(c.Args))
		for i, a := range c.Args {
			args[i] = strings.ReplaceAll(a, "$(SHARD_INDEX)", strconv.Itoa(k))
			if v, ok := smaller[c.Args[max(0, i-1)]]; ok && i > 0 {
				args[i] = v
			}
		}
		wg.Go(func() {
			if err := runToExit(t, out, c.Command, args); err != nil {
				t.Errorf("shard %d: %v", k, err)
			}
		})
	}
	wg.Wait()
	if t.Failed() {
		return
	}
	start := time.Now()
	mc := merge.Spec.Template.Spec.Containers[0]
	if err := runToExit(t, out, mc.Command, mc.Args); err != nil {
		t.Fatalf("merge: %v", err)
	}
	t.Logf("%d shards merged in a container in %s", shards.Spec.Completions, time.Since(start).Round(time.Millisecond))

	merged := filepath.Join(out, "run")
	m, err := dataset.ReadManifest(merged)
	if err != nil {
		t.Fatal(err)
	}
	if m.Persons != 3000 || len(m.Days) != 8 || m.Shard != "" {
		t.Fatalf("merged manifest: %d persons, %d days, shard %q", m.Persons, len(m.Days), m.Shard)
	}
	opts, err := m.Options()
	if err != nil {
		t.Fatal(err)
	}
	whole := filepath.Join(t.TempDir(), "whole")
	if _, err := dataset.Write(context.Background(), whole, opts); err != nil {
		t.Fatal(err)
	}
	n := 0
	err = filepath.WalkDir(whole, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(whole, p)
		want, _ := os.ReadFile(p)
		got, err := os.ReadFile(filepath.Join(merged, rel))
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("%s: the merged run's differs from the whole run's (%v)", rel, err)
		}
		n++
		return nil
	})
	if err != nil || n < 10 {
		t.Fatalf("%d files compared: %v", n, err)
	}
}
