#!/usr/bin/env bash
# Generates the consortium's identities, node configs and the channel's genesis block, once.
set -eu
. "$(dirname "$0")/env.sh"

if [ ! -d "$CRYPTO_DIR/peerOrganizations" ]; then
  log "generating identities (cryptogen)"
  cryptogen generate --config="$NETWORK_DIR/crypto-config.yaml" --output="$CRYPTO_DIR" >/dev/null
fi

# Node configs: Fabric's defaults with the ccaas external builder at its real path.
# Everything else is overridden per node through the environment.
mkdir -p "$CONFIG_DIR"
sed "s#path: /opt/hyperledger/ccaas_builder#path: $FABRIC_HOME/builders/ccaas#" \
  "$FABRIC_HOME/config/core.yaml" > "$CONFIG_DIR/core.yaml"
grep -q "path: $FABRIC_HOME/builders/ccaas" "$CONFIG_DIR/core.yaml" \
  || die "could not set the ccaas builder path in core.yaml (has Fabric's default core.yaml changed?)"
cp "$FABRIC_HOME/config/orderer.yaml" "$CONFIG_DIR/orderer.yaml"

if [ ! -f "$CHANNEL_BLOCK" ]; then
  log "creating the genesis block of $CHANNEL"
  mkdir -p "$(dirname "$CHANNEL_BLOCK")"
  cp "$NETWORK_DIR/configtx.yaml" "$STATE_DIR/channel/configtx.yaml"
  configtxgen -configPath "$STATE_DIR/channel" -profile HealthChannel -channelID "$CHANNEL" \
    -outputBlock "$CHANNEL_BLOCK" 2>>"$LOG_DIR/configtxgen.log" \
    || die "configtxgen failed; see $LOG_DIR/configtxgen.log"
fi
