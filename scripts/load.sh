#!/usr/bin/env bash
# make load [N=100000] [USERS="50"] [DURATION=60] [DUE=500]: Locust against
# Odoo's prefork server (--workers=4 --max-cron-threads=2) on N seeded leads
# (10 sections, 200 salespeople, a head each), once with governance off
# (stock rules: the baseline) and once with it on, same data, same run; while
# each load runs the release and warning passes are woken with DUE records
# due. After each run the invariants are checked (tests/… nothing: bench/load.py
# check); a broken one fails make load. USERS may list several counts
# ("10 50 100"): each is run in both modes, to see where p95 degrades.
source "$(dirname "$0")/lib.sh"
ensure_venv
ensure_pg scratch
N=${N:-100000}
USERS=${USERS:-50}
DURATION=${DURATION:-60}
DUE=${DUE:-500}
DB=${LOAD_DB:-crm_governance_load}
PORT=${LOAD_HTTP_PORT:-8369}
OUT=${LOAD_RESULTS:-$ROOT/bench/results}
WORK="$LOCAL/load/$DB"
mkdir -p "$WORK" "$OUT"

# Locust pins its own gevent/greenlet/requests: a virtualenv of its own
LOAD_VENV="$LOCAL/load-venv"
ensure_tool_venv "$LOAD_VENV" "$ROOT/requirements-load.txt" locust

CONF="$WORK/odoo.conf"
GOV_HTTP_PORT=$PORT GOV_GEVENT_PORT=$((PORT + 3)) write_odoo_conf "$CONF" "$DB"
sed -i -e "s/^workers = .*/workers = 4/" -e "s/^max_cron_threads = .*/max_cron_threads = 2/" "$CONF"
load_py() { "$PY" "$ROOT/bench/load.py" "$@" --conf "$CONF"; }

# Two templates made once per N and version of the module: the seeded database
# with governance off and with it on; every run starts from a copy, so runs
# compare like with like (a template of older code would miss its tables).
KEY="$N-$(cd "$ROOT" && find crm_governance bench -type f \( -name '*.py' -o -name '*.xml' -o -name '*.csv' \) \
    -print0 | sort -z | xargs -0 sha1sum | sha1sum | cut -c1-12)"
if ! psql_odoo -d "${DB}_stock" -tAc "SELECT value FROM ir_config_parameter WHERE key = 'load.n'" 2>/dev/null \
        | grep -qx "$KEY" || ! psql_odoo -d "${DB}_governed" -tAc "SELECT 1" >/dev/null 2>&1; then
    say "seeding $N leads into ${DB}_stock"
    recreate_db "${DB}_stock"
    odoo_bin -c "$CONF" -d "${DB}_stock" -i crm --without-demo=all --stop-after-init --log-level=warn --workers=0
    "$PY" "$ROOT/bench/bench.py" seed --conf "$CONF" --db "${DB}_stock" -n "$N" >/dev/null
    odoo_bin -c "$CONF" -d "${DB}_stock" -i crm_governance --without-demo=all --stop-after-init \
        --log-level=warn --workers=0
    load_py setup --db "${DB}_stock" >/dev/null
    psql_odoo -q -d "${DB}_stock" -c "INSERT INTO ir_config_parameter (key, value) VALUES ('load.n', '$KEY')"
    say "the same with governance on: ${DB}_governed"
    clone_db "${DB}_stock" "${DB}_governed"
    load_py govern --db "${DB}_governed" >/dev/null
fi

server_pid=
stop_server() {
    [ -n "$server_pid" ] || return 0
    kill "$server_pid" 2>/dev/null
    for _ in $(seq 1 30); do kill -0 "$server_pid" 2>/dev/null || break; sleep 1; done
    kill -9 "$server_pid" 2>/dev/null || true
    server_pid=
}
trap stop_server EXIT

status=0
runs=()
for users in $USERS; do
    for mode in stock governed; do
        run="$WORK/$mode-$users"
        rm -rf "$run" && mkdir -p "$run"
        say "$mode, $users users, ${DURATION}s"
        clone_db "${DB}_$mode" "$DB"
        # the passes woken below act on records due now
        if [ "$mode" = governed ]; then load_py due --db "$DB" -n "$DUE" > "$run/due.json"; fi
        # not through odoo_bin(): $! must be the server itself, to stop it
        "$PY" "$ODOO_SRC/odoo-bin" -c "$CONF" -d "$DB" --logfile "$run/odoo.log" --log-level=info &
        server_pid=$!
        for _ in $(seq 1 60); do
            curl -fs -o /dev/null "http://127.0.0.1:$PORT/web/login" && break
            sleep 1
        done
        since=$(date -u +"%Y-%m-%d %H:%M:%S")
        spawn=$(( users > 10 ? users / 5 : 2 ))
        # every user logs in (Odoo's password hash: ~0.5 s of CPU each) and
        # warms up; statistics start after that
        warmup=$(( 10 + users / 2 ))
        (
            # then wake the release and warning passes, under load
            sleep $(( warmup + 3 ))
            psql_odoo -q -d "$DB" -c "INSERT INTO ir_cron_trigger (cron_id, call_at)
                SELECT res_id, now() at time zone 'utc' FROM ir_model_data
                 WHERE module = 'crm_governance' AND name IN ('ir_cron_protection_release', 'ir_cron_protection_warning')"
            # Odoo's cron workers listen on the postgres database (ir.cron._notifydb)
            psql_odoo -q -d postgres -c "NOTIFY cron_trigger, '$DB'"
        ) &
        LOAD_MODE=$mode LOAD_DB=$DB LOAD_OUT="$run/seen.json" LOAD_WARMUP=$warmup "$LOAD_VENV/bin/locust" \
            -f "$ROOT/bench/locustfile.py" --headless -u "$users" -r "$spawn" -t "$(( warmup + DURATION ))s" \
            --host "http://127.0.0.1:$PORT" --csv "$run/locust" --only-summary \
            --stop-timeout 10 --loglevel WARNING > "$run/locust.out" 2>&1 || true  # failures: judged below
        wait $! 2>/dev/null || true
        # let the passes finish what they started before the server stops
        for _ in $(seq 1 60); do
            psql_odoo -d "$DB" -tAc "SELECT count(*) FROM ir_cron_trigger t JOIN ir_model_data d ON d.res_id = t.cron_id
                AND d.model = 'ir.cron' AND d.module = 'crm_governance'" | grep -qx 0 && break
            sleep 1
        done
        sleep 2
        stop_server
        if ! load_py check --db "$DB" --since "$since" --results "$run/seen.json" --log "$run/odoo.log" \
                > "$run/check.json"; then
            say "invariants broken in the $mode run with $users users: $(cat "$run/check.json")"
            status=1
        fi
        runs+=("$mode:$users:$run")
    done
done
"$PY" "$ROOT/bench/load_report.py" --n "$N" --duration "$DURATION" "${runs[@]}" | tee "$OUT/load-$N.json"
exit $status
