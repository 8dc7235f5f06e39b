#!/usr/bin/env bash
# Joins every orderer (channel participation API) and every peer to the application channel,
# then waits until each peer has the genesis block and the orderers have a Raft leader.
set -eu
. "$(dirname "$0")/env.sh"

osn() {
  local admin=$1; shift
  osnadmin channel "$@" -o "127.0.0.1:$admin" --ca-file "$ORDERER_TLS_CA" \
    --client-cert "$ORDERER_ADMIN_TLS/client.crt" --client-key "$ORDERER_ADMIN_TLS/client.key"
}

while IFS=$'\t' read -r kind node _ _ _ _ admin _; do
  [ "$kind" = orderer ] || continue
  if osn "$admin" list --channelID "$CHANNEL" 2>/dev/null | grep -q '^Status: 200'; then
    log "$node already serves $CHANNEL"
  else
    osn "$admin" join --channelID "$CHANNEL" --config-block "$CHANNEL_BLOCK" >>"$LOG_DIR/channel.log" 2>&1 \
      || die "$node could not join $CHANNEL; see $LOG_DIR/channel.log and $LOG_DIR/$node.log"
    log "$node joined $CHANNEL"
  fi
done < <(nodes)

# The channel can order once every orderer is an active consenter of it.
orderer_active() { osn "$1" list --channelID "$CHANNEL" 2>/dev/null | grep -q '"status": "active"'; }
while IFS=$'\t' read -r kind node _ _ _ _ admin _; do
  [ "$kind" = orderer ] || continue
  wait_for "$node" "$LOG_DIR/$node.log" 60 orderer_active "$admin"
done < <(nodes)

for org in $(peer_orgs); do
  (
    as_org_admin "$org"
    if peer channel getinfo -c "$CHANNEL" >/dev/null 2>&1; then
      log "peer0.$org already joined $CHANNEL"
    else
      peer channel join -b "$CHANNEL_BLOCK" >>"$LOG_DIR/channel.log" 2>&1 \
        || die "peer0.$org could not join $CHANNEL; see $LOG_DIR/channel.log and $LOG_DIR/peer0.$org.log"
      log "peer0.$org joined $CHANNEL"
    fi
    wait_for "peer0.$org" "$LOG_DIR/peer0.$org.log" 60 peer channel getinfo -c "$CHANNEL"
  )
done
