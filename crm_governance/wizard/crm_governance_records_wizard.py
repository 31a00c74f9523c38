from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError

from ..models.governed import GOVERNED_MODELS, RECORDS_MODELS


class CrmGovernanceRecordsWizard(models.AbstractModel):
    """The leads or customers a wizard was opened on (list selection or form)."""
    _name = "crm.governance.records.wizard"
    _description = "CRM Governance Wizard on Records"

    res_model = fields.Selection(
        RECORDS_MODELS,
        string="Record Type", required=True, readonly=True)
    res_ids = fields.Json(string="Record IDs", required=True, readonly=True)
    record_count = fields.Integer(string="Records", compute="_compute_record_count")
    record_names = fields.Text(string="Selected", compute="_compute_record_count",
                               help="The records the dialog acts on (at most 20 are named).")

    @api.model
    def default_get(self, fields_list):
        res = super().default_get(fields_list)
        model = self.env.context.get("active_model")
        if model in GOVERNED_MODELS:
            res.update(res_model=model, res_ids=self.env.context.get("active_ids") or [])
        return res

    @api.depends("res_model", "res_ids")
    def _compute_record_count(self):
        for wizard in self:
            wizard.record_count = len(wizard.res_ids or [])
            # named only when the caller reaches them all (SEC-4)
            records = self._governance_records_of(wizard.res_model, wizard.res_ids)
            names = records.mapped("display_name") if records else []
            wizard.record_names = "\n".join(names[:20] + ([_("… and %s more", len(names) - 20)]
                                                          if len(names) > 20 else [])) or False

    @api.model
    def _governance_records_of(self, model, res_ids):
        """The records a wizard was opened on, when the caller reaches them
        all; else empty. The ids come from the caller over JSON-RPC: nothing
        is computed about records they cannot read (SEC-4)."""
        if model not in GOVERNED_MODELS or not isinstance(res_ids, list) or not res_ids \
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
