from odoo import models


class ResPartner(models.Model):
    _name = "res.partner"
    _inherit = ["res.partner", "crm.governance.protection.mixin", "crm.governance.section.mixin"]

    def _governance_wants_section(self):
        # Customer accounts: companies with a salesperson (SEC-1). Contacts,
        # users' own partners and suppliers stay outside sections.
        return self.filtered(lambda p: p.is_company and p.user_id)

    def _governance_name_column(self):
        return "complete_name"

    def _governance_section_source_team(self):
        # ``team_id`` on partners comes with the ``sale`` add-on, when installed.
        return self.team_id if "team_id" in self._fields else self.env["crm.team"]

    def _message_post_after_hook(self, message, msg_vals):
        res = super()._message_post_after_hook(message, msg_vals)
        self._governance_followup_posted(message)
        return res
