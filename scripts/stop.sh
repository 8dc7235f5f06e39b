#!/usr/bin/env bash
# npm stop: stops everything npm start started (the API first, the orderers last).
# Data stays; npm run reset removes it.
set -eu
. "$(dirname "$0")/lib.sh"
stop_bg api
stop_bg ipfs ferretdb chaincode
bash "$(dirname "$0")/database.sh" stop
nodes=()
for pidfile in "$RUN_DIR"/peer0.*.pid "$RUN_DIR"/orderer*.pid; do
  if [ -e "$pidfile" ]; then nodes+=("$(basename "$pidfile" .pid)"); fi
done
if [ ${#nodes[@]} -gt 0 ]; then stop_bg "${nodes[@]}"; fi
log "stopped"
