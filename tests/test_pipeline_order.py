"""A registration's steps in their order (issue 22): the required facts are
refused before anything is counted, and a registration waiting for approval
never has protection, not even for a moment."""
from unittest.mock import patch

from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from odoo.addons.crm_governance.models import crm_governance_record_mixin as record_mixin
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


@tagged("post_install", "-at_install", "crm_governance")
class TestPipelineOrder(SecondPassCase):
    """One create/write/unlink pipeline for every governed model
    (crm_governance_record_mixin.py): the steps run in the order listed
    there, refusals before anything is written, for leads and customers."""

    LOGGER = "odoo.addons.crm_governance.models.crm_governance_record_mixin"

    def steps(self, model, run):
        """The pipeline steps ``run`` went through on ``model``, each once,
        in the order they first ran (nested writes of the steps add theirs
        later)."""
        with self.assertLogs(self.LOGGER, "DEBUG") as logs:
            run()
        ran = []
        for record in logs.records:
            name, step = record.getMessage().split(": ")
            if name == model and step not in ran:
                ran.append(step)
        return ran

    def test_the_steps_run_in_the_listed_order(self):
        Lead = self.env["crm.lead"].with_user(self.sales_a1)
        leads = []
        ran = self.steps("crm.lead", lambda: leads.append(Lead.create(self.facts(
            user_id=self.sales_a1.id, team_id=self.team_a.id, partner_name="GOVT 常州精工机械有限公司",
            phone="0519-8765 4321"))))
        self.assertEqual(ran, list(record_mixin.CREATE_REFUSALS + record_mixin.CREATE_STEPS))
        lead = leads[0]
        self.assertEqual(lead.protection_state, "protected")
        ran = self.steps("crm.lead", lambda: lead.write({"phone": "0519-8765 4322"}))
        self.assertEqual(ran, list(record_mixin.WRITE_REFUSALS + record_mixin.WRITE_STEPS))
        # a customer account goes through the same pipeline
        Partner = self.env["res.partner"].with_user(self.sales_a1)
        ran = self.steps("res.partner", lambda: Partner.create({
            "name": "GOVT 常州精工机械有限公司", "is_company": True, "user_id": self.sales_a1.id}))
        self.assertEqual(ran, list(record_mixin.CREATE_REFUSALS + record_mixin.CREATE_STEPS))

    def test_a_refusal_stops_the_pipeline_before_anything_is_applied(self):
        self.section_a.registration_facts = settings.DEFAULTS["registration_facts"]
        Lead = self.env["crm.lead"].with_user(self.sales_a1)
        ledger = self.env["crm.governance.ledger"].search_count([])
        locks = self.env["crm.governance.registration.lock"].search_count([])
        ran = []

        def create():
            with self.assertRaises(ValidationError), self.env.cr.savepoint():
                Lead.create(self.facts(user_id=self.sales_a1.id, team_id=self.team_a.id, source_id=False))
        ran = self.steps("crm.lead", create)
        self.assertEqual(ran[-1], "_governance_refuse_incomplete")
        self.assertNotIn("_governance_protect_new", ran)
        self.assertNotIn("_governance_check_new_keys", ran)
        self.assertEqual(self.env["crm.governance.ledger"].search_count([]), ledger)
        self.assertEqual(self.env["crm.governance.registration.lock"].search_count([]), locks)
        # a write refused by its refusals never reaches the stock write
        lead = self.env["crm.lead"].search([("user_id", "=", self.sales_a1.id)], limit=1)

        def write():
            with self.assertRaises(UserError):
                lead.with_user(self.sales_a1).write({"user_id": self.sales_a2.id})
        ran = self.steps("crm.lead", write)
        self.assertEqual(ran[-1], "_governance_refuse_owner_change")
        self.assertNotIn("_governance_finish_owner_change", ran)
