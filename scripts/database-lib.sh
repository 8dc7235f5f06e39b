#!/usr/bin/env bash
# The local database cluster's location and OS user, sourced by database.sh, backup.sh and
# restore.sh. PostgreSQL refuses to run as root: as root, the cluster runs as the unprivileged
# user POSTGRES_OS_USER (default postgres).
# shellcheck disable=SC2034  # variables are used by the scripts that source this file

PG_DATA=$STATE_DIR/postgres
# The cluster's Unix socket: in a directory only the cluster's OS user can enter.
PG_SOCKET_DIR=$STATE_DIR/postgres-socket

db_os_user() { if [ "$(id -u)" = 0 ]; then echo "${POSTGRES_OS_USER:-postgres}"; else id -un; fi; }

# The command prefix that runs a program as the database's OS user.
db_exec=()
if [ "$(id -u)" = 0 ]; then
  db_exec=(setpriv "--reuid=$(db_os_user)" "--regid=$(id -g "$(db_os_user)")" --init-groups --)
fi

# as_db COMMAND...: COMMAND as the database's OS user.
as_db() { "${db_exec[@]}" "$@"; }

# PostgreSQL reaches its data directory only if every directory above it lets its user
# through; grant exactly that (search permission, by ACL) where it is missing.
make_reachable() {
  local dir=$1 user
  user=$(db_os_user)
  while [ "$dir" != / ]; do
    dir=$(dirname "$dir")
    if ! as_db test -x "$dir"; then
      command -v setfacl >/dev/null 2>&1 || die "$(db_os_user) cannot enter $dir; install the acl package or make $dir searchable"
      setfacl -m "u:$user:x" "$dir"
      log "database: gave $user search permission on $dir"
    fi
  done
}

# private_dir DIR: DIR exists, owned by the cluster's OS user, mode 0700.
private_dir() {
  id "$(db_os_user)" >/dev/null 2>&1 || die "the user $(db_os_user) does not exist (set POSTGRES_OS_USER to an unprivileged user)"
  mkdir -p "$1"
  chmod 700 "$1"
  if [ "$(id -u)" = 0 ]; then chown "$(db_os_user):" "$1"; fi
  make_reachable "$1"
}

# new_data_dir: an empty data directory.
new_data_dir() {
  rm -rf "$PG_DATA"
  private_dir "$PG_DATA"
}
