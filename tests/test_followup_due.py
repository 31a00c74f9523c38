"""PROT-2's follow-up interval: a valid follow-up is due every 15 days; when
it passes, the owner gets one "follow-up due" activity per due date."""
from datetime import datetime, timedelta

from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import GovernanceCase

T0 = datetime(2026, 3, 2, 9, 0)  # a Monday
DAY = timedelta(days=1)


@tagged("post_install", "-at_install", "crm_governance")
class TestFollowupDue(GovernanceCase):

    def setUp(self):
        super().setUp()
        # the follow-up interval alone: FU-4's deadlines are tested elsewhere
        self.section_a.write({"first_followup_days": 0, "key_contact_months": 0})

    def _remind(self):
        self.env["crm.governance.section"]._cron_followup_due()

    def _reminders(self, lead):
        return lead.activity_ids.filtered(
            lambda a: a.activity_type_id == self.env.ref("crm_governance.mail_activity_type_followup_due"))

    def _note(self, lead, text):
        lead.with_user(lead.user_id).message_post(body=text, message_type="comment", subtype_xmlid="mail.mt_note")

    def test_one_reminder_per_due_date(self):
        with freeze_time(T0):
            lead = self.env["crm.lead"].with_user(self.sales_a1).create(
                {"name": "GOVT due", "user_id": self.sales_a1.id, "team_id": self.team_a.id})
            self.assertEqual(lead.followup_due_at, T0 + 15 * DAY)
            self.assertFalse(lead.governance_followup_overdue)
        with freeze_time(T0 + 14 * DAY):
            self._remind()
            self.assertFalse(self._reminders(lead))
        with freeze_time(T0 + 15 * DAY + timedelta(hours=1)):
            self._remind()
            self._remind()  # a rerun reminds nobody twice
            reminder = self._reminders(lead)
            self.assertEqual(len(reminder), 1)
            self.assertEqual((reminder.user_id, reminder.date_deadline), (self.sales_a1, (T0 + 15 * DAY).date()))
            lead.invalidate_recordset()  # time moved on: what the next page load computes
            self.assertTrue(lead.governance_followup_overdue)
            self.assertIn("Follow-up overdue", lead.protection_badge)
            overdue = self.env["crm.lead"].with_user(self.sales_a1).search(
                [("governance_followup_overdue", "=", True), ("id", "=", lead.id)])
            self.assertEqual(overdue, lead, "the 'Follow-up Overdue' filter finds it")
            # the owner dismisses the reminder without following up: not sent again
            reminder.unlink()
            self._remind()
            self.assertFalse(self._reminders(lead))
        with freeze_time(T0 + 16 * DAY):
            self._note(lead, "GOVT王经理确认了预算，下周提交报价方案")
            self.assertEqual(lead.followup_due_at, T0 + 31 * DAY)
            self.assertFalse(lead.governance_followup_overdue)
        with freeze_time(T0 + 31 * DAY + timedelta(hours=1)):
            self._remind()
            self.assertEqual(len(self._reminders(lead)), 1, "a new due date, a new reminder")
        with freeze_time(T0 + 32 * DAY):
            self._note(lead, "GOVT拜访采购部，确认了样品需求和交付时间")
            self.assertFalse(self._reminders(lead), "the follow-up answers the reminder")

    def test_the_interval_is_the_section_s_and_cannot_be_forged(self):
        self.section_a.followup_interval_days = 7
        with freeze_time(T0):
            lead = self.env["crm.lead"].create(
                {"name": "GOVT weekly", "user_id": self.sales_a1.id, "team_id": self.team_a.id})
            self.assertEqual(lead.followup_due_at, T0 + 7 * DAY)
            self.section_a.followup_interval_days = 10
            self.assertEqual(lead.followup_due_at, T0 + 10 * DAY, "a policy change moves the due date")
        for fname in ("followup_due_at", "followup_reminded_at"):
            with self.assertRaisesRegex(UserError, r"cannot be written.*\(PROT-2, FU-4\)"):
                lead.write({fname: T0 + 300 * DAY})
        self.assertEqual(lead.followup_due_at, T0 + 10 * DAY)

    def test_dry_run_shows_follow_ups_coming_due(self):
        with freeze_time(T0):
            self.env["crm.lead"].create(
                {"name": "GOVT dry due", "user_id": self.sales_a1.id, "team_id": self.team_a.id})
        with freeze_time(T0 + 10 * DAY):
            wizard = self.env["crm.governance.dry.run"].with_user(self.admin_a).create(
                {"section_id": self.section_a.id, "horizon": "week"})
            wizard.action_compute()
            due = self.env["crm.lead"].browse(wizard.would_remind["crm.lead"])
            self.assertIn("GOVT dry due", due.mapped("name"))
            self.assertNotIn("GOVT dry due", self.env["crm.lead"].browse(
                wizard.would_warn.get("crm.lead", []) + wizard.would_release.get("crm.lead", [])).mapped("name"))
