#!/usr/bin/env bash
# Times `testdata pnr validate` on a file of 10 million numbers (issue: under 5 s on the 2-core machine).
# The numbers are every personnummer of consecutive birth dates from 1960 on, both genders, in allocation
# order: a mix with and without control digit, as real files have. Usage: scripts/bench-pnr-validate.sh [N]
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-10000000}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

go build -o "$work/testdata" ./cmd/testdata
echo "writing $n numbers to $work/numbers.txt" >&2
day=0
count=0
: >"$work/numbers.txt"
while [ "$count" -lt "$n" ]; do
  d=$(date -u -d "1960-01-01 + $day days" +%F)
  for g in M K; do
    "$work/testdata" pnr allocate --date "$d" --gender "$g" --all >"$work/date.txt"
    count=$((count + $(wc -l <"$work/date.txt")))
    cat "$work/date.txt" >>"$work/numbers.txt"
  done
  day=$((day + 1))
done
head -n "$n" "$work/numbers.txt" >"$work/input.txt"
ls -l "$work/input.txt" >&2

for run in 1 2 3; do
  start=$(date +%s.%N)
  "$work/testdata" pnr validate "$work/input.txt" >/dev/null
  end=$(date +%s.%N)
  printf 'run %d: validate %d numbers: %.2f s\n' "$run" "$n" "$(echo "$end - $start" | bc)"
done
