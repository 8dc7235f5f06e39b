#!/usr/bin/env bash
# The local document database: a PostgreSQL cluster of the project's own (with the DocumentDB
# extension) under .state/postgres, and FerretDB v2 speaking the MongoDB wire protocol on it.
# Skipped when MONGODB_URI names an external database.
#   database.sh start | stop
set -eu
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/database-lib.sh"

PG_LOG=$LOG_DIR/postgres.log
FERRETDB_LOG=$LOG_DIR/ferretdb.log

psql_admin() {
  as_db "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$PG_SOCKET_DIR" -p "$POSTGRES_PORT" -d postgres "$@"
}

init_postgres() {
  [ -f "$PG_DATA/PG_VERSION" ] && return 0
  log "database: creating the PostgreSQL cluster in $PG_DATA"
  new_data_dir
  # The superuser is named after the OS user; authentication: see write_postgres_conf.
  as_db "$PG_BIN/initdb" -D "$PG_DATA" --auth-local=peer --auth-host=scram-sha-256 \
    --encoding=UTF8 --locale=C >"$LOG_DIR/initdb.log" 2>&1 || die "initdb failed; see $LOG_DIR/initdb.log"
  echo "include 'platform.conf'" | as_db tee -a "$PG_DATA/postgresql.conf" >/dev/null
}

# The platform's settings, rewritten at every start so that a changed setting reaches an
# existing cluster on its next start.
write_postgres_conf() {
  # A Unix socket path holds at most 107 bytes.
  [ ${#PG_SOCKET_DIR} -le 90 ] || die "the state directory's path is too long for PostgreSQL's socket ($PG_SOCKET_DIR): set STATE_DIR to a shorter path"
  as_db tee "$PG_DATA/platform.conf" >/dev/null <<CONF
# Written by scripts/database.sh at every start; edit the script, not this file.
listen_addresses = '127.0.0.1'
port = $POSTGRES_PORT
unix_socket_directories = '$PG_SOCKET_DIR'
shared_preload_libraries = 'pg_cron,pg_documentdb_core,pg_documentdb'
cron.database_name = 'postgres'
# DocumentDB's jobs (index builds, TTL) run in background workers: no login needed.
cron.use_background_workers = on
# Neither a log line nor a cron.job_run_details row for each run (every 2 s).
cron.log_run = off
cron.log_statement = off
max_worker_processes = 16
documentdb.enableCompact = true
documentdb.enableLetAndCollationForQueryMatch = true
documentdb.enableNowSystemVariable = true
documentdb.enableSchemaValidation = true
documentdb.enableBypassDocumentValidation = true
documentdb.enableUserCrud = true
documentdb.maxUserLimit = 100
# DocumentDB connects back to the server for some commands (index builds) as the calling role.
documentdb.localhost_connection_string = 'host=$PG_SOCKET_DIR'
CONF
  # The socket sits in the data directory, which only the cluster's OS user can enter; that
  # user may log in there as itself or as the application's role (DocumentDB's loopback
  # connections). Every TCP login needs a password.
  as_db tee "$PG_DATA/pg_hba.conf" >/dev/null <<HBA
local all         all             peer map=platform
local replication all             peer map=platform
host  all         all 127.0.0.1/32 scram-sha-256
HBA
  as_db tee "$PG_DATA/pg_ident.conf" >/dev/null <<IDENT
platform $(db_os_user) $(db_os_user)
platform $(db_os_user) $DB_APP_USER
IDENT
}

# The extension and the application's role, both idempotent; the password travels on stdin.
prepare_postgres() {
  load_secrets
  psql_admin -f - <<SQL
CREATE EXTENSION IF NOT EXISTS documentdb CASCADE;
SELECT format('CREATE ROLE %I LOGIN PASSWORD %L', '$DB_APP_USER', '$DB_APP_PASSWORD')
  WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '$DB_APP_USER') \gexec
ALTER ROLE $DB_APP_USER PASSWORD '$DB_APP_PASSWORD';
GRANT documentdb_admin_role TO $DB_APP_USER;
SQL
}

start_postgres() {
  init_postgres
  if ! pid_alive "$RUN_DIR/postgres.pid"; then
    private_dir "$PG_SOCKET_DIR"
    write_postgres_conf
  fi
  start_bg postgres "$PG_LOG" "${db_exec[@]}" "$PG_BIN/postgres" -D "$PG_DATA"
  wait_for postgres "$PG_LOG" 60 "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$POSTGRES_PORT"
  prepare_postgres >>"$PG_LOG" 2>&1 || die "preparing the database failed; see $PG_LOG"
}

start_ferretdb() {
  load_secrets
  mkdir -p "$STATE_DIR/ferretdb"
  # In the environment rather than on the command line, so that ps does not show the password.
  FERRETDB_POSTGRESQL_URL="postgres://$DB_APP_USER:$DB_APP_PASSWORD@127.0.0.1:$POSTGRES_PORT/postgres" \
    start_bg ferretdb "$FERRETDB_LOG" "$TOOLS_DIR/bin/ferretdb" \
    --listen-addr="$FERRETDB_ADDR" --debug-addr="${FERRETDB_DEBUG_ADDR:-127.0.0.1:8089}" \
    --state-dir="$STATE_DIR/ferretdb" --telemetry=disable --log-level=warn
  wait_for ferretdb "$FERRETDB_LOG" 30 port_open "$FERRETDB_ADDR"
}

stop_postgres() {
  local pidfile=$RUN_DIR/postgres.pid
  if pid_alive "$pidfile"; then
    # Fast shutdown: ends open sessions, writes a checkpoint, exits cleanly.
    as_db "$PG_BIN/pg_ctl" -D "$PG_DATA" stop -m fast -w -t 30 >/dev/null || stop_bg postgres
    log "stopped postgres"
  fi
  rm -f "$pidfile"
}

case "${1:-}" in
  start)
    if [ -n "${MONGODB_URI:-}" ]; then log "database: external ($MONGODB_URI)"; exit 0; fi
    start_postgres
    start_ferretdb
    ;;
  stop) stop_bg ferretdb; stop_postgres ;;
  *) die "usage: database.sh start|stop" ;;
esac
