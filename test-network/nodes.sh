#!/usr/bin/env bash
# Starts (or stops) the orderers and peers of network/nodes.tsv, each with its data and log
# under the state directory, and waits until every node serves each endpoint the next steps use.
#   nodes.sh start | stop
set -eu
. "$(dirname "$0")/env.sh"

start_orderer() {
  local name=$1 port=$2 admin=$3 ops=$4
  local dir=$CRYPTO_DIR/ordererOrganizations/orderer.health.test/orderers/$name.orderer.health.test
  local data=$STATE_DIR/nodes/$name logfile=$LOG_DIR/$name.log
  mkdir -p "$data"
  FABRIC_CFG_PATH=$CONFIG_DIR \
  ORDERER_GENERAL_LISTENADDRESS=127.0.0.1 \
  ORDERER_GENERAL_LISTENPORT=$port \
  ORDERER_GENERAL_LOCALMSPID=OrdererMSP \
  ORDERER_GENERAL_LOCALMSPDIR=$dir/msp \
  ORDERER_GENERAL_TLS_ENABLED=true \
  ORDERER_GENERAL_TLS_PRIVATEKEY=$dir/tls/server.key \
  ORDERER_GENERAL_TLS_CERTIFICATE=$dir/tls/server.crt \
  ORDERER_GENERAL_TLS_ROOTCAS="[$dir/tls/ca.crt]" \
  ORDERER_GENERAL_CLUSTER_CLIENTCERTIFICATE=$dir/tls/server.crt \
  ORDERER_GENERAL_CLUSTER_CLIENTPRIVATEKEY=$dir/tls/server.key \
  ORDERER_GENERAL_CLUSTER_ROOTCAS="[$dir/tls/ca.crt]" \
  ORDERER_GENERAL_BOOTSTRAPMETHOD=none \
  ORDERER_CHANNELPARTICIPATION_ENABLED=true \
  ORDERER_ADMIN_LISTENADDRESS=127.0.0.1:$admin \
  ORDERER_ADMIN_TLS_ENABLED=true \
  ORDERER_ADMIN_TLS_PRIVATEKEY=$dir/tls/server.key \
  ORDERER_ADMIN_TLS_CERTIFICATE=$dir/tls/server.crt \
  ORDERER_ADMIN_TLS_ROOTCAS="[$dir/tls/ca.crt]" \
  ORDERER_ADMIN_TLS_CLIENTAUTHREQUIRED=true \
  ORDERER_ADMIN_TLS_CLIENTROOTCAS="[$dir/tls/ca.crt]" \
  ORDERER_OPERATIONS_LISTENADDRESS=127.0.0.1:$ops \
  ORDERER_METRICS_PROVIDER=prometheus \
  ORDERER_FILELEDGER_LOCATION=$data/ledger \
  ORDERER_CONSENSUS_WALDIR=$data/etcdraft/wal \
  ORDERER_CONSENSUS_SNAPDIR=$data/etcdraft/snapshot \
    start_bg "$name" "$logfile" orderer
}

# Gossip intervals are shorter than Fabric's defaults (4-25 s) so that, after a start, discovery
# knows every org's peer and chaincode within seconds and the endorsement policy can be met.
# A peer whose orderer is lost retries other orderers at most 5 s apart (Fabric's default backoff
# grows to an hour), so its ledger catches up soon after a failover.
start_peer() {
  local org=$1 domain=$2 msp=$3 port=$4 ccport=$5 ops=$6
  local name=peer0.$org
  local dir=$CRYPTO_DIR/peerOrganizations/$domain/peers/peer0.$domain
  local data=$STATE_DIR/nodes/$name logfile=$LOG_DIR/$name.log
  mkdir -p "$data"
  FABRIC_CFG_PATH=$CONFIG_DIR \
  CORE_PEER_ID=peer0.$domain \
  CORE_PEER_LISTENADDRESS=127.0.0.1:$port \
  CORE_PEER_ADDRESS=127.0.0.1:$port \
  CORE_PEER_CHAINCODELISTENADDRESS=127.0.0.1:$ccport \
  CORE_PEER_CHAINCODEADDRESS=127.0.0.1:$ccport \
  CORE_PEER_GOSSIP_BOOTSTRAP=127.0.0.1:$port \
  CORE_PEER_GOSSIP_EXTERNALENDPOINT=127.0.0.1:$port \
  CORE_PEER_LOCALMSPID=$msp \
  CORE_PEER_MSPCONFIGPATH=$dir/msp \
  CORE_PEER_TLS_ENABLED=true \
  CORE_PEER_TLS_CERT_FILE=$dir/tls/server.crt \
  CORE_PEER_TLS_KEY_FILE=$dir/tls/server.key \
  CORE_PEER_TLS_ROOTCERT_FILE=$dir/tls/ca.crt \
  CORE_PEER_FILESYSTEMPATH=$data \
  CORE_LEDGER_STATE_STATEDATABASE=goleveldb \
  CORE_LEDGER_HISTORY_ENABLEHISTORYDATABASE=true \
  CORE_OPERATIONS_LISTENADDRESS=127.0.0.1:$ops \
  CORE_METRICS_PROVIDER=disabled \
  CORE_VM_ENDPOINT='' \
  CORE_CHAINCODE_EXECUTETIMEOUT=30s \
  CORE_PEER_GOSSIP_ALIVETIMEINTERVAL=2s \
  CORE_PEER_GOSSIP_RECONNECTINTERVAL=5s \
  CORE_PEER_GOSSIP_PUBLISHSTATEINFOINTERVAL=2s \
  CORE_PEER_GOSSIP_REQUESTSTATEINFOINTERVAL=2s \
  CORE_PEER_DELIVERYCLIENT_RECONNECTBACKOFFTHRESHOLD=5s \
    start_bg "$name" "$logfile" peer node start
}

# A node's operations endpoint (/healthz) answers as soon as its process runs, before it has
# opened its ledgers, which takes longer as they grow; its other endpoints serve only after that.
# So each endpoint a later step uses is awaited on its own: for an orderer its channel
# participation API (osnadmin) and its gRPC port (peers, clients and the other orderers), for a
# peer its gRPC port answering its admin (peer channel list).
healthy() { curl -fsS --max-time 2 "http://127.0.0.1:$1/healthz" | grep -q '"status":"OK"'; }
admin_answers() {
  local out
  out=$(osn "$1" list 2>&1) || true
  [ "$(head -n 1 <<<"$out")" = 'Status: 200' ] || { printf '%s\n' "$out"; return 1; }
}
tls_serving() {
  timeout 5 openssl s_client -connect "127.0.0.1:$1" -alpn h2 -CAfile "$2" -verify_return_error </dev/null
}

# await_node KIND NAME ORG PORT SECOND_PORT OPS_PORT: waits until the node serves its endpoints,
# at most until NODE_START_SECONDS after the nodes were launched.
left() { local s=$((launched + NODE_START_SECONDS - SECONDS)); echo $((s > 1 ? s : 1)); }
await_node() {
  local kind=$1 name=$2 org=$3 port=$4 second=$5 ops=$6
  local logfile=$LOG_DIR/$name.log
  wait_until "$name" "no /healthz on its operations endpoint 127.0.0.1:$ops" "$logfile" "$(left)" \
    healthy "$ops"
  if [ "$kind" = orderer ]; then
    wait_until "$name" "its channel participation API 127.0.0.1:$second does not answer osnadmin" "$logfile" \
      "$(left)" admin_answers "$second"
    wait_until "$name" "no TLS handshake on its gRPC port 127.0.0.1:$port" "$logfile" "$(left)" \
      tls_serving "$port" "$ORDERER_TLS_CA"
  else
    wait_until "$name" "its gRPC port 127.0.0.1:$port does not answer peer channel list" "$logfile" \
      "$(left)" peer_channel "$org"
  fi
}

case "${1:-}" in
  start)
    launched=$SECONDS
    while IFS=$'\t' read -r kind node org domain msp port second ops; do
      if [ "$kind" = orderer ]; then start_orderer "$node" "$port" "$second" "$ops"
      else start_peer "$org" "$domain" "$msp" "$port" "$second" "$ops"; fi
    done < <(nodes)
    while IFS=$'\t' read -r kind node org _ _ port second ops; do
      name=$node; [ "$kind" = peer ] && name=$node.$org
      await_node "$kind" "$name" "$org" "$port" "$second" "$ops"
    done < <(nodes)
    log "orderers and peers serve their endpoints ($((SECONDS - launched)) s after their launch)"
    ;;
  stop)
    names=()
    while IFS=$'\t' read -r kind node org _; do
      if [ "$kind" = peer ]; then names+=("$node.$org"); else names+=("$node"); fi
    done < <(nodes)
    stop_bg "${names[@]}"
    ;;
  *) die "usage: nodes.sh start|stop" ;;
esac
