from odoo import fields, models

MODES = [("transfer", "Transfer to the Requester"), ("refuse", "Refuse"), ("close", "Close")]


class CrmGovernanceValidityDecision(models.TransientModel):
    """A section head or admin decides a validity query (FU-6): transfer
    when the owner's hold is invalid, refuse with a reason when it is sound,
    or close one that became moot."""
    _name = "crm.governance.validity.decision"
    _description = "Decide a Validity Query"

    query_id = fields.Many2one("crm.governance.validity.query", required=True, readonly=True)
    mode = fields.Selection(MODES, string="Decision Kind", readonly=True)
    transfer = fields.Boolean(string="Transfer to Requester", readonly=True)
    decision = fields.Text()

    def _mode(self):
        return self.mode or ("transfer" if self.transfer else "refuse")

    def action_confirm(self):
        self.ensure_one()
        mode = self._mode()
        if mode == "transfer":
            self.query_id.action_transfer(self.decision)
        elif mode == "close":
            self.query_id.action_close(self.decision)
        else:
            self.query_id.action_refuse(self.decision)
        return {"type": "ir.actions.act_window_close"}
