from markupsafe import Markup, escape

from odoo import _, api, fields, models
from odoo.exceptions import UserError


class CrmGovernanceDispatch(models.TransientModel):
    """Section heads and admins hand pool records to a salesperson (分单,
    PROT-5), or reassign records whose protection is invalid or, with a
    reason, valid (SEC-2). The dialog shows the records' section and its
    salespeople with the records each holds against the cap."""
    _name = "crm.governance.dispatch"
    _inherit = "crm.governance.records.wizard"
    _description = "Dispatch Pool Records"

    section_id = fields.Many2one("crm.governance.section", compute="_compute_section_id")
    allowed_user_ids = fields.Many2many("res.users", compute="_compute_section_id")
    load_html = fields.Html(string="Salespeople and Their Load", compute="_compute_section_id", sanitize=False)
    needs_reason = fields.Boolean(compute="_compute_section_id")
    family_names = fields.Text(string="Go With Them", compute="_compute_section_id",
                               help="What the owners of reassigned records hold of the same customers in the section "
                                    "(the customer account, its other opportunities): a customer changes hands as a "
                                    "whole (ENTRY-2).")
    user_id = fields.Many2one("res.users", string="Salesperson", required=True,
                              domain="[('id', 'in', allowed_user_ids)]")
    note = fields.Text(string="Reason", help="Required to reassign records whose protection is valid.")

    @api.depends("res_ids", "res_model")
    def _compute_section_id(self):
        for wizard in self:
            records = self._governance_records_of(wizard.res_model, wizard.res_ids)
            sections = records.sudo().section_id if records else self.env["crm.governance.section"]
            section = sections if len(sections) == 1 else sections.browse()
            people = section._governance_people().filtered(lambda u: not u.governance_frozen and u.active)
            wizard.section_id = section
            wizard.allowed_user_ids = people
            wizard.needs_reason = bool(records) and any(
                r.protection_state != "pooled" and not r.governance_invalid_protection for r in records.sudo())
            wizard.load_html = wizard._governance_load_table(records, section, people) if section else False
            owned = records.filtered(lambda r: r.sudo().protection_state != "pooled") if records else records
            family = owned._governance_move_family() if owned else {}
            wizard.family_names = "\n".join(r.display_name for model, recs in family.items()
                                            for r in recs - (records if model == records._name else recs.browse())
                                            ) or False

    def _governance_load_table(self, records, section, people):
        """Each salesperson of the section: the protected records they hold
        and what the cap leaves (PROT-5)."""
        Model = records.sudo()
        held = dict(Model._read_group(
            [("section_id", "=", section.id), ("user_id", "in", people.ids)] + Model._governance_held_domain(),
            ["user_id"], ["__count"]))
        cap = section.claim_cap
        rows = Markup("").join(
            Markup("<tr><td>%s</td><td class='text-end'>%s / %s</td><td class='text-end'>%s</td></tr>") % (
                user.name, held.get(user, 0), cap, max(cap - held.get(user, 0), 0))
            for user in people.sorted(lambda u: (held.get(u, 0), u.name)))
        return Markup(
            "<table class='table table-sm o_governance_load'><thead><tr><th>%s</th><th class='text-end'>%s</th>"
            "<th class='text-end'>%s</th></tr></thead><tbody>%s</tbody></table>") % (
            escape(_("Salesperson")), escape(_("Holds / Cap")), escape(_("Free")), rows)

    def action_dispatch(self):
        records = self._records()
        if len(records.sudo().section_id) != 1:
            raise UserError(_("Dispatch the pool records of one section at a time (PROT-5)."))
        records.action_governance_dispatch(self.user_id, self.note)
        return {"type": "ir.actions.client", "tag": "display_notification", "params": {
            "type": "success", "sticky": False, "title": _("Dispatched"),
            "message": _("%(count)s record(s) now belong to %(user)s and are protected from today (PROT-5).",
                         count=len(records), user=self.user_id.name),
            "next": {"type": "ir.actions.act_window_close", "infos": {"noReload": False}}}}
