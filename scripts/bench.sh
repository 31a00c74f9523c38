#!/usr/bin/env bash
# make bench [N=1000000]: seed N leads into a crm-only database, time the
# install of crm_governance on it, then the hook alone and a salesperson's
# list query with stock rules vs. governance, message_post with and without
# the module, the FU-2 validity functions, and print one JSON document.
source "$(dirname "$0")/lib.sh"
ensure_venv
ensure_pg scratch
N=${N:-100000}
DB=${GOV_BENCH_DB:-crm_governance_bench}
CONF="$LOCAL/odoo-bench.conf"
write_odoo_conf "$CONF" "$DB"
recreate_db "$DB"
say "crm without demo data in $DB"
odoo_bin -c "$CONF" -d "$DB" -i crm --without-demo=all --stop-after-init --log-level=warn
say "seeding $N leads"
seed=$("$PY" "$ROOT/bench/bench.py" seed --conf "$CONF" --db "$DB" -n "$N")
say "a copy of the same data without the module, for message_post timed in turn"
clone_db "$DB" "${DB}_stock"
say "installing crm_governance on them"
t0=$(date +%s.%N)
odoo_bin -c "$CONF" -d "$DB" -i crm_governance --without-demo=all --stop-after-init --log-level=warn
install=$(echo "$(date +%s.%N) - $t0" | bc)
say "measuring"
measure=$("$PY" "$ROOT/bench/bench.py" measure --conf "$CONF" --db "$DB")
say "message_post, stock and with crm_governance judging the note, note by note in turn"
post=$("$PY" "$ROOT/bench/bench.py" post --conf "$CONF" --db "$DB" --stock-db "${DB}_stock")
recreate_db "${DB}_stock"
say "validity functions on ${VALIDITY_N:-1000000} generated notes"
validity=$("$PY" "$ROOT/bench/bench.py" validity --conf "$CONF" --db "$DB" -n "${VALIDITY_N:-1000000}")
say "release pass"
release=$("$PY" "$ROOT/bench/bench.py" release --conf "$CONF" --db "$DB")
say "-u crm_governance on the governed database"
t0=$(date +%s.%N)
odoo_bin -c "$CONF" -d "$DB" -u crm_governance --stop-after-init --log-level=warn
upgrade=$(echo "$(date +%s.%N) - $t0" | bc)
release=$("$PY" -c 'import json, sys; r = json.loads(sys.argv[1]); print(json.dumps({**r, "upgrade_module_seconds": round(float(sys.argv[2]), 2)}))' "$release" "$upgrade")
measure=$("$PY" - "$measure" "$release" "$validity" "$post" <<'PY'
import json, sys
measure, release, validity, post = map(json.loads, sys.argv[1:])
stock, governed = post["stock"], post["governed"]
post = {**post,
        "ratio_first_note_today": round(governed["first_today_seconds"] / stock["first_today_seconds"], 3),
        "ratio_again_today": round(governed["again_today_seconds"] / stock["again_today_seconds"], 3),
        "target_ratio": 1.20}
print(json.dumps({**measure, **release, **validity, "message_post": post}))
PY
)
mkdir -p "$ROOT/bench/results"
"$PY" - "$seed" "$install" "$measure" "$N" <<'PY' | tee "$ROOT/bench/results/bench-$N.json"
import json, platform, sys
seed, install, measure, n = json.loads(sys.argv[1]), float(sys.argv[2]), json.loads(sys.argv[3]), int(sys.argv[4])
print(json.dumps({"n": n, "machine": f"{platform.machine()} {platform.python_version()}",
                  "seed": seed, "install_module_seconds": round(install, 2), **measure}, indent=2))
PY
