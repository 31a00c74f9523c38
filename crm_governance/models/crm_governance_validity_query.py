from datetime import timedelta

from markupsafe import Markup, escape

from odoo import SUPERUSER_ID, _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import escape_psql

from ..policy import ownership, protection
from ..policy.access import VALIDITY_QUERY
from .governed import RECORD_FIELD, RECORD_MODELS
from .reader_language import notify, reader_env
from .trusted import Trusted

STATES = [("pending", "Waiting for Decision"), ("transferred", "Transferred"), ("refused", "Refused"),
          ("closed", "Closed")]


class CrmGovernanceLookup(models.Model):
    """One lookup of a customer by a salesperson (FU-6): counted against the
    daily limit before it is answered, whatever the answer."""
    _name = "crm.governance.lookup"
    _description = "CRM Customer Lookup"
    _order = "date desc, id desc"

    user_id = fields.Many2one("res.users", string="Asked By", required=True, readonly=True, index=True,
                              ondelete="cascade")
    date = fields.Datetime(required=True, readonly=True, default=fields.Datetime.now, index=True)
    # each kind of lookup has its own daily limit (FU-6, ENTRY-2)
    kind = fields.Selection([("validity_query", "Validity Query"), ("customer_check", "Check Customer")],
                            required=True, readonly=True, default="validity_query", index=True)
    section_id = fields.Many2one("crm.governance.section", readonly=True, ondelete="cascade")

    @api.model
    def _governance_spent_by(self, uid, kind, section_id):
        """``uid``'s lookups of ``kind`` in a section over the last 24 hours."""
        return self.sudo().search_count([("user_id", "=", uid), ("kind", "=", kind), ("section_id", "=", section_id),
                                         ("date", ">", fields.Datetime.now() - timedelta(days=1))])

    @api.model
    def _governance_spent(self, kind, section=None):
        """The caller's lookups of ``kind`` (in ``section``) of the last 24
        hours: a rolling day, which no time zone (the caller's context, a
        company's editable one) can move."""
        domain = [("user_id", "=", self.env.uid), ("kind", "=", kind),
                  ("date", ">", fields.Datetime.now() - timedelta(days=1))]
        if section is not None:
            domain.append(("section_id", "=", section.id))
        return self.sudo().search_count(domain)

    @api.model
    def _governance_count(self, kind, limit, section=None, message=None):
        """Count one lookup of ``kind`` before it is answered; refused (and
        not counted) past ``limit`` in the last 24 hours. Concurrent lookups
        of one user take one lock row, so they are counted one after the
        other."""
        user = self.env.user
        self.env["crm.governance.registration.lock"].sudo()._governance_lock(
            [f"lookup:{kind}:{user.id}:{section.id if section else 0}"])
        if self._governance_spent(kind, section) >= limit:
            raise UserError(message)
        self.sudo().create({"user_id": user.id, "kind": kind, "section_id": section.id if section else False})


class CrmGovernanceValidityQuery(models.Model):
    """A validity query (有效性查询, FU-6): a salesperson asks for review of a
    protected record of their section they want. The requester learns only
    who holds it, in which section and for how many more days; a section head
    or admin weighs the evidence and transfers or refuses."""
    _name = "crm.governance.validity.query"
    # one refusal for a foreign and a missing id (SEC-4)
    _inherit = ["crm.governance.boundary.mixin"]
    _description = "CRM Validity Query"
    _order = "create_date desc, id desc"
    _rec_name = "requested_name"

    requested_name = fields.Char(string="Customer Asked For", required=True, readonly=True)
    requester_id = fields.Many2one("res.users", string="Requested By", required=True, readonly=True, index=True)
    reason = fields.Text(string="Why", required=True, readonly=True)
    section_id = fields.Many2one("crm.governance.section", required=True, readonly=True, index=True)
    owner_id = fields.Many2one("res.users", string="Current Owner", readonly=True, index=True)
    days_left = fields.Integer(string="Days Left When Asked", readonly=True)
    res_model = fields.Selection(RECORD_MODELS,
                                 string="Record Type", required=True, readonly=True)
    # the record itself only for those who decide: the requester must not
    # learn its data (FU-6)
    # (the head group is global: a requester who heads another section holds
    # it too, so the record is shown through evidence_*_id, computed only for
    # the deciders of the query's own section)
    lead_id = fields.Many2one("crm.lead", string="Lead/Opportunity", readonly=True, ondelete="set null",
                              index="btree_not_null", groups="base.group_system")
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True, ondelete="set null",
                                 index="btree_not_null", groups="base.group_system")
    evidence_lead_id = fields.Many2one("crm.lead", string="Queried Lead/Opportunity", compute="_compute_evidence",
                                       groups="crm_governance.group_section_head")
    evidence_partner_id = fields.Many2one("res.partner", string="Queried Customer", compute="_compute_evidence",
                                          groups="crm_governance.group_section_head")
    state = fields.Selection(STATES, default="pending", required=True, readonly=True, index=True)
    decided_by_id = fields.Many2one("res.users", readonly=True)
    decided_at = fields.Datetime(string="Decided On", readonly=True)
    decision = fields.Text(readonly=True)
    evidence_followup_ids = fields.Many2many(
        "crm.governance.followup", string="Follow-ups of the Protection Period",
        compute="_compute_evidence", groups="crm_governance.group_section_head")
    evidence_html = fields.Html(string="Registration Facts", compute="_compute_evidence", sanitize=False,
                                groups="crm_governance.group_section_head")
    evidence_invalid = fields.Boolean(string="Owner's Registration or Follow-ups Invalid",
                                      compute="_compute_evidence", groups="crm_governance.group_section_head")
    evidence_moot = fields.Boolean(string="Changed Hands Since", compute="_compute_evidence",
                                   groups="crm_governance.group_section_head")

    def _record(self):
        self.ensure_one()
        return (self.sudo().lead_id if self.res_model == "crm.lead" else self.sudo().partner_id).sudo()

    def _invalid_grounds(self):
        """Why the owner's hold is invalid (FU-6 transfers unconditionally
        then); empty when the registration and follow-ups are sound."""
        record = self._record()
        grounds = []
        if record.governance_invalid_protection:
            grounds.append(record.governance_invalid_reason)
        latest = self.env["crm.governance.followup"].sudo().search([
            (RECORD_FIELD[record._name], "=", record.id), ("author_id", "=", record.user_id.id),
            ("date", ">=", record.protected_since or fields.Datetime.now())], limit=1)
        if latest and not latest.is_valid:
            grounds.append(_("the owner's latest follow-up (%s) is invalid", fields.Datetime.to_string(latest.date)))
        return grounds

    def _governance_moot(self):
        """The record changed hands (or section) since the query was filed:
        there is nothing left to decide (FU-6)."""
        self.ensure_one()
        record = self._record()
        return not record or record.user_id != self.owner_id or record.section_id != self.section_id

    def _compute_evidence(self):
        # the evidence is for those who decide in the query's section, not for
        # a requester who happens to head another section (FU-6, SEC-4)
        deciders_of = self.env.user.sudo().governance_write_section_ids | \
            self.env.user.sudo().governance_read_section_ids
        for query in self:
            record = query._record() if self.env.su or query.section_id in deciders_of else None
            query.evidence_lead_id = record if record and record._name == "crm.lead" else False
            query.evidence_partner_id = record if record and record._name == "res.partner" else False
            if not record:
                query.evidence_followup_ids = False
                query.evidence_html = False
                query.evidence_invalid = False
                query.evidence_moot = False
                continue
            moot = query._governance_moot()
            # the owner's follow-ups of the protection period the query is about
            # (all of theirs on the record once it changed hands)
            domain = [(RECORD_FIELD[record._name], "=", record.id), ("author_id", "=", query.owner_id.id)]
            if not moot and record.protected_since:
                domain.append(("date", ">=", record.protected_since))
            query.evidence_followup_ids = self.env["crm.governance.followup"].sudo().search(domain, limit=50)
            grounds = [] if moot else query._invalid_grounds()
            query.evidence_invalid = bool(grounds)
            query.evidence_moot = moot
            when = fields.Datetime.to_string
            facts = [
                (_("Record"), record.display_name),
                (_("Registered on"), when(record.create_date)),
                (_("Registered by"), record.create_uid.name),
                (_("Owner"), record.user_id.name or "-"),
                (_("Protected since"), when(record.protected_since) if record.protected_since else "-"),
                (_("Last valid follow-up"),
                 when(record.last_valid_followup_at) if record.last_valid_followup_at else "-"),
                (_("Invalid follow-ups since then"), str(record.invalid_followup_count)),
                (_("Key contact"), ", ".join(record._governance_contact_names()) or _("none")),
                (_("Verdict"), _("the record changed hands or section since the query was filed: there is nothing "
                                 "to decide") if moot else "; ".join(grounds) if grounds else
                 _("registration and follow-ups are valid")),
            ]
            query.evidence_html = Markup("<table class='table table-sm'>%s</table>") % Markup("").join(
                Markup("<tr><th>%s</th><td>%s</td></tr>") % (escape(k), escape(v)) for k, v in facts)

    # -- filing (the wizard calls this) -----------------------------------
    @api.model
    def _governance_find(self, name):
        """The protected record a salesperson means by ``name`` (registered
        customer or company name, e-mail or phone, as typed, case aside),
        searched without their access rights: they cannot read it. Exact:
        ``%`` and ``_`` are plain characters, never wildcards, so nothing can
        be rebuilt prefix by prefix (SEC-4)."""
        exact = escape_psql(name)
        found = self.env["res.partner"].sudo().search(
            [("is_company", "=", True), ("name", "=ilike", exact), ("section_id", "!=", False)], limit=2)
        if not found:
            found = self.env["crm.lead"].sudo().search(
                ["&", ("section_id", "!=", False), "|", "|", "|", ("partner_name", "=ilike", exact),
                 ("name", "=ilike", exact), ("email_from", "=ilike", exact), ("phone", "=", name)], limit=2)
        return found

    @api.model
    def _governance_count_lookup(self):
        """Count a lookup against the daily limit before anything is looked
        up: every answer, "not found" included, costs one (FU-6). The limit
        is the highest of the caller's governed sections'."""
        user = self.env.user
        sections = user.sudo()._governance_listed_sections().filtered("governance_enabled")
        limit = max(sections.mapped("validity_query_daily_limit") or [0])
        self.env["crm.governance.lookup"]._governance_count(
            "validity_query", limit, message=_("You may ask at most %(limit)s validity queries per day (FU-6).",
                                               limit=limit))

    @api.model
    def _governance_file(self, name, reason):
        """File a query (FU-6). Bad input is raised; an answer that needed the
        lookup is returned as ``(empty, message)``, not raised, so that the
        lookup it cost stays counted. Returns ``(query, False)`` when filed."""
        user = self.env.user
        if user.sudo().governance_frozen:
            raise AccessError(_("Your account is frozen: it may not ask validity queries (SEC-5)."))
        if not isinstance(name, str) or len(name.strip()) < 2:
            raise UserError(_("Field 'Customer' is required: give the exact registered name, e-mail or phone "
                              "of the customer you want reviewed (FU-6)."))
        if not isinstance(reason, str) or not reason.strip():
            raise UserError(_("Field 'Why' is required: say why the owner's hold should be reviewed (FU-6)."))
        name = name.strip()
        self._governance_count_lookup()
        found = self._governance_find(name)
        if not found:
            return self.browse(), _("No registered customer or lead is named '%s' (FU-6).", name)
        if len(found) > 1:
            return self.browse(), _("Several records match '%s': give the exact registered name, e-mail or "
                                    "phone (FU-6).", name)
        record = found
        section = record.section_id
        if section not in user._governance_listed_sections():
            # said without the section's name: other sections' data stays hidden (SEC-4)
            return self.browse(), _("'%s' belongs to another section: validity queries stay inside your own "
                                    "sections (FU-6).", name)
        if record.user_id == user:
            return self.browse(), _("You already own '%s': a validity query is about someone else's record "
                                    "(FU-6).", name)
        if record.protection_state == "pooled" or not record.user_id:
            return self.browse(), _("'%s' is in the public pool: claim it instead of querying it (FU-6).", name)
        if not section.governance_enabled or not record.protection_state:
            return self.browse(), _("'%s' is not under protection rules: there is nothing to review (FU-6).",
                                    name)
        query = self.sudo().create({
            "requested_name": name, "requester_id": user.id, "reason": reason.strip(),
            "section_id": section.id, "owner_id": record.user_id.id, "res_model": record._name,
            RECORD_FIELD[record._name]: record.id,
            "days_left": protection.days_left(record.release_at, fields.Datetime.now()),
        })
        deciders = section._governance_told(VALIDITY_QUERY)
        # named for its readers (the owner, the deciders), not for the requester, who may not read it
        record_name = record.with_user(SUPERUSER_ID).display_name
        query._governance_notify(
            record.user_id | deciders,
            lambda env: env._("Validity query on %s", record_name),
            lambda env: env._("%(requester)s asks for a review of %(owner)s's hold on %(record)s: %(reason)s (FU-6). "
                              "A section head or admin decides from the follow-ups.", requester=user.name,
                              owner=record.user_id.name, record=record_name, reason=reason.strip()))
        return query.sudo(False), False

    def _governance_notify(self, users, subject, body):
        # sent by OdooBot (a salesperson without an e-mail address may still
        # file a query), to each reader in their language
        notify(self.env, users, subject, body)

    # -- decision (section head or admin) ---------------------------------
    def _governance_check_pending_decider(self):
        """The caller decides this query (policy.access), which still waits."""
        self.ensure_one()
        if not self.env.su and self.env.user.sudo().governance_frozen:
            raise AccessError(_("Your account is frozen: it may not decide validity queries (SEC-5)."))
        self.check_access("read")
        if not self.env.user._governance_may_decide(VALIDITY_QUERY, self.section_id):
            raise UserError(_("Only a head or admin of section %s decides its validity queries (FU-6).",
                              self.section_id.display_name))
        if self.state != "pending":
            raise UserError(_("This validity query was already decided (FU-6)."))

    def _governance_check_decider(self):
        self._governance_check_pending_decider()
        record = self._record()
        if self._governance_moot():
            raise UserError(_("The record changed hands since the query was filed; it is moot: close it (FU-6)."))
        return record

    def action_transfer(self, decision=None):
        """Transfer to the requester: only when the owner's registration or
        follow-ups are invalid (FU-6)."""
        record = self._governance_check_decider()
        grounds = self._invalid_grounds()
        if not grounds:
            raise UserError(_("%s's registration and follow-ups are valid: the query can only be refused, "
                              "with a reason (FU-6).", self.owner_id.name))
        note = (decision or "").strip() or "; ".join(grounds)
        # unconditionally (FU-6): with the record, what its owner holds of the
        # same customer in the section (its account, its other opportunities),
        # or the first registration would refuse the requester (ENTRY-2)
        family = [record] + list(record._governance_customer_family(self.owner_id).values())
        moving = Trusted(frozenset((r._name, r.id) for recs in family for r in recs))
        for recs in family:
            recs._governance_check_new_owner(recs, self.requester_id)
            recs._governance_lock()
        # decided first: the owner change closes the record's other pending queries
        self._governance_decided("transferred", note)
        for recs in family:
            recs.with_context(governance_moving_together=moving)._governance_set_owner(
                self.requester_id, ownership.VALIDITY_QUERY, note)
        return True

    def action_close(self, decision=None):
        """A head or admin of the section closes a query with a note: the way
        out of one that became moot, or that the requester withdrew (FU-6)."""
        self._governance_check_pending_decider()
        if not (decision or "").strip():
            raise UserError(_("Field 'Decision' is required to close a validity query (FU-6)."))
        self._governance_decided("closed", decision.strip())
        return True

    @api.model
    def _governance_close_moot(self, records):
        """Pending queries on ``records`` (one model) that changed hands or
        section are closed with a note, and their requester told (FU-6): no
        query is left waiting for a decision nobody can take."""
        if not records:
            return
        field = RECORD_FIELD[records._name]
        queries = self.sudo().search([(field, "in", records.ids), ("state", "=", "pending")])
        moot = queries.filtered(lambda q: q._governance_moot())
        for query in moot:
            record = query._record()
            query.write({"state": "closed", "decided_at": fields.Datetime.now(), "decided_by_id": False,
                         "decision": query.with_env(reader_env(self.env, query.requester_id)).env._(
                             "Closed: the record changed hands or section on %(date)s; there is nothing left to "
                             "decide (FU-6).", date=fields.Date.to_string(fields.Date.context_today(self)))})
            query._governance_notify(
                query.requester_id,
                lambda env, query=query: env._("Validity query on %s: closed", query.requested_name),
                lambda env, query=query, record=record: env._(
                    "Your validity query on %(name)s is closed: the record changed hands or section meanwhile "
                    "(%(state)s). Ask again if you still want it reviewed (FU-6).", name=query.requested_name,
                    state=env._("in the public pool") if record and not record.user_id else env._("new owner")))

    def action_refuse(self, decision=None):
        """Refuse, with the reason; only when the owner's hold is sound."""
        record = self._governance_check_decider()
        if not (decision or "").strip():
            raise UserError(_("Field 'Decision' is required to refuse a validity query (FU-6)."))
        grounds = self._invalid_grounds()
        if grounds:
            raise UserError(_("The owner's hold is invalid (%s): the record goes to the requester "
                              "unconditionally (FU-6).", "; ".join(grounds)))
        self.env["crm.governance.ledger"]._log(
            record, ownership.VALIDITY_QUERY, {record.id: (record.user_id.id, record.section_id.id)},
            _("Validity query by %(requester)s refused: %(decision)s", requester=self.requester_id.name,
              decision=decision.strip()))
        self._governance_decided("refused", decision.strip())
        return True

    def _governance_decided(self, state, note):
        self.sudo().write({"state": state, "decision": note, "decided_by_id": self.env.uid,
                           "decided_at": fields.Datetime.now()})
        def outcome(env):
            return dict(self._fields["state"]._description_selection(env))[state]
        self._governance_notify(
            self.requester_id | self.owner_id,
            lambda env: env._("Validity query on %(name)s: %(outcome)s", name=self.requested_name,
                              outcome=outcome(env)),
            lambda env: env._("%(decider)s decided the validity query of %(requester)s on %(name)s: %(outcome)s. "
                              "%(note)s (FU-6)", decider=self.env.user.name, requester=self.requester_id.name,
                              name=self.requested_name, outcome=outcome(env), note=note))

    def action_open_decision(self):
        self.ensure_one()
        self._governance_check_decider()
        return self._governance_decision_dialog("transfer" if self.evidence_invalid else "refuse")

    def action_open_close(self):
        self.ensure_one()
        self.check_access("read")
        return self._governance_decision_dialog("close")

    def _governance_decision_dialog(self, mode):
        return {
            "type": "ir.actions.act_window", "res_model": "crm.governance.validity.decision",
            "view_mode": "form", "target": "new", "name": self.env._("Decide a Validity Query"),
            "context": {"default_query_id": self.id, "default_mode": mode},
        }
