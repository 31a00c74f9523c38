#!/usr/bin/env bash
# make run: bootstrap, a demo database with crm_governance, the web client.
source "$(dirname "$0")/lib.sh"
ensure_venv
ensure_pg
DB=${GOV_DB:-crm_governance_demo}
CONF="$LOCAL/odoo-run.conf"
write_odoo_conf "$CONF" "$DB"
installed=$(psql_odoo -d "$DB" -tAc "SELECT state FROM ir_module_module WHERE name = 'crm_governance'" 2>/dev/null || true)
if [ "$installed" != installed ]; then
    say "creating database $DB with crm_governance and its demo data"
    recreate_db "$DB"
    odoo_bin -c "$CONF" -d "$DB" -i crm_governance --load-language=zh_CN --stop-after-init --log-level=warn
else
    say "updating crm_governance in $DB"
    odoo_bin -c "$CONF" -d "$DB" -u crm_governance --stop-after-init --log-level=warn
fi
cat <<MSG

  CRM Governance demo: http://localhost:${GOV_HTTP_PORT:-8069}   (database $DB)
  Every demo password equals its login.
    admin            Odoo administrator (also CRM Governance system admin)
    gov_sysadmin     System admin (系统管理员): all sections, configures policies
    gov_management   Group management (集团管理层): reads every section, moves records
    east_head        Section head (版块负责人), East China   (also south_head, north_head)
    east_admin       Section admin (版块管理员), East China  (also south_admin, north_admin)
    east_sales1      Salesperson (业务人员), East China      (also east_sales2, south_sales1 …)

MSG
exec "$PY" "$ODOO_SRC/odoo-bin" -c "$CONF"
