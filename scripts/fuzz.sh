#!/usr/bin/env bash
# Runs every fuzz target for a while (default 60 s each), JOBS at a time (default 1). The seed corpora,
# with every crasher found so far (testdata/fuzz/ in each package), run in every `go test`; this script
# searches for new ones. Usage: scripts/fuzz.sh [SECONDS] [JOBS] [TARGET-REGEXP]
set -euo pipefail
cd "$(dirname "$0")/.."
t=${1:-60}
jobs=${2:-1}
only=${3:-.}
targets=(
  "./generator/pnr FuzzParse"
  "./generator/pnr FuzzAllocate"
  "./formats/extract FuzzReader"
  "./formats/extract FuzzReceiver"
  "./formats/extract FuzzInspect"
  "./formats/dataset FuzzDecodeManifest"
  "./sandbox/direkte FuzzParse"
  "./sandbox/direkte FuzzServe"
  "./sandbox FuzzHTTPQuery"
  "./sandbox FuzzParseCustomers"
  "./sandbox FuzzSOAP"
  "./sandbox FuzzInddata"
  "./formats/private FuzzReader"
  "./cmd/testdata FuzzValidate"
)
mkdir -p "${TMPDIR:-/tmp}/cprtestdata-fuzz"
printf '%s\n' "${targets[@]}" | grep -E -- "$only" | xargs -P "$jobs" -I{} bash -c '
  set -- {}
  log="${TMPDIR:-/tmp}/cprtestdata-fuzz/$(echo "${1#./}" | tr / _)-$2.log"
  if go test -run "^\$" -fuzz "^$2\$" -fuzztime '"$t"'s -parallel 1 "$1" >"$log" 2>&1; then
    echo "$1 $2: ok ($(grep -o "execs: [0-9]*" "$log" | tail -1))"
  else
    echo "$1 $2: FAILED, see $log"; tail -20 "$log"; exit 1
  fi'
