"""A browser tour in headless Chromium (PROT-5): a salesperson opens the
Public Pool, claims a record and sees it in My Pipeline with its badge."""
from datetime import timedelta

from odoo import fields
from odoo.tests import HttpCase, tagged

from .common import GovernanceCase


@tagged("post_install", "-at_install", "crm_governance")
class TestPoolTour(GovernanceCase, HttpCase):

    def test_salesperson_claims_from_the_pool(self):
        lead = self.env["crm.lead"].create({
            "name": "GOVT tour lead", "type": "opportunity", "user_id": False, "team_id": self.team_a.id})
        self.assertEqual(lead.protection_state, "pooled")
        self.start_tour("/odoo", "crm_governance_pool_tour", login="t_sales_a1")
        self.assertEqual((lead.user_id, lead.protection_state), (self.sales_a1, "protected"))
        self.assertTrue(self.env["crm.governance.ledger"].search(
            [("lead_id", "=", lead.id), ("reason", "=", "claim"), ("new_user_id", "=", self.sales_a1.id)]))


@tagged("post_install", "-at_install", "crm_governance")
class TestFollowupTour(GovernanceCase, HttpCase):

    def test_salesperson_logs_follow_ups(self):
        lead = self.env["crm.lead"].create({
            "name": "GOVT follow-up tour", "type": "opportunity", "user_id": self.sales_a1.id,
            "team_id": self.team_a.id, "contact_name": "王经理"})
        twenty_days_ago = fields.Datetime.now() - timedelta(days=20)
        # protected for 20 days already (its first-follow-up deadline still ahead)
        lead._governance_backdate(twenty_days_ago)
        self.start_tour(f"/odoo/crm/{lead.id}", "crm_governance_followup_tour", login="t_sales_a1")
        followups = self.env["crm.governance.followup"].search([("lead_id", "=", lead.id)], order="id")
        self.assertEqual(followups.mapped("is_valid"), [False, True])
        self.assertEqual(followups[0].content, "外出")
        self.assertEqual(lead.protection_days_left, 60)
