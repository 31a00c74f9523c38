#!/usr/bin/env bash
# make bench-grading [CUSTOMERS=200000]: key-customer grading (GRADE-2) on a
# crm database with crm_governance: CUSTOMERS/10 customers first, then up to
# CUSTOMERS, 10 won opportunities each; at both sizes the grading run vs. one
# SQL aggregate of the same figures (the floor), in the same run; one JSON.
source "$(dirname "$0")/lib.sh"
ensure_venv
ensure_pg scratch
CUSTOMERS=${CUSTOMERS:-200000}
DB=${GOV_BENCH_DB:-crm_governance_bench}_grading
CONF="$LOCAL/odoo-bench-grading.conf"
write_odoo_conf "$CONF" "$DB"
recreate_db "$DB"
say "crm + crm_governance without demo data in $DB"
odoo_bin -c "$CONF" -d "$DB" -i crm_governance --without-demo=all --stop-after-init --log-level=warn
small=$((CUSTOMERS / 10))
say "grading $small customers"
first=$("$PY" "$ROOT/bench/bench.py" grading --conf "$CONF" --db "$DB" -n "$small")
say "grading $CUSTOMERS customers"
second=$("$PY" "$ROOT/bench/bench.py" grading --conf "$CONF" --db "$DB" -n "$((CUSTOMERS - small))")
mkdir -p "$ROOT/bench/results"
"$PY" - "$first" "$second" <<'PY' | tee "$ROOT/bench/results/grading-$CUSTOMERS.json"
import json, platform, sys
small, large = map(json.loads, sys.argv[1:])
growth = large["customers"] / small["customers"]
print(json.dumps({"machine": f"{platform.machine()} {platform.python_version()}", "small": small, "large": large,
                  "customers_grew": round(growth, 1),
                  "second_run_grew": round(large["second_run_seconds"] / small["second_run_seconds"], 1),
                  "first_run_grew": round(large["first_run_seconds"] / small["first_run_seconds"], 1)}, indent=2))
PY
