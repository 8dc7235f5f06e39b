#!/usr/bin/env bash
# The consortium on one machine, from native Fabric binaries.
#   network.sh up      identities, nodes, channel, chaincode (idempotent)
#   network.sh down    stops every node and the chaincode server; keeps the ledgers
#   network.sh status
set -eu
here=$(dirname "$0")
. "$here/env.sh"

case "${1:-}" in
  up)
    bash "$here/crypto.sh"
    bash "$here/nodes.sh" start
    bash "$here/channel.sh"
    bash "$here/chaincode.sh" deploy
    bash "$here/chaincode.sh" start
    bash "$here/connection.sh"
    ;;
  down)
    bash "$here/chaincode.sh" stop
    bash "$here/nodes.sh" stop
    ;;
  status)
    for f in "$RUN_DIR"/*.pid; do
      [ -e "$f" ] || continue
      name=$(basename "$f" .pid)
      if pid_alive "$f"; then echo "$name running (pid $(cat "$f"))"; else echo "$name stopped"; fi
    done
    ;;
  *) die "usage: network.sh up|down|status" ;;
esac
