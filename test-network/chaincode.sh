#!/usr/bin/env bash
# Chaincode as a service:
#   chaincode.sh deploy  package (ccaas), install on every peer, approve by every org, commit
#   chaincode.sh start   run the chaincode server the peers dial (fabric-shim server mode)
#   chaincode.sh stop
set -eu
. "$(dirname "$0")/env.sh"

CC_VERSION=${CHAINCODE_VERSION:-1.0}
CC_SEQUENCE=${CHAINCODE_SEQUENCE:-1}
CC_DIR=$STATE_DIR/chaincode
PKG=$CC_DIR/$CHAINCODE_NAME.tar.gz
PKG_ID_FILE=$CC_DIR/package-id

orderer_args() {
  local port
  port=$(nodes | awk -F'\t' '$1=="orderer" {print $6; exit}')
  echo "-o 127.0.0.1:$port --tls --cafile $ORDERER_TLS_CA"
}

# TLS between the peers and the chaincode server: a CA of its own, a server certificate for the
# chaincode and a client certificate the peers present (mutual TLS).
tls_material() {
  local tls=$CC_DIR/tls
  [ -f "$tls/client.crt" ] && return 0
  mkdir -p "$tls"
  local ec=(-newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes)
  openssl req -x509 "${ec[@]}" -keyout "$tls/ca.key" -out "$tls/ca.crt" -days 3650 \
    -subj "/O=health data trust/CN=chaincode TLS CA" 2>/dev/null
  openssl req "${ec[@]}" -keyout "$tls/server.key" -out "$tls/server.csr" -subj "/CN=$CHAINCODE_NAME chaincode" 2>/dev/null
  openssl x509 -req -in "$tls/server.csr" -CA "$tls/ca.crt" -CAkey "$tls/ca.key" -CAcreateserial -days 3650 \
    -out "$tls/server.crt" -extfile <(printf 'subjectAltName=IP:%s,DNS:localhost\nextendedKeyUsage=serverAuth\n' "${CHAINCODE_ADDRESS%:*}") 2>/dev/null
  openssl req "${ec[@]}" -keyout "$tls/client.key" -out "$tls/client.csr" -subj "/CN=peer" 2>/dev/null
  openssl x509 -req -in "$tls/client.csr" -CA "$tls/ca.crt" -CAkey "$tls/ca.key" -CAcreateserial -days 3650 \
    -out "$tls/client.crt" -extfile <(printf 'extendedKeyUsage=clientAuth\n') 2>/dev/null
  rm -f "$tls"/*.csr
}

package() {
  [ -f "$PKG" ] && return 0
  tls_material
  local work=$CC_DIR/package tls=$CC_DIR/tls
  rm -rf "$work"; mkdir -p "$work/code"
  # shellcheck disable=SC2016  # the JavaScript below is not shell
  ADDRESS=$CHAINCODE_ADDRESS TLS=$tls node -e '
    const fs = require("fs");
    const pem = (f) => fs.readFileSync(`${process.env.TLS}/${f}`, "utf8");
    process.stdout.write(JSON.stringify({
      address: process.env.ADDRESS, dial_timeout: "10s",
      tls_required: true, client_auth_required: true,
      root_cert: pem("ca.crt"), client_cert: pem("client.crt"), client_key: pem("client.key"),
    }, null, 2) + "\n");' > "$work/code/connection.json"
  printf '{"type":"ccaas","label":"%s_%s"}\n' "$CHAINCODE_NAME" "$CC_VERSION" > "$work/metadata.json"
  tar -C "$work/code" -czf "$work/code.tar.gz" connection.json
  tar -C "$work" -czf "$PKG" metadata.json code.tar.gz
}

# lifecycle_query ORG ABSENT QUERY ARGS...: `peer lifecycle chaincode QUERY ARGS` as the admin of
# ORG (already set). Prints the answer; prints nothing when the peer answers that there is no such
# definition (its error matches ABSENT, if not empty). A peer that gives no answer is an error.
lifecycle_query() {
  local org=$1 absent=$2 out; shift 2
  if out=$(peer lifecycle chaincode "$@" 2>&1); then printf '%s\n' "$out"; return 0; fi
  if [ -n "$absent" ] && grep -q -- "$absent" <<<"$out"; then return 0; fi
  die "peer0.$org did not answer $1 ($(head -n 1 <<<"$out")); its log is $LOG_DIR/peer0.$org.log"
}

deploy() {
  mkdir -p "$CC_DIR"
  package
  local pkgid org installed approved committed
  pkgid=$(FABRIC_CFG_PATH=$CONFIG_DIR peer lifecycle chaincode calculatepackageid "$PKG")
  echo "$pkgid" > "$PKG_ID_FILE"
  # shellcheck disable=SC2046
  for org in $(peer_orgs); do
    (
      as_org_admin "$org"
      installed=$(lifecycle_query "$org" "" queryinstalled)
      if ! grep -q "Package ID: $pkgid," <<<"$installed"; then
        peer lifecycle chaincode install "$PKG" >>"$LOG_DIR/chaincode-deploy.log" 2>&1 \
          || die "install on peer0.$org failed; see $LOG_DIR/chaincode-deploy.log"
        log "installed $pkgid on peer0.$org"
      fi
      approved=$(lifecycle_query "$org" "could not fetch approved chaincode definition" \
        queryapproved -C "$CHANNEL" -n "$CHAINCODE_NAME" --sequence "$CC_SEQUENCE")
      if [ -z "$approved" ]; then
        peer lifecycle chaincode approveformyorg $(orderer_args) -C "$CHANNEL" -n "$CHAINCODE_NAME" \
          -v "$CC_VERSION" --sequence "$CC_SEQUENCE" --package-id "$pkgid" >>"$LOG_DIR/chaincode-deploy.log" 2>&1 \
          || die "approval by $org failed; see $LOG_DIR/chaincode-deploy.log"
        log "approved by $org"
      fi
    )
  done
  org=$(peer_orgs | head -n 1)
  as_org_admin "$org"
  committed=$(lifecycle_query "$org" "namespace $CHAINCODE_NAME is not defined" \
    querycommitted -C "$CHANNEL" -n "$CHAINCODE_NAME")
  if grep -q "Sequence: $CC_SEQUENCE," <<<"$committed"; then
    log "$CHAINCODE_NAME sequence $CC_SEQUENCE already committed"
    return 0
  fi
  local peers=()
  for org in $(peer_orgs); do
    peers+=(--peerAddresses "127.0.0.1:$(peer_field "$org" 6)" --tlsRootCertFiles "$(peer_tls_ca "$org")")
  done
  # shellcheck disable=SC2046
  peer lifecycle chaincode commit $(orderer_args) -C "$CHANNEL" -n "$CHAINCODE_NAME" -v "$CC_VERSION" \
    --sequence "$CC_SEQUENCE" "${peers[@]}" >>"$LOG_DIR/chaincode-deploy.log" 2>&1 \
    || die "commit of $CHAINCODE_NAME failed; see $LOG_DIR/chaincode-deploy.log"
  log "committed $CHAINCODE_NAME sequence $CC_SEQUENCE on $CHANNEL"
}


start_server() {
  [ -f "$PKG_ID_FILE" ] || die "the chaincode is not deployed yet (run chaincode.sh deploy)"
  [ -f "$ROOT_DIR/chaincode/dist/index.js" ] || die "the chaincode is not built (npm run build -w @hdt/chaincode)"
  local pkgid; pkgid=$(cat "$PKG_ID_FILE")
  (
    cd "$ROOT_DIR/chaincode"
    start_bg chaincode "$LOG_DIR/chaincode.log" node "$ROOT_DIR/node_modules/fabric-shim/cli.js" server \
      --chaincode-address "$CHAINCODE_ADDRESS" --chaincode-id "$pkgid" \
      --chaincode-tls-cert-file "$CC_DIR/tls/server.crt" --chaincode-tls-key-file "$CC_DIR/tls/server.key" \
      --chaincode-tls-client-cacert-file "$CC_DIR/tls/ca.crt"
  )
  wait_for chaincode "$LOG_DIR/chaincode.log" 30 port_open "$CHAINCODE_ADDRESS"
  log "chaincode server $pkgid listening on $CHAINCODE_ADDRESS"
}

case "${1:-}" in
  deploy) deploy ;;
  start) start_server ;;
  stop) stop_bg chaincode ;;
  *) die "usage: chaincode.sh deploy|start|stop" ;;
esac
