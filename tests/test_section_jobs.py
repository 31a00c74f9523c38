"""Issue 12: switching governance on for a big section, and a policy change
moving many dates, return at once; a scheduled job does the work in batches
with progress, and the section says how far it got."""
from datetime import timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, tagged

from .common import GovernanceCase, RpcMixin


class BigSectionMixin:

    def setUp(self):
        super().setUp()
        # sections of more than 4 records go to the background
        self.env["ir.config_parameter"].sudo().set_param("crm_governance.background_threshold", 4)
        self.team_big = self.env["crm.team"].create({"name": "Team Big"})
        self.big = self.env["crm.governance.section"].create({
            "name": "Big", "code": "T-BIG", "registration_facts": "", "first_followup_days": 0,
            "key_contact_months": 0, "member_ids": [(6, 0, (self.sales_a1 | self.sales_a2).ids)],
            "team_ids": [(6, 0, self.team_big.ids)]})
        Lead = self.env["crm.lead"]
        self.owned = Lead.create([{"name": f"GOVT big {i}", "user_id": self.sales_a1.id,
                                   "team_id": self.team_big.id} for i in range(4)])
        self.unowned = Lead.create({"name": "GOVT big pool", "user_id": False, "team_id": self.team_big.id})
        self.everyone = self.owned | self.unowned
        self.cron = self.env.ref("crm_governance.ir_cron_governance_section_jobs")


@tagged("post_install", "-at_install", "crm_governance")
class TestBackgroundJobs(BigSectionMixin, GovernanceCase):

    def _run(self, batches=None, size=2):
        self.big._governance_job_run(size, max_batches=batches)
        self.big.invalidate_recordset()

    def test_enabling_returns_at_once_and_the_job_finishes_it(self):
        self.big.governance_enabled = True
        # the request only queued the work: nothing governed, nothing prepared
        self.assertFalse(self.big.governance_enabled)
        self.assertEqual(self.big.governance_job, "enable")
        self.assertEqual(self.big.governance_status, "Enabling… 0 %")
        self.assertEqual(self.big.governance_job_total, 5)
        self.assertFalse(any(self.everyone.mapped("protection_state")))
        self.assertNotIn(self.big.id, self.env["crm.governance.section"]._governance_enabled_ids())
        self.assertTrue(self.cron.active)
        self.assertTrue(self.env["ir.cron.trigger"].search([("cron_id", "=", self.cron.id)]),
                        "the job is woken at once")

        self._run(batches=1)
        self.assertEqual(self.big.governance_status, "Enabling… 40 %")
        self.assertEqual(self.big.governance_job_progress, 40)
        first = self.everyone.sorted("id")[:2]
        self.assertEqual(set(first.mapped("protection_state")), {"protected"}, "prepared")
        self.assertFalse(any((self.everyone - first).mapped("protection_state")), "not reached yet")
        # records keep stock behaviour until the end: an owner change is a plain write
        self.assertFalse(self.big.governance_enabled)
        first[0].with_user(self.sales_a2).write({"user_id": False})
        self.assertFalse(self.env["crm.governance.ledger"].search([("lead_id", "=", first[0].id)]))
        # a switch-on clicked again while the job runs does not start it over
        self.big.governance_enabled = True
        self.assertEqual(self.big.governance_job_done, 2)

        self._run()
        self.assertTrue(self.big.governance_enabled)
        self.assertFalse(self.big.governance_job)
        self.assertEqual(self.big.governance_status, "Enabled")
        self.assertIn(self.big.id, self.env["crm.governance.section"]._governance_enabled_ids())
        # the record changed after it was prepared was prepared again: now pooled
        self.assertEqual(first[0].protection_state, "pooled")
        self.assertEqual(self.unowned.protection_state, "pooled")
        for lead in self.owned - first[0]:
            self.assertEqual(lead.protection_state, "protected")
            self.assertEqual(lead.release_at, lead.create_date + timedelta(days=60))
        self.assertIn("Governance is enabled: 5 records prepared", self.big.message_ids[0].body)
        # now the rules hold: a plain owner change is refused
        with self.assertRaises(UserError):
            self.owned[1].with_user(self.sales_a2).write({"user_id": self.sales_a2.id})

    def test_the_scheduled_action_runs_the_job(self):
        self.big.governance_enabled = True
        self.cron.method_direct_trigger()
        self.big.invalidate_recordset()
        self.assertTrue(self.big.governance_enabled)
        self.assertEqual(set(self.everyone.mapped("protection_state")), {"protected", "pooled"})

    def test_a_small_section_is_enabled_in_the_request(self):
        self.env["ir.config_parameter"].sudo().set_param("crm_governance.background_threshold", 100)
        self.big.governance_enabled = True
        self.assertTrue(self.big.governance_enabled)
        self.assertFalse(self.big.governance_job)
        self.assertEqual(set(self.everyone.mapped("protection_state")), {"protected", "pooled"})

    def test_stop_enabling_leaves_the_section_as_it_was(self):
        self.big.governance_enabled = True
        self._run(batches=1)
        with self.assertRaises(AccessError):
            self.big.with_user(self.head_a).action_governance_stop_enabling()
        self.assertEqual(self.big.governance_job, "enable")
        self.big.with_user(self.sysadmin).action_governance_stop_enabling()
        self.assertFalse(self.big.governance_job)
        self.assertFalse(self.big.governance_enabled)
        self.assertEqual(self.big.governance_status, "Disabled")
        self.assertFalse(any(self.everyone.mapped("protection_state")), "what was prepared is cleared")
        self._run()
        self.assertFalse(self.big.governance_enabled)

    def test_a_policy_change_on_a_big_section_moves_dates_in_the_background(self):
        self.env["ir.config_parameter"].sudo().set_param("crm_governance.background_threshold", 100)
        self.big.governance_enabled = True
        before = {lead.id: lead.release_at for lead in self.owned}
        self.env["ir.config_parameter"].sudo().set_param("crm_governance.background_threshold", 3)
        self.big.write({"warning_days": 60, "release_days": 90})
        self.assertEqual(self.big.release_days, 90, "the new numbers are the section's at once")
        self.assertEqual(self.big.governance_job, "recompute")
        self.assertEqual(self.big.governance_status, "Updating dates… 0 %")
        self.assertEqual({lead.id: lead.release_at for lead in self.owned}, before,
                         "records keep their dates until the job reaches them")
        self._run(batches=1)
        self.assertEqual(self.big.governance_status, "Updating dates… 50 %")
        self._run()
        self.assertFalse(self.big.governance_job)
        for lead in self.owned:
            self.assertEqual(lead.release_at, before[lead.id] + timedelta(days=30))

    def test_a_policy_change_while_enabling_starts_the_preparation_again(self):
        self.big.governance_enabled = True
        self._run(batches=1)
        self.big.write({"warning_days": 60, "release_days": 90})
        self.assertEqual((self.big.governance_job, self.big.governance_job_done), ("enable", 0))
        self._run()
        for lead in self.owned:
            self.assertEqual(lead.release_at, lead.create_date + timedelta(days=90))

    def test_notes_posted_while_enabling_count(self):
        self.big.governance_enabled = True
        self._run(batches=1)
        lead = self.everyone.sorted("id")[0]
        later = fields.Datetime.now() + timedelta(days=3)
        with freeze_time(later):
            lead.with_user(self.sales_a1).message_post(
                body="GOVT visited Mr. Li: budget approved, quote next week", message_type="comment",
                subtype_xmlid="mail.mt_note")
        self._run()
        self.assertEqual(lead.last_valid_followup_at, later.replace(microsecond=0))

    def test_nobody_writes_the_job_s_state(self):
        for field, value in (("governance_job", "enable"), ("governance_job_done", 99),
                             ("governance_job_position", "crm.lead:999999")):
            with self.assertRaisesRegex(UserError, "background job"):
                self.big.with_user(self.sysadmin).write({field: value})
        self.assertFalse(self.big.governance_job)


@tagged("post_install", "-at_install", "crm_governance")
class TestBackgroundJobsOverRpc(BigSectionMixin, RpcMixin, GovernanceCase, HttpCase):

    def test_switching_on_over_rpc_answers_at_once_and_the_job_s_state_is_not_input(self):
        self.login(self.sysadmin)
        res = self.call("crm.governance.section", "write", [self.big.id], {"governance_enabled": True})
        self.assertIs(res.get("result"), True, res)
        [row] = self.call("crm.governance.section", "read", [self.big.id],
                          ["governance_enabled", "governance_status", "governance_job_progress"])["result"]
        self.assertEqual(row["governance_status"], "Enabling… 0 %")
        self.assertFalse(row["governance_enabled"])
        for field, value in (("governance_job_done", 5), ("governance_job", False),
                             ("governance_job_position", "res.partner:0")):
            message = self.refused(self.call("crm.governance.section", "write", [self.big.id], {field: value}))
            self.assertIn("background job", message)
        # nor at creation, as a value or as a context default
        for values, context in (({"governance_job": "enable", "governance_job_position": "crm.lead:0"}, {}),
                                ({}, {"default_governance_job": "enable"})):
            message = self.refused(self.call("crm.governance.section", "create",
                                             [{"name": "Forged", "code": "T-FORGED", **values}], context=context))
            self.assertIn("background job", message)
        self.assertFalse(self.env["crm.governance.section"].search([("code", "=", "T-FORGED")]))
        self.big.invalidate_recordset()
        self.assertEqual((self.big.governance_job, self.big.governance_job_done), ("enable", 0))
        # a salesperson of the section cannot stop (or start) it
        self.login(self.sales_a1)
        self.refused(self.call("crm.governance.section", "action_governance_stop_enabling", [self.big.id]))
        self.refused(self.call("crm.governance.section", "write", [self.big.id], {"governance_enabled": False}))
        self.big.invalidate_recordset()
        self.assertEqual(self.big.governance_job, "enable")
