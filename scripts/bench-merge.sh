#!/usr/bin/env bash
# Measures testdata merge of a run made in SHARDS shards (every format, by default 1,000,000 persons with
# a 7-day timeline and its final status) against the physical limit on the same disk in the same run:
# dd with fsync of the merged run's bytes (all its files concatenated). RUNS runs (3) alternating with
# dd; the medians of wall time, CPU time, peak memory and the ratio wall / dd. Merge reads every shard
# file twice (its SHA-256 against the manifest, then the copy) and writes the run once.
# Usage: scripts/bench-merge.sh [PERSONS] [SHARDS] [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
persons=${1:-1000000}
shards=${2:-4}
runs=${3:-3}
work=$(mktemp -d "${TMPDIR:-/tmp}/bench-merge.XXXXXX")
trap 'rm -rf "$work"' EXIT
go build -o "$work/testdata" ./cmd/testdata
median() { sort -g | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }

dirs=()
for k in $(seq 0 $((shards - 1))); do
  "$work/testdata" generate --out "$work/part$k" --shard "$k/$shards" --persons "$persons" --days 7 --final-status --quiet
  dirs+=("$work/part$k")
done
: >"$work/wall" && : >"$work/cpu" && : >"$work/rss" && : >"$work/dd"
for _ in $(seq "$runs"); do
  rm -rf "$work/out"
  sync
  /usr/bin/time -f "%e %U %S %M" -o "$work/time.txt" "$work/testdata" merge --out "$work/out" --quiet "${dirs[@]}"
  read -r wall user sys rss <"$work/time.txt"
  echo "$wall" >>"$work/wall"
  echo "$user + $sys" | bc >>"$work/cpu"
  echo $((rss / 1024)) >>"$work/rss"
  sync
  start=$(date +%s.%N)
  find "$work/out" -type f -print0 | sort -z | xargs -0 cat | dd of="$work/copy" bs=1M conv=fsync status=none
  end=$(date +%s.%N)
  rm -f "$work/copy"
  echo "$end - $start" | bc >>"$work/dd"
done
size=$(du -sm "$work/out" | cut -f1)
wall=$(median <"$work/wall")
dd=$(median <"$work/dd")
printf '%s persons in %s shards, every format, 7 days: merge %.2f s wall, %.2f s CPU, %d MB max RSS; dd conv=fsync of the merged %d MB: %.2f s; ratio %.2fx (medians of %s runs)\n' \
  "$persons" "$shards" "$wall" "$(median <"$work/cpu")" "$(median <"$work/rss")" "$size" "$dd" "$(echo "$wall / $dd" | bc -l)" "$runs"
