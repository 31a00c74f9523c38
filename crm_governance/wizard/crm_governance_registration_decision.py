from odoo import _, fields, models
from odoo.exceptions import UserError


class CrmGovernanceRegistrationDecision(models.TransientModel):
    """The reason a head or admin gives when sending a registration back:
    at approval (ENTRY-3) or at the daily spot-check (ENTRY-4)."""
    _name = "crm.governance.registration.decision"
    _description = "Send a Registration Back"

    lead_ids = fields.Many2many("crm.lead", string="Registrations")
    mode = fields.Selection([("approval", "Approval"), ("review", "Spot-check")], required=True, default="approval")
    reason = fields.Text(required=True)

    def action_send_back(self):
        self.ensure_one()
        if not self.lead_ids:
            # foreign ids are not read back through the caller's rules: nothing to decide on
            raise UserError(_("Field 'Registrations': none you may decide on (ENTRY-3, ENTRY-4)."))
        if self.mode == "review":
            self.lead_ids.action_governance_review_send_back(self.reason)
        else:
            self.lead_ids.action_governance_reject_registration(self.reason)
        return {"type": "ir.actions.act_window_close"}
