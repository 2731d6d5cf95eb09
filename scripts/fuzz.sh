#!/usr/bin/env bash
# Runs every fuzz target for a while (default 60 s each). The seed corpora, with every crasher found so
# far, run in every `go test`; this script searches for new ones. Usage: scripts/fuzz.sh [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
t=${1:-60}
for target in FuzzParse FuzzAllocate; do
  go test -run '^$' -fuzz "^${target}\$" -fuzztime "${t}s" ./generator/pnr
done
go test -run '^$' -fuzz '^FuzzReader$' -fuzztime "${t}s" ./formats/extract
go test -run '^$' -fuzz '^FuzzParse$' -fuzztime "${t}s" ./sandbox/direkte
