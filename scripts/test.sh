#!/usr/bin/env bash
# npm test: type-check, unit tests, then integration tests against the real network,
# database and IPFS.
set -eu
. "$(dirname "$0")/lib.sh"
cd "$ROOT_DIR"

if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm install --no-audit --no-fund --loglevel=error
fi
npm run build --silent
npm run typecheck --silent
npx tsc -p tests/tsconfig.json
npm run lint --silent
npm run format:check --silent
npm run test:unit --silent
bash scripts/test-integration.sh
