#!/usr/bin/env bash
# CPR Direkte PRIV lookups' rate as a ratio to OFF4's, side by side in one run on the same machine
# (issue: at least 0.8). Three rounds; the median ratio. Usage: scripts/bench-priv.sh [BENCHTIME]
set -euo pipefail
cd "$(dirname "$0")/.."
benchtime=${1:-3s}
ratios=()
rate() { awk -v b="$1" '$1 ~ "^"b {for (i = 1; i < NF; i++) if ($(i+1) == "lookups/s") print $i}'; }
for round in 1 2 3; do
  out=$(go test ./sandbox/ -run '^$' -bench '^Benchmark(DirekteLookup|PRIVLookup)$' -benchtime "$benchtime" -count 1)
  off4=$(rate BenchmarkDirekteLookup <<<"$out")
  priv=$(rate BenchmarkPRIVLookup <<<"$out")
  ratio=$(awk -v p="$priv" -v o="$off4" 'BEGIN { printf "%.2f", p / o }')
  printf 'round %d: OFF4 %s lookups/s, PRIV %s lookups/s: ratio %s\n' "$round" "$off4" "$priv" "$ratio"
  ratios+=("$ratio")
done
echo "PRIV / OFF4, median of 3: $(printf '%s\n' "${ratios[@]}" | sort -n | sed -n 2p) (goal >= 0.8)"
