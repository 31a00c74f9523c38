from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL
from odoo.tools.sql import column_exists, create_column

from ..policy import ownership
from ..policy.access import MERGE, WON_CORRECTION
from ..policy.protection import OWNED
from .crm_governance_protection_mixin import ResultGroup
from .res_partner_grade import GRADE_SELECTION
from .trusted import Trusted, as_id, trusted

# what a won deal's grading and reports read (GRADE-2)
WON_FACTS = frozenset(("expected_revenue", "date_closed", "partner_id", "company_id", "stage_id", "active",
                       "probability"))


class CrmLead(models.Model):
    _name = "crm.lead"
    # a governed record: one create/write/unlink pipeline (crm_governance_record_mixin.py)
    _inherit = ["crm.lead", "crm.governance.record.mixin"]
    _governance_link_fields = ("partner_id",)

    # the grade of a lead is its customer's (GRADE-1); it sets the lead's
    # follow-up duty (GRADE-4). Stored for filters and group-by; the grading
    # gives it to all leads of a customer set-wise (res_partner_grade.py).
    governance_grade = fields.Selection(
        GRADE_SELECTION, string="Customer Grade", compute="_compute_governance_grade", store=True,
        compute_sudo=True, readonly=True, index="btree_not_null")

    # a won deal's figures are facts (GRADE-2, PROT-8): corrected only through
    # Correct Won Deal, by the section's head or a system admin
    governance_won_locked = fields.Boolean(
        string="Won Deal Locked", compute="_compute_governance_won_locked",
        help="A won deal of a governed section: its amount, closing date, customer and stage are corrected "
             "only by the section's head or a system admin, with a reason (GRADE-2).")

    def _auto_init(self):
        # created empty before the ORM sees it: no customer has a grade at
        # install, so computing it for every existing lead would be wasted time
        if not column_exists(self.env.cr, self._table, "governance_grade"):
            create_column(self.env.cr, self._table, "governance_grade", "varchar")
        return super()._auto_init()

    @api.depends("partner_id.commercial_partner_id.governance_grade")
    def _compute_governance_grade(self):
        for lead in self:
            lead.governance_grade = lead.partner_id.commercial_partner_id.governance_grade

    def _governance_grades(self):
        return {lead.id: lead.governance_grade for lead in self.sudo() if lead.governance_grade}

    def _compute_display_name(self):
        res = super()._compute_display_name()
        self._governance_hide_names()
        return res

    # -- won deals are facts (GRADE-2, PROT-8) ----------------------------------
    @api.depends("stage_id.is_won", "section_id.governance_enabled")
    def _compute_governance_won_locked(self):
        for lead in self:
            lead.governance_won_locked = bool(lead.stage_id.is_won and lead.sudo().section_id.governance_enabled)

    def _governance_check_won_facts(self, vals):
        """A won deal of a governed section keeps its amount, closing date,
        customer, company, stage and archive state: the grades read them,
        and a plain write by its owner (1,000 → 50,000,000) would grade the
        customer A with no approval. Changed only through a correction
        (``Trusted`` in the context) by the head or a system admin."""
        changing = WON_FACTS & set(vals)
        if not changing or self.env.su or trusted(self.env, "governance_won_correction"):
            return
        for lead in self.sudo().with_context(active_test=False):
            if not (lead.stage_id.is_won and lead.section_id.governance_enabled):
                continue
            new = self.new({name: vals[name] for name in changing - {"probability"}}, origin=lead)
            changed = [name for name in changing - {"probability"} if new[name] != lead[name]]
            if "probability" in changing:
                # any probability written on a won deal makes stock move or clear its closing date
                changed.append("date_closed")
            if "stage_id" in changed and new.stage_id.is_won:
                changed.remove("stage_id")
            if changed:
                # what changes, in the user's words (archiving or reopening, not "Active" or "Stage")
                words = {"active": self.env._("archived or not"), "stage_id": self.env._("stage (won)"),
                         "date_closed": self.env._("closing date"), "expected_revenue": self.env._("won amount"),
                         "partner_id": self.env._("customer"), "company_id": self.env._("company")}
                labels = ", ".join(words.get(name) or self._fields[name]._description_string(self.env)
                                   for name in sorted(set(changed)))
                raise UserError(self.env._(
                    "%(record)s is won: its %(fields)s are facts the grades and reports read. Ask the section's "
                    "head to correct it (Correct Won Deal), with a reason (GRADE-2).",
                    record=lead.display_name, fields=labels))

    def action_governance_correct_won(self):
        """Open Correct Won Deal (the head's or a system admin's)."""
        self.ensure_one()
        self._governance_check_caller("read")
        self._governance_check_won_corrector()
        return {"type": "ir.actions.act_window", "name": self.env._("Correct Won Deal"),
                "res_model": "crm.governance.won.correction", "view_mode": "form", "views": [(False, "form")],
                "target": "new", "context": {"default_lead_id": self.id}}

    def _governance_check_won_corrector(self):
        if self.env.su:
            return
        user = self.env.user
        for lead in self.sudo():
            if not lead.stage_id.is_won or not lead.section_id.governance_enabled:
                raise UserError(self.env._("%s is not a won deal of a governed section: edit it as usual.",
                                           lead.display_name))
            if not user._governance_may_decide(WON_CORRECTION, lead.section_id):
                raise AccessError(self.env._(
                    "Only a head of section %s or a system admin corrects its won deals (GRADE-2).",
                    lead.section_id.display_name))

    # -- registration keys (ENTRY-2) --------------------------------------------
    def _governance_key_sources(self):
        # partner_id: the company name, phone and e-mail follow the customer
        return {"partner_name", "partner_id", "phone", "mobile", "email_from", "country_id"}

    def _governance_key_facts(self):
        return (self.partner_name, self.phone, self.mobile, self.email_from, self.partner_id.commercial_partner_id.vat)

    def _governance_write_owner(self, user):
        # keep the lead on its team: a new owner must not move it to their
        # default team (and so, maybe, to another section)
        for team, leads in self.grouped("team_id").items():
            leads.write({"user_id": user.id, "team_id": team.id})

    def _governance_closed_ids(self):
        # a won deal keeps its owner and needs no more follow-ups
        return super()._governance_closed_ids() | {lead.id for lead in self if lead.id and lead.stage_id.is_won}

    @api.model
    def _governance_open_domain(self):
        return super()._governance_open_domain() + [("stage_id.is_won", "=", False)]

    def _governance_closed_label(self, rec):
        return self.env._("Won") if rec.active and rec.stage_id.is_won else super()._governance_closed_label(rec)

    def _governance_due_sql(self):
        # a won deal keeps its owner; lost ones are archived
        return SQL("r.active AND NOT EXISTS (SELECT 1 FROM crm_stage st WHERE st.id = r.stage_id AND st.is_won)")

    def _governance_section_source_team(self):
        return self.team_id

    def _governance_target_section(self, vals):
        target = super()._governance_target_section(vals)
        team = self.env["crm.team"].sudo().browse(as_id(vals["team_id"])) if as_id(vals.get("team_id")) else None
        if target is None:
            # Putting a lead on another section's sales team moves it there.
            return team.section_id.id if team and team.section_id else None
        if team and team.section_id and team.section_id.id != target:
            raise ValidationError(_(
                "Field 'Sales Team': %(team)s belongs to another section than the one the record goes to; "
                "a record and its sales team are in the same section (SEC-1).", team=team.display_name))
        return target

    def _governance_after_move(self, moving, old, old_names, note, log=True):
        # section and team stay consistent: a lead moved without a team of
        # its new section gets that section's first team, or none (SEC-1)
        stray = moving.sudo().filtered(
            lambda lead: lead.team_id.section_id and lead.team_id.section_id != lead.section_id)
        for section, leads in stray.grouped("section_id").items():
            leads.write({"team_id": section.team_ids[:1].id})
        return super()._governance_after_move(moving, old, old_names, note, log=log)

    def _merge_opportunity(self, user_id=False, team_id=False, auto_unlink=True, max_length=5):
        # Every merge goes through here: the list's Merge dialog and the conversion
        # wizard (through merge_opportunity), and any other code. Merging keeps one lead
        # and deletes the others as superuser: on governed leads, a way to take pool or
        # colleagues' leads without a claim. It is the section admin's duty (客户合并,
        # SEC-2): only the admins of the leads' section (who may delete there) merge them.
        if not self.env.su and self._governance_active() and self.sudo()._governance_governed():
            self._governance_check_caller("write")
            # each lead's section, none included: merging a governed lead into one outside any
            # section would take it (and its history) out of governance without a move (SEC-3)
            sections = {lead.section_id for lead in self.sudo()}
            if any(not self.env.user._governance_may_decide(MERGE, section) for section in sections):
                raise AccessError(_("Only an admin of the leads' section may merge them (SEC-2)."))
        merging = self.with_context(governance_merging=Trusted(True))
        if len(self) > 1:
            # the kept lead takes the owner stock would write (the wizard's, or the first of
            # the leads that has one) through the door, before the merge: the ledger, the
            # notices and the followers say so, and stock then finds it already written;
            # ranked as the merge ranks them (the first registration is kept)
            ranked = merging.sudo()._sort_by_confidence_level(reverse=True)
            owner = self.env["res.users"].browse(user_id or ranked._merge_data(["user_id"])["user_id"] or [])
            kept = ranked[0]
            if owner != kept.user_id and kept._governance_governed():
                kept.with_env(merging.env)._governance_lock()
                kept.with_env(merging.env)._governance_set_owner(owner, ownership.MERGE)
        kept = super(CrmLead, merging)._merge_opportunity(
            user_id=user_id, team_id=team_id, auto_unlink=auto_unlink, max_length=max_length)
        kept = kept.with_env(self.env)
        # stock moved the merged leads' recent posters' follower rows onto it (a res_id
        # written, no follower created): only people who may read it follow it (SEC-4)
        kept.sudo()._governance_prune_followers()
        # activities now on the kept lead go only to people who may read it
        for activity in kept.sudo().activity_ids:
            if not kept.with_user(activity.user_id).has_access("read") and kept.user_id:
                activity.write({"user_id": kept.user_id.id})
        return kept

    def _compute_potential_lead_duplicates(self):
        # stock searches duplicates as superuser, across sections: "Similar
        # leads" would show another section's leads that share a phone (SEC-4);
        # and it reads the lead's customer as the user: a won deal whose
        # customer a colleague holds now would not open. Computed as
        # superuser, shown only what the user reads.
        if self.env.su or not self._governance_active():
            return super()._compute_potential_lead_duplicates()
        super(CrmLead, self.sudo())._compute_potential_lead_duplicates()
        for lead in self:
            others = (lead.duplicate_lead_ids - lead)._filtered_access("read")
            lead.duplicate_lead_ids = others + lead
            lead.duplicate_lead_count = len(others)

    # -- follow-ups (FU-1, FU-4) -------------------------------------------
    def _governance_contacts(self):
        partner = self.partner_id
        if not partner:
            return self.env["res.partner"]
        commercial = partner.commercial_partner_id
        return (partner | commercial | commercial.child_ids).filtered(lambda p: not p.is_company)

    def _governance_contact_names(self):
        names = super()._governance_contact_names()
        return names + ((self.contact_name,) if self.contact_name and len(self.contact_name) >= 2 else ())

    def _governance_own_names(self):
        customer = (self.partner_name, self.partner_id.name, self.partner_id.commercial_partner_id.name)
        return tuple(n for n in customer if n and len(n) >= 2)

    def _governance_contact_facts(self):
        # the lead's contact name, its customer, the people of its customer's
        # company; only leads with a customer cost a query (the owner's note
        # renewing a lead without one asks nothing of the database)
        customers = self.env["res.partner"]._governance_person_facts(self.partner_id.ids)
        return {lead.id: (lead.contact_name, *customers.get(lead.partner_id.id, (False, 0))) for lead in self}

    def _merge_dependences_history(self, opportunities):
        # merged leads are deleted: their follow-ups move with their chatter
        res = super()._merge_dependences_history(opportunities)
        self.env["crm.governance.followup"].sudo().search([("lead_id", "in", opportunities.ids)]).write(
            {"lead_id": self.id, "res_name": self.display_name})
        self.sudo()._governance_protection_recompute()
        return res

    def _governance_result_groups(self):
        grade = ResultGroup(frozenset({"governance_grade"}), lambda env, names: env._(
            "Customer Grade cannot be written: a lead has its customer's grade (GRADE-1)."), True)
        return super()._governance_result_groups() + [grade]

    # -- the pipeline (crm_governance_record_mixin.py) --------------------------
    # outermost: a won deal's facts are checked on what the caller sent, and
    # a missing id is refused before stock crm reads it (SEC-4)
    @api.model_create_multi
    def create(self, vals_list):
        return self._governance_create(vals_list, super().create)

    def write(self, vals):
        return self._governance_write(vals, super().write)

    def unlink(self):
        return self._governance_unlink(super().unlink)

    def _governance_refuse_won_change(self, change):
        self._governance_check_won_facts(change.vals)

    def _governance_follow_customer(self, change):
        if "contact_name" in change.fields or "partner_id" in change.fields:
            self._governance_refresh_key_contact()
        if "partner_id" in change.fields:
            # another customer, maybe another grade: other dates (GRADE-4)
            self.sudo().filtered(lambda r: r.protection_state in OWNED and r.id in change.before
                                 and r.governance_grade != change.before[r.id].grade
                                 )._governance_protection_recompute()
