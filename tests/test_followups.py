"""FU-1 … FU-6 through the ORM: chatter notes, completed activities and the
Log Follow-up dialog become judged follow-ups; protection follows only the
valid ones; invalid protection, validity queries, append-only records."""
from datetime import datetime, timedelta

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import GovernanceCase
from .test_policy_followups import CASES, EARLIER, ELSEWHERE

T0 = datetime(2026, 3, 2, 9, 0)


class FollowupCase(GovernanceCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Partner = cls.env["res.partner"]
        cls.customer_co = Partner.create({"name": "GOVT Buyer Co", "is_company": True})
        cls.smith = Partner.create({"name": "Mr. Smith", "parent_id": cls.customer_co.id})
        cls.other_contact = Partner.create({"name": "GOVT Stranger", "parent_id": cls.cust_b1.id})

    def new_lead(self, name, user=None, **vals):
        return self.env["crm.lead"].create({
            "name": name, "user_id": (user or self.sales_a1).id, "team_id": self.team_a.id,
            "partner_id": self.customer_co.id, "contact_name": "王经理", **vals})

    def note(self, record, text, user=None):
        return record.with_user(user or self.sales_a1).message_post(
            body=text, message_type="comment", subtype_xmlid="mail.mt_note")

    def followups(self, record, **domain):
        field = "lead_id" if record._name == "crm.lead" else "partner_id"
        return self.env["crm.governance.followup"].search(
            [(field, "=", record.id)] + [(k, "=", v) for k, v in domain.items()], order="id")

    def codes(self, followup):
        return tuple(followup.reason_ids.sorted("sequence").mapped("code"))

    def run_crons(self):
        Section = self.env["crm.governance.section"]
        Section._cron_protection_warning()
        Section._cron_protection_release()


@tagged("post_install", "-at_install", "crm_governance")
class TestFollowupsThroughTheOrm(FollowupCase):

    def _same_table(self, post):
        """Every labelled text of the policy table, posted on its own lead that
        already holds EARLIER, while another lead holds ELSEWHERE."""
        for i, (label, text, expected) in enumerate(CASES):
            # 40 days apart, years before any other follow-up in the
            # database: a case is not "copied" from the cases before it
            with self.subTest(label), freeze_time(datetime(2001, 1, 1) + timedelta(days=40 * i)):
                other = self.new_lead(f"GOVT elsewhere {label}", user=self.sales_a2)
                for elsewhere in ELSEWHERE:
                    self.note(other, elsewhere, user=self.sales_a2)
                lead = self.new_lead(f"GOVT {label}")
                for earlier in EARLIER:
                    self.note(lead, earlier)
                followup = post(lead, text)
                if followup is None:
                    continue
                self.assertEqual(self.codes(followup), expected)
                self.assertEqual(followup.is_valid, not expected)
                self.assertEqual(followup.author_id, self.sales_a1)

    def test_chatter_notes_are_judged_like_the_table(self):
        def post(lead, text):
            message = self.note(lead, text)
            followup = self.followups(lead, message_id=message.id)
            if not text.strip():
                # an empty note (say, only a file) is no follow-up at all
                self.assertFalse(followup)
                return None
            self.assertEqual((len(followup), followup.source), (1, "note"))
            return followup
        self._same_table(post)

    def test_completed_activities_are_judged_on_their_feedback(self):
        call = self.env.ref("mail.mail_activity_data_call")

        def post(lead, text):
            activity = lead.with_user(self.sales_a1).activity_schedule(
                activity_type_id=call.id, user_id=self.sales_a1.id, summary="GOVT call the buyer")
            activity.with_user(self.sales_a1).action_feedback(feedback=text)
            followup = self.followups(lead, source="activity")
            self.assertEqual(len(followup), 1)
            self.assertEqual((followup.channel, followup.content), ("phone", text))
            self.assertTrue(followup.message_id)
            return followup
        self._same_table(post)

    def test_messages_by_outsiders_and_the_system_are_not_follow_ups(self):
        lead = self.new_lead("GOVT system")
        lead.message_post(body="客户王经理确认需求，下周报价", message_type="notification")
        lead.message_post(body="客户王经理确认需求，下周报价", message_type="comment",
                          author_id=self.customer_co.id)
        attachment = self.env["ir.attachment"].with_user(self.sales_a1).create({"name": "contract.pdf", "raw": b"%PDF"})
        lead.with_user(self.sales_a1).message_post(body="", attachment_ids=attachment.ids,
                                                   message_type="comment", subtype_xmlid="mail.mt_note")
        self.assertFalse(self.followups(lead), "no outsider's, no system's, no bare file")

    def test_the_reasons_speak_to_the_author(self):
        lead = self.new_lead("GOVT reasons")
        self.note(lead, "外出")
        followup = self.followups(lead).with_user(self.sales_a1)
        self.assertIn("FU-2 a", followup.reason_text)
        self.assertIn("8", followup.reason_text)
        self.assertIn("外出", followup.reason_text)
        zh = followup.with_context(lang="zh_CN")
        self.assertTrue(zh.reason_text)
        # the record's Follow-ups button lists exactly its follow-ups
        action = lead.with_user(self.sales_a1).action_view_governance_followups()
        self.assertEqual(self.env[action["res_model"]].with_user(self.sales_a1).search(action["domain"]), followup)
        self.assertEqual(lead.governance_followup_count, 1)


@tagged("post_install", "-at_install", "crm_governance")
class TestLogFollowupDialog(FollowupCase):

    def _dialog(self, record, user=None, **vals):
        action = record.with_user(user or self.sales_a1).action_governance_log_followup()
        Wizard = self.env[action["res_model"]].with_user(user or self.sales_a1).with_context(action["context"])
        return Wizard.create(vals)

    def test_the_dialog_says_before_saving_whether_it_counts(self):
        lead = self.new_lead("GOVT dialog")
        wizard = self._dialog(lead, content="外出")
        self.assertFalse(wizard.will_count)
        self.assertIn("FU-2 c", wizard.verdict)
        self.assertFalse(self.followups(lead), "nothing is recorded before saving")
        wizard.content = "与王经理电话沟通，确认预算50万，下周提交报价"
        self.assertTrue(wizard.will_count)

    def test_an_invalid_follow_up_is_saved_as_history_and_marked(self):
        lead = self.new_lead("GOVT saved invalid")
        result = self._dialog(lead, content="外出", channel="visit").action_save()
        self.assertEqual(result["params"]["type"], "warning")
        followup = self.followups(lead)
        self.assertEqual((len(followup), followup.is_valid, followup.source), (1, False, "manual"))
        self.assertEqual(followup.channel, "visit")
        self.assertIn("外出", followup.message_id.body, "the chatter keeps it too, as one note")
        self.assertEqual(len(self.followups(lead)), 1, "the note of the dialog is not a second follow-up")

    def test_a_named_contact_and_next_step(self):
        lead = self.new_lead("GOVT contact")
        self._dialog(lead, content="今天聊得很愉快，约好了", contact_id=self.smith.id, channel="phone",
                     next_step="Send the quote", next_date=T0.date() + timedelta(days=400)).action_save()
        followup = self.followups(lead)
        self.assertTrue(followup.is_valid, "a named contact is enough substance (FU-2 b)")
        self.assertEqual(followup.contact_id, self.smith)
        todo = lead.activity_ids.filtered(lambda a: a.summary == "Send the quote")
        self.assertEqual(todo.user_id, self.sales_a1)

    def test_a_correction_is_a_new_linked_follow_up(self):
        lead = self.new_lead("GOVT correction")
        self._dialog(lead, content="外出").action_save()
        first = self.followups(lead)
        action = first.with_user(self.sales_a1).action_add_supplement()
        wizard = self.env[action["res_model"]].with_user(self.sales_a1).with_context(action["context"]).create(
            {"content": "补充：王经理确认了采购数量200台和预算"})
        self.assertEqual(wizard.supplement_of_id, first)
        wizard.action_save()
        second = self.followups(lead) - first
        self.assertEqual((second.supplement_of_id, second.is_valid), (first, True))
        self.assertEqual(first.supplement_ids, second)
        self.assertFalse(first.is_valid, "the first one stays as it was")

    def test_bad_input_names_the_field_and_the_rule(self):
        lead = self.new_lead("GOVT bad input")
        with self.assertRaisesRegex(UserError, r"'Content'.*FU-1"):
            self._dialog(lead, content="   ").action_save()
        with self.assertRaisesRegex(UserError, r"'Content' is 10001 characters.*10000.*FU-1"):
            self._dialog(lead, content="需" * 10001).action_save()
        with self.assertRaisesRegex(UserError, r"'Contact'.*not a contact.*FU-1") as cm:
            self._dialog(lead, content="与客户确认了预算和交付时间", contact_id=self.other_contact.id).action_save()
        self.assertNotIn("GOVT Stranger", str(cm.exception), "the id may be anyone's: no name")
        self.assertFalse(self.followups(lead), "nothing half-written")
        self.assertFalse(lead.message_ids.filtered(lambda m: "预算" in (m.body or "")))

    def test_customer_accounts_have_follow_ups_too(self):
        Partner = self.env["res.partner"]
        contact = Partner.create({"name": "赵经理", "parent_id": self.cust_a1.id})
        self._dialog(self.cust_a1, content="确认了明年的采购计划和预算", contact_id=contact.id).action_save()
        followup = self.followups(self.cust_a1)
        self.assertEqual((followup.res_model, followup.is_valid, followup.section_id),
                         ("res.partner", True, self.section_a))
        self.note(self.cust_a1, "电话")
        self.assertEqual(len(self.followups(self.cust_a1)), 2)


@tagged("post_install", "-at_install", "crm_governance")
class TestProtectionFollowsValidFollowups(FollowupCase):
    """FU-3, FU-4 with time travel."""

    def test_valid_follow_ups_keep_a_record_past_60_days(self):
        with freeze_time(T0):
            lead = self.new_lead("GOVT kept alive")
        texts = ["拜访王经理，了解到新厂房需求", "王经理确认预算约80万", "发送方案和报价给采购部",
                 "采购部反馈价格需要再谈", "王经理说合同下周走审批流程", "Mr. Smith confirmed the order quantity"]
        for i, text in enumerate(texts, start=1):
            with freeze_time(T0 + timedelta(days=14 * i)):
                self.note(lead, text)
                self.run_crons()
        self.assertTrue(all(self.followups(lead).mapped("is_valid")))
        with freeze_time(T0 + timedelta(days=14 * len(texts) + 1)):
            self.run_crons()
            self.assertEqual((lead.user_id, lead.protection_state), (self.sales_a1, "protected"))
            self.assertEqual(lead.last_valid_followup_at, T0 + timedelta(days=84))
            self.assertFalse(lead.governance_invalid_protection)

    def test_invalid_follow_ups_alone_do_not_renew_and_the_record_is_released_on_schedule(self):
        # PROT-2's clock alone (FU-4 switched off): invalid notes never move it
        self.section_a.write({"first_followup_days": 0, "key_contact_months": 0, "invalid_followup_limit": 0})
        with freeze_time(T0):
            lead = self.new_lead("GOVT kept 'alive'")
        for day, text in [(10, "外出"), (20, "没找到人"), (30, "无人接听！！"), (40, "电话"), (50, "在忙，再联系")]:
            with freeze_time(T0 + timedelta(days=day)):
                self.note(lead, text)
        self.assertFalse(any(self.followups(lead).mapped("is_valid")))
        self.assertEqual(lead.last_valid_followup_at, T0)
        with freeze_time(T0 + timedelta(days=59, hours=23)):
            self.run_crons()
            self.assertEqual((lead.user_id, lead.protection_state), (self.sales_a1, "warning"))
        with freeze_time(T0 + timedelta(days=60, hours=1)):
            self.run_crons()
            self.assertEqual((lead.user_id.id, lead.protection_state), (False, "pooled"))
            ledger = self.env["crm.governance.ledger"].search([("lead_id", "=", lead.id), ("reason", "=", "expired")])
            self.assertEqual(ledger.old_user_id, self.sales_a1)

    def test_no_valid_follow_up_within_15_days_makes_protection_invalid(self):
        with freeze_time(T0):
            lead = self.new_lead("GOVT first follow-up")
            self.assertEqual(lead.first_valid_due_at, T0 + timedelta(days=15))
        with freeze_time(T0 + timedelta(days=5)):
            self.note(lead, "外出")
        with freeze_time(T0 + timedelta(days=14, hours=23)):
            self.run_crons()
            self.assertEqual(lead.user_id, self.sales_a1)
        with freeze_time(T0 + timedelta(days=15, hours=1)):
            self.assertTrue(lead.governance_invalid_protection)
            self.assertEqual(lead.protection_badge, "Invalid protection · pool in 0 days")
            self.run_crons()
            self.assertEqual(lead.protection_state, "pooled")
            row = self.env["crm.governance.ledger"].search([("lead_id", "=", lead.id), ("reason", "=", "invalid")])
            self.assertEqual(row.old_user_id, self.sales_a1)
            self.assertIn("FU-4", row.note)

    def test_a_valid_follow_up_lifts_the_first_follow_up_deadline(self):
        with freeze_time(T0):
            lead = self.new_lead("GOVT first valid")
        with freeze_time(T0 + timedelta(days=5)):
            self.note(lead, "王经理确认了需求，下周报价")
            self.assertFalse(lead.first_valid_due_at)
        with freeze_time(T0 + timedelta(days=20)):
            self.run_crons()
            self.assertEqual((lead.user_id, lead.governance_invalid_protection), (self.sales_a1, False))

    def test_no_key_contact_one_month_after_registration(self):
        with freeze_time(T0):
            lead = self.new_lead("GOVT no contact", partner_id=False, contact_name=False)
            kept = self.new_lead("GOVT contact added later", partner_id=False, contact_name=False)
            self.assertEqual(lead.key_contact_due_at, datetime(2026, 4, 2, 9, 0))
        with freeze_time(T0 + timedelta(days=3)):
            self.note(lead, "客户采购部确认需求和预算")
            self.note(kept, "客户采购部确认需求，预算下周定")
            kept.contact_name = "陈主任"
            self.assertFalse(kept.key_contact_due_at)
        with freeze_time(datetime(2026, 4, 2, 10, 0)):
            invalid = self.env["crm.lead"].search([("governance_invalid_protection", "=", True),
                                                   ("id", "in", (lead | kept).ids)])
            self.assertEqual(invalid, lead, "the Invalid Protection filter")
            self.assertIn("key contact", lead.governance_invalid_reason)

    def test_a_person_added_to_the_customer_company_is_the_lead_s_key_contact(self):
        company = self.env["res.partner"].create({"name": "GOVT Key Co", "is_company": True})
        with freeze_time(T0):
            lead = self.new_lead("GOVT company lead", partner_id=company.id, contact_name=False)
            self.assertTrue(lead.key_contact_due_at)
        with freeze_time(T0 + timedelta(days=3)):
            self.env["res.partner"].create({"name": "GOVT 刘经理", "parent_id": company.id})
            self.assertFalse(lead.key_contact_due_at)

    def test_a_person_as_the_customer_is_the_lead_s_key_contact(self):
        person = self.env["res.partner"].create({"name": "GOVT 孙女士", "is_company": False})
        company = self.env["res.partner"].create({"name": "GOVT Nobody Co", "is_company": True})
        with freeze_time(T0):
            lead = self.new_lead("GOVT person lead", partner_id=person.id, contact_name=False)
            bare = self.new_lead("GOVT company without people", partner_id=company.id, contact_name=False)
            self.assertFalse(lead.key_contact_due_at)
            self.assertTrue(bare.key_contact_due_at)
        with freeze_time(T0 + timedelta(days=3)):
            # the owner's note asks again while the deadline pends: still none
            self.note(bare, "客户采购部确认需求和预算，下周报价")
            self.assertTrue(bare.key_contact_due_at)

    def test_three_invalid_follow_ups_flag_the_record_and_an_admin_reassigns_it(self):
        lead = self.new_lead("GOVT three strikes")
        for text in ("外出", "电话", "没找到人"):
            self.assertFalse(lead.governance_invalid_protection)
            self.note(lead, text)
        self.assertEqual(lead.invalid_followup_count, 3)
        self.assertTrue(lead.governance_invalid_protection)
        self.assertIn("3 invalid follow-ups", lead.governance_invalid_reason)
        # another salesperson's invalid notes do not count against the owner
        self.note(lead, "外出外出", user=self.head_a)
        self.assertEqual(lead.invalid_followup_count, 3)
        # section admins reassign it directly, without the pool
        lead.with_user(self.admin_a).action_governance_dispatch(self.sales_a2)
        self.assertEqual((lead.user_id, lead.protection_state), (self.sales_a2, "protected"))
        self.assertFalse(lead.governance_invalid_protection, "a new owner starts a new period")
        row = self.env["crm.governance.ledger"].search([("lead_id", "=", lead.id), ("reason", "=", "invalid")])
        self.assertEqual((row.old_user_id, row.new_user_id), (self.sales_a1, self.sales_a2))
        with self.assertRaisesRegex(UserError, "PROT-5"):
            self.lead_a1.with_user(self.admin_a).action_governance_dispatch(self.sales_a2)


@tagged("post_install", "-at_install", "crm_governance")
class TestValidityQuery(FollowupCase):
    """FU-6."""

    def ask(self, name, user=None, reason="I have been talking to them for months"):
        wizard = self.env["crm.governance.validity.query.wizard"].with_user(user or self.sales_a2).create(
            {"customer": name, "reason": reason})
        return wizard, wizard.action_submit()

    def refusal(self, name, **kw):
        """The answer of a lookup that filed nothing: returned as a warning,
        not raised, so the lookup stays counted (FU-6)."""
        _wizard, action = self.ask(name, **kw)
        self.assertEqual(action["tag"], "display_notification", action)
        return action["params"]["message"]

    def test_flagged_record_is_transferred_to_the_requester(self):
        lead = self.new_lead("GOVT wanted", partner_name="GOVT Wanted Ltd")
        for text in ("外出", "电话", "没找到人"):
            self.note(lead, text)
        _wizard, action = self.ask("govt wanted ltd")
        query = self.env["crm.governance.validity.query"].browse(action["res_id"])
        # the requester learns the owner, the section and the days left, not the record
        as_requester = query.with_user(self.sales_a2)
        self.assertEqual((as_requester.owner_id, as_requester.section_id, as_requester.days_left),
                         (self.sales_a1, self.section_a, 60))
        with self.assertRaises(AccessError):
            as_requester.read(["lead_id"])
        with self.assertRaises(AccessError):
            lead.with_user(self.sales_a2).read(["name"])
        notice = self.env["mail.message"].search([("partner_ids", "in", self.sales_a1.partner_id.id),
                                                  ("subject", "like", "Validity query")])
        self.assertTrue(notice, "the owner is told")
        # the salesperson cannot decide; the section head sees the evidence and transfers
        with self.assertRaisesRegex(UserError, "FU-6"):
            query.with_user(self.sales_a2).action_transfer("mine now")
        as_head = query.with_user(self.head_a)
        self.assertTrue(as_head.evidence_invalid)
        self.assertEqual(len(as_head.evidence_followup_ids), 3)
        self.assertIn("3 invalid follow-ups", as_head.evidence_html)
        with self.assertRaisesRegex(UserError, "unconditionally.*FU-6"):
            as_head.action_refuse("no")
        decision = self.env["crm.governance.validity.decision"].with_user(self.head_a).create(
            {"query_id": query.id, "transfer": True, "decision": "three invalid notes in a row"})
        decision.action_confirm()
        self.assertEqual((lead.user_id, query.state, query.decided_by_id), (self.sales_a2, "transferred", self.head_a))
        row = self.env["crm.governance.ledger"].search([("lead_id", "=", lead.id), ("reason", "=", "validity_query")])
        self.assertEqual((row.old_user_id, row.new_user_id, row.note),
                         (self.sales_a1, self.sales_a2, "three invalid notes in a row"))

    def test_well_followed_record_is_refused_with_the_reason(self):
        lead = self.new_lead("GOVT well followed", email_from="buyer@wellfollowed.example.com")
        self.note(lead, "王经理确认了需求和预算，下周报价")
        _wizard, action = self.ask("buyer@wellfollowed.example.com")
        query = self.env["crm.governance.validity.query"].browse(action["res_id"]).with_user(self.admin_a)
        self.assertFalse(query.evidence_invalid)
        with self.assertRaisesRegex(UserError, "valid.*only be refused.*FU-6"):
            query.action_transfer()
        with self.assertRaisesRegex(UserError, "'Decision'.*FU-6"):
            query.action_refuse("  ")
        query.action_refuse("Valid follow-up last week; the owner keeps it")
        self.assertEqual((lead.user_id, query.state), (self.sales_a1, "refused"))
        row = self.env["crm.governance.ledger"].search([("lead_id", "=", lead.id), ("reason", "=", "validity_query")])
        self.assertEqual((row.old_user_id, row.new_user_id), (self.sales_a1, self.sales_a1))
        self.assertIn("the owner keeps it", row.note)
        with self.assertRaisesRegex(UserError, "already decided.*FU-6"):
            query.action_refuse("again")

    def test_bad_queries_are_refused_with_the_rule(self):
        self.new_lead("GOVT mine", partner_name="GOVT Mine Ltd", user=self.sales_a2)
        self.assertRegex(self.refusal("GOVT Mine Ltd"), "already own.*FU-6")
        other = self.refusal("GOVT lead B1")
        self.assertRegex(other, "another section.*FU-6")
        self.assertNotIn("Section B", other)
        with self.assertRaisesRegex(UserError, "'Why'.*FU-6"):
            self.ask("GOVT lead A1", reason=" ")
        with self.assertRaisesRegex(UserError, "'Customer'.*FU-6"):
            self.ask(" ")
        self.assertRegex(self.refusal("GOVT lead A pool"), "public pool.*FU-6")
        self.assertRegex(self.refusal("GOVT nobody knows"), "No registered customer.*FU-6")
        # % and _ are characters, not wildcards: no name is rebuilt prefix by prefix
        self.assertRegex(self.refusal("GOVT lead B%"), "No registered customer.*FU-6")
        self.assertRegex(self.refusal("GOVT lead _1"), "No registered customer.*FU-6")

    def test_daily_limit(self):
        self.section_a.validity_query_daily_limit = 3
        self.ask("GOVT lead A1")
        # answers that file nothing count too, before they are given
        self.refusal("GOVT nobody knows")
        self.refusal("GOVT lead B1")
        with self.assertRaisesRegex(UserError, "at most 3 validity queries per day.*FU-6"):
            self.ask("GOVT lead B%")


@tagged("post_install", "-at_install", "crm_governance")
class TestFollowupsAreAppendOnly(FollowupCase):
    """FU-5, and who reads follow-ups."""

    def test_nobody_below_superuser_rewrites_or_deletes(self):
        lead = self.new_lead("GOVT append-only")
        message = self.note(lead, "外出")
        followup = self.followups(lead)
        for user in (self.sales_a1, self.head_a, self.admin_a, self.management, self.sysadmin):
            with self.subTest(user=user.login):
                with self.assertRaises(AccessError):
                    followup.with_user(user).write({"is_valid": True})
                with self.assertRaises(AccessError):
                    followup.with_user(user).unlink()
                with self.assertRaises(AccessError):
                    self.env["crm.governance.followup"].with_user(user).create(
                        {"res_model": "crm.lead", "lead_id": lead.id, "author_id": user.id, "is_valid": True})
        # nor the chatter message it came from
        with self.assertRaisesRegex(UserError, "FU-5"):
            lead.with_user(self.sales_a1)._message_update_content(message, body="王经理确认了需求和预算，下周报价")
        with self.assertRaisesRegex(UserError, "FU-5"):
            message.with_user(self.sales_a1).unlink()
        self.assertFalse(followup.is_valid)
        self.assertIn("外出", message.body)
        # the superuser may (data repair)
        followup.sudo().write({"next_step": "repaired"})

    def test_who_reads_follow_ups(self):
        lead = self.new_lead("GOVT who reads")
        self.note(lead, "王经理确认了需求，预算50万")
        followup = self.followups(lead)
        Followup = self.env["crm.governance.followup"]
        for user, sees in [(self.sales_a1, True), (self.head_a, True), (self.admin_a, True),
                           (self.management, True), (self.sales_a2, False), (self.sales_b1, False),
                           (self.head_b, False), (self.frozen, False)]:
            with self.subTest(user=user.login):
                found = Followup.with_user(user).search([("id", "=", followup.id)])
                self.assertEqual(bool(found), sees)
                groups = Followup.with_user(user).read_group([("res_name", "=", "GOVT who reads")],
                                                             ["valid_rate:avg"], ["author_id"])
                self.assertEqual(bool(groups), sees)

    def test_merged_leads_keep_their_follow_ups(self):
        first = self.new_lead("GOVT merge one")
        second = self.new_lead("GOVT merge two")
        self.note(first, "王经理确认了需求，预算50万")
        self.note(second, "外出")
        # merging deletes leads: the section admin's duty (客户合并, SEC-2), not a head's or salesperson's
        for user in (self.head_a, self.sales_a1):
            with self.assertRaises(AccessError):
                (first | second).with_user(user).merge_opportunity(auto_unlink=True)
        merged = (first | second).with_user(self.admin_a).merge_opportunity(auto_unlink=True)
        self.assertEqual(len(self.followups(merged)), 2, "the follow-ups follow the chatter")
