import functools
from collections import defaultdict

from dateutil.relativedelta import relativedelta

from psycopg2.errors import LockNotAvailable

from markupsafe import Markup

from odoo import SUPERUSER_ID, _, api, fields, models
from odoo.exceptions import AccessError, MissingError, UserError
from odoo.tools import SQL
from odoo.tools.mail import generate_tracking_message_id

from ..policy import followups as fu
from ..policy import protection
from .crm_governance_followup import message_text
from .crm_governance_ledger import RECORD_FIELD
from .trusted import Trusted, as_id, context_defaults, trusted

PROTECTION_STATES = [
    ("protected", "Protected"),
    ("warning", "No Recent Contact"),
    ("pooled", "Public Pool"),
]
OWNED = ("protected", "warning")
# written by the module only, by SQL (see _governance_refuse_protection_vals)
PROTECTION_FIELDS = frozenset((
    "protection_state", "protected_since", "last_valid_followup_at", "warn_at", "release_at",
    "invalid_followup_count", "first_valid_due_at", "key_contact_due_at", "invalid_followups_at",
    "invalid_since"))


def governance_access_error(env, model):
    """The one refusal for a record the caller may not reach, whether it
    belongs to another section, to nobody they may see, or does not exist:
    it names no record, owner or id (SEC-4)."""
    description = env["ir.model"]._get(model).name or model
    return AccessError(env._(
        "You cannot reach the requested %(model)s record(s): they do not exist, or they belong to "
        "someone or somewhere you may not see (SEC-4).", model=description))


class CrmGovernanceProtectionMixin(models.AbstractModel):
    """Protection period (保护期) and public pool (公海), PROT-1 … PROT-5.

    A record of a governed section with an owner is protected; each valid
    follow-up by the owner pushes its warning and release dates forward; the
    scheduled actions warn the owner, then release the record to the pool,
    where any salesperson of the section may claim it. Every change of owner
    goes through ``write`` and leaves a ledger row (PROT-7).
    """
    _name = "crm.governance.protection.mixin"
    _description = "CRM Protection Period"

    protection_state = fields.Selection(
        PROTECTION_STATES, string="Protection", index="btree_not_null", readonly=True, copy=False)
    protected_since = fields.Datetime(string="Protected Since", readonly=True, copy=False)
    last_valid_followup_at = fields.Datetime(string="Last Valid Follow-up", readonly=True, copy=False)
    warn_at = fields.Datetime(string="Warning On", readonly=True, copy=False, index="btree_not_null")
    release_at = fields.Datetime(string="Release On", readonly=True, copy=False, index="btree_not_null")
    protection_days_left = fields.Integer(string="Days Left", compute="_compute_protection_days_left")
    protection_badge = fields.Char(string="Protection Status", compute="_compute_protection_days_left")
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
    governance_invalid_protection = fields.Boolean(
        string="Invalid Protection", compute="_compute_governance_invalid_protection",
        search="_search_governance_invalid_protection")
    governance_invalid_reason = fields.Char(
        string="Why Protection Is Invalid", compute="_compute_governance_invalid_protection")
    governance_followup_count = fields.Integer(
        string="Follow-ups", compute="_compute_governance_followup_count")

    @api.depends("release_at", "protection_state", "invalid_since")
    def _compute_protection_days_left(self):
        now = fields.Datetime.now()
        for rec in self:
            left = protection.days_left(rec.release_at, now)
            rec.protection_days_left = left
            if rec.protection_state == "pooled":
                rec.protection_badge = _("Public pool")
            elif rec.protection_state and rec.invalid_since and rec.invalid_since <= now:
                rec.protection_badge = _("Invalid protection")
            elif rec.protection_state:
                rec.protection_badge = _("%s days left", left)
            else:
                rec.protection_badge = False

    def _governance_claimed_by_me_ids(self):
        field = RECORD_FIELD[self._name]
        month_start = fields.Date.context_today(self).replace(day=1)
        rows = self.env["crm.governance.ledger"].sudo().search_read(
            [("reason", "=", "claim"), ("new_user_id", "=", self.env.uid),
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

    @api.depends("invalid_since", "invalid_followups_at", "first_valid_due_at", "key_contact_due_at",
                 "protection_state")
    def _compute_governance_invalid_protection(self):
        now = fields.Datetime.now()
        for rec in self:
            invalid = bool(rec.protection_state in OWNED and rec.invalid_since and rec.invalid_since <= now)
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
        domain = [("protection_state", "in", OWNED), ("invalid_since", "<=", fields.Datetime.now())]
        return domain if (operator == "=") == value else ["!", "&"] + domain

    def _compute_governance_followup_count(self):
        self._governance_count("crm.governance.followup", "governance_followup_count")

    # -- follow-ups (FU-1 … FU-4) ------------------------------------------
    def _governance_contacts(self):
        """The customer's contacts a follow-up may name (FU-1)."""
        return self.env["res.partner"]

    def _governance_contact_names(self):
        return tuple(n for n in self._governance_contacts().mapped("name") if n and len(n) >= 2)

    @api.model
    def _governance_key_contact_sql(self):
        """Condition (alias ``r``) for records that have a key contact (关键联系人)."""
        return SQL("EXISTS (SELECT 1 FROM res_partner c WHERE c.parent_id = r.id AND c.active AND NOT c.is_company)")

    def _governance_key_contact_ids(self):
        if not self:
            return set()
        self.flush_recordset()
        self.env.cr.execute(SQL("SELECT r.id FROM %s r WHERE r.id = ANY(%s) AND %s",
                                SQL.identifier(self._table), self.ids, self._governance_key_contact_sql()))
        return {r[0] for r in self.env.cr.fetchall()}

    def _governance_followup_channel(self, message):
        if message.mail_activity_type_id:
            activity_type = message.mail_activity_type_id
            if activity_type.category == "phonecall":
                return "phone"
            if activity_type.category == "meeting":
                return "meeting"
            if activity_type == self.env.ref("mail.mail_activity_data_email", raise_if_not_found=False):
                return "email"
            return "other"
        return "other" if message.subtype_id.internal else "email"

    def _governance_followup_posted(self, message):
        """Called by the models' ``_message_post_after_hook`` (mail.thread's
        own hook ends the chain before an abstract mixin would be reached):
        notes, messages and completed activities by internal users become
        follow-ups, judged by the same rules as logged ones (FU-1)."""
        if trusted(self.env, "governance_followup_logged") or message.model != self._name:
            return
        if message.author_id and message.author_id == self.env.user.partner_id:
            author = self.env.user
        else:
            author = message.author_id.user_ids[:1] if message.author_id else self.env["res.users"]
        if not author or author.share or author._is_superuser():
            return
        done = trusted(self.env, "governance_activity_feedback")
        if message.mail_activity_type_id and done is not None:
            source, text = "activity", done or ""
        elif message.message_type == "comment":
            source = "note" if message.subtype_id.internal else "message"
            text = message_text(message.body)
            if not text:
                # a file sent without a word is not a follow-up, valid or not
                return
        else:
            return
        self.env["crm.governance.followup"]._governance_record(self, {
            "author_id": author.id, "content": text, "source": source,
            "channel": self._governance_followup_channel(message),
            "activity_type_id": message.mail_activity_type_id.id,
        }, message=message)

    def _governance_renewal_due(self, now):
        """Does a valid follow-up at ``now`` renew the protection of ``self``?
        Once a day is enough: deadlines are counted in days, and a renewal
        rewrites every index of the record's row. Never once protection has
        run out or become invalid (see ``protection.overdue``)."""
        if protection.overdue(self.release_at, self.invalid_since, now):
            return False
        return (self.protection_state == "warning" or bool(self.first_valid_due_at)
                or not self.last_valid_followup_at
                or self.last_valid_followup_at <= fields.Datetime.subtract(now, days=1))

    def _governance_followup_counted(self, valid, was_warned):
        """After ``crm_governance_record_followup`` ran: caches, and the owner's
        "no recent contact" activity resolved by a valid follow-up."""
        self._governance_invalidate()
        if valid and was_warned:
            self._governance_drop_warnings()

    def _governance_last_followups(self):
        """When governance is enabled, the latest owner note or completed
        activity in the chatter that the FU-2 rules would count, per record:
        history written before the module (or before the section was
        governed) has no follow-up records, and clocks start from it."""
        if not self:
            return {}
        self.env["mail.message"].flush_model(["model", "res_id", "author_id", "message_type",
                                              "mail_activity_type_id", "date", "body"])
        self.flush_recordset(["user_id"])
        self.env.cr.execute(SQL(
            """SELECT r.id, r.section_id, m.date, m.body FROM %(table)s r
                 JOIN res_users u ON u.id = r.user_id
                 JOIN mail_message m ON m.model = %(model)s AND m.res_id = r.id
                                    AND m.author_id = u.partner_id
                                    AND (m.message_type = 'comment' OR m.mail_activity_type_id IS NOT NULL)
                WHERE r.id = ANY(%(ids)s) ORDER BY r.id, m.date""",
            table=SQL.identifier(self._table), model=self._name, ids=self.ids))
        rules = {}
        last, seen = {}, {}
        for rid, section_id, date, body in self.env.cr.fetchall():
            if section_id not in rules:
                rules[section_id] = self.env["crm.governance.section"]._governance_followup_settings(section_id).rules
            text = message_text(body)
            earlier = seen.setdefault(rid, set())
            if not fu.judge(text, rules[section_id], earlier=earlier):
                last[rid] = date
            earlier.add(fu.content_key(text))
        return last

    # -- state maintenance (set-wise) -------------------------------------
    def _governance_governed(self):
        return self.filtered(lambda r: r.section_id.governance_enabled)

    _GOVERNANCE_COLUMNS = tuple(sorted(PROTECTION_FIELDS))

    def _governance_store(self, rows):
        """Write protection columns for many records in one UPDATE. ``rows``:
        iterable of (id, state, since, last, warn_at, release_at, invalid
        count, first valid due, key contact due, invalid limit reached)."""
        rows = list(rows)
        if not rows:
            return
        cols = list(zip(*rows))
        self.env.cr.execute(SQL(
            """UPDATE %(table)s AS r SET protection_state = v.state, protected_since = v.since,
                      last_valid_followup_at = v.last, warn_at = v.warn, release_at = v.release,
                      invalid_followup_count = v.invalid, first_valid_due_at = v.first_due,
                      key_contact_due_at = v.key_due, invalid_followups_at = v.flagged,
                      invalid_since = LEAST(v.first_due, v.key_due, v.flagged)
                 FROM unnest(%(ids)s::int[], %(states)s::varchar[], %(since)s::timestamp[],
                             %(last)s::timestamp[], %(warn)s::timestamp[], %(release)s::timestamp[],
                             %(invalid)s::int[], %(first_due)s::timestamp[], %(key_due)s::timestamp[],
                             %(flagged)s::timestamp[])
                      AS v(id, state, since, last, warn, release, invalid, first_due, key_due, flagged)
                WHERE r.id = v.id""",
            table=SQL.identifier(self._table), ids=list(cols[0]), states=list(cols[1]),
            since=list(cols[2]), last=list(cols[3]), warn=list(cols[4]), release=list(cols[5]),
            invalid=list(cols[6]), first_due=list(cols[7]), key_due=list(cols[8]), flagged=list(cols[9])))
        self.browse(cols[0])._governance_invalidate()

    def _governance_invalidate(self):
        """The protection columns were written by SQL: drop them from the
        cache, and the computed badge and flags that read them."""
        self.invalidate_recordset(list(self._GOVERNANCE_COLUMNS) + [
            "protection_days_left", "protection_badge", "governance_invalid_protection",
            "governance_invalid_reason"])

    def _governance_rows(self, since_by_id, last_by_id, new_period=False, clock_by_id=None, facts=None):
        """Rows for ``_governance_store``: owned records protected from their
        last valid contact, unowned ones in the pool.

        ``since_by_id``: start of the protection period; ``last_by_id``: the
        last valid contact known outside the follow-up records (the start
        itself, or chatter history); the owner's follow-ups of the period
        come from the follow-up records (``facts`` when the caller knows). ``new_period``: the FU-4 deadlines
        start now (``clock_by_id`` or the period start); otherwise pending
        ones are kept, and lifted by a valid follow-up or a key contact.
        """
        rows = []
        records = self.sudo()
        owned = records.filtered("user_id")
        if facts is None:
            facts = self.env["crm.governance.followup"]._governance_facts(owned, since_by_id)
        key_contacts = owned._governance_key_contact_ids()
        by_section = defaultdict(list)
        for rec in records:
            by_section[rec.section_id].append(rec)
        now = fields.Datetime.now()
        for section, recs in by_section.items():
            policy = section._governance_policy()
            calendar = section._governance_calendar(
                min((last_by_id.get(r.id) or now) for r in recs),
                max(policy.release_days, section.first_followup_days))
            limit = section.invalid_followup_limit
            for rec in recs:
                if not rec.user_id:
                    rows.append((rec.id, "pooled", None, None, None, None, 0, None, None, None))
                    continue
                since = since_by_id.get(rec.id) or now
                last_valid, invalid_dates = facts.get(rec.id, (None, []))
                last = max(filter(None, (last_by_id.get(rec.id), since, last_valid)))
                warn_at, release_at = protection.deadlines(last, policy, calendar)
                state = "warning" if warn_at <= now and rec.protection_state == "warning" else "protected"
                flagged = invalid_dates[limit - 1] if limit and len(invalid_dates) >= limit else None
                if new_period:
                    clock = (clock_by_id or {}).get(rec.id) or since
                    valid_seen = last_valid or (last_by_id.get(rec.id) and last_by_id[rec.id] != since)
                    first_due = protection.add_days(clock, section.first_followup_days, policy.unit, calendar) \
                        if section.first_followup_days and not valid_seen else None
                    key_due = clock + relativedelta(months=section.key_contact_months) \
                        if section.key_contact_months and rec.id not in key_contacts else None
                else:
                    first_due = rec.first_valid_due_at if section.first_followup_days and not last_valid else None
                    key_due = rec.key_contact_due_at \
                        if section.key_contact_months and rec.id not in key_contacts else None
                rows.append((rec.id, state, since, last, warn_at, release_at, len(invalid_dates),
                             first_due, key_due, flagged))
        return rows

    def _governance_protection_start(self, now=None):
        """A new owner (or none): protection restarts now (PROT-1), and with
        it the FU-4 deadlines."""
        records = self._governance_governed()
        now = now or fields.Datetime.now()
        # a period starting now has no follow-ups yet: no need to ask (every
        # create, claim and dispatch comes through here)
        records._governance_store(records._governance_rows(
            {r.id: now for r in records}, {r.id: now for r in records}, new_period=True, facts={}))

    def _governance_protection_init(self):
        """Governance just enabled: owned records are protected since they were
        registered, counting from their owner's latest valid follow-up in the
        chatter (else their registration), so the rule applies to the history
        too; the dry run shows the effect before enabling. The FU-4 deadlines
        start now: nobody was told before."""
        records = self._governance_governed()
        last = records._governance_last_followups()
        now = fields.Datetime.now()
        rows = records._governance_rows(
            {r.id: r.create_date for r in records}, last, new_period=True, clock_by_id={r.id: now for r in records})
        # nobody has been warned yet: a record already past its warning date
        # gets its warning from the next warning pass
        records._governance_store(rows)

    def _governance_protection_recompute(self):
        """Policy changed: new dates from the same last contact."""
        records = self._governance_governed().filtered(lambda r: r.protection_state in OWNED)
        records._governance_store(records._governance_rows(
            {r.id: r.protected_since for r in records}, {r.id: r.last_valid_followup_at for r in records}))

    def _governance_protection_clear(self):
        self._governance_store((r.id, None, None, None, None, None, 0, None, None, None) for r in self)

    def _governance_refresh_key_contact(self):
        """A contact was added to the record: lift the key-contact deadline."""
        self.sudo().filtered("key_contact_due_at")._governance_protection_recompute()

    def _governance_drop_warnings(self):
        """The owner's "no recent contact" activities of ``self``: resolved by
        a follow-up, moot once the record is released."""
        self.env["mail.activity"].sudo().search([
            ("res_model", "=", self._name), ("res_id", "in", self.ids),
            ("activity_type_id", "=", self.env.ref("crm_governance.mail_activity_type_no_contact").id),
        ]).unlink()

    # -- hooks into the ORM -----------------------------------------------
    def _governance_refuse_protection_vals(self, vals_list, with_defaults=False):
        """Protection dates and states are the module's own results (PROT-2,
        FU-4): valid follow-ups, the scheduled passes and the pool actions
        write them by SQL. An ORM write of any of them, by anyone, is refused,
        and so is a ``default_<field>`` in the context (stock create and
        onchange add those): otherwise one call could keep a record
        protected until 2099."""
        defaults = set(context_defaults(self.env)) if with_defaults else set()
        for vals in vals_list:
            forged = PROTECTION_FIELDS.intersection(set(vals) | defaults)
            if forged:
                raise UserError(_(
                    "%(fields)s cannot be written: protection dates and states follow from valid "
                    "follow-ups and the section's rules only (PROT-2, FU-4).",
                    fields=", ".join(sorted(self._fields[f].string for f in forged))))

    @api.model_create_multi
    def create(self, vals_list):
        self._governance_refuse_protection_vals(vals_list, with_defaults=True)
        # the section mixin (inside) checked the registration: caller's rights,
        # the owner's membership and cap (_governance_check_registered)
        records = super().create(vals_list)
        governed = records._governance_governed()
        records._governance_protection_start()
        if governed:
            self.env["crm.governance.ledger"]._log(governed, "register", {r.id: (False, False) for r in governed})
        return records

    def write(self, vals):
        self._governance_refuse_protection_vals([vals])
        if "user_id" not in vals:
            moved_before = {r.id: r.section_id for r in self.sudo()} if "section_id" in vals or "team_id" in vals else {}
            res = super().write(vals)
            moved = self.sudo().filtered(lambda r: r.id in moved_before and r.section_id != moved_before[r.id])
            if moved:
                moved._governance_after_section_change()
            return res
        new_owner = self.env["res.users"].browse(as_id(vals["user_id"]) or [])
        old = {r.id: (r.user_id.id, r.section_id.id) for r in self.sudo()}
        changing = self.sudo().filtered(lambda r: r.user_id != new_owner)
        governed = changing._governance_governed()
        if governed and not self.env.su:
            # first the caller's rights: a refusal below must not tell an
            # outsider anything about records they cannot write (SEC-4)
            self.check_access("write")
        change = trusted(self.env, "governance_change")
        if governed and not change and not self.env.su:
            raise UserError(_(
                "In a governed section the owner of a record changes only through Claim, Release, Dispatch "
                "or Reassign, which check the section's rules and log who did it and why (PROT-5, PROT-7)."))
        if governed and new_owner and not self.env.su:
            self._governance_check_new_owner(governed, new_owner)
        res = super().write(vals)
        governed = governed.exists()
        if governed:
            governed._governance_protection_start()
            reason, note = change or ("reassign" if new_owner else "release", False)
            self.env["crm.governance.ledger"]._log(governed, reason, old, note)
        # a record that only now got a (governed) section through its new owner
        self.sudo()._governance_governed().filtered(lambda r: not r.protection_state)._governance_protection_start()
        return res

    def unlink(self):
        # the record goes; its ledger rows and follow-ups stay, detached and
        # named (ondelete set null), with a last row saying who deleted it
        if not self._governance_active():
            return super().unlink()
        self._governance_check_caller("unlink")
        governed = self.sudo()._governance_governed()
        if governed:
            self.env["crm.governance.ledger"]._log(
                governed, "deleted", {r.id: (r.user_id.id, r.section_id.id) for r in governed})
        return super().unlink()

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
                ("section_id", "=", section.id), ("user_id", "=", user.id),
                ("protection_state", "in", OWNED)])
            if held + len(recs) > section.claim_cap:
                raise UserError(_(
                    "%(user)s already holds %(held)s protected records in section %(section)s; "
                    "the cap is %(cap)s (PROT-5).", user=user.name, held=held,
                    section=section.display_name, cap=section.claim_cap))

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

    def _governance_check_distributor(self):
        """Dispatching and reassigning (分配) belong to the heads and admins of
        the records' section (SEC-2); said without naming any record."""
        if self.env.su:
            return
        allowed = self.env.user.sudo().governance_write_section_ids
        if any(rec.section_id not in allowed for rec in self.sudo()):
            raise AccessError(_("Only a head or admin of the records' section may dispatch or reassign "
                                "them (SEC-2, PROT-5)."))

    @api.model
    def _governance_user_arg(self, user):
        """A user handed to an action: a record, or an id over JSON-RPC."""
        if isinstance(user, models.BaseModel):
            user = user.id
        if not isinstance(user, int) or isinstance(user, bool) or user <= 0:
            raise UserError(_("Field 'Salesperson' is required: choose the salesperson who gets the "
                              "records (PROT-5)."))
        user = self.env["res.users"].sudo().browse(user).exists()
        if not user:
            raise UserError(_("Field 'Salesperson': no such user (PROT-5)."))
        return user.sudo(False)

    def _check_access(self, operation):
        """Stock Odoo answers an id that does not exist with MissingError (or
        silently, on read) and another section's record with AccessError,
        naming it in debug mode: together an oracle for which ids exist and
        what they are called. Both get the same refusal here (SEC-4)."""
        if self.env.su or not any(self._ids):
            return super()._check_access(operation)
        try:
            result = super()._check_access(operation)
            forbidden = result[0] if result else self.browse()
        except MissingError:
            existing = self.exists()
            result = super(CrmGovernanceProtectionMixin, existing)._check_access(operation)
            forbidden = (self - existing) + (result[0] if result else self.browse())
        if forbidden:
            return forbidden, functools.partial(governance_access_error, self.env, self._name)
        return None

    @api.private
    def exists(self):
        # callable over JSON-RPC otherwise: a list of which ids exist (SEC-4)
        return super().exists()

    @api.private
    def fetch(self, field_names):
        # silent for missing ids, a refusal for foreign ones: an oracle over RPC
        return super().fetch(field_names)

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
        self._governance_refuse_protection_vals([{}], with_defaults=True)
        current = self.sudo()[:1]
        self._governance_check_links([{
            fname: values[fname] for fname in self._governance_link_fields
            if fname in values and not (current and as_id(values[fname]) == current[fname].id)}])
        return super().onchange(values, field_names, fields_spec)

    def _governance_section(self):
        """The section whose rules reach this record."""
        return self.section_id

    def read(self, fields=None, load="_classic_read"):
        if not self.env.su and self._ids and self._governance_active() and len(self.exists()) != len(self):
            # stock read skips deleted ids without a word (see _check_access)
            raise governance_access_error(self.env, self._name)
        return super().read(fields, load=load)

    # -- public pool (PROT-5) ---------------------------------------------
    def _governance_lock(self):
        """Lock the rows, then re-read them: the first claim wins exactly once."""
        try:
            with self.env.cr.savepoint(flush=False):
                self.env.cr.execute(SQL("SELECT id FROM %s WHERE id = ANY(%s) FOR NO KEY UPDATE NOWAIT",
                                        SQL.identifier(self._table), self.ids))
        except LockNotAvailable:
            # no names: the caller may be racing for records it cannot read yet
            raise UserError(_("Someone else is taking these records at this very moment; refresh the "
                              "pool (PROT-5).")) from None
        self.invalidate_recordset()

    def action_governance_claim(self):
        """Claim (领取) pooled records of one's own section."""
        self._governance_check_caller("read")
        user = self.env.user
        records = self.sudo()
        records._governance_lock()
        now = fields.Datetime.now()
        Ledger = self.env["crm.governance.ledger"].sudo()
        field = RECORD_FIELD[self._name]
        for section, recs in records.grouped("section_id").items():
            if user not in section._governance_people():
                # said without any name: an outsider learns nothing of another
                # section's records (SEC-4)
                raise UserError(_("You may only claim pool records of your own sections (PROT-5)."))
            for rec in recs:
                if rec.protection_state != "pooled" or not section.governance_enabled:
                    # readable to the caller (checked above): their own, or a head's view
                    raise UserError(_(
                        "%(record)s is not in the public pool: %(owner)s holds it since %(since)s (PROT-5).",
                        record=rec.display_name, owner=rec.user_id.name or _("nobody"),
                        since=rec.protected_since and fields.Datetime.to_string(rec.protected_since) or "-"))
            held = records.search_count([("section_id", "=", section.id), ("user_id", "=", user.id),
                                         ("protection_state", "in", OWNED)])
            start_of_day = fields.Datetime.to_datetime(fields.Date.context_today(self))
            claimed_today = Ledger.search_count([("author_id", "=", user.id), ("reason", "=", "claim"),
                                                 ("date", ">=", start_of_day)])
            lost = dict(Ledger._read_group(
                [(field, "in", recs.ids), ("old_user_id", "=", user.id),
                 ("reason", "in", ("expired", "invalid", "release", "reassign", "validity_query"))],
                [field], ["date:max"]))
            for rec in recs:
                refusal = protection.claim_refusal(
                    pooled=True, member=user in section._governance_people(),
                    held=held, cap=section.claim_cap, claiming=len(recs), lost_at=lost.get(rec),
                    cooldown_days=section.reclaim_cooldown_days, now=now,
                    claimed_today=claimed_today, daily_limit=section.daily_claim_limit)
                if refusal:
                    raise UserError(self._governance_claim_message(refusal, rec, section, held, lost.get(rec)))
            # a salesperson cannot write a pooled record: the checks above are the rule
            recs._governance_set_owner(user, "claim")
        return True

    def _governance_claim_message(self, refusal, rec, section, held, lost_at):
        if refusal == protection.NOT_MEMBER:
            return _("Only salespeople of section %(section)s may claim its pool records (PROT-5).",
                     section=section.display_name)
        if refusal == protection.OVER_CAP:
            return _("You already hold %(held)s protected records in section %(section)s; the cap is "
                     "%(cap)s (PROT-5).", held=held, section=section.display_name, cap=section.claim_cap)
        if refusal == protection.COOLDOWN:
            return _("You lost %(record)s on %(date)s: you may claim it again %(days)s days after that "
                     "(PROT-5).", record=rec.display_name, date=fields.Date.to_string(lost_at),
                     days=section.reclaim_cooldown_days)
        return _("You may claim at most %(limit)s pool records per day in section %(section)s (PROT-5).",
                 limit=section.daily_claim_limit, section=section.display_name)

    def _governance_set_owner(self, user, reason, note=False):
        """Give ``self`` (locked and checked by the caller) to ``user`` (or to
        nobody: the pool), with the ledger's reason: the one way the module
        changes an owner. The reason travels as a :class:`Trusted` value, so
        a JSON-RPC caller cannot dress up a plain write as a claim."""
        self.with_context(governance_change=Trusted((reason, note or False)))._governance_write_owner(user)

    def _governance_write_owner(self, user):
        self.write({"user_id": user.id})

    def action_governance_release(self, note):
        """The owner gives records back to the pool, with a reason."""
        self._governance_check_caller("write")
        if not isinstance(note, str) or not note.strip():
            raise UserError(_("Field 'Reason' is required to release a record to the pool (PROT-5)."))
        not_mine = self.filtered(lambda r: r.user_id != self.env.user)
        if not_mine:
            not_mine._governance_check_distributor()
        self._governance_lock()
        self.sudo()._governance_set_owner(self.env["res.users"], "release", note.strip())
        return True

    def action_governance_dispatch(self, user, note=False):
        """Distribute (分配) records of one's section to one of its salespeople:
        pool records (分单), records whose protection is invalid (无效保护,
        FU-4), and, with a reason, protected records (reassignment) (SEC-2)."""
        self._governance_check_caller("write")
        self._governance_check_distributor()
        user = self._governance_user_arg(user)
        self._governance_lock()
        invalid = self.filtered("governance_invalid_protection")
        pooled = self.filtered(lambda r: r.protection_state == "pooled")
        protected = self - invalid - pooled
        if protected and not (isinstance(note, str) and note.strip()):
            raise UserError(_("%(records)s is not in the public pool, and its protection is valid: give a "
                              "reason to reassign it (PROT-5, FU-4).",
                              records=", ".join(protected.mapped("display_name"))))
        pooled._governance_set_owner(user, "dispatch")
        # an invalid-protection record goes straight to its new owner (无效保护, FU-4)
        invalid._governance_set_owner(user, "invalid", self.env._("Reassigned: invalid protection (FU-4)."))
        if protected:
            protected._governance_set_owner(user, "reassign", note.strip())
        return True

    def action_governance_log_followup(self):
        """Open the "Log Follow-up / 记录跟进" dialog (FU-1)."""
        self.ensure_one()
        # posting on a record is writing to it, as in stock Odoo's chatter
        self._governance_check_caller("write")
        context = {"active_model": self._name, "active_id": self.id, "active_ids": self.ids}
        if self.env.context.get("default_supplement_of_id"):
            context["default_supplement_of_id"] = self.env.context["default_supplement_of_id"]
        return {
            "type": "ir.actions.act_window", "name": _("Log Follow-up"), "res_model": "crm.governance.followup.log",
            "view_mode": "form", "views": [(False, "form")], "target": "new", "context": context,
        }

    def _governance_rows_action(self, xmlid):
        """``xmlid``'s list (ledger, follow-ups) narrowed to this record."""
        self.ensure_one()
        self._governance_check_caller("read")
        action = self.env["ir.actions.act_window"]._for_xml_id(xmlid)
        action.update(domain=[(RECORD_FIELD[self._name], "=", self.id)], context={})
        return action

    def action_view_governance_followups(self):
        return self._governance_rows_action("crm_governance.crm_governance_followup_action")

    def action_view_governance_ledger(self):
        return self._governance_rows_action("crm_governance.crm_governance_ledger_action")

    # -- scheduled passes (set-wise, called by crm.governance.section) -----
    def _governance_name_column(self):
        """The stored column that names a record in ledger rows."""
        return "name"

    def _governance_due_sql(self):
        """Extra condition on due records of this model (alias ``r``)."""
        return SQL("r.active")

    @api.model
    def _governance_due_ids(self, kind, now, limit, after_id=0):
        states = ("protected",) if kind == "warning" else OWNED
        # FU-4: the release pass treats invalid protection as expired
        due = SQL("r.warn_at <= %s", now) if kind == "warning" else \
            SQL("(r.release_at <= %s OR r.invalid_since <= %s)", now, now)
        self.env.cr.execute(SQL(
            """SELECT r.id FROM %(table)s r JOIN crm_governance_section s ON s.id = r.section_id
                WHERE s.governance_enabled AND r.protection_state IN %(states)s AND %(due)s
                  AND r.user_id IS NOT NULL AND %(extra)s AND r.id > %(after)s
                ORDER BY r.id LIMIT %(limit)s""",
            table=SQL.identifier(self._table), states=states, due=due,
            extra=self._governance_due_sql(), limit=limit or None, after=after_id))
        return [r[0] for r in self.env.cr.fetchall()]

    def _governance_log_notes(self, bodies):
        """Log one internal note per record, by OdooBot, as ``_message_log_batch``
        would, in a single INSERT. ``bodies``: record id -> plain text."""
        if not bodies:
            return
        ids = list(bodies)
        html = [str(Markup("<p>%s</p>") % bodies[i]) for i in ids]
        self.env.cr.execute(SQL(
            """INSERT INTO mail_message (model, res_id, body, message_type, subtype_id, author_id, email_from,
                                         is_internal, email_add_signature, reply_to_force_new, message_id,
                                         date, create_uid, create_date, write_uid, write_date)
               SELECT %(model)s, v.res_id, v.body, 'notification', %(subtype)s, %(author)s, %(email)s,
                      true, false, false, v.message_id, now() at time zone 'UTC', %(uid)s,
                      now() at time zone 'UTC', %(uid)s, now() at time zone 'UTC'
                 FROM unnest(%(ids)s::int[], %(bodies)s::text[], %(message_ids)s::varchar[])
                      AS v(res_id, body, message_id)""",
            model=self._name, subtype=self.env["ir.model.data"]._xmlid_to_res_id("mail.mt_note"),
            author=self.env.ref("base.partner_root").id,
            email=self.env.ref("base.partner_root").email_formatted or None, uid=self.env.uid,
            ids=ids, bodies=html, message_ids=[generate_tracking_message_id("message-notify") for _ in ids]))
        self.browse(ids).invalidate_recordset(["message_ids"])

    def _governance_warn(self, now):
        """Warning pass on ``self``: protected → warning, one activity for the
        owner. The state change is the guard: a record is warned once per
        crossing, whatever reruns happen."""
        self.env.cr.execute(SQL(
            """UPDATE %(table)s SET protection_state = 'warning'
                WHERE id = ANY(%(ids)s) AND protection_state = 'protected' AND warn_at <= %(now)s
                RETURNING id""", table=SQL.identifier(self._table), ids=self.ids, now=now))
        warned = self.browse([r[0] for r in self.env.cr.fetchall()])
        warned.invalidate_recordset(["protection_state"])
        activity_type = self.env.ref("crm_governance.mail_activity_type_no_contact")
        model_id = self.env["ir.model"]._get_id(self._name)
        vals_list = []
        for rec in warned:
            days = (now - rec.last_valid_followup_at).days if rec.last_valid_followup_at else 0
            vals_list.append({
                "res_model_id": model_id, "res_id": rec.id, "activity_type_id": activity_type.id,
                "user_id": rec.user_id.id, "date_deadline": rec.release_at.date(),
                "summary": self.env._("No valid contact for %(days)s days (30天未联系): follow up before %(date)s "
                             "or it goes to the public pool (PROT-2).",
                             days=days, date=fields.Date.to_string(rec.release_at.date())),
            })
        self.env["mail.activity"].sudo().with_context(mail_activity_quick_update=True).create(vals_list)
        return warned

    def _governance_release(self, now):
        """Release pass on ``self``: owner cleared, pooled, ledger row, chatter
        message, and one notice per previous owner."""
        self.env.cr.execute(SQL(
            """WITH due AS (
                   SELECT id, user_id, section_id, last_valid_followup_at, release_at, %(name)s AS name,
                          release_at > %(now)s AS invalid
                     FROM %(table)s
                    WHERE id = ANY(%(ids)s) AND protection_state IN %(owned)s
                      AND (release_at <= %(now)s OR invalid_since <= %(now)s)
                      AND user_id IS NOT NULL
                   FOR UPDATE SKIP LOCKED)
               UPDATE %(table)s t SET user_id = NULL, protection_state = 'pooled', protected_since = NULL,
                      warn_at = NULL, release_at = NULL, invalid_followup_count = 0, first_valid_due_at = NULL,
                      key_contact_due_at = NULL, invalid_followups_at = NULL, invalid_since = NULL
                 FROM due WHERE t.id = due.id
            RETURNING due.id, due.user_id, due.section_id, due.last_valid_followup_at, due.release_at, due.name,
                      due.invalid""",
            table=SQL.identifier(self._table), ids=self.ids, owned=OWNED, now=now,
            name=SQL.identifier(self._governance_name_column())))
        rows = self.env.cr.fetchall()
        if not rows:
            return self.browse()
        released = self.browse([r[0] for r in rows])
        released.invalidate_recordset()
        sections = self.env["crm.governance.section"].browse({r[2] for r in rows})
        days = {s.id: s.release_days for s in sections}
        names = {r[0]: r[5] for r in rows}
        when = fields.Datetime.to_string
        # Ledger rows and chatter messages by SQL: thousands of ORM creates
        # would make the pass many times slower than the state change itself
        # (measured in bench/); both are plain inserts with no side effect.
        self.env["crm.governance.ledger"]._insert_rows(self._name, [{
            "res_id": rid, "res_name": names[rid], "old_user_id": uid, "new_user_id": None,
            "old_section_id": sid, "section_id": sid, "reason": "invalid" if invalid else "expired",
            "note": self.env._("Invalid protection (无效保护): invalid follow-ups, no valid follow-up in time or "
                               "no key contact; released early (FU-4).") if invalid else
                    self.env._("No valid contact since %(last)s; released on %(release)s after %(days)s days (PROT-2).",
                               last=when(last), release=when(release), days=days[sid]),
        } for rid, uid, sid, last, release, _name, invalid in rows], author_id=SUPERUSER_ID)
        self._governance_log_notes({
            rid: self.env._("Released to the public pool (公海): its protection was invalid (无效保护: invalid "
                            "follow-ups, no valid follow-up in time or no key contact) (FU-4).") if invalid else
                 self.env._("Released to the public pool (公海): no valid contact by the owner since %(last)s, "
                            "and section rules release a record after %(days)s days without one (PROT-2).",
                            last=when(last), days=days[sid])
            for rid, _uid, sid, last, _release, _name, invalid in rows})
        released._governance_drop_warnings()
        return released
