from odoo import _, api, fields, models
from odoo.exceptions import UserError

OWNER_CHOICES = [("owner", "A Salesperson of the Target Section"), ("pool", "The Target Section's Public Pool")]


class CrmGovernanceSectionMove(models.TransientModel):
    """Cross-section move (跨版块分配, SEC-3): done by group management or a
    system admin, with a reason that goes to the ledger and the chatter, and
    a new owner in the target section or its public pool (PROT-5)."""
    _name = "crm.governance.section.move"
    _inherit = "crm.governance.records.wizard"
    _description = "Move Records to Another Section"

    current_section_ids = fields.Many2many("crm.governance.section", compute="_compute_current_sections")
    section_id = fields.Many2one("crm.governance.section", string="Target Section", required=True,
                                 domain="[('id', 'not in', current_section_ids)]")
    family_names = fields.Text(string="Moves With Them", compute="_compute_current_sections",
                               help="What the same owners hold of these customers in their section (the customer "
                                    "account, its other opportunities): a customer moves as a whole (ENTRY-2).")
    note = fields.Text(string="Reason", required=True)
    owner_choice = fields.Selection(OWNER_CHOICES, string="Goes To", required=True, default="owner")
    allowed_user_ids = fields.Many2many("res.users", compute="_compute_allowed_user_ids")
    target_governed = fields.Boolean(compute="_compute_allowed_user_ids")
    user_id = fields.Many2one("res.users", string="New Owner", domain="[('id', 'in', allowed_user_ids)]")

    @api.depends("res_model", "res_ids")
    def _compute_current_sections(self):
        for wizard in self:
            records = self._governance_records_of(wizard.res_model, wizard.res_ids)
            wizard.current_section_ids = records.sudo().section_id if records else False
            family = records._governance_move_family() if records else {}
            wizard.family_names = "\n".join(r.display_name for recs in family.values() for r in recs) or False

    @api.depends("section_id")
    def _compute_allowed_user_ids(self):
        for wizard in self:
            people = wizard.section_id.sudo()._governance_people()
            wizard.allowed_user_ids = people.filtered(lambda u: not u.governance_frozen and u.active)
            wizard.target_governed = wizard.section_id.sudo().governance_enabled

    @api.onchange("section_id")
    def _onchange_section_id(self):
        if self.user_id and self.user_id not in self.allowed_user_ids:
            self.user_id = False

    def action_move(self):
        self.ensure_one()
        if not (self.note or "").strip():
            raise UserError(_("Field 'Reason' is required for a cross-section move (SEC-3)."))
        governed = self.section_id.sudo().governance_enabled
        if governed and self.owner_choice == "owner" and not self.user_id:
            raise UserError(_("Field 'New Owner' is required: choose a salesperson of section %(section)s, or send "
                              "the records to its public pool (SEC-3, PROT-5).", section=self.section_id.display_name))
        owner = (self.user_id.id if self.owner_choice == "owner" else False) if governed else None
        records = self._records()
        records.action_governance_move_section(self.section_id, self.note.strip(), owner)
        return {"type": "ir.actions.client", "tag": "display_notification", "params": {
            "type": "success", "sticky": False, "title": _("Moved"),
            "message": _("%(count)s record(s) moved to section %(section)s (SEC-3).", count=len(records),
                         section=self.section_id.display_name),
            "next": {"type": "ir.actions.act_window_close"}}}
