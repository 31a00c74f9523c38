#!/usr/bin/env bash
# make test: bootstrap, a fresh test database with crm_governance (and demo
# data, so it is checked too), then one pytest run over our tests and over
# Odoo's own crm and sales_team suites with the full registry loaded.
source "$(dirname "$0")/lib.sh"
ensure_venv
ensure_pg scratch
ensure_chromium
# fresh_db CONF DB PORT MODULE: a configuration with a port of its own (a
# running `make run` does not collide) and a fresh database with MODULE
fresh_db() {
    write_odoo_conf "$1" "$2"
    sed -i "s/^http_port = .*/http_port = $3/" "$1"
    say "fresh test database $2 ($4)"
    recreate_db "$2"
    odoo_bin -c "$1" -d "$2" -i "$4" --stop-after-init --log-level=warn
}
DB=${GOV_TEST_DB:-crm_governance_test}
CONF="$LOCAL/odoo-test.conf"
fresh_db "$CONF" "$DB" "${GOV_TEST_HTTP_PORT:-8169}" crm_governance
# a copy with the same data for tests/test_uninstall.py (uninstall, reinstall)
export GOV_UNINSTALL_DB="${DB}_uninstall"
clone_db "$DB" "$GOV_UNINSTALL_DB"
# and one for tests/test_crash_resume.py (release passes that commit, one of them killed)
export GOV_CRASH_DB="${DB}_crash"
clone_db "$DB" "$GOV_CRASH_DB"
# the Sales bridge (crm_governance_sale pulls in sale_crm and sale_margin) in a
# database of its own, so the main suite runs on a CRM without Sales
SALE_DB="${DB}_sale"
SALE_CONF="$LOCAL/odoo-test-sale.conf"
fresh_db "$SALE_CONF" "$SALE_DB" "${GOV_TEST_SALE_HTTP_PORT:-8179}" crm_governance_sale
cd "$ROOT"
run_pytest() {
    env PYTHONPATH="$ROOT/scripts${PYTHONPATH:+:$PYTHONPATH}" "$PY" -m pytest -p no:cacheprovider -p pytest_no_skip \
        -c "$ROOT/pytest.ini" --rootdir="$ROOT" "$@"
}
say "pytest: tests/ + Odoo's crm and sales_team tests"
status=0
run_pytest --odoo-config "$CONF" --odoo-database "$DB" --odoo-http \
    tests "$ODOO_SRC/addons/crm/tests" "$ODOO_SRC/addons/sales_team/tests" "$@" || status=$?
say "pytest: crm_governance_sale"
run_pytest --odoo-config "$SALE_CONF" --odoo-database "$SALE_DB" crm_governance_sale/tests || status=$?
exit $status
