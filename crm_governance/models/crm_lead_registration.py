from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.osv import expression
from odoo.tools import format_date, html2plaintext, is_html_empty

from ..policy import ownership, registration
from ..policy.access import REGISTRATION
from ..policy.protection import OWNED
from .crm_governance_protection_mixin import ResultGroup
from .crm_governance_registration_mixin import KEY_FIELDS
from .reader_language import notify
from .set_wise import update_by_id
from .trusted import Trusted, as_id, trusted

REGISTRATION_STATES = [("pending", "Waiting for Approval"), ("approved", "Approved"), ("rejected", "Sent Back")]
REVIEW_STATES = [("checked", "Checked"), ("returned", "Sent Back"), ("corrected", "Corrected, to Check Again")]
# the lead fields a registration's facts are read from (ENTRY-1, ENTRY-4)
FACT_FIELDS = frozenset(("partner_name", "partner_id", "contact_name", "phone", "mobile", "source_id", "state_id",
                         "country_id", "description", "email_from", "street", "street2", "city", "website"))
# written by the module only (the decisions and the completion clock)
REGISTRATION_RESULTS = frozenset((
    "governance_registration_state", "governance_rejection_reason", "governance_missing_facts",
    "governance_complete_by", "governance_complete_limit", "governance_review_state", "governance_review_note",
    "governance_reviewed_by_id", "governance_reviewed_at"))


def fact_labels(env):
    """The facts in the users' words (ENTRY-1)."""
    return {
        "customer": env._("customer name (registered business name, 工商注册名称)"),
        "contact": env._("contact name"), "phone": env._("phone"), "source": env._("source"),
        "region": env._("region (state, or country without states)"), "need": env._("need (notes)"),
        "email": env._("e-mail"), "address": env._("address"), "website": env._("website"),
    }


class CrmLead(models.Model):
    """Registration rules (录入规范, ENTRY-1 … ENTRY-4) of leads and
    opportunities: required facts on every path, approval before protection,
    completion deadline, the daily spot-check, merging duplicates."""
    _inherit = "crm.lead"

    governance_registration_state = fields.Selection(
        REGISTRATION_STATES, string="Registration", readonly=True, copy=False, index="btree_not_null",
        tracking=True, help="With approval on (ENTRY-3), a new registration is neither protected nor in the pool "
                            "until a section head or admin approves it.")
    governance_rejection_reason = fields.Text(string="Sent Back Because", readonly=True, copy=False)
    governance_missing_facts = fields.Char(
        string="Missing Facts (codes)", readonly=True, copy=False, index="btree_not_null",
        help="The required and to-be-completed facts this registration still lacks (ENTRY-1, ENTRY-4).")
    governance_missing_facts_label = fields.Char(string="Missing Facts", compute="_compute_governance_completion")
    governance_completion_note = fields.Char(string="Completion", compute="_compute_governance_completion")
    governance_incomplete = fields.Boolean(
        string="Incomplete Registration", compute="_compute_governance_completion",
        search="_search_governance_incomplete")
    governance_complete_by = fields.Datetime(string="Facts Due", readonly=True, copy=False)
    governance_complete_limit = fields.Datetime(string="Facts Due at the Latest", readonly=True, copy=False,
                                                index="btree_not_null")
    governance_completion_late = fields.Boolean(
        string="Completion Late", compute="_compute_governance_completion", search="_search_governance_completion_late",
        help="Still incomplete after the section's limit (ENTRY-4).")
    governance_review_state = fields.Selection(REVIEW_STATES, string="Spot-check", readonly=True, copy=False,
                                               tracking=True)
    governance_review_note = fields.Text(string="Spot-check Note", readonly=True, copy=False)
    governance_reviewed_by_id = fields.Many2one("res.users", string="Checked By", readonly=True, copy=False)
    governance_reviewed_at = fields.Datetime(string="Checked On", readonly=True, copy=False)
    governance_required_facts = fields.Char(compute="_compute_governance_required_facts")
    governance_form_section_id = fields.Many2one(
        "crm.governance.section", string="Registered In", compute="_compute_governance_required_facts",
        help="The section a new lead or opportunity is registered in: its sales team's (SEC-1).")
    governance_can_decide_registration = fields.Boolean(compute="_compute_governance_can_decide_registration")

    # -- facts ------------------------------------------------------------
    def _governance_present_facts(self):
        """The fact codes this lead has (ENTRY-1)."""
        self.ensure_one()
        def filled(*values):
            # "  " is no fact: only the web client trims what is typed
            return any(v.strip() if isinstance(v, str) else v for v in values)

        partner = self.partner_id
        commercial = partner.commercial_partner_id
        present = set()
        if filled(self.partner_name) or (commercial.is_company and filled(commercial.name)):
            present.add("customer")
        if filled(self.contact_name) or (partner and not partner.is_company):
            present.add("contact")
        if filled(self.phone, self.mobile):
            present.add("phone")
        if self.source_id:
            present.add("source")
        if self.state_id or (self.country_id and not self.country_id.state_ids):
            present.add("region")
        if not is_html_empty(self.description) and filled(html2plaintext(self.description)):
            present.add("need")
        if filled(self.email_from):
            present.add("email")
        if filled(self.street, self.street2, self.city):
            present.add("address")
        if filled(self.website):
            present.add("website")
        return present

    def _governance_missing(self, which="required"):
        """lead id -> missing fact codes: ``required`` at registration
        (ENTRY-1), or ``all`` the section wants completed (ENTRY-4)."""
        result = {}
        for lead in self.sudo():
            rules = lead.section_id._governance_registration_rules()
            wanted = rules.required if which == "required" else rules.required + tuple(
                c for c in rules.completion if c not in rules.required)
            result[lead.id] = registration.missing_facts(lead._governance_present_facts(), wanted)
        return result

    def _governance_refuse_missing(self, missing, when):
        """One error per registration, listing every missing fact."""
        labels = fact_labels(self.env)
        for lead in self.sudo():
            if missing.get(lead.id):
                raise ValidationError(_(
                    "%(record)s cannot be %(when)s: missing %(facts)s (ENTRY-1).", record=lead.display_name,
                    when=when, facts=", ".join(labels[c] for c in missing[lead.id])))

    def _governance_store_completion(self, start=False):
        """Store what each governed lead still lacks; ``start``: the
        completion clock starts now (a new registration, ENTRY-4)."""
        leads = self.sudo()._governance_governed()
        if not leads:
            return
        leads.flush_recordset()
        missing = leads._governance_missing("all")
        ids = leads.ids
        columns = {"governance_missing_facts": ("varchar", [",".join(missing[i]) or None for i in ids])}
        if start:
            now = fields.Datetime.now()
            dates = {lead.id: registration.completion_dates(now, *lead.section_id._governance_completion_days())
                     for lead in leads}
            columns["governance_complete_by"] = ("timestamp", [dates[i][0] for i in ids])
            columns["governance_complete_limit"] = ("timestamp", [dates[i][1] for i in ids])
        update_by_id(self.env.cr, self._table, ids, columns)
        leads.invalidate_recordset(list(columns) + ["governance_missing_facts_label", "governance_incomplete",
                                                    "governance_completion_late"])

    @api.depends("governance_missing_facts", "governance_complete_by", "governance_complete_limit", "active",
                 "stage_id.is_won")
    def _compute_governance_completion(self):
        labels = fact_labels(self.env)
        now = fields.Datetime.now()
        # a won or lost deal is closed: its registration is history, no duty to complete it (ENTRY-4)
        closed = self._governance_closed_ids()
        for lead in self:
            codes = [c for c in (lead.governance_missing_facts or "").split(",") if c and lead.id not in closed]
            lead.governance_missing_facts_label = ", ".join(labels.get(c, c) for c in codes) or False
            if codes and lead.governance_complete_by:
                lead.governance_completion_note = _(
                    "Still missing: %(facts)s. Complete the registration by %(date)s (ENTRY-4).",
                    facts=lead.governance_missing_facts_label, date=format_date(self.env, lead.governance_complete_by))
            elif codes:
                lead.governance_completion_note = _("Still missing: %s (ENTRY-1).", lead.governance_missing_facts_label)
            else:
                lead.governance_completion_note = False
            lead.governance_incomplete = bool(codes)
            lead.governance_completion_late = bool(codes and lead.governance_complete_limit
                                                   and lead.governance_complete_limit <= now)

    def _search_governance_incomplete(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(_("Unsupported search on 'Incomplete Registration'."))
        domain = [("governance_missing_facts", "!=", False)] + self._governance_open_domain()
        return domain if (operator == "=") == value else ["!"] + expression.AND([domain])

    def _search_governance_completion_late(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(_("Unsupported search on 'Completion Late'."))
        domain = [("governance_missing_facts", "!=", False),
                  ("governance_complete_limit", "<=", fields.Datetime.now())] + self._governance_open_domain()
        return domain if (operator == "=") == value else ["!"] + expression.AND([domain])

    @api.depends("team_id", "user_id", "section_id")
    @api.depends_context("uid")
    def _compute_governance_required_facts(self):
        # the form marks these required; the section is the one the lead
        # will be registered in (its team's, else its owner's)
        for lead in self:
            section = lead._governance_form_section()
            lead.governance_required_facts = ",".join(section._governance_registration_rules().required) \
                if section.governance_enabled else ""
            # (the name of a section the user is in, or of the team they chose)
            lead.governance_form_section_id = section.sudo(False) if section else False

    def _governance_form_section(self):
        """The section a lead on the form is (or will be) registered in."""
        lead = self.sudo()
        mine = self.env.user.sudo()._governance_listed_sections()
        return lead.section_id or lead.team_id.section_id or mine.filtered("governance_enabled")[:1] or mine[:1]

    @api.depends_context("uid")
    def _compute_governance_can_decide_registration(self):
        me = self.env.user
        for lead in self:
            lead.governance_can_decide_registration = me._governance_may_decide(REGISTRATION, lead.sudo().section_id)

    @api.onchange("partner_name", "phone", "email_from")
    def _onchange_governance_own_registration(self):
        # one's own earlier registration of the same company: offered to open.
        # Only the user's own records are looked up, under their own rights:
        # anything more would be Check Customer without its daily limit.
        if not self._governance_form_section().governance_enabled:
            return None
        keys = self._governance_keys_of_values()
        domain = [("user_id", "=", self.env.uid), ("id", "not in", self._origin.ids)]
        matches = [[(KEY_FIELDS[kind], "=", key)] for kind, key in keys.items()]
        if not matches:
            return None
        own = self.search(domain + expression.OR(matches), limit=1)
        if not own:
            return None
        return {"warning": {"title": _("Registered already"), "message": _(
            "You registered this customer already: %(record)s (%(date)s). Open it from your pipeline instead of "
            "registering it again (ENTRY-2).", record=own.display_name, date=fields.Date.to_string(own.create_date))}}

    def _governance_keys_of_values(self):
        """The keys of the values on the form (a new record has no id yet)."""
        region = self._governance_form_section().company_id.country_id.code or self._governance_region()
        return registration.keys(self.partner_name, self.phone, self.email_from, None, region,
                                 self._governance_suffixes(self.company_id or None), self.mobile)

    # -- the model boundary ---------------------------------------------------
    def _governance_result_groups(self):
        # (the module's own decisions write them as superuser)
        decisions = ResultGroup(REGISTRATION_RESULTS, lambda env, names: env._(
            "%s cannot be written: approval, completion and spot-check follow from the section's "
            "decisions only (ENTRY-3, ENTRY-4).", names), False)
        return super()._governance_result_groups() + [decisions]

    def _governance_registering(self):
        """A registration the ENTRY rules apply to: a governed lead, by a
        user (not the module's own superuser runs, not the mail gateway)."""
        return self.browse() if self.env.su or trusted(self.env, "governance_gateway") \
            else self.sudo()._governance_governed()

    # -- steps of the pipeline (crm_governance_record_mixin.py) ------------------
    def _governance_fact_fields(self):
        return FACT_FIELDS

    def _governance_finish_new(self, change):
        registering = self._governance_registering()
        # the completion clock starts (ENTRY-4); approval before protection (ENTRY-3)
        self._governance_store_completion(start=True)
        if registering:
            self.browse(registering.ids)._governance_hold_for_approval()

    def _governance_snapshot_facts(self, change):
        if change.vals.get("type") == "opportunity":
            # only a lead becoming one converts: Odoo's merge writes the kept opportunity's type again
            change.converting = frozenset(self.sudo().filtered(lambda lead: lead.type != "opportunity").ids)
        if change.fields & FACT_FIELDS and not self.env.su and self._governance_active():
            change.missing = self._governance_registering()._governance_missing("required")

    def _governance_check_facts(self, change):
        """Facts of a registration: required when a lead enters a governed
        section or becomes an opportunity, never emptied afterwards
        (ENTRY-1); what it still lacks, and since when (ENTRY-4)."""
        facts = FACT_FIELDS & change.fields
        placing = {"team_id", "section_id", "user_id"} & change.fields
        if not (facts or placing or change.vals.get("type") == "opportunity") or not self._governance_active():
            return
        unsectioned = self.sudo().filtered(lambda lead: not change.before[lead.id].section)
        registering = self._governance_registering()
        # created outside any section, registered in one now: the rules of a
        # registration apply (required facts, completion clock, approval)
        entered = registering.filtered(lambda lead: lead in unsectioned)
        if entered:
            self.browse(entered.ids)._governance_refuse_missing(
                entered._governance_missing("required"), _("registered"))
        converting = registering.filtered(lambda lead: lead.id in change.converting)
        if converting:
            # conversion (lead → opportunity) with every required fact
            self.browse(converting.ids)._governance_refuse_missing(
                converting._governance_missing("required"), _("converted to an opportunity"))
        if change.missing:
            # a fact the registration had cannot be emptied
            before = change.missing
            after = registering._governance_missing("required")
            self.browse(registering.ids)._governance_refuse_missing(
                {i: tuple(c for c in after.get(i, ()) if c not in before.get(i, ())) for i in after},
                _("saved"))
        if facts or placing:
            # the clock starts for records registered by this write, and only for them
            (self.sudo() - unsectioned)._governance_store_completion()
            unsectioned.filtered("section_id")._governance_store_completion(start=True)
        if entered:
            self.browse(entered.ids)._governance_hold_for_approval()

    # -- approval (ENTRY-3) ------------------------------------------------
    def _governance_to_approve(self):
        """Of these registrations, those that wait for approval: owned, in a
        section with approval on, by an author who does not decide there
        (its heads and admins are the approvers, ENTRY-3)."""
        me = self.env.user
        return self.sudo().filtered(lambda lead: lead.user_id and lead.section_id.registration_approval
                                    and not me._governance_may_decide(REGISTRATION, lead.section_id))

    def _governance_awaiting_approval(self):
        return self.browse(self._governance_registering()._governance_to_approve().ids)

    def _governance_refuse_incomplete_registration(self):
        # a lead registered by a user, not the module's own runs nor the mail gateway
        registering = self._governance_registering()
        if registering:
            self.browse(registering.ids)._governance_refuse_missing(
                registering._governance_missing("required"), _("registered"))

    def _governance_hold_for_approval(self):
        """New registrations of sections with approval on wait, unprotected
        (ENTRY-3)."""
        waiting = self._governance_to_approve()
        if not waiting:
            return
        waiting._governance_protection_clear()
        waiting.write({"governance_registration_state": "pending"})
        for lead in waiting:
            lead._governance_notify_deciders(
                lambda env, lead=lead: env._("Registration to approve: %s", lead.display_name),
                lambda env, lead=lead: env._(
                    "%(user)s registered %(record)s; it waits for your approval before its protection starts "
                    "(ENTRY-3).", user=self.env.user.name, record=lead.display_name))

    def _governance_protection_start(self, now=None):
        # waiting or sent back: no protection until approved (ENTRY-3)
        return super(CrmLead, self.filtered(
            lambda lead: lead.governance_registration_state not in ("pending", "rejected")
        ))._governance_protection_start(now)

    def _governance_protection_init(self):
        # enabling again: waiting or sent back registrations stay unprotected
        return super(CrmLead, self.filtered(
            lambda lead: lead.governance_registration_state not in ("pending", "rejected")
        ))._governance_protection_init()

    def _governance_held_domain(self):
        # a registration waiting for approval holds its customer: it counts
        # against the salesperson's cap as a protected one does (PROT-5)
        return ["|", ("protection_state", "in", OWNED), ("governance_registration_state", "=", "pending")]

    def _governance_notify_deciders(self, subject, body):
        self.ensure_one()
        self._governance_notify(self.sudo().section_id._governance_told(REGISTRATION), subject, body)

    def _governance_notify(self, users, subject, body):
        """By OdooBot, into the users' inbox, each in their language;
        logged on the record too (in the actor's). ``subject`` and ``body``
        render the texts in a language (see reader_language)."""
        self.sudo()._message_log(body=Markup("%s") % body(self.env), author_id=self.env.ref("base.partner_root").id)
        if users:
            notify(self.env, users, subject, body, model=self._name, res_id=self.id)

    def _governance_check_decider(self, what):
        """Heads and admins of the lead's section (not frozen: a frozen user
        has no section), for the approval and the spot-check."""
        if self.env.su:
            return
        self._governance_check_caller("read")
        me = self.env.user
        for lead in self.sudo():
            if not me._governance_may_decide(REGISTRATION, lead.section_id):
                raise AccessError(_("Only a head or admin of section %(section)s %(what)s (%(rule)s).",
                                    section=lead.section_id.display_name, what=what[0], rule=what[1]))

    def action_governance_approve_registration(self):
        self._governance_check_decider((_("approves its registrations"), "ENTRY-3"))
        for lead in self.sudo():
            if lead.governance_registration_state != "pending":
                raise UserError(_("%s is not waiting for approval (ENTRY-3).", lead.display_name))
        # still complete, still nobody else's (first registered wins)
        self._governance_refuse_missing(self._governance_missing("required"), _("approved"))
        self.browse(self.ids)._governance_check_collisions(self._governance_keys())
        leads = self.sudo()
        leads.write({"governance_registration_state": "approved", "governance_rejection_reason": False})
        leads._governance_protection_start()
        for lead in leads:
            lead._governance_notify(
                lead.create_uid | lead.user_id,
                lambda env, lead=lead: env._("Registration approved: %s", lead.display_name),
                lambda env, lead=lead: env._("%(user)s approved the registration of %(record)s; its protection "
                                             "starts now (ENTRY-3).", user=self.env.user.name,
                                             record=lead.display_name))
        return self._governance_notice("success", _("Approved"), _(
            "%(count)s registration(s) approved: protected from now on, their owners are told (ENTRY-3).",
            count=len(leads)))

    def action_governance_reject_registration(self, reason=None):
        self._governance_check_decider((_("approves its registrations"), "ENTRY-3"))
        if not isinstance(reason, str) or not reason.strip():
            raise ValidationError(_("Field 'Reason' is required to send a registration back (ENTRY-3)."))
        for lead in self.sudo():
            if lead.governance_registration_state != "pending":
                raise UserError(_("%s is not waiting for approval (ENTRY-3).", lead.display_name))
        leads = self.sudo()
        leads.write({"governance_registration_state": "rejected", "governance_rejection_reason": reason.strip()})
        for lead in leads:
            lead._governance_notify(
                lead.create_uid | lead.user_id,
                lambda env, lead=lead: env._("Registration sent back: %s", lead.display_name),
                lambda env, lead=lead: env._("%(user)s sent the registration of %(record)s back: %(reason)s. "
                                             "Correct it and submit it again (ENTRY-3).", user=self.env.user.name,
                                             record=lead.display_name, reason=reason.strip()))
        return True

    def action_governance_resubmit_registration(self):
        """The author corrected a registration sent back: it waits again."""
        self._governance_check_caller("write")
        for lead in self.sudo():
            if lead.governance_registration_state != "rejected":
                raise UserError(_("%s was not sent back: there is nothing to submit again (ENTRY-3).",
                                  lead.display_name))
        self._governance_refuse_missing(self._governance_missing("required"), _("submitted"))
        self.browse(self.ids)._governance_check_collisions(self._governance_keys())
        leads = self.sudo()
        leads.write({"governance_registration_state": "pending"})
        for lead in leads:
            lead._governance_notify_deciders(
                lambda env, lead=lead: env._("Registration to approve: %s", lead.display_name),
                lambda env, lead=lead: env._(
                    "%(user)s corrected %(record)s and submits it again: %(reason)s (ENTRY-3).",
                    user=self.env.user.name, record=lead.display_name, reason=lead.governance_rejection_reason or ""))
        return True

    # -- the daily spot-check (规范性检查, ENTRY-4) ---------------------------------
    def action_governance_review_checked(self):
        self._governance_check_decider((_("spot-checks its registrations"), "ENTRY-4"))
        self.sudo().write({"governance_review_state": "checked", "governance_review_note": False,
                           "governance_reviewed_by_id": self.env.uid, "governance_reviewed_at": fields.Datetime.now()})
        return self._governance_notice("success", _("Checked"), _(
            "%s registration(s) marked checked (ENTRY-4).", len(self)))

    def action_governance_review_send_back(self, reason=None):
        self._governance_check_decider((_("spot-checks its registrations"), "ENTRY-4"))
        if not isinstance(reason, str) or not reason.strip():
            raise ValidationError(_("Field 'Reason' is required to send a registration back (ENTRY-4)."))
        leads = self.sudo()
        leads.write({"governance_review_state": "returned", "governance_review_note": reason.strip(),
                     "governance_reviewed_by_id": self.env.uid, "governance_reviewed_at": fields.Datetime.now()})
        for lead in leads:
            lead._governance_notify(
                lead.user_id | lead.create_uid,
                lambda env, lead=lead: env._("Registration to correct: %s", lead.display_name),
                lambda env, lead=lead: env._("%(user)s checked the registration of %(record)s and sends it back: "
                                             "%(reason)s (ENTRY-4).", user=self.env.user.name,
                                             record=lead.display_name, reason=reason.strip()))
        return True

    def action_governance_review_corrected(self):
        """The owner corrected a registration the spot-check sent back: its
        checker is told and checks it again (ENTRY-4)."""
        self._governance_check_caller("write")
        leads = self.sudo()
        if leads.filtered(lambda lead: lead.governance_review_state != "returned"):
            raise UserError(_("Only a registration the spot-check sent back is marked corrected (ENTRY-4)."))
        leads.write({"governance_review_state": "corrected"})
        for lead in leads:
            lead._governance_notify(
                lead.governance_reviewed_by_id or lead.section_id.head_ids,
                lambda env, lead=lead: env._("Corrected, to check again: %s", lead.display_name),
                lambda env, lead=lead: env._("%(user)s corrected %(record)s after the spot-check; check it again "
                                             "(ENTRY-4).", user=self.env.user.name, record=lead.display_name))
        return self._governance_notice("success", _("Marked corrected"), _(
            "%s is back with its checker (ENTRY-4).", ", ".join(leads.mapped("display_name"))))

    def action_governance_open_send_back(self):
        """The reason dialog of "send back" at approval (ENTRY-3)."""
        return self._governance_open_decision("approval")

    def action_governance_open_review_send_back(self):
        """The reason dialog of "send back" at the spot-check (ENTRY-4)."""
        return self._governance_open_decision("review")

    def _governance_open_decision(self, mode):
        self._governance_check_decider((_("decides on its registrations"), "ENTRY-3"))
        return {"type": "ir.actions.act_window", "res_model": "crm.governance.registration.decision",
                "view_mode": "form", "target": "new", "name": _("Send Back"),
                "context": {"default_lead_ids": self.ids, "default_mode": mode}}

    # -- the mail gateway (ENTRY-1) ----------------------------------------------
    @api.model
    @api.private
    def message_new(self, msg_dict, custom_values=None):
        # never lost: an e-mail lead lands unowned in a governed section, its
        # missing facts flagged for the section admin. Private: only the mail
        # gateway calls it (over JSON-RPC it would skip every registration rule)
        custom_values = dict(custom_values or {})
        team = self.env["crm.team"].sudo().browse(as_id(custom_values.get("team_id")) or [])
        if team.section_id.governance_enabled:
            custom_values["user_id"] = False
        return super(CrmLead, self.with_context(governance_gateway=Trusted(True))).message_new(
            msg_dict, custom_values=custom_values)

    # -- merging duplicates (客户合并, SEC-2) --------------------------------------
    def _sort_by_confidence_level(self, reverse=False):
        ordered = super()._sort_by_confidence_level(reverse=reverse)
        if not trusted(self.env, "governance_merging") or not reverse \
                or ordered.sudo()._governance_governed() != ordered.sudo():
            return ordered
        # the merged record is the first registration: protection stays with it
        first = registration.survivor([(lead.id, lead.create_date, lead.protection_state in OWNED)
                                       for lead in ordered.sudo()])
        return ordered.browse([first] + [i for i in ordered.ids if i != first])

    def _merge_dependences_history(self, opportunities):
        res = super()._merge_dependences_history(opportunities)
        ledger = self.env["crm.governance.ledger"].sudo()
        ledger.search([("lead_id", "in", opportunities.ids)]).write({"lead_id": self.id})
        ledger._log(self, ownership.MERGE, {self.id: (self.user_id.id, self.section_id.id)},
                    _("Merged into it: %s", ", ".join(opportunities.sudo().mapped("display_name"))))
        return res
