#!/usr/bin/env bash
# make bench-registration [REGISTRATIONS=1000000]: the collision check of a
# new registration (ENTRY-2) against REGISTRATIONS/10, then REGISTRATIONS
# protected leads, vs. one plain indexed ORM search in the same run; one JSON.
source "$(dirname "$0")/lib.sh"
ensure_venv
ensure_pg scratch
REGISTRATIONS=${REGISTRATIONS:-1000000}
DB=${GOV_BENCH_DB:-crm_governance_bench}_registration
CONF="$LOCAL/odoo-bench-registration.conf"
write_odoo_conf "$CONF" "$DB"
recreate_db "$DB"
say "crm + crm_governance without demo data in $DB"
odoo_bin -c "$CONF" -d "$DB" -i crm_governance --without-demo=all --stop-after-init --log-level=warn
small=$((REGISTRATIONS / 10))
say "collision check against $small registrations"
first=$("$PY" "$ROOT/bench/bench.py" registration --conf "$CONF" --db "$DB" -n "$small")
say "collision check against $REGISTRATIONS registrations"
second=$("$PY" "$ROOT/bench/bench.py" registration --conf "$CONF" --db "$DB" -n "$((REGISTRATIONS - small))")
mkdir -p "$ROOT/bench/results"
"$PY" - "$first" "$second" <<'PY' | tee "$ROOT/bench/results/registration-$REGISTRATIONS.json"
import json, platform, sys
small, large = map(json.loads, sys.argv[1:])
print(json.dumps({"machine": f"{platform.machine()} {platform.python_version()}", "small": small, "large": large},
                 indent=2))
PY
