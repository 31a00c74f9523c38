#!/usr/bin/env bash
# make backup [DB=crm_governance_demo] [DIR=.local/backups]: one database and
# its filestore, timestamped: DIR/DB-YYYYmmddTHHMMSSZ.dump (pg_dump custom
# format) and, beside it, .filestore.tar.gz. Prints the .dump's path.
# GOV_PG_CLUSTER=scratch backs up a database of the test cluster instead.
source "$(dirname "$0")/lib.sh"
ensure_pg
DB=${DB:-${GOV_DB:-crm_governance_demo}}
DIR=${DIR:-$LOCAL/backups}
mkdir -p "$DIR"
DIR=$(cd "$DIR" && pwd)
psql_odoo -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$DB'" | grep -q 1 \
    || die "no database $DB to back up"
stamp=$(date -u +%Y%m%dT%H%M%SZ)
base="$DIR/$DB-$stamp"
bin=$(pg_bindir 2>/dev/null || dirname "$(command -v pg_dump)")
# one consistent snapshot of the database, whatever runs meanwhile
PGPASSWORD=$DB_PASSWORD "$bin/pg_dump" -h "$DB_HOST" -p "$DB_PORT" -U "$DB_USER" -Fc --no-owner -f "$base.dump" "$DB"
if [ -d "$LOCAL/data/filestore/$DB" ]; then
    tar -C "$LOCAL/data/filestore/$DB" -czf "$base.filestore.tar.gz" .
fi
say "backup of $DB: $base.dump"
echo "$base.dump"
