#!/usr/bin/env bash
# Joins every orderer (channel participation API) and every peer to the application channel,
# then waits until the orderers are active consenters with a Raft leader and every peer has the
# channel. Expects the nodes to serve their endpoints (nodes.sh start): whether a node has the
# channel is decided from its answer only; a node that does not answer is an error, never taken
# for one that has not joined.
set -eu
. "$(dirname "$0")/env.sh"

join_orderer() {
  local node=$1 admin=$2 state
  state=$(orderer_channel "$admin") \
    || die "$node: its channel participation API 127.0.0.1:$admin did not answer whether it serves $CHANNEL ($(printf '%s' "$state" | head -n 1)); its log is $LOG_DIR/$node.log"
  if [ "$state" = joined ]; then
    log "$node already serves $CHANNEL"
    return 0
  fi
  osn "$admin" join --channelID "$CHANNEL" --config-block "$CHANNEL_BLOCK" >>"$LOG_DIR/channel.log" 2>&1 \
    || die "$node could not join $CHANNEL; see $LOG_DIR/channel.log and $LOG_DIR/$node.log"
  log "$node joined $CHANNEL"
}

join_peer() {
  local org=$1 name=peer0.$1 state
  state=$(peer_channel "$org") \
    || die "$name: its gRPC port 127.0.0.1:$(peer_field "$org" 6) did not answer which channels it has joined ($(printf '%s' "$state" | head -n 1)); its log is $LOG_DIR/$name.log"
  if [ "$state" = joined ]; then
    log "$name already joined $CHANNEL"
    return 0
  fi
  (as_org_admin "$org"; peer channel join -b "$CHANNEL_BLOCK") >>"$LOG_DIR/channel.log" 2>&1 \
    || die "$name could not join $CHANNEL; see $LOG_DIR/channel.log and $LOG_DIR/$name.log"
  log "$name joined $CHANNEL"
}

# The channel can order once every orderer is an active consenter of it and one of them leads
# its Raft cluster (from the orderers' metrics on their operations endpoints).
orderer_active() { osn "$1" list --channelID "$CHANNEL" | grep -q '"status": "active"'; }
raft_leader() {
  local ops
  for ops in $(nodes | awk -F'\t' '$1=="orderer" {print $8}'); do
    curl -fsS --max-time 2 "http://127.0.0.1:$ops/metrics" \
      | grep -qx "consensus_etcdraft_is_leader{channel=\"$CHANNEL\"} 1" && return 0
  done
  echo "no orderer reports that it leads the Raft cluster of $CHANNEL"
  return 1
}
peer_has_channel() { (as_org_admin "$1"; peer channel getinfo -c "$CHANNEL"); }

while IFS=$'\t' read -r kind node _ _ _ _ admin _; do
  [ "$kind" = orderer ] || continue
  join_orderer "$node" "$admin"
done < <(nodes)
while IFS=$'\t' read -r kind node _ _ _ _ admin _; do
  [ "$kind" = orderer ] || continue
  wait_until "$node" "not an active consenter of $CHANNEL" "$LOG_DIR/$node.log" 60 orderer_active "$admin"
done < <(nodes)
first=$(orderer_names | head -n 1)
wait_until "$first" "no Raft leader for $CHANNEL" "$LOG_DIR/$first.log" 60 raft_leader
log "the orderers of $CHANNEL have a Raft leader"

for org in $(peer_orgs); do
  join_peer "$org"
  wait_until "peer0.$org" "no $CHANNEL ledger" "$LOG_DIR/peer0.$org.log" 60 peer_has_channel "$org"
done
