#!/usr/bin/env bash
# A typed client's view of the HTTP interface: openapi-typescript generates TypeScript types from
# sandbox/openapi.json, the samples program writes the sandbox's answers (every person of a population
# through each Datafordeler operation, the clock) as constants of their schemas' types, and tsc refuses
# any answer the document does not describe: a missing required field, a field the schema does not
# have, a wrong type or enum word. .ci/run runs it.
set -euo pipefail
cd "$(dirname "$0")"
npm ci --no-audit --no-fund --silent
npx openapi-typescript ../../sandbox/openapi.json -o types.ts >/dev/null
(cd ../.. && go run ./scripts/openapi-check/samples) > samples.ts
NODE_OPTIONS=--max-old-space-size=4096 npx tsc --noEmit --strict --skipLibCheck --target es2022 --module es2022 --moduleResolution bundler samples.ts types.ts
echo "openapi-check: $(grep -c '^export const' samples.ts) answers typed by the OpenAPI document"
