from collections import namedtuple
from datetime import timedelta

from markupsafe import Markup
from psycopg2.errors import LockNotAvailable

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL, format_date

from ..policy import ownership, protection, registration
from ..policy.access import DISPATCH
from ..policy.protection import OWNED
from .governed import RECORD_FIELD
from .reader_language import notify
from .trusted import Trusted

# what a claim refusal is told with (PROT-5)
ClaimFacts = namedtuple("ClaimFacts", "held cap daily_limit lost_at until holder", defaults=(None,))


class CrmGovernancePoolMixin(models.AbstractModel):
    """The public pool (公海) and the owner's actions, PROT-5 and SEC-2:
    claim, release, dispatch and reassign, each checked against the
    section's rules under a row lock, and each the one way (with the
    validity query and merges) an owner changes in a governed section."""
    _name = "crm.governance.pool.mixin"
    _description = "CRM Public Pool Actions"

    def _governance_check_distributor(self):
        """Dispatching and reassigning (分配) belong to the heads and admins of
        the records' section (SEC-2); said without naming any record."""
        if self.env.su:
            return
        me, records = self.env.user, self.sudo()
        if any(not rec.section_id for rec in records) \
                or not all(me._governance_may_decide(DISPATCH, section) for section in records.section_id):
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


    def _governance_lock(self):
        """Lock the rows, then re-read them: the first claim wins exactly once."""
        try:
            with self.env.cr.savepoint(flush=False):
                # an answer, not a server error: kept out of Odoo's error log
                self.env.cr.execute(SQL("SELECT id FROM %s WHERE id = ANY(%s) FOR NO KEY UPDATE NOWAIT",
                                        SQL.identifier(self._table), self.ids), log_exceptions=False)
        except LockNotAvailable:
            # no names: the caller may be racing for records it cannot read yet
            raise UserError(_("Someone else is taking these records at this very moment; refresh the "
                              "pool (PROT-5).")) from None
        self.invalidate_recordset()

    # -- the pool as a salesperson sees it (PROT-5) -------------------------
    governance_pooled_at = fields.Datetime(string="In the Pool Since", compute="_compute_governance_pool_info")
    governance_previous_owner_id = fields.Many2one("res.users", string="Previous Owner",
                                                   compute="_compute_governance_pool_info")
    governance_pool_reason = fields.Char(string="Why in the Pool", compute="_compute_governance_pool_info")
    governance_claimable = fields.Boolean(string="I May Claim It", compute="_compute_governance_pool_info")
    governance_claim_status = fields.Char(string="Claim", compute="_compute_governance_pool_info")

    @api.depends_context("uid")
    def _compute_governance_pool_info(self):
        pooled = self.filtered(lambda r: r.id and r.protection_state == protection.POOLED)
        (self - pooled).update({"governance_pooled_at": False, "governance_previous_owner_id": False,
                                "governance_pool_reason": False, "governance_claimable": False,
                                "governance_claim_status": False})
        if not pooled:
            return
        records = pooled.sudo()
        field = RECORD_FIELD[self._name]
        # the row that put each record into the pool: its latest ownerless one
        rows = self.env["crm.governance.ledger"].sudo().search(
            [(field, "in", records.ids), ("new_user_id", "=", False)], order="date desc, id desc")
        entered = {}
        for row in rows:
            entered.setdefault(row[field].id, row)
        reasons = dict(rows._fields["reason"]._description_selection(self.env))
        refusals = records._governance_claim_refusals(self.env.user)
        for rec in pooled:
            row = entered.get(rec.id)
            rec.governance_pooled_at = row.date if row else False
            rec.governance_previous_owner_id = row.old_user_id if row else False
            label = reasons.get(row.reason, row.reason) if row else False
            rec.governance_pool_reason = self.env._("%(reason)s: %(note)s", reason=label, note=row.note) \
                if row and row.note and ownership.BY_CODE[row.reason].shows_note else label
            refusal, facts = refusals[rec.id]
            rec.governance_claimable = not refusal
            rec.governance_claim_status = self._governance_claim_status(refusal, facts)

    def _governance_claim_status(self, refusal, facts):
        """What the pool list says of a record for its reader (PROT-5)."""
        if not refusal:
            return self.env._("You may claim it")
        if refusal == protection.COOLDOWN:
            return self.env._("Cool-down: you lost it on %(lost)s; you may claim it again from %(until)s (PROT-5)",
                              lost=format_date(self.env, facts.lost_at), until=format_date(self.env, facts.until))
        if refusal == protection.OVER_CAP:
            return self.env._("Your cap is reached: you hold %(held)s of %(cap)s (PROT-5)", held=facts.held,
                              cap=facts.cap)
        if refusal == protection.DAILY_LIMIT:
            return self.env._("Today's claims are used up: %(limit)s per day (PROT-5)", limit=facts.daily_limit)
        if refusal == protection.HELD and facts.holder:
            return self.env._("%(holder)s holds this customer: only they may take it back, or the section head "
                              "dispatches it to them (ENTRY-2)",
                              holder=self.env["res.users"].sudo().browse(facts.holder).name)
        if refusal == protection.HELD:
            return self.env._("Held by another registration of this customer (ENTRY-2)")
        if refusal == protection.NOT_MEMBER:
            return self.env._("Not a pool of your sections (PROT-5)")
        return self.env._("Not in the public pool (PROT-5)")

    def _governance_claim_refusals(self, user, claiming=None, with_holders=True):
        """record id -> (refusal code or None, :class:`ClaimFacts`) for
        ``user`` claiming the records of ``self`` (the superuser's), from
        facts gathered in bulk: one home for the claim and the pool list
        (``policy.protection.claim_refusal``). ``claiming``: how many are
        claimed at once per section (default 1, the pool list's question)."""
        now = fields.Datetime.now()
        Ledger = self.env["crm.governance.ledger"].sudo()
        field = RECORD_FIELD[self._name]
        start_of_day = fields.Datetime.to_datetime(fields.Date.context_today(self.with_user(user)))
        claimed_today = Ledger.search_count([("author_id", "=", user.id), ("reason", "=", ownership.CLAIM),
                                             ("date", ">=", start_of_day)])
        lost = dict(Ledger._read_group(
            [(field, "in", self.ids), ("old_user_id", "=", user.id), ("reason", "in", ownership.OWNER_LOSES)],
            [field], ["date:max"]))
        held_elsewhere, holders, own_customer = set(), {}, set()
        if with_holders:
            registers = self._governance_registers().filtered(lambda r: r.protection_state == protection.POOLED)
            if registers:
                verdicts = registers._governance_verdicts(registers._governance_keys(), owner=user)
                held_elsewhere = {rid for rid, verdict in verdicts.items() if verdict.kind in (
                    registration.TAKEN_SAME_SECTION, registration.TAKEN_OTHER_SECTION)}
                # who holds it, where the reader may be told: their own section
                holders = {rid: verdict.holder.owner_id for rid, verdict in verdicts.items()
                           if verdict.kind == registration.TAKEN_SAME_SECTION}
                own_customer = {rid for rid, verdict in verdicts.items() if verdict.kind == registration.OWN}
        result = {}
        for section, recs in self.grouped("section_id").items():
            member = user in section._governance_people() and not user.governance_frozen
            held = self.search_count([("section_id", "=", section.id), ("user_id", "=", user.id),
                                      ("protection_state", "in", OWNED)]) if section else 0
            for rec in recs:
                lost_at = lost.get(rec)
                facts = ClaimFacts(held=held, cap=section.claim_cap, daily_limit=section.daily_claim_limit,
                                   lost_at=lost_at,
                                   until=protection.cooldown_until(lost_at, section.reclaim_cooldown_days),
                                   holder=holders.get(rec.id))
                result[rec.id] = (protection.claim_refusal(
                    pooled=rec.protection_state == protection.POOLED and section.governance_enabled, member=member,
                    held=held, cap=section.claim_cap, claiming=claiming or 1, lost_at=lost_at,
                    cooldown_days=section.reclaim_cooldown_days, now=now, claimed_today=claimed_today,
                    daily_limit=section.daily_claim_limit, held_elsewhere=rec.id in held_elsewhere,
                    holds_customer=rec.id in own_customer), facts)
        return result

    def action_governance_claim(self):
        """Claim (领取) pooled records of one's own section. From the web
        client (``governance_from_ui`` in the button's context) a refusal is
        a notice and the list or form reloads; over JSON-RPC it is raised.
        Either way nothing is half-done: all the records, or none."""
        if not self.env.context.get("governance_from_ui"):
            self._governance_claim()
            return True
        try:
            with self.env.cr.savepoint():
                self._governance_claim()
        except (UserError, AccessError) as error:
            return self._governance_notice("danger", self.env._("Nothing was claimed"), error.args[0])
        due = min(filter(None, self.sudo().mapped("governance_next_due_at")), default=None)
        return self._governance_notice("success", self.env._("Claimed"), self.env._(
            "%(count)s record(s) are yours now and protected from today; the next valid follow-up is due by "
            "%(date)s (PROT-5, PROT-2).", count=len(self), date=format_date(self.env, due) if due else "-"))

    def _governance_notice(self, kind, title, message):
        """A notice in the web client, then the list or form reloads."""
        return {"type": "ir.actions.client", "tag": "display_notification", "params": {
            "type": kind, "sticky": kind == "danger", "title": title, "message": message,
            "next": {"type": "ir.actions.client", "tag": "soft_reload"}}}

    def _governance_claim(self):
        try:
            self._governance_check_caller("read")
        except AccessError:
            # in the web client the pool list was shown a moment ago: say what
            # happened, as a count; over JSON-RPC the one refusal (SEC-4)
            if self.env.context.get("governance_from_ui") and self._governance_taken_meanwhile():
                raise UserError(self.env._(
                    "Someone else took %(count)s of these records a moment ago: they are no longer in the public "
                    "pool. Nothing was claimed (PROT-5).", count=len(self._governance_taken_meanwhile()))) from None
            raise
        user = self.env.user
        records = self.sudo()
        records._governance_lock()
        for section, recs in records.grouped("section_id").items():
            if user not in section._governance_people():
                # said without any name: an outsider learns nothing of another
                # section's records (SEC-4)
                raise UserError(_("You may only claim pool records of your own sections (PROT-5)."))
            # the door holds the claim to the pool's limits, inside the lock
            # (cap, cool-down, daily claims), and to the first registration (ENTRY-2)
            recs.with_env(self.env)._governance_set_owner(user, ownership.CLAIM)

    def _governance_taken_meanwhile(self):
        """The records of ``self`` the caller no longer reads because someone
        of their own section took them from the pool since the list was
        shown (a claim or a dispatch): told as a count, never by name."""
        user = self.env.user.sudo()
        if user.governance_frozen:
            return self.browse()
        records = self.sudo().exists()
        if len(records) != len(self):
            return self.browse()
        mine = user._governance_listed_sections()
        unreadable = records.filtered(lambda r: not r.with_env(self.env).has_access("read"))
        field = RECORD_FIELD[self._name]
        if not unreadable or any(r.section_id not in mine or not r.user_id for r in unreadable):
            return self.browse()
        taken = self.env["crm.governance.ledger"].sudo().search_count([
            (field, "in", unreadable.ids), ("reason", "in", ownership.FROM_POOL),
            ("date", ">=", fields.Datetime.now() - timedelta(hours=1))])
        return unreadable if taken >= len(unreadable) else self.browse()

    def _governance_claim_message(self, refusal, rec, section, facts):
        if refusal == protection.NOT_MEMBER:
            return _("Only salespeople of section %(section)s may claim its pool records (PROT-5).",
                     section=section.display_name)
        if refusal == protection.OVER_CAP:
            return _("You already hold %(held)s protected records in section %(section)s; the cap is "
                     "%(cap)s (PROT-5).", held=facts.held, section=section.display_name, cap=section.claim_cap)
        if refusal == protection.COOLDOWN:
            return _("You lost %(record)s on %(date)s: you may claim it again %(days)s days after that (PROT-5).",
                     record=rec.display_name, date=format_date(self.env, facts.lost_at),
                     days=section.reclaim_cooldown_days)
        return _("You may claim at most %(limit)s pool records per day in section %(section)s (PROT-5).",
                 limit=section.daily_claim_limit, section=section.display_name)

    # -- the door: every change of a governed record's owner ---------------------
    def _governance_set_owner(self, user, reason, note=False):
        """Give ``self`` (locked by the caller) to ``user``, or to nobody (the
        pool), for ``reason``: the one way the module changes an owner
        (claim, release, dispatch, reassignment, invalid protection, a
        validity query's transfer, a cross-section move), set-wise. The
        reason's row (policy/ownership.py) says who may give the records,
        which limits the new owner is held to and who is told; the write's
        pipeline keeps the ledger, the reminders and the followers. Called
        in the giver's environment; the module's own runs call it as
        superuser. The reason travels as a :class:`Trusted` value, so a
        JSON-RPC caller cannot dress up a plain write as a claim."""
        row = ownership.BY_CODE[reason]
        records = self.sudo()
        if not records:
            return
        if not self.env.su:
            self._governance_check_giver(row, user)
        if ownership.NOTE in row.limits and not (isinstance(note, str) and note.strip()):
            raise UserError(_("Field 'Reason' is required: say why the records change hands (PROT-5, PROT-7)."))
        if user:
            records._governance_check_limits(row, user)
        before = {rec.id: rec.user_id for rec in records}
        context = {"governance_change": Trusted((reason, note or False))}
        if ownership.NEW_OWNER in row.told:
            # told below, once for the batch and with the reason: not also by stock, once per record
            context["mail_auto_subscribe_no_notify"] = True
        records.with_context(**context)._governance_write_owner(user)
        if row.told:
            records._governance_tell(row, user, before, note)

    def _governance_check_giver(self, row, user):
        """Is the caller one who may give ``self`` away for ``row``'s
        reason (policy.ownership.may_give)? Said without naming a record."""
        me = self.env.user
        roles, heads, admins = me._governance_roles(), me.sudo().governance_head_section_ids.ids, \
            me.sudo().governance_admin_section_ids.ids
        for section, recs in self.sudo().grouped("section_id").items():
            member = me == user and me in section._governance_people()
            for rec in recs:
                if not ownership.may_give(row.code, roles, section.id or None, section.governance_enabled,
                                          owns=rec.user_id == me, member=member, head_of=heads, admin_of=admins):
                    raise AccessError(_(
                        "You may not give these records away as \"%(reason)s\" (PROT-5, PROT-7).",
                        reason=self.env["crm.governance.ledger"]._governance_reason_label(row.code)))

    def _governance_check_limits(self, row, user):
        """The limits ``row``'s reason holds the new owner to (PROT-5,
        ENTRY-2): the pool's (cap, cool-down, daily claims) with the claim's
        words, or the section's people within their cap; never another
        owner's customer."""
        if {ownership.COOLDOWN, ownership.DAILY_LIMIT} & row.limits:
            for section, recs in self.grouped("section_id").items():
                # inside the lock, for the records as they are now; the cap
                # and the daily limit count every record taken at once
                refusals = recs._governance_claim_refusals(user, claiming=len(recs))
                for rec in recs:
                    refusal, facts = refusals[rec.id]
                    if refusal == protection.NOT_POOLED:
                        raise UserError(_(
                            "%(record)s is not in the public pool: %(owner)s holds it since %(since)s (PROT-5).",
                            record=rec.display_name, owner=rec.user_id.name or _("nobody"),
                            since=rec.protected_since and format_date(self.env, rec.protected_since) or "-"))
                    # HELD: said below, naming the holder (ENTRY-2)
                    if refusal and refusal != protection.HELD:
                        raise UserError(self._governance_claim_message(refusal, rec, section, facts))
        elif ownership.CAP in row.limits:
            self._governance_check_new_owner(self, user)
        if ownership.FIRST_REGISTRATION in row.limits:
            self._governance_check_owner_change(user)

    def _governance_tell(self, row, user, before, note):
        """Who ``row`` says is told, in their language, by one notice each
        (not the giver): the new owner, the previous owners."""
        giver = self.env.user
        label = self.env["crm.governance.ledger"]._governance_reason_label

        def with_note(env, text):
            # the giver's words on a line of their own (no punctuation of one language around another's)
            return Markup("%s<br/>%s") % (text, env._("Note: %s", note)) if note else text
        if ownership.NEW_OWNER in row.told and user and user != giver:
            names = ", ".join(self.mapped("display_name"))
            notify(self.env, user, lambda env: env._("Records given to you: %s", label(row.code, env)),
                   lambda env: with_note(env, env._("%(giver)s gave you %(records)s (%(reason)s).", giver=giver.name,
                                                    records=names, reason=label(row.code, env))))
        if ownership.PREVIOUS_OWNER in row.told:
            for owner, recs in self.grouped(lambda rec: before[rec.id]).items():
                if not owner or owner in (giver, user):
                    continue
                names = ", ".join(recs.mapped("display_name"))
                notify(self.env, owner, lambda env: env._("Records taken from you: %s", label(row.code, env)),
                       lambda env, names=names: with_note(env, env._(
                           "%(giver)s took %(records)s from you (%(reason)s).", giver=giver.name,
                           records=names, reason=label(row.code, env))))

    def _governance_write_owner(self, user):
        self.write({"user_id": user.id})

    def _governance_refuse_pending(self, action):
        """A registration waiting for approval is nobody's yet and not in the
        pool: releasing or dispatching it would leave it with no owner, or
        start protection around the approval (ENTRY-3)."""
        if "governance_registration_state" not in self._fields:
            return
        pending = self.sudo().filtered(lambda r: r.governance_registration_state == "pending")
        if pending:
            raise UserError(_(
                "%(records)s waits for approval: it cannot be %(action)s before the section head decides; the "
                "owner may withdraw it (mark it lost) meanwhile (ENTRY-3).",
                records=", ".join(pending.mapped("display_name")), action=action))

    def action_governance_release(self, note):
        """The owner gives records back to the pool, with a reason."""
        self._governance_check_caller("write")
        if not isinstance(note, str) or not note.strip():
            raise UserError(_("Field 'Reason' is required to release a record to the pool (PROT-5)."))
        self._governance_refuse_pending(_("released to the pool"))
        self._governance_lock()
        # the owner releases; a head or admin returns others' records (the door's rows)
        mine = self.sudo().filtered(lambda r: r.user_id == self.env.user).with_env(self.env)
        mine._governance_set_owner(self.env["res.users"], ownership.RELEASE, note.strip())
        (self - mine)._governance_set_owner(self.env["res.users"], ownership.RETURN, note.strip())
        # the reason in the record's history too, as a note of the module's (kept as written, FU-5)
        for rec in self.sudo():
            # the person's words last, as written: no punctuation of ours after theirs
            rec._message_log(body=self.env._("Released to the public pool by %(user)s (PROT-5). Reason: %(reason)s",
                                             user=self.env.user.name, reason=note.strip()),
                             author_id=self.env.ref("base.partner_root").id)
        return True

    def action_governance_dispatch(self, user, note=False):
        """Distribute (分配) records of one's section to one of its salespeople:
        pool records (分单), records whose protection is invalid (无效保护,
        FU-4), and, with a reason, protected records (reassignment) (SEC-2)."""
        self._governance_check_caller("write")
        self._governance_check_distributor()
        self._governance_refuse_pending(_("dispatched"))
        user = self._governance_user_arg(user)
        self._governance_lock()
        invalid = self.filtered("governance_invalid_protection")
        pooled = self.filtered(lambda r: r.protection_state == "pooled")
        protected = self - invalid - pooled
        if protected and not (isinstance(note, str) and note.strip()):
            raise UserError(_("%(records)s is not in the public pool, and its protection is valid: give a "
                              "reason to reassign it (PROT-5, FU-4).",
                              records=", ".join(protected.mapped("display_name"))))
        # a reassigned record takes what its owner holds of the same customer
        # in the section (its account, its other opportunities): the first
        # registration, left behind, would refuse the new owner (ENTRY-2)
        family = (invalid | protected)._governance_move_family()
        family = {model: recs - self if model == self._name else recs for model, recs in family.items()}
        refs = {(r._name, r.id) for r in self} | {(r._name, r.id) for recs in family.values() for r in recs}
        moving = self.with_context(governance_moving_together=Trusted(frozenset(refs)))
        for recs in family.values():
            if recs:
                recs.sudo()._governance_check_new_owner(recs.sudo(), user)
                recs.sudo()._governance_lock()
        pooled.with_env(moving.env)._governance_set_owner(user, ownership.DISPATCH)
        # an invalid-protection record goes straight to its new owner (无效保护, FU-4)
        invalid.with_env(moving.env)._governance_set_owner(user, ownership.INVALID,
                                                           self.env._("Reassigned: invalid protection (FU-4)."))
        if protected:
            protected.with_env(moving.env)._governance_set_owner(user, ownership.REASSIGN, note.strip())
        for recs in family.values():
            if recs:
                recs.with_env(moving.env)._governance_set_owner(
                    user, ownership.REASSIGN, self.env._("With its customer: %s", (note or "").strip() or
                                                 self.env._("reassigned together (ENTRY-2)")))
        return True

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
