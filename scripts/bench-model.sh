#!/usr/bin/env bash
# Compares the generator's model alone (no output) at this checkout with an earlier revision, on this
# machine in the same run: BenchmarkGenerate (1,000,000 persons) and BenchmarkTimeline (100,000 persons,
# 365 days), ROUNDS alternating rounds of each (default 3), and prints the medians and the ratio of this
# checkout's time to the earlier one's (below 1 is faster). The earlier revision runs this checkout's
# benchmark file, so both measure the same thing.
# Usage: scripts/bench-model.sh REV [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/.."
rev=${1:?usage: scripts/bench-model.sh REV [ROUNDS]}
rounds=${2:-3}
work=$(mktemp -d "${TMPDIR:-/tmp}/bench-model.XXXXXX")
trap 'git worktree remove --force "$work/old" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
git worktree add --detach "$work/old" "$rev" >/dev/null 2>&1
cp generator/bench_test.go "$work/old/generator/bench_test.go"
(cd "$work/old" && go test -c -o "$work/old.test" ./generator)
go test -c -o "$work/new.test" ./generator
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
for bench in Generate Timeline; do
  : >"$work/old.txt"; : >"$work/new.txt"
  for _ in $(seq "$rounds"); do
    for which in old new; do
      "$work/$which.test" -test.run '^$' -test.bench "^Benchmark$bench\$" -test.benchtime 1x |
        awk '/ns\/op/ {print $3 / 1e9}' >>"$work/$which.txt"
    done
  done
  o=$(median <"$work/old.txt"); n=$(median <"$work/new.txt")
  awk -v b="$bench" -v o="$o" -v n="$n" -v r="$rev" \
    'BEGIN {printf "%-9s %s %.2f s, this checkout %.2f s: ratio %.2f\n", b, r, o, n, n / o}'
done
