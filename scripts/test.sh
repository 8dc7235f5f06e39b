#!/usr/bin/env bash
# npm test: shellcheck, build, type-check, lint, format check, unit tests, then integration
# tests against the real network, database and IPFS.
set -eu
. "$(dirname "$0")/lib.sh"
cd "$ROOT_DIR"

if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
if command -v shellcheck >/dev/null 2>&1; then
  shellcheck -x -P SCRIPTDIR scripts/*.sh test-network/*.sh .ci/run
else
  log "shellcheck is not installed: shell scripts not checked"
fi
npm run build --silent
npm run typecheck --silent
npx tsc -p tests/tsconfig.json
npm run lint --silent
npm run format:check --silent
npm run test:unit --silent
bash scripts/test-integration.sh
