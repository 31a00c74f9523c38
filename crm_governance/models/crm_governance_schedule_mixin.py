from odoo import SUPERUSER_ID, api, fields, models
from odoo.tools import SQL, format_date

from ..policy import ownership, protection
from ..policy.protection import OWNED
from .reader_language import reader_env

# the moment of a record that makes it due for each pass; the dates are the
# policy's results (policy.protection.evaluate), the passes only compare
DUE = {
    "followup": lambda now: SQL(
        "r.followup_due_at <= %s AND r.followup_reminded_at IS DISTINCT FROM r.followup_due_at", now),
    "warning": lambda now: SQL("r.warn_at <= %s AND r.protection_state = 'protected'", now),
    # pool_due_at: release or invalid protection (FU-4), whichever first
    "release": lambda now: SQL("r.pool_due_at <= %s", now),
}


class CrmGovernanceScheduleMixin(models.AbstractModel):
    """The scheduled passes (PROT-2, FU-4) on one model: remind owners of a
    follow-up due, warn them, release to the pool. Set-wise: one indexed
    query finds a batch of due records, one statement changes their state
    (the state change is the guard against doing anything twice), and the
    ledger rows, activities and chatter notes of the batch follow in bulk.
    ``crm.governance.section._governance_run_pass`` drives the batches."""
    _name = "crm.governance.schedule.mixin"
    _description = "CRM Protection Scheduled Passes"

    def _governance_name_column(self):
        """The stored column that names a record in ledger rows."""
        return "name"

    def _governance_due_sql(self):
        """Extra condition on due records of this model (alias ``r``)."""
        return SQL("r.active")

    @api.model
    def _governance_due_ids(self, kind, now, limit, after_id=0):
        # keyset pagination on the index of each date column: a batch costs
        # the same at the millionth record as at the first
        self.env.cr.execute(SQL(
            """SELECT r.id FROM %(table)s r JOIN crm_governance_section s ON s.id = r.section_id
                WHERE s.governance_enabled AND r.protection_state IN %(owned)s AND %(due)s
                  AND r.user_id IS NOT NULL AND %(extra)s AND r.id > %(after)s
                ORDER BY r.id LIMIT %(limit)s""",
            table=SQL.identifier(self._table), owned=OWNED, due=DUE[kind](now),
            extra=self._governance_due_sql(), limit=limit or None, after=after_id))
        return [r[0] for r in self.env.cr.fetchall()]

    def _governance_activities(self, kind, summary):
        """One activity of ``kind`` per record for its owner; ``summary(rec,
        env)``: its ``(text, deadline)``, the text in the owner's language."""
        activity_type = self.env.ref(f"crm_governance.mail_activity_type_{kind}")
        model_id = self.env["ir.model"]._get_id(self._name)
        envs = {}
        vals = []
        for rec in self:
            text, deadline = summary(rec, reader_env(self.env, rec.user_id, envs))
            vals.append({"res_model_id": model_id, "res_id": rec.id, "activity_type_id": activity_type.id,
                         "user_id": rec.user_id.id, "summary": text, "date_deadline": deadline})
        self.env["mail.activity"].sudo().with_context(mail_activity_quick_update=True).create(vals)

    def _governance_remind(self, now):
        """Follow-up pass on ``self``: the owner of a record whose valid
        follow-up is due gets one "follow-up due" activity, never two for
        the same due date (the due date reminded of is kept on the record)."""
        # the guard and its mark in one statement: reruns find nothing to do
        self.env.cr.execute(SQL(
            """UPDATE %(table)s r SET followup_reminded_at = r.followup_due_at
                WHERE r.id = ANY(%(ids)s) AND r.protection_state IN %(owned)s AND %(due)s
            RETURNING r.id""",
            table=SQL.identifier(self._table), ids=self.ids, owned=OWNED, due=DUE["followup"](now)))
        reminded = self.browse([r[0] for r in self.env.cr.fetchall()])
        reminded.invalidate_recordset(["followup_reminded_at"])
        # a due date moved (policy change) replaces the reminder, never adds one
        reminded._governance_drop_reminders("followup_due")
        reminded._governance_activities("followup_due", lambda rec, env: (
            env._("A valid follow-up was due on %(date)s: the last one was on %(last)s (PROT-2).",
                  date=format_date(env, rec.followup_due_at), last=format_date(env, rec.last_valid_followup_at)),
            rec.followup_due_at.date()))
        return reminded

    def _governance_warn(self, now):
        """Warning pass on ``self``: protected → warning, one activity for the
        owner. The state change is the guard: a record is warned once per
        crossing, whatever reruns happen."""
        self.env.cr.execute(SQL(
            """UPDATE %(table)s r SET protection_state = 'warning'
                WHERE r.id = ANY(%(ids)s) AND %(due)s
                RETURNING r.id""", table=SQL.identifier(self._table), ids=self.ids,
            due=DUE["warning"](now)))
        warned = self.browse([r[0] for r in self.env.cr.fetchall()])
        warned._governance_sql_written(["protection_state"])
        warned._governance_activities("no_contact", lambda rec, env: (
            env._("No valid contact for %(days)s days: follow up before %(date)s or it goes to the public pool "
                  "(PROT-2).", days=(now - rec.last_valid_followup_at).days if rec.last_valid_followup_at else 0,
                  date=format_date(env, rec.release_at)),
            rec.release_at.date()))
        return warned

    def _governance_release(self, now):
        """Release pass on ``self``: owner cleared, pooled, ledger row, chatter
        note, and one notice per previous owner."""
        # one statement takes the rows (SKIP LOCKED: a claim or another run
        # holding one leaves it for the next batch), pools them and says what
        # they were; an ORM write per record would cost a write() each
        self.env.cr.execute(SQL(
            """WITH due AS (
                   SELECT r.id, r.user_id, r.section_id, r.last_valid_followup_at, r.release_at,
                          r.%(name)s AS name
                     FROM %(table)s r
                    WHERE r.id = ANY(%(ids)s) AND r.protection_state IN %(owned)s AND %(due)s
                      AND r.user_id IS NOT NULL
                   FOR UPDATE SKIP LOCKED)
               UPDATE %(table)s t SET user_id = NULL, %(pooled)s
                 FROM due WHERE t.id = due.id
            RETURNING due.id, due.user_id, due.section_id, due.last_valid_followup_at, due.release_at,
                      due.name""",
            table=SQL.identifier(self._table), ids=self.ids, owned=OWNED, now=now,
            due=DUE["release"](now), name=SQL.identifier(self._governance_name_column()),
            # the last valid contact stays: the pool and validity queries show it
            pooled=SQL(", ").join(SQL("%s = %s", SQL.identifier(c), getattr(protection.IN_POOL, c))
                                  for c in protection.COLUMNS if c != "last_valid_followup_at")))
        rows = [(*row, protection.release_reason(row[4], now) == ownership.INVALID) for row in self.env.cr.fetchall()]
        if not rows:
            return self.browse()
        released = self.browse([r[0] for r in rows])
        released._governance_sql_written()
        sections = self.env["crm.governance.section"].browse({r[2] for r in rows})
        days = {s.id: s.release_days for s in sections}
        # the ledger's and the chatter's words, in the previous owner's language
        envs = {}
        # one language per owner, read together (not once per record)
        owners = self.env["res.users"].browse(sorted({r[1] for r in rows}))
        owner_env = {owner.id: reader_env(self.env, owner, envs) for owner in owners}
        # a date formatted once per language and day (format_date reads the language each call)
        formatted = {}

        def format_day(env, value):
            day = value and fields.Datetime.context_timestamp(env["res.lang"], value).date()
            if (env.lang, day) not in formatted:
                formatted[env.lang, day] = format_date(env, day)
            return formatted[env.lang, day]
        texts = {}
        for rid, uid, sid, last, release, _name, invalid in rows:
            env = owner_env[uid]
            if invalid:
                texts[rid] = (
                    env._("Invalid protection: invalid follow-ups, no valid follow-up in time or no key contact; "
                          "released early (FU-4)."),
                    env._("Released to the public pool: its protection was invalid (invalid follow-ups, no valid "
                          "follow-up in time or no key contact) (FU-4)."))
            else:
                texts[rid] = (
                    env._("No valid contact since %(last)s; released on %(release)s after %(days)s days (PROT-2).",
                          last=format_day(env, last), release=format_day(env, release), days=days[sid]),
                    env._("Released to the public pool: no valid contact by the owner since %(last)s, and section "
                          "rules release a record after %(days)s days without one (PROT-2).",
                          last=format_day(env, last), days=days[sid]))
        self.env["crm.governance.ledger"]._governance_append(self._name, [{
            "res_id": rid, "res_name": name, "old_user_id": uid, "new_user_id": False,
            "old_section_id": sid, "section_id": sid, "reason": ownership.INVALID if invalid else ownership.EXPIRED,
            "note": texts[rid][0],
        } for rid, uid, sid, last, release, name, invalid in rows], author_id=SUPERUSER_ID)
        # stock's log batch, by OdooBot, in one statement
        released._governance_log_notes({rid: texts[rid][1] for rid in texts},
                                       author_id=self.env.ref("base.partner_root").id)
        released._governance_drop_reminders("followup_due", "no_contact")
        self.env["crm.governance.validity.query"]._governance_close_moot(released)
        # the previous owners stop following what they lost (SEC-4)
        released._governance_prune_followers(leaving={row[0]: row[1] for row in rows})
        return released
