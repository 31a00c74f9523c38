from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import SQL

from ..policy import pick_section

MOVER_GROUPS = ("crm_governance.group_management", "crm_governance.group_system_admin")


class CrmGovernanceSectionMixin(models.AbstractModel):
    """Section membership shared by leads/opportunities and customer accounts.

    ``section_id`` is a plain stored column (no compute), so it can be filled
    by SQL on millions of rows at install and filtered by index in record
    rules. It is set once at registration (SEC-1); afterwards only a
    cross-section move by group management or a system admin changes it
    (SEC-3), and every move is logged in the ledger and the chatter.
    """
    _name = "crm.governance.section.mixin"
    _description = "CRM Section Membership"

    section_id = fields.Many2one(
        "crm.governance.section", string="Section", index=True, copy=True,
        ondelete="restrict", tracking=True)
    governance_can_move = fields.Boolean(
        string="Can Move Section", compute="_compute_governance_can_move")

    @api.depends_context("uid")
    def _compute_governance_can_move(self):
        can = self.env.su or any(self.env.user.has_group(g) for g in MOVER_GROUPS)
        self.governance_can_move = can

    # -- registration -----------------------------------------------------
    def _governance_wants_section(self):
        """Records of ``self`` that should get a section at registration."""
        return self

    def _governance_section_source_team(self):
        """The sales team that decides the section, per record (may be empty)."""
        return self.env["crm.team"]

    def _governance_assign_sections(self):
        """Give records without a section the section of their team or owner,
        set-wise with one UPDATE per target section."""
        todo = self._governance_wants_section().filtered(lambda r: not r.section_id)
        if not todo:
            return
        members = self.env["crm.governance.section"].sudo().with_context(active_test=False).search(
            ["|", "|", ("member_ids", "in", todo.user_id.ids), ("head_ids", "in", todo.user_id.ids),
             ("admin_ids", "in", todo.user_id.ids)])
        owner_sections = {}
        for section in members:
            for user in section._governance_people():
                owner_sections.setdefault(user.id, []).append(section.id)
        by_section = {}
        for rec in todo.sudo():
            section_id = pick_section(rec._governance_section_source_team().section_id.id,
                                      owner_sections.get(rec.user_id.id, ()))
            if section_id:
                by_section.setdefault(section_id, []).append(rec.id)
        for section_id, ids in by_section.items():
            self.env.cr.execute(SQL(
                "UPDATE %s SET section_id = %s WHERE id = ANY(%s) AND section_id IS NULL",
                SQL.identifier(self._table), section_id, ids))
        if by_section:
            todo.invalidate_recordset(["section_id"])
            registered = todo.filtered(lambda r: r.section_id.governance_enabled)
            if registered:
                self.env["crm.governance.ledger"]._log(
                    registered, "register", {r.id: (False, False) for r in registered})

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        records._governance_assign_sections()
        if not self.env.su and records.filtered("section_id"):
            # The section was decided after the create access check: check
            # again, so nobody registers a record into a section they may not
            # write in (e.g. on another section's sales team).
            records.check_access("create")
        return records

    # -- cross-section moves (SEC-3) --------------------------------------
    def _governance_target_section(self, vals):
        """The section ``vals`` moves records to, or ``None`` for no move."""
        if "section_id" in vals:
            return vals["section_id"] or False
        return None

    def _governance_moving(self, vals):
        """Records of ``self`` that ``vals`` would move to another section,
        when either side of the move is governed."""
        target_id = self._governance_target_section(vals)
        if target_id is None:
            return self.browse(), None
        target = self.env["crm.governance.section"].sudo().browse(target_id)
        moving = self.sudo().filtered(
            lambda r: r.section_id and r.section_id != target
            and (r.section_id.governance_enabled or target.governance_enabled))
        return self.browse(moving.ids), target

    def write(self, vals):
        if self.env.context.get("governance_no_move_check"):
            return super().write(vals)
        moving, target = self._governance_moving(vals)
        if not moving:
            res = super().write(vals)
            if "team_id" in vals or "user_id" in vals:
                self._governance_assign_sections()
            return res
        if not self.env.su and not any(self.env.user.has_group(g) for g in MOVER_GROUPS):
            raise AccessError(_(
                "Only group management or a system admin may move a record to another "
                "section (SEC-3). Ask the central marketing department to move %(records)s.",
                records=", ".join(moving.sudo().mapped("display_name"))))
        vals = dict(vals, section_id=target.id)
        old = {r.id: (r.user_id.id, r.section_id.id) for r in moving.sudo()}
        old_names = {r.id: r.section_id.display_name for r in moving.sudo()}
        writer = self
        if not self.env.su and set(vals) <= {"section_id", "team_id"}:
            # Group management reads every section but owns little: a move is
            # the one write its role allows on others' records.
            self.check_access("read")
            writer = self.sudo()
        res = super(CrmGovernanceSectionMixin, writer).write(vals)
        self._governance_after_move(moving, old, old_names,
                                    self.env.context.get("governance_move_note"))
        return res

    def _governance_after_move(self, moving, old, old_names, note):
        moving = moving.sudo()
        self.env["crm.governance.ledger"]._log(moving, "section_move", old, note)
        self.env["mail.activity"]._governance_sync_section(moving)
        for rec in moving:
            body = Markup("%s") % _(
                "Moved from section %(old)s to section %(new)s by %(user)s (SEC-3).",
                old=old_names[rec.id] or _("(none)"), new=rec.section_id.display_name or _("(none)"),
                user=self.env.user.name)
            if note:
                body += Markup("<br/>") + note
            rec._message_log(body=body)

    def action_governance_move_section(self, section, note=False):
        """Move ``self`` to ``section`` (a record or id), as the wizard does."""
        section_id = section.id if hasattr(section, "id") else section
        return self.with_context(governance_move_note=note).write({"section_id": section_id})
