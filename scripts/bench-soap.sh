#!/usr/bin/env bash
# SF1520 PersonLookup's rate as a ratio to the HTTP person lookup's, measured side by side in one run on
# the same machine (issue: at least 0.5). Three rounds, the two benchmarks alternating; the median ratio.
# Usage: scripts/bench-soap.sh [BENCHTIME]
set -euo pipefail
cd "$(dirname "$0")/.."
benchtime=${1:-3s}
ratios=()
for round in 1 2 3; do
  out=$(go test ./sandbox/ -run '^$' -bench '^Benchmark(HTTPPersonLookup|SF1520Lookup)$' -benchtime "$benchtime" -count 1)
  http=$(awk '/^BenchmarkHTTPPersonLookup/ {for (i = 1; i < NF; i++) if ($(i+1) == "req/s") print $i}' <<<"$out")
  soap=$(awk '/^BenchmarkSF1520Lookup/ {for (i = 1; i < NF; i++) if ($(i+1) == "req/s") print $i}' <<<"$out")
  ratio=$(awk -v s="$soap" -v h="$http" 'BEGIN { printf "%.2f", s / h }')
  printf 'round %d: HTTP person lookup %s req/s, SF1520 %s req/s: ratio %s\n' "$round" "$http" "$soap" "$ratio"
  ratios+=("$ratio")
done
median=$(printf '%s\n' "${ratios[@]}" | sort -n | sed -n 2p)
echo "SF1520 / HTTP person lookup, median of 3: $median (goal >= 0.5)"
