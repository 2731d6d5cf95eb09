#!/usr/bin/env bash
# Prints the realism table of a 100,000-person, 365-day timeline: each figure the run makes, Denmark's
# (fixtures/tables/demography.tsv, derived from shared/reference/stats), and their ratio; the calibrated
# figures are asserted (TestRealism). Options: PERSONS, DAYS, SEED.
set -euo pipefail
cd "$(dirname "$0")/.."
go test ./generator -run '^TestRealism$' -count=1 -v -timeout 30m \
  -realism.persons="${PERSONS:-100000}" -realism.days="${DAYS:-365}" -realism.seed="${SEED:-11}" |
  sed -n 's/^        //p; /^--- /p; /^\(ok\|FAIL\)/p'
