from odoo import api, models

from .mail_activity import SECTIONED_MODELS


class MailFollowers(models.Model):
    _inherit = "mail.followers"

    @api.model
    def _governance_readable_domain(self):
        """Followers point to their document by (res_model, res_id), which
        record rules cannot follow: stock Odoo lets any internal user list
        who follows which lead of any section. Only followers of documents
        the user can read are visible (SEC-4)."""
        domain = [("res_model", "not in", SECTIONED_MODELS)]
        for model in SECTIONED_MODELS:
            Model = self.env[model].with_context(active_test=False)
            if not Model.has_access("read"):
                continue
            domain = ["|", "&", ("res_model", "=", model), ("res_id", "in", Model._search([]))] + domain
        return domain

    @api.model
    def _search(self, domain, offset=0, limit=None, order=None):
        if not self.env.su and self.env["crm.governance.section"]._governance_enabled_ids():
            domain = ["&"] + self._governance_readable_domain() + list(domain or [("id", "!=", False)])
        return super()._search(domain, offset=offset, limit=limit, order=order)
