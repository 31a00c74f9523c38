"""The boundary's second outside probe (issue 21, classes 3 to 8), over
JSON-RPC as the users concerned: registering around the rules, won deals as
facts, deletes, lookups counted alike, grade notes, and the smaller holes.
Each refusal is asserted with the state read back unchanged. (Class 1,
followers: test_followers_boundary.py; class 2, stock lookups:
test_stock_lookup_sweep.py.)"""
import json
from datetime import timedelta

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import HttpCase, new_test_user, tagged

from odoo.addons.crm_governance.policy import settings

from .common import GovernanceCase, RpcMixin


class SecondPassCase(RpcMixin, GovernanceCase, HttpCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.china = cls.env.ref("base.cn")
        cls.env.ref("base.main_company").country_id = cls.china
        cls.source = cls.env["utm.source"].create({"name": "GOVT 展会"})

    def facts(self, **vals):
        return dict({"name": "GOVT 商机", "type": "opportunity", "partner_name": "GOVT 苏州新河电子有限公司",
                     "contact_name": "王经理", "phone": "0512-6588 1234", "source_id": self.source.id,
                     "state_id": self.env.ref("base.state_cn_JS").id, "country_id": self.china.id,
                     "description": "<p>两条产线需要设备联网</p>"}, **vals)


@tagged("post_install", "-at_install", "crm_governance")
class TestRegisteringAroundTheRules(SecondPassCase):
    """Class 3: a governed section's people register into it. Chosen (see
    the README): refused elsewhere, unless the other section (not governed)
    lists them too; their section's team is their default on every path."""

    def test_a_team_outside_governed_sections_is_refused(self):
        # teams the salesperson is a member of (else Odoo gives the lead their default team)
        stock_team = self.env["crm.team"].create({"name": "GOVT stock team", "member_ids": [(4, self.sales_a1.id)]})
        bare_team = self.env["crm.team"].create({"name": "GOVT no section", "member_ids": [(4, self.sales_a1.id)]})
        ungoverned = self.env["crm.governance.section"].create({
            "name": "GOVT ungoverned", "code": "T-U", "team_ids": [(6, 0, stock_team.ids)]})
        self.assertFalse(ungoverned.governance_enabled)
        self.login(self.sales_a1)
        before = self.env["crm.lead"].search_count([])
        # another section's customer, no facts: through a team of an ungoverned section
        res = self.call("crm.lead", "create", [{"name": "GOVT 绕过", "team_id": stock_team.id,
                                                "user_id": self.sales_a1.id, "partner_name": "GOVT customer B1"}])
        self.assertIn("Section A", self.refused(res, "T Sales B1"))
        # through a team of no section: filed into Section A, with its checks (B's customer: refused)
        res = self.call("crm.lead", "create", [{"name": "GOVT 绕过", "team_id": bare_team.id,
                                                "user_id": self.sales_a1.id, "partner_name": "GOVT customer B1"}])
        self.assertIn("another section", self.refused(res, "T Sales B1"))
        # a customer account with an owner outside every section: refused too
        self.refused(self.call("res.partner", "create", [{"name": "GOVT 绕过客户", "is_company": True,
                                                          "user_id": self.stock_sales.id}]))
        self.assertEqual(self.env["crm.lead"].search_count([]), before)
        # the section's own team, and no team at all (the default lands in Section A), work
        res = self.call("crm.lead", "create", [self.facts(user_id=self.sales_a1.id)])
        lead = self.env["crm.lead"].browse(res["result"])
        self.assertEqual(lead.section_id, self.section_a)
        # listed on the ungoverned section too: that section is theirs to use
        ungoverned.member_ids = [(4, self.sales_a1.id)]
        res = self.call("crm.lead", "create", [self.facts(team_id=stock_team.id, user_id=self.sales_a1.id,
                                                          partner_name="GOVT 另一条业务线")])
        self.assertIn("result", res, res)


@tagged("post_install", "-at_install", "crm_governance")
class TestWonDealsAreFacts(SecondPassCase):
    """Class 4: a won deal's amount, date, customer and stage change only
    through a logged correction by the section's head or a system admin."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.won_stage = cls.env["crm.stage"].search([("is_won", "=", True)], limit=1)
        cls.deal = cls.env["crm.lead"].create({
            "name": "GOVT 已赢商机", "type": "opportunity", "user_id": cls.sales_a1.id, "team_id": cls.team_a.id,
            "partner_id": cls.cust_a1.id, "expected_revenue": 1000})
        cls.deal.with_user(cls.sales_a1).action_set_won()

    def facts_of(self, deal):
        deal.invalidate_recordset()
        return deal.with_context(active_test=False).read(
            ["expected_revenue", "date_closed", "partner_id", "stage_id", "active"])[0]

    def test_the_owner_cannot_rewrite_a_won_deal(self):
        before = self.facts_of(self.deal)
        self.login(self.sales_a1)
        for vals in ({"expected_revenue": 50_000_000}, {"date_closed": "2020-01-01 00:00:00"},
                     {"partner_id": self.sales_a1.partner_id.id}, {"active": False},
                     {"stage_id": self.env["crm.stage"].search([("is_won", "=", False)], limit=1).id}):
            with self.subTest(vals=vals):
                self.assertIn("GRADE-2", self.refused(self.call("crm.lead", "write", [self.deal.id], vals)))
        self.refused(self.call("crm.lead", "action_set_lost", [self.deal.id]))
        self.refused(self.call("crm.lead", "action_archive", [self.deal.id]))
        self.assertEqual(self.facts_of(self.deal), before)
        # not a won deal: edited as usual
        self.assertEqual(self.call("crm.lead", "write", [self.lead_a1.id], {"expected_revenue": 5})["result"], True)

    def test_the_head_corrects_it_with_a_reason_and_the_grade_reads_it(self):
        Correction = self.env["crm.governance.won.correction"]
        for user in (self.sales_a1, self.management, self.head_b):
            with self.subTest(user=user.login), self.assertRaises(UserError):
                Correction.with_user(user).with_context(default_lead_id=self.deal.id).create({"reason": "x"})
        wizard = Correction.with_user(self.head_a).with_context(default_lead_id=self.deal.id).create({
            "expected_revenue": 2000, "reason": "合同金额录错，以合同为准"})
        wizard.action_apply()
        self.assertEqual(self.deal.expected_revenue, 2000)
        note = self.deal.message_ids.filtered(lambda m: "合同金额录错" in (m.body or ""))
        self.assertTrue(note and "1000" in note.body and "2000" in note.body)
        # archived by a correction: the deal leaves the customer's figures
        Correction.with_user(self.head_a).with_context(default_lead_id=self.deal.id).create({
            "outcome": "archive", "reason": "客户取消合同"}).action_apply()
        self.assertFalse(self.deal.active)
        figures = self.env["res.partner"]._governance_figures(fields.Date.today())
        self.assertNotIn(self.cust_a1.id, figures)


@tagged("post_install", "-at_install", "crm_governance")
class TestDeletes(SecondPassCase):
    """Class 5: only the section's admins (and system admins) delete its
    records; a deleted registration's keys stay held until an admin frees
    them."""

    def test_only_section_admins_delete_and_keys_stay_held(self):
        contacts_user = new_test_user(self.env, login="t_contacts", groups="base.group_user,base.group_partner_manager")
        customer = self.env["res.partner"].create({"name": "GOVT 江苏被删客户有限公司", "is_company": True,
                                                   "user_id": self.sales_a1.id, "phone": "0512-6588 4321"})
        for user in (contacts_user, self.sales_a1, self.head_a, self.sales_b1):
            self.login(user)
            self.refused(self.call("res.partner", "unlink", [customer.id]), "GOVT lead")
            self.assertTrue(customer.exists(), user.login)
        # archiving what one may write stays possible
        self.login(self.sales_a1)
        self.assertNotIn("error", self.call("res.partner", "action_archive", [customer.id]))
        customer.active = True
        # the section's admin, with Odoo's right to delete contacts
        self.admin_a.groups_id = [(4, self.env.ref("base.group_partner_manager").id)]
        self.login(self.admin_a)
        res = self.call("res.partner", "unlink", [customer.id])
        self.assertTrue(res.get("result"), res)
        self.assertFalse(customer.exists())
        held = self.env["crm.governance.deleted.registration"].search([("res_name", "=", "GOVT 江苏被删客户有限公司")])
        self.assertEqual((held.section_id, held.owner_id, held.deleted_by_id, held.freed),
                         (self.section_a, self.sales_a1, self.admin_a, False))
        # registered again, by anyone, it is refused until an admin frees it
        again = {"name": "GOVT 江苏被删客户", "is_company": True, "user_id": self.sales_a2.id}
        self.login(self.sales_a2)
        self.assertIn("deleted", self.refused(self.call("res.partner", "create", [again])))
        self.refused(self.call("crm.governance.deleted.registration", "action_free", [held.id]))
        self.login(self.admin_a)
        self.call("crm.governance.deleted.registration", "action_free", [held.id])
        self.assertTrue(held.freed)
        self.login(self.sales_a2)
        self.assertIn("result", self.call("res.partner", "create", [again]))


@tagged("post_install", "-at_install", "crm_governance")
class TestLookupsCountedAlike(SecondPassCase):
    """Class 6: a registration refused as "registered in another section"
    costs a Check Customer lookup like the answer Check Customer gives;
    past the limit, registering answers nothing (taken or free alike)."""

    def test_other_section_refusals_count_and_past_the_limit_nothing_is_said(self):
        (self.section_a | self.section_b).write({"registration_facts": settings.DEFAULTS["registration_facts"]})
        self.env["crm.lead"].with_user(self.sales_b1).create(self.facts(user_id=self.sales_b1.id,
                                                                          team_id=self.team_b.id))
        self.section_a.customer_check_daily_limit = 2
        self.login(self.sales_a1)
        answers = []
        for n in range(3):
            res = self.call("crm.lead", "create", [self.facts(name=f"GOVT try {n}", user_id=self.sales_a1.id,
                                                              team_id=self.team_a.id, phone=f"1390013970{n}")])
            answers.append(self.refused(res, "T Sales B1"))
        self.assertIn("another section", answers[0])
        self.assertIn("Check Customer limit", answers[2])
        self.assertEqual(self.env["crm.governance.lookup"].search_count(
            [("user_id", "=", self.sales_a1.id), ("kind", "=", "customer_check")]), 2)
        # past the limit a free customer gets the same answer: no existence test left
        res = self.call("crm.lead", "create", [self.facts(name="GOVT free", user_id=self.sales_a1.id,
                                                          team_id=self.team_a.id, partner_name="GOVT 无人登记有限公司",
                                                          phone="13900139999")])
        self.assertEqual(self.refused(res), answers[2])


@tagged("post_install", "-at_install", "crm_governance")
class TestGradeNotes(SecondPassCase):
    """Class 7: grade texts reach only those who may read grades."""

    def test_users_outside_sales_read_no_grade_note(self):
        self.cust_a1.sudo()._governance_apply_grades({self.cust_a1.id: "B"}, "computed")
        notes = self.cust_a1.message_ids.filtered(lambda m: "GRADE-2" in (m.body or ""))
        self.assertTrue(notes)
        self.login(self.internal)
        found = self.call("mail.message", "search_read", [("model", "=", "res.partner"),
                                                          ("res_id", "=", self.cust_a1.id)], ["body"])["result"]
        self.assertFalse([m for m in found if "GRADE-2" in m["body"]])
        self.refused(self.call("mail.message", "read", notes.ids, ["body"]))
        thread = self.rpc("/mail/thread/messages", {"thread_model": "res.partner", "thread_id": self.cust_a1.id})
        self.assertNotIn("GRADE-2", str(thread))
        self.login(self.sales_a1)
        found = self.call("mail.message", "search_read", [("model", "=", "res.partner"),
                                                          ("res_id", "=", self.cust_a1.id)], ["body"])["result"]
        self.assertTrue([m for m in found if "GRADE-2" in m["body"]])


@tagged("post_install", "-at_install", "crm_governance")
class TestSmallerHoles(SecondPassCase):
    """Class 8: no permanent override, heads revoke; a registration waiting
    for approval is neither released nor dispatched."""

    def test_an_override_lasts_at_most_twelve_months_and_heads_revoke(self):
        self.login(self.sales_a1)
        res = self.call("crm.governance.grade.override", "create", [{
            "partner_id": self.cust_a1.id, "grade": "A", "reason": "框架协议", "date_end": "9999-12-31"}])
        self.assertIn("12 months", self.refused(res))
        self.assertFalse(self.env["crm.governance.grade.override"].search([("partner_id", "=", self.cust_a1.id)]))
        ok = fields.Date.to_string(fields.Date.today() + timedelta(days=300))
        res = self.call("crm.governance.grade.override", "create", [{
            "partner_id": self.cust_a1.id, "grade": "A", "reason": "框架协议", "date_end": ok}])
        override = self.env["crm.governance.grade.override"].browse(res["result"])
        override.with_user(self.head_a).action_approve()
        self.assertEqual(self.cust_a1.governance_grade, "A")
        self.refused(self.call("crm.governance.grade.override", "action_revoke", [override.id]))
        self.login(self.head_a)
        self.call("crm.governance.grade.override", "action_revoke", [override.id])
        # the computed grade returns (none: no won deal)
        self.assertEqual((override.state, self.cust_a1.governance_grade), ("ended", False))

    def test_a_registration_waiting_for_approval_is_not_released(self):
        self.section_a.registration_approval = True
        lead = self.env["crm.lead"].with_user(self.sales_a1).create(self.facts(user_id=self.sales_a1.id,
                                                                                team_id=self.team_a.id))
        self.assertEqual(lead.governance_registration_state, "pending")
        self.login(self.sales_a1)
        self.assertIn("ENTRY-3", self.refused(self.call("crm.lead", "action_governance_release", [lead.id], "x")))
        self.login(self.head_a)
        self.assertIn("ENTRY-3", self.refused(self.call("crm.lead", "action_governance_dispatch", [lead.id],
                                                        self.sales_a2.id, "x")))
        self.assertEqual((lead.user_id, lead.governance_registration_state), (self.sales_a1, "pending"))


@tagged("post_install", "-at_install", "crm_governance")
class TestWhatTheOutsideProbeFound(SecondPassCase):
    """An outside tester's pass over JSON-RPC after the fixes above, on the
    same classes: each finding, refused, with the state read back."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.contact_b = cls.env["res.partner"].create({"name": "GOVT 乙方联系人", "parent_id": cls.cust_b1.id,
                                                       "email": "b@govt-b.example", "phone": "0755-8000 1111"})

    def missing(self, model):
        self.env.cr.execute(f"SELECT COALESCE(MAX(id), 0) + 1000 FROM {self.env[model]._table}")  # noqa: SQL102
        return self.env.cr.fetchone()[0]

    def test_another_section_s_customer_contacts_follow_or_attend_nothing(self):
        self.login(self.sales_a1)
        for partner_ids in (self.contact_b.ids, self.cust_b1.ids):
            self.refused(self.call("crm.lead", "message_subscribe", [self.lead_a1.id], partner_ids=partner_ids),
                         "GOVT 乙方联系人", "GOVT customer B1")
        self.assertFalse(self.env["mail.followers"].search([("res_model", "=", "crm.lead"),
                                                            ("res_id", "=", self.lead_a1.id),
                                                            ("partner_id", "in", (self.contact_b | self.cust_b1).ids)]))
        res = self.call("calendar.event", "create", [{"name": "GOVT 会议", "start": "2026-12-20 02:00:00",
                                                      "stop": "2026-12-20 03:00:00",
                                                      "partner_ids": [(6, 0, self.contact_b.ids)]}])
        self.refused(res, "GOVT 乙方联系人", "b@govt-b.example")

    def test_a_won_deal_s_probability_and_its_contact_s_company_stay(self):
        deal = self.env["crm.lead"].create({"name": "GOVT 已赢·概率", "type": "opportunity",
                                            "user_id": self.sales_a1.id, "team_id": self.team_a.id,
                                            "partner_id": self.cust_a1.id, "expected_revenue": 1000})
        deal.with_user(self.sales_a1).action_set_won()
        closed = deal.date_closed
        self.login(self.sales_a1)
        self.refused(self.call("crm.lead", "write", deal.ids, {"probability": 10}))
        self.refused(self.call("crm.lead", "action_set_won", deal.ids))
        self.assertEqual((deal.probability, deal.date_closed), (100, closed))
        contact = self.env["res.partner"].create({"name": "GOVT 联系人·已赢", "parent_id": self.cust_a1.id})
        other = self.env["res.partner"].create({"name": "GOVT 另一家有限公司", "is_company": True,
                                                "user_id": self.sales_a1.id})
        won = self.env["crm.lead"].create({"name": "GOVT 已赢·联系人", "type": "opportunity",
                                           "user_id": self.sales_a1.id, "team_id": self.team_a.id,
                                           "partner_id": contact.id, "expected_revenue": 5000})
        won.with_user(self.sales_a1).action_set_won()
        self.assertIn("GRADE-2", self.refused(self.call("res.partner", "write", contact.ids,
                                                         {"parent_id": other.id})))
        self.assertEqual(contact.parent_id, self.cust_a1)

    def test_notification_rows_of_a_governed_record_are_their_recipient_s(self):
        self.sales_a1.notification_type = "inbox"
        self.lead_a1.message_subscribe(partner_ids=self.sales_a1.partner_id.ids)
        self.lead_a1.with_user(self.head_a).message_post(body="GOVT 通知行", message_type="comment",
                                                         subtype_xmlid="mail.mt_comment")
        for user in (self.sales_b1, self.internal):
            self.login(user)
            rows = self.call("mail.notification", "search_read", [], ["mail_message_id", "res_partner_id"])
            self.assertNotIn("GOVT lead A1", json.dumps(rows, ensure_ascii=False), user.login)
        self.login(self.sales_a1)
        rows = self.call("mail.notification", "search_read", [("res_partner_id", "=", self.sales_a1.partner_id.id)],
                         ["mail_message_id"])["result"]
        self.assertTrue(rows, "the recipient reads their own")

    def test_an_outsider_neither_renames_nor_archives_a_customer_and_unarchiving_checks_again(self):
        outsider = new_test_user(self.env, login="t_accounting", groups="base.group_user,base.group_partner_manager")
        self.login(outsider)
        for vals in ({"name": "GOVT 改名"}, {"phone": "0512-0000 0000"}, {"active": False}):
            self.assertIn("SEC-2", self.refused(self.call("res.partner", "write", self.cust_a1.ids, vals)))
        self.assertEqual((self.cust_a1.name, self.cust_a1.active), ("GOVT customer A1", True))
        self.assertIn("result", self.call("res.partner", "write", self.cust_a1.ids, {"comment": "开票地址已更新"}))
        # archived by its owner, registered again by a colleague: the old one comes back only if free
        self.cust_a1.with_user(self.sales_a1).action_archive()
        self.env["res.partner"].with_user(self.sales_a2).create({"name": "GOVT customer A1", "is_company": True,
                                                                 "user_id": self.sales_a2.id})
        self.login(self.sales_a1)
        self.assertIn("ENTRY-2", self.refused(self.call("res.partner", "action_unarchive", self.cust_a1.ids)))
        self.assertFalse(self.cust_a1.active)

    def test_notices_and_posts_about_a_record_one_may_not_read(self):
        self.login(self.sales_b1)
        for res_id in (self.lead_a1.id, self.missing("crm.lead")):
            res = self.rpc("/web/dataset/call_kw/res.partner/message_notify", {
                "model": "res.partner", "method": "message_notify", "args": [[]],
                "kwargs": {"model": "crm.lead", "res_id": res_id, "partner_ids": self.sales_a1.partner_id.ids,
                           "body": "GOVT 冒充通知"}})
            self.refused(res, "GOVT lead A1")
        self.assertFalse(self.env["mail.message"].search([("body", "like", "GOVT 冒充通知")]))
        # a foreign id and a missing one: one answer
        answers = [self.refused(self.call("crm.lead", "message_post", [res_id], body="x"))
                   for res_id in (self.lead_a1.id, self.missing("crm.lead"))]
        self.assertEqual(answers[0], answers[1])
        answers = [self.refused(self.call("mail.activity", "create", [{
            "res_model_id": self.env["ir.model"]._get_id("crm.lead"), "res_id": res_id,
            "user_id": self.sales_b1.id, "summary": "x"}])) for res_id in (self.lead_a1.id, self.missing("crm.lead"))]
        self.assertEqual(answers[0], answers[1])
        override = self.env["crm.governance.grade.override"].with_user(self.sales_a1).create({
            "partner_id": self.cust_a1.id, "grade": "A", "reason": "x",
            "date_end": fields.Date.today() + timedelta(days=30)})
        answers = [self.refused(self.call("crm.governance.grade.override", "read", [res_id], ["reason"]))
                   for res_id in (override.id, self.missing("crm.governance.grade.override"))]
        self.assertEqual(answers[0], answers[1])

    def test_correct_won_deal_given_its_deal_in_the_values(self):
        deal = self.env["crm.lead"].create({"name": "GOVT 已赢·更正", "type": "opportunity",
                                            "user_id": self.sales_a1.id, "team_id": self.team_a.id,
                                            "partner_id": self.cust_a1.id, "expected_revenue": 80000})
        deal.with_user(self.sales_a1).action_set_won()
        wizard = self.env["crm.governance.won.correction"].with_user(self.head_a).create({
            "lead_id": deal.id, "outcome": "won", "reason": "只改日期", "date_closed": "2026-11-01 08:00:00"})
        self.assertEqual((wizard.expected_revenue, wizard.partner_id), (80000, self.cust_a1))
        wizard.action_apply()
        self.assertEqual((deal.expected_revenue, deal.partner_id), (80000, self.cust_a1))
        # another section's head: not even named
        self.login(self.head_b)
        self.refused(self.call("crm.governance.won.correction", "create", [{"lead_id": deal.id, "reason": "x"}]),
                     "GOVT 已赢·更正")
