from psycopg2.errors import LockNotAvailable

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

from ..policy import protection
from ..policy.protection import OWNED
from .crm_governance_ledger import RECORD_FIELD
from .trusted import Trusted


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
        if user:
            self._governance_check_owner_change(user)
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
