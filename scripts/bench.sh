#!/usr/bin/env bash
# npm run bench / bench:database: builds the benchmarks and runs one against the running platform.
#   bench.sh NAME [OPTIONS...]   (NAME: invoice-bench | database-bench | lifecycle-bench | records-bench | grow-ledger)
set -eu
. "$(dirname "$0")/lib.sh"
cd "$ROOT_DIR"
name=${1:?usage: bench.sh invoice-bench|database-bench [options]}
shift
http_ok "http://$API_HOST:$API_PORT/api/v1/health" || die "the platform is not running: npm start"
MONGODB_URI=$(local_mongodb_uri hdt)
export MONGODB_URI API_URL=http://$API_HOST:$API_PORT/api/v1
npx tsc -p bench/tsconfig.json
node "bench/dist/bench/$name.js" "$@"
