package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestMergeCommand makes a run in three shards and whole from the command line, merges the shards and
// compares every file; then the refusals and their exit codes.
func TestMergeCommand(t *testing.T) {
	root := t.TempDir()
	args := []string{"--persons", "1200", "--seed", "9", "--days", "6", "--final-status", "--quiet"}
	var shards []string
	for k := range 3 {
		dir := filepath.Join(root, fmt.Sprintf("part%d", k))
		if _, stderr, code := runCLI(t, "", append([]string{"generate", "--out", dir, "--shard", fmt.Sprintf("%d/3", k)}, args...)...); code != exitOK {
			t.Fatalf("shard %d: exit %d: %s", k, code, stderr)
		}
		shards = append(shards, dir)
	}
	whole := filepath.Join(root, "whole")
	if _, stderr, code := runCLI(t, "", append([]string{"generate", "--out", whole}, args...)...); code != exitOK {
		t.Fatalf("whole: exit %d: %s", code, stderr)
	}
	merged := filepath.Join(root, "merged")
	_, stderr, code := runCLI(t, "", "merge", "--out", merged, shards[2], shards[0], shards[1])
	if code != exitOK || !strings.Contains(stderr, "testdata merge: 3 shards, 1200 persons in "+merged) {
		t.Fatalf("merge: exit %d: %s", code, stderr)
	}
	err := filepath.Walk(whole, func(p string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(whole, p)
		want, _ := os.ReadFile(p)
		got, err := os.ReadFile(filepath.Join(merged, rel))
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("%s: merged differs from whole (%v)", rel, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}

	damaged := filepath.Join(root, "damaged")
	if err := os.CopyFS(damaged, os.DirFS(shards[1])); err != nil {
		t.Fatal(err)
	}
	jsonl := filepath.Join(damaged, "persons.jsonl")
	data, _ := os.ReadFile(jsonl)
	os.WriteFile(jsonl, append(data, '\n'), 0o644)
	for _, tt := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{"no shards", []string{"--out", filepath.Join(root, "x")}, exitUsage, "no shard directories"},
		{"no --out", shards, exitUsage, "--out is required"},
		{"a shard missing", append([]string{"--out", filepath.Join(root, "x")}, shards[:2]...), exitUsage, "shard 2/3 missing"},
		{"a whole run", []string{"--out", filepath.Join(root, "x"), whole}, exitUsage, "a whole run, not a shard"},
		{"not a run", []string{"--out", filepath.Join(root, "x"), root}, exitUsage, "not a manifest of testdata generate"},
		{"a damaged shard", []string{"--out", filepath.Join(root, "x"), shards[0], damaged, shards[2]}, exitInvalid, "persons.jsonl: file does not match the manifest"},
		{"--out not empty", append([]string{"--out", whole}, shards...), exitUsage, "not empty"},
	} {
		_, stderr, code := runCLI(t, "", append([]string{"merge"}, tt.args...)...)
		if code != tt.code || !strings.Contains(stderr, tt.want) {
			t.Errorf("%s: exit %d, want %d with %q: %s", tt.name, code, tt.code, tt.want, stderr)
		}
		if _, err := os.Stat(filepath.Join(root, "x")); err == nil {
			t.Errorf("%s: left x behind", tt.name)
		}
	}
}
