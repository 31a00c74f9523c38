from odoo import _, api, fields, models
from odoo.exceptions import AccessError

REASONS = [
    ("install", "Installed"),
    ("register", "Registered"),
    ("section_move", "Cross-section move"),
    ("claim", "Claimed from pool"),
    ("dispatch", "Dispatched"),
    ("release", "Released by owner"),
    ("expired", "Released: protection expired"),
    ("handover", "Handover"),
    ("reassign", "Reassigned by admin"),
    ("challenge", "Challenge"),
    ("validity_query", "Validity query"),
]


class CrmGovernanceLedger(models.Model):
    """Append-only ownership ledger (PROT-7, SEC-3): who held a record, who
    moved it where, when and why. Rows are written by the module with sudo;
    nobody but the superuser can change or delete them."""
    _name = "crm.governance.ledger"
    _description = "CRM Ownership Ledger"
    _order = "date desc, id desc"
    _rec_name = "res_name"

    date = fields.Datetime(required=True, default=fields.Datetime.now, readonly=True, index=True)
    lead_id = fields.Many2one("crm.lead", string="Lead/Opportunity", index="btree_not_null",
                              ondelete="set null", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", index="btree_not_null",
                                 ondelete="set null", readonly=True)
    res_name = fields.Char(string="Record", readonly=True)
    old_user_id = fields.Many2one("res.users", string="Previous Owner", readonly=True, index=True)
    new_user_id = fields.Many2one("res.users", string="New Owner", readonly=True, index=True)
    old_section_id = fields.Many2one("crm.governance.section", string="Previous Section",
                                     readonly=True, index=True)
    section_id = fields.Many2one("crm.governance.section", string="Section", readonly=True,
                                 index=True)
    author_id = fields.Many2one("res.users", string="Done By", required=True, readonly=True,
                                default=lambda self: self.env.user)
    reason = fields.Selection(REASONS, required=True, readonly=True)
    note = fields.Text(readonly=True)

    def write(self, vals):
        if not self.env.su:
            raise AccessError(_("The ownership ledger is append-only: rows cannot be changed (PROT-7)."))
        return super().write(vals)

    def unlink(self):
        if not self.env.su:
            raise AccessError(_("The ownership ledger is append-only: rows cannot be deleted (PROT-7)."))
        return super().unlink()

    @api.model
    def _log(self, records, reason, old_values, note=False):
        """Append one row per record. ``old_values`` maps record id to
        ``(old_user_id, old_section_id)`` taken before the change."""
        field = "lead_id" if records._name == "crm.lead" else "partner_id"
        author = self.env.user.id
        self.sudo().create([{
            field: rec.id,
            "res_name": rec.display_name,
            "old_user_id": old_values[rec.id][0],
            "old_section_id": old_values[rec.id][1],
            "new_user_id": rec.user_id.id,
            "section_id": rec.section_id.id,
            "author_id": author,
            "reason": reason,
            "note": note,
        } for rec in records])
