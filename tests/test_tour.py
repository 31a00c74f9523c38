"""Browser tours in headless Chromium, one per daily action of each role,
in Simplified Chinese (static/tests/tours/): the salesperson claims from the
pool list and from the form, logs follow-ups on a record lacking a fact,
quick-creates an opportunity, checks a customer and proposes a grade; the
head dispatches, approves a registration, spot-checks, decides a validity
query and approves a grade; the section admin merges duplicates and freezes
a salesperson; management moves a record with its new owner. Each tour
asserts what the user sees; each test then reads back what was done."""
from datetime import timedelta

from odoo import fields
from odoo.tests import HttpCase, tagged

from odoo.addons.crm_governance.policy import settings

from .common import GovernanceCase


@tagged("post_install", "-at_install", "crm_governance")
class TourCase(GovernanceCase, HttpCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("zh_CN")
        cls.env["ir.module.module"]._load_module_terms(["crm_governance"], ["zh_CN"], overwrite=True)
        (cls.sales_a1 | cls.sales_a2 | cls.head_a | cls.admin_a | cls.management).write({"lang": "zh_CN"})
        # POLICY.md's registration facts: the records below lack them (installed data)
        cls.section_a.registration_facts = settings.DEFAULTS["registration_facts"]
        cls.source = cls.env["utm.source"].create({"name": "GOVT 展会"})
        cls.china = cls.env.ref("base.cn")
        cls.jiangsu = cls.env.ref("base.state_cn_JS")

    def facts(self, **vals):
        return dict({"type": "opportunity", "partner_name": f"GOVT {vals.get('name', '')}有限公司",
                     "contact_name": "王建国", "phone": "0512-6588 0000", "source_id": self.source.id,
                     "state_id": self.jiangsu.id, "country_id": self.china.id,
                     "description": "<p>两条产线需要设备联网，预算约四十万元</p>", "team_id": self.team_a.id}, **vals)


class TestSalespersonTours(TourCase):

    def test_claim_from_the_list_and_from_the_form(self):
        Lead = self.env["crm.lead"]
        first = Lead.create({"name": "GOVT 公海甲", "user_id": False, "team_id": self.team_a.id})
        lacking = Lead.create({"name": "GOVT 公海乙", "user_id": False, "team_id": self.team_a.id})
        lost = Lead.create({"name": "GOVT 公海丙", "user_id": self.sales_a1.id, "team_id": self.team_a.id})
        lost.with_user(self.sales_a1).action_governance_release("客户今年没有预算")
        self.assertTrue(lacking.governance_incomplete)
        self.start_tour("/odoo", "crm_governance_pool_tour", login="t_sales_a1")
        self.assertEqual((first | lacking).mapped("user_id"), self.sales_a1)
        self.assertEqual((first | lacking).mapped("protection_state"), ["protected", "protected"])
        self.assertFalse(lost.user_id)

    def test_follow_ups_on_a_record_lacking_facts(self):
        lead = self.env["crm.lead"].create({
            "name": "GOVT 跟进商机", "type": "opportunity", "user_id": self.sales_a1.id,
            "team_id": self.team_a.id, "contact_name": "王经理"})
        self.assertTrue(lead.governance_incomplete)
        # protected for 20 days already: the follow-up is 5 days overdue, 15 days to the pool (PROT-3's 35)
        lead._governance_backdate(fields.Datetime.now() - timedelta(days=20))
        self.start_tour(f"/odoo/crm/{lead.id}", "crm_governance_followup_tour", login="t_sales_a1")
        followups = self.env["crm.governance.followup"].search([("lead_id", "=", lead.id)], order="id")
        self.assertEqual(followups.mapped("is_valid"), [False, True])
        self.assertEqual(followups[0].content, "外出")
        self.assertEqual(lead.protection_days_left, 60)

    def test_quick_create_lands_governed(self):
        self.assertFalse(self.team_a.member_ids)
        self.start_tour("/odoo", "crm_governance_quick_create_tour", login="t_sales_a1")
        lead = self.env["crm.lead"].search([("name", "=", "GOVT 快速商机")])
        self.assertEqual((lead.section_id, lead.team_id, lead.user_id, lead.protection_state),
                         (self.section_a, self.team_a, self.sales_a1, "protected"))
        self.assertFalse(lead.governance_missing_facts_label and "phone" in lead.governance_missing_facts)

    def test_the_inbox_tells_what_the_head_did(self):
        self.sales_a1.notification_type = "inbox"
        given = self.env["crm.lead"].create({"name": "GOVT 分来的商机", "user_id": False, "team_id": self.team_a.id})
        taken = self.env["crm.lead"].create({"name": "GOVT 收回的商机", "user_id": self.sales_a1.id,
                                             "team_id": self.team_a.id})
        given.with_user(self.head_a).action_governance_dispatch(self.sales_a1)
        taken.with_user(self.head_a).action_governance_release("客户已转由总部统一跟进")
        self.start_tour("/odoo", "crm_governance_inbox_tour", login="t_sales_a1")
        self.assertEqual(self.env["crm.governance.ledger"].search([("lead_id", "=", taken.id)], limit=1).reason,
                         "return")

    def test_check_customer(self):
        self.start_tour("/odoo", "crm_governance_check_customer_tour", login="t_sales_a2")
        self.assertEqual(self.env["crm.governance.lookup"].search_count([("user_id", "=", self.sales_a2.id)]), 1)

    def test_propose_a_grade(self):
        self.start_tour(f"/odoo/res.partner/{self.cust_a1.id}", "crm_governance_propose_grade_tour",
                        login="t_sales_a1")
        override = self.env["crm.governance.grade.override"].search([("partner_id", "=", self.cust_a1.id)])
        self.assertEqual((override.grade, override.state, override.proposer_id), ("A", "pending", self.sales_a1))


class TestManagerTours(TourCase):

    def test_head_dispatches_from_the_dialog(self):
        self.start_tour(f"/odoo/crm/{self.lead_a_pool.id}", "crm_governance_dispatch_tour", login="t_head_a")
        self.assertEqual((self.lead_a_pool.user_id, self.lead_a_pool.protection_state), (self.sales_a2, "protected"))
        row = self.env["crm.governance.ledger"].search([("lead_id", "=", self.lead_a_pool.id),
                                                        ("reason", "=", "dispatch")])
        self.assertEqual(row.author_id, self.head_a)

    def test_head_approves_a_registration(self):
        self.section_a.registration_approval = True
        lead = self.env["crm.lead"].with_user(self.sales_a1).create(self.facts(name="GOVT 待审核",
                                                                               user_id=self.sales_a1.id))
        self.assertEqual(lead.governance_registration_state, "pending")
        self.start_tour("/odoo", "crm_governance_approve_registration_tour", login="t_head_a")
        self.assertEqual((lead.governance_registration_state, lead.protection_state), ("approved", "protected"))

    def test_head_spot_checks_yesterday_s_registrations(self):
        lead = self.env["crm.lead"].with_user(self.sales_a1).create(self.facts(name="GOVT 昨日录入",
                                                                               user_id=self.sales_a1.id))
        self.env.flush_all()
        # registered yesterday (the filter reads the creation date)
        self.env.cr.execute("UPDATE crm_lead SET create_date = create_date - interval '1 day' WHERE id = %s",
                            [lead.id])
        lead.invalidate_recordset(["create_date"])
        self.start_tour("/odoo", "crm_governance_spot_check_tour", login="t_head_a")
        self.assertEqual((lead.governance_review_state, lead.governance_reviewed_by_id), ("checked", self.head_a))

    def test_head_decides_a_validity_query(self):
        for text in ("外出", "电话", "没找到人"):
            self.lead_a1.with_user(self.sales_a1).message_post(body=text, message_type="comment",
                                                               subtype_xmlid="mail.mt_note")
        self.assertTrue(self.lead_a1.governance_invalid_protection)
        query, refusal = self.env["crm.governance.validity.query"].with_user(self.sales_a2)._governance_file(
            "GOVT lead A1", "负责人只写了“外出”“电话”“没找到人”")
        self.assertFalse(refusal)
        self.start_tour("/odoo", "crm_governance_validity_query_tour", login="t_head_a")
        self.assertEqual((query.sudo().state, self.lead_a1.user_id), ("transferred", self.sales_a2))

    def test_head_approves_a_grade(self):
        override = self.env["crm.governance.grade.override"].with_user(self.sales_a1).create({
            "partner_id": self.cust_a1.id, "grade": "A", "reason": "框架协议预计三百万元",
            "date_end": fields.Date.today() + timedelta(days=90)})
        self.start_tour("/odoo", "crm_governance_approve_grade_tour", login="t_head_a")
        self.assertEqual((override.state, self.cust_a1.governance_grade), ("approved", "A"))

    def test_admin_merges_duplicates(self):
        Partner = self.env["res.partner"]
        first = Partner.create({"name": "GOVT 重复客户有限公司", "is_company": True, "user_id": self.sales_a1.id,
                                "phone": "0512-6588 7777"})
        second = Partner.create({"name": "GOVT 重复客户（老档案）有限公司", "is_company": True,
                                 "user_id": self.sales_a1.id, "phone": "0512-6588 7777"})
        self.start_tour("/odoo", "crm_governance_duplicates_tour", login="t_admin_a")
        self.assertEqual(len((first | second).exists()), 1)

    def test_admin_merges_two_opportunities_from_the_list(self):
        Lead = self.env["crm.lead"]
        first = Lead.create(self.facts(name="GOVT 合并甲", user_id=self.sales_a1.id))
        second = Lead.create(self.facts(name="GOVT 合并乙", user_id=self.sales_a2.id))
        self.start_tour("/odoo/action-crm.crm_lead_opportunities?view_type=list", "crm_governance_list_merge_tour",
                        login="t_admin_a")
        # the first registration is kept, given through the door to the dialog's salesperson
        self.assertEqual(((first | second).exists(), first.user_id), (first, self.sales_a2))
        change = self.env["crm.governance.ledger"].search([("lead_id", "=", first.id), ("reason", "=", "merge"),
                                                           ("old_user_id", "=", self.sales_a1.id)])
        self.assertEqual((change.new_user_id, change.author_id), (self.sales_a2, self.admin_a))
        self.assertTrue(self.env["mail.message"].search([
            ("message_type", "=", "user_notification"), ("partner_ids", "in", self.sales_a1.partner_id.ids),
            ("body", "like", "GOVT 合并甲")]))

    def test_admin_freezes_a_salesperson(self):
        self.start_tour("/odoo", "crm_governance_freeze_tour", login="t_admin_a")
        self.assertTrue(self.sales_a2.governance_frozen)

    def test_management_moves_a_record_with_its_new_owner(self):
        self.start_tour(f"/odoo/crm/{self.lead_a1.id}", "crm_governance_move_tour", login="t_management")
        self.assertEqual((self.lead_a1.section_id, self.lead_a1.user_id, self.lead_a1.protection_state),
                         (self.section_b, self.sales_b1, "protected"))
