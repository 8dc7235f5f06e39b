#!/usr/bin/env bash
# Integration tests against the real consortium, FerretDB and Kubo. Uses the running platform;
# when it is not running, starts it with scripts/start.sh and stops it again afterwards.
set -eu
. "$(dirname "$0")/lib.sh"
cd "$ROOT_DIR"

started=no
if ! http_ok "http://$API_HOST:$API_PORT/api/v1/health"; then
  log "the platform is not running: starting it for the integration tests"
  bash scripts/start.sh
  started=yes
fi
cleanup() { if [ "$started" = yes ]; then bash scripts/stop.sh; fi; }
trap cleanup EXIT

export API_URL=http://$API_HOST:$API_PORT/api/v1
# Tests that need the local database cluster itself (backup and restore) skip an external one.
if [ -n "${MONGODB_URI:-}" ]; then export EXTERNAL_MONGODB=1; fi
# The bulk-migration test imports this many historic invoices (MIGRATION_TEST_COUNT=10000 for the
# full-size run, about half an hour on a 2-core machine).
export MIGRATION_TEST_COUNT=${MIGRATION_TEST_COUNT:-1000}
# The database of the running gateway, for tests that start more gateway processes beside it.
GATEWAY_MONGODB_URI=$(local_mongodb_uri hdt)
export GATEWAY_MONGODB_URI
MONGODB_URI=$(local_mongodb_uri hdt_integration)
export MONGODB_URI
export IPFS_API_URL=${IPFS_API_URL:-http://127.0.0.1:$IPFS_API_PORT}
# kubo-rpc-client is an ES module, loaded with import() from CommonJS.
NODE_OPTIONS="${NODE_OPTIONS:-} --experimental-vm-modules" npx jest -c jest.integration.config.js --runInBand "$@"

# Not when only some tests were asked for: the web pages in Chromium, then the API fuzzed from its
# OpenAPI document (no 5xx, no valid request refused, no response outside its schema).
if [ $# -eq 0 ]; then
  bash scripts/install-browser.sh
  npx jest -c jest.e2e.config.js --runInBand
  bash scripts/fuzz-api.sh
fi

# The consortium restarted on the ledger the tests have grown: the first start must succeed and the
# channel must be usable afterwards. Not when only some tests were asked for.
if [ $# -eq 0 ]; then bash scripts/check-restart.sh; fi

# The start/stop commands themselves, only on a platform this run started (never stop the user's).
if [ "$started" = yes ]; then
  bash scripts/check-lifecycle.sh
  started=no
fi
