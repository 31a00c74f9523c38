"""The demo shows the product (issue 20): `make run`'s database, as `make test`
installs it too, asserts its own richness. Believable companies per section,
months of history by real people, grades A, B and C, a claimable pool record
for every salesperson, registrations to approve and to spot-check, and no
duplicate the demo did not mean."""
from datetime import date, datetime, time, timedelta

import pytz

from odoo import fields
from odoo.tests import TransactionCase, tagged

from odoo.addons.crm_governance.demo import demo_companies
from odoo.addons.crm_governance.models import crm_governance_demo as demo

SECTIONS = ("east", "south", "north")


@tagged("post_install", "-at_install", "crm_governance")
class TestDemo(TransactionCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sections = {key: cls.env.ref(f"crm_governance.section_{key}", raise_if_not_found=False)
                        for key in SECTIONS}
        if not all(cls.sections.values()):
            cls.skipTest(cls, "the database has no demo data")

    def sales(self, key):
        return [self.env.ref(f"crm_governance.user_{key}_sales{i}") for i in (1, 2, 3)]

    def test_the_data_set_holds_its_own_invariants(self):
        demo_companies._check()

    def test_sections_have_many_believable_customers(self):
        for key, section in self.sections.items():
            self.assertNotRegex(section.name, r"[A-Za-z]", "Chinese-only section names")
            accounts = self.env["res.partner"].search([("section_id", "=", section.id), ("is_company", "=", True)])
            self.assertGreaterEqual(len(set(accounts.mapped("name"))), 40, key)
            # each with contact persons, a province and a phone of its city
            with_contacts = accounts.filtered(lambda p: p.child_ids.filtered(lambda c: not c.is_company))
            self.assertGreaterEqual(len(with_contacts), 40, key)
            self.assertTrue(all(p.state_id and p.phone and p.phone.startswith("0") for p in accounts), key)
            leads = self.env["crm.lead"].search([("section_id", "=", section.id)])
            self.assertFalse(leads.filtered(lambda lead: lead.type == "opportunity" and not lead.partner_id), key)
            self.assertNotIn("USD", leads.company_currency.mapped("name"))

    def test_months_of_history_by_real_people(self):
        Followup = self.env["crm.governance.followup"]
        now = fields.Datetime.now()
        followups = Followup.search([("section_id", "in", [s.id for s in self.sections.values()])])
        self.assertLessEqual(min(followups.mapped("date")), now - timedelta(days=180))
        # by each of the salespeople and the heads following their key customers, not by OdooBot or the installer
        salespeople = set().union(*(self.sales(key) for key in SECTIONS))
        heads = {self.env.ref(f"crm_governance.user_{key}_head") for key in SECTIONS}
        self.assertEqual(set(followups.mapped("author_id")), salespeople | heads)
        # mostly valid, some invalid of each FU-2 kind
        valid = followups.filtered("is_valid")
        self.assertGreater(len(valid) / len(followups), 0.7)
        kinds = set(followups.reason_ids.mapped("code"))
        self.assertLessEqual({"too_short", "no_substance", "keywords_only", "meaningless", "unrelated", "repeated",
                              "copied"}, kinds)
        Ledger = self.env["crm.governance.ledger"]
        for reason in ("register", "claim", "release", "expired", "dispatch", "section_move", "validity_query"):
            self.assertTrue(Ledger.search_count([("reason", "=", reason)]), reason)
        self.assertLessEqual(min(Ledger.search([("reason", "=", "register"), ("lead_id", "!=", False)])
                                 .mapped("date")), now - timedelta(days=150))
        queries = self.env["crm.governance.validity.query"].search([])
        self.assertLessEqual({"transferred", "refused", "pending"}, set(queries.mapped("state")))
        overrides = self.env["crm.governance.grade.override"].search([])
        self.assertLessEqual({"approved", "rejected"}, set(overrides.mapped("state")))

    def test_heads_open_the_crm_on_a_pipeline_of_their_own(self):
        # the CRM app opens on "My Pipeline": a head's is not empty, it holds key customers they follow
        for key in SECTIONS:
            head = self.env.ref(f"crm_governance.user_{key}_head")
            mine = self.env["crm.lead"].with_user(head).search([
                ("user_id", "=", head.id), ("type", "=", "opportunity"), ("stage_id.is_won", "=", False)])
            self.assertTrue(mine, key)
            # and the customers they hold are key customers (grade A) among others
            held = self.env["res.partner"].with_user(head).search([("user_id", "=", head.id),
                                                                   ("is_company", "=", True)])
            self.assertIn("A", held.mapped("governance_grade"), key)

    def test_grades_a_b_and_c_in_cny(self):
        for key, section in self.sections.items():
            grades = set(self.env["res.partner"].search([("section_id", "=", section.id)]).mapped("governance_grade"))
            self.assertLessEqual({"A", "B", "C"}, grades, key)
        self.assertEqual(self.env.company.currency_id, self.env.ref("base.CNY"))

    def test_every_salesperson_has_a_pool_record_to_claim(self):
        for key, section in self.sections.items():
            pool = self.env["crm.lead"].search([("section_id", "=", section.id), ("protection_state", "=", "pooled")])
            for user in self.sales(key):
                refusals = pool.sudo()._governance_claim_refusals(user)
                self.assertTrue([rid for rid, (refusal, _facts) in refusals.items() if not refusal], user.login)

    def test_registrations_to_approve_and_to_spot_check(self):
        Lead = self.env["crm.lead"]
        self.assertTrue(self.sections["south"].registration_approval)
        self.assertTrue(Lead.search_count([("section_id", "=", self.sections["south"].id),
                                           ("governance_registration_state", "=", "pending")]))
        # yesterday as the head saw it the day the demo was built: the spot-check filter, on the head's
        # clock (Beijing), whatever the hour the demo was built at and this test runs at
        built = self.env["ir.config_parameter"].sudo().get_param(demo.DEMO_DAY_PARAM)
        for key, section in self.sections.items():
            head = self.env.ref(f"crm_governance.user_{key}_head")
            clock = pytz.timezone(head.tz)
            today = date.fromisoformat(built) if built else \
                pytz.utc.localize(fields.Datetime.now()).astimezone(clock).date()
            start, end = (clock.localize(datetime.combine(day, time.min)).astimezone(pytz.utc)
                          .replace(tzinfo=None) for day in (today - timedelta(days=1), today))
            self.assertTrue(Lead.with_user(head).search_count([
                ("section_id", "=", section.id), ("governance_complete_by", "!=", False),
                ("create_date", ">=", start), ("create_date", "<", end)]), section.name)

    def test_no_duplicate_the_demo_did_not_mean(self):
        Scan = self.env["crm.governance.duplicate.scan"]
        for key, section in self.sections.items():
            groups = Scan._governance_groups(section)
            # the one deliberate pair per section: a customer registered twice before the rules
            self.assertEqual([(g["res_model"], g["kind"]) for g in groups], [("res.partner", "phone")], key)

    def test_a_customer_s_won_deals_are_each_its_own_project(self):
        # two "一期项目（已签约）" of one customer read as a duplicate in every list
        groups = self.env["crm.lead"].with_context(active_test=False)._read_group(
            [("stage_id.is_won", "=", True), ("section_id", "in", [s.id for s in self.sections.values()])],
            ["partner_id", "name"], ["__count"], having=[("__count", ">", 1)])
        self.assertFalse(groups)
        self.assertGreater(self.env["crm.lead"].search_count([("stage_id.is_won", "=", True),
                                                              ("name", "like", "二期项目")]), 0)

    def test_salespeople_belong_to_their_section_s_team_and_read_chinese(self):
        for key, section in self.sections.items():
            for user in self.sales(key):
                self.assertIn(user, section.team_ids.member_ids)
                self.assertEqual(user.notification_type, "inbox")
                # leads as well as opportunities: the pool and registrations hold leads
                self.assertTrue(user.has_group("crm.group_use_lead"), user.login)
        # Odoo's own English demo deals are out of the governed users' way
        self.assertFalse(self.env["crm.lead"].search_count([("section_id", "=", False)]))

    def test_a_salesperson_s_customers_open_on_chinese_companies(self):
        # Odoo's English demo companies sort before every Chinese name: archived with its demo deals
        for key in SECTIONS:
            user = self.sales(key)[0]
            # (the company's own partner aside: the salesperson's employer)
            own = self.env["res.company"].sudo().search([]).partner_id
            first = self.env["res.partner"].with_user(user).search(
                [("is_company", "=", True), ("id", "not in", own.ids)], limit=20)
            self.assertTrue(first, key)
            latin = [name for name in first.mapped("name") if not any("\u4e00" <= c <= "\u9fff" for c in name)]
            self.assertFalse(latin, key)
            # the Contacts app: Odoo's demo users work for our company, not "YourCompany"
            people = self.env["res.partner"].with_user(user).search([], limit=20)
            self.assertFalse([p.display_name for p in people if "YourCompany" in p.display_name], key)
