#!/usr/bin/env bash
# make restore FILE=DIR/DB-STAMP.dump DB=new_name: a backup (make backup) into a
# new database, with its filestore. Refuses to overwrite an existing database.
# GOV_PG_CLUSTER=scratch restores into the test cluster instead.
source "$(dirname "$0")/lib.sh"
ensure_pg
FILE=${FILE:-}
DB=${DB:-}
[ -n "$FILE" ] && [ -f "$FILE" ] || die "FILE=path/to/backup.dump is required (see make backup)"
[ -n "$DB" ] || die "DB=name of the new database is required"
if psql_odoo -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$DB'" | grep -q 1; then
    die "database $DB exists: restore into a new name, or drop it first"
fi
bin=$(pg_bindir 2>/dev/null || dirname "$(command -v pg_restore)")
psql_odoo -d postgres -qc "CREATE DATABASE \"$DB\" ENCODING 'UTF8' TEMPLATE template0" >/dev/null
if ! PGPASSWORD=$DB_PASSWORD "$bin/pg_restore" -h "$DB_HOST" -p "$DB_PORT" -U "$DB_USER" --no-owner --exit-on-error \
        -d "$DB" "$FILE"; then
    psql_odoo -d postgres -qc "DROP DATABASE IF EXISTS \"$DB\"" >/dev/null
    die "pg_restore failed; nothing kept"
fi
store="${FILE%.dump}.filestore.tar.gz"
if [ -f "$store" ]; then
    mkdir -p "$LOCAL/data/filestore/$DB"
    tar -C "$LOCAL/data/filestore/$DB" -xzf "$store"
fi
say "restored $FILE into $DB"
