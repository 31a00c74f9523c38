#!/usr/bin/env bash
# make pot: regenerate crm_governance.pot from the code (Odoo's exporter on a
# database with the module installed), then merge it into every .po so new
# strings show up untranslated and removed ones disappear.
source "$(dirname "$0")/lib.sh"
ensure_venv
ensure_pg scratch
DB=${GOV_I18N_DB:-crm_governance_i18n}
CONF="$LOCAL/odoo-i18n.conf"
write_odoo_conf "$CONF" "$DB"
recreate_db "$DB"
odoo_bin -c "$CONF" -d "$DB" -i crm_governance --without-demo=all --stop-after-init --log-level=warn
POT="$ROOT/crm_governance/i18n/crm_governance.pot"
odoo_bin -c "$CONF" -d "$DB" --i18n-export="$POT" --modules=crm_governance --stop-after-init --log-level=warn
"$PY" "$ROOT/scripts/po_merge.py" "$POT" "$ROOT"/crm_governance/i18n/*.po
