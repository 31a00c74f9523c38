import hashlib
import html
import re

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

from ..policy import followups as fu
from ..policy import protection
from .crm_governance_ledger import RECORD_FIELD

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
_TAG_RE = re.compile(r"<[^>]*>")


def digest(key):
    return hashlib.md5(key.encode()).hexdigest() if key else False


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


class CrmGovernanceFollowup(models.Model):
    """A follow-up (跟进记录, FU-1): who spoke to whom, how, about what, and
    whether it counts (FU-2). Append-only (FU-5): written by the module with
    sudo; nobody but the superuser changes or deletes one; a correction is a
    new follow-up pointing to the one it supplements."""
    _name = "crm.governance.followup"
    _description = "CRM Follow-up"
    _order = "date desc, id desc"
    _rec_name = "res_name"

    date = fields.Datetime(required=True, default=fields.Datetime.now, readonly=True, index=True)
    res_model = fields.Selection(
        [("crm.lead", "Lead/Opportunity"), ("res.partner", "Customer")],
        string="Record Type", required=True, readonly=True)
    lead_id = fields.Many2one("crm.lead", string="Lead/Opportunity", index="btree_not_null",
                              ondelete="cascade", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", index="btree_not_null",
                                 ondelete="cascade", readonly=True)
    res_name = fields.Char(string="Record", readonly=True)
    section_id = fields.Many2one("crm.governance.section", string="Section", readonly=True, index=True)
    owner_id = fields.Many2one("res.users", string="Owner", readonly=True,
                               help="Who owned the record when the follow-up was recorded.")
    author_id = fields.Many2one("res.users", string="Salesperson", required=True, readonly=True, index=True)
    contact_id = fields.Many2one("res.partner", string="Contact", readonly=True,
                                 help="The customer's contact spoken to (沟通主体).")
    channel = fields.Selection(CHANNELS, required=True, default="other", readonly=True)
    content = fields.Text(readonly=True)
    next_step = fields.Char(string="Next Step", readonly=True)
    next_date = fields.Date(string="Next Follow-up", readonly=True)
    source = fields.Selection(SOURCES, required=True, default="manual", readonly=True)
    message_id = fields.Many2one("mail.message", string="Chatter Message", index="btree_not_null",
                                 ondelete="set null", readonly=True)
    activity_type_id = fields.Many2one("mail.activity.type", string="Activity Type", readonly=True)
    is_valid = fields.Boolean(string="Valid", readonly=True)
    validity = fields.Selection([("valid", "Valid"), ("invalid", "Invalid")], readonly=True,
                                compute="_compute_validity", store=True)
    valid_rate = fields.Integer(string="Valid %", readonly=True, aggregator="avg",
                                compute="_compute_validity", store=True)
    reason_ids = fields.Many2many("crm.governance.followup.reason", "crm_governance_followup_reason_rel",
                                  "followup_id", "reason_id", string="Reasons", readonly=True)
    reason_text = fields.Text(string="Why It Does Not Count", compute="_compute_reason_text")
    content_digest = fields.Char(readonly=True, index="btree_not_null", copy=False)
    supplement_of_id = fields.Many2one("crm.governance.followup", string="Supplements", readonly=True,
                                       ondelete="restrict")
    supplement_ids = fields.One2many("crm.governance.followup", "supplement_of_id", string="Supplements Added")
    company_id = fields.Many2one(related="section_id.company_id", string="Company")

    @api.depends("is_valid")
    def _compute_validity(self):
        for rec in self:
            rec.validity = "valid" if rec.is_valid else "invalid"
            rec.valid_rate = 100 if rec.is_valid else 0

    @api.depends("reason_ids")
    def _compute_reason_text(self):
        for rec in self:
            rec.reason_text = "\n".join(self._governance_explain(rec.reason_ids.mapped("code"), rec.section_id))

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
    def _governance_explain(self, codes, section):
        """The messages an author reads for each reason code."""
        rules = section._governance_followup_rules() if section else fu.DEFAULT_RULES
        copy_days = section.followup_copy_days if section else 30
        messages = {
            fu.TOO_SHORT: self.env._(
                "Too short: a follow-up needs at least %(chars)s Chinese characters or %(words)s words "
                "of real content; punctuation, emoji, digits and repeated words do not count (FU-2 a).",
                chars=rules.min_cjk_chars, words=rules.min_words),
            fu.NO_SUBSTANCE: self.env._(
                "It names no contact and says nothing about needs, budget, channels or progress "
                "(FU-2 b)."),
            fu.MEANINGLESS: self.env._(
                "It is only a meaningless phrase such as 外出, 没找到人 or \"no answer\" (FU-2 c)."),
            fu.REPEATED: self.env._(
                "It repeats an earlier follow-up of this record word for word (FU-2 d)."),
            fu.COPIED: self.env._(
                "It is copied from another record's follow-up of the last %(days)s days (FU-2).",
                days=copy_days),
        }
        return [messages[c] for c in codes if c in messages]

    @api.model
    def _governance_context(self, record, text):
        """What judging ``text`` on ``record`` needs from the database, in one
        query: (section id, owner id, record name, repeated, copied,
        section governed, section day unit, protection state)."""
        field = SQL.identifier(RECORD_FIELD[record._name])
        dig = digest(fu.content_key(text))
        self.flush_model(["content_digest", "date", "lead_id", "partner_id"])
        record.flush_recordset(["section_id", "user_id"])
        # the statements below read the section's numbers straight from the table
        self.env["crm.governance.section"].flush_model()
        now = fields.Datetime.now()
        self.env.cr.execute(SQL(
            """SELECT r.section_id, r.user_id, r.%(name)s,
                      EXISTS (SELECT 1 FROM crm_governance_followup f
                               WHERE f.content_digest = %(dig)s AND f.%(field)s = r.id),
                      EXISTS (SELECT 1 FROM crm_governance_followup f
                                JOIN crm_governance_section s ON s.id = r.section_id
                               WHERE f.content_digest = %(dig)s AND f.%(field)s IS DISTINCT FROM r.id
                                 AND s.followup_copy_days > 0 AND f.date <= %(now)s
                                 AND f.date >= %(now)s - s.followup_copy_days * interval '1 day'),
                      COALESCE(sec.governance_enabled, false), sec.protection_day_unit, r.protection_state
                 FROM %(table)s r LEFT JOIN crm_governance_section sec ON sec.id = r.section_id
                WHERE r.id = %(id)s""",
            name=SQL.identifier(record._governance_name_column()), dig=dig or None, field=field, now=now,
            table=SQL.identifier(record._table), id=record.id))
        return self.env.cr.fetchone()

    @api.model
    def _governance_judge(self, record, text, contact=None, context=None):
        """Reason codes for ``text`` as a new follow-up of ``record``."""
        record = record.sudo()
        section_id, _owner, _name, repeated, copied = (context or self._governance_context(record, text))[:5]
        section = self.env["crm.governance.section"].browse(section_id)
        rules = section._governance_followup_rules() if section else fu.DEFAULT_RULES
        key = fu.content_key(text)
        reasons = fu.judge(text, rules, contact_named=bool(contact),
                           earlier={key} if repeated else (), elsewhere={key} if copied else ())
        if fu.NO_SUBSTANCE in reasons:
            # the customer's contacts are read only when no keyword was found
            names = record._governance_contact_names()
            if names and fu.has_substance(text, rules, names):
                reasons = tuple(r for r in reasons if r != fu.NO_SUBSTANCE)
        return reasons

    @api.model
    def _governance_check_vals(self, record, content, contact):
        """Bad input of a logged follow-up (FU-1): refused with the rule."""
        if not (content or "").strip():
            raise UserError(_("Field 'Content' is required: say whom you spoke to and about what (FU-1)."))
        if len(content) > MAX_CONTENT:
            raise UserError(_("Field 'Content' is %(length)s characters long; a follow-up holds at most "
                              "%(max)s (FU-1).", length=len(content), max=MAX_CONTENT))
        if contact and contact not in record.sudo()._governance_contacts():
            raise UserError(_("Field 'Contact': %(contact)s is not a contact of %(record)s (FU-1).",
                              contact=contact.display_name, record=record.sudo().display_name))

    @api.model
    def _governance_record(self, record, vals, message=None):
        """Judge and append one follow-up of ``record``, then let the record's
        protection follow (FU-3/FU-4). ``vals``: author_id, content,
        contact_id, channel, next_step, next_date, source, supplement_of_id…
        Records outside any section get none.

        Every chatter note goes through here, inside ``message_post``: three
        SQL statements (context, insert, protection update) and no ORM
        create, which is what keeps the added time small (bench/)."""
        record = record.sudo()
        text = vals.get("content") or ""
        context = self._governance_context(record, text)
        section_id, owner_id, name, _repeated, _copied, governed, day_unit, state = context
        if not section_id:
            return self.browse()
        contact = self.env["res.partner"].browse(vals.get("contact_id") or [])
        reasons = self._governance_judge(record, text, contact, context=context)
        now = fields.Datetime.now()
        uid = self.env.uid
        row = {
            "date": now, "res_model": record._name, "res_id": record.id, "res_name": name,
            "section_id": section_id, "owner_id": owner_id, "author_id": vals["author_id"],
            "contact_id": contact.id or None, "channel": vals.get("channel") or "other", "content": text,
            "next_step": vals.get("next_step") or None, "next_date": vals.get("next_date") or None,
            "source": vals.get("source") or "manual",
            "message_id": message.id if message else vals.get("message_id") or None,
            "activity_type_id": vals.get("activity_type_id") or None, "is_valid": not reasons,
            "validity": "invalid" if reasons else "valid", "valid_rate": 0 if reasons else 100,
            "content_digest": digest(fu.content_key(text)) or None,
            "supplement_of_id": vals.get("supplement_of_id") or None,
        }
        # the owner's follow-up moves the protection, in the same statement
        counts = governed and owner_id and owner_id == vals["author_id"]
        inline = counts and (reasons or day_unit != protection.WORKING)
        update = SQL(", upd AS (%s)", record._governance_followup_update(not reasons, now)) if inline else SQL()
        self.env.cr.execute(SQL(
            """WITH f AS (
                   INSERT INTO crm_governance_followup (
                       date, res_model, %(field)s, res_name, section_id, owner_id, author_id, contact_id, channel,
                       content, next_step, next_date, source, message_id, activity_type_id, is_valid, validity,
                       valid_rate, content_digest, supplement_of_id, create_uid, create_date, write_uid, write_date)
                   VALUES (%(date)s, %(res_model)s, %(res_id)s, %(res_name)s, %(section_id)s, %(owner_id)s,
                           %(author_id)s, %(contact_id)s, %(channel)s, %(content)s, %(next_step)s, %(next_date)s,
                           %(source)s, %(message_id)s, %(activity_type_id)s, %(is_valid)s, %(validity)s,
                           %(valid_rate)s, %(content_digest)s, %(supplement_of_id)s, %(uid)s, %(date)s, %(uid)s,
                           %(date)s)
                   RETURNING id),
               rel AS (
                   INSERT INTO crm_governance_followup_reason_rel (followup_id, reason_id)
                   SELECT f.id, r.id FROM f, crm_governance_followup_reason r WHERE r.code = ANY(%(codes)s))
               %(update)s
            SELECT id FROM f""",
            field=SQL.identifier(RECORD_FIELD[record._name]), uid=uid, codes=list(reasons), update=update, **row))
        followup = self.browse(self.env.cr.fetchone()[0])
        if counts and not inline:
            # working days: the company calendar is needed (Python path)
            record._governance_protection_recompute()
        if counts:
            record._governance_followup_counted(not reasons, state == "warning")
        return followup

    @api.model
    def _governance_message_text(self, message):
        """The text of a chatter message body, fast: tags out, entities
        decoded (html2plaintext's full parse costs more than judging)."""
        return html.unescape(_TAG_RE.sub(" ", message.body or "")).strip()

    def action_add_supplement(self):
        """A correction is a new follow-up linked to this one (FU-5)."""
        self.ensure_one()
        record = self.lead_id or self.partner_id
        return record.with_context(default_supplement_of_id=self.id).action_governance_log_followup()

    def action_open_record(self):
        self.ensure_one()
        record = self.lead_id or self.partner_id
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
