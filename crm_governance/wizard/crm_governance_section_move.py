from odoo import _, fields, models
from odoo.exceptions import UserError


class CrmGovernanceSectionMove(models.TransientModel):
    """Cross-section move (跨版块分配, SEC-3): done by group management or a
    system admin, with a reason that goes to the ledger and the chatter."""
    _name = "crm.governance.section.move"
    _inherit = "crm.governance.records.wizard"
    _description = "Move Records to Another Section"

    section_id = fields.Many2one("crm.governance.section", string="Target Section", required=True)
    note = fields.Text(string="Reason", required=True)

    def action_move(self):
        self.ensure_one()
        if not (self.note or "").strip():
            raise UserError(_("Field 'Reason' is required for a cross-section move (SEC-3)."))
        self._records().action_governance_move_section(self.section_id, self.note.strip())
        return {"type": "ir.actions.act_window_close"}
