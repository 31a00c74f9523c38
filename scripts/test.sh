#!/usr/bin/env bash
# make test: bootstrap, a fresh test database with crm_governance (and demo
# data, so it is checked too), then one pytest run over our tests and over
# Odoo's own crm and sales_team suites with the full registry loaded.
source "$(dirname "$0")/lib.sh"
ensure_venv
ensure_pg
ensure_chromium
DB=${GOV_TEST_DB:-crm_governance_test}
CONF="$LOCAL/odoo-test.conf"
write_odoo_conf "$CONF" "$DB"
# a port of its own, so a running `make run` does not collide
sed -i "s/^http_port = .*/http_port = ${GOV_TEST_HTTP_PORT:-8169}/" "$CONF"
say "fresh test database $DB"
recreate_db "$DB"
odoo_bin -c "$CONF" -d "$DB" -i crm_governance --stop-after-init --log-level=warn
# a copy with the same data for tests/test_uninstall.py (uninstall, reinstall)
export GOV_UNINSTALL_DB="${DB}_uninstall"
psql_odoo -q -d postgres -c "DROP DATABASE IF EXISTS \"$GOV_UNINSTALL_DB\" WITH (FORCE)" \
    -c "CREATE DATABASE \"$GOV_UNINSTALL_DB\" TEMPLATE \"$DB\""
cd "$ROOT"
say "pytest: tests/ + Odoo's crm and sales_team tests"
exec env PYTHONPATH="$ROOT/scripts${PYTHONPATH:+:$PYTHONPATH}" "$PY" -m pytest -p no:cacheprovider -p pytest_no_skip -c "$ROOT/pytest.ini" \
    --rootdir="$ROOT" --odoo-config "$CONF" --odoo-database "$DB" --odoo-http \
    tests "$ODOO_SRC/addons/crm/tests" "$ODOO_SRC/addons/sales_team/tests" "$@"
