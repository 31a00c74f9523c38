from odoo import _, api, fields, models
from odoo.exceptions import UserError


class CrmGovernanceDispatch(models.TransientModel):
    """Section heads and admins hand pool records to a salesperson (分单, PROT-5)."""
    _name = "crm.governance.dispatch"
    _inherit = "crm.governance.records.wizard"
    _description = "Dispatch Pool Records"

    section_id = fields.Many2one("crm.governance.section", compute="_compute_section_id")
    allowed_user_ids = fields.Many2many("res.users", compute="_compute_section_id")
    user_id = fields.Many2one("res.users", string="Salesperson", required=True,
                              domain="[('id', 'in', allowed_user_ids)]")
    note = fields.Text(string="Reason", help="Required to reassign records whose protection is valid.")

    @api.depends("res_ids", "res_model")
    def _compute_section_id(self):
        for wizard in self:
            records = self._governance_records_of(wizard.res_model, wizard.res_ids)
            sections = records.sudo().section_id if records else self.env["crm.governance.section"]
            wizard.section_id = sections[:1] if len(sections) == 1 else False
            wizard.allowed_user_ids = sections._governance_people() \
                if len(sections) == 1 else False

    def action_dispatch(self):
        records = self._records()
        if len(records.sudo().section_id) != 1:
            raise UserError(_("Dispatch the pool records of one section at a time (PROT-5)."))
        records.action_governance_dispatch(self.user_id, self.note)
        return {"type": "ir.actions.act_window_close"}
