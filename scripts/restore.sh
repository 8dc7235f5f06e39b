#!/usr/bin/env bash
# npm run restore -- FILE: replaces the local database cluster with a backup made by backup.sh
# and starts it. The cluster it replaces is kept beside it as postgres.replaced-<UTC time>.
# The restored cluster's roles and passwords are those of the backup: restore it with the
# secrets (.state/secrets.env) of the platform it came from.
set -eu
here=$(dirname "$0")
. "$here/lib.sh"
. "$here/database-lib.sh"

[ -z "${MONGODB_URI:-}" ] || die "MONGODB_URI names an external database: restore it with that database's own tools (mongorestore)"
file=${1:-}
[ -f "$file" ] || die "usage: npm run restore -- FILE (a backup made by npm run backup)"
gzip -t "$file" 2>/dev/null || die "$file is not a gzip-compressed backup"
file=$(cd "$(dirname "$file")" && pwd)/$(basename "$file")

bash "$here/database.sh" stop
if [ -d "$PG_DATA" ]; then
  aside=$STATE_DIR/postgres.replaced-$(date -u +%Y%m%dT%H%M%SZ)
  mv "$PG_DATA" "$aside"
  log "the cluster it replaces is kept in $aside"
fi
new_data_dir
as_db tar -xzf - -C "$PG_DATA" < "$file" || die "unpacking $file failed"
bash "$here/database.sh" start
log "restored $file"
