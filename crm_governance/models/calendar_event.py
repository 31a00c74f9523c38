from odoo import api, models

from .boundary import ids_of
from .governed import GOVERNED_MODELS
from .mail_activity import document_of
from .trusted import as_id


class CalendarEvent(models.Model):
    _inherit = "calendar.event"

    @api.model_create_multi
    def create(self, vals_list):
        self._governance_check_documents(vals_list)
        return super().create(vals_list)

    def write(self, vals):
        self._governance_check_documents([vals], self)
        return super().write(vals)

    @api.model
    def _governance_check_documents(self, vals_list, events=None):
        """A meeting linked to a lead or customer shows its name to every
        attendee and logs itself in its chatter: a user may link only records
        they can read (SEC-4)."""
        if self.env.su:
            return
        wanted = {model: set() for model in GOVERNED_MODELS}
        for vals in vals_list:
            if as_id(vals.get("opportunity_id")):
                wanted["crm.lead"].add(as_id(vals["opportunity_id"]))
            # attendees: the meeting shows each attendee's name, e-mail and phone to the others
            wanted["res.partner"].update(ids_of(vals.get("partner_ids")))
            for command in vals.get("attendee_ids") or []:
                if isinstance(command, (list, tuple)) and len(command) > 2 and isinstance(command[2], dict):
                    wanted["res.partner"].update(ids_of(command[2].get("partner_id")))
            if "res_id" in vals or "res_model_id" in vals or "res_model" in vals:
                for event in events or [None]:
                    model, res_id = document_of(self.env, vals, event)
                    if model in wanted and res_id:
                        wanted[model].add(res_id)
        for model, ids in wanted.items():
            ids = {i for i in ids if isinstance(i, int) and not isinstance(i, bool) and i > 0}
            if ids:
                self.env[model].browse(sorted(ids))._governance_check_caller("read")
