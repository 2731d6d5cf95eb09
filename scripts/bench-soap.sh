#!/usr/bin/env bash
# SF1520 PersonLookup's and Datafordeler's person lookup rates as ratios to the HTTP person lookup's,
# measured side by side in one run on the same machine (issues: at least 0.5 each). Three rounds, the
# benchmarks alternating; the median ratios. Usage: scripts/bench-soap.sh [BENCHTIME]
set -euo pipefail
cd "$(dirname "$0")/.."
benchtime=${1:-3s}
ratios=()
dfratios=()
rate() { awk -v b="$1" '$1 ~ "^"b {for (i = 1; i < NF; i++) if ($(i+1) == "req/s") print $i}'; }
for round in 1 2 3; do
  out=$(go test ./sandbox/ -run '^$' -bench '^Benchmark(HTTPPersonLookup|SF1520Lookup|DatafordelerLookup)$' -benchtime "$benchtime" -count 1)
  http=$(rate BenchmarkHTTPPersonLookup <<<"$out")
  soap=$(rate BenchmarkSF1520Lookup <<<"$out")
  df=$(rate BenchmarkDatafordelerLookup <<<"$out")
  ratio=$(awk -v s="$soap" -v h="$http" 'BEGIN { printf "%.2f", s / h }')
  dfratio=$(awk -v s="$df" -v h="$http" 'BEGIN { printf "%.2f", s / h }')
  printf 'round %d: HTTP person lookup %s req/s, SF1520 %s req/s (ratio %s), Datafordeler %s req/s (ratio %s)\n' \
    "$round" "$http" "$soap" "$ratio" "$df" "$dfratio"
  ratios+=("$ratio")
  dfratios+=("$dfratio")
done
median=$(printf '%s\n' "${ratios[@]}" | sort -n | sed -n 2p)
dfmedian=$(printf '%s\n' "${dfratios[@]}" | sort -n | sed -n 2p)
echo "SF1520 / HTTP person lookup, median of 3: $median (goal >= 0.5)"
echo "Datafordeler / HTTP person lookup, median of 3: $dfmedian (goal >= 0.5)"
