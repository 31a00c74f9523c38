from odoo import fields, models


class CrmGovernanceRelease(models.TransientModel):
    """The owner gives records back to the public pool, with a reason (PROT-5)."""
    _name = "crm.governance.release"
    _inherit = "crm.governance.records.wizard"
    _description = "Release to the Public Pool"

    note = fields.Text(string="Reason", required=True)

    def action_release(self):
        self._records().action_governance_release(self.note)
        return {"type": "ir.actions.act_window_close"}
