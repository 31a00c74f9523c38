"""A registration's steps in their order (issue 22): the required facts are
refused before anything is counted, and a registration waiting for approval
never has protection, not even for a moment."""
from unittest.mock import patch

from odoo.tests import tagged

from odoo.addons.crm_governance.policy import settings

from .test_boundary_second_pass import SecondPassCase


@tagged("post_install", "-at_install", "crm_governance")
class TestRegistrationOrder(SecondPassCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        (cls.section_a | cls.section_b).write({"registration_facts": settings.DEFAULTS["registration_facts"]})
        # another section's customer: registering it again costs a Check Customer lookup (ENTRY-2)
        cls.env["crm.lead"].with_user(cls.sales_b1).create(cls.facts(cls, user_id=cls.sales_b1.id,
                                                                     team_id=cls.team_b.id))

    def lookups(self):
        return self.env["crm.governance.lookup"].search_count([("user_id", "=", self.sales_a1.id)])

    def test_a_missing_fact_is_said_first_and_costs_no_lookup(self):
        self.login(self.sales_a1)
        res = self.call("crm.lead", "create", [self.facts(user_id=self.sales_a1.id, team_id=self.team_a.id,
                                                          source_id=False)])
        answer = self.refused(res)
        self.assertIn("source", answer)
        self.assertIn("ENTRY-1", answer)
        self.assertNotIn("another section", answer)
        self.assertEqual(self.lookups(), 0)
        # with the fact, the collision is said, and that answer is counted
        res = self.call("crm.lead", "create", [self.facts(user_id=self.sales_a1.id, team_id=self.team_a.id)])
        self.assertIn("another section", self.refused(res))
        self.assertEqual(self.lookups(), 1)

    def test_a_registration_waiting_for_approval_never_had_protection(self):
        self.section_a.registration_approval = True
        Lead = self.env["crm.lead"]
        store = type(Lead)._governance_store
        stored = []

        def spy(records, results):
            stored.extend((rid, result.protection_state) for rid, result in results.items())
            return store(records, results)
        with patch.object(type(Lead), "_governance_store", spy):
            lead = Lead.with_user(self.sales_a1).create(self.facts(
                user_id=self.sales_a1.id, team_id=self.team_a.id, partner_name="GOVT 无锡新材料有限公司",
                phone="0510-8123 4567"))
        self.assertEqual(lead.governance_registration_state, "pending")
        self.assertFalse([state for rid, state in stored if rid == lead.id and state])
        # approved, it is protected from then on
        lead.with_user(self.head_a).action_governance_approve_registration()
        self.assertEqual(lead.protection_state, "protected")
