"""Registration rules (录入规范, ENTRY-1 … ENTRY-4): required facts on every
path, the collision check (first registered wins), approval, Check
Customer's daily limit, completion and the spot-check, the duplicate scan
and merge; attacked over JSON-RPC by another section's salesperson and a
frozen user."""
from datetime import timedelta
from unittest.mock import patch

from odoo import fields
from odoo.exceptions import AccessError, RedirectWarning, UserError, ValidationError
from odoo.tests import Form, HttpCase, tagged

from odoo.addons.crm_governance.models.trusted import Trusted
from odoo.addons.crm_governance.policy import settings

from .common import GovernanceCase, RpcMixin

NOW = fields.Datetime.from_string("2026-11-24 09:00:00")


class RegistrationSetup(GovernanceCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # POLICY.md's facts (the common fixture switches them off)
        (cls.section_a | cls.section_b).write({"registration_facts": settings.DEFAULTS["registration_facts"]})
        cls.source = cls.env["utm.source"].create({"name": "GOVT trade fair"})
        cls.china = cls.env.ref("base.cn")
        # a Chinese company: phones without a country code are read as Chinese ones
        cls.env.ref("base.main_company").country_id = cls.china
        cls.guangdong = cls.env["res.country.state"].search([("country_id", "=", cls.china.id)], limit=1)

    def facts(self, **vals):
        base = {"name": "GOVT opportunity", "partner_name": "深圳星河测试电子有限公司", "contact_name": "王经理",
                "phone": "0755-8123 4567", "source_id": self.source.id, "state_id": self.guangdong.id,
                "country_id": self.china.id, "description": "<p>需要100台服务器，预算50万</p>"}
        base.update(vals)
        return base

    def register(self, user, **vals):
        team = self.team_b if user in (self.sales_b1, self.head_b) else self.team_a
        return self.env["crm.lead"].with_user(user).create(self.facts(**dict({"user_id": user.id,
                                                                               "team_id": team.id}, **vals)))


@tagged("post_install", "-at_install", "crm_governance")
class TestRequiredFacts(RegistrationSetup):

    def test_one_error_lists_every_missing_fact(self):
        with self.assertRaisesRegex(ValidationError, r"missing customer name.*contact name, phone, source, region.*"
                                                     r"need.*\(ENTRY-1\)"):
            self.env["crm.lead"].with_user(self.sales_a1).create({"name": "GOVT bare", "team_id": self.team_a.id})
        with self.assertRaisesRegex(ValidationError, r"missing source, need \(notes\) \(ENTRY-1\)\.$"):
            self.register(self.sales_a1, source_id=False, description="<p><br></p>")
        lead = self.register(self.sales_a1)
        self.assertEqual(lead.protection_state, "protected")

    def test_installed_opportunities_lacking_facts_merge_and_a_lead_lacking_them_converts_not(self):
        """Odoo's merge writes the kept record's type again: merging two
        opportunities registered before the facts were required is no
        conversion; a lead lacking them still does not become one (ENTRY-1)."""
        Lead = self.env["crm.lead"]
        lead_a1 = self.lead_a1
        lead_a1.type = "opportunity"  # installed, bare: the common fixture required no fact
        twin = Lead.create({"name": "GOVT lead A1 twin", "type": "opportunity", "user_id": self.sales_a2.id,
                            "team_id": self.team_a.id})
        kept = (lead_a1 | twin).with_user(self.admin_a).merge_opportunity(user_id=self.sales_a2.id)
        self.assertEqual((kept, kept.type, kept.user_id), (lead_a1, "opportunity", self.sales_a2))
        bare = Lead.create({"name": "GOVT bare lead", "type": "lead", "user_id": self.sales_a1.id,
                            "team_id": self.team_a.id})
        with self.assertRaisesRegex(ValidationError, r"cannot be converted to an opportunity: missing .*\(ENTRY-1\)"):
            bare.with_user(self.sales_a1).write({"type": "opportunity"})

    def test_a_country_without_provinces_is_a_region(self):
        monaco = self.env.ref("base.mc")
        self.assertFalse(monaco.state_ids)
        lead = self.register(self.sales_a1, state_id=False, country_id=monaco.id, phone="+377 93 15 80 00")
        self.assertTrue(lead)
        with self.assertRaisesRegex(ValidationError, r"missing region"):
            self.register(self.sales_a1, partner_name="GOVT Other Co", phone="13800138999", state_id=False)

    def test_the_set_is_per_section(self):
        self.section_a.registration_facts = "customer\nphone"
        lead = self.env["crm.lead"].with_user(self.sales_a1).create({
            "name": "GOVT short", "partner_name": "GOVT Short Co", "phone": "13800138111", "team_id": self.team_a.id})
        self.assertTrue(lead)
        with self.assertRaisesRegex(ValidationError, r"names facts that do not exist: telephone.*\(ENTRY-1\)"):
            self.section_a.registration_facts = "customer\ntelephone"

    def test_import_refuses_the_bare_row_with_the_same_message(self):
        result = self.env["crm.lead"].with_user(self.sales_a1).load(
            ["name", "partner_name", "contact_name", "phone", "source_id/id", "state_id/id", "country_id/id",
             "description", "team_id/id"],
            [["GOVT imported", "GOVT Import Co", "李", "13800138222", "", "", "", "", ""]])
        self.assertFalse(result["ids"])
        self.assertRegex(result["messages"][0]["message"], r"missing source, region.*, need \(notes\) \(ENTRY-1\)")

    def test_an_emptied_fact_is_refused(self):
        lead = self.register(self.sales_a1)
        with self.assertRaisesRegex(ValidationError, r"cannot be saved: missing phone \(ENTRY-1\)"):
            lead.with_user(self.sales_a1).write({"phone": False})

    def test_conversion_needs_every_fact(self):
        # registered before the rules (by the superuser: installed data)
        lead = self.env["crm.lead"].create({"name": "GOVT old lead", "type": "lead", "user_id": self.sales_a1.id,
                                            "team_id": self.team_a.id, "partner_name": "GOVT Old Co"})
        wizard = self.env["crm.lead2opportunity.partner"].with_user(self.sales_a1).with_context(
            active_model="crm.lead", active_id=lead.id, active_ids=lead.ids).create({
                "name": "convert", "action": "nothing", "team_id": self.team_a.id, "user_id": self.sales_a1.id})
        with self.assertRaisesRegex(ValidationError, r"cannot be converted to an opportunity: missing contact name"):
            wizard.action_apply()
        lead.write(self.facts(partner_name="GOVT Old Co", phone="13800138333"))
        wizard.action_apply()
        self.assertEqual(lead.type, "opportunity")

    def test_mail_gateway_leads_land_unowned_and_flagged(self):
        owned = self.register(self.sales_a1, email_from="wang@xinghe-test.cn")
        lead = self.env["crm.lead"].message_new(
            {"subject": "GOVT inquiry", "from": "wang@xinghe-test.cn", "email_from": "wang@xinghe-test.cn",
             "body": "hello"},
            {"team_id": self.team_a.id, "user_id": self.sales_a2.id})
        self.assertTrue(lead.exists())
        self.assertFalse(lead.user_id)
        self.assertEqual(lead.section_id, self.section_a)
        self.assertTrue(lead.governance_incomplete)
        self.assertIn("phone", lead.governance_missing_facts_label)
        self.assertEqual(lead.governance_email_key, owned.governance_email_key)
        # the section admin finds it
        found = self.env["crm.lead"].with_user(self.admin_a).search([("governance_incomplete", "=", True)])
        self.assertIn(lead, found)


@tagged("post_install", "-at_install", "crm_governance")
class TestCollision(RegistrationSetup):

    def setUp(self):
        super().setUp()
        self.first = self.register(self.sales_a1, name="GOVT first deal", email_from="wang@xinghe-test.cn")

    def test_same_section_names_the_owner_and_date_only(self):
        with self.assertRaises(UserError) as cm:
            self.register(self.sales_a2, partner_name="（深圳）星河测试电子", phone="13900139000", contact_name="张")
        message = str(cm.exception)
        self.assertIn("Sales A1", message)
        self.assertIn(fields.Date.to_string(self.first.protected_since), message)
        self.assertIn("(ENTRY-2)", message)
        for secret in ("0755", "8123", "wang@xinghe-test.cn", "王经理", "GOVT first deal"):
            self.assertNotIn(secret, message)

    def test_another_section_is_told_only_that(self):
        # the same name typed in traditional characters is the same company (its own phone: only the name collides)
        for vals in ({"partner_name": "深圳星河测试电子"},
                     {"partner_name": "深圳星河測試電子有限公司", "phone": "0755-8765 4321"},
                     {"partner_name": "GOVT B Co", "phone": "+86 755 81234567"},
                     {"partner_name": "GOVT B Co", "phone": "13900139001", "email_from": "WANG@xinghe-test.cn"}):
            with self.assertRaises(UserError) as cm:
                self.register(self.sales_b1, **vals)
            self.assertRegex(str(cm.exception), r"already registered in another section \(ENTRY-2\)\.$")
            self.assertNotIn("Sales A1", str(cm.exception))

    def test_the_same_owner_may_register_again(self):
        second = self.register(self.sales_a1, name="GOVT second deal")
        self.assertEqual(second.governance_name_key, self.first.governance_name_key)

    def test_a_pooled_record_is_to_be_claimed(self):
        self.first.sudo().with_context(governance_change=Trusted(("release", False))).write({"user_id": False})
        self.assertEqual(self.first.protection_state, "pooled")
        with self.assertRaises(RedirectWarning) as cm:
            self.register(self.sales_a2, partner_name="深圳星河测试电子")
        self.assertIn("public pool", str(cm.exception))
        self.assertEqual(cm.exception.args[1]["res_id"], self.first.id)

    def test_leads_and_customers_both_ways(self):
        self.cust_a1.sudo().write({"phone": "020-3333 4444", "vat": "91110000600037341L", "country_id": self.china.id})
        with self.assertRaisesRegex(UserError, r"already registered by T Sales A1"):
            self.register(self.sales_a2, partner_name="GOVT Lead Co", phone="+86 20 3333 4444")
        with self.assertRaisesRegex(UserError, r"already registered by T Sales A1"):
            self.env["res.partner"].with_user(self.sales_a2).create({
                "name": "深圳星河测试电子股份有限公司", "is_company": True, "user_id": self.sales_a2.id})
        with self.assertRaisesRegex(UserError, r"another section"):
            self.env["res.partner"].with_user(self.sales_b1).create({
                "name": "GOVT tax twin", "is_company": True, "user_id": self.sales_b1.id,
                "vat": "9111 0000 6000 3734 1L"})

    def test_on_the_form(self):
        # one's own earlier registration: the form says so while typing
        with self.assertLogs("odoo.tests.form.onchange", level="WARNING") as logs:
            form = Form(self.env["crm.lead"].with_user(self.sales_a1))
            form.name = "GOVT form deal"
            form.team_id = self.team_a
            form.partner_name = "深圳星河测试电子"
        self.assertIn("You registered this customer already: GOVT first deal", logs.output[0])
        # another owner's: nothing said while typing (no unlimited Check Customer), refused on save
        form = Form(self.env["crm.lead"].with_user(self.sales_a2))
        form.name = "GOVT form deal"
        form.partner_name = "深圳星河测试电子"
        form.contact_name = "张"
        form.phone = "13900139100"
        form.source_id = self.source
        form.state_id = self.guangdong
        form.country_id = self.china
        form.description = "<p>需要服务器</p>"
        form.team_id = self.team_a
        with self.assertRaisesRegex(UserError, r"already registered by T Sales A1"):
            form.save()

    def test_no_way_around_through_a_mobile_a_country_or_the_customer(self):
        # the taken number as a mobile, or read in another country: the same phone
        with self.assertRaisesRegex(UserError, r"registered by T Sales A1"):
            self.register(self.sales_a2, partner_name="GOVT Mobile Co", phone="13900139200", mobile="0755 8123 4567")
        with self.assertRaisesRegex(UserError, r"registered by T Sales A1"):
            self.register(self.sales_a2, partner_name="GOVT Abroad Co", phone="0755-8123 4567",
                          country_id=self.env.ref("base.us").id)
        # a lead's keys follow its customer's phone (a stored compute of crm)
        customer = self.env["res.partner"].create({"name": "GOVT follow Co", "is_company": True})
        lead = self.register(self.sales_a2, partner_name="GOVT follow Co", phone="13900139201",
                             partner_id=customer.id)
        customer.write({"phone": "13900139202"})
        self.assertEqual(lead.phone, "13900139202")
        self.assertEqual(lead.governance_phone_key, "+8613900139202")

    def test_registered_outside_a_section_then_moved_in_is_a_registration(self):
        # (filed outside any section by a stock CRM user: a governed section's
        # salesperson registers only into it, see test_boundary_second_pass)
        lead = self.env["crm.lead"].with_user(self.stock_sales).create({
            "name": "GOVT stray", "partner_name": "深圳星河测试电子", "user_id": False, "team_id": False})
        self.assertFalse(lead.section_id)
        with self.assertRaisesRegex(UserError, r"registered by T Sales A1"):
            lead.with_user(self.sales_a2).write({"user_id": self.sales_a2.id, "team_id": self.team_a.id})
        stray = self.env["crm.lead"].with_user(self.stock_sales).create({
            "name": "GOVT stray 2", "partner_name": "GOVT Stray Co", "user_id": False, "team_id": False})
        with self.assertRaisesRegex(ValidationError, r"cannot be registered: missing contact name"):
            stray.with_user(self.sales_a2).write({"user_id": self.sales_a2.id, "team_id": self.team_a.id})
        company = self.env["res.partner"].with_user(self.sales_a2).create(
            {"name": "深圳星河测试电子股份有限公司", "is_company": True, "user_id": False})
        with self.assertRaisesRegex(UserError, r"registered by T Sales A1"):
            company.with_user(self.sales_a2).write({"user_id": self.sales_a2.id})

    def test_import_and_conversion_are_checked_too(self):
        result = self.env["crm.lead"].with_user(self.sales_a2).load(
            ["name", "partner_name", "contact_name", "phone", "source_id/.id", "state_id/.id", "description",
             "team_id/.id", "user_id/.id"],
            [["GOVT imported twin", "深圳星河测试电子 有限公司", "李", "13900139300", str(self.source.id),
              str(self.guangdong.id), "需要服务器", str(self.team_a.id), str(self.sales_a2.id)]])
        self.assertFalse(result["ids"])
        self.assertRegex(result["messages"][0]["message"], r"registered by T Sales A1 since .*\(ENTRY-2\)")
        # a lead of before the rules, converted: the customer it creates is a registration
        self.cust_a1.sudo().write({"name": "GOVT 星河测试客户有限公司"})
        old = self.env["crm.lead"].create(self.facts(
            name="GOVT old twin", partner_name="GOVT 星河测试客户", phone="13900139301", type="lead",
            user_id=self.sales_a2.id, team_id=self.team_a.id))
        wizard = self.env["crm.lead2opportunity.partner"].with_user(self.sales_a2).with_context(
            active_model="crm.lead", active_id=old.id, active_ids=old.ids).create({
                "name": "convert", "action": "create", "team_id": self.team_a.id, "user_id": self.sales_a2.id})
        with self.assertRaisesRegex(UserError, r"registered by T Sales A1"):
            wizard.action_apply()

    def test_keys_through_the_customer_a_parent_or_blanks_are_checked(self):
        # an own lead's customer (a person, outside sections) given a taken phone
        person = self.env["res.partner"].with_user(self.sales_a2).create({"name": "GOVT 刘先生"})
        lead = self.register(self.sales_a2, partner_name="GOVT Person Co", phone="13900139400",
                             partner_id=person.id)
        with self.assertRaisesRegex(UserError, r"registered by T Sales A1"):
            person.with_user(self.sales_a2).write({"phone": "+86 755 8123 4567"})
        self.assertEqual(lead.governance_phone_key, "+8613900139400")
        # a company under one's own account is a registration of its own
        with self.assertRaisesRegex(UserError, r"registered by T Sales A1"):
            self.env["res.partner"].with_user(self.sales_a2).create({
                "name": "深圳星河测试电子有限公司", "is_company": True, "user_id": self.sales_a2.id,
                "parent_id": self.env["res.partner"].create({"name": "GOVT A2 group", "is_company": True,
                                                             "user_id": self.sales_a2.id}).id})
        # blanks are no facts
        with self.assertRaisesRegex(ValidationError, r"missing customer name.*phone"):
            self.register(self.sales_a2, partner_name="  ", phone="   ")

    def test_a_pooled_duplicate_is_not_claimed_past_the_holder(self):
        twin = self.env["crm.lead"].create(self.facts(user_id=False, team_id=self.team_a.id, name="GOVT twin"))
        self.assertEqual(twin.protection_state, "pooled")
        with self.assertRaisesRegex(UserError, r"registered by T Sales A1"):
            twin.with_user(self.sales_a2).action_governance_claim()
        self.assertFalse(twin.user_id)

    def test_renaming_into_a_collision_is_refused(self):
        mine = self.register(self.sales_a2, partner_name="GOVT Harmless Co", phone="13900139002")
        with self.assertRaisesRegex(UserError, r"already registered by T Sales A1"):
            mine.with_user(self.sales_a2).write({"partner_name": "深圳星河测试电子 Co., Ltd."})

    def test_garbage_is_refused_naming_the_field(self):
        for vals, field in (({"phone": "call me"}, "Phone"), ({"partner_name": "有限公司"}, "Company Name"),
                            ({"email_from": "wang@"}, "Email")):
            with self.assertRaisesRegex(UserError, rf"Field '{field}'.*\(ENTRY-2\)"):
                self.register(self.sales_a2, **dict({"partner_name": "GOVT Garbage Co", "phone": "13900139003"},
                                                    **vals))
        with self.assertRaisesRegex(UserError, r"Field 'Tax ID'.*check digit"):
            self.env["res.partner"].with_user(self.sales_a2).create({
                "name": "GOVT bad code", "is_company": True, "user_id": self.sales_a2.id,
                "vat": "91110000600037341M"})

    def test_installed_duplicates_are_not_refused_on_edit(self):
        # two records of one company from before (the superuser: installed data)
        twin = self.env["crm.lead"].create(self.facts(user_id=self.sales_a2.id, team_id=self.team_a.id))
        twin.with_user(self.sales_a2).write({"contact_name": "张经理", "expected_revenue": 1000})
        self.assertEqual(twin.contact_name, "张经理")


@tagged("post_install", "-at_install", "crm_governance")
class TestApproval(RegistrationSetup):

    def setUp(self):
        super().setUp()
        self.section_a.registration_approval = True

    def test_pending_then_approved_starts_protection_then(self):
        with patch.object(fields.Datetime, "now", return_value=NOW):
            lead = self.register(self.sales_a1)
        self.assertEqual(lead.governance_registration_state, "pending")
        self.assertFalse(lead.protection_state)  # neither protected nor in the pool
        self.assertIn(lead, self.env["crm.lead"].with_user(self.head_a).search(
            [("governance_registration_state", "=", "pending")]))
        # pending holds the customer: first registered wins
        with self.assertRaisesRegex(UserError, r"already registered by T Sales A1"):
            self.register(self.sales_a2, partner_name="深圳星河测试电子")
        later = NOW + timedelta(days=3)
        with patch.object(fields.Datetime, "now", return_value=later):
            lead.with_user(self.head_a).action_governance_approve_registration()
        self.assertEqual(lead.governance_registration_state, "approved")
        self.assertEqual(lead.protection_state, "protected")
        self.assertEqual(lead.protected_since, later)
        notified = self.env["mail.message"].search([("partner_ids", "in", self.sales_a1.partner_id.ids),
                                                    ("subject", "like", "Registration approved")])
        self.assertTrue(notified)

    def test_rejected_corrected_approved(self):
        lead = self.register(self.sales_a1)
        with self.assertRaisesRegex(ValidationError, r"Field 'Reason' is required"):
            lead.with_user(self.head_a).action_governance_reject_registration("  ")
        lead.with_user(self.admin_a).action_governance_reject_registration("公司名称不是工商注册名称")
        self.assertEqual(lead.governance_registration_state, "rejected")
        self.assertFalse(lead.protection_state)
        told = self.env["mail.message"].search([("partner_ids", "in", self.sales_a1.partner_id.ids),
                                                ("body", "like", "公司名称不是工商注册名称")])
        self.assertTrue(told)
        lead.with_user(self.sales_a1).write({"partner_name": "深圳市星河测试电子科技有限公司"})
        lead.with_user(self.sales_a1).action_governance_resubmit_registration()
        self.assertEqual(lead.governance_registration_state, "pending")
        lead.with_user(self.head_a).action_governance_approve_registration()
        self.assertEqual(lead.protection_state, "protected")

    def test_only_the_section_s_heads_and_admins_decide(self):
        lead = self.register(self.sales_a1)
        for user in (self.sales_a1, self.sales_a2, self.head_b):
            with self.assertRaises(AccessError):
                lead.with_user(user).action_governance_approve_registration()
        with self.assertRaisesRegex(UserError, r"Approval.*cannot be written|cannot be written"):
            lead.with_user(self.sales_a1).write({"governance_registration_state": "approved"})
        self.assertEqual(lead.governance_registration_state, "pending")

    def test_waiting_registrations_count_against_the_cap(self):
        self.section_a.claim_cap = 3  # sales_a2 holds lead_a2 already
        self.register(self.sales_a2, partner_name="GOVT Cap One", phone="13900139501")
        self.register(self.sales_a2, partner_name="GOVT Cap Two", phone="13900139502")
        with self.assertRaisesRegex(UserError, r"already holds 3 protected records.*cap is 3"):
            self.register(self.sales_a2, partner_name="GOVT Cap Three", phone="13900139503")

    def test_a_head_s_own_registration_needs_no_approval(self):
        lead = self.register(self.head_a)
        self.assertFalse(lead.governance_registration_state)
        self.assertEqual(lead.protection_state, "protected")


@tagged("post_install", "-at_install", "crm_governance")
class TestCustomerCheck(RegistrationSetup):

    def check(self, user=None, **vals):
        return self.env["crm.governance.customer.check"].with_user(user or self.sales_a2).governance_check_customer(
            self.section_a.id, **vals)

    def test_answers_and_the_daily_limit_counting_every_lookup(self):
        self.register(self.sales_a1)
        self.section_a.customer_check_daily_limit = 4
        self.assertEqual(self.check(customer="深圳星河测试电子")["answer"], "taken_same_section")
        self.assertIn("Sales A1", self.check(phone="+86 755 8123 4567")["message"])
        self.assertEqual(self.check(customer="GOVT Free Co")["answer"], "clear")
        # a refused lookup (garbage) still counts
        self.assertEqual(self.check(phone="call me")["answer"], "bad_input")
        with self.assertRaisesRegex(UserError, r"at most 4 customers per day"):
            self.check(customer="GOVT Another Co")
        self.assertEqual(self.env["crm.governance.lookup"].search_count(
            [("user_id", "=", self.sales_a2.id), ("kind", "=", "customer_check")]), 4)
        # the next day it answers again
        with patch.object(fields.Datetime, "now", return_value=fields.Datetime.now() + timedelta(days=1)), \
                patch.object(fields.Date, "context_today", return_value=fields.Date.today() + timedelta(days=1)):
            self.assertEqual(self.check(customer="GOVT Another Co")["answer"], "clear")

    def test_the_caller_s_time_zone_is_no_new_day_and_answers_are_private(self):
        self.section_a.customer_check_daily_limit = 1
        Check = self.env["crm.governance.customer.check"].with_user(self.sales_a2)
        Check.governance_check_customer(self.section_a.id, customer="GOVT Free Co")
        for tz in ("Pacific/Kiritimati", "Etc/GMT+12"):
            with self.assertRaisesRegex(UserError, r"at most 1 customers per day"):
                Check.with_context(tz=tz).governance_check_customer(self.section_a.id, customer="GOVT Other Co")
        # a dialog's question and answer are its author's alone
        mine = Check.create({"section_id": self.section_a.id, "customer": "GOVT Private Question Co"})
        self.assertFalse(self.env["crm.governance.customer.check"].with_user(self.sales_a1).search(
            [("id", "=", mine.id)]))
        with self.assertRaises(AccessError):
            mine.with_user(self.sales_a1).read(["customer"])

    def test_other_sections_and_own_records(self):
        self.register(self.sales_b1, partner_name="GOVT B Secret Co", phone="13700137000")
        answer = self.check(customer="GOVT B Secret Co")
        self.assertEqual(answer["answer"], "taken_other_section")
        self.assertNotIn("Sales B1", answer["message"])
        self.register(self.sales_a2, partner_name="GOVT Mine Co", phone="13700137001")
        self.assertEqual(self.check(customer="GOVT Mine Co")["answer"], "own")

    def test_only_in_one_s_own_section_and_not_frozen(self):
        with self.assertRaisesRegex(UserError, r"Field 'My Section'"):
            self.env["crm.governance.customer.check"].with_user(self.sales_b1).governance_check_customer(
                self.section_a.id, customer="深圳星河测试电子")
        with self.assertRaises(AccessError):
            self.check(user=self.frozen, customer="深圳星河测试电子")


@tagged("post_install", "-at_install", "crm_governance")
class TestCompletionAndSpotCheck(RegistrationSetup):

    def test_completion_due_in_seven_late_after_ten(self):
        with patch.object(fields.Datetime, "now", return_value=NOW):
            lead = self.register(self.sales_a1)
        self.assertEqual(lead.governance_complete_by, NOW + timedelta(days=7))
        self.assertEqual(lead.governance_complete_limit, NOW + timedelta(days=10))
        self.assertEqual(lead.governance_missing_facts, "email,address")
        Lead = self.env["crm.lead"].with_user(self.admin_a)
        with patch.object(fields.Datetime, "now", return_value=NOW + timedelta(days=9)):
            self.assertNotIn(lead, Lead.search([("governance_completion_late", "=", True)]))
        with patch.object(fields.Datetime, "now", return_value=NOW + timedelta(days=11)):
            self.assertIn(lead, Lead.search([("governance_completion_late", "=", True)]))
            groups = Lead.read_group([("governance_completion_late", "=", True)], ["user_id"], ["user_id"])
            self.assertIn(self.sales_a1.id, [g["user_id"][0] for g in groups if g["user_id"]])
            lead.with_user(self.sales_a1).write({"email_from": "wang@xinghe-test.cn", "street": "深南大道1号"})
            self.assertFalse(lead.governance_incomplete)
            self.assertNotIn(lead, Lead.search([("governance_completion_late", "=", True)]))

    def test_spot_check_marks_or_sends_back(self):
        lead = self.register(self.sales_a1)
        other = self.register(self.sales_a2, partner_name="GOVT Checked Co", phone="13600136000")
        with self.assertRaises(AccessError):
            lead.with_user(self.sales_a1).action_governance_review_checked()
        other.with_user(self.head_a).action_governance_review_checked()
        self.assertEqual((other.governance_review_state, other.governance_reviewed_by_id), ("checked", self.head_a))
        decision = self.env["crm.governance.registration.decision"].with_user(self.admin_a).create(
            {"lead_ids": lead.ids, "mode": "review", "reason": "来源填写不实"})
        decision.action_send_back()
        self.assertEqual((lead.governance_review_state, lead.governance_review_note), ("returned", "来源填写不实"))
        self.assertTrue(self.env["mail.message"].search([("partner_ids", "in", self.sales_a1.partner_id.ids),
                                                         ("body", "like", "来源填写不实")]))


@tagged("post_install", "-at_install", "crm_governance")
class TestDuplicateScanAndMerge(RegistrationSetup):

    def test_scan_then_merge_keeps_the_first_registration(self):
        Lead = self.env["crm.lead"]
        # installed duplicates (registered before the rules, by the superuser)
        with patch.object(fields.Datetime, "now", return_value=NOW - timedelta(days=20)):
            first = Lead.create(self.facts(user_id=self.sales_a1.id, team_id=self.team_a.id))
        second = Lead.create(self.facts(user_id=self.sales_a2.id, team_id=self.team_a.id,
                                        partner_name="深圳星河测试电子"))
        self.env.cr.execute("UPDATE crm_lead SET create_date = %s WHERE id = %s", [NOW - timedelta(days=20), first.id])
        first.invalidate_recordset(["create_date"])
        second.with_user(self.sales_a2).message_post(
            body="GOVT 与王经理电话沟通，确认需求100台服务器，预算50万，下周报价", message_type="comment",
            subtype_xmlid="mail.mt_note")
        followups = self.env["crm.governance.followup"].search([("lead_id", "=", second.id)])
        self.assertTrue(followups)
        ledger = self.env["crm.governance.ledger"].search([("lead_id", "=", second.id)])
        second_name = second.display_name
        with self.assertRaises(AccessError):
            self.env["crm.governance.duplicate.scan"].with_user(self.head_a).create(
                {"section_id": self.section_a.id}).action_scan()
        scan = self.env["crm.governance.duplicate.scan"].with_user(self.admin_a).create(
            {"section_id": self.section_a.id})
        scan.action_scan()
        group = scan.group_ids.filtered(lambda g: g.kind == "name" and g.res_model == "crm.lead")
        self.assertEqual(group.lead_ids, first | second)
        group.action_merge()
        self.assertTrue(first.exists())
        self.assertFalse(second.exists())
        self.assertEqual(first.user_id, self.sales_a1)  # protection goes to the first registration
        self.assertEqual(followups.lead_id, first)
        self.assertEqual(ledger.exists().lead_id, first)
        merge = self.env["crm.governance.ledger"].search([("lead_id", "=", first.id), ("reason", "=", "merge")])
        self.assertEqual(len(merge), 1)
        self.assertFalse(self.env["crm.governance.ledger"].search(
            [("res_name", "=", second_name), ("reason", "=", "deleted")]))

    def test_a_customer_s_second_project_is_not_a_duplicate(self):
        """Two open opportunities of one customer account are its deals; a
        lead of the same phone without the account is a second registration."""
        account = self.env["res.partner"].create({"name": "GOVT 星河二期有限公司", "is_company": True,
                                                  "user_id": self.sales_a1.id})
        contact = self.env["res.partner"].create({"name": "王经理", "parent_id": account.id})
        Lead = self.env["crm.lead"]
        first = Lead.create(self.facts(name="GOVT 一期", partner_id=contact.id, user_id=self.sales_a1.id,
                                       team_id=self.team_a.id, phone="0755-8123 9999"))
        second = Lead.create(self.facts(name="GOVT 二期扩容", partner_id=account.id, user_id=self.sales_a1.id,
                                        team_id=self.team_a.id, phone="0755-8123 9999"))
        scan = self.env["crm.governance.duplicate.scan"].with_user(self.admin_a).create(
            {"section_id": self.section_a.id})
        scan.action_scan()
        self.assertFalse(scan.group_ids.filtered(lambda g: first in g.lead_ids))
        third = Lead.create(self.facts(name="GOVT 同号线索", user_id=self.sales_a2.id, team_id=self.team_a.id,
                                       partner_name="深圳星河二期电子", phone="0755-8123 9999"))
        scan.action_scan()
        group = scan.group_ids.filtered(lambda g: g.kind == "phone" and g.res_model == "crm.lead")
        self.assertEqual(group.lead_ids, first | second | third)

    def test_customers_merge_with_odoo_s_partner_merge(self):
        Partner = self.env["res.partner"]
        first = Partner.create({"name": "GOVT 星河测试 Co., Ltd.", "is_company": True, "user_id": self.sales_a1.id})
        second = Partner.create({"name": "GOVT 星河测试", "is_company": True, "user_id": self.sales_a2.id,
                                 "email": "x@xinghe-test.cn"})
        self.env.cr.execute("UPDATE res_partner SET create_date = create_date - interval '5 days' WHERE id = %s",
                            [first.id])
        first.invalidate_recordset(["create_date"])
        rows = self.env["crm.governance.ledger"].search([("partner_id", "=", second.id)])
        scan = self.env["crm.governance.duplicate.scan"].with_user(self.admin_a).create(
            {"section_id": self.section_a.id})
        scan.action_scan()
        group = scan.group_ids.filtered(lambda g: g.res_model == "res.partner" and first in g.partner_ids)
        group.action_merge()
        self.assertFalse(second.exists())
        self.assertEqual(first.user_id, self.sales_a1)
        self.assertEqual(first.email, "x@xinghe-test.cn")
        self.assertEqual(rows.partner_id, first)
        self.assertTrue(self.env["crm.governance.ledger"].search(
            [("partner_id", "=", first.id), ("reason", "=", "merge")]))


@tagged("post_install", "-at_install", "crm_governance")
class TestRegistrationAttackedOverRpc(RpcMixin, RegistrationSetup, HttpCase):
    """Another section's salesperson and a frozen user, with a JSON-RPC
    client and foreign ids."""

    def setUp(self):
        super().setUp()
        self.section_a.registration_approval = True
        self.pending = self.register(self.sales_a1, name="GOVT first deal", email_from="wang@xinghe-test.cn")
        self.secrets = ("王经理", "0755", "wang@xinghe-test.cn", "GOVT first deal")

    def test_a_colliding_create_over_rpc_names_nothing(self):
        self.login(self.sales_b1)
        res = self.call("crm.lead", "create", [self.facts(
            user_id=self.sales_b1.id, team_id=self.team_b.id, partner_name="深圳星河测试电子 Co., Ltd.",
            phone="13500135000")])
        message = self.refused(res, "Sales A1", *self.secrets)
        self.assertIn("another section", message)
        # the same section's salesperson is told who and since when
        self.login(self.sales_a2)
        res = self.call("crm.lead", "create", [self.facts(user_id=self.sales_a2.id, team_id=self.team_a.id,
                                                          partner_name="GOVT RPC Co", phone="+86 755 8123 4567")])
        self.assertIn("Sales A1", self.refused(res, *self.secrets))

    def test_editing_a_shared_customer_names_no_foreign_lead_or_owner(self):
        # a person outside any section (anyone may edit it), customer of a
        # lead of section A that another section's salesperson cannot see
        person = self.env["res.partner"].create({"name": "GOVT 共享联系人"})
        lead = self.register(self.sales_a2, name="GOVT hidden lead", partner_name="GOVT Hidden Co",
                             phone="13900139500", partner_id=person.id)
        for attacker in (self.sales_b1, self.frozen):
            self.login(attacker)
            # the phone section A's first registration holds
            message = self.refused(self.call("res.partner", "write", [person.id], {"phone": "+86 755 8123 4567"}),
                                   "Sales A1", "Sales A2", "GOVT hidden lead", "GOVT Hidden Co", *self.secrets)
            self.assertIn("cannot see", message)
            lead.invalidate_recordset()
            self.assertEqual(lead.governance_phone_key, "+8613900139500")
        # the lead's owner is told who holds it, as before
        self.login(self.sales_a2)
        self.assertIn("Sales A1", self.refused(self.call("res.partner", "write", [person.id],
                                                         {"phone": "+86 755 8123 4567"})))

    def test_decisions_and_results_cannot_be_forged(self):
        self.login(self.sales_a1)
        for vals in ({"governance_registration_state": "approved"}, {"governance_missing_facts": False},
                     {"governance_complete_limit": "2099-01-01 00:00:00"}, {"governance_review_state": "checked"},
                     {"governance_phone_key": "+860"}):
            self.refused(self.call("crm.lead", "write", [self.pending.id], vals))
        self.refused(self.call("crm.lead", "action_governance_approve_registration", [self.pending.id]))
        res = self.call("crm.lead", "create", [self.facts(partner_name="GOVT Forged Co", phone="13500135001")],
                        context={"default_governance_registration_state": "approved"})
        self.refused(res)
        self.assertEqual(self.pending.governance_registration_state, "pending")
        self.login(self.head_b)
        self.refused(self.call("crm.lead", "action_governance_approve_registration", [self.pending.id]),
                     *self.secrets)
        self.refused(self.call("crm.lead", "action_governance_reject_registration", [self.pending.id], "no"),
                     *self.secrets)
        self.assertEqual(self.pending.governance_registration_state, "pending")

    def test_keys_dialogs_and_the_form_tell_nothing_of_others(self):
        key = self.pending.governance_name_key
        # the owner is told of the own registration while typing (what the next calls must not tell others)
        self.login(self.sales_a1)
        res = self.call("crm.lead", "onchange", [], {"partner_name": "深圳星河测试电子", "team_id": self.team_a.id},
                        ["partner_name"], {"partner_name": {}, "team_id": {}})
        self.assertIn("You registered this customer already", res["result"]["warning"]["message"])
        self.env["crm.governance.customer.check"].with_user(self.sales_a2).create(
            {"section_id": self.section_a.id, "customer": "GOVT A2's question"})
        self.login(self.sales_b1)
        # the keys are searched and grouped under the caller's rules only
        self.assertEqual(self.call("crm.lead", "search_count", [("governance_name_key", "=", key)])["result"], 0)
        groups = self.call("crm.lead", "read_group", [("governance_phone_key", "!=", False)],
                           ["governance_phone_key"], ["governance_phone_key"], lazy=False)["result"]
        self.assertNotIn("+8675581234567", [g["governance_phone_key"] for g in groups])
        self.refused(self.call("crm.lead", "read", [self.pending.id], ["governance_email_key"]), *self.secrets)
        # the form's own-registration warning looks at the caller's own records only
        res = self.call("crm.lead", "onchange", [], {"partner_name": "深圳星河测试电子", "team_id": self.team_b.id},
                        ["partner_name"], {"partner_name": {}, "team_id": {}})
        self.assertIn("value", res.get("result", {}), res)
        self.assertNotIn("warning", res["result"])
        # another user's Check Customer question and answer
        self.assertEqual(self.call("crm.governance.customer.check", "search_read", [], ["customer", "answer"])
                         ["result"], [])
        # another section's head sends back nothing of section A
        self.login(self.head_b)
        created = self.call("crm.governance.registration.decision", "create",
                            {"lead_ids": [(6, 0, self.pending.ids)], "reason": "GOVT forged"})
        if "result" in created:
            self.refused(self.call("crm.governance.registration.decision", "action_send_back", [created["result"]]),
                         *self.secrets)
        else:
            self.refused(created, *self.secrets)
        self.assertEqual(self.pending.governance_registration_state, "pending")

    def test_the_mail_gateway_is_not_an_rpc_method(self):
        self.login(self.sales_a2)
        res = self.call("crm.lead", "message_new", {"subject": "x"},
                        {"user_id": self.sales_a2.id, "partner_name": "深圳星河测试电子"})
        self.refused(res, *self.secrets)
        self.assertFalse(self.env["crm.lead"].search([("user_id", "=", self.sales_a2.id),
                                                      ("partner_name", "=", "深圳星河测试电子")]))

    def test_refused_registrations_cost_check_customer_lookups(self):
        self.section_a.customer_check_daily_limit = 2
        self.login(self.sales_a2)
        for n in range(3):
            res = self.call("crm.lead", "create", [self.facts(
                user_id=self.sales_a2.id, team_id=self.team_a.id, partner_name="深圳星河测试电子", name=f"GOVT try {n}",
                phone=f"1390013960{n}")])
            message = self.refused(res, *self.secrets)
            if n < 2:
                self.assertIn("T Sales A1", message)
            else:
                self.assertNotIn("T Sales A1", message)
                self.assertIn("Check Customer limit", message)
        self.assertEqual(self.env["crm.governance.lookup"].search_count(
            [("user_id", "=", self.sales_a2.id), ("kind", "=", "customer_check")]), 2)
        res = self.call("crm.governance.customer.check", "governance_check_customer", self.section_a.id,
                        customer="GOVT anything")
        self.assertIn("at most 2 customers per day", self.refused(res))

    def test_the_mail_gateway_entry_is_the_mail_server_s(self):
        self.login(self.sales_a2)
        raw = ("From: x@example.com\r\nTo: nobody@example.com\r\nSubject: GOVT gateway\r\n"
               "Message-Id: <govt-gw@example.com>\r\n\r\nhello")
        res = self.call("mail.thread", "message_process", "crm.lead", raw,
                        custom_values={"user_id": self.sales_a2.id, "partner_name": "深圳星河测试电子"})
        self.refused(res, *self.secrets)
        self.assertFalse(self.env["crm.lead"].search([("name", "=", "GOVT gateway")]))

    def test_checks_and_scans_are_not_a_way_in(self):
        self.login(self.sales_b1)
        res = self.call("crm.governance.customer.check", "governance_check_customer", self.section_a.id,
                        customer="深圳星河测试电子")
        self.refused(res, "Sales A1", *self.secrets)
        self.refused(self.call("crm.governance.duplicate.scan", "create", {"section_id": self.section_a.id}))
        self.login(self.frozen)
        self.refused(self.call("crm.governance.customer.check", "governance_check_customer", self.section_a.id,
                               customer="深圳星河测试电子"), "Sales A1")
        res = self.call("crm.lead", "create", [self.facts(user_id=self.frozen.id, team_id=self.team_a.id,
                                                          partner_name="GOVT Frozen Co", phone="13500135002")])
        self.refused(res)
        self.login(self.admin_a)
        res = self.call("crm.governance.duplicate.scan", "create", {"section_id": self.section_b.id})
        scan_id = res.get("result")
        if scan_id:
            self.refused(self.call("crm.governance.duplicate.scan", "action_scan", [scan_id]), "Sales B1")
