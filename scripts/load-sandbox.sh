#!/usr/bin/env bash
# Load test of the sandbox: starts testdata serve on loopback and runs 200 concurrent clients for 60 s
# (HTTP lookups, searches, listings, ranged downloads and CPR Direkte lookups), failing on any error or
# on memory that keeps growing. Not part of the default test run.
# Usage: scripts/load-sandbox.sh [CLIENTS] [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
clients=${1:-200}
seconds=${2:-60}
work=$(mktemp -d)
go build -o "$work/testdata" ./cmd/testdata
go build -o "$work/loadsandbox" ./scripts/loadsandbox
"$work/testdata" serve --http 127.0.0.1:18480 --direkte 127.0.0.1:18481 --direkte-tls '' 2>"$work/serve.log" &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 1 100); do
  curl -sf http://127.0.0.1:18480/healthz >/dev/null 2>&1 && break
  sleep 0.1
done
ulimit -n 65536 2>/dev/null || true
"$work/loadsandbox" -http 127.0.0.1:18480 -direkte 127.0.0.1:18481 -pid "$pid" -clients "$clients" -seconds "$seconds"
