#!/usr/bin/env bash
# Shared settings and helpers, sourced by the other scripts.
# shellcheck disable=SC2034  # variables are used by the scripts that source this file

ROOT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
STATE_DIR=${STATE_DIR:-$ROOT_DIR/.state}
TOOLS_DIR=${TOOLS_DIR:-$ROOT_DIR/.tools}
NETWORK_DIR=$ROOT_DIR/network
LOG_DIR=$STATE_DIR/logs
RUN_DIR=$STATE_DIR/run

CHANNEL=${CHANNEL:-healthchannel}
CHAINCODE_NAME=${CHAINCODE_NAME:-hdt}
CHAINCODE_ADDRESS=${CHAINCODE_ADDRESS:-127.0.0.1:9999}
API_HOST=${HOST:-127.0.0.1}
API_PORT=${PORT:-8080}
FERRETDB_ADDR=${FERRETDB_ADDR:-127.0.0.1:27017}
IPFS_API_PORT=${IPFS_API_PORT:-5001}
IPFS_GATEWAY_PORT=${IPFS_GATEWAY_PORT:-8081}
IPFS_SWARM_PORT=${IPFS_SWARM_PORT:-4001}

FABRIC_COMMIT=86c1172bec37e6590c6b1ae6f847833df48d65fc
FABRIC_VERSION=3.1.5
FABRIC_CA_COMMIT=f355456a72323ae2a4a250fdecb8744a8c041150
FABRIC_CA_VERSION=1.5.21
# Upstream source archives (checksums pinned in scripts/third-party.sha256): FABRIC_SRC_DIR, or
# else shared/third_party beside the project or beside one of the directories above it — or, for
# a clone made elsewhere, beside the local repository it was cloned from.
find_src_dir_above() {
  local dir=$1
  while [ "$dir" != / ] && [ -n "$dir" ]; do
    dir=$(dirname "$dir")
    if [ -d "$dir/shared/third_party" ]; then (cd "$dir/shared/third_party" && pwd); return 0; fi
  done
  return 1
}
default_src_dir() {
  local origin
  find_src_dir_above "$ROOT_DIR" && return 0
  origin=$(git -C "$ROOT_DIR" config --get remote.origin.url 2>/dev/null || true)
  origin=${origin#file://}
  if [ -d "$origin" ]; then find_src_dir_above "$(cd "$origin" && pwd)" && return 0; fi
  (cd "$ROOT_DIR/.." && printf '%s/shared/third_party\n' "$(pwd)")
}
FABRIC_SRC_DIR=${FABRIC_SRC_DIR:-$(default_src_dir)}
FERRETDB_VERSION=v2.7.0
# PostgreSQL with DocumentDB, the database engine under FerretDB v2.
PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
PG_CONFIG=$PG_BIN/pg_config
PGVECTOR_VERSION=0.8.0
PG_CRON_VERSION=1.6.3
LIBBSON_VERSION=1.28.0
DOCUMENTDB_VERSION=0.107-0
DOCUMENTDB_COMMIT=3f80da90
POSTGRES_PORT=${POSTGRES_PORT:-5433}
KUBO_VERSION=v0.42.0

mkdir -p "$LOG_DIR" "$RUN_DIR"

log() { printf '%s %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# Where the Fabric release layout (bin/, config/, builders/ccaas/bin/) lives. Order:
# FABRIC_BIN (an operator's binaries), the project's own build, then peer on the PATH, which
# is used only when it reports the pinned version.
fabric_home() {
  if [ -n "${FABRIC_BIN:-}" ]; then
    (cd "$FABRIC_BIN/.." && pwd)
  elif [ -x "$TOOLS_DIR/fabric/bin/peer" ]; then
    printf '%s\n' "$TOOLS_DIR/fabric"
  elif command -v peer >/dev/null 2>&1; then
    local found
    found=$(readlink -f "$(command -v peer)")
    if has_version "$found" "$FABRIC_VERSION"; then
      (cd "$(dirname "$found")/.." && pwd)
    else
      log "ignoring $found on the PATH: it is not Fabric $FABRIC_VERSION"
      return 1
    fi
  else
    return 1
  fi
}

# has_version BINARY WANT: BINARY's `version` output names exactly version WANT.
has_version() {
  "$1" version 2>/dev/null | grep -qE "^[[:space:]]*Version: v?${2//./\\.}\$"
}

# Each line of network/nodes.tsv without comments.
nodes() { grep -v '^#' "$NETWORK_DIR/nodes.tsv"; }

# tree_pss_kib PID: the proportional set size, in KiB, of PID and all its descendants (a
# server's worker processes count; pages they share count once).
tree_pss_kib() {
  local p sum=0 kib
  for p in $(ps -e -o pid=,ppid= | awk -v root="$1" '
      { parent[$1] = $2 }
      END {
        keep[root] = 1
        do { added = 0
          for (p in parent) if (!(p in keep) && (parent[p] in keep)) { keep[p] = 1; added = 1 }
        } while (added)
        for (p in keep) print p
      }'); do
    kib=$(awk '/^Pss:/ {print $2}' "/proc/$p/smaps_rollup" 2>/dev/null || true)
    sum=$((sum + ${kib:-0}))
  done
  echo "$sum"
}

pid_alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

# start_bg NAME LOGFILE CMD...: starts CMD detached unless NAME already runs.
start_bg() {
  local name=$1 logfile=$2; shift 2
  local pidfile=$RUN_DIR/$name.pid
  if pid_alive "$pidfile"; then
    log "$name already running (pid $(cat "$pidfile"))"
    return 0
  fi
  setsid "$@" >>"$logfile" 2>&1 < /dev/null &
  echo $! > "$pidfile"
}

# stop_bg NAME...: asks each process to stop, waits up to 10 s for all, then kills what is left.
stop_bg() {
  local name pidfile i pid alive pids=() names=()
  for name in "$@"; do
    pidfile=$RUN_DIR/$name.pid
    if pid_alive "$pidfile"; then
      pids+=("$(cat "$pidfile")"); names+=("$name")
      kill -TERM -- "-${pids[-1]}" 2>/dev/null || kill -TERM "${pids[-1]}" 2>/dev/null || true
    fi
    rm -f "$pidfile"
  done
  [ ${#pids[@]} -gt 0 ] || return 0
  for i in $(seq 1 100); do
    alive=no
    for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive=yes; done
    [ $alive = yes ] || break
    sleep 0.1
  done
  for pid in "${pids[@]}"; do kill -KILL -- "-$pid" 2>/dev/null || true; done
  log "stopped ${names[*]}"
}

# wait_until NAME WHAT LOGFILE SECONDS CMD...: retries CMD until it succeeds. Fails naming NAME,
# WHAT was awaited (may be empty), CMD's last answer and NAME's log when NAME's process exits or
# SECONDS pass.
wait_until() {
  local name=$1 what=$2 logfile=$3 seconds=$4; shift 4
  local deadline=$((SECONDS + seconds)) out
  until out=$("$@" 2>&1 | tr -d '\000'; exit "${PIPESTATUS[0]}"); do
    if [ -f "$RUN_DIR/$name.pid" ] && ! pid_alive "$RUN_DIR/$name.pid"; then
      tail -n 20 "$logfile" >&2 || true
      die "$name exited during start-up; its log is $logfile"
    fi
    if [ $SECONDS -ge $deadline ]; then
      tail -n 20 "$logfile" >&2 || true
      [ -z "$out" ] || printf 'last answer: %s\n' "$(printf '%s' "$out" | head -c 600)" >&2
      die "$name not ready after ${seconds}s${what:+: $what}; its log is $logfile"
    fi
    sleep 0.3
  done
}

# wait_for NAME LOGFILE SECONDS CMD...: wait_until for a process with a single readiness check.
wait_for() { local name=$1; shift; wait_until "$name" "" "$@"; }

# Development secrets, made once per state directory; production passes its own in the
# environment. Sets JWT_SECRET, DATA_KEK_HEX, ISSUER_SECRET_HEX and the local database's
# passwords (FerretDB's own PostgreSQL role, and the application's role).
load_secrets() {
  local f=$STATE_DIR/secrets.env
  if [ ! -f "$f" ]; then
    (
      umask 077
      {
        echo "JWT_SECRET=$(openssl rand -hex 32)"
        echo "DATA_KEK_HEX=$(openssl rand -hex 32)"
        echo "ISSUER_SECRET_HEX=$(openssl rand -hex 32)"
      } > "$f"
    )
  fi
  # Added to state directories made before the database had passwords.
  grep -q '^DB_APP_PASSWORD=' "$f" || echo "DB_APP_PASSWORD=$(openssl rand -hex 24)" >> "$f"
  # Values given in the environment win over the generated ones.
  local name given=()
  for name in JWT_SECRET DATA_KEK_HEX ISSUER_SECRET_HEX; do given+=("${!name:-}"); done
  # shellcheck disable=SC1090
  . "$f"
  local i=0
  for name in JWT_SECRET DATA_KEK_HEX ISSUER_SECRET_HEX; do
    [ -z "${given[$i]}" ] || printf -v "$name" '%s' "${given[$i]}"
    i=$((i + 1))
  done
}

DB_APP_USER=hdt

# local_mongodb_uri DATABASE: the URI of the local FerretDB for the application's role, unless
# MONGODB_URI names an external database.
local_mongodb_uri() {
  if [ -n "${MONGODB_URI:-}" ]; then printf '%s\n' "$MONGODB_URI"; return 0; fi
  load_secrets
  printf 'mongodb://%s:%s@%s/%s?authMechanism=SCRAM-SHA-256\n' "$DB_APP_USER" "$DB_APP_PASSWORD" "$FERRETDB_ADDR" "$1"
}

port_open() { (exec 3<>"/dev/tcp/${1%:*}/${1##*:}") 2>/dev/null; }

http_ok() { curl -fsS -o /dev/null --max-time 2 "$1"; }
