#!/usr/bin/env bash
# Measures testdata generate with a timeline: the status extract and a change extract per day, by
# default for 1,000,000 persons and 365 days, in CPR's fixed-width format and then in every format.
# Prints wall time and peak memory (max RSS) of each run.
# Usage: scripts/bench-timeline.sh [PERSONS] [DAYS]
set -euo pipefail
cd "$(dirname "$0")/.."
persons=${1:-1000000}
days=${2:-365}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
go build -o "$work/testdata" ./cmd/testdata
for format in fixed fixed,csv,parquet,jsonl; do
  rm -rf "$work/out"
  /usr/bin/time -f "%e %M" -o "$work/time.txt" "$work/testdata" generate --out "$work/out" \
    --persons "$persons" --days "$days" --format "$format" --quiet
  read -r wall rss <"$work/time.txt"
  changes=$(du -sm "$work/out/changes" 2>/dev/null | cut -f1 || echo 0)
  printf '%s persons, %s days, --format %-24s %6.1f s wall  %5d MB max RSS  (change extracts %s MB)\n' \
    "$persons" "$days" "$format" "$wall" "$((rss / 1024))" "$changes"
done
