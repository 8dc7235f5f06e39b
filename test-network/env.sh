#!/usr/bin/env bash
# Per-node environment for the consortium on one machine, sourced by the other scripts.
# shellcheck disable=SC2034
. "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"

CRYPTO_DIR=$STATE_DIR/crypto
CONFIG_DIR=$STATE_DIR/config
CHANNEL_BLOCK=$STATE_DIR/channel/$CHANNEL.block
ORDERER_TLS_CA=$CRYPTO_DIR/ordererOrganizations/orderer.health.test/tlsca/tlsca.orderer.health.test-cert.pem
ORDERER_ADMIN_TLS=$CRYPTO_DIR/ordererOrganizations/orderer.health.test/users/Admin@orderer.health.test/tls

FABRIC_HOME=$(fabric_home) || die "no Fabric $FABRIC_VERSION binaries: run scripts/install-tools.sh or set FABRIC_BIN"
export PATH=$FABRIC_HOME/bin:$PATH

# node_line KIND NODE ORG: the nodes.tsv line of one node.
node_line() { nodes | awk -F'\t' -v k="$1" -v n="$2" -v o="$3" '$1==k && $2==n && $3==o'; }
peer_orgs() { nodes | awk -F'\t' '$1=="peer" {print $3}'; }
orderer_names() { nodes | awk -F'\t' '$1=="orderer" {print $2}'; }
peer_field() { nodes | awk -F'\t' -v o="$1" -v f="$2" '$1=="peer" && $3==o {print $f}'; }

# Peer CLI as the admin of ORG, talking to that org's peer.
as_org_admin() {
  local org=$1 domain msp port
  domain=$(peer_field "$org" 4); msp=$(peer_field "$org" 5); port=$(peer_field "$org" 6)
  export FABRIC_CFG_PATH=$CONFIG_DIR
  export CORE_PEER_TLS_ENABLED=true
  export CORE_PEER_LOCALMSPID=$msp
  export CORE_PEER_MSPCONFIGPATH=$CRYPTO_DIR/peerOrganizations/$domain/users/Admin@$domain/msp
  export CORE_PEER_TLS_ROOTCERT_FILE=$CRYPTO_DIR/peerOrganizations/$domain/tlsca/tlsca.$domain-cert.pem
  export CORE_PEER_ADDRESS=127.0.0.1:$port
  export FABRIC_LOGGING_SPEC=${CLI_LOGGING_SPEC:-warning}
}

peer_tls_ca() { peer_tls_ca_of_domain "$(peer_field "$1" 4)"; }
peer_tls_ca_of_domain() { echo "$CRYPTO_DIR/peerOrganizations/$1/tlsca/tlsca.$1-cert.pem"; }

# How long a node may take to serve its endpoints after its process starts. A node opens its
# ledgers before it serves, which takes longer as they grow.
NODE_START_SECONDS=${NODE_START_SECONDS:-180}

# osn ADMIN_PORT ARGS...: `osnadmin channel ARGS` as the orderer admin, against the orderer whose
# channel participation API listens on ADMIN_PORT.
osn() {
  local admin=$1; shift
  osnadmin channel "$@" -o "127.0.0.1:$admin" --ca-file "$ORDERER_TLS_CA" \
    --client-cert "$ORDERER_ADMIN_TLS/client.crt" --client-key "$ORDERER_ADMIN_TLS/client.key"
}

# orderer_channel ADMIN_PORT: whether that orderer serves the channel, from an answer of its
# channel participation API: prints "joined" (200) or "absent" (404). Anything else (the API not
# listening yet, a TLS failure, another status) fails with osnadmin's output: no answer is not an
# answer that the channel is absent.
orderer_channel() {
  local out
  out=$(osn "$1" list --channelID "$CHANNEL" 2>&1) || { printf '%s\n' "$out"; return 1; }
  case $(printf '%s\n' "$out" | head -n 1) in
    'Status: 200') echo joined ;;
    'Status: 404') echo absent ;;
    *) printf '%s\n' "$out"; return 1 ;;
  esac
}

# peer_channel ORG: the same for the peer of ORG, from `peer channel list` as the org's admin.
peer_channel() {
  local out
  out=$(as_org_admin "$1"; peer channel list 2>&1) || { printf '%s\n' "$out"; return 1; }
  printf '%s\n' "$out" | grep -q '^Channels peers has joined' || { printf '%s\n' "$out"; return 1; }
  if printf '%s\n' "$out" | grep -qx "$CHANNEL"; then echo joined; else echo absent; fi
}
