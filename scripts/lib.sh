# Shared helpers of the project's scripts. Sourced, not run.
# Everything lives under the checkout: .venv/ (Python) and .local/ (PostgreSQL
# cluster, Odoo config and filestore), so two clones never share state.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VENV="$ROOT/.venv"
LOCAL="$ROOT/.local"
PY="$VENV/bin/python"
PGPORT_PRIVATE=${GOV_PGPORT:-5439}
DB_ROLE=${GOV_DB_ROLE:-crm_gov}

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

apt_install() {
    # Debian packages the project needs, installed only when missing.
    local missing=()
    for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
    [ ${#missing[@]} -eq 0 ] && return 0
    say "installing Debian packages: ${missing[*]}"
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "${missing[@]}" >/dev/null
}

# Odoo 18.0 source: an importable odoo 18.0, then $ODOO_SRC, then /opt/odoo-18.0.
find_odoo() {
    local cand
    for cand in "${ODOO_SRC:-}" /opt/odoo-18.0; do
        if [ -n "$cand" ] && [ -f "$cand/odoo/release.py" ] && [ -d "$cand/addons/crm" ]; then
            if grep -q "^version_info = (18, 0," "$cand/odoo/release.py"; then
                echo "$cand"; return 0
            fi
            say "$cand is not Odoo 18.0, skipped"
        fi
    done
    if python3 -c 'import odoo.release as r, sys; sys.exit(r.version_info[:2] != (18, 0))' 2>/dev/null; then
        python3 -c 'import odoo, os; print(os.path.dirname(os.path.dirname(odoo.__file__)))'
        return 0
    fi
    cat >&2 <<'MSG'
error: Odoo 18.0 was not found.
  The scripts look for it in $ODOO_SRC, then /opt/odoo-18.0.
  Get the official 18.0 Community source (on a machine with internet):
      git clone --depth 1 --branch 18.0 https://github.com/odoo/odoo.git /opt/odoo-18.0
  or point ODOO_SRC at an existing 18.0 checkout, then run the command again.
MSG
    exit 1
}

ensure_venv() {
    ODOO_SRC=$(find_odoo)
    export ODOO_SRC
    local stamp="$VENV/.crm_governance-stamp" want
    want=$( { cat "$ODOO_SRC/requirements.txt" "$ROOT/requirements-dev.txt" \
              "$ROOT/scripts/odoo_requirements.py"; echo "$ODOO_SRC"; python3 --version; } | sha256sum | cut -d' ' -f1)
    if [ -x "$PY" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
        return 0
    fi
    # psycopg2 builds against libpq; Pillow/lxml come as wheels.
    apt_install libpq-dev
    say "creating $VENV and installing Odoo's requirements (first run only)"
    [ -x "$PY" ] || python3 -m venv "$VENV"
    "$PY" -m pip install -q --upgrade pip wheel 'setuptools<81'
    python3 "$ROOT/scripts/odoo_requirements.py" "$ODOO_SRC/requirements.txt" > "$VENV/odoo-requirements.txt"
    "$PY" -m pip install -q -r "$VENV/odoo-requirements.txt" -r "$ROOT/requirements-dev.txt"
    # Odoo itself is imported from its own tree: a .pth file, so nothing is
    # written into that tree and nothing of it is copied here.
    local site
    site=$("$PY" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
    echo "$ODOO_SRC" > "$site/odoo-src.pth"
    "$PY" -c 'import odoo.release as r; assert r.version_info[:2] == (18, 0), r.version'
    echo "$want" > "$stamp"
}

# PostgreSQL: $PGHOST given → use that server as is. Otherwise a private
# cluster under .local/pg, listening on a Unix socket only (no TCP port is
# opened), run by a non-root user, with its own Odoo role.
pg_bindir() {
    local d
    for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k4 -n -r); do
        [ -x "$d/initdb" ] && { echo "$d"; return 0; }
    done
    return 1
}

pg_runas() {
    # The server refuses to run as root: use the postgres system user then.
    if [ "$(id -u)" = 0 ]; then
        id postgres >/dev/null 2>&1 || useradd --system --home-dir /var/lib/postgresql --shell /bin/bash postgres
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

# Two private clusters under .local/: "durable" (make run: a trial user's
# real customers; PostgreSQL's durability settings kept) and "scratch" (make
# test, make bench, make pot: throw-away databases, durability traded for
# speed). ensure_pg [durable|scratch] starts one (default: $GOV_PG_CLUSTER,
# else durable); with PGHOST set, an existing server is used instead.
pg_cluster_dir() { [ "$1" = scratch ] && echo "$LOCAL/pg-scratch" || echo "$LOCAL/pg"; }
pg_cluster_port() { [ "$1" = scratch ] && echo "${GOV_PGPORT_SCRATCH:-5440}" || echo "$PGPORT_PRIVATE"; }

ensure_pg() {
    local cluster=${1:-${GOV_PG_CLUSTER:-durable}}
    if [ -n "${PGHOST:-}" ]; then
        DB_HOST=$PGHOST; DB_PORT=${PGPORT:-5432}; DB_USER=${PGUSER:-$DB_ROLE}; DB_PASSWORD=${PGPASSWORD:-}
        [ "$DB_USER" = postgres ] && die "Odoo refuses the database role 'postgres': set PGUSER to another role"
        export DB_HOST DB_PORT DB_USER DB_PASSWORD
        return 0
    fi
    local bin
    bin=$(pg_bindir) || { apt_install postgresql; bin=$(pg_bindir) || die "PostgreSQL server binaries not found"; }
    local dir port
    dir=$(pg_cluster_dir "$cluster"); port=$(pg_cluster_port "$cluster")
    local data="$dir/data" run="$dir/run" log="$dir/server.log"
    mkdir -p "$dir"
    if [ ! -f "$data/PG_VERSION" ]; then
        say "initialising a private PostgreSQL cluster ($cluster) in $data"
        mkdir -p "$data" "$run"
        [ "$(id -u)" = 0 ] && { pg_runas true; chown -R postgres: "$dir"; }
        pg_runas "$bin/initdb" -D "$data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
        cat >> "$data/postgresql.conf" <<CONF
listen_addresses = ''
unix_socket_directories = '$run'
port = $port
shared_buffers = 512MB
max_connections = 100
CONF
        if [ "$cluster" = scratch ]; then
            # throw-away databases only: durability traded for speed
            printf 'fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n' >> "$data/postgresql.conf"
        fi
    fi
    if ! pg_runas "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; then
        say "starting PostgreSQL ($cluster, $data)"
        pg_runas "$bin/pg_ctl" -D "$data" -l "$log" -w -t 60 start >/dev/null \
            || { tail -20 "$log" >&2; die "PostgreSQL did not start"; }
    fi
    if [ "$cluster" != scratch ]; then
        # a cluster made before the two were split had durability off: on, for good
        psql -h "$run" -p "$port" -U postgres -d postgres -qAt \
            -c "ALTER SYSTEM SET fsync = on" -c "ALTER SYSTEM SET full_page_writes = on" \
            -c "ALTER SYSTEM SET synchronous_commit = on" -c "SELECT pg_reload_conf()" >/dev/null
    fi
    DB_HOST=$run; DB_PORT=$port; DB_USER=$DB_ROLE; DB_PASSWORD=
    export DB_HOST DB_PORT DB_USER DB_PASSWORD
    if ! psql -h "$run" -p "$DB_PORT" -U postgres -d postgres -tAc \
            "SELECT 1 FROM pg_roles WHERE rolname = '$DB_ROLE'" | grep -q 1; then
        psql -h "$run" -p "$DB_PORT" -U postgres -d postgres -qc \
            "CREATE ROLE $DB_ROLE LOGIN CREATEDB" >/dev/null
    fi
}

pg_stop() {
    local bin cluster data
    bin=$(pg_bindir) || return 0
    for cluster in durable scratch; do
        data="$(pg_cluster_dir $cluster)/data"
        [ -f "$data/PG_VERSION" ] || continue
        if pg_runas "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; then
            pg_runas "$bin/pg_ctl" -D "$data" -m fast -w stop >/dev/null
            say "PostgreSQL ($cluster) stopped"
        fi
    done
}

psql_odoo() { PGPASSWORD=$DB_PASSWORD psql -h "$DB_HOST" -p "$DB_PORT" -U "$DB_USER" "$@"; }

write_odoo_conf() {
    # $1: config path, $2: database name
    mkdir -p "$LOCAL/data"
    cat > "$1" <<CONF
[options]
addons_path = $ODOO_SRC/addons,$ROOT
data_dir = $LOCAL/data
db_host = $DB_HOST
db_port = $DB_PORT
db_user = $DB_USER
db_password = ${DB_PASSWORD:-False}
db_name = $2
dbfilter = ^$2\$
http_interface = 127.0.0.1
http_port = ${GOV_HTTP_PORT:-8069}
gevent_port = ${GOV_GEVENT_PORT:-8072}
list_db = False
workers = 0
max_cron_threads = 1
limit_time_real = 1200
CONF
}

odoo_bin() { "$PY" "$ODOO_SRC/odoo-bin" "$@"; }

recreate_db() {
    # $1: database name; fresh each time so a test run never sees old state
    psql_odoo -d postgres -qc "DROP DATABASE IF EXISTS \"$1\" WITH (FORCE)" >/dev/null
    rm -rf "$LOCAL/data/filestore/$1"
}

clone_db() {
    # $1 template database, $2 copy (made fresh), with the template's filestore
    recreate_db "$2"
    psql_odoo -q -d postgres -c "CREATE DATABASE \"$2\" TEMPLATE \"$1\""
    if [ -d "$LOCAL/data/filestore/$1" ]; then
        cp -r "$LOCAL/data/filestore/$1" "$LOCAL/data/filestore/$2"
    fi
}

ensure_tool_venv() {
    # $1 directory, $2 requirements file, $3 the tool it must hold: a
    # virtualenv apart from Odoo's for tools whose pins clash with Odoo's,
    # remade whenever the requirements file changes
    if [ ! -x "$1/bin/$3" ] || ! cmp -s "$2" "$1/.requirements"; then
        say "$3 into $1"
        rm -rf "$1"
        mkdir -p "$(dirname "$1")"
        python3 -m venv "$1" || die "python3 -m venv failed (install python3-venv)"
        "$1/bin/pip" install -q --disable-pip-version-check -r "$2" \
            || die "could not install $3 from the package registry"
        cp "$2" "$1/.requirements"
    fi
}

ensure_chromium() {
    # Odoo's HttpCase finds chromium on PATH; without it tours are skipped.
    command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 \
        || apt_install chromium
    # Chinese glyphs for screenshots of the zh_CN interface (tours' failure shots, README)
    apt_install fonts-wqy-microhei
}
