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
    total=0
    for f in "$RUN_DIR"/*.pid; do
      [ -e "$f" ] || continue
      name=$(basename "$f" .pid)
      if pid_alive "$f"; then
        rss=$(ps -o rss= -p "$(cat "$f")" | tr -d ' ')
        total=$((total + rss))
        printf '%-18s running  pid %-8s %6d MiB\n' "$name" "$(cat "$f")" $((rss / 1024))
      else
        printf '%-18s stopped\n' "$name"
      fi
    done
    printf '%-18s %24d MiB resident\n' total $((total / 1024))
    ;;
  *) die "usage: network.sh up|down|status" ;;
esac
