"""18.0.1.4.0 → 18.0.1.5.0: a company name typed in traditional characters
keys as its simplified form (上海明遠科技 is 上海明远科技, ENTRY-2).

Leads and customer accounts get their name keys again from the scheduled
keying action, in committed batches (as on install); the name keys held by
deleted registrations are written simplified here, so a deleted customer
stays held under either script. Nothing already there is refused.
"""
from odoo import SUPERUSER_ID, api

from odoo.addons.crm_governance.policy import registration


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    env["crm.governance.section"]._governance_rekey_start()
    Deleted = env["crm.governance.deleted.registration"].with_context(active_test=False)
    for row in Deleted.search([("governance_name_key", "!=", False)]):
        key = registration.simplified(row.governance_name_key)
        if key != row.governance_name_key:
            row.governance_name_key = key
