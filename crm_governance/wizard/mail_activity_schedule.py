from odoo import models

from ..models.boundary import check_onchange_values


class MailActivitySchedule(models.TransientModel):
    _inherit = "mail.activity.schedule"

    def onchange(self, values, field_names, fields_spec):
        # the dialog names the documents it schedules on as superuser (SEC-4)
        check_onchange_values(self, values)
        return super().onchange(values, field_names, fields_spec)
