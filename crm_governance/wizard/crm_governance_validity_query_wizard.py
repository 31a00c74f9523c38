from odoo import _, fields, models


class CrmGovernanceValidityQueryWizard(models.TransientModel):
    """A salesperson asks for review of a protected record they want (FU-6)."""
    _name = "crm.governance.validity.query.wizard"
    _description = "Ask for a Validity Query"

    customer = fields.Char(help="Registered name, e-mail or phone of the customer you want.")
    reason = fields.Text(string="Why")

    def action_submit(self):
        """Nothing is looked up while typing: each lookup is counted against
        the daily limit before it is answered (FU-6, SEC-4)."""
        self.ensure_one()
        query, refusal = self.env["crm.governance.validity.query"]._governance_file(self.customer, self.reason)
        if refusal:
            # returned, not raised: the lookup it cost stays counted
            return {"type": "ir.actions.client", "tag": "display_notification",
                    "params": {"type": "warning", "sticky": True, "title": _("Validity query not filed"),
                               "message": refusal}}
        return {"type": "ir.actions.act_window", "res_model": query._name, "res_id": query.id,
                "views": [(False, "form")], "target": "current"}
