from odoo import api, models

from ..policy import settings
from .crm_governance_policy_fields import company_fields


class ResCompany(models.Model):
    """Company-level defaults for the policy of new sections (POLICY.md's
    numbers unless changed in Settings)."""
    _inherit = "res.company"

    # one field per policy setting (policy/settings.py), prefixed governance_
    locals().update(company_fields())

    @api.constrains(*(f"governance_{s.name}" for s in settings.SETTINGS))
    def _check_governance_defaults(self):
        for company in self:
            self.env["crm.governance.section"]._governance_check_settings(
                {s.name: company[f"governance_{s.name}"] for s in settings.SETTINGS},
                self.env._("Company %s", company.name))
