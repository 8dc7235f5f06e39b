#!/usr/bin/env bash
# Builds the native toolchain into .tools/ from the official Go modules, skipping what is built.
#   Fabric peer, orderer, configtxgen, configtxlator, osnadmin, cryptogen + the ccaas external
#     builder, and Fabric CA (server, client), from the upstream source archives in FABRIC_SRC_DIR
#   FerretDB v2 on PostgreSQL with DocumentDB (unless MONGODB_URI points at an external database)
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

# unpack_archive NAME DEST: checks NAME (in FABRIC_SRC_DIR) against its pinned SHA-256, then
# unpacks it into DEST. Fails naming the file, its checksum and how to make it.
unpack_archive() {
  local name=$1 dest=$2 want file
  want=$(awk -v n="$name" '$2==n {print $1}' "$ROOT_DIR/scripts/third-party.sha256")
  [ -n "$want" ] || die "no pinned checksum for $name in scripts/third-party.sha256"
  file=$FABRIC_SRC_DIR/$name
  if [ ! -f "$file" ]; then
    die "missing source archive $file (sha256 $want).
Set FABRIC_SRC_DIR to the directory holding it, or make it from the upstream repository:
  $(archive_recipe "$name")
(or set FABRIC_BIN to existing Fabric $FABRIC_VERSION binaries)"
  fi
  local got
  got=$(sha256sum "$file" | cut -d' ' -f1)
  [ "$got" = "$want" ] || die "$file has sha256 $got, expected $want: not the pinned upstream source"
  rm -rf "$dest"
  mkdir -p "$dest"
  tar -xzf "$file" -C "$dest" --strip-components=1
}

archive_recipe() {
  local repo commit version
  case $1 in
    fabric-ca-*) repo=fabric-ca commit=$FABRIC_CA_COMMIT version=$FABRIC_CA_VERSION ;;
    fabric-*) repo=fabric commit=$FABRIC_COMMIT version=$FABRIC_VERSION ;;
    *) echo "see the README beside the other archives"; return 0 ;;
  esac
  echo "git clone https://github.com/hyperledger/$repo && git -C $repo archive --format=tar.gz --prefix=$repo-$version/ -o \"\$PWD/$1\" $commit   # tag v$version
The pinned checksum is that of the archive published with the project's third-party sources
(the same tree without docs, tests and CI folders); an archive made as above differs in
checksum only: put its sha256 in scripts/third-party.sha256."
}

. "$(dirname "$0")/install-documentdb.sh"

install_fabric() {
  local home
  if home=$(fabric_home); then
    if has_version "$home/bin/peer" "$FABRIC_VERSION"; then
      [ -x "$home/builders/ccaas/bin/build" ] || die "Fabric at $home has no builders/ccaas/bin (the ccaas external builder)"
      [ -f "$home/config/core.yaml" ] || die "Fabric at $home has no config/core.yaml"
      log "Fabric $FABRIC_VERSION: using $home"
      return 0
    fi
    [ -n "${FABRIC_BIN:-}" ] && die "FABRIC_BIN=$FABRIC_BIN does not hold Fabric $FABRIC_VERSION binaries"
    log "ignoring $home: not Fabric $FABRIC_VERSION"
  fi
  log "building Fabric $FABRIC_VERSION from its source archive"
  local src=$TOOLS_DIR/src/fabric dest=$TOOLS_DIR/fabric build=$TOOLS_DIR/fabric.partial
  unpack_archive "fabric-$FABRIC_VERSION-src.tar.gz" "$src"
  local ldflags="-X github.com/hyperledger/fabric/common/metadata.Version=$FABRIC_VERSION -X github.com/hyperledger/fabric/common/metadata.CommitSHA=${FABRIC_COMMIT:0:7}"
  rm -rf "$build"
  mkdir -p "$build/bin" "$build/builders/ccaas/bin" "$build/config"
  (cd "$src" && go build -mod=vendor -trimpath -ldflags "$ldflags" -o "$build/bin/" \
    ./cmd/peer ./cmd/orderer ./cmd/configtxgen ./cmd/configtxlator ./cmd/osnadmin ./cmd/cryptogen) \
    || die "building Fabric from $src failed (output above)"
  (cd "$src/ccaas_builder" && go build -trimpath -o "$build/builders/ccaas/bin/" \
    ./cmd/detect ./cmd/build ./cmd/release) \
    || die "building the ccaas builder from $src/ccaas_builder failed (output above)"
  cp "$src/sampleconfig/core.yaml" "$src/sampleconfig/orderer.yaml" "$build/config/"
  has_version "$build/bin/peer" "$FABRIC_VERSION" || die "the peer built from $src does not report version $FABRIC_VERSION"
  rm -rf "$dest" "$src"
  mv "$build" "$dest"
  log "Fabric $FABRIC_VERSION: built into $dest"
}

fabric_ca_bin() {
  if [ -n "${FABRIC_CA_BIN:-}" ]; then
    printf '%s\n' "$FABRIC_CA_BIN"
  elif [ -x "$TOOLS_DIR/fabric-ca/bin/fabric-ca-server" ]; then
    printf '%s\n' "$TOOLS_DIR/fabric-ca/bin"
  elif command -v fabric-ca-server >/dev/null 2>&1; then
    dirname "$(readlink -f "$(command -v fabric-ca-server)")"
  else
    return 1
  fi
}

install_fabric_ca() {
  local dir
  if dir=$(fabric_ca_bin); then
    if has_version "$dir/fabric-ca-server" "$FABRIC_CA_VERSION" && [ -x "$dir/fabric-ca-client" ]; then
      log "Fabric CA $FABRIC_CA_VERSION: using $dir"
      return 0
    fi
    [ -n "${FABRIC_CA_BIN:-}" ] && die "FABRIC_CA_BIN=$FABRIC_CA_BIN does not hold Fabric CA $FABRIC_CA_VERSION (fabric-ca-server and fabric-ca-client)"
    log "ignoring $dir/fabric-ca-server: not Fabric CA $FABRIC_CA_VERSION"
  fi
  log "building Fabric CA $FABRIC_CA_VERSION from its source archive"
  local src=$TOOLS_DIR/src/fabric-ca dest=$TOOLS_DIR/fabric-ca build=$TOOLS_DIR/fabric-ca.partial
  unpack_archive "fabric-ca-$FABRIC_CA_VERSION-src.tar.gz" "$src"
  rm -rf "$build"
  mkdir -p "$build/bin"
  # The archive has no vendor/: its dependencies come from the Go module proxy.
  (cd "$src" && go build -mod=mod -trimpath \
    -ldflags "-X github.com/hyperledger/fabric-ca/lib/metadata.Version=$FABRIC_CA_VERSION" \
    -o "$build/bin/" ./cmd/fabric-ca-server ./cmd/fabric-ca-client) \
    || die "building Fabric CA from $src failed (output above)"
  has_version "$build/bin/fabric-ca-server" "$FABRIC_CA_VERSION" || die "the fabric-ca-server built from $src does not report version $FABRIC_CA_VERSION"
  rm -rf "$dest" "$src"
  mv "$build" "$dest"
  log "Fabric CA $FABRIC_CA_VERSION: built into $dest"
}

install_ferretdb() {
  if [ -n "${MONGODB_URI:-}" ]; then log "database: skipped, MONGODB_URI is set"; return 0; fi
  install_database_engine
  local bin=$TOOLS_DIR/bin/ferretdb
  if [ -x "$bin" ] && "$bin" --version 2>/dev/null | grep -q "version: $FERRETDB_VERSION\$"; then
    log "FerretDB $FERRETDB_VERSION: built"; return 0
  fi
  log "building FerretDB $FERRETDB_VERSION"
  local src=$TOOLS_DIR/src/ferretdb
  copy_module "github.com/FerretDB/FerretDB/v2@$FERRETDB_VERSION" "$src" || die "could not download FerretDB $FERRETDB_VERSION"
  # FerretDB's build writes its version into build/version/version.txt and refuses to start without it.
  echo "$FERRETDB_VERSION" > "$src/build/version/version.txt"
  (cd "$src" && go build -trimpath -o "$bin" ./cmd/ferretdb) || die "building FerretDB in $src failed"
  rm -rf "$src"
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
install_fabric_ca
install_ferretdb
install_kubo
log "toolchain ready"
