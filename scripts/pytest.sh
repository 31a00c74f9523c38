#!/usr/bin/env bash
# Run pytest (pytest-odoo) on an existing test database: scripts/pytest.sh [pytest args]
source "$(dirname "$0")/lib.sh"
ensure_venv
ensure_pg scratch
DB=${GOV_TEST_DB:-crm_governance_test}
CONF="$LOCAL/odoo-test.conf"
write_odoo_conf "$CONF" "$DB"
cd "$ROOT"
exec "$PY" -m pytest -p no:cacheprovider --odoo-config "$CONF" --odoo-database "$DB" "$@"
