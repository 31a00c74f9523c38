#!/usr/bin/env bash
# bench_sizes.sh STEP TOTAL: a bench.py step at two sizes in a database of its
# own (crm + crm_governance, no demo data): TOTAL/10 first, then up to TOTAL,
# each measured against its floor in the same run; one JSON printed and kept in
# bench/results/STEP-TOTAL.json. make bench-grading (CUSTOMERS, default
# 200000 customers with 10 won deals each, vs. one SQL aggregate) and make
# bench-registration (REGISTRATIONS, default 1000000, the collision check vs.
# one indexed search) run it.
source "$(dirname "$0")/lib.sh"
ensure_venv
ensure_pg scratch
STEP=$1
TOTAL=$2
DB=${GOV_BENCH_DB:-crm_governance_bench}_$STEP
CONF="$LOCAL/odoo-bench-$STEP.conf"
write_odoo_conf "$CONF" "$DB"
recreate_db "$DB"
say "crm + crm_governance without demo data in $DB"
odoo_bin -c "$CONF" -d "$DB" -i crm_governance --without-demo=all --stop-after-init --log-level=warn
small=$((TOTAL / 10))
say "$STEP at $small"
first=$("$PY" "$ROOT/bench/bench.py" "$STEP" --conf "$CONF" --db "$DB" -n "$small")
say "$STEP at $TOTAL"
second=$("$PY" "$ROOT/bench/bench.py" "$STEP" --conf "$CONF" --db "$DB" -n "$((TOTAL - small))")
mkdir -p "$ROOT/bench/results"
"$PY" "$ROOT/bench/bench.py" sizes --step "$STEP" --small "$first" --large "$second" \
    | tee "$ROOT/bench/results/$STEP-$TOTAL.json"
