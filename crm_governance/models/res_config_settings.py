from odoo import fields, models

from .crm_governance_policy_fields import config_fields


class ResConfigSettings(models.TransientModel):
    _name = "res.config.settings"
    _inherit = ["res.config.settings", "crm.governance.fact.tags.mixin"]
    _governance_fact_fields = {"governance_registration_fact_ids": "governance_registration_facts",
                               "governance_completion_fact_ids": "governance_completion_facts"}

    # one field per policy setting (policy/settings.py), related to the company
    locals().update(config_fields())
    governance_registration_fact_ids = fields.Many2many(
        "crm.governance.registration.fact", "crm_governance_config_settings_required_fact_rel",
        string="Facts Required at Registration", compute="_compute_governance_fact_tags",
        inverse="_inverse_governance_fact_tags")
    governance_completion_fact_ids = fields.Many2many(
        "crm.governance.registration.fact", "crm_governance_config_settings_completion_fact_rel",
        string="Facts to Complete after Registration", compute="_compute_governance_fact_tags",
        inverse="_inverse_governance_fact_tags")
