#!/usr/bin/env bash
# Checks the operator commands on a running platform that this test run started itself:
# a second `npm start` restarts nothing, and `npm stop` leaves no process and no open port.
set -eu
. "$(dirname "$0")/lib.sh"
cd "$ROOT_DIR"

pids() { cat "$RUN_DIR"/*.pid 2>/dev/null | sort -n; }

before=$(pids)
[ -n "$before" ] || die "lifecycle: nothing is running"
bash scripts/start.sh > "$LOG_DIR/second-start.log" 2>&1 || die "lifecycle: a second npm start failed; see $LOG_DIR/second-start.log"
[ "$(pids)" = "$before" ] || die "lifecycle: a second npm start restarted processes"
log "lifecycle: a second npm start left every process as it was"

ports=$(nodes | awk -F'\t' '{print $6; print $7; print $8}')
ports="$ports $API_PORT ${CHAINCODE_ADDRESS##*:} $IPFS_API_PORT ${FERRETDB_ADDR##*:} $POSTGRES_PORT"
bash scripts/stop.sh
for pid in $before; do
  if kill -0 "$pid" 2>/dev/null; then die "lifecycle: process $pid still runs after npm stop"; fi
done
for port in $ports; do
  if port_open "127.0.0.1:$port"; then die "lifecycle: port $port is still open after npm stop"; fi
done
log "lifecycle: npm stop ended all $(echo "$before" | wc -l) processes and closed their ports"
