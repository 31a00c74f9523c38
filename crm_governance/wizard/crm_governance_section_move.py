from odoo import _, api, fields, models
from odoo.exceptions import UserError


class CrmGovernanceSectionMove(models.TransientModel):
    """Cross-section move (跨版块分配, SEC-3): done by group management or a
    system admin, with a reason that goes to the ledger and the chatter."""
    _name = "crm.governance.section.move"
    _description = "Move Records to Another Section"

    res_model = fields.Selection(
        [("crm.lead", "Leads/Opportunities"), ("res.partner", "Customers")],
        string="Record Type", required=True, readonly=True)
    res_ids = fields.Json(string="Record IDs", required=True, readonly=True)
    record_count = fields.Integer(compute="_compute_record_count")
    section_id = fields.Many2one("crm.governance.section", string="Target Section", required=True)
    note = fields.Text(string="Reason", required=True)

    @api.model
    def default_get(self, fields_list):
        res = super().default_get(fields_list)
        model = self.env.context.get("active_model")
        if model in ("crm.lead", "res.partner"):
            res.update(res_model=model, res_ids=self.env.context.get("active_ids") or [])
        return res

    @api.depends("res_ids")
    def _compute_record_count(self):
        for wizard in self:
            wizard.record_count = len(wizard.res_ids or [])

    def action_move(self):
        self.ensure_one()
        if not self.res_ids:
            raise UserError(_("Select the records to move first (SEC-3)."))
        if not (self.note or "").strip():
            raise UserError(_("Field 'Reason' is required for a cross-section move (SEC-3)."))
        records = self.env[self.res_model].browse(self.res_ids).exists()
        records.action_governance_move_section(self.section_id, self.note.strip())
        return {"type": "ir.actions.act_window_close"}
