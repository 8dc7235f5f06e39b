#!/usr/bin/env bash
# Sourced by install-tools.sh: PostgreSQL 15 with the DocumentDB extension, the engine under
# FerretDB v2. Debian packages, then pgvector, pg_cron, libbson (private, static) and DocumentDB
# from the source archives in FABRIC_SRC_DIR; every step is skipped when already done.
# shellcheck disable=SC2154  # helpers and settings come from install-tools.sh and lib.sh

DEBIAN_PACKAGES=(postgresql-15 postgresql-server-dev-15 postgresql-15-rum postgresql-15-postgis-3
  libpcre2-dev libintelrdfpmath-dev libkrb5-dev cmake build-essential pkg-config acl)

install_debian_packages() {
  local missing=() p
  for p in "${DEBIAN_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  [ ${#missing[@]} -gt 0 ] || return 0
  if [ "$(id -u)" != 0 ]; then
    die "the database needs Debian packages that are not installed; run as root:
  apt-get install -y ${missing[*]}"
  fi
  log "installing Debian packages: ${missing[*]}"
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null 2>&1 \
    || { apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; } \
    || die "apt-get install ${missing[*]} failed"
}

# quietly NAME COMMAND...: runs a build step with its output in .tools/src/NAME.log, shown
# (the end of it) only when the step fails.
quietly() {
  local name=$1; shift
  local out=$TOOLS_DIR/src/$name.log
  "$@" >"$out" 2>&1 || { tail -n 30 "$out" >&2; die "$name failed; the whole output is in $out"; }
}

# system_install DIR: `make install` into PostgreSQL's own directories (root only).
system_install() {
  [ "$(id -u)" = 0 ] || die "installing into PostgreSQL's directories needs root: run bash scripts/install-tools.sh as root"
  quietly "install-$(basename "$1")" make -C "$1" PG_CONFIG="$PG_CONFIG" install
}

ext_dir() { printf '%s/extension\n' "$("$PG_CONFIG" --sharedir)"; }

install_pg_extension() {
  local name=$1 archive=$2 marker=$3
  if [ -f "$(ext_dir)/$marker" ]; then log "$name: installed"; return 0; fi
  log "building $name"
  local src=$TOOLS_DIR/src/$name
  unpack_archive "$archive" "$src"
  quietly "build-$name" make -C "$src" PG_CONFIG="$PG_CONFIG"
  system_install "$src"
  rm -rf "$src"
}

install_libbson() {
  local prefix=$TOOLS_DIR/libbson
  if [ -f "$prefix/lib/pkgconfig/libbson-static-1.0.pc" ]; then log "libbson $LIBBSON_VERSION: built"; return 0; fi
  log "building libbson $LIBBSON_VERSION (static, private to the DocumentDB build)"
  local src=$TOOLS_DIR/src/mongo-c-driver
  unpack_archive "mongo-c-driver-$LIBBSON_VERSION-src.tar.gz" "$src"
  echo "$LIBBSON_VERSION" > "$src/VERSION_CURRENT"
  quietly configure-libbson cmake -S "$src" -B "$src/build" -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_INSTALL_PREFIX="$prefix" -DCMAKE_INSTALL_LIBDIR=lib -DENABLE_MONGOC=OFF \
    -DENABLE_TESTS=OFF -DENABLE_EXAMPLES=OFF -DCMAKE_C_FLAGS=-fPIC
  quietly build-libbson cmake --build "$src/build" --parallel 2 --target install
  rm -rf "$src"
}

install_documentdb() {
  local so
  so=$("$PG_CONFIG" --pkglibdir)/pg_documentdb.so
  if [ -f "$so" ] && grep -q "default_version = '$DOCUMENTDB_VERSION'" "$(ext_dir)/documentdb.control" 2>/dev/null; then
    log "DocumentDB $DOCUMENTDB_VERSION: installed"; return 0
  fi
  install_libbson
  log "building DocumentDB $DOCUMENTDB_VERSION"
  local src=$TOOLS_DIR/src/documentdb pc=$TOOLS_DIR/src/pkgconfig
  unpack_archive "documentdb-ferretdb-$DOCUMENTDB_COMMIT-src.tar.gz" "$src"
  # DocumentDB asks pkg-config for "intelmathlib"; Debian ships that library as libbidgcc000.
  mkdir -p "$pc"
  printf 'Name: intelmathlib\nDescription: Intel decimal floating-point math library\nVersion: 2.0\nLibs: -lbidgcc000\nCflags: -I/usr/include\n' > "$pc/intelmathlib.pc"
  local dir
  for dir in pg_documentdb_core pg_documentdb; do
    PKG_CONFIG_PATH=$pc:$TOOLS_DIR/libbson/lib/pkgconfig quietly "build-$dir" make -C "$src/$dir" -j2 PG_CONFIG="$PG_CONFIG"
    PKG_CONFIG_PATH=$pc:$TOOLS_DIR/libbson/lib/pkgconfig system_install "$src/$dir"
  done
  grep -q "default_version = '$DOCUMENTDB_VERSION'" "$(ext_dir)/documentdb.control" \
    || die "the installed documentdb.control is not version $DOCUMENTDB_VERSION"
  rm -rf "$src" "$pc"
}

install_database_engine() {
  install_debian_packages
  [ -x "$PG_CONFIG" ] || die "$PG_CONFIG is missing although postgresql-server-dev-15 is installed"
  install_pg_extension pgvector "pgvector-$PGVECTOR_VERSION-src.tar.gz" "vector--$PGVECTOR_VERSION.sql"
  install_pg_extension pg_cron "pg_cron-$PG_CRON_VERSION-src.tar.gz" "pg_cron--1.5--1.6.sql"
  install_documentdb
}
