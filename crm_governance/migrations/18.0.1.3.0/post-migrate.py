"""18.0.1.2.0 → 18.0.1.3.0: registration rules (ENTRY-1 … ENTRY-4).

The registration key columns arrive empty; every existing record gets its
keys from the scheduled action, in committed batches, so the upgrade itself
stays short on a large database. Nothing already there is refused: the
checks apply to new registrations and changed keys only.
"""
from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    env["crm.governance.section"]._governance_rekey_start()
