"""SEC-3: only group management and system admins move records between
sections; every move leaves a ledger row and a chatter message."""
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from .common import GovernanceCase


@tagged("post_install", "-at_install", "crm_governance")
class TestSectionMove(GovernanceCase):

    def _ledger(self, lead):
        return self.env["crm.governance.ledger"].search(
            [("lead_id", "=", lead.id), ("reason", "=", "section_move")])

    def test_move_refused_below_management(self):
        for user, lead in ((self.sales_a1, self.lead_a1), (self.head_a, self.lead_a1),
                           (self.admin_a, self.lead_a2)):
            with self.assertRaisesRegex(AccessError, r"SEC-3"):
                lead.with_user(user).write({"section_id": self.section_b.id})
            # putting the lead on section B's team is a move too
            with self.assertRaisesRegex(AccessError, r"SEC-3"):
                lead.with_user(user).write({"team_id": self.team_b.id})
            self.assertEqual(lead.section_id, self.section_a, user.login)
        self.assertFalse(self._ledger(self.lead_a1) | self._ledger(self.lead_a2))

    def test_customer_move_refused_for_section_admin(self):
        with self.assertRaisesRegex(AccessError, r"SEC-3"):
            self.cust_a1.with_user(self.admin_a).write({"section_id": self.section_b.id})
        self.assertEqual(self.cust_a1.section_id, self.section_a)

    def test_system_admin_moves_and_it_is_logged(self):
        lead = self.lead_a1.with_user(self.sysadmin)
        lead.action_governance_move_section(self.section_b.id, "customer relocated to Beijing", self.sales_b1.id)
        self.assertEqual((self.lead_a1.section_id, self.lead_a1.user_id), (self.section_b, self.sales_b1))
        # one row for one move: from its owner and section to its new owner in the target section
        move = self._ledger(self.lead_a1)
        self.assertEqual((move.old_section_id, move.section_id, move.author_id, move.old_user_id, move.new_user_id,
                          move.reason), (self.section_a, self.section_b, self.sysadmin, self.sales_a1, self.sales_b1,
                                         "section_move"))
        self.assertEqual(move.note, "customer relocated to Beijing")
        self.assertEqual(self.lead_a1.protection_state, "protected")
        chatter = self.lead_a1.message_ids.filtered(lambda m: "SEC-3" in (m.body or ""))
        self.assertEqual(len(chatter), 1)
        self.assertIn("Section A", chatter.body)
        self.assertIn("Section B", chatter.body)
        # the previous owner sits outside the lead's section now: they lose it
        self.assertFalse(self.env["crm.lead"].with_user(self.sales_a1).search([("id", "=", self.lead_a1.id)]))
        self.assertTrue(self.env["crm.lead"].with_user(self.head_b).search([("id", "=", self.lead_a1.id)]))
        self.assertTrue(self.env["crm.lead"].with_user(self.sales_b1).search([("id", "=", self.lead_a1.id)]))

    def test_a_move_without_an_owner_of_the_target_is_refused(self):
        # the owner would sit in a section that is not theirs (an East salesperson owning a North record)
        for move in (lambda lead: lead.action_governance_move_section(self.section_b.id, "north"),
                     lambda lead: lead.write({"section_id": self.section_b.id})):
            with self.assertRaisesRegex(UserError, r"T Sales A1 is not a salesperson of section Section B: a record "
                                                   r"moved there gets a new owner of that section, or goes to its "
                                                   r"public pool \(SEC-3, PROT-5\)"):
                move(self.lead_a1.with_user(self.sysadmin))
            self.assertEqual((self.lead_a1.section_id, self.lead_a1.user_id), (self.section_a, self.sales_a1))
            self.assertFalse(self._ledger(self.lead_a1))
        # nor to a frozen or foreign user
        for user in (self.frozen, self.sales_a2):
            with self.assertRaisesRegex(UserError, r"not a salesperson of section Section B.*\(PROT-5\)"):
                self.lead_a1.with_user(self.sysadmin).action_governance_move_section(self.section_b.id, "x", user.id)
            self.assertEqual((self.lead_a1.section_id, self.lead_a1.user_id), (self.section_a, self.sales_a1))
            self.assertFalse(self._ledger(self.lead_a1))

    def test_a_move_to_the_target_pool(self):
        self.lead_a1.with_user(self.management).action_governance_move_section(self.section_b.id, "to the pool", False)
        self.assertEqual((self.lead_a1.section_id, self.lead_a1.user_id, self.lead_a1.protection_state),
                         (self.section_b, self.env["res.users"], "pooled"))
        # section B's salesperson finds it in their pool and claims it
        self.lead_a1.with_user(self.sales_b1).action_governance_claim()
        self.assertEqual(self.lead_a1.user_id, self.sales_b1)

    def test_management_moves_through_the_wizard(self):
        leads = self.lead_a1 | self.lead_a_pool
        wizard_form = Form(self.env["crm.governance.section.move"].with_user(self.management).with_context(
            active_model="crm.lead", active_ids=leads.ids))
        self.assertEqual(wizard_form.record_count, 2)
        wizard_form.section_id = self.section_b
        # the target section's people, frozen ones left out
        self.assertEqual(wizard_form.allowed_user_ids[:], self.sales_b1 | self.head_b)
        wizard_form.user_id = self.sales_b1
        wizard_form.note = "reorganisation 2026"
        wizard_form.save().action_move()
        self.assertEqual(leads.section_id, self.section_b)
        self.assertEqual(leads.user_id, self.sales_b1)
        self.assertEqual(len(self._ledger(self.lead_a1)), 1)
        self.assertEqual(len(self._ledger(self.lead_a_pool)), 1)
        self.assertEqual(self._ledger(self.lead_a_pool).mapped("old_section_id"), self.section_a)
        self.assertEqual(self._ledger(self.lead_a1).author_id, self.management)
        # management still cannot edit the records themselves
        with self.assertRaises(AccessError):
            self.lead_a1.with_user(self.management).write({"description": "edited"})

    def test_move_carries_activities_along(self):
        act = self.lead_a1.activity_schedule("mail.mail_activity_data_todo", user_id=self.sales_a1.id)
        self.lead_a1.with_user(self.sysadmin).action_governance_move_section(self.section_b.id, False, False)
        self.assertEqual(act.section_id, self.section_b)

    def test_ledger_is_append_only(self):
        self.lead_a_pool.with_user(self.sysadmin).write({"section_id": self.section_b.id})
        row = self._ledger(self.lead_a_pool)
        for user in (self.sysadmin, self.management, self.sales_a1):
            with self.assertRaises(AccessError):
                row.with_user(user).write({"note": "rewritten"})
            with self.assertRaises(AccessError):
                row.with_user(user).unlink()
            with self.assertRaises(AccessError):
                self.env["crm.governance.ledger"].with_user(user).create({"reason": "claim"})
        self.assertEqual(row.note, False)

    def test_registration_is_logged_with_the_section(self):
        lead = self.env["crm.lead"].with_user(self.sales_a1).create(
            {"name": "GOVT fresh", "user_id": self.sales_a1.id, "team_id": self.team_a.id})
        self.assertEqual(lead.section_id, self.section_a)
        row = self.env["crm.governance.ledger"].search([("lead_id", "=", lead.id)])
        self.assertEqual((row.reason, row.new_user_id, row.section_id), ("register", self.sales_a1, self.section_a))

    def test_cannot_register_into_another_section(self):
        with self.assertRaises(AccessError):
            self.env["crm.lead"].with_user(self.sales_a1).create(
                {"name": "GOVT sneaky", "user_id": self.sales_a1.id, "team_id": self.team_b.id})
        with self.assertRaises(AccessError):
            self.env["crm.lead"].with_user(self.sales_a1).create(
                {"name": "GOVT sneaky", "user_id": self.sales_a1.id, "section_id": self.section_b.id})
