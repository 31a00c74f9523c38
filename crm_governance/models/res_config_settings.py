from odoo import models

from .crm_governance_policy_fields import config_fields


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    # one field per policy setting (policy/settings.py), related to the company
    locals().update(config_fields())
