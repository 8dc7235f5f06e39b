#!/usr/bin/env bash
# The gateway REST API as a background process, or (run) in the foreground with the same settings
# (crash tests start extra instances this way, with PORT and ISSUANCE_* overridden).
#   api.sh start | stop | run
set -eu
. "$(dirname "$0")/lib.sh"

api_env() {
  load_secrets
  export HOST=$API_HOST PORT=$API_PORT
  export JWT_SECRET=${JWT_SECRET} DATA_KEK_HEX=${DATA_KEK_HEX} ISSUER_SECRET_HEX=${ISSUER_SECRET_HEX}
  export FABRIC_CONNECTION_FILE=${FABRIC_CONNECTION_FILE:-$STATE_DIR/connection.json}
  export DEMO_USERS_FILE=${DEMO_USERS_FILE:-$ROOT_DIR/network/demo-users.json}
  MONGODB_URI=$(local_mongodb_uri hdt)
  export MONGODB_URI
  export IPFS_API_URL=${IPFS_API_URL:-http://127.0.0.1:$IPFS_API_PORT}
}

start_api() {
  api_env
  start_bg api "$LOG_DIR/api.log" node "$ROOT_DIR/gateway-api/dist/server.js"
  wait_for api "$LOG_DIR/api.log" 60 http_ok "http://$API_HOST:$API_PORT/api/v1/health"
  log "gateway API listening on http://$API_HOST:$API_PORT"
}

case "${1:-}" in
  start) start_api ;;
  stop) stop_bg api ;;
  run)
    api_env
    exec node "$ROOT_DIR/gateway-api/dist/server.js"
    ;;
  *) die "usage: api.sh start|stop|run" ;;
esac
