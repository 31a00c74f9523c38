import hashlib

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL, html2plaintext

from ..policy import followups as fu
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
    owner_id = fields.Many2one("res.users", string="Owner", readonly=True, index=True,
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
    is_valid = fields.Boolean(string="Valid", readonly=True, index=True)
    validity = fields.Selection([("valid", "Valid"), ("invalid", "Invalid")], readonly=True,
                                compute="_compute_validity", store=True)
    valid_rate = fields.Integer(string="Valid %", readonly=True, aggregator="avg",
                                compute="_compute_validity", store=True)
    reason_ids = fields.Many2many("crm.governance.followup.reason", string="Reasons", readonly=True)
    reason_text = fields.Text(string="Why It Does Not Count", compute="_compute_reason_text")
    content_digest = fields.Char(readonly=True, index="btree_not_null", copy=False)
    supplement_of_id = fields.Many2one("crm.governance.followup", string="Supplements", readonly=True,
                                       index="btree_not_null", ondelete="restrict")
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
    def _governance_judge(self, record, text, contact=None, exclude_ids=()):
        """Reason codes for ``text`` as a new follow-up of ``record``."""
        record = record.sudo()
        section = record.section_id
        key = fu.content_key(text)
        earlier, elsewhere = set(), set()
        if key:
            field = RECORD_FIELD[record._name]
            dig = digest(key)
            Followup = self.sudo().with_context(active_test=False)
            if Followup.search_count([(field, "=", record.id), ("content_digest", "=", dig),
                                      ("id", "not in", list(exclude_ids))], limit=1):
                earlier.add(key)
            else:
                now = fields.Datetime.now()
                since = fields.Datetime.subtract(now, days=section.followup_copy_days if section else 30)
                if since < now and Followup.search_count([
                        ("content_digest", "=", dig), ("date", ">=", since), ("date", "<=", now),
                                          "!", (field, "=", record.id),
                                          ("id", "not in", list(exclude_ids))], limit=1):
                    elsewhere.add(key)
        rules = section._governance_followup_rules() if section else fu.DEFAULT_RULES
        return fu.judge(text, rules, contact_named=bool(contact), contact_names=record._governance_contact_names(),
                        earlier=earlier, elsewhere=elsewhere)

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
        """Judge and append one follow-up of ``record`` (sudo), then let the
        record's protection follow (FU-3/FU-4). ``vals``: author_id, content,
        contact_id, channel, next_step, next_date, source, supplement_of_id…"""
        record = record.sudo()
        contact = self.env["res.partner"].browse(vals.get("contact_id") or [])
        reasons = self._governance_judge(record, vals.get("content") or "", contact)
        codes = self.env["crm.governance.followup.reason"].sudo().search([("code", "in", reasons)])
        followup = self.sudo().create({
            **vals,
            "res_model": record._name,
            RECORD_FIELD[record._name]: record.id,
            "res_name": record.display_name,
            "section_id": record.section_id.id,
            "owner_id": record.user_id.id,
            "message_id": message.id if message else vals.get("message_id"),
            "is_valid": not reasons,
            "reason_ids": [(6, 0, codes.ids)],
            "content_digest": digest(fu.content_key(vals.get("content") or "")),
        })
        record._governance_followups_judged(followup)
        return followup

    @api.model
    def _governance_message_text(self, message):
        return html2plaintext(message.body or "").strip()

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
