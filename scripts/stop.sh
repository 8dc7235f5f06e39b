#!/usr/bin/env bash
# npm stop: stops everything npm start started (the API first, the orderers last).
# Data stays; npm run reset removes it.
set -eu
. "$(dirname "$0")/lib.sh"
for name in api ipfs ferretdb chaincode; do stop_bg "$name"; done
for pidfile in "$RUN_DIR"/peer0.*.pid "$RUN_DIR"/orderer*.pid; do
  if [ -e "$pidfile" ]; then stop_bg "$(basename "$pidfile" .pid)"; fi
done
log "stopped"
