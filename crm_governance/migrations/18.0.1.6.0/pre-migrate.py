"""18.0.1.5.0 → 18.0.1.6.0: each partner carries its customer account's
section, salesperson and protection state, which the partner record rules
now read (SEC-4): the columns are made and filled in one statement before
the ORM would compute them record by record."""
from odoo.addons.crm_governance.hooks import create_contact_reach_columns


def migrate(cr, version):
    if version:
        create_contact_reach_columns(cr)
