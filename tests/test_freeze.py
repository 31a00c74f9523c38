"""SEC-5: a frozen user reaches no CRM record; unfreezing restores access;
nothing they own is deleted or moved."""
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import GovernanceCase


@tagged("post_install", "-at_install", "crm_governance")
class TestFreeze(GovernanceCase):

    def _reach(self, user):
        Lead = self.env["crm.lead"].with_user(user)
        return {
            "search": Lead.search_count([("id", "=", self.lead_a1.id)]),
            "name_search": len(Lead.name_search("GOVT lead A1")),
            "read_group": len(Lead.read_group([("id", "=", self.lead_a1.id)], ["user_id"], ["user_id"])),
            "customer": self.env["res.partner"].with_user(user).search_count([("id", "=", self.cust_a1.id)]),
        }

    def test_round_trip(self):
        before = self._reach(self.sales_a1)
        self.assertEqual(before, {"search": 1, "name_search": 1, "read_group": 1, "customer": 1})
        self.sales_a1.with_user(self.admin_a).action_governance_freeze()
        self.assertTrue(self.sales_a1.governance_frozen)
        self.assertEqual(self.sales_a1.governance_frozen_by_id, self.admin_a)
        self.assertEqual(self._reach(self.sales_a1), dict.fromkeys(before, 0))
        lead = self.lead_a1.with_user(self.sales_a1)
        for denied in (lambda: lead.read(["name"]), lambda: lead.write({"description": "x"}),
                       lambda: lead.export_data(["name"]),
                       lambda: self.cust_a1.with_user(self.sales_a1).read(["name"]),
                       lambda: self.env["crm.lead"].with_user(self.sales_a1).create(
                           {"name": "GOVT while frozen", "user_id": self.sales_a1.id, "team_id": self.team_a.id})):
            with self.assertRaises(AccessError):
                denied()
        # nothing deleted or moved
        self.assertEqual((self.lead_a1.user_id, self.lead_a1.section_id), (self.sales_a1, self.section_a))
        self.assertEqual(self.cust_a1.user_id, self.sales_a1)
        self.sales_a1.with_user(self.sysadmin).action_governance_unfreeze()
        self.assertEqual(self._reach(self.sales_a1), before)
        self.lead_a1.with_user(self.sales_a1).write({"description": "back at work"})

    def test_frozen_twice_and_not_frozen(self):
        with self.assertRaisesRegex(UserError, r"already frozen \(SEC-5\)"):
            self.frozen.with_user(self.sysadmin).action_governance_freeze()
        with self.assertRaisesRegex(UserError, r"not frozen \(SEC-5\)"):
            self.sales_a1.with_user(self.sysadmin).action_governance_unfreeze()

    def test_who_may_freeze(self):
        for user in (self.sales_a2, self.head_a, self.management):
            with self.assertRaisesRegex(AccessError, r"SEC-5"):
                self.sales_a1.with_user(user).action_governance_freeze()
        # a section admin only for the people of their own section
        with self.assertRaisesRegex(AccessError, r"SEC-5"):
            self.sales_b1.with_user(self.admin_a).action_governance_freeze()
        self.assertFalse(self.sales_a1.governance_frozen or self.sales_b1.governance_frozen)
        with self.assertRaisesRegex(UserError, r"yourself"):
            self.sysadmin.with_user(self.sysadmin).action_governance_freeze()
