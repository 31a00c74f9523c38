from odoo import _, api, fields, models
from odoo.exceptions import AccessError

from ..policy import settings
from .crm_governance_policy_fields import company_default_fields

CONFIG_FIELDS = tuple(f"governance_{s.name}" for s in settings.SETTINGS + settings.GRADING + settings.REGISTRATION)


class CrmGovernanceConfig(models.TransientModel):
    """The module's settings (company defaults for new sections, grading,
    legal forms) for its system admins (系统管理员, SEC-2), who configure the
    policies without Odoo's technical Settings rights: the same company
    fields as Settings ▸ CRM, read and written for them here."""
    _name = "crm.governance.config"
    _inherit = ["crm.governance.fact.tags.mixin"]
    _description = "CRM Governance Settings"
    _governance_fact_fields = {"governance_registration_fact_ids": "governance_registration_facts",
                               "governance_completion_fact_ids": "governance_completion_facts"}

    company_id = fields.Many2one("res.company", required=True, readonly=True,
                                 default=lambda self: self.env.company)
    locals().update(company_default_fields())
    governance_registration_fact_ids = fields.Many2many(
        "crm.governance.registration.fact", "crm_governance_config_required_fact_rel",
        string="Facts Required at Registration", compute="_compute_governance_fact_tags",
        inverse="_inverse_governance_fact_tags")
    governance_completion_fact_ids = fields.Many2many(
        "crm.governance.registration.fact", "crm_governance_config_completion_fact_rel",
        string="Facts to Complete after Registration", compute="_compute_governance_fact_tags",
        inverse="_inverse_governance_fact_tags")

    @api.model
    def _governance_check_admin(self):
        if self.env.su:
            return
        user = self.env.user
        if user.sudo().governance_frozen or not user.has_group("crm_governance.group_system_admin"):
            raise AccessError(_("Only a system admin of CRM Governance configures its policies (SEC-2)."))

    @api.model
    def default_get(self, fields_list):
        self._governance_check_admin()
        res = super().default_get(fields_list)
        company = self.env["res.company"].browse(res.get("company_id") or self.env.company.id).sudo()
        res.update({name: company[name] for name in CONFIG_FIELDS if name in fields_list})
        return res

    @api.model_create_multi
    def create(self, vals_list):
        self._governance_check_admin()
        return super().create(vals_list)

    def action_save(self):
        """Write the dialog's values to the company, with the company's own
        checks (policy.settings); nothing is written if one is refused."""
        self.ensure_one()
        self._governance_check_admin()
        company = self.company_id.sudo()
        changed = {name: self[name] for name in CONFIG_FIELDS if self[name] != company[name]}
        if changed:
            company.write(changed)
        return {"type": "ir.actions.client", "tag": "display_notification", "params": {
            "type": "success", "sticky": False, "title": _("Saved"),
            "message": _("The defaults apply to sections created from now on; each section keeps its own numbers."),
            "next": {"type": "ir.actions.client", "tag": "soft_reload"}}}
