#!/usr/bin/env bash
# Writes the gateway's connection file: for each peer org, its peer endpoint, TLS CA and the
# identity (User1) that the REST API uses to submit on behalf of that org's users.
set -eu
. "$(dirname "$0")/env.sh"

out=$STATE_DIR/connection.json
{
  printf '{\n  "channel": "%s",\n  "chaincode": "%s",\n  "orgs": {' "$CHANNEL" "$CHAINCODE_NAME"
  sep=""
  while IFS=$'\t' read -r kind _ _ domain msp port _ _; do
    [ "$kind" = peer ] || continue
    user=$CRYPTO_DIR/peerOrganizations/$domain/users/User1@$domain/msp
    key=$(find "$user/keystore" -type f | head -n 1)
    printf '%s\n    "%s": {\n      "peerEndpoint": "127.0.0.1:%s",\n      "hostOverride": "peer0.%s",\n      "tlsCaPath": "%s",\n      "certPath": "%s",\n      "keyPath": "%s"\n    }' \
      "$sep" "$msp" "$port" "$domain" "$(peer_tls_ca_of_domain "$domain")" "$user/signcerts/User1@$domain-cert.pem" "$key"
    sep=","
  done < <(nodes)
  printf '\n  }\n}\n'
} > "$out"
log "wrote $out"
