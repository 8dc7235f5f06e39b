#!/usr/bin/env bash
# npm test: shellcheck, build, type-check, lint, format check, unit tests, then integration
# tests against the real network, database and IPFS.
set -eu
. "$(dirname "$0")/lib.sh"
cd "$ROOT_DIR"

# Everything this run prints also goes to a log, from which the closing summary counts the tests.
RUN_LOG=$LOG_DIR/npm-test.log
: >"$RUN_LOG"
exec > >(tee -a "$RUN_LOG") 2>&1
tee_pid=$!
# Let tee write the last lines before npm sees the run end.
trap 'exec >&- 2>&-; wait "$tee_pid"' EXIT

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

# The closing summary: every Jest run's "Tests:" line and every fuzzing run's case count, added up.
awk '
  /^Tests: / { runs++; for (i = 2; i <= NF; i++) { n = $i + 0; w = $(i + 1); sub(/,$/, "", w)
      if (w == "passed") passed += n; else if (w == "failed") failed += n; else if (w == "total") total += n } }
  /^ *[0-9]+ generated, [0-9]+ passed/ { fuzz_runs++; fuzz_cases += $1; fuzz_passed += $3 }
  END {
    printf "\n==== npm test summary ====\n"
    printf "Jest: %d runs\n", runs
    printf "API fuzzing: %d runs, %d cases, %d passed\n", fuzz_runs, fuzz_cases, fuzz_passed
    printf "Jest tests: %d in all\n", total
    printf "Tests: %d passed, %d failed\n", passed + fuzz_passed, failed + fuzz_cases - fuzz_passed
  }' "$RUN_LOG"
