//go:build unix

package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

var (
	buildOnce sync.Once
	builtBin  string
	buildErr  error
)

// binary builds the command once for the tests that send it real signals.
func binary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		builtBin = filepath.Join(binDir, "testdata")
		if out, err := exec.Command("go", "build", "-o", builtBin, ".").CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return builtBin
}

// TestInterruptEndsReads sends SIGINT and SIGTERM to pnr validate reading an endless line (/dev/zero)
// and a FIFO nobody writes to, and checks that each ends with exit 130 promptly.
func TestInterruptEndsReads(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the command")
	}
	bin := binary(t)
	fifo := filepath.Join(t.TempDir(), "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name   string
		file   string
		signal syscall.Signal
		within time.Duration
	}{
		{"an endless line, Ctrl-C", "/dev/zero", syscall.SIGINT, time.Second},
		{"an endless line, SIGTERM", "/dev/zero", syscall.SIGTERM, time.Second},
		{"a FIFO without a writer, Ctrl-C", fifo, syscall.SIGINT, 5 * time.Second}, // blocked in open(2): the grace ends it
	} {
		t.Run(tc.name, func(t *testing.T) {
			cmd := exec.Command(bin, "pnr", "validate", tc.file)
			var stderr strings.Builder
			cmd.Stderr = &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			time.Sleep(300 * time.Millisecond)
			start := time.Now()
			cmd.Process.Signal(tc.signal)
			done := make(chan error, 1)
			go func() { done <- cmd.Wait() }()
			select {
			case err := <-done:
				code := -1
				if ee, ok := err.(*exec.ExitError); ok {
					code = ee.ExitCode()
				}
				if code != exitInterrupted || !strings.Contains(stderr.String(), "interrupted") {
					t.Errorf("exit %d (%v), stderr %q; want %d and interrupted", code, err, stderr.String(), exitInterrupted)
				}
				if d := time.Since(start); d > tc.within {
					t.Errorf("ended %s after the signal, want within %s", d, tc.within)
				}
			case <-time.After(tc.within + 5*time.Second):
				cmd.Process.Kill()
				t.Fatalf("still running %s after the signal", tc.within+5*time.Second)
			}
		})
	}
}

// TestInterruptLeavesNothing runs the real command, interrupts it as Ctrl-C does, and checks the exit
// code and that no file that looks finished is left.
func TestInterruptLeavesNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the command")
	}
	dir := t.TempDir()
	bin := binary(t)
	out := filepath.Join(dir, "out")
	cmd := exec.Command(bin, "generate", "--out", out, "--persons", "5000000", "--quiet")
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Wait until it is writing, then interrupt.
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if entries, _ := os.ReadDir(out); len(entries) > 0 {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	time.Sleep(300 * time.Millisecond)
	cmd.Process.Signal(syscall.SIGINT)
	err := cmd.Wait()
	code := -1
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	}
	if code != exitInterrupted || !strings.Contains(stderr.String(), "interrupted") {
		t.Fatalf("exit %d (%v), stderr %q; want %d and interrupted", code, err, stderr.String(), exitInterrupted)
	}
	filepath.WalkDir(out, func(path string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			t.Errorf("interrupted run left %s", path)
		}
		return nil
	})
}
