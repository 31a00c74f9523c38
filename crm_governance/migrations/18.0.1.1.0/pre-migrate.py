"""18.0.1.0.0 → 18.0.1.1.0: the database functions of the old chatter path
go before the new code runs, so no note is ever recorded twice over."""
from odoo.addons.crm_governance.hooks import drop_database_functions


def migrate(cr, version):
    if version:
        drop_database_functions(cr)
