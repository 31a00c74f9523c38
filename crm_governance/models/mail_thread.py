from odoo import _, api, models
from odoo.exceptions import AccessError

from .governed import GOVERNED_MODELS


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

    def message_notify(self, **kwargs):
        # on a lead or customer, or on any model naming one by (model, res_id):
        # a notification names its record, so it is about records its sender
        # may read, to people who may read it (SEC-4)
        if self and not self.env.su and self._name.startswith("crm.governance."):
            # the module's own records (sections, grade overrides, validity queries): notified about
            # by those who act on them
            self.check_access("write")
        record = self if self._name in GOVERNED_MODELS else self.browse()
        if not self and kwargs.get("model") in GOVERNED_MODELS and isinstance(kwargs.get("res_id"), int):
            record = self.env[kwargs["model"]].browse(kwargs["res_id"])
        if record and not self.env.su and record._governance_active():
            record._governance_check_caller("read")
            if kwargs.get("partner_ids"):
                record._governance_check_recipients(list(kwargs["partner_ids"]))
        return super().message_notify(**kwargs)
