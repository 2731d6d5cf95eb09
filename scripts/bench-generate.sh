#!/usr/bin/env bash
# Measures making the in-memory population model: persons per second and peak memory (max RSS) at
# 10 million persons by default. Usage: scripts/bench-generate.sh [PERSONS]
set -euo pipefail
cd "$(dirname "$0")/.."
persons=${1:-10000000}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
go test -c -o "$work/generator.test" ./generator
CPRTESTDATA_BENCH_PERSONS=$persons /usr/bin/time -v "$work/generator.test" -test.run '^$' \
  -test.bench 'BenchmarkGenerate' -test.benchtime 1x 2>"$work/time.txt" | grep -E '^Benchmark'
grep -E 'Maximum resident set size|Elapsed \(wall' "$work/time.txt"
