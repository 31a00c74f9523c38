"""PROT-5 and PROT-2 with real transactions: two users claiming at the same
moment from two database cursors, and a release run killed half-way.

These tests commit (the point is what other transactions see); they create
their own section, users and leads and remove them afterwards.
"""
import threading
from contextlib import contextmanager
from datetime import timedelta
from unittest.mock import patch

from odoo import SUPERUSER_ID, api, fields
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import CommittedSectionCase


@tagged("post_install", "-at_install", "crm_governance")
class TestCommitted(CommittedSectionCase):

    def test_claim_race_has_exactly_one_winner(self):
        with self._env() as env:
            lead_id = env["crm.lead"].create({"name": f"GOVT race {self.tag}", "section_id": self.section_id,
                                              "user_id": False}).id
        cr1, cr2 = self.registry.cursor(), self.registry.cursor()
        try:
            first = api.Environment(cr1, self.user_ids[0], {})["crm.lead"].browse(lead_id)
            second = api.Environment(cr2, self.user_ids[1], {})["crm.lead"].browse(lead_id)
            self.assertEqual(first.protection_state, "pooled")
            first.action_governance_claim()  # holds the row until it commits
            with self.assertRaisesRegex(UserError, r"at this very moment.*\(PROT-5\)"):
                second.action_governance_claim()
            cr2.rollback()
            cr1.commit()
            # the loser cannot read it any more: refused without its owner's name
            with self.assertRaisesRegex(UserError, r"You cannot reach the requested .*\(SEC-4\)") as cm:
                second.action_governance_claim()
            self.assertNotIn(f"GOVT first {self.tag}", str(cm.exception))
            cr2.rollback()
        finally:
            cr1.close()
            cr2.close()
        with self._env() as env:
            lead = env["crm.lead"].browse(lead_id)
            self.assertEqual(lead.user_id.id, self.user_ids[0])
            claims = env["crm.governance.ledger"].search([("lead_id", "=", lead_id), ("reason", "=", "claim")])
            self.assertEqual(len(claims), 1)

    @contextmanager
    def _committing(self):
        """Let the scheduled runs commit their batches, as in production."""
        thread = threading.current_thread()
        testing, thread.testing = getattr(thread, "testing", False), False
        try:
            yield
        finally:
            thread.testing = testing

    def _run_killed_in_second_batch(self, model, method, run):
        """``run(env)`` in a committing transaction of its own, with
        ``model.method`` dying after its second batch's work: the batch
        committed before is kept, the second one is rolled back."""
        cls = type(self.env[model])
        original = getattr(cls, method)
        calls = []

        def killed_in_second_batch(records, *args):
            calls.append(records.ids)
            result = original(records, *args)
            if len(calls) == 2:
                raise RuntimeError("worker killed")
            return result

        with patch.object(cls, method, killed_in_second_batch), self.registry.cursor() as cr:
            with self.assertRaises(RuntimeError):
                run(api.Environment(cr, SUPERUSER_ID, {}))
            cr.rollback()

    def test_release_run_killed_half_way_resumes(self):
        names = [f"GOVT due {i} {self.tag}" for i in range(5)]
        with self._env() as env:
            # whatever else is due (demo data) goes first, so the batches below are ours
            env["crm.governance.section"]._cron_protection_release()
        with self._env() as env:
            env["ir.config_parameter"].set_param("crm_governance.cron_batch_size", 2)
            leads = env["crm.lead"].create([{"name": n, "section_id": self.section_id,
                                             "user_id": self.user_ids[0]} for n in names])
            long_ago = fields.Datetime.now() - timedelta(days=100)
            leads._governance_backdate(long_ago)
            lead_ids = leads.ids
        try:
            with self._committing():
                self._run_killed_in_second_batch("crm.lead", "_governance_release",
                                                 lambda env: env["crm.governance.section"]._cron_protection_release())
                with self._env() as env:
                    released = env["crm.lead"].browse(lead_ids).filtered(lambda r: r.protection_state == "pooled")
                    self.assertEqual(len(released), 2)
                with self._env() as env:
                    env["crm.governance.section"]._cron_protection_release()
                with self._env() as env:
                    env["crm.governance.section"]._cron_protection_release()  # and once more: nothing to do
        finally:
            with self._env() as env:
                env["ir.config_parameter"].set_param("crm_governance.cron_batch_size", 1000)
        with self._env() as env:
            leads = env["crm.lead"].browse(lead_ids)
            self.assertEqual(set(leads.mapped("protection_state")), {"pooled"})
            ledger = env["crm.governance.ledger"].search([("lead_id", "in", lead_ids), ("reason", "=", "expired")])
            self.assertEqual(sorted(ledger.mapped("lead_id").ids), sorted(lead_ids))
            self.assertEqual(len(ledger), 5)
            owner = env["res.users"].browse(self.user_ids[0])
            notices = env["mail.message"].search([("model", "=", False),
                                                  ("partner_ids", "in", owner.partner_id.id)])
            for name in names:
                self.assertEqual(len(notices.filtered(lambda m: name in m.body)), 1, name)
                lead = leads.filtered(lambda r: r.name == name)
                self.assertEqual(len(lead.message_ids.filtered(lambda m: "PROT-2" in (m.body or ""))), 1, name)

    def test_grading_run_killed_after_first_batch_resumes(self):
        names = [f"GOVT graded {i} {self.tag}" for i in range(5)]
        with self._env() as env:
            env["ir.config_parameter"].set_param("crm_governance.grading_batch_size", 2)
            stage = env["crm.stage"].search([("is_won", "=", True)], limit=1)
            customers = env["res.partner"].create([{"name": n, "is_company": True, "user_id": self.user_ids[0]}
                                                   for n in names])
            self.assertEqual(set(customers.mapped("section_id").ids), {self.section_id})
            leads = env["crm.lead"].create([{"name": f"won {n}", "partner_id": c.id, "stage_id": stage.id,
                                             "expected_revenue": 1000.0 * (i + 1)}
                                            for i, (n, c) in enumerate(zip(names, customers, strict=True))])
            leads.write({"date_closed": fields.Datetime.now() - timedelta(days=10)})
            customer_ids, lead_ids = customers.ids, leads.ids

        def grade_section(env):
            env["res.partner"]._governance_grade_customers(section=env["crm.governance.section"].browse(self.section_id))

        try:
            with self._committing():
                self._run_killed_in_second_batch("res.partner", "_governance_store_grading", grade_section)
                with self._env() as env:
                    graded = env["res.partner"].browse(customer_ids).filtered("governance_grade")
                    self.assertEqual(len(graded), 2)
                for _run in range(2):  # the next run completes; one more finds nothing to do
                    with self._env() as env:
                        grade_section(env)
            with self._env() as env:
                customers = env["res.partner"].browse(customer_ids)
                self.assertTrue(all(customers.mapped("governance_grade")))
                for customer in customers:
                    logs = customer.message_ids.filtered(lambda m: "Grade:" in (m.body or ""))
                    self.assertEqual(len(logs), 1, customer.name)
                    self.assertEqual(env["crm.governance.grade.change"].search_count(
                        [("partner_id", "=", customer.id)]), 1, customer.name)
        finally:
            with self._env() as env:
                env["ir.config_parameter"].set_param("crm_governance.grading_batch_size", 5000)
                env["crm.lead"].browse(lead_ids).unlink()
                env["mail.message"].search([("model", "=", "res.partner"), ("res_id", "in", customer_ids)]).unlink()
                env["crm.governance.ledger"].search([("partner_id", "in", customer_ids)]).unlink()
                env["crm.governance.grade.change"].search([("partner_id", "in", customer_ids)]).unlink()
                env["res.partner"].browse(customer_ids).unlink()
