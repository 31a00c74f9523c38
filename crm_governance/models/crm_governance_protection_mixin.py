from collections import namedtuple

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.osv import expression
from odoo.tools import SQL, format_date

from ..policy import ownership, protection
from ..policy.protection import OWNED
from .governed import RECORD_FIELD
from .set_wise import update_by_id
from .trusted import as_id, forged, trusted

PROTECTION_STATES = [
    (protection.PROTECTED, "Protected"),
    (protection.WARNING, "No Recent Contact"),
    (protection.POOLED, "Public Pool"),
]
# written by the module only, by SQL (see _governance_result_groups)
PROTECTION_FIELDS = frozenset(protection.COLUMNS)
# what no caller sets: the protection and the due date last reminded of
PROTECTION_RESULTS = PROTECTION_FIELDS | {"followup_reminded_at"}
# fields only the module writes: the refusal (of the names sent) and whether
# the superuser is refused too
ResultGroup = namedtuple("ResultGroup", "fields refusal superuser")
# the SQL type of each protection column, for the set-wise UPDATE
_COLUMN_TYPES = {"protection_state": "varchar", "invalid_followup_count": "int"}
# computed (not stored) from the protection columns: dropped from the cache with them
PROTECTION_COMPUTED = ("protection_days_left", "protection_badge", "governance_followup_overdue",
                       "governance_followup_days_left", "governance_closed", "governance_invalid_protection",
                       "governance_invalid_reason")


class CrmGovernanceProtectionMixin(models.AbstractModel):
    """Protection period (保护期), PROT-1 … PROT-4 and FU-4: the state a
    record's protection is in, and its dates.

    A record of a governed section with an owner is protected; the dates
    come from ``policy.protection.evaluate`` on the record's facts (its
    period, last valid contact, invalid follow-ups, key contact), gathered
    in bulk here and stored set-wise. A new owner restarts protection; a
    policy change recomputes it; valid follow-ups renew it (chatter mixin);
    the scheduled passes act on the dates (schedule mixin).
    """
    _name = "crm.governance.protection.mixin"
    _description = "CRM Protection Period"

    protection_state = fields.Selection(
        PROTECTION_STATES, string="Protection", index="btree_not_null", readonly=True, copy=False)
    protected_since = fields.Datetime(readonly=True, copy=False)
    last_valid_followup_at = fields.Datetime(string="Last Valid Follow-up", readonly=True, copy=False)
    followup_due_at = fields.Datetime(
        string="Follow-up Due", readonly=True, copy=False, index="btree_not_null",
        help="The next valid follow-up is due by then (PROT-2); the owner gets a reminder when it passes.")
    followup_reminded_at = fields.Datetime(
        string="Follow-up Reminder Sent For", readonly=True, copy=False,
        help="The due date the owner was last reminded of: one reminder per due date.")
    warn_at = fields.Datetime(string="Warning On", readonly=True, copy=False, index="btree_not_null")
    release_at = fields.Datetime(string="Release On", readonly=True, copy=False, index="btree_not_null")
    protection_days_left = fields.Integer(string="Days Left", compute="_compute_protection_days_left")
    governance_followup_days_left = fields.Integer(
        string="Days to Next Follow-up", compute="_compute_protection_days_left",
        help="Whole days until the next valid follow-up is due (PROT-2); 0 once overdue.")
    governance_closed = fields.Boolean(
        string="Closed", compute="_compute_protection_days_left",
        help="Won, lost or archived: no follow-up is due and nothing counts down (PROT-2).")
    protection_badge = fields.Char(string="Protection Status", compute="_compute_protection_days_left")
    governance_next_due_at = fields.Datetime(
        string="Next Follow-up Due", compute="_compute_protection_days_left",
        help="The next valid follow-up is due by this date: the follow-up interval, or earlier when protection "
             "would turn invalid first (FU-4).")
    governance_warning_shown = fields.Boolean(
        string="Warning Comes First", compute="_compute_protection_days_left",
        help="The warning date comes before the pool date (a record whose protection turns invalid first, FU-4, "
             "goes to the pool before any warning).")
    governance_followup_overdue = fields.Boolean(
        string="Follow-up Overdue", compute="_compute_protection_days_left",
        search="_search_governance_followup_overdue")
    governance_claimed_by_me = fields.Boolean(
        string="Claimed by Me This Month", compute="_compute_governance_claimed_by_me",
        search="_search_governance_claimed_by_me")
    governance_ledger_count = fields.Integer(string="Ownership History",
                                             compute="_compute_governance_ledger_count")
    # FU-4: what makes protection invalid (无效保护), each a moment in time so
    # the release pass finds due records by index, like ``release_at``
    invalid_followup_count = fields.Integer(
        string="Invalid Follow-ups", readonly=True, copy=False,
        help="The owner's invalid follow-ups since protection started (FU-4).")
    first_valid_due_at = fields.Datetime(
        string="First Valid Follow-up Due", readonly=True, copy=False,
        help="Without a valid follow-up by then, protection becomes invalid (FU-4).")
    key_contact_due_at = fields.Datetime(
        string="Key Contact Due", readonly=True, copy=False,
        help="Without a key contact (关键联系人) by then, protection becomes invalid (FU-4).")
    invalid_followups_at = fields.Datetime(
        string="Invalid Follow-up Limit Reached", readonly=True, copy=False)
    invalid_since = fields.Datetime(
        string="Protection Invalid From", readonly=True, copy=False, index="btree_not_null",
        help="The earliest of the three FU-4 moments; from then on the release pass treats the "
             "record as expired and section admins may reassign it.")
    pool_due_at = fields.Datetime(
        string="Goes to Pool On", readonly=True, copy=False, index="btree_not_null",
        help="When the release pass takes the record: its release date (PROT-2) or, earlier, the moment its "
             "protection became invalid (FU-4).")
    governance_invalid_protection = fields.Boolean(
        string="Invalid Protection", compute="_compute_governance_invalid_protection",
        search="_search_governance_invalid_protection")
    governance_invalid_reason = fields.Char(
        string="Why Protection Is Invalid", compute="_compute_governance_invalid_protection")
    governance_followup_count = fields.Integer(
        string="Follow-ups", compute="_compute_governance_followup_count")

    @api.depends("release_at", "protection_state", "invalid_since", "followup_due_at", "pool_due_at", "active",
                 "warn_at")
    def _compute_protection_days_left(self):
        now = fields.Datetime.now()
        closed = self._governance_closed_ids()
        for rec in self:
            left = protection.days_left(rec.release_at, now)
            rec.protection_days_left = left
            # due by the interval, or sooner when the record would go to the pool first (FU-4)
            due = min(filter(None, (rec.followup_due_at, rec.pool_due_at)), default=None)
            rec.governance_next_due_at = due
            rec.governance_followup_days_left = protection.days_left(due, now)
            rec.governance_closed = rec.id in closed
            rec.governance_warning_shown = bool(rec.warn_at and (not rec.pool_due_at or rec.warn_at < rec.pool_due_at))
            owned = rec.protection_state in OWNED and not rec.governance_closed
            rec.governance_followup_overdue = bool(owned and rec.followup_due_at and rec.followup_due_at <= now)
            pool_in = protection.days_left(rec.pool_due_at or rec.release_at, now)
            if rec.protection_state == protection.POOLED:
                rec.protection_badge = _("Public pool")
            elif rec.protection_state in OWNED and rec.governance_closed:
                # a won deal keeps its owner; lost and archived ones wait
                rec.protection_badge = self._governance_closed_label(rec)
            elif owned and rec.invalid_since and rec.invalid_since <= now:
                rec.protection_badge = _("Invalid protection · pool in %s days", pool_in)
            elif rec.governance_followup_overdue:
                rec.protection_badge = _("Follow-up overdue · pool in %s days", pool_in)
            elif owned:
                rec.protection_badge = _("Next follow-up in %s days", rec.governance_followup_days_left)
            else:
                rec.protection_badge = False

    def _governance_renewal_text(self):
        """What a valid follow-up did to ``self``'s protection, for its
        author (FU-3): the new dates, or why nothing was renewed."""
        self.ensure_one()
        rec = self.sudo()
        if rec.protection_state not in OWNED or rec.user_id != self.env.user:
            return self.env._("It is kept as a valid follow-up; it renews protection only when the owner logs "
                              "it (FU-3).")
        return self.env._(
            "Protection renewed: the next valid follow-up is due by %(due)s; without one the record goes to the "
            "public pool on %(release)s (FU-3, PROT-2).", due=format_date(self.env, rec.governance_next_due_at),
            release=format_date(self.env, rec.pool_due_at or rec.release_at))

    def _governance_closed_ids(self):
        """Ids of the records of ``self`` that are closed: archived (lost
        leads are archived); leads add their won stage."""
        return {rec.id for rec in self if rec.id and "active" in rec._fields and not rec.active}

    def _governance_closed_label(self, rec):
        return _("Closed")

    @api.model
    def _governance_open_domain(self):
        """The records still worked: not archived (lost leads are archived);
        leads add their won stage. Closed ones owe no follow-up."""
        return [("active", "=", True)] if "active" in self._fields else []

    def _search_governance_followup_overdue(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(_("Unsupported search on 'Follow-up Overdue'."))
        domain = [("protection_state", "in", OWNED), ("followup_due_at", "<=", fields.Datetime.now())] + \
            self._governance_open_domain()
        return domain if (operator == "=") == value else ["!"] + expression.AND([domain])

    def _governance_claimed_by_me_ids(self):
        field = RECORD_FIELD[self._name]
        month_start = fields.Date.context_today(self).replace(day=1)
        rows = self.env["crm.governance.ledger"].sudo().search_read(
            [("reason", "=", ownership.CLAIM), ("new_user_id", "=", self.env.uid),
             ("date", ">=", fields.Datetime.to_datetime(month_start)), (field, "!=", False)], [field])
        return {r[field][0] for r in rows}

    def _compute_governance_claimed_by_me(self):
        mine = self._governance_claimed_by_me_ids()
        for rec in self:
            rec.governance_claimed_by_me = rec.id in mine

    def _search_governance_claimed_by_me(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(_("Unsupported search on 'Claimed by Me This Month'."))
        positive = (operator == "=") == value
        return [("id", "in" if positive else "not in", list(self._governance_claimed_by_me_ids()))]

    def _governance_count(self, model, fname):
        """Rows of ``model`` (ledger, follow-ups) per record, into ``fname``."""
        field = RECORD_FIELD[self._name]
        counts = dict(self.env[model]._read_group([(field, "in", self.ids)], [field], ["__count"]))
        for rec in self:
            rec[fname] = counts.get(rec, 0)

    def _compute_governance_ledger_count(self):
        self._governance_count("crm.governance.ledger", "governance_ledger_count")

    def _compute_governance_followup_count(self):
        self._governance_count("crm.governance.followup", "governance_followup_count")

    @api.depends("invalid_since", "invalid_followups_at", "first_valid_due_at", "key_contact_due_at",
                 "protection_state")
    def _compute_governance_invalid_protection(self):
        now = fields.Datetime.now()
        closed = self._governance_closed_ids()
        for rec in self:
            # a won deal keeps its owner: closed records owe no follow-up (FU-4)
            invalid = bool(rec.protection_state in OWNED and rec.invalid_since and rec.invalid_since <= now
                           and rec.id not in closed)
            rec.governance_invalid_protection = invalid
            reasons = []
            if invalid:
                if rec.invalid_followups_at and rec.invalid_followups_at <= now:
                    reasons.append(_("%s invalid follow-ups", rec.invalid_followup_count))
                if rec.first_valid_due_at and rec.first_valid_due_at <= now:
                    reasons.append(_("no valid follow-up since %s", fields.Date.to_string(rec.protected_since)))
                if rec.key_contact_due_at and rec.key_contact_due_at <= now:
                    reasons.append(_("still no key contact"))
            rec.governance_invalid_reason = ", ".join(reasons) + " (FU-4)" if reasons else False

    def _search_governance_invalid_protection(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(_("Unsupported search on 'Invalid Protection'."))
        domain = [("protection_state", "in", OWNED), ("invalid_since", "<=", fields.Datetime.now())] + \
            self._governance_open_domain()
        return domain if (operator == "=") == value else ["!"] + expression.AND([domain])

    # -- facts, gathered in bulk ---------------------------------------------
    def _governance_governed(self):
        # a section's background enabling job prepares its records as governed
        preparing = trusted(self.env, "governance_preparing", frozenset())
        return self.filtered(lambda r: r.section_id.governance_enabled or r.section_id.id in preparing)

    def _governance_contact_facts(self):
        """record id -> (the contact name written on it, whether its customer
        is a person, whether (1) or not (0) its customer has people as
        contacts): the facts ``policy.protection.has_key_contact`` decides
        on. Here a customer account: no name of its own, its own people."""
        self.env["res.partner"].flush_model(["parent_id", "active", "is_company"])
        # set-wise read: one query for every record of the batch
        self.env.cr.execute(SQL(
            """SELECT r.id, EXISTS (SELECT 1 FROM res_partner c
                                     WHERE c.parent_id = r.id AND c.active AND NOT c.is_company)::int
                 FROM %s r WHERE r.id = ANY(%s)""", SQL.identifier(self._table), self.ids))
        return {rid: (None, False, people) for rid, people in self.env.cr.fetchall()}

    def _governance_key_contact_ids(self):
        """The records of ``self`` that have a key contact (关键联系人, FU-4)."""
        if not self:
            return set()
        return {rid for rid, facts in self._governance_contact_facts().items() if protection.has_key_contact(*facts)}

    def _governance_grades(self):
        """The grade of each record's customer (GRADE-4): record id -> grade,
        records without one left out."""
        raise NotImplementedError

    def _governance_protection(self):
        """The protection ``self`` (one record) has now, as the policy sees it."""
        self.ensure_one()
        return protection.Protection(**{f: self[f] or (0 if f == "invalid_followup_count" else None)
                                        for f in protection.COLUMNS})

    def _governance_evaluate(self, since_by_id, contact_by_id=None, history_by_id=None, fu4_start_by_id=None,
                             followups=None, policy=None):
        """Protection of every record of ``self`` under its section's policy
        (``policy.protection.evaluate``), from facts gathered in bulk.

        ``since_by_id``: start of the protection period; ``contact_by_id``: a
        last valid contact already known (the stored one); ``history_by_id``:
        the owner's last valid note in the chatter before governance, which
        counts as a valid follow-up; ``fu4_start_by_id``: the FU-4 deadlines
        start again then (a new period), otherwise pending ones are kept.
        The owner's follow-ups of the period come from the follow-up records
        (``followups`` when the caller knows them). ``policy``: another
        policy to try than the section's (the dry run)."""
        records = self.sudo()
        owned = records.filtered("user_id")
        if followups is None:
            followups = self.env["crm.governance.followup"]._governance_facts(owned, since_by_id)
        key_contacts = owned._governance_key_contact_ids()
        contact_by_id, history_by_id = contact_by_id or {}, history_by_id or {}
        fu4_start_by_id = fu4_start_by_id or {}
        now = fields.Datetime.now()
        results = {}
        tried = policy
        grades = records._governance_grades()
        for (section, grade), recs in records.grouped(lambda r: (r.section_id, grades.get(r.id))).items():
            policy = tried or section._governance_policy(grade)
            # the earliest moment a date is counted from: each record's last
            # contact is at least its latest known one; FU-4 clocks start apart
            starts = [max(filter(None, (since_by_id.get(r.id), contact_by_id.get(r.id), history_by_id.get(r.id))),
                          default=now) for r in recs]
            starts += [fu4_start_by_id[r.id] for r in recs if fu4_start_by_id.get(r.id)]
            calendar = section._governance_calendar(min(starts, default=now), policy, now)
            for rec in recs:
                if not rec.user_id:
                    results[rec.id] = protection.IN_POOL
                    continue
                last_valid, invalid_dates = followups.get(rec.id, (None, []))
                history = history_by_id.get(rec.id)
                count, reached = protection.invalid_tally(invalid_dates, policy.invalid_followup_limit)
                results[rec.id] = protection.evaluate(protection.Facts(
                    owned=True, since=since_by_id.get(rec.id) or now, state=rec.protection_state,
                    last_contact=max(filter(None, (contact_by_id.get(rec.id), history, last_valid)), default=None),
                    valid_followup=bool(last_valid or history), invalid_count=count,
                    invalid_limit_reached_at=reached, has_key_contact=rec.id in key_contacts,
                    fu4_start=fu4_start_by_id.get(rec.id), first_valid_due_at=rec.first_valid_due_at,
                    key_contact_due_at=rec.key_contact_due_at,
                ), policy, now, calendar)
        return results

    def _governance_store(self, results):
        """Write the protection of many records in one UPDATE; ``results``:
        record id -> :class:`policy.protection.Protection`. By SQL: the ORM
        refuses these columns (they are results, never input), and one
        statement with a row per record is the set-wise write."""
        if not results:
            return
        ids = list(results)
        update_by_id(self.env.cr, self._table, ids, {
            c: (_COLUMN_TYPES.get(c, "timestamp"), [getattr(results[i], c) for i in ids]) for c in protection.COLUMNS})
        self.browse(ids)._governance_sql_written(protection.COLUMNS)

    def _governance_sql_written(self, fnames=None):
        """``fnames`` of ``self`` (every column when None) were just written
        by SQL (the store, the passes, filing): the cache drops them and
        what the module computes from them, and what the ORM would have
        recomputed from them follows (res.partner: its contacts' copies).
        The one hook after every SQL write of a governed record."""
        self.invalidate_recordset(None if fnames is None else [*fnames, *PROTECTION_COMPUTED])

    # -- when protection starts, restarts, changes ---------------------------
    def _governance_protection_start(self, now=None):
        """A new owner (or none): protection restarts now (PROT-1), and with
        it the FU-4 deadlines."""
        records = self._governance_governed()
        now = now or fields.Datetime.now()
        starting = {r.id: now for r in records}
        # a period starting now has no follow-ups yet: no need to ask (every
        # create, claim and dispatch comes through here)
        records._governance_store(records._governance_evaluate(starting, fu4_start_by_id=starting, followups={}))

    def _governance_protection_init(self):
        """Governance just enabled: owned records are protected since they were
        registered, counting from their owner's latest valid follow-up in the
        chatter (else their registration), so the rule applies to the history
        too; the dry run shows the effect before enabling. The FU-4 deadlines
        start now: nobody was told before. A record already past its warning
        date gets its warning from the next warning pass."""
        records = self._governance_governed()
        now = fields.Datetime.now()
        records._governance_store(records._governance_evaluate(
            {r.id: r.create_date for r in records}, history_by_id=records._governance_last_followups(),
            fu4_start_by_id={r.id: now for r in records}))

    def _governance_protection_recompute(self):
        """Policy, contacts or follow-ups changed: new dates from the same
        period and last contact."""
        records = self._governance_governed().filtered(lambda r: r.protection_state in OWNED)
        records._governance_store(records._governance_evaluate(
            {r.id: r.protected_since for r in records}, {r.id: r.last_valid_followup_at for r in records}))

    def _governance_backdate(self, moment):
        """Demo data and tests: protected since ``moment``, last valid contact
        then (the FU-4 deadlines pending are kept)."""
        records = self._governance_governed()
        records._governance_store(records._governance_evaluate(
            {r.id: moment for r in records}, {r.id: moment for r in records}))

    def _governance_awaiting_approval(self):
        """Of new records, those whose registration waits for approval, unprotected
        until then (ENTRY-3); the models with an approval say which."""
        return self.browse()

    def _governance_protection_clear(self):
        self._governance_store({r.id: protection.UNGOVERNED for r in self})

    def _governance_refresh_key_contact(self):
        """A contact was added to the record: lift the key-contact deadline."""
        self.sudo().filtered("key_contact_due_at")._governance_protection_recompute()

    def _governance_drop_reminders(self, *kinds):
        """The owner's reminders on ``self`` ("follow-up due", "no recent
        contact"): resolved by a valid follow-up, moot once released."""
        types = [self.env.ref(f"crm_governance.mail_activity_type_{kind}").id for kind in kinds]
        self.env["mail.activity"].sudo().search([
            ("res_model", "=", self._name), ("res_id", "in", self.ids), ("activity_type_id", "in", types),
        ]).unlink()

    # -- hooks into the ORM -----------------------------------------------
    def _governance_result_groups(self):
        """The fields only the module writes, in groups: :class:`ResultGroup`
        (the fields, the refusal naming those sent, whether the superuser is
        refused too). Each model adds its own groups.

        Protection dates and states (PROT-2, FU-4) come from valid follow-ups,
        the scheduled passes and the pool actions, written by SQL: refused to
        anyone, or one call could keep a record protected until 2099."""
        return [ResultGroup(PROTECTION_RESULTS, lambda env, names: env._(
            "%(fields)s cannot be written: protection dates and states follow from valid "
            "follow-ups and the section's rules only (PROT-2, FU-4).", fields=names), True)]

    def _governance_result_fields(self):
        """The fields only the module writes."""
        return frozenset().union(*(group.fields for group in self._governance_result_groups()))

    def _governance_refuse_results(self, vals_list, with_defaults=False):
        """The one refusal of the module's results in ``vals_list`` and, with
        ``with_defaults``, as ``default_<field>`` keys of the context (stock
        create and onchange add those)."""
        for group in self._governance_result_groups():
            if self.env.su and not group.superuser:
                continue
            names = forged(self.env, vals_list, group.fields, with_defaults)
            if names:
                raise UserError(group.refusal(self.env, ", ".join(sorted(self._fields[f].string for f in names))))

    @api.model
    def default_get(self, fields_list):
        # a user's own defaults (ir.default) are no way to a result either
        results = self._governance_result_fields()
        return {name: value for name, value in super().default_get(fields_list).items() if name not in results}

    # -- steps of the pipeline (crm_governance_record_mixin.py) ------------------
    def _governance_refuse_forged(self, change):
        # a create's defaults (context, ir.default) are a way to the results too
        self._governance_refuse_results(change.all_vals, with_defaults=change.vals_list is not None)

    def _governance_protect_new(self, change):
        """New records of governed sections: protection starts, except for
        a registration waiting for approval (ENTRY-3); the ledger's first row."""
        (self - self._governance_awaiting_approval())._governance_protection_start()
        governed = self._governance_governed()
        if governed:
            self.env["crm.governance.ledger"]._log(
                governed, ownership.REGISTER, {r.id: (False, False) for r in governed})

    def _governance_refuse_owner_change(self, change):
        """In a governed section, the owner changes only through the door
        (``_governance_set_owner``, with its reason as a ``Trusted`` value),
        and only to the section's people within their cap (PROT-5)."""
        if "user_id" not in change.fields:
            return
        new_owner = self.env["res.users"].browse(as_id(change.vals["user_id"]) or [])
        governed = self.sudo().filtered(lambda r: r.user_id != new_owner)._governance_governed()
        if governed and not self.env.su:
            # first the caller's rights: a refusal below must not tell an
            # outsider anything about records they cannot write (SEC-4)
            self.check_access("write")
        reason = trusted(self.env, "governance_change")
        if governed and not reason and not self.env.su:
            raise UserError(_(
                "In a governed section the owner of a record changes only through Claim, Release, Dispatch "
                "or Reassign, which check the section's rules and log who did it and why (PROT-5, PROT-7)."))
        if governed and new_owner and not self.env.su:
            self._governance_check_new_owner(governed, new_owner)
        change.owner = {"user": new_owner, "governed": governed,
                        "reason": reason or (ownership.REASSIGN if new_owner else ownership.RELEASE, False)}

    def _governance_follow_section(self, change):
        """Records whose section changed without a new owner: protection
        starts, follows the new section's rules, or ends (PROT-2)."""
        if change.owner or not {"section_id", "team_id"} & change.fields:
            return
        moved = self.sudo().filtered(lambda r: r.id in change.before and r.section_id.id != change.before[r.id].section)
        if moved:
            moved._governance_after_section_change()

    def _governance_finish_owner_change(self, change):
        if not change.owner:
            return
        governed = change.owner["governed"].exists()
        if governed:
            old = {rid: (before.owner, before.section) for rid, before in change.before.items()}
            # the previous owner's reminders go with the record
            governed._governance_drop_reminders("followup_due", "no_contact")
            governed._governance_protection_start()
            reason, note = change.owner["reason"]
            # a move's owner change: the owners and sections before the move (one row)
            moved_from = trusted(self.env, "governance_ledger_old") or {}
            self.env["crm.governance.ledger"]._log(governed, reason, {**old, **moved_from}, note)
            # a validity query about the previous owner's hold is moot now (FU-6)
            self.env["crm.governance.validity.query"]._governance_close_moot(governed)
            # the previous owner, and whoever may no longer read it, stop following it; the new
            # owner follows it (also where stock's auto-subscription is off: imports, tests) (SEC-4)
            governed._governance_prune_followers(leaving={rid: owner for rid, (owner, _section) in old.items()})
            if change.owner["user"]:
                governed.sudo()._message_subscribe(partner_ids=change.owner["user"].partner_id.ids)
        # a record that only now got a (governed) section through its new owner
        self.sudo()._governance_governed().filtered(lambda r: not r.protection_state)._governance_protection_start()

    def _governance_refuse_unlink(self, change):
        self._governance_check_caller("unlink")
        governed = self.sudo()._governance_governed()
        if governed and not self.env.su and not trusted(self.env, "governance_merging"):
            # only the section's admins delete its records; others archive what they may write (SEC-2)
            admin_of = self.env.user.sudo().governance_unlink_section_ids
            outside = governed.filtered(lambda r: r.section_id not in admin_of)
            if outside:
                raise AccessError(_(
                    "Only an admin of section %(section)s deletes its leads and customer accounts; archive the "
                    "record instead (SEC-2).", section=outside[0].section_id.display_name))

    def _governance_log_deleted(self, change):
        # the record goes; its ledger rows and follow-ups stay, detached and
        # named (ondelete set null), with a last row saying who deleted it.
        # (A duplicate merged away: the survivor's merge row says so.)
        governed = self.sudo()._governance_governed()
        if governed and not trusted(self.env, "governance_merging"):
            self.env["crm.governance.ledger"]._log(
                governed, ownership.DELETED, {r.id: (r.user_id.id, r.section_id.id) for r in governed})
            # its registration stays held until an admin frees it (SEC-2, ENTRY-2)
            self.env["crm.governance.deleted.registration"]._governance_keep(governed._governance_registers())

    def _governance_held_domain(self):
        """The records that count against an owner's cap (PROT-5)."""
        return [("protection_state", "in", OWNED)]

    def _governance_after_section_change(self):
        governed = self._governance_governed()
        governed.filtered(lambda r: not r.protection_state)._governance_protection_start()
        governed.filtered("protection_state")._governance_protection_recompute()
        (self - governed).filtered("protection_state")._governance_protection_clear()

    def _governance_check_new_owner(self, records, user):
        """Inside a governed section, records go only to its people, within
        their cap (PROT-5); never to a frozen user (SEC-5)."""
        for section, recs in records.grouped("section_id").items():
            people = section._governance_people()
            if user not in people or user.sudo().governance_frozen:
                raise UserError(_(
                    "%(user)s is not a salesperson of section %(section)s: records of a section "
                    "go only to its own people (PROT-5).", user=user.name, section=section.display_name))
            held = self.sudo().search_count([
                ("section_id", "=", section.id), ("user_id", "=", user.id)] + self._governance_held_domain())
            if protection.over_cap(held, section.claim_cap, len(recs)):
                raise UserError(_(
                    "%(user)s already holds %(held)s protected records in section %(section)s; "
                    "the cap is %(cap)s (PROT-5).", user=user.name, held=held,
                    section=section.display_name, cap=section.claim_cap))
