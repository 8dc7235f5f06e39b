#!/usr/bin/env bash
# Builds the native toolchain into .tools/ from the official Go modules, skipping what is built.
#   Fabric peer, orderer, configtxgen, osnadmin, cryptogen + the ccaas external builder
#   FerretDB (unless MONGODB_URI points at an external database)
#   Kubo     (unless IPFS_API_URL points at an external IPFS node)
set -eu
. "$(dirname "$0")/lib.sh"

need() { command -v "$1" >/dev/null 2>&1 || die "$1 is required but not installed ($2)"; }
need go "install Go 1.26.4 or newer"
need gcc "install gcc (cgo builds)"
need curl "install curl"
need openssl "install OpenSSL 3"

go_version=$(go env GOVERSION | sed 's/^go//')
if [ "$(printf '%s\n1.26.4\n' "$go_version" | sort -V | head -n 1)" != "1.26.4" ]; then
  die "Go $go_version is too old: Fabric $FABRIC_VERSION needs Go 1.26.4 or newer"
fi

mkdir -p "$TOOLS_DIR/bin" "$TOOLS_DIR/src"
# A scratch module: `go mod download` of a given version needs one, and it keeps the
# project's own tree free of go.mod files.
scratch=$TOOLS_DIR/src/scratch
mkdir -p "$scratch"
[ -f "$scratch/go.mod" ] || printf 'module local/toolchain\n\ngo 1.26\n' > "$scratch/go.mod"

# module_dir MODULE@VERSION: downloads a module into the module cache and prints its directory.
module_dir() {
  (cd "$scratch" && go mod download -json "$1") | sed -n 's/^\t"Dir": "\(.*\)",$/\1/p'
}

# copy_module MODULE@VERSION DEST: a writable copy of a module's source, so that files the
# upstream build generates (version stamps) can be added before `go build`.
copy_module() {
  local dir
  dir=$(module_dir "$1") || return 1
  [ -n "$dir" ] || return 1
  rm -rf "$2"
  cp -r "$dir" "$2"
  chmod -R u+w "$2"
}

install_fabric() {
  local home
  if home=$(fabric_home) && [ -x "$home/bin/peer" ]; then
    if "$home/bin/peer" version 2>/dev/null | grep -q "Version: $FABRIC_VERSION"; then
      [ -x "$home/builders/ccaas/bin/build" ] || die "Fabric at $home has no builders/ccaas/bin (the ccaas external builder)"
      [ -f "$home/config/core.yaml" ] || die "Fabric at $home has no config/core.yaml"
      log "Fabric $FABRIC_VERSION: using $home"
      return 0
    fi
    [ -n "${FABRIC_BIN:-}" ] && die "FABRIC_BIN=$FABRIC_BIN does not hold Fabric $FABRIC_VERSION binaries"
  fi
  log "building Fabric $FABRIC_VERSION ($FABRIC_COMMIT) with go install"
  local dest=$TOOLS_DIR/fabric err=$TOOLS_DIR/src/fabric-install.err
  local ldflags="-X github.com/hyperledger/fabric/common/metadata.Version=$FABRIC_VERSION -X github.com/hyperledger/fabric/common/metadata.CommitSHA=${FABRIC_COMMIT:0:7}"
  mkdir -p "$dest/bin" "$dest/builders/ccaas/bin" "$dest/config"
  local m=github.com/hyperledger/fabric
  if ! (cd "$scratch" && GOBIN=$dest/bin go install -trimpath -ldflags "$ldflags" \
      "$m/cmd/peer@$FABRIC_COMMIT" "$m/cmd/orderer@$FABRIC_COMMIT" "$m/cmd/configtxgen@$FABRIC_COMMIT" \
      "$m/cmd/osnadmin@$FABRIC_COMMIT" "$m/cmd/cryptogen@$FABRIC_COMMIT") 2>"$err"; then
    cat "$err" >&2
    rm -rf "$dest"
    die "could not build Fabric $FABRIC_VERSION from the Go module proxy (error above).
Point FABRIC_BIN at the bin/ directory of a Fabric $FABRIC_VERSION installation laid out like
Fabric's release archive (bin/, config/ with core.yaml and orderer.yaml, builders/ccaas/bin/)."
  fi
  GOBIN=$dest/builders/ccaas/bin go install -trimpath \
    "$m/ccaas_builder/cmd/detect@$FABRIC_COMMIT" "$m/ccaas_builder/cmd/build@$FABRIC_COMMIT" \
    "$m/ccaas_builder/cmd/release@$FABRIC_COMMIT"
  local src
  src=$(module_dir "$m@$FABRIC_COMMIT")
  cp "$src/sampleconfig/core.yaml" "$src/sampleconfig/orderer.yaml" "$dest/config/"
  chmod u+w "$dest/config/"*
}

install_ferretdb() {
  if [ -n "${MONGODB_URI:-}" ]; then log "FerretDB: skipped, MONGODB_URI is set"; return 0; fi
  if [ -x "$TOOLS_DIR/bin/ferretdb" ]; then log "FerretDB $FERRETDB_VERSION: built"; return 0; fi
  log "building FerretDB $FERRETDB_VERSION"
  local src=$TOOLS_DIR/src/ferretdb
  copy_module "github.com/FerretDB/FerretDB@$FERRETDB_VERSION" "$src" || die "could not download FerretDB $FERRETDB_VERSION"
  # FerretDB's build writes its version into build/version/version.txt and refuses to start without it.
  echo "$FERRETDB_VERSION" > "$src/build/version/version.txt"
  (cd "$src" && go build -trimpath -o "$TOOLS_DIR/bin/ferretdb" ./cmd/ferretdb)
}

install_kubo() {
  if [ -n "${IPFS_API_URL:-}" ]; then log "Kubo: skipped, IPFS_API_URL is set"; return 0; fi
  if [ -x "$TOOLS_DIR/bin/ipfs" ]; then log "Kubo $KUBO_VERSION: built"; return 0; fi
  log "building Kubo $KUBO_VERSION"
  local src=$TOOLS_DIR/src/kubo
  copy_module "github.com/ipfs/kubo@$KUBO_VERSION" "$src" || die "could not download Kubo $KUBO_VERSION"
  (cd "$src" && go build -trimpath -o "$TOOLS_DIR/bin/ipfs" ./cmd/ipfs)
}

install_fabric
install_ferretdb
install_kubo
log "toolchain ready"
