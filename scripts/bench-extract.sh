#!/usr/bin/env bash
# Measures testdata generate writing a status extract in each format, against the physical limit on the
# same disk in the same run: dd with fsync of the fixed-width extract's bytes. For each format, RUNS runs
# (5) alternating with dd, and the medians of wall time, CPU time (user + system), CPU / wall (2 means
# both cores busy throughout), peak memory (max RSS) and the ratio wall / dd. Every figure to quote is
# a ratio: machines of this kind differ up to 2x in speed.
# Usage: scripts/bench-extract.sh [PERSONS] [RUNS] [FORMATS]
set -euo pipefail
cd "$(dirname "$0")/.."
persons=${1:-1000000}
runs=${2:-5}
formats=${3:-fixed csv parquet}
work=$(mktemp -d "${TMPDIR:-/tmp}/bench-extract.XXXXXX")
trap 'rm -rf "$work"' EXIT
go build -o "$work/testdata" ./cmd/testdata

median() { sort -g | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }

# The yardstick's bytes: the fixed-width extract of the same population.
"$work/testdata" generate --out "$work/ref" --persons "$persons" --format fixed --quiet
extract=$(ls "$work/ref"/D*.L*)
bytes=$(stat -c %s "$extract")
dd_once() {
  sync
  local start end
  start=$(date +%s.%N)
  dd if="$extract" of="$work/copy" bs=1M conv=fsync status=none
  end=$(date +%s.%N)
  rm -f "$work/copy"
  echo "$end - $start" | bc
}

printf '%s persons; the yardstick: dd conv=fsync of the %d MB fixed-width extract; medians of %d runs\n' \
  "$persons" "$((bytes / 1000000))" "$runs"
printf '%-8s %8s %8s %8s %7s %9s %8s %9s\n' format wall cpu cpu/wall 'RSS MB' written dd 'wall/dd'
for format in $formats; do
  : >"$work/wall" && : >"$work/cpu" && : >"$work/rss" && : >"$work/dd"
  for _ in $(seq "$runs"); do
    dd_once >>"$work/dd"
    rm -rf "$work/out"
    sync
    /usr/bin/time -f "%e %U %S %M" -o "$work/time.txt" "$work/testdata" generate --out "$work/out" \
      --persons "$persons" --format "$format" --quiet
    read -r wall user sys rss <"$work/time.txt"
    echo "$wall" >>"$work/wall"
    echo "$user + $sys" | bc >>"$work/cpu"
    echo $((rss / 1024)) >>"$work/rss"
  done
  size=$(du -sm "$work/out" | cut -f1)
  wall=$(median <"$work/wall")
  cpu=$(median <"$work/cpu")
  rss=$(median <"$work/rss")
  dd=$(median <"$work/dd")
  printf '%-8s %7.2fs %7.2fs %8.2f %7d %6d MB %7.2fs %8.2fx\n' "$format" "$wall" "$cpu" \
    "$(echo "$cpu / $wall" | bc -l)" "$rss" "$size" "$dd" "$(echo "$wall / $dd" | bc -l)"
done
rm -rf "$work/out" "$work/ref"
