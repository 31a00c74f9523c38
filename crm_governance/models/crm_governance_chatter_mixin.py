from markupsafe import Markup

from odoo import fields, models
from odoo.exceptions import UserError
from odoo.http import request
from odoo.tools import SQL
from odoo.tools.mail import generate_tracking_message_id

from ..policy import followups as fu
from ..policy import protection
from ..policy.protection import OWNED
from . import set_wise
from .trusted import Trusted, trusted


class CrmGovernanceChatterMixin(models.AbstractModel):
    """Chatter intake (FU-1 … FU-4): notes, messages and completed activities
    by internal users become follow-ups, judged by the same rules as logged
    ones, and the owner's follow-ups renew (or, invalid, wear down) the
    record's protection. On top of ``mail.thread``, so leads and customer
    accounts share its hooks once."""
    _name = "crm.governance.chatter.mixin"
    _inherit = ["mail.thread"]
    _description = "CRM Follow-ups from the Chatter"

    # -- mail.thread hooks ---------------------------------------------------
    def _message_post_after_hook(self, message, msg_vals):
        res = super()._message_post_after_hook(message, msg_vals)
        self._governance_followup_posted(message)
        return res

    def _check_can_update_message_content(self, messages):
        res = super()._check_can_update_message_content(messages)
        # a note that became a follow-up is kept as written (FU-5)
        self.env["mail.message"]._governance_check_not_followup(messages)
        return res

    # -- followers and recipients: only the record's readers (SEC-4, SEC-5) -------
    # A follower is notified of a record's messages, and a notified partner
    # reads them without the record rules: followers of a governed record are
    # people who may read it. Partners without an internal user (customers,
    # outside addresses) are its correspondents, not readers of the CRM.
    def _governance_unreadable_partners(self, partner_ids):
        """record id -> the partners of ``partner_ids`` (internal users'
        partners) who may not read that governed record of ``self``."""
        known = trusted(self.env, "governance_known_reader")
        if known and known[0] == self._name and known[1].issuperset(self.ids):
            # the author of a note being posted, checked as a reader by message_post
            partner_ids = [pid for pid in partner_ids if pid != known[2]]
        if not partner_ids:
            # nobody left to check: the author subscribed by their own note asks nothing more
            return {}
        records = self.sudo().exists()._governance_governed()
        if not records:
            return {}
        partners = self.env["res.partner"].sudo().with_context(active_test=False).browse(set(partner_ids)).exists()
        users_of = {p.id: p.user_ids.filtered(lambda u: not u.share) for p in partners}
        users = self.env["res.users"].union(*users_of.values())
        if not users:
            return {}
        readable = {}
        for user in users:
            # as that user, through the record rules (a frozen user reads nothing)
            readable[user.id] = set(records.ids) if user._is_superuser() else set(
                self.with_user(user).with_context(active_test=False).search([("id", "in", records.ids)]).ids)
        result = {}
        for rec_id in records.ids:
            refused = {pid for pid, pusers in users_of.items()
                       if pusers and not any(rec_id in readable[u.id] for u in pusers)}
            if refused:
                result[rec_id] = refused
        return result

    def _governance_check_recipients(self, partner_ids):
        """A follower or recipient chosen by the caller may read the record:
        one refusal, naming the people the caller chose."""
        if self.env.su or not partner_ids or not self._governance_active():
            return
        # people the caller may not read themselves (another section's customer contacts):
        # their name and e-mail would come back in the followers' list (SEC-4)
        self.env["res.partner"].browse(
            sorted({i for i in partner_ids if isinstance(i, int) and i > 0}))._governance_check_caller("read")
        refused = set().union(*self._governance_unreadable_partners(partner_ids).values())
        if refused:
            names = ", ".join(self.env["res.partner"].sudo().browse(sorted(refused)).mapped("name"))
            raise UserError(self.env._(
                "%(names)s may not read this record: only people who may read a record of a governed section "
                "follow it or are notified of its messages (SEC-4).", names=names))

    def _governance_prune_followers(self, leaving=None):
        """Followers of the governed records of ``self`` who may no longer
        read them stop following, set-wise; ``leaving``: {record id: user id}
        of previous owners, who stop following what they no longer own."""
        records = self.sudo()._governance_governed()
        if not records:
            return
        followers = self.env["mail.followers"].sudo().search([
            ("res_model", "=", self._name), ("res_id", "in", records.ids), ("partner_id", "!=", False)])
        if not followers:
            return
        unreadable = records._governance_unreadable_partners(followers.partner_id.ids)
        leaving_partner = {rid: self.env["res.users"].browse(uid).partner_id.id
                           for rid, uid in (leaving or {}).items() if uid}
        followers.filtered(lambda f: f.partner_id.id in unreadable.get(f.res_id, ())
                           or leaving_partner.get(f.res_id) == f.partner_id.id).unlink()

    def _governance_log_notes(self, bodies, author_id):
        """Stock ``_message_log_batch``'s internal notes on ``self`` (same
        author, sender, subtype, message id and reply-to, texts escaped),
        ``bodies``: {record id: one line of plain text}. One INSERT: the release pass
        logs thousands (measured in bench/: the ORM's create was over a third
        of the pass); no attachment, tracking or notification to handle."""
        if not self:
            return
        thread = self.env["mail.thread"]
        author_id, email_from = thread._message_compute_author(author_id, None, raise_on_email=False)
        reply_to = thread._notify_get_reply_to(default=email_from)[False]
        now = fields.Datetime.now()
        set_wise.insert_rows(self.env.cr, "mail_message", {
            "res_id": ("int4", self.ids),
            # a paragraph, as stock's sanitizer stores the escaped one-line text
            "body": ("text", [str(Markup("<p>%s</p>") % bodies.get(rid, "")) for rid in self.ids]),
        }, same={
            "model": ("varchar", self._name), "message_type": ("varchar", "notification"),
            "subtype_id": ("int4", self.env["ir.model.data"]._xmlid_to_res_id("mail.mt_note")),
            "author_id": ("int4", author_id), "email_from": ("varchar", email_from),
            "reply_to": ("varchar", reply_to), "is_internal": ("bool", True),
            "email_add_signature": ("bool", False),
            "message_id": ("varchar", generate_tracking_message_id("message-notify")),
            "date": ("timestamp", now), **set_wise.written_by(self.env.uid, now),
        })
        self.invalidate_recordset(["message_ids"])

    def message_subscribe(self, partner_ids=None, subtype_ids=None):
        if self and not self.env.su and self._governance_active():
            # stock answers True for any id when no partner is given (SEC-4)
            self._governance_check_caller("read")
        self._governance_check_recipients(partner_ids)
        return super().message_subscribe(partner_ids=partner_ids, subtype_ids=subtype_ids)

    def message_post(self, **kwargs):
        poster = self
        if self and not self.env.su and self._governance_active():
            # posting is writing to the record, as stock checks it; a missing id and a
            # foreign one get the one refusal (stock: MissingError / AccessError)
            self._governance_check_caller(getattr(self, "_mail_post_access", "write"))
            # so the author reads these records: stock subscribing them by their
            # note is not searched again (the follower filter, mail_followers.py)
            poster = self.with_context(governance_known_reader=Trusted(
                (self._name, frozenset(self.ids), self.env.user.partner_id.id)))
        if kwargs.get("partner_ids") and self:
            self._governance_check_recipients(list(kwargs["partner_ids"]))
        return super(CrmGovernanceChatterMixin, poster).message_post(**kwargs)

    def _notify_get_recipients(self, message, msg_vals, **kwargs):
        # whatever path chose them (stock, a template, an old follower):
        # nobody is notified of a governed record they may not read
        recipients = super()._notify_get_recipients(message, msg_vals, **kwargs)
        if len(self) != 1 or not recipients or not self._governance_active():
            return recipients
        refused = self._governance_unreadable_partners([r["id"] for r in recipients if r.get("uid")]).get(self.id)
        return [r for r in recipients if r["id"] not in (refused or ())] if refused else recipients

    # -- the customer's contacts (FU-1, FU-2 b) ---------------------------------
    def _governance_contacts(self):
        """The customer's contacts a follow-up may name (FU-1)."""
        return self.env["res.partner"]

    def _governance_contact_names(self):
        return tuple(n for n in self._governance_contacts().mapped("name") if n and len(n) >= 2)

    def _governance_customer_names(self):
        """The names a follow-up of ``self`` may mention: its contacts' and
        its customer's. They are no facts of their own (FU-2 b), and a
        template with them swapped is no new note (FU-2 d)."""
        return self._governance_contact_names() + self._governance_own_names()

    def _governance_own_names(self):
        """The customer's own names (not its contacts')."""
        return ()

    # -- intake ----------------------------------------------------------------
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
        """A message just posted on ``self``: a follow-up when it is a note,
        a message or a completed activity by an internal user."""
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
            text = fu.message_text(message.body)
            if not text:
                # a file sent without a word is not a follow-up, valid or not
                return
        else:
            return
        followup = self._governance_take_followup({
            "author_id": author.id, "content": text, "source": source,
            "channel": self._governance_followup_channel(message),
            "activity_type_id": message.mail_activity_type_id.id, "message_id": message.id,
        })
        if followup and not followup.is_valid and author == self.env.user and source != "activity" and request:
            # a note typed in the chatter that does not count: said at once to
            # the person at the screen, as the Log Follow-up dialog says it (the
            # chatter marks it too)
            self.env.user._bus_send("simple_notification", {
                "type": "warning", "sticky": False, "title": self.env._("Saved, but it does not count"),
                "message": followup.with_env(self.env).reason_text})

    def _governance_take_followup(self, vals):
        """Judge and append one follow-up of ``self`` (FU-2, FU-5); when its
        author owns the record, its protection follows (FU-3, FU-4). Records
        outside any section get none."""
        self.ensure_one()
        record = self.sudo()
        if not record.section_id:
            return self.env["crm.governance.followup"]
        followup = self.env["crm.governance.followup"]._governance_create_judged(record, vals)
        record._governance_followup_counts(followup)
        return followup

    def _governance_followup_counts(self, followup):
        """The owner's follow-up renews protection, at most once a day, or
        counts against it when invalid (``policy.protection.after_followup``)."""
        section = self.section_id
        settings = self.env["crm.governance.section"]._governance_followup_settings(section.id)
        if not (settings.governed and self.user_id and self.user_id == followup.author_id
                and self.protection_state in OWNED):
            return
        current = self._governance_protection()
        at = followup.date
        policy = settings.policies[self._governance_grades().get(self.id)]
        calendar = section._governance_calendar(min(filter(None, (current.last_valid_followup_at, at))),
                                                policy, at) \
            if policy.unit == protection.WORKING else protection.WorkingCalendar()
        # asked only while a key-contact deadline is pending (FU-4)
        has_key_contact = not current.key_contact_due_at or bool(self._governance_key_contact_ids())
        new = protection.after_followup(current, followup.is_valid, at, policy, calendar,
                                        has_key_contact=has_key_contact)
        if new is None:
            return
        self._governance_store({self.id: new})
        # the reminders a renewal answers, when there are any (no search on
        # the everyday path)
        reminded = self.followup_reminded_at and self.followup_reminded_at == current.followup_due_at
        answered = (("followup_due",) if reminded else ()) + \
            (("no_contact",) if current.protection_state == protection.WARNING else ())
        if followup.is_valid and answered:
            self._governance_drop_reminders(*answered)

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
        # set-wise read of the owners' history, judged below in Python
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
            text = fu.message_text(body)
            earlier = seen.setdefault(rid, set())
            if not fu.judge(text, rules[section_id], earlier=earlier):
                last[rid] = date
            earlier.add(fu.content_key(text))
        return last

    # -- buttons -----------------------------------------------------------------
    def action_governance_log_followup(self):
        """Open the "Log Follow-up / 记录跟进" dialog (FU-1)."""
        self.ensure_one()
        # posting on a record is writing to it, as in stock Odoo's chatter
        self._governance_check_caller("write")
        context = {"active_model": self._name, "active_id": self.id, "active_ids": self.ids}
        if self.env.context.get("default_supplement_of_id"):
            context["default_supplement_of_id"] = self.env.context["default_supplement_of_id"]
        return {
            "type": "ir.actions.act_window", "name": self.env._("Log Follow-up"),
            "res_model": "crm.governance.followup.log", "view_mode": "form", "views": [(False, "form")],
            "target": "new", "context": context,
        }
