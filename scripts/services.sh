#!/usr/bin/env bash
# Off-chain services on loopback: the document database (database.sh) and a private Kubo node.
# Skipped when MONGODB_URI / IPFS_API_URL point at external services.
#   services.sh start | stop
set -eu
. "$(dirname "$0")/lib.sh"

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
  start) bash "$(dirname "$0")/database.sh" start; start_ipfs; log "off-chain services are up" ;;
  stop) stop_bg ipfs; bash "$(dirname "$0")/database.sh" stop ;;
  *) die "usage: services.sh start|stop" ;;
esac
