from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError


class CrmGovernanceRecordsWizard(models.AbstractModel):
    """The leads or customers a wizard was opened on (list selection or form)."""
    _name = "crm.governance.records.wizard"
    _description = "CRM Governance Wizard on Records"

    res_model = fields.Selection(
        [("crm.lead", "Leads/Opportunities"), ("res.partner", "Customers")],
        string="Record Type", required=True, readonly=True)
    res_ids = fields.Json(string="Record IDs", required=True, readonly=True)
    record_count = fields.Integer(string="Records", compute="_compute_record_count")

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

    @api.model
    def _governance_records_of(self, model, res_ids):
        """The records a wizard was opened on, when the caller reaches them
        all; else empty. The ids come from the caller over JSON-RPC: nothing
        is computed about records they cannot read (SEC-4)."""
        if model not in ("crm.lead", "res.partner") or not isinstance(res_ids, list) or not res_ids \
                or not all(isinstance(i, int) and not isinstance(i, bool) and i > 0 for i in res_ids):
            return None
        records = self.env[model].browse(res_ids)
        try:
            records._governance_check_caller("read")
        except AccessError:
            return None
        return records

    def _records(self):
        self.ensure_one()
        if not self.res_ids:
            raise UserError(_("Select the records first."))
        records = self._governance_records_of(self.res_model, self.res_ids)
        if records is None:
            # ids that do not exist and others' records get the same refusal
            self.env[self.res_model or "crm.lead"].browse(self.res_ids or [0])._governance_check_caller("read")
        return records


class CrmGovernanceRelease(models.TransientModel):
    """The owner gives records back to the public pool, with a reason (PROT-5)."""
    _name = "crm.governance.release"
    _inherit = "crm.governance.records.wizard"
    _description = "Release to the Public Pool"

    note = fields.Text(string="Reason", required=True)

    def action_release(self):
        self._records().action_governance_release(self.note)
        return {"type": "ir.actions.act_window_close"}


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
