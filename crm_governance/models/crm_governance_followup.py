from datetime import timedelta

from odoo import Command, _, api, fields, models, tools
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

from ..policy import followups as fu
from ..policy.settings import DEFAULTS, FOLLOWUP_RULES
from .governed import RECORD_FIELD, RECORD_MODELS

CHANNELS = [
    ("phone", "Phone"),
    ("visit", "Visit"),
    ("email", "Email"),
    ("im", "Instant Message"),
    ("meeting", "Meeting"),
    ("other", "Other"),
]
SOURCES = [
    ("manual", "Logged Follow-up"),
    ("note", "Chatter Note"),
    ("message", "Chatter Message"),
    ("activity", "Completed Activity"),
]
MAX_CONTENT = 10000


class CrmGovernanceFollowupReason(models.Model):
    """Why a follow-up does not count (FU-2): one row per reason code, so
    reports can group by reason in the user's language."""
    _name = "crm.governance.followup.reason"
    _description = "CRM Follow-up Invalidity Reason"
    _order = "sequence, id"

    code = fields.Char(required=True, readonly=True)
    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)

    _sql_constraints = [("code_uniq", "unique(code)", "A reason code is defined once.")]

    @api.model
    @tools.ormcache()
    def _governance_ids_by_code(self):
        return dict(self.sudo().search([]).mapped(lambda r: (r.code, r.id)))

    @api.model_create_multi
    def create(self, vals_list):
        self.env.registry.clear_cache()  # _governance_ids_by_code
        return super().create(vals_list)

    def write(self, vals):
        self.env.registry.clear_cache()
        return super().write(vals)

    def unlink(self):
        self.env.registry.clear_cache()
        return super().unlink()


class CrmGovernanceFollowup(models.Model):
    """A follow-up (跟进记录, FU-1): who spoke to whom, how, about what, and
    whether it counts (FU-2). Append-only (FU-5): written by the module with
    sudo; nobody but the superuser changes or deletes one; a correction is a
    new follow-up pointing to the one it supplements."""
    _name = "crm.governance.followup"
    # one refusal for a foreign and a missing id (SEC-4)
    _inherit = ["crm.governance.boundary.mixin"]
    _description = "CRM Follow-up"
    _order = "date desc, id desc"
    _rec_name = "res_name"

    date = fields.Datetime(required=True, default=fields.Datetime.now, readonly=True, index=True)
    res_model = fields.Selection(
        RECORD_MODELS,
        string="Record Type", required=True, readonly=True)
    # a deleted record leaves its follow-ups detached, with its name in
    # res_name: a database cascade would skip the append-only guard (FU-5)
    lead_id = fields.Many2one("crm.lead", string="Lead/Opportunity", index="btree_not_null",
                              ondelete="set null", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", index="btree_not_null",
                                 ondelete="set null", readonly=True)
    res_name = fields.Char(string="Record", readonly=True)
    section_id = fields.Many2one("crm.governance.section", readonly=True, index=True)
    owner_id = fields.Many2one("res.users", readonly=True,
                               help="Who owned the record when the follow-up was recorded.")
    author_id = fields.Many2one("res.users", string="Salesperson", required=True, readonly=True, index=True)
    contact_id = fields.Many2one("res.partner", readonly=True,
                                 help="The customer's contact spoken to (沟通主体).")
    channel = fields.Selection(CHANNELS, required=True, default="other", readonly=True)
    content = fields.Text(readonly=True)
    next_step = fields.Char(readonly=True)
    next_date = fields.Date(string="Next Follow-up", readonly=True)
    source = fields.Selection(SOURCES, required=True, default="manual", readonly=True)
    message_id = fields.Many2one("mail.message", string="Chatter Message", index="btree_not_null",
                                 ondelete="set null", readonly=True)
    activity_type_id = fields.Many2one("mail.activity.type", readonly=True)
    is_valid = fields.Boolean(string="Valid", readonly=True)
    # is_valid for reports (group by, average), written with it at creation:
    # a stored compute would cost an UPDATE of every new follow-up
    validity = fields.Selection([("valid", "Valid"), ("invalid", "Invalid")], readonly=True)
    valid_rate = fields.Integer(string="Valid %", readonly=True, aggregator="avg")
    reason_ids = fields.Many2many("crm.governance.followup.reason", "crm_governance_followup_reason_rel",
                                  "followup_id", "reason_id", string="Reasons", readonly=True)
    reason_text = fields.Text(string="Why It Does Not Count", compute="_compute_reason_text")
    content_digest = fields.Char(readonly=True, index="btree_not_null", copy=False)
    # what near-duplicates are compared on: the text without dates, numbers
    # and the names of the record's contacts and customer (FU-2 d)
    similarity_key = fields.Char(readonly=True, copy=False)
    # a colleague's follow-up on a record of another section: a many2one is
    # read with its name as superuser, so only system admins read the link;
    # the author reads what _governance_explain may tell (SEC-4)
    repeats_id = fields.Many2one("crm.governance.followup", readonly=True, ondelete="set null",
                                 groups="crm_governance.group_system_admin",
                                 help="The earlier follow-up this one repeats or copies (FU-2 d).")
    supplement_of_id = fields.Many2one("crm.governance.followup", string="Supplements", readonly=True,
                                       ondelete="restrict")
    supplement_ids = fields.One2many("crm.governance.followup", "supplement_of_id", string="Supplements Added")
    company_id = fields.Many2one(related="section_id.company_id", string="Company")

    @api.depends("reason_ids", "repeats_id")
    def _compute_reason_text(self):
        for rec in self:
            # repeats_id is the system admins' to read: what of it the
            # reader may learn is decided in _governance_explain
            rec.reason_text = "\n".join(self._governance_explain(rec.reason_ids.mapped("code"), rec.section_id,
                                                                 rec.sudo().repeats_id))

    # -- FU-5: append-only -------------------------------------------------
    def write(self, vals):
        if not self.env.su:
            raise AccessError(_("Follow-up records cannot be rewritten; add a supplementary follow-up "
                                "instead (FU-5)."))
        return super().write(vals)

    def unlink(self):
        if not self.env.su:
            raise AccessError(_("Follow-up records cannot be deleted (FU-5)."))
        return super().unlink()

    # -- judging (FU-2) ----------------------------------------------------
    @api.model
    def _governance_explain(self, codes, section, repeats=None):
        """The messages an author reads for each reason code; ``repeats``:
        the earlier follow-up a repeat or copy matches."""
        rules = section._governance_followup_rules() if section else FOLLOWUP_RULES
        copy_days = section.followup_copy_days if section else DEFAULTS["followup_copy_days"]
        when = fields.Date.to_string(repeats.sudo().date) if repeats else "-"
        # the other record is named only to someone who may read it, asked as
        # that person even where the text is built as superuser (a follow-up
        # is created with sudo); its author is told the date of their own
        # note; a colleague's copy tells nothing more (SEC-4)
        reader = self.env.user
        other = repeats.sudo()[RECORD_FIELD.get(repeats.sudo().res_model, "lead_id")] if repeats else None
        readable = bool(other) and (reader._is_superuser() or other.with_user(reader).has_access("read"))
        mine = bool(repeats) and repeats.sudo().author_id == reader
        where = other.display_name if readable else self.env._("another record")
        told = readable or mine
        messages = {
            fu.TOO_SHORT: self.env._(
                "Too short: a follow-up needs at least %(chars)s Chinese characters or %(words)s words "
                "of real content; punctuation, emoji, digits and repeated words do not count (FU-2 a).",
                chars=rules.min_cjk_chars, words=rules.min_words),
            fu.NO_SUBSTANCE: self.env._(
                "It names no contact and says nothing about needs, budget, channels or progress "
                "(FU-2 b)."),
            fu.KEYWORDS_ONLY: self.env._(
                "It is a list of keywords: besides them it says nothing of its own. Write what was said or "
                "agreed: what, how many, when, what next (FU-2 b)."),
            fu.MEANINGLESS: self.env._(
                "It is only a meaningless phrase such as 外出, 没找到人 or \"no answer\" (FU-2 c)."),
            fu.UNRELATED: self.env._(
                "It is about a private matter, not the sale: say what it meant for the customer's needs, "
                "budget or progress (FU-2 e)."),
            fu.REPEATED: self.env._(
                "It repeats this record's follow-up of %(date)s, word for word or nearly (dates, numbers "
                "and names aside) (FU-2 d).", date=when),
            fu.COPIED: self.env._(
                "It is (nearly) the same as the follow-up of %(date)s on %(record)s, within the last %(days)s "
                "days (FU-2).", date=when, record=where, days=copy_days) if told or not repeats else self.env._(
                "It is copied from another record's follow-up of the last %(days)s days (FU-2).",
                days=copy_days),
        }
        return [messages[c] for c in codes if c in messages]

    @api.model
    def _governance_history(self, record, author_id, key, dig, at, settings):
        """What a new follow-up may repeat (FU-2 d, copies), in one query:
        the record's own follow-ups, the author's on other records and any
        word-for-word copy of the copy window (fetch bounds only: the
        policy decides). ``key`` and ``dig``: the new text's similarity key
        and content digest. Returns ``(id, key, date, here, mine, exact)``
        rows, newest first."""
        shortest, longest = fu.length_window(key, settings.rules)
        field = RECORD_FIELD[record._name]
        since = at - timedelta(days=max(settings.copy_days, 0))
        self.flush_model([field, "content_digest", "similarity_key", "date", "author_id"])
        # only keys of a length that could match come back: an active author
        # has hundreds of notes in the window, few of a similar length
        self.env.cr.execute(SQL(
            """SELECT id, similarity_key, date, %(field)s IS NOT DISTINCT FROM %(id)s, author_id = %(author)s,
                      content_digest IS NOT DISTINCT FROM %(digest)s
                 FROM crm_governance_followup
                WHERE date <= %(at)s
                  AND ((content_digest = %(digest)s AND (%(field)s = %(id)s OR date >= %(since)s))
                       OR (length(similarity_key) BETWEEN %(shortest)s AND %(longest)s
                           AND (%(field)s = %(id)s OR (author_id = %(author)s AND date >= %(since)s))))
                ORDER BY date DESC, id DESC LIMIT 500""",
            field=SQL.identifier(field), id=record.id, author=author_id, digest=dig or None, at=at,
            since=since, shortest=shortest, longest=longest))
        return self.env.cr.fetchall()

    @api.model
    def _governance_seen(self, record, text, settings, at=None, author_id=None, names=None, key=None, dig=None):
        """(reason, earlier follow-up id): does ``text`` repeat one of
        ``record``'s follow-ups (REPEATED) or copy another record's of the
        copy window — word for word by anyone, or nearly one of the author's
        own (COPIED)? ``(None, None)`` when it does not. ``key``/``dig``:
        the text's similarity key and digest, when the caller has them."""
        at = at or fields.Datetime.now()
        if key is None:
            key = fu.similarity_key(text, record._governance_customer_names() if names is None else names)
        if dig is None:
            dig = fu.digest(fu.content_key(text))
        rows = self._governance_history(record, author_id or self.env.uid, key, dig, at, settings)
        if dig:
            exact_here = next((r[0] for r in rows if r[3] and r[5]), None)
            if exact_here:
                return fu.REPEATED, exact_here
            elsewhere = [r for r in rows if not r[3] and r[5]]
            latest = max(elsewhere, key=lambda r: r[2], default=None)
            if latest and fu.in_copy_window(latest[2], at, settings.copy_days):
                return fu.COPIED, latest[0]
        own = [r for r in rows if r[3]]
        mine = [r for r in rows if not r[3] and r[4]]
        reason, index = fu.find_repeat(key, [r[1] for r in own], [(r[1], r[2]) for r in mine], at,
                                       settings.rules, settings.copy_days)
        if not reason:
            return None, None
        return reason, (own if reason == fu.REPEATED else mine)[index][0]

    @api.model
    def _governance_judge(self, record, text, contact=None, settings=None, seen=(None, None), contact_names=None,
                          own_names=None):
        """Reason codes for ``text`` as a new follow-up of ``record``;
        ``settings`` (its section's) when the caller has them, ``seen``: what
        ``_governance_seen`` found."""
        record = record.sudo()
        if settings is None and record.section_id:
            settings = self.env["crm.governance.section"]._governance_followup_settings(record.section_id.id)
        rules = settings.rules if settings else FOLLOWUP_RULES
        # the contacts' names are substance (FU-2 b); the customer's own are not
        reasons = fu.judge(
            text, rules, contact_named=bool(contact),
            contact_names=record._governance_contact_names() if contact_names is None else contact_names,
            customer_names=record._governance_own_names() if own_names is None else own_names)
        return reasons + ((seen[0],) if seen[0] else ())

    @api.model
    def _governance_check_vals(self, record, content, contact):
        """Bad input of a logged follow-up (FU-1): refused with the rule."""
        if not (content or "").strip():
            raise UserError(_("Field 'Content' is required: say whom you spoke to and about what (FU-1)."))
        if len(content) > MAX_CONTENT:
            raise UserError(_("Field 'Content' is %(length)s characters long; a follow-up holds at most "
                              "%(max)s (FU-1).", length=len(content), max=MAX_CONTENT))
        if contact and contact not in record.sudo()._governance_contacts():
            # no name: the id may be anyone's (SEC-4)
            raise UserError(_("Field 'Contact': the person chosen is not a contact of this customer (FU-1)."))

    @api.model
    def _governance_create_judged(self, record, vals):
        """Judge ``vals["content"]`` as a follow-up of ``record`` (FU-2) and
        append it (FU-5). ``vals``: author_id, content, contact_id, channel,
        next_step, next_date, source, message_id, activity_type_id,
        supplement_of_id."""
        record = record.sudo()
        text = vals.get("content") or ""
        settings = self.env["crm.governance.section"]._governance_followup_settings(record.section_id.id)
        contact = self.env["res.partner"].browse(vals.get("contact_id") or [])
        now = fields.Datetime.now()
        # the names, key and digest once: judging, the history probe and the
        # stored follow-up all need them
        contacts, own = record._governance_contact_names(), record._governance_own_names()
        key, dig = fu.similarity_key(text, contacts + own), fu.digest(fu.content_key(text))
        seen = self._governance_seen(record, text, settings, now, vals["author_id"], key=key, dig=dig)
        reasons = self._governance_judge(record, text, contact, settings=settings, seen=seen, contact_names=contacts,
                                         own_names=own)
        reason_ids = self.env["crm.governance.followup.reason"]._governance_ids_by_code()
        # the reasons' rows only when there are any: most notes have none
        reasons_vals = {"reason_ids": [Command.set([reason_ids[c] for c in reasons if c in reason_ids])]} \
            if reasons else {}
        return self.sudo().create({
            **vals, "date": now, "res_model": record._name, RECORD_FIELD[record._name]: record.id,
            "res_name": record[record._governance_name_column()], "section_id": record.section_id.id,
            "owner_id": record.user_id.id, "is_valid": not reasons,
            "validity": "invalid" if reasons else "valid", "valid_rate": 0 if reasons else 100,
            **reasons_vals,
            "content_digest": dig, "similarity_key": key or False, "repeats_id": seen[1] or False,
        })

    def action_add_supplement(self):
        """A correction is a new follow-up linked to this one (FU-5)."""
        self.ensure_one()
        self.check_access("read")
        record = self.lead_id or self.partner_id
        if not record:
            raise UserError(_("The record of this follow-up was deleted; its name is kept here (FU-5)."))
        return record.with_context(default_supplement_of_id=self.id).action_governance_log_followup()

    def action_open_record(self):
        self.ensure_one()
        self.check_access("read")
        record = self.lead_id or self.partner_id
        if not record:
            raise UserError(_("The record of this follow-up was deleted; its name is kept here (FU-5)."))
        record._governance_check_caller("read")
        return {"type": "ir.actions.act_window", "res_model": record._name, "res_id": record.id,
                "views": [(False, "form")]}

    @api.model
    def _governance_facts(self, records, since_by_id):
        """Per record of ``records`` (one model), its owner's follow-ups since
        ``since_by_id`` (the protection period): (last valid date, dates of
        the invalid ones, oldest first)."""
        if not records:
            return {}
        field = RECORD_FIELD[records._name]
        self.flush_model()
        records.flush_recordset(["user_id"])
        ids = records.ids
        self.env.cr.execute(SQL(
            """SELECT f.%(field)s, max(f.date) FILTER (WHERE f.is_valid),
                      array_agg(f.date ORDER BY f.date, f.id) FILTER (WHERE NOT f.is_valid)
                 FROM unnest(%(ids)s::int[], %(since)s::timestamp[]) AS v(id, since)
                 JOIN %(table)s r ON r.id = v.id
                 JOIN crm_governance_followup f ON f.%(field)s = v.id AND f.author_id = r.user_id
                                              AND f.date >= COALESCE(v.since, '-infinity'::timestamp)
                GROUP BY f.%(field)s""",
            field=SQL.identifier(field), table=SQL.identifier(records._table), ids=ids,
            since=[since_by_id.get(i) for i in ids]))
        return {rid: (last_valid, invalid or []) for rid, last_valid, invalid in self.env.cr.fetchall()}
