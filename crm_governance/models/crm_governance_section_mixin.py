from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

from ..policy import ownership, pick_section
from ..policy.access import MOVE
from .boundary import check_onchange_values, readable_by_caller
from .refusals import governance_access_error
from .trusted import Trusted, as_id, context_defaults, trusted


class CrmGovernanceSectionMixin(models.AbstractModel):
    """Section membership shared by leads/opportunities and customer accounts.

    ``section_id`` is a plain stored column (no compute), so it can be filled
    by SQL on millions of rows at install and filtered by index in record
    rules. It is set once at registration (SEC-1); afterwards only a
    cross-section move by group management or a system admin changes it
    (SEC-3), and every move is logged in the ledger and the chatter.
    """
    _name = "crm.governance.section.mixin"
    _inherit = ["crm.governance.boundary.mixin"]
    _description = "CRM Section Membership"

    # not copied: a copy is registered anew, into its team's or owner's section
    section_id = fields.Many2one(
        "crm.governance.section", index=True, copy=False,
        ondelete="restrict", tracking=True)
    governance_can_move = fields.Boolean(
        string="Can Move Section", compute="_compute_governance_can_move")

    governance_writable = fields.Boolean(
        string="I May Change It", compute="_compute_governance_writable",
        help="The current user may change this record (a pool record is read until claimed): the form offers "
             "only the buttons they may use.")

    @api.depends_context("uid")
    def _compute_governance_can_move(self):
        can = self.env.su or self.env.user._governance_may_decide(MOVE, self.env["crm.governance.section"])
        self.governance_can_move = can

    def _governance_hide_names(self):
        """After ``_compute_display_name`` (each model calls it from its own
        override: the stock one of res.partner calls no super): Odoo names
        what a field points to as superuser (a many2one's name in any read,
        web_read and onchange), so pointing a record one may create (a
        calendar filter, a composer's author, an activity's requester) at
        another section's customer or lead would name it. A governed record
        is named only to those who may read it (SEC-4)."""
        if not self.env.su or self.env(su=False).is_superuser() or not self._governance_active():
            return
        # the enabled sections' ids (cached per worker): naming 80 contacts' companies reads no section
        enabled = set(self.env["crm.governance.section"]._governance_enabled_ids())
        governed = self.browse(r.id for r in self.sudo() if r.id and r._governance_section().id in enabled)
        if not governed:
            return
        hidden = governed - readable_by_caller(self.env, governed)
        if hidden and self._name == "res.partner":
            # the customer of a deal the caller reads is named on it (a won deal whose customer
            # a colleague holds now): links to unreadable customers are refused, so none is forged
            leads = self.env["crm.lead"].with_env(self.env(su=False)).with_context(active_test=False).search(
                [("partner_id", "in", hidden.ids)])
            hidden -= leads.sudo().partner_id
        for rec in hidden:
            rec.display_name = False

    @api.depends_context("uid")
    def _compute_governance_writable(self):
        real = self.filtered("id")
        writable = real._filtered_access("write") if real else real
        for rec in self:
            rec.governance_writable = not rec.id or rec in writable

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
            todo._governance_sql_written(["section_id"])

    def _governance_check_registered(self):
        """Records that just entered a section, at creation or later from none
        (their team or owner decided it after the stock access check): the
        caller must be allowed to register them there, for that owner (SEC-1,
        PROT-5). A salesperson cannot put a record into another section."""
        if self.env.su or not self:
            return
        self.check_access("create")
        for owner, recs in self._governance_governed().filtered("user_id").grouped("user_id").items():
            recs._governance_check_new_owner(recs, owner)

    @api.model
    def _governance_active(self):
        """Is governance on in any section? (See _governance_enabled_ids.)"""
        return bool(self.env["crm.governance.section"]._governance_enabled_ids()
                    or trusted(self.env, "governance_preparing"))

    # -- links to other governed records (SEC-4) -------------------------------
    _governance_link_fields = ()

    @api.model
    def _governance_check_links(self, vals_list):
        """Linking a record copies its data (stock stored computes run as
        superuser: a lead's partner fills its name, phone and address; a
        contact takes its company's VAT and address). So a user may link only
        records they can read."""
        if self.env.su or not self._governance_active():
            return
        defaults = context_defaults(self.env)
        for fname in self._governance_link_fields:
            # a default_<field> in the context links as well (stock create, onchange)
            ids = {as_id(vals.get(fname, defaults.get(fname))) for vals in vals_list}
            ids.discard(None)
            if ids:
                self.env[self._fields[fname].comodel_name].browse(ids)._governance_check_caller("read")

    def _governance_check_not_around(self):
        """Someone listed on a governed section registers customers into a
        governed section they are listed on: a team of an ungoverned
        section, or none, would file another section's customer with no
        facts and no collision check (SEC-1, ENTRY-1, ENTRY-2). A section
        that is not governed and lists them too is theirs to use."""
        if self.env.su or not self._governance_active():
            return
        listed = self.env.user.sudo()._governance_listed_sections()
        governed = listed.filtered("governance_enabled")
        if not governed:
            return
        around = self.sudo()._governance_wants_section().filtered(
            lambda r: not r.section_id.governance_enabled and r.section_id not in listed)
        if around:
            raise UserError(_(
                "You work in section %(sections)s: the customers you register go into it, with its registration "
                "rules; choose one of its sales teams (SEC-1, ENTRY-1).",
                sections=", ".join(governed.mapped("display_name"))))

    # -- steps of the pipeline (crm_governance_record_mixin.py) ------------------
    def _governance_refuse_links(self, change):
        self._governance_check_links(change.all_vals)

    def _governance_place_new(self, change):
        """New records: the section of their team or owner, and whether the
        caller may register them there, for that owner (SEC-1, PROT-5)."""
        self._governance_assign_sections()
        self._governance_check_not_around()
        self.filtered("section_id")._governance_check_registered()

    # -- cross-section moves (SEC-3) --------------------------------------
    def _governance_target_section(self, vals):
        """The section ``vals`` moves records to, or ``None`` for no move."""
        if "section_id" in vals:
            return as_id(vals["section_id"]) or False
        return None

    def _governance_moving(self, vals):
        """Records of ``self`` that ``vals`` would move to another section,
        when either side of the move is governed. A record without a section
        does not move: it is registered (``_governance_check_registered``)."""
        target_id = self._governance_target_section(vals)
        if target_id is None:
            return self.browse(), None
        target = self.env["crm.governance.section"].sudo().browse(target_id).exists()
        if target_id and not target:
            raise UserError(_("Field 'Section': no such section (SEC-1)."))
        moving = self.sudo().filtered(
            lambda r: r.section_id and r.section_id != target
            and (r.section_id.governance_enabled or target.governance_enabled))
        return self.browse(moving.ids), target

    def _governance_refuse_move(self, change):
        """A write moving records to another section: by group management
        or a system admin only, and in a governed target to its people or
        its pool (SEC-3); the move's facts go to ``change.move``."""
        moving, target = self._governance_moving(change.vals)
        if not moving:
            return
        mover = self.env.su or self.env.user._governance_may_decide(MOVE, self.env["crm.governance.section"])
        if not self.env.su:
            # the caller's reach first: the refusal below names the records
            self.check_access("read" if mover else "write")
        if not mover:
            raise AccessError(_(
                "Only group management or a system admin may move a record to another "
                "section (SEC-3). Ask the central marketing department to move %(records)s.",
                records=", ".join(moving.sudo().mapped("display_name"))))
        if self.env.user.sudo().governance_frozen and not self.env.su:
            raise AccessError(_("Your account is frozen: it may not move records (SEC-5)."))
        # the owner of a record moved into a governed section is one of its
        # people: a new owner there, or its public pool (SEC-3, PROT-5)
        owner = trusted(self.env, "governance_move_owner")
        if target.governance_enabled and owner is None:
            people = target._governance_people()
            stranded = moving.sudo().filtered(
                lambda r: r.user_id and (r.user_id not in people or r.user_id.governance_frozen))
            if stranded:
                raise UserError(_(
                    "%(owner)s is not a salesperson of section %(section)s: a record moved there gets a new owner "
                    "of that section, or goes to its public pool (SEC-3, PROT-5).",
                    owner=stranded[0].user_id.name, section=target.display_name))
        change.vals = dict(change.vals, section_id=target.id)
        change.moving = moving
        change.move = {"target": target, "owner": owner,
                       "old": {r.id: (r.user_id.id, r.section_id.id) for r in moving.sudo()},
                       "old_names": {r.id: r.section_id.display_name for r in moving.sudo()}}
        if not self.env.su and set(change.vals) <= {"section_id", "team_id"}:
            # Group management reads every section but owns little: a move is
            # the one write its role allows on others' records.
            change.writer = self.sudo()

    def _governance_place_entered(self, change):
        """Records without a section that enter one through their team or
        owner: the caller may register them there; the ledger's first row."""
        if change.move or not {"team_id", "user_id", "section_id"} & change.fields:
            return
        if "team_id" in change.fields or "user_id" in change.fields:
            self._governance_assign_sections()
        entered = self.sudo().filtered(lambda r: r.section_id and not change.before[r.id].section)
        if entered:
            entered = self.browse(entered.ids)
            entered._governance_check_registered()
            governed = entered._governance_governed()
            if governed:
                self.env["crm.governance.ledger"]._log(
                    governed, ownership.REGISTER, {r.id: (change.before[r.id].owner, False) for r in governed})

    def _governance_finish_move(self, change):
        if not change.move:
            return
        move, moving = change.move, change.moving
        note = trusted(self.env, "governance_move_note")
        # a move that names the new owner (or the pool) is one ledger row: the owner change's
        new_owner = move["owner"] is not None and move["target"].governance_enabled
        self._governance_after_move(moving, move["old"], move["old_names"], note, log=not new_owner)
        if new_owner:
            moving._governance_move_owner(self.env["res.users"].browse(move["owner"] or []), note, move["old"])

    def _governance_move_owner(self, owner, note, old):
        """After a move: the owner the mover chose in the target section, or
        nobody (its pool), through the one owner change (SEC-3, PROT-5);
        ``old``: the owners and sections before the move, for the ledger."""
        moved = self.sudo()
        if owner:
            moved._governance_check_new_owner(moved, owner)
        moved._governance_lock()
        # records already the new owner's: the move is their one row
        kept = moved.filtered(lambda r: r.user_id == owner)
        if kept:
            self.env["crm.governance.ledger"]._log(kept, ownership.SECTION_MOVE, old, note)
        (moved - kept).with_context(governance_ledger_old=Trusted(old))._governance_set_owner(
            owner, ownership.SECTION_MOVE, note)

    def _governance_after_move(self, moving, old, old_names, note, log=True):
        moving = moving.sudo()
        if log:
            self.env["crm.governance.ledger"]._log(moving, ownership.SECTION_MOVE, old, note)
        self.env["mail.activity"]._governance_sync_section(moving)
        self.env["crm.governance.validity.query"]._governance_close_moot(moving)
        # the old section's people stop following it (SEC-4)
        moving._governance_prune_followers()
        for rec in moving:
            body = Markup("%s") % _(
                "Moved from section %(old)s to section %(new)s by %(user)s (SEC-3).",
                old=old_names[rec.id] or _("(none)"), new=rec.section_id.display_name or _("(none)"),
                user=self.env.user.name)
            if note:
                body += Markup("<br/>") + note
            # by OdooBot: the module's notes are kept as written (FU-5, see mail.message)
            rec._message_log(body=body, author_id=self.env.ref("base.partner_root").id)

    def action_governance_move_section(self, section, note=False, owner=None):
        """Move ``self`` to ``section`` (a record or id), as the wizard does.
        ``owner``: the new owner in a governed target section (a user or
        id), ``False`` for its public pool, ``None`` to keep owners who are
        people of the target section."""
        self._governance_check_caller("read")
        section_id = section.id if isinstance(section, models.BaseModel) else section
        if not isinstance(section_id, int) or isinstance(section_id, bool):
            raise UserError(_("Field 'Target Section' is required for a cross-section move (SEC-3)."))
        if note is not False and not isinstance(note, str):
            raise UserError(_("Field 'Reason' must be text (SEC-3)."))
        if isinstance(owner, models.BaseModel):
            owner = owner.id
        if owner is not None and owner is not False and (not isinstance(owner, int) or isinstance(owner, bool)
                                                         or owner <= 0):
            raise UserError(_("Field 'New Owner': choose a salesperson of the target section, or its public pool "
                              "(SEC-3)."))
        target = self.env["crm.governance.section"].sudo().browse(section_id).exists()
        if target and all(r.section_id == target for r in self.sudo()):
            raise UserError(_("These records are in section %s already: choose another section (SEC-3).",
                              target.display_name))
        context = {"governance_move_note": Trusted(note)}
        if owner is not None:
            context["governance_move_owner"] = Trusted(owner or False)
        # what the same owners hold of these customers in their section (the
        # account, its other opportunities) moves with them: else the first
        # registration, left behind, refuses the new owner (ENTRY-2)
        family = {} if trusted(self.env, "governance_moving_together") else self._governance_move_family()
        refs = {(r._name, r.id) for r in self} | {(r._name, r.id) for recs in family.values() for r in recs}
        context["governance_moving_together"] = Trusted(frozenset(refs))
        records = self | family.pop(self._name, self.browse())
        res = records.with_context(**context).write({"section_id": section_id})
        for recs in family.values():
            recs.with_env(self.env).with_context(**context).write({"section_id": section_id})
        return res

    def _governance_move_family(self):
        """{model: records} the owners of ``self`` hold of the same customers
        in the same (governed) sections: the customer moves as a whole."""
        family = {}
        for owner, recs in self.sudo()._governance_governed().filtered("user_id").grouped("user_id").items():
            for model, others in recs._governance_customer_family(owner).items():
                family[model] = family.get(model, self.env[model].sudo()) | others
        return {model: recs.with_env(self.env) for model, recs in family.items()}

    # -- the caller of a module action (SEC-4, SEC-5) -----------------------
    def _governance_check_caller(self, operation="read"):
        """Before an action of the module computes or says anything: the
        caller must reach every record of ``self`` for ``operation``. Frozen
        users reach nothing, and an id that does not exist is refused with the
        same words as a record of another section (see ``_check_access``)."""
        if self.env.su:
            return
        if self.env.user.sudo().governance_frozen:
            raise governance_access_error(self.env, self._name)
        self.check_access(operation)

    def copy_data(self, default=None):
        # a copy of a governed record is a new registration by the copier:
        # only of records they may edit (not the pool, not a colleague's),
        # else copying would claim around the cap, cool-down and daily limit
        if not self.env.su and self._governance_active() and self.sudo()._governance_governed():
            self._governance_check_caller("write")
        return super().copy_data(default=default)

    def onchange(self, values, field_names, fields_spec):
        # The form computes linked data as superuser too (partner → phone,
        # address): new links are checked as on save. The client sends every
        # field of the form, so a link the record already has is not a new
        # one, and protection fields matter only as context defaults here
        # (an onchange saves nothing).
        values = values if isinstance(values, dict) else {}
        if self._ids and not self.env.su and self._governance_active():
            # an onchange of an existing record reads it: one refusal for a missing id and a foreign one
            self._governance_check_caller("read")
        self._governance_refuse_results([{}], with_defaults=True)
        current = self.sudo()[:1]
        self._governance_check_links([{
            fname: values[fname] for fname in self._governance_link_fields
            if fname in values and not (current and as_id(values[fname]) == current[fname].id)}])
        # and every other governed record the form points to (stock computes
        # name them as superuser: a company's name, a duplicate's id)
        check_onchange_values(self, values)
        return super().onchange(values, field_names, fields_spec)

    def _governance_section(self):
        """The section whose rules reach this record."""
        return self.section_id
