from odoo import fields, models


class CrmGovernanceValidityDecision(models.TransientModel):
    """A section head or admin decides a validity query (FU-6)."""
    _name = "crm.governance.validity.decision"
    _description = "Decide a Validity Query"

    query_id = fields.Many2one("crm.governance.validity.query", required=True, readonly=True)
    transfer = fields.Boolean(string="Transfer to Requester", readonly=True)
    decision = fields.Text()

    def action_confirm(self):
        self.ensure_one()
        if self.transfer:
            self.query_id.action_transfer(self.decision)
        else:
            self.query_id.action_refuse(self.decision)
        return {"type": "ir.actions.act_window_close"}
