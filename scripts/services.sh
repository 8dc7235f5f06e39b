#!/usr/bin/env bash
# Off-chain services on loopback: FerretDB (MongoDB wire, SQLite backend) and a private Kubo node.
# Skipped when MONGODB_URI / IPFS_API_URL point at external services.
#   services.sh start | stop
set -eu
. "$(dirname "$0")/lib.sh"

port_open() { (exec 3<>"/dev/tcp/${1%:*}/${1##*:}") 2>/dev/null; }

start_ferretdb() {
  [ -n "${MONGODB_URI:-}" ] && { log "database: external ($MONGODB_URI)"; return 0; }
  local data=$STATE_DIR/ferretdb
  mkdir -p "$data/sqlite" "$data/state"
  start_bg ferretdb "$LOG_DIR/ferretdb.log" "$TOOLS_DIR/bin/ferretdb" --handler=sqlite \
    --sqlite-url="file:$data/sqlite/" --listen-addr="$FERRETDB_ADDR" \
    --debug-addr="${FERRETDB_DEBUG_ADDR:-127.0.0.1:8089}" --state-dir="$data/state" --telemetry=disable
  wait_for ferretdb "$LOG_DIR/ferretdb.log" 30 port_open "$FERRETDB_ADDR"
}

ipfs_cmd() { IPFS_PATH=$STATE_DIR/ipfs IPFS_TELEMETRY=off "$TOOLS_DIR/bin/ipfs" "$@"; }

init_ipfs() {
  [ -f "$STATE_DIR/ipfs/config" ] && return 0
  log "initialising the private IPFS repository"
  ipfs_cmd init --empty-repo >/dev/null
  # Private node: loopback only, no public bootstrap peers, no DHT, no remote autoconfiguration.
  ipfs_cmd config --json AutoConf.Enabled false
  ipfs_cmd config Addresses.API "/ip4/127.0.0.1/tcp/$IPFS_API_PORT"
  ipfs_cmd config Addresses.Gateway "/ip4/127.0.0.1/tcp/$IPFS_GATEWAY_PORT"
  ipfs_cmd config --json Addresses.Swarm "[\"/ip4/127.0.0.1/tcp/$IPFS_SWARM_PORT\"]"
  ipfs_cmd config --json Addresses.Announce '[]'
  ipfs_cmd config --json Bootstrap '[]'
  ipfs_cmd config Routing.Type none
  ipfs_cmd config --json Discovery.MDNS.Enabled false
  ipfs_cmd config --json Swarm.RelayClient.Enabled false
  ipfs_cmd config --json Swarm.RelayService.Enabled false
  ipfs_cmd config --json Swarm.DisableNatPortMap true
  ipfs_cmd config --json DNS.Resolvers '{}'
  ipfs_cmd config --json Ipns.DelegatedPublishers '[]'
  ipfs_cmd config --json Routing.DelegatedRouters '[]'
  ipfs_cmd config --json Plugins.Plugins.telemetry.Config.Mode '"off"'
}

start_ipfs() {
  [ -n "${IPFS_API_URL:-}" ] && { log "IPFS: external ($IPFS_API_URL)"; return 0; }
  init_ipfs
  IPFS_PATH=$STATE_DIR/ipfs IPFS_TELEMETRY=off start_bg ipfs "$LOG_DIR/ipfs.log" "$TOOLS_DIR/bin/ipfs" daemon
  wait_for ipfs "$LOG_DIR/ipfs.log" 60 curl -fsS -X POST --max-time 2 "http://127.0.0.1:$IPFS_API_PORT/api/v0/id"
}

case "${1:-}" in
  start) start_ferretdb; start_ipfs; log "off-chain services are up" ;;
  stop) stop_bg ipfs; stop_bg ferretdb ;;
  *) die "usage: services.sh start|stop" ;;
esac
