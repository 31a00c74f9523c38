from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError

from ..policy import Roles, section_scopes
from ..policy.access import FREEZE, may_decide, reach_domain
from .governed import GOVERNED_MODELS

ROLE_GROUPS = {
    # Any CRM user listed in a section works its own records there: existing
    # databases' salespeople hold the stock group, which ours implies.
    "salesperson": "sales_team.group_sale_salesman",
    "section_head": "crm_governance.group_section_head",
    "section_admin": "crm_governance.group_section_admin",
    "management": "crm_governance.group_management",
    "system_admin": "crm_governance.group_system_admin",
}
SCOPE_FIELDS = [
    "governance_ruled_section_ids", "governance_read_section_ids",
    "governance_write_section_ids", "governance_unlink_section_ids",
    "governance_own_section_ids", "governance_any_section_ids",
]


class ResUsers(models.Model):
    _inherit = "res.users"

    governance_frozen = fields.Boolean(
        string="Frozen (CRM)", readonly=True, copy=False,
        help="A frozen user reaches no CRM record by any path; nothing they own "
             "is deleted or moved, and unfreezing restores their access (SEC-5).")
    governance_frozen_date = fields.Datetime(string="Frozen On", readonly=True, copy=False)
    governance_frozen_by_id = fields.Many2one("res.users", string="Frozen By", readonly=True,
                                              copy=False)
    governance_member_section_ids = fields.Many2many(
        "crm.governance.section", "crm_governance_section_member_rel", "user_id", "section_id",
        string="Sections (Salesperson)")
    governance_head_section_ids = fields.Many2many(
        "crm.governance.section", "crm_governance_section_head_rel", "user_id", "section_id",
        string="Sections (Head)")
    governance_admin_section_ids = fields.Many2many(
        "crm.governance.section", "crm_governance_section_admin_rel", "user_id", "section_id",
        string="Sections (Admin)")

    # What record rules read (see policy.access). Not stored: computed once
    # per user when the rule domains are built, then cached with them. Rules
    # read them as superuser; nobody else needs to see another user's scope.
    governance_crm_user = fields.Boolean(compute="_compute_governance_scopes", compute_sudo=True,
        groups="base.group_system")
    governance_ruled_section_ids = fields.Many2many(
        "crm.governance.section", compute="_compute_governance_scopes", compute_sudo=True,
        groups="base.group_system")
    governance_read_section_ids = fields.Many2many(
        "crm.governance.section", compute="_compute_governance_scopes", compute_sudo=True,
        groups="base.group_system")
    governance_write_section_ids = fields.Many2many(
        "crm.governance.section", compute="_compute_governance_scopes", compute_sudo=True,
        groups="base.group_system")
    governance_unlink_section_ids = fields.Many2many(
        "crm.governance.section", compute="_compute_governance_scopes", compute_sudo=True,
        groups="base.group_system")
    governance_own_section_ids = fields.Many2many(
        "crm.governance.section", compute="_compute_governance_scopes", compute_sudo=True,
        groups="base.group_system")
    governance_any_section_ids = fields.Many2many(
        "crm.governance.section", compute="_compute_governance_scopes", compute_sudo=True,
        groups="base.group_system")

    def _governance_roles(self):
        """The governance roles this user holds (policy.access.Roles)."""
        self.ensure_one()
        user = self.sudo()
        return Roles(frozen=user.governance_frozen, **{
            role: user._has_group(xmlid) for role, xmlid in ROLE_GROUPS.items()})

    def _governance_reach(self, scope, path="", pooled=False):
        """A record rule's domain (security/crm_governance_rules.xml): what
        this user reaches, through ``path``, with ``scope`` ("read", "write"
        or "unlink"); see policy.access.reach_domain."""
        self.ensure_one()
        user = self.sudo()
        return reach_domain(path, user.governance_ruled_section_ids.ids,
                            user[f"governance_{scope}_section_ids"].ids, user.governance_own_section_ids.ids,
                            user.id, pooled=pooled)

    def _governance_may_decide(self, decision, section, subject=None):
        """May this user take ``decision`` (a code of policy.access) on a
        record of ``section`` (a crm.governance.section, maybe empty), or
        about ``subject`` (a user that section lists)?"""
        self.ensure_one()
        user = self.sudo()
        section = section.sudo()
        return may_decide(decision, user._governance_roles(), section.id or None, governed=section.governance_enabled,
                          head_of=user.governance_head_section_ids.ids, admin_of=user.governance_admin_section_ids.ids,
                          subject=subject._governance_roles() if subject else None)

    def _governance_may_freeze(self, subject):
        """May this user freeze or unfreeze ``subject`` (SEC-5): a system
        admin anyone, a section admin the salespeople and heads of their
        sections (policy.access, FREEZE)?"""
        if subject == self:
            return False
        sections = subject.sudo().governance_member_section_ids | subject.sudo().governance_head_section_ids
        return any(self._governance_may_decide(FREEZE, section, subject) for section in sections) or \
            self._governance_may_decide(FREEZE, self.env["crm.governance.section"], subject)

    def _compute_governance_scopes(self):
        Section = self.env["crm.governance.section"].sudo().with_context(active_test=False)
        governed = Section.search([("governance_enabled", "=", True)])
        for user in self:
            roles = user._governance_roles()
            scopes = section_scopes(
                roles, governed.ids,
                member_of=user.governance_member_section_ids.ids,
                head_of=user.governance_head_section_ids.ids,
                admin_of=user.governance_admin_section_ids.ids)
            user.governance_crm_user = user._has_group("sales_team.group_sale_salesman")
            user.governance_ruled_section_ids = governed
            user.governance_read_section_ids = Section.browse(sorted(scopes.read_all))
            user.governance_write_section_ids = Section.browse(sorted(scopes.write_all))
            user.governance_unlink_section_ids = Section.browse(sorted(scopes.unlink_all))
            user.governance_own_section_ids = Section.browse(sorted(scopes.own))
            user.governance_any_section_ids = Section.browse(sorted(scopes.any))

    governance_may_freeze = fields.Boolean(
        string="I May Freeze", compute="_compute_governance_may_freeze", search="_search_governance_may_freeze",
        help="The people the current user may freeze or unfreeze (SEC-5): a system admin everyone of the sales "
             "organisation, a section admin the salespeople and heads of their own sections.")

    @api.depends_context("uid")
    def _compute_governance_may_freeze(self):
        allowed = self.search([("governance_may_freeze", "=", True), ("id", "in", self.ids)])
        for user in self:
            user.governance_may_freeze = user in allowed

    def _search_governance_may_freeze(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(_("Unsupported search on 'I May Freeze'."))
        me = self.env.user
        sales = self.env.ref("sales_team.group_sale_salesman")
        # the people a freeze could concern, then the decider's answer for each (a few hundred users)
        candidates = self.sudo().with_context(active_test=False).search(
            [("share", "=", False), ("groups_id", "in", sales.ids)])
        ids = candidates.ids if self.env.su else [u.id for u in candidates if me._governance_may_freeze(u)]
        return [("id", "in" if (operator == "=") == value else "not in", ids)]

    def write(self, vals):
        res = super().write(vals)
        if {"governance_frozen", "governance_member_section_ids", "governance_head_section_ids",
                "governance_admin_section_ids"} & set(vals):
            self.env["crm.governance.section"]._governance_access_changed()
        if "governance_frozen" in vals:
            self._governance_followers_on_freeze()
        return res

    def _governance_followers_on_freeze(self):
        """A frozen user follows no governed record (followers read its
        messages, SEC-5); unfrozen, they follow again what they own."""
        for user in self.sudo():
            for model in GOVERNED_MODELS:
                Model = self.env[model].sudo().with_context(active_test=False)
                if user.governance_frozen:
                    followed = self.env["mail.followers"].sudo().search([
                        ("res_model", "=", model), ("partner_id", "=", user.partner_id.id)])
                    governed = Model.browse(followed.mapped("res_id")).exists()._governance_governed()
                    followed.filtered(lambda f, ids=set(governed.ids): f.res_id in ids).unlink()
                else:
                    owned = Model.search([("user_id", "=", user.id), ("section_id.governance_enabled", "=", True)])
                    owned._message_subscribe(partner_ids=user.partner_id.ids)

    def _governance_listed_sections(self):
        """The sections that list this user as salesperson, head or admin."""
        self.ensure_one()
        return self.governance_member_section_ids | self.governance_head_section_ids | \
            self.governance_admin_section_ids

    # -- freeze (SEC-5) ---------------------------------------------------
    def _governance_check_can_freeze(self):
        me = self.env.user
        if self.env.su:
            return
        if me.sudo().governance_frozen:
            raise AccessError(_("Your account is frozen: it may not freeze or unfreeze anyone (SEC-5)."))
        if all(me._governance_may_freeze(user) for user in self if user != me):
            return
        raise AccessError(_(
            "Only a system admin, or a section admin for the people of their own section, "
            "may freeze or unfreeze a user (SEC-5)."))

    def action_governance_freeze(self):
        self._governance_check_can_freeze()
        already = self.filtered("governance_frozen")
        if already:
            raise UserError(_("User %(users)s is already frozen (SEC-5).",
                              users=", ".join(already.mapped("name"))))
        if self.env.user in self:
            raise UserError(_("You cannot freeze yourself (SEC-5)."))
        self.sudo().write({
            "governance_frozen": True,
            "governance_frozen_date": fields.Datetime.now(),
            "governance_frozen_by_id": self.env.user.id,
        })
        return True

    def action_governance_unfreeze(self):
        self._governance_check_can_freeze()
        not_frozen = self.filtered(lambda u: not u.governance_frozen)
        if not_frozen:
            raise UserError(_("User %(users)s is not frozen (SEC-5).",
                              users=", ".join(not_frozen.mapped("name"))))
        self.sudo().write({
            "governance_frozen": False,
            "governance_frozen_date": False,
            "governance_frozen_by_id": False,
        })
        return True
