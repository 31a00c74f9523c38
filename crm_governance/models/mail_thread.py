from odoo import _, api, models
from odoo.exceptions import AccessError


class MailThread(models.AbstractModel):
    _inherit = "mail.thread"

    @api.model
    def message_process(self, model, message, custom_values=None, save_original=False, strip_attachments=False,
                        thread_id=None):
        # The mail gateway creates and updates records as superuser with the
        # values it is given: over JSON-RPC an ordinary user would register a
        # lead past every registration rule (ENTRY-1/2/3) or post on another
        # section's records (SEC-4). Mail servers feed it as a system user.
        if not self.env.su and not self.env.user._is_system() \
                and self.env["crm.governance.section"]._governance_enabled_ids():
            raise AccessError(_("Only the mail server's system account feeds the mail gateway (ENTRY-1, SEC-4)."))
        return super().message_process(model, message, custom_values=custom_values, save_original=save_original,
                                       strip_attachments=strip_attachments, thread_id=thread_id)
