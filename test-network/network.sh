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
    # Memory is the proportional set size (PSS) of each process and its descendants, so that a
    # server with worker processes (PostgreSQL) counts them all and shared pages count once.
    total=0
    for f in "$RUN_DIR"/*.pid; do
      [ -e "$f" ] || continue
      name=$(basename "$f" .pid)
      if pid_alive "$f"; then
        kib=$(tree_pss_kib "$(cat "$f")")
        total=$((total + kib))
        printf '%-18s running  pid %-8s %6d MiB\n' "$name" "$(cat "$f")" $((kib / 1024))
      else
        printf '%-18s stopped\n' "$name"
      fi
    done
    printf '%-18s %24d MiB (PSS)\n' total $((total / 1024))
    ;;
  *) die "usage: network.sh up|down|status" ;;
esac
