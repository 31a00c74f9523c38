from odoo import api, models

from .boundary import check_onchange_values
from .governed import GOVERNED_MODELS


class MailFollowers(models.Model):
    _inherit = "mail.followers"

    @api.model
    def _governance_readable_domain(self):
        """Followers point to their document by (res_model, res_id), which
        record rules cannot follow: stock Odoo lets any internal user list
        who follows which lead of any section. Only followers of documents
        the user can read are visible (SEC-4)."""
        domain = [("res_model", "not in", GOVERNED_MODELS)]
        for model in GOVERNED_MODELS:
            Model = self.env[model].with_context(active_test=False)
            if not Model.has_access("read"):
                continue
            domain = ["|", "&", ("res_model", "=", model), ("res_id", "in", Model._search([]))] + domain
        return domain

    def onchange(self, values, field_names, fields_spec):
        # a follower's related name and e-mail are read as superuser (SEC-4)
        check_onchange_values(self, values)
        return super().onchange(values, field_names, fields_spec)

    @api.model_create_multi
    def create(self, vals_list):
        # every subscription ends here (stock auto-subscription, templates,
        # the invite wizard, message_subscribe), mostly as superuser: a
        # governed record is followed only by people who may read it (SEC-4)
        if self.env["crm.governance.section"]._governance_enabled_ids():
            wanted = {}
            for vals in vals_list:
                if vals.get("res_model") in GOVERNED_MODELS and vals.get("partner_id") and vals.get("res_id"):
                    wanted.setdefault(vals["res_model"], set()).add(vals["res_id"])
            refused = {model: self.env[model].browse(ids)._governance_unreadable_partners(
                           [v["partner_id"] for v in vals_list if v.get("res_model") == model and v.get("partner_id")])
                       for model, ids in wanted.items()}
            vals_list = [vals for vals in vals_list if vals.get("partner_id") not in refused.get(
                vals.get("res_model"), {}).get(vals.get("res_id"), ())]
        return super().create(vals_list)

    @api.model
    def _search(self, domain, offset=0, limit=None, order=None):
        if not self.env.su and self.env["crm.governance.section"]._governance_enabled_ids():
            domain = ["&"] + self._governance_readable_domain() + list(domain or [("id", "!=", False)])
        return super()._search(domain, offset=offset, limit=limit, order=order)
