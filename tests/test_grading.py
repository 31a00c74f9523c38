"""Key-customer grading (GRADE-1 … GRADE-4): the grading run on customers
with known won deals, overrides and their approval, the grade driving the
follow-up duty, the key-customer reports and the grade's model boundary."""
from datetime import date, datetime, timedelta

from dateutil.relativedelta import relativedelta
from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import HttpCase, tagged

from .common import GovernanceCase, RpcMixin

# an override ends within the company's longest override (GRADE-2: 12 months)
IN_SIX_MONTHS = fields.Date.to_string(fields.Date.today() + relativedelta(months=6))

TODAY = date(2026, 11, 24)
NOW = datetime(2026, 11, 24, 9, 0)
DAY = timedelta(days=1)


class GradingSetup(GovernanceCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # amount decides alone (full points at 1,000): grades are exact
        cls.env.company.write({
            "governance_grade_weight_growth": 0, "governance_grade_weight_margin": 0,
            "governance_grade_weight_deals": 0, "governance_grade_weight_tenure": 0,
            "governance_grade_full_amount": 1000})
        cls.won_stage = cls.env["crm.stage"].search([("is_won", "=", True)], limit=1)
        # other won deals (demo data) archived: the ranks and tops are ours alone
        cls.env["crm.lead"].search([("stage_id.is_won", "=", True)]).action_archive()
        # customers of section A (sales_a1) and B (sales_b1), 100 … 1,200 won each
        cls.customers = cls.env["res.partner"]
        for i in range(1, 13):
            owner = cls.sales_a1 if i <= 9 else cls.sales_b1
            customer = cls.env["res.partner"].create({"name": f"GOVT graded {i:02d}", "is_company": True,
                                                     "user_id": owner.id})
            cls.customers |= customer
            cls.win(customer, 100.0 * i, NOW - 30 * DAY)
        # the 12 months before: customer 01 had 50, customer 02 had 400
        cls.win(cls.customers[0], 50.0, NOW - 400 * DAY)
        cls.win(cls.customers[1], 400.0, NOW - 500 * DAY)
        # outside both windows: counts for the relationship length only
        cls.win(cls.customers[2], 9999.0, NOW - 800 * DAY)

    @classmethod
    def win(cls, customer, amount, closed, company=None):
        lead = cls.env["crm.lead"].create({
            "name": f"GOVT won {customer.name} {amount}", "type": "opportunity", "partner_id": customer.id,
            "expected_revenue": amount, "user_id": False, "stage_id": cls.won_stage.id,
            **({"company_id": company.id} if company else {})})
        lead.write({"date_closed": closed})
        return lead

    def grade(self, today=TODAY, **kw):
        return self.env["res.partner"]._governance_grade_customers(today=today, **kw)


@tagged("post_install", "-at_install", "crm_governance")
class TestGradingRun(GradingSetup):

    def test_known_deals_give_the_expected_grades_and_figures(self):
        self.grade()
        grades = dict(zip(self.customers.mapped("name"), self.customers.mapped("governance_grade"), strict=True))
        # 600 and up: A; 300 … 599: B; below: C (fixed thresholds 60/30)
        self.assertEqual([grades[f"GOVT graded {i:02d}"] for i in range(1, 13)],
                         ["C", "C", "B", "B", "B", "A", "A", "A", "A", "A", "A", "A"])
        first, second, third = self.customers[:3]
        self.assertEqual((first.governance_won_amount, first.governance_won_amount_previous), (100.0, 50.0))
        self.assertAlmostEqual(first.governance_growth, 100.0)
        self.assertAlmostEqual(second.governance_growth, -50.0)  # 200 against 400
        self.assertEqual(third.governance_won_amount, 300.0)  # the old 9,999 is out of both windows
        self.assertEqual(third.governance_first_won, (NOW - 800 * DAY).date())
        self.assertEqual(third.governance_customer_months, 26)
        self.assertFalse(first.governance_margin_known)  # opportunities carry no margin: left out
        self.assertEqual(first.governance_grade_rule, "10 < 30 → C")
        self.assertIn("10 < 30 → C", first.governance_grade_reason)
        self.assertIn("not known", first.governance_grade_reason)
        # the leads show their customer's grade; customers that never won have none
        lead = self.env["crm.lead"].search([("partner_id", "=", self.customers[6].id)], limit=1)
        self.assertEqual(lead.governance_grade, "A")
        self.assertFalse(self.cust_a1.governance_grade)

    def test_a_second_run_changes_and_logs_nothing(self):
        self.grade()
        messages = self.env["mail.message"].search_count([("model", "=", "res.partner"),
                                                          ("res_id", "in", self.customers.ids)])
        changes = self.env["crm.governance.grade.change"].search_count([])
        graded_at = self.customers.mapped("governance_graded_at")
        self.assertEqual(self.grade(), 0)
        self.assertEqual(self.env["mail.message"].search_count([("model", "=", "res.partner"),
                                                                ("res_id", "in", self.customers.ids)]), messages)
        self.assertEqual(self.env["crm.governance.grade.change"].search_count([]), changes)
        self.assertEqual(self.customers.mapped("governance_graded_at"), graded_at)

    def test_a_grade_change_is_logged_once_in_the_chatter_and_the_history(self):
        self.grade()
        customer = self.customers[0]  # C with 100
        self.win(customer, 600.0, NOW - 2 * DAY)
        self.assertEqual(self.grade(), 1)
        self.assertEqual(customer.governance_grade, "A")
        log = customer.message_ids.filtered(lambda m: "Grade:" in (m.body or ""))
        self.assertEqual(len(log), 2)  # none → C, then C → A
        self.assertIn("70 ≥ 60 → A", log[0].body)
        change = self.env["crm.governance.grade.change"].search([("partner_id", "=", customer.id)], limit=1)
        self.assertEqual((change.old_grade, change.new_grade, change.source), ("C", "A", "computed"))

    def test_top_percentage_mode_and_five_bands(self):
        self.env.company.write({"governance_grade_mode": "top_percent", "governance_grade_bands": "ABCDE",
                                "governance_grade_top_a": 25, "governance_grade_top_b": 50,
                                "governance_grade_top_c": 75, "governance_grade_top_d": 90})
        self.grade()
        self.assertEqual(self.customers.mapped("governance_grade"),
                         ["E", "E", "D", "C", "C", "C", "B", "B", "B", "A", "A", "A"])

    def test_multi_currency_at_the_closing_date_rate(self):
        usd = self.env.company.currency_id
        eur = self.env.ref("base.EUR") if usd != self.env.ref("base.EUR") else self.env.ref("base.USD")
        eur.active = True
        company = self.env["res.company"].create({"name": "GOVT EUR company", "currency_id": eur.id})
        Rate = self.env["res.currency.rate"]
        Rate.search([("currency_id", "in", (eur | usd).ids)]).unlink()
        closed = NOW - 40 * DAY
        Rate.create([{"currency_id": eur.id, "name": (closed - 5 * DAY).date(), "rate": 0.5},
                     {"currency_id": eur.id, "name": (closed + 5 * DAY).date(), "rate": 0.25}])
        customer = self.customers[0]
        self.win(customer, 100.0, closed, company=company)  # 100 EUR at 0.5 EUR per unit: 200
        self.grade()
        self.assertAlmostEqual(customer.governance_won_amount, 100.0 + 200.0)
        self.assertEqual(customer.governance_grade_currency_id, usd)

    def test_bad_grading_numbers_are_refused_naming_the_rule(self):
        cases = [
            ({"governance_grade_weight_amount": 0}, "at least one weight"),
            ({"governance_grade_weight_growth": -5}, "cannot be negative|at least 0"),
            ({"governance_grade_score_a": 20, "governance_grade_score_b": 40}, "must be in order"),
            ({"governance_grade_mode": "top_percent", "governance_grade_top_a": 60}, "must be in order"),
        ]
        for vals, message in cases:
            with self.subTest(vals=vals), self.assertRaisesRegex(ValidationError, f"({message}).*GRADE-2"):
                self.env.company.write(vals)
                self.env.company.flush_recordset()
            self.env.company.invalidate_recordset()
            self.assertEqual(self.env.company.governance_grade_weight_amount, 50)

    def test_grades_cannot_be_written_through_the_orm(self):
        for user in (self.sales_a1, self.head_a):
            for vals in ({"governance_grade": "A"}, {"governance_grade_override": "A"},
                         {"governance_won_amount": 1e9}):
                with self.subTest(user=user.login, vals=vals), self.assertRaisesRegex(UserError, "GRADE-2"):
                    self.cust_a1.with_user(user).write(vals)
        with self.assertRaisesRegex(UserError, "GRADE-1"):
            self.lead_a1.with_user(self.sales_a1).write({"governance_grade": "C"})
        with self.assertRaisesRegex(UserError, "GRADE-2"):
            self.env["res.partner"].with_user(self.sales_a1).with_context(default_governance_grade="A").create(
                {"name": "GOVT forged", "is_company": True, "user_id": self.sales_a1.id})

    def test_own_defaults_are_no_way_to_a_grade(self):
        # a user's ir.default for the grade fields is dropped, not applied
        Default = self.env["ir.default"].with_user(self.sales_a1)
        Default.set("res.partner", "governance_grade_override", "A", user_id=True)
        Default.set("res.partner", "governance_grade_override_until", "2099-12-31", user_id=True)
        Default.set("crm.lead", "governance_grade", "C", user_id=True)
        partner = self.env["res.partner"].with_user(self.sales_a1).create(
            {"name": "GOVT defaults", "is_company": True, "user_id": self.sales_a1.id})
        lead = self.env["crm.lead"].with_user(self.sales_a1).create({"name": "GOVT defaults lead"})
        self.assertFalse(partner.sudo().governance_grade_override)
        self.assertFalse(lead.governance_grade)

    def test_grades_are_for_the_sales_organisation_only(self):
        self.grade()
        with self.assertRaises(AccessError):
            self.customers[0].with_user(self.internal).read(["governance_grade"])
        with self.assertRaises(AccessError):
            self.env["res.partner"].with_user(self.internal).get_governance_key_customers()


@tagged("post_install", "-at_install", "crm_governance")
class TestGradeOverride(GradingSetup):

    def setUp(self):
        super().setUp()
        self.grade()
        self.customer = self.customers[0]  # C, owned by sales_a1 in section A
        self.Override = self.env["crm.governance.grade.override"]

    def propose(self, user=None, **vals):
        return self.Override.with_user(user or self.sales_a1).create({
            "partner_id": self.customer.id, "grade": "A", "reason": "战略客户，明年框架协议",
            "date_end": TODAY + 30 * DAY, **vals})

    def test_proposed_approved_effective_then_expires(self):
        with freeze_time(NOW):
            override = self.propose()
            self.assertEqual((override.state, override.proposer_id, override.computed_grade),
                             ("pending", self.sales_a1, "C"))
            self.assertEqual(self.customer.governance_grade, "C")  # not before approval
            self.assertTrue(override.with_user(self.head_a).can_decide)
            override.with_user(self.head_a).action_approve()
            self.assertEqual((override.state, override.approver_id), ("approved", self.head_a))
            self.assertEqual(self.customer.governance_grade, "A")
            self.assertEqual(self.customer.governance_grade_override, "A")
            self.assertIn("Approved override to A", self.customer.governance_grade_reason)
            # the grading keeps the override while it runs
            self.assertEqual(self.grade(), 0)
            self.assertEqual(self.customer.governance_grade, "A")
        self.grade(today=TODAY + 31 * DAY)
        self.assertEqual((override.state, self.customer.governance_grade), ("ended", "C"))
        history = self.env["crm.governance.grade.change"].search([("partner_id", "=", self.customer.id)])
        self.assertEqual(history.sorted("id").mapped("source"), ["computed", "override", "override_end"])
        steps = self.customer.message_ids.mapped("body")
        self.assertTrue(any("proposed by" in b for b in steps) and any("approved grade A" in b for b in steps))

    def test_rejected_with_a_note_back_to_the_salesperson(self):
        override = self.propose()
        override.with_user(self.head_a).write({"decision_note": "销售额不足"})
        override.with_user(self.head_a).action_reject()
        self.assertEqual((override.state, self.customer.governance_grade), ("rejected", "C"))
        told = override.message_ids.filtered(lambda m: self.sales_a1.partner_id in m.partner_ids)
        self.assertTrue(any("销售额不足" in m.body for m in told))

    def test_a_salesperson_or_another_section_s_head_cannot_approve(self):
        override = self.propose()
        for user in (self.sales_a1, self.sales_a2, self.admin_a, self.head_b, self.management):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                override.with_user(user).action_approve()
        with self.assertRaises(AccessError):
            override.with_user(self.head_b).action_reject()
        self.assertEqual((override.state, self.customer.governance_grade), ("pending", "C"))
        with self.assertRaisesRegex(UserError, "GRADE-2"):
            override.with_user(self.sales_a1).write({"state": "approved"})
        # nor the head who proposed it, however they send it
        own = self.Override.with_user(self.head_a).with_context(default_approver_id=self.head_a.id).create({
            "partner_id": self.customers[1].id, "grade": "A", "reason": "x", "date_end": TODAY + 30 * DAY})
        self.assertFalse(own.approver_id)
        with self.assertRaisesRegex(AccessError, "another section head"):
            own.with_user(self.head_a).action_approve()

    def test_bad_proposals_are_refused_naming_the_field_and_rule(self):
        cases = [({"reason": "  "}, "'Reason' is required.*GRADE-2"),
                 ({"date_end": False}, "'Until' is required.*GRADE-2"),
                 ({"date_end": TODAY - 400 * DAY}, "'Until'.*in the past"),
                 ({"grade": "E"}, "bands A, B, C"),
                 ({"state": "approved"}, "cannot be set"),
                 ({"proposer_id": self.head_a.id}, "cannot be set")]
        for vals, message in cases:
            with self.subTest(vals=vals), self.assertRaisesRegex(UserError, message):
                self.propose(**vals)
        self.assertFalse(self.Override.search([("partner_id", "=", self.customer.id)]))
        # another section's customer: not found, as any record one cannot read
        with self.assertRaises(AccessError):
            self.propose(partner_id=self.customers[-1].id)


@tagged("post_install", "-at_install", "crm_governance")
class TestGradeDrivesDuty(GradingSetup):

    def test_c_to_a_shortens_the_dates_and_the_reminder_comes_at_seven_days(self):
        self.section_a.write({"first_followup_days": 0, "key_contact_months": 0})
        customer = self.customers[0]  # C (100)
        with freeze_time(NOW):
            self.grade()
            opportunity = self.env["crm.lead"].create({
                "name": "GOVT open opportunity", "type": "opportunity", "partner_id": customer.id,
                "user_id": self.sales_a1.id, "team_id": self.team_a.id})
            self.assertEqual(opportunity.governance_grade, "C")
            self.assertEqual(opportunity.followup_due_at, NOW + 30 * DAY)  # C: 30 days
            c_dates = opportunity.warn_at, opportunity.release_at
            # the section's table: A warns at 20 and releases at 40
            self.section_a.write({"grade_a_warning_days": 20, "grade_a_release_days": 40})
            self.win(customer, 800.0, NOW - DAY)
            self.grade()
        self.assertEqual(customer.governance_grade, "A")
        self.assertEqual(opportunity.followup_due_at, NOW + 7 * DAY)
        self.assertEqual((opportunity.warn_at, opportunity.release_at), (NOW + 20 * DAY, NOW + 40 * DAY))
        self.assertLess(opportunity.release_at, c_dates[1])
        self.assertEqual(customer.followup_due_at, customer.last_valid_followup_at + 7 * DAY)
        reminder = self.env.ref("crm_governance.mail_activity_type_followup_due")
        with freeze_time(NOW + 6 * DAY):
            self.env["crm.governance.section"]._cron_followup_due()
        self.assertFalse(opportunity.activity_ids.filtered(lambda a: a.activity_type_id == reminder))
        with freeze_time(NOW + 7 * DAY + timedelta(hours=1)):
            self.env["crm.governance.section"]._cron_followup_due()
        self.assertEqual(len(opportunity.activity_ids.filtered(lambda a: a.activity_type_id == reminder)), 1)

    def test_grade_duty_numbers_are_checked(self):
        with self.assertRaisesRegex(ValidationError, "grade A.*GRADE-4"):
            self.section_a.write({"grade_a_warning_days": 70})
        with self.assertRaisesRegex(ValidationError, "GRADE-4"):
            self.section_a.write({"grade_b_followup_days": 0})


@tagged("post_install", "-at_install", "crm_governance")
class TestKeyCustomerReports(RpcMixin, GradingSetup, HttpCase):

    def test_top_ten_rows_and_section_visibility(self):
        self.grade()
        Partner = self.env["res.partner"]
        table = Partner.get_governance_key_customers()
        names = [row["name"] for row in table["amount"] if row["name"].startswith("GOVT graded")]
        self.assertEqual(names, [f"GOVT graded {i:02d}" for i in range(12, 2, -1)])
        growth = [r["name"] for r in table["growth"] if r["name"].startswith("GOVT graded")]
        # +100 % for all but 02 (-50 %), ties by won amount: 01 (100 won) comes 11th
        self.assertEqual(growth, [f"GOVT graded {i:02d}" for i in range(12, 2, -1)])
        self.assertEqual(table["margin"], [])  # no margin known: nothing to rank
        # a salesperson sees only their own customers of their section, by ORM and HTTP
        mine = Partner.with_user(self.sales_a1).get_governance_key_customers()
        self.assertEqual({r["name"] for r in mine["amount"]}, {f"GOVT graded {i:02d}" for i in range(1, 10)})
        self.login(self.sales_b1)
        res = self.call("res.partner", "get_governance_key_customers")
        self.assertEqual([r["name"] for r in res["result"]["amount"]],
                         ["GOVT graded 12", "GOVT graded 11", "GOVT graded 10"])
        groups = self.call("res.partner", "read_group", [("governance_grade", "!=", False)],
                           ["governance_won_amount:sum"], ["governance_grade"])
        self.assertEqual({g["governance_grade"]: g["governance_won_amount"] for g in groups["result"]},
                         {"A": 3300.0})
        history = self.call("crm.governance.grade.change", "search_read", [], ["partner_id"])
        self.assertEqual({r["partner_id"][1] for r in history["result"]},
                         {"GOVT graded 10", "GOVT graded 11", "GOVT graded 12"})


@tagged("post_install", "-at_install", "crm_governance")
class TestGradingAttackedOverRpc(RpcMixin, GradingSetup, HttpCase):
    """What a salesperson of another section, a frozen user or a user
    outside sales gets over JSON-RPC from the grading's fields and methods,
    with foreign ids and forged values: refusals that name nothing."""

    def setUp(self):
        super().setUp()
        self.grade()
        self.mine = self.customers[0]  # sales_a1's, section A
        self.foreign = self.customers[-1]  # sales_b1's, section B
        self.foreign_override = self.env["crm.governance.grade.override"].with_user(self.sales_b1).create({
            "partner_id": self.foreign.id, "grade": "C", "reason": "GOVT secret reason", "date_end": IN_SIX_MONTHS})
        self.secrets = (self.foreign.name, "GOVT secret reason", "1,200", "1200")

    def _state(self):
        return (self.foreign.read(["governance_grade", "governance_grade_override", "governance_won_amount"]),
                self.foreign_override.read(["state", "approver_id", "decision_note"]),
                self.mine.read(["governance_grade", "governance_grade_override", "governance_grade_override_until"]),
                self.env["crm.governance.grade.change"].search_count([]))

    def test_forged_grades_are_refused(self):
        before = self._state()
        lead = self.env["crm.lead"].search([("partner_id", "=", self.mine.id)], limit=1)
        lead.sudo().write({"user_id": self.sales_a1.id, "team_id": self.team_a.id})
        self.login(self.sales_a1)
        for vals in ({"governance_grade": "A"}, {"governance_grade_override": "A",
                                                 "governance_grade_override_until": "2099-12-31"},
                     {"governance_won_amount": 1e9}, {"governance_grade_computed": "A"}):
            self.assertIn("GRADE-2", self.refused(self.call("res.partner", "write", [self.mine.id], vals)))
        self.assertIn("GRADE-1", self.refused(self.call("crm.lead", "write", [lead.id], {"governance_grade": "C"})))
        self.refused(self.call("res.partner", "create", [{"name": "GOVT forged", "is_company": True}],
                               context={"default_governance_grade": "A"}))
        self.refused(self.call("crm.lead", "create", [{"name": "GOVT forged lead"}],
                               context={"default_governance_grade": "C"}))
        # one's own defaults are dropped, not applied
        self.call("ir.default", "set", "res.partner", "governance_grade_override", "A", True)
        self.call("ir.default", "set", "crm.lead", "governance_grade", "C", True)
        made = self.call("res.partner", "create", [{"name": "GOVT defaults", "is_company": True,
                                                    "user_id": self.sales_a1.id}])
        lead_made = self.call("crm.lead", "create", [{"name": "GOVT defaults lead"}])
        self.assertFalse(self.env["res.partner"].browse(made["result"]).governance_grade_override)
        self.assertFalse(self.env["crm.lead"].browse(lead_made["result"]).governance_grade)
        self.assertEqual(self._state(), before)

    def test_another_section_s_customers_grades_and_overrides_are_out_of_reach(self):
        before = self._state()
        for attacker in (self.sales_a1, self.frozen):
            self.login(attacker)
            with self.subTest(attacker=attacker.login):
                self.refused(self.call("res.partner", "read", [self.foreign.id],
                                       ["governance_grade", "governance_won_amount", "governance_grade_reason"]),
                             *self.secrets)
                rows = self.call("res.partner", "search_read", [("governance_grade", "!=", False)],
                                 ["name", "governance_won_amount"])["result"]
                self.assertNotIn(self.foreign.name, {r["name"] for r in rows})
                groups = self.call("res.partner", "read_group", [("governance_grade", "!=", False)],
                                   ["governance_won_amount:sum"], ["section_id"])["result"]
                self.assertNotIn(self.section_b.id, {g["section_id"] and g["section_id"][0] for g in groups})
                table = self.call("res.partner", "get_governance_key_customers", self.section_b.id)["result"]
                self.assertEqual(table, {"amount": [], "growth": [], "margin": []})
                for model in ("crm.governance.grade.change", "crm.governance.grade.override"):
                    found = self.call(model, "search_read", [], ["display_name"])["result"]
                    self.assertNotIn(self.foreign.name, str(found))
                self.refused(self.call("crm.governance.grade.override", "read", [self.foreign_override.id],
                                       ["reason"]), *self.secrets)
                for method in ("action_approve", "action_reject", "action_cancel"):
                    self.refused(self.call("crm.governance.grade.override", method, [self.foreign_override.id]),
                                 *self.secrets)
                self.refused(self.call("crm.governance.grade.override", "write", [self.foreign_override.id],
                                       {"decision_note": "x"}), *self.secrets)
                self.refused(self.call("crm.governance.grade.override", "message_post", [self.foreign_override.id],
                                       body="x"), *self.secrets)
                # a proposal for the foreign customer: refused as any record one cannot read
                self.refused(self.call("crm.governance.grade.override", "create", [{
                    "partner_id": self.foreign.id, "grade": "A", "reason": "x", "date_end": IN_SIX_MONTHS}]),
                    *self.secrets)
                self.refused(self.call("crm.governance.section", "action_governance_recompute_grades",
                                       [self.section_b.id]), *self.secrets)
        self.assertEqual(self._state(), before)

    def test_proposals_cannot_be_forged_or_self_approved(self):
        before = self._state()
        self.login(self.sales_a1)
        proposal = {"partner_id": self.mine.id, "grade": "A", "reason": "GOVT ok", "date_end": IN_SIX_MONTHS}
        for forged_vals in ({"state": "approved"}, {"proposer_id": self.head_a.id}, {"approver_id": self.head_a.id},
                            {"grade": "Z"}, {"grade": False}, {"reason": " "}, {"date_end": False},
                            {"partner_id": str(self.foreign.id)}, {"partner_id": [self.foreign.id, "x"]}):
            with self.subTest(vals=forged_vals):
                self.refused(self.call("crm.governance.grade.override", "create", [dict(proposal, **forged_vals)]))
        made = self.call("crm.governance.grade.override", "create", [proposal],
                         context={"default_approver_id": self.head_a.id, "default_state": "approved"})
        override = self.env["crm.governance.grade.override"].browse(made["result"])
        self.assertEqual((override.state, override.approver_id.id, override.proposer_id),
                         ("pending", False, self.sales_a1))
        for method in ("action_approve", "action_reject"):
            self.refused(self.call("crm.governance.grade.override", method, [override.id]))
        self.refused(self.call("crm.governance.grade.override", "write", [override.id], {"state": "approved"}))
        # another section's head may not decide it either
        self.login(self.head_b)
        self.refused(self.call("crm.governance.grade.override", "action_approve", [override.id]), "GOVT ok")
        self.assertEqual(override.state, "pending")
        self.assertEqual(self._state()[:2], before[:2])

    def test_users_outside_sales_read_no_grade(self):
        self.login(self.internal)
        for field in ("governance_grade", "governance_grade_override", "governance_grade_override_until"):
            self.refused(self.call("res.partner", "read", [self.mine.id], [field]))
        self.refused(self.call("res.partner", "read_group", [], ["governance_won_amount:sum"], ["governance_grade"]))
        self.refused(self.call("res.partner", "get_governance_key_customers"))

    def test_a_deleted_customer_s_history_stays_out_of_other_sections(self):
        self.env["crm.governance.grade.change"].create({
            "partner_id": False, "partner_name": "GOVT deleted secret", "section_id": False, "new_grade": "A",
            "source": "computed"})
        self.login(self.sales_b1)
        found = self.call("crm.governance.grade.change", "search_read", [], ["display_name"])["result"]
        self.assertNotIn("GOVT deleted secret", str(found))
