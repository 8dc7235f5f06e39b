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
FERRETDB_VERSION=v1.24.2
KUBO_VERSION=v0.42.0

mkdir -p "$LOG_DIR" "$RUN_DIR"

log() { printf '%s %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# Where the Fabric release layout (bin/, config/, builders/ccaas/bin/) lives. Order:
# FABRIC_BIN (an operator's binaries), the project's own build, peer on the PATH.
fabric_home() {
  if [ -n "${FABRIC_BIN:-}" ]; then
    (cd "$FABRIC_BIN/.." && pwd)
  elif [ -x "$TOOLS_DIR/fabric/bin/peer" ]; then
    printf '%s\n' "$TOOLS_DIR/fabric"
  elif command -v peer >/dev/null 2>&1; then
    (cd "$(dirname "$(readlink -f "$(command -v peer)")")/.." && pwd)
  else
    return 1
  fi
}

# Each line of network/nodes.tsv without comments.
nodes() { grep -v '^#' "$NETWORK_DIR/nodes.tsv"; }

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

# wait_for NAME LOGFILE SECONDS CMD...: retries CMD until it succeeds, or fails naming the log.
wait_for() {
  local name=$1 logfile=$2 seconds=$3; shift 3
  local deadline=$((SECONDS + seconds))
  until "$@" >/dev/null 2>&1; do
    if [ -f "$RUN_DIR/$name.pid" ] && ! pid_alive "$RUN_DIR/$name.pid"; then
      tail -n 20 "$logfile" >&2 || true
      die "$name exited during start-up; its log is $logfile"
    fi
    [ $SECONDS -lt $deadline ] || { tail -n 20 "$logfile" >&2 || true; die "$name not ready after ${seconds}s; its log is $logfile"; }
    sleep 0.3
  done
}

http_ok() { curl -fsS -o /dev/null --max-time 2 "$1"; }
