from odoo import fields, models
from odoo.tools import SQL

from .crm_governance_protection_mixin import ResultGroup

# a contact's copy of what its customer account's record rule reads: copy -> (original, column type)
REACH_COLUMNS = {
    "governance_company_section_id": ("section_id", "int4"),
    "governance_company_user_id": ("user_id", "int4"),
    "governance_company_protection_state": ("protection_state", "varchar"),
}


class ResPartnerContactReach(models.Model):
    """A contact is read, written and deleted by whoever may do so on its
    customer account (SEC-4). The record rules filter contacts on these
    copies of the account's section, salesperson and protection state, as
    they filter accounts on their own columns: through
    ``commercial_partner_id`` PostgreSQL hashed every partner outside the
    governed sections for each contact list (2.2× stock at 100,000 leads,
    see the README). The ORM keeps them when an account or a contact's
    parent changes; the module's SQL writes of the account's columns call
    ``_governance_sql_written``."""
    _inherit = "res.partner"

    governance_company_section_id = fields.Many2one(
        "crm.governance.section", string="Customer's Section", related="commercial_partner_id.section_id",
        store=True, index="btree_not_null")
    governance_company_user_id = fields.Many2one(
        "res.users", string="Customer's Salesperson", related="commercial_partner_id.user_id", store=True)
    governance_company_protection_state = fields.Selection(
        string="Customer's Protection", related="commercial_partner_id.protection_state", store=True)

    def _governance_result_groups(self):
        copies = ResultGroup(frozenset(REACH_COLUMNS), lambda env, names: env._(
            "%(fields)s cannot be written: a contact has its customer account's section, salesperson and "
            "protection (SEC-4).", fields=names), True)
        return super()._governance_result_groups() + [copies]

    def _governance_sql_written(self):
        super()._governance_sql_written()
        self._governance_sync_contact_reach(self.ids)

    def _governance_sync_contact_reach(self, account_ids=None):
        """The copies on the contacts of ``account_ids`` (every partner when
        None) set to their account's columns, in one statement (the ORM does
        not see SQL writes); their cache dropped."""
        # pending ORM values first, or a later flush would write them over these
        self.flush_model(["commercial_partner_id", *REACH_COLUMNS, *(o for o, _type in REACH_COLUMNS.values())])
        synced = sync_contact_reach(self.env.cr, account_ids)
        if synced:
            self.browse(synced).invalidate_recordset(list(REACH_COLUMNS))
        return synced


def sync_contact_reach(cr, account_ids=None):
    """One UPDATE setting the copies of the partners of ``account_ids``
    (every partner when None) to their account's columns; the ids changed.
    Also run by the upgrade, before the ORM knows the copies."""
    cr.execute(SQL(
        """UPDATE res_partner c SET %(assign)s FROM res_partner p
            WHERE c.commercial_partner_id = p.id AND %(which)s
              AND (%(copies)s) IS DISTINCT FROM (%(originals)s)
        RETURNING c.id""",
        assign=SQL(", ").join(SQL("%s = p.%s", SQL.identifier(copy), SQL.identifier(original))
                              for copy, (original, _type) in REACH_COLUMNS.items()),
        which=SQL("TRUE") if account_ids is None else SQL("p.id = ANY(%s)", list(account_ids)),
        copies=SQL(", ").join(SQL("c.%s", SQL.identifier(copy)) for copy in REACH_COLUMNS),
        originals=SQL(", ").join(SQL("p.%s", SQL.identifier(original)) for original, _type in REACH_COLUMNS.values())))
    return [row[0] for row in cr.fetchall()]
