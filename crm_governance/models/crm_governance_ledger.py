from odoo import _, api, fields, models
from odoo.exceptions import AccessError

from ..policy import ownership
from . import set_wise
from .governed import RECORD_FIELD
from .reader_language import notify


class CrmGovernanceLedger(models.Model):
    """Append-only ownership ledger (PROT-7, SEC-3): who held a record, who
    moved it where, when and why. Rows are written by the module with sudo;
    nobody but the superuser can change or delete them."""
    _name = "crm.governance.ledger"
    # one refusal for a foreign and a missing id (SEC-4)
    _inherit = ["crm.governance.boundary.mixin"]
    _description = "CRM Ownership Ledger"
    _order = "date desc, id desc"
    _rec_name = "res_name"

    date = fields.Datetime(required=True, default=fields.Datetime.now, readonly=True, index=True)
    lead_id = fields.Many2one("crm.lead", string="Lead/Opportunity", index="btree_not_null",
                              ondelete="set null", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", index="btree_not_null",
                                 ondelete="set null", readonly=True)
    res_name = fields.Char(string="Record", readonly=True)
    old_user_id = fields.Many2one("res.users", string="Previous Owner", readonly=True, index=True)
    new_user_id = fields.Many2one("res.users", string="New Owner", readonly=True, index=True)
    old_section_id = fields.Many2one("crm.governance.section", string="Previous Section",
                                     readonly=True, index=True)
    section_id = fields.Many2one("crm.governance.section", readonly=True,
                                 index=True)
    author_id = fields.Many2one("res.users", string="Done By", required=True, readonly=True,
                                default=lambda self: self.env.user)
    reason = fields.Selection(ownership.SELECTION, required=True, readonly=True)
    note = fields.Text(readonly=True)
    owner_notified = fields.Boolean(
        string="Previous Owner Notified", readonly=True, copy=False,
        help="Set once the previous owner has been told of an automatic release.")

    def write(self, vals):
        if not self.env.su:
            raise AccessError(_("The ownership ledger is append-only: rows cannot be changed (PROT-7)."))
        return super().write(vals)

    def unlink(self):
        if not self.env.su:
            raise AccessError(_("The ownership ledger is append-only: rows cannot be deleted (PROT-7)."))
        return super().unlink()

    @api.model
    def _governance_reason_label(self, code, env=None):
        """A reason's label in ``env``'s language (the reader's)."""
        env = env or self.env
        return dict(self._fields["reason"]._description_selection(env)).get(code, code)

    @api.model
    def _log(self, records, reason, old_values, note=False):
        """Append one row per record of ``records`` just changed.
        ``old_values`` maps record id to ``(old_user_id, old_section_id)``
        taken before the change."""
        records = records.sudo()
        self._governance_append(records._name, [{
            "res_id": rec.id, "res_name": rec.display_name,
            "old_user_id": old_values[rec.id][0], "old_section_id": old_values[rec.id][1],
            "new_user_id": False if reason == ownership.DELETED else rec.user_id.id,
            "section_id": rec.section_id.id, "reason": reason, "note": note,
        } for rec in records])

    @api.model
    def _governance_append(self, model, rows, author_id=None):
        """The one way rows are appended (PROT-7): ``rows`` are dicts with
        res_id, res_name, old/new user, old/new section, reason and note,
        all of one record model; by the current user unless ``author_id``
        (the scheduled passes write as OdooBot)."""
        if not rows:
            return self.browse()
        field = RECORD_FIELD[model]
        author = author_id or self.env.uid
        now = fields.Datetime.now()
        for row in rows:
            if row["reason"] not in ownership.BY_CODE:
                raise ValueError(f"unknown ledger reason {row['reason']!r}")

        def column(key):
            return [row[key] or None for row in rows]
        # one INSERT for the batch: the release pass appends thousands of rows
        # (measured in bench/: the ORM's create was a fifth of the pass); the
        # ledger has no computed field, no default but these, no hook
        ids = set_wise.insert_rows(self.env.cr, self._table, {
            field: ("int4", column("res_id")), "res_name": ("varchar", column("res_name")),
            "old_user_id": ("int4", column("old_user_id")), "new_user_id": ("int4", column("new_user_id")),
            "old_section_id": ("int4", column("old_section_id")), "section_id": ("int4", column("section_id")),
            "reason": ("varchar", column("reason")), "note": ("text", column("note")),
        }, same={"author_id": ("int4", author), "date": ("timestamp", now),
                 **set_wise.written_by(self.env.uid, now)})
        return self.browse(ids)

    @api.model
    def _notify_released_owners(self):
        """One notice per previous owner for every automatic release not yet
        notified, however many batches or interrupted runs produced them."""
        self.flush_model()
        # one aggregate per run: a pass may have written thousands of rows
        self.env.cr.execute("""
            SELECT old_user_id, array_agg(id ORDER BY id), array_agg(res_name ORDER BY id)
              FROM crm_governance_ledger
             WHERE reason = ANY(%s) AND NOT COALESCE(owner_notified, false) AND old_user_id IS NOT NULL
             GROUP BY old_user_id""", [list(ownership.TOLD_AFTER_PASS)])
        told = self.env.cr.fetchall()
        if not told:
            return
        # the owners browsed together: their languages are read in one query
        owners = self.env["res.users"].browse([row[0] for row in told])
        for owner, (_user_id, _row_ids, names) in zip(owners, told, strict=True):
            # in the owner's language, not the scheduled pass's (OdooBot's)
            notify(self.env, owner, lambda env, names=names: env._(
                "%s record(s) went back to the public pool", len(names)),
                lambda env, names=names: env._(
                "Without a valid follow-up in time, these records were released to the public pool (PROT-2): %s",
                ", ".join(names[:20]) + (env._(" and %s more", len(names) - 20) if len(names) > 20 else "")),
                # e-mails queued, not sent one by one inside the pass
                force_send=False)
        self.env.cr.execute("UPDATE crm_governance_ledger SET owner_notified = true WHERE id = ANY(%s)",
                            [[i for row in told for i in row[1]]])
        self.invalidate_model(["owner_notified"])
        # the queued e-mails go out now, by the mail queue's own job
        mail_queue = self.env.ref("mail.ir_cron_mail_scheduler_action", raise_if_not_found=False)
        if mail_queue:
            mail_queue.sudo()._trigger()
