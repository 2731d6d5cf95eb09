#!/usr/bin/env bash
# Measures testdata generate writing a status extract: wall time and peak memory (max RSS) for each
# format, by default at 1,000,000 persons, and the time to just write the fixed-width file's bytes to
# the same disk (dd with fsync), the yardstick the extract is held to.
# Usage: scripts/bench-extract.sh [PERSONS]
set -euo pipefail
cd "$(dirname "$0")/.."
persons=${1:-1000000}
work=$(mktemp -d "${TMPDIR:-/tmp}/bench-extract.XXXXXX")
trap 'rm -rf "$work"' EXIT
go build -o "$work/testdata" ./cmd/testdata
for format in fixed csv parquet; do
  rm -rf "$work/out"
  /usr/bin/time -f "%e %M" -o "$work/time.txt" "$work/testdata" generate --out "$work/out" \
    --persons "$persons" --format "$format" --quiet
  read -r wall rss <"$work/time.txt"
  size=$(du -sm "$work/out" | cut -f1)
  printf '%s persons, --format %-8s %6.1f s wall  %5d MB max RSS  (%s MB written)\n' "$persons" "$format" "$wall" "$((rss / 1024))" "$size"
  if [ "$format" = fixed ]; then
    extract=$(ls "$work/out"/D*.L*)
    start=$(date +%s.%N)
    dd if="$extract" of="$work/copy" bs=1M conv=fsync status=none
    end=$(date +%s.%N)
    printf '   writing the same %s MB with dd and fsync: %.1f s\n' "$(du -sm "$extract" | cut -f1)" "$(echo "$end - $start" | bc)"
    rm -f "$work/copy"
  fi
done
