from odoo import _, api, models
from odoo.exceptions import UserError


class MailMessage(models.Model):
    _inherit = "mail.message"

    @api.model
    def _governance_check_not_followup(self, messages):
        """A chatter message that became a follow-up is kept as written
        (FU-5): a correction is a new, supplementary follow-up."""
        if messages and self.env["crm.governance.followup"].sudo().search_count(
                [("message_id", "in", messages.ids)], limit=1):
            raise UserError(_("This message is a follow-up record: it cannot be edited or deleted; "
                              "add a supplementary follow-up instead (FU-5)."))

    def write(self, vals):
        if not self.env.su and {"body", "attachment_ids", "model", "res_id"} & set(vals):
            self._governance_check_not_followup(self)
        return super().write(vals)

    def unlink(self):
        if not self.env.su:
            self._governance_check_not_followup(self)
        return super().unlink()
