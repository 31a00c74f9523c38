"""FU-2 b/c/d/e through the ORM: what a salesperson gaming the rules would
post in the chatter does not renew protection, and the author is told what
is missing or which earlier note it repeats."""
from datetime import datetime, timedelta

from freezegun import freeze_time

from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .test_followups import FollowupCase

T0 = datetime(2026, 3, 2, 9, 0)
DAY = timedelta(days=1)


@tagged("post_install", "-at_install", "crm_governance")
class TestGamingThroughTheOrm(FollowupCase):

    def setUp(self):
        super().setUp()
        self.section_a.write({"first_followup_days": 0, "key_contact_months": 0, "invalid_followup_limit": 0})

    def _last(self, lead):
        return self.followups(lead)[-1:]

    def test_keyword_stuffing_and_private_notes_renew_nothing(self):
        with freeze_time(T0):
            lead = self.new_lead("GOVT stuffing")
        with freeze_time(T0 + 10 * DAY):
            self.note(lead, "客户需求、预算、进展、报价、渠道、合同")
            stuffed = self._last(lead)
            self.assertEqual(stuffed.reason_ids.mapped("code"), ["keywords_only"])
            self.assertIn("FU-2 b", stuffed.reason_text)
            self.note(lead, "和王经理聚餐，聊到他家装修的预算")
            private = self._last(lead)
            self.assertEqual(private.reason_ids.mapped("code"), ["unrelated"])
            self.assertIn("FU-2 e", private.reason_text)
            self.assertEqual(lead.release_at, T0 + 60 * DAY, "neither renews protection")
            self.note(lead, "王经理确认了二期需求，预算约80万，下周提交报价")
            self.assertTrue(self._last(lead).is_valid)
            self.assertEqual(lead.release_at, T0 + 70 * DAY)

    def test_a_near_copy_of_last_week_s_note_names_it(self):
        with freeze_time(T0):
            lead = self.new_lead("GOVT near copy")
            self.note(lead, "王经理确认了二期需求，预算约80万，下周提交报价")
            first = self._last(lead)
        with freeze_time(T0 + 7 * DAY):
            self.note(lead, "3月9日：王经理确认了二期需求，预算约90万，下周提交报价(2)")
            copy = self._last(lead)
            self.assertEqual((copy.is_valid, copy.reason_ids.mapped("code"), copy.repeats_id),
                             (False, ["repeated"], first))
            self.assertIn("2026-03-02", copy.reason_text)
            self.assertEqual(lead.last_valid_followup_at, T0, "the copy renews nothing")

    def test_one_template_pasted_across_customers(self):
        other_co = self.env["res.partner"].create({"name": "GOVT 华信软件", "is_company": True})
        with freeze_time(T0):
            first = self.new_lead("GOVT template 1")
            self.note(first, "拜访GOVT Buyer Co，王经理对方案很满意，预算已批，下周签约")
            original = self._last(first)
            colleague = self.new_lead("GOVT template colleague", user=self.sales_a2,
                                      partner_id=other_co.id, contact_name="李总")
        with freeze_time(T0 + 2 * DAY):
            second = self.new_lead("GOVT template 2", partner_id=other_co.id, contact_name="李总")
            self.note(second, "拜访GOVT 华信软件，李总对方案很满意，预算已批，下周签约")
            pasted = self._last(second)
            self.assertEqual((pasted.reason_ids.mapped("code"), pasted.repeats_id), (["copied"], original))
            self.assertIn("GOVT template 1", pasted.with_user(self.sales_a1).reason_text)
            # a colleague's note that reads nearly the same is not their template
            # (word for word it would be a copy, by anyone: FU-2)
            self.note(colleague, "拜访GOVT 华信软件，李总对方案很满意，预算已批，计划下周签约", user=self.sales_a2)
            self.assertTrue(self._last(colleague).is_valid)
        with freeze_time(T0 + 40 * DAY):
            third = self.new_lead("GOVT template 3", partner_id=other_co.id, contact_name="李总")
            self.note(third, "拜访GOVT 华信软件，李总对方案很满意，预算已批，下周签约")
            self.assertTrue(self._last(third).is_valid, "outside the 30-day copy window")

    def test_the_log_dialog_says_it_before_saving(self):
        with freeze_time(T0):
            lead = self.new_lead("GOVT dialog near copy")
            self.note(lead, "Met Mr. Smith: they need 200 units by March, budget approved at 50k")
        with freeze_time(T0 + 3 * DAY):
            wizard = self.env["crm.governance.followup.log"].with_user(self.sales_a1).with_context(
                active_model="crm.lead", active_id=lead.id).create(
                {"content": "Met Mr. Smith: they need 250 units by March, budget approved at 60k"})
            self.assertFalse(wizard.will_count)
            self.assertIn("FU-2 d", wizard.verdict)
            wizard.content = "Needs; budget; quote; contract; progress."
            self.assertFalse(wizard.will_count)
            self.assertIn("list of keywords", wizard.verdict)

    def test_the_section_s_numbers_are_checked(self):
        with self.assertRaisesRegex(ValidationError, r"Near-duplicate Similarity.*at most 100 \(FU-2\)"):
            self.section_a.followup_similarity = 101
        with self.assertRaisesRegex(ValidationError, r"Near-duplicate Similarity.*at least 50 \(FU-2\)"):
            self.section_a.followup_similarity = 10
        self.section_a.followup_similarity = 100
        with freeze_time(T0):
            lead = self.new_lead("GOVT strict section")
            self.note(lead, "王经理确认了二期需求，预算约80万，下周提交报价")
        with freeze_time(T0 + 7 * DAY):
            self.note(lead, "王经理确认了二期需求，预算约80万，下周要提交报价")
            self.assertTrue(self._last(lead).is_valid, "at 100 % only an exact repeat counts as one")
