from odoo import models

from ..models.boundary import check_onchange_values


class MailWizardInvite(models.TransientModel):
    _inherit = "mail.wizard.invite"

    def onchange(self, values, field_names, fields_spec):
        # the people and the document the dialog shows are read as superuser (SEC-4)
        check_onchange_values(self, values)
        return super().onchange(values, field_names, fields_spec)
