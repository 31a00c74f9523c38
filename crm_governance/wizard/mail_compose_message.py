from odoo import models

from ..models.boundary import check_onchange_values, readable_by_caller
from ..models.governed import GOVERNED_MODELS


class MailComposeMessage(models.TransientModel):
    _inherit = "mail.compose.message"

    def _compute_record_name(self):
        # stock names the document as superuser: the composer's onchange named
        # any lead or customer by id (and a missing id answered otherwise).
        # Named only when the caller may read it (SEC-4).
        super()._compute_record_name()
        if self.env(su=False).is_superuser() or not self.env["crm.governance.section"]._governance_enabled_ids():
            return
        for composer in self.filtered("record_name"):
            if composer.parent_id and not readable_by_caller(self.env, composer.parent_id):
                composer.record_name = False
            elif composer.model in GOVERNED_MODELS:
                documents = self.env[composer.model].browse(composer._evaluate_res_ids())
                if len(readable_by_caller(self.env, documents)) != len(documents):
                    composer.record_name = False

    def onchange(self, values, field_names, fields_spec):
        check_onchange_values(self, values)
        return super().onchange(values, field_names, fields_spec)
