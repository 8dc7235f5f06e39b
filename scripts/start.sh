#!/usr/bin/env bash
# npm start: installs what is missing, starts the consortium and every service, prints the URLs.
# Running it again while everything runs changes nothing.
set -eu
. "$(dirname "$0")/lib.sh"
cd "$ROOT_DIR"

node_major=$(node -p 'process.versions.node.split(".")[0]')
[ "$node_major" -ge 20 ] || die "Node.js 20 or newer is required (found $(node --version))"

if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  log "installing npm packages"
  npm ci --no-audit --no-fund --loglevel=error
fi
bash scripts/install-tools.sh
log "building the TypeScript packages"
npm run build --silent

if [ -n "${FABRIC_CONNECTION_FILE:-}" ]; then
  log "Fabric: external consortium ($FABRIC_CONNECTION_FILE)"
else
  bash test-network/network.sh up
  log "registry: the hospitals' unit names and invoice code ranges (network/registry.json)"
  node gateway-api/dist/cli/bootstrap-registry.js network/registry.json "$STATE_DIR/connection.json"
fi
bash scripts/services.sh start
bash scripts/api.sh start

cat <<MSG

The health data trust platform is running.
  REST API       http://$API_HOST:$API_PORT/api/v1   (OpenAPI: http://$API_HOST:$API_PORT/api/v1/openapi.json)
  Health         http://$API_HOST:$API_PORT/api/v1/health
  Database       ${MONGODB_URI:+external (MONGODB_URI)}${MONGODB_URI:-mongodb://$FERRETDB_ADDR (FerretDB v2; PostgreSQL 127.0.0.1:$POSTGRES_PORT; credentials in $STATE_DIR/secrets.env)}
  IPFS API       ${IPFS_API_URL:-http://127.0.0.1:$IPFS_API_PORT (Kubo, private node)}
  Fabric         channel $CHANNEL, chaincode $CHAINCODE_NAME; peers and orderers in network/nodes.tsv
  Logs           $LOG_DIR
Demo users: see README.md. Stop with: npm stop
MSG
