#!/usr/bin/env bash
# Regenerates fixtures/samples with the command its README gives, keeping the README. Run from anywhere.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go run ./cmd/testdata generate --out "$tmp/out" --persons 1000 --seed 1 --format fixed,csv,parquet,jsonl \
  --days 31 --final-status --quiet
cp fixtures/samples/README.md "$tmp/out/README.md"
rm -rf fixtures/samples
mv "$tmp/out" fixtures/samples
