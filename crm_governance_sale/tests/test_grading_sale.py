"""crm_governance_sale: grades from confirmed sales orders and their margins."""
from datetime import date, datetime, timedelta

from odoo.tests import TransactionCase, tagged

TODAY = date(2026, 11, 24)
NOW = datetime(2026, 11, 24, 9, 0)


@tagged("post_install", "-at_install", "crm_governance")
class TestGradingFromSales(TransactionCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.write({
            "governance_grade_weight_amount": 50, "governance_grade_weight_margin": 50,
            "governance_grade_weight_growth": 0, "governance_grade_weight_deals": 0,
            "governance_grade_weight_tenure": 0, "governance_grade_full_amount": 1000,
            "governance_grade_full_margin": 50})
        # other orders and won deals (demo data) out of the way: the grades are ours alone
        cls.env["sale.order"].search([("state", "=", "sale")]).write({"state": "cancel"})
        Product = cls.env["product.product"]
        cls.costed = Product.create({"name": "GOVT costed", "list_price": 100.0, "standard_price": 60.0})
        cls.uncosted = Product.create({"name": "GOVT no cost", "list_price": 100.0, "standard_price": 0.0})
        Partner = cls.env["res.partner"]
        cls.margin_known = Partner.create({"name": "GOVT sale margin known", "is_company": True})
        cls.margin_unknown = Partner.create({"name": "GOVT sale margin unknown", "is_company": True})
        cls.draft_only = Partner.create({"name": "GOVT sale draft only", "is_company": True})
        # 10 × 100 at cost 60: 1,000 sold, 40 % margin
        cls.order(cls.margin_known, cls.costed, 10)
        # 8 × 100, no cost: 800 sold, margin not known
        cls.order(cls.margin_unknown, cls.uncosted, 8)
        cls.order(cls.draft_only, cls.costed, 50, confirm=False)

    @classmethod
    def order(cls, partner, product, qty, confirm=True):
        order = cls.env["sale.order"].create({
            "partner_id": partner.id,
            "order_line": [(0, 0, {"product_id": product.id, "product_uom_qty": qty, "price_unit": 100.0,
                                   "tax_id": [(6, 0, [])]})]})
        if confirm:
            order.action_confirm()
        order.write({"date_order": NOW - timedelta(days=20)})
        return order

    def test_grades_and_margins_from_confirmed_orders(self):
        self.env["res.partner"]._governance_grade_customers(today=TODAY)
        known, unknown = self.margin_known, self.margin_unknown
        self.assertEqual((known.governance_won_amount, known.governance_won_deals), (1000.0, 1))
        self.assertTrue(known.governance_margin_known)
        self.assertAlmostEqual(known.governance_margin, 40.0)
        # 50 × 100 points for the amount, 50 × 80 for a 40 % margin (full at 50 %)
        self.assertEqual((known.governance_grade_score, known.governance_grade), (90.0, "A"))
        self.assertEqual(unknown.governance_won_amount, 800.0)
        self.assertFalse(unknown.governance_margin_known)
        # the unknown margin is left out: the amount alone, 80 points
        self.assertEqual((unknown.governance_grade_score, unknown.governance_grade), (80.0, "A"))
        self.assertFalse(self.draft_only.governance_grade)

    def test_won_opportunities_do_not_count_twice(self):
        stage = self.env["crm.stage"].search([("is_won", "=", True)], limit=1)
        lead = self.env["crm.lead"].create({"name": "GOVT won deal", "type": "opportunity",
                                            "partner_id": self.margin_known.id, "expected_revenue": 5000.0,
                                            "stage_id": stage.id})
        lead.write({"date_closed": NOW - timedelta(days=3)})
        self.env["res.partner"]._governance_grade_customers(today=TODAY)
        self.assertEqual(self.margin_known.governance_won_amount, 1000.0)
