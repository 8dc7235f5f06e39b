#!/usr/bin/env bash
# npm run reset: stops everything and deletes the state directory (ledgers, identities,
# database, IPFS repository, logs). The built toolchain in .tools/ stays.
set -eu
here=$(dirname "$0")
. "$here/lib.sh"
bash "$here/stop.sh"
rm -rf "$STATE_DIR"
log "removed $STATE_DIR"
