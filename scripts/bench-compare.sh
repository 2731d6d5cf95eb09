#!/usr/bin/env bash
# Compares testdata generate at this checkout with an earlier revision, side by side on this machine:
# for each format, RUNS alternating runs of both (default 3) at PERSONS (default 1,000,000), and prints
# the median wall time and peak memory of each and their ratio, this one to the earlier one (below 1 is
# faster or smaller). The yardstick is the previous version, measured in the same run.
# Usage: scripts/bench-compare.sh REV [PERSONS] [RUNS] [FORMATS]
set -euo pipefail
cd "$(dirname "$0")/.."
rev=${1:?usage: scripts/bench-compare.sh REV [PERSONS] [RUNS] [FORMATS]}
persons=${2:-1000000}
runs=${3:-3}
formats=${4:-fixed,csv,parquet}
work=$(mktemp -d "${TMPDIR:-/tmp}/bench-compare.XXXXXX")
trap 'git worktree remove --force "$work/old" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
git worktree add --detach "$work/old" "$rev" >/dev/null 2>&1
(cd "$work/old" && go build -o "$work/testdata-old" ./cmd/testdata)
go build -o "$work/testdata-new" ./cmd/testdata
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
for format in ${formats//,/ }; do
  : >"$work/old.txt"; : >"$work/new.txt"
  for _ in $(seq "$runs"); do
    for which in old new; do
      rm -rf "$work/out"
      /usr/bin/time -f "%e %M" -o "$work/time.txt" "$work/testdata-$which" generate --out "$work/out" \
        --persons "$persons" --format "$format" --quiet
      cat "$work/time.txt" >>"$work/$which.txt"
    done
  done
  ow=$(cut -d' ' -f1 "$work/old.txt" | median); nw=$(cut -d' ' -f1 "$work/new.txt" | median)
  om=$(cut -d' ' -f2 "$work/old.txt" | median); nm=$(cut -d' ' -f2 "$work/new.txt" | median)
  printf '%-8s %s persons: wall %6.2f s -> %6.2f s (ratio %.2f), peak RSS %4d MB -> %4d MB (ratio %.2f)\n' \
    "$format" "$persons" "$ow" "$nw" "$(echo "$nw / $ow" | bc -l)" "$((om / 1024))" "$((nm / 1024))" "$(echo "$nm / $om" | bc -l)"
done
