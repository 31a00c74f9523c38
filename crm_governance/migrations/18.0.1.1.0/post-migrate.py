"""18.0.1.0.0 → 18.0.1.1.0: one home per rule.

- (The old database functions went in pre-migrate.)
- ``followup_due_at`` (PROT-2's follow-up interval) and ``pool_due_at`` (the
  release pass's one date) are new: every protected record gets them from
  the deadline function, like all its other dates.
- Follow-ups get the similarity key near-duplicates are compared on (FU-2 d).
- Scheduled actions and activity types are ``noupdate`` from now on; records
  made by the previous version keep the flag they were made with unless
  told, so they are told here.
"""
from odoo import SUPERUSER_ID, api
from odoo.tools import SQL

from odoo.addons.crm_governance.policy import followups as fu


def migrate(cr, version):
    if not version:
        return
    cr.execute("""UPDATE ir_model_data SET noupdate = true
                   WHERE module = 'crm_governance' AND model IN ('ir.cron', 'mail.activity.type')""")
    env = api.Environment(cr, SUPERUSER_ID, {})
    for model in ("crm.lead", "res.partner"):
        records = env[model].with_context(active_test=False).search(
            [("section_id.governance_enabled", "=", True), ("protection_state", "in", ("protected", "warning"))])
        records._governance_protection_recompute()
    # no flood of reminders on the first run after the upgrade: follow-ups
    # already overdue today get theirs from the next due date on (the
    # warning and release passes still apply)
    for table in ("crm_lead", "res_partner"):
        cr.execute(SQL("UPDATE %s SET followup_reminded_at = followup_due_at "
                       "WHERE followup_due_at <= now() at time zone 'UTC'", SQL.identifier(table)))
    # the keys of existing follow-ups, with their record's names left out
    Followup = env["crm.governance.followup"]
    for field in ("lead_id", "partner_id"):
        todo = Followup.search([(field, "!=", False), ("similarity_key", "=", False)])
        for record, followups in todo.grouped(field).items():
            names = record._governance_customer_names()
            for followup in followups:
                cr.execute("UPDATE crm_governance_followup SET similarity_key = %s WHERE id = %s",
                           [fu.similarity_key(followup.content, names) or None, followup.id])
