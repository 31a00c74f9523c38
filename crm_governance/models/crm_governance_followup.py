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


def message_text(body):
    """The text of a chatter message body, fast: tags out, entities decoded
    (html2plaintext's full parse costs more than judging the text)."""
    return html.unescape(_TAG_RE.sub(" ", body or "")).strip()


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
    # a deleted record leaves its follow-ups detached, with its name in
    # res_name: a database cascade would skip the append-only guard (FU-5)
    lead_id = fields.Many2one("crm.lead", string="Lead/Opportunity", index="btree_not_null",
                              ondelete="set null", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", index="btree_not_null",
                                 ondelete="set null", readonly=True)
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
    def _governance_seen(self, record, text, settings):
        """(repeated, copied): is ``text`` word for word an earlier follow-up
        of ``record``, or another record's of the section's copy window? Asked
        of the database function that the recording path uses too."""
        dig = digest(fu.content_key(text))
        if not dig:
            return False, False
        self.flush_model(["content_digest", "date", "lead_id", "partner_id"])
        self.env.cr.execute(
            "SELECT * FROM crm_governance_followup_seen(%s, %s, %s::timestamp, %s, %s)",
            [record._name, record.id, fields.Datetime.now(), dig, settings.copy_days])
        return self.env.cr.fetchone()

    @api.model
    def _governance_judge(self, record, text, contact=None, settings=None, seen=None):
        """Reason codes for ``text`` as a new follow-up of ``record``;
        ``settings`` (its section's) and ``seen`` ((repeated, copied)) when
        the caller has them."""
        record = record.sudo()
        if settings is None and record.section_id:
            settings = self.env["crm.governance.section"]._governance_followup_settings(record.section_id.id)
        if seen is None:
            seen = self._governance_seen(record, text, settings) if settings else (False, False)
        repeated, copied = seen
        rules = settings.rules if settings else fu.DEFAULT_RULES
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
            # no name: the id may be anyone's (SEC-4)
            raise UserError(_("Field 'Contact': the person chosen is not a contact of this customer (FU-1)."))

    @api.model
    def _governance_record(self, record, vals, message=None):
        """Judge and append one follow-up of ``record``, then let the record's
        protection follow (FU-3/FU-4). ``vals``: author_id, content,
        contact_id, channel, next_step, next_date, source, supplement_of_id…
        Records outside any section get none.

        Every chatter note goes through here, inside ``message_post``: the
        text is judged in Python, then one call of the database function
        below does the repeat and copy lookups (by md5), the insert of the
        follow-up and its reasons and the owner's protection renewal. The
        ORM way took twice the time of the stock post, and a plain SQL
        statement spent most of its time being planned (bench/)."""
        record = record.sudo()
        text = vals.get("content") or ""
        section = record.section_id
        if not section:
            return self.browse()
        settings = self.env["crm.governance.section"]._governance_followup_settings(section.id)
        owner_id = record.user_id.id
        contact = self.env["res.partner"].browse(vals.get("contact_id") or [])
        # the database function adds "repeated" or "copied"
        reasons = self._governance_judge(record, text, contact, settings=settings, seen=(False, False))
        now = fields.Datetime.now()
        counts = settings.governed and owner_id and owner_id == vals["author_id"] \
            and record.protection_state in ("protected", "warning")
        was_warned = counts and record.protection_state == "warning"
        renew = counts and not reasons and record._governance_renewal_due(now)
        if renew and settings.day_unit != protection.WORKING:
            mode = "renew"
        else:
            mode = "count" if counts else "none"
        self.flush_model()
        record.flush_recordset()
        self.env["crm.governance.section"].flush_model()
        self.env.cr.execute(SQL(
            """SELECT * FROM crm_governance_record_followup(
                   %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s::date, %s, %s, %s, %s, %s, %s::timestamp, %s, %s,
                   %s, %s::varchar[], %s)""",
            record._name, record.id, record[record._governance_name_column()], section.id, owner_id or None,
            vals["author_id"], contact.id or None, vals.get("channel") or "other", text,
            vals.get("next_step") or None, vals.get("next_date") or None, vals.get("source") or "manual",
            message.id if message else vals.get("message_id") or None, vals.get("activity_type_id") or None,
            vals.get("supplement_of_id") or None, self.env.uid, now, digest(fu.content_key(text)) or None,
            settings.copy_days, not reasons, list(reasons), mode))
        followup_id, is_valid = self.env.cr.fetchone()
        if renew and is_valid and mode != "renew":
            # working days: the company calendar is needed (Python path)
            record._governance_protection_recompute()
        if counts and (renew or not is_valid):
            record._governance_followup_counted(is_valid, was_warned)
        return self.browse(followup_id)

    def init(self):
        # The hot path of every chatter note as one database function: its
        # statements are planned once per connection (PL/pgSQL caches them),
        # where the same SQL sent as text is planned on every call. Keep the
        # column list in step with the fields above.
        renew = """UPDATE {table} r SET protection_state = 'protected', last_valid_followup_at = p_date,
                          warn_at = p_date + s.warning_days * interval '1 day',
                          release_at = p_date + s.release_days * interval '1 day',
                          first_valid_due_at = NULL,
                          invalid_since = LEAST(r.key_contact_due_at, r.invalid_followups_at)
                     FROM crm_governance_section s
                    WHERE r.id = p_res_id AND s.id = r.section_id AND s.governance_enabled
                      AND r.protection_state IN ('protected', 'warning') AND r.user_id IS NOT NULL;"""
        reached = """CASE WHEN s.invalid_followup_limit > 0
                               AND r.invalid_followup_count + 1 >= s.invalid_followup_limit
                          THEN COALESCE(r.invalid_followups_at, p_date) ELSE r.invalid_followups_at END"""
        count = """UPDATE {table} r SET invalid_followup_count = r.invalid_followup_count + 1,
                          invalid_followups_at = %s,
                          invalid_since = LEAST(r.first_valid_due_at, r.key_contact_due_at, %s)
                     FROM crm_governance_section s
                    WHERE r.id = p_res_id AND s.id = r.section_id AND s.governance_enabled
                      AND r.protection_state IN ('protected', 'warning') AND r.user_id IS NOT NULL;""" % (
            reached, reached)
        look = """SELECT COALESCE(bool_or(f.{field} = p_res_id), false),
                         COALESCE(bool_or(f.{field} IS DISTINCT FROM p_res_id AND f.date <= p_date
                                          AND f.date >= p_date - p_copy_days * interval '1 day'), false)
                    INTO v_repeated, v_copied
                    FROM crm_governance_followup f WHERE f.content_digest = p_digest;"""
        # FU-2 (d) and the copy rule, for the dialog's preview and for recording
        self.env.cr.execute(f"""
            CREATE OR REPLACE FUNCTION crm_governance_followup_seen(
                p_model varchar, p_res_id int, p_date timestamp, p_digest varchar, p_copy_days int)
            RETURNS TABLE (repeated boolean, copied boolean) LANGUAGE plpgsql AS $fn$
            DECLARE
                v_repeated boolean := false;
                v_copied boolean := false;
            BEGIN
                IF p_digest IS NOT NULL THEN
                    IF p_model = 'crm.lead' THEN
                        {look.format(field="lead_id")}
                    ELSE
                        {look.format(field="partner_id")}
                    END IF;
                    v_copied := v_copied AND p_copy_days > 0 AND NOT v_repeated;
                END IF;
                RETURN QUERY SELECT v_repeated, v_copied;
            END
            $fn$""")
        self.env.cr.execute(f"""
            CREATE OR REPLACE FUNCTION crm_governance_record_followup(
                p_model varchar, p_res_id int, p_res_name varchar, p_section_id int, p_owner_id int,
                p_author_id int, p_contact_id int, p_channel varchar, p_content text, p_next_step varchar,
                p_next_date date, p_source varchar, p_message_id int, p_activity_type_id int,
                p_supplement_of_id int, p_uid int, p_date timestamp, p_digest varchar, p_copy_days int,
                p_valid boolean, p_codes varchar[], p_mode varchar)
            RETURNS TABLE (followup_id int, followup_valid boolean) LANGUAGE plpgsql AS $fn$
            DECLARE
                v_repeated boolean := false;
                v_copied boolean := false;
                v_valid boolean;
                v_id int;
            BEGIN
                SELECT * INTO v_repeated, v_copied
                  FROM crm_governance_followup_seen(p_model, p_res_id, p_date, p_digest, p_copy_days);
                v_valid := p_valid AND NOT v_repeated AND NOT v_copied;
                INSERT INTO crm_governance_followup (
                    date, res_model, lead_id, partner_id, res_name, section_id, owner_id, author_id, contact_id,
                    channel, content, next_step, next_date, source, message_id, activity_type_id, is_valid,
                    validity, valid_rate, content_digest, supplement_of_id, create_uid, create_date, write_uid,
                    write_date)
                VALUES (
                    p_date, p_model, CASE WHEN p_model = 'crm.lead' THEN p_res_id END,
                    CASE WHEN p_model = 'res.partner' THEN p_res_id END, p_res_name, p_section_id, p_owner_id,
                    p_author_id, p_contact_id, p_channel, p_content, p_next_step, p_next_date, p_source,
                    p_message_id, p_activity_type_id, v_valid, CASE WHEN v_valid THEN 'valid' ELSE 'invalid' END,
                    CASE WHEN v_valid THEN 100 ELSE 0 END, p_digest, p_supplement_of_id, p_uid, p_date, p_uid,
                    p_date)
                RETURNING id INTO v_id;
                IF NOT v_valid THEN
                    INSERT INTO crm_governance_followup_reason_rel (followup_id, reason_id)
                    SELECT v_id, r.id FROM crm_governance_followup_reason r
                     WHERE r.code = ANY(p_codes) OR (r.code = 'repeated' AND v_repeated)
                        OR (r.code = 'copied' AND v_copied);
                END IF;
                IF p_mode = 'renew' AND v_valid THEN
                    IF p_model = 'crm.lead' THEN
                        {renew.format(table="crm_lead")}
                    ELSE
                        {renew.format(table="res_partner")}
                    END IF;
                ELSIF p_mode IN ('renew', 'count') AND NOT v_valid THEN
                    IF p_model = 'crm.lead' THEN
                        {count.format(table="crm_lead")}
                    ELSE
                        {count.format(table="res_partner")}
                    END IF;
                END IF;
                RETURN QUERY SELECT v_id, v_valid;
            END
            $fn$""")

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
