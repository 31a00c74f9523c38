from odoo import _, fields, models


class CrmGovernanceRelease(models.TransientModel):
    """The owner gives records back to the public pool, with a reason (PROT-5)."""
    _name = "crm.governance.release"
    _inherit = "crm.governance.records.wizard"
    _description = "Release to the Public Pool"

    note = fields.Text(string="Reason", required=True)

    def action_release(self):
        records = self._records()
        records.action_governance_release(self.note)
        return {"type": "ir.actions.client", "tag": "display_notification", "params": {
            "type": "success", "sticky": False, "title": _("Released"),
            "message": _("%(count)s record(s) are in the public pool of their section now; its salespeople may "
                         "claim them (PROT-5).", count=len(records)),
            "next": {"type": "ir.actions.act_window_close", "infos": {"noReload": False}}}}
