#!/usr/bin/env bash
# npm run backup [-- FILE]: a consistent physical backup of the local database cluster
# (pg_basebackup, WAL included) while it runs. Default FILE: .state/backups/database-<UTC time>.tar.gz.
# The documents' data keys are wrapped by DATA_KEK_HEX, which is not in the backup: keep the
# secrets (.state/secrets.env, or your own secret store) safe separately.
set -eu
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/database-lib.sh"

[ -z "${MONGODB_URI:-}" ] || die "MONGODB_URI names an external database: back it up with that database's own tools (mongodump)"
pid_alive "$RUN_DIR/postgres.pid" || die "the database is not running (npm start)"
out=${1:-$STATE_DIR/backups/database-$(date -u +%Y%m%dT%H%M%SZ).tar.gz}
mkdir -p "$(dirname "$out")"
tmp=$out.partial
as_db "$PG_BIN/pg_basebackup" -h "$PG_SOCKET_DIR" -p "$POSTGRES_PORT" -D - -Ft -X fetch -z --checkpoint=fast > "$tmp" \
  || { rm -f "$tmp"; die "pg_basebackup failed"; }
mv "$tmp" "$out"
log "backup written: $out ($(du -h "$out" | cut -f1))"
echo "$out"
