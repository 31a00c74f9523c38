"""A contact carries its customer account's section, salesperson and
protection state (models/res_partner.py, REACH_COLUMNS), which the record rules read
(SEC-4): whatever path changes the account, by the ORM or by the module's
SQL, the contacts follow at once, and nobody writes the copies."""
from datetime import datetime, timedelta

from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import HttpCase, tagged

from .common import GovernanceCase, RpcMixin

T0 = datetime(2026, 3, 2, 9, 0)  # a Monday
STALE = """SELECT c.id FROM res_partner c JOIN res_partner p ON p.id = c.commercial_partner_id
            WHERE (c.governance_company_section_id, c.governance_company_user_id,
                   c.governance_company_protection_state)
                  IS DISTINCT FROM (p.section_id, p.user_id, p.protection_state)"""


@tagged("post_install", "-at_install", "crm_governance")
class TestContactReach(RpcMixin, GovernanceCase, HttpCase):

    def setUp(self):
        super().setUp()
        (self.section_a | self.section_b).write({"first_followup_days": 0, "key_contact_months": 0})
        Partner = self.env["res.partner"]
        self.contact_a = Partner.create({"name": "GOVT 联系人 王经理", "parent_id": self.cust_a1.id})
        self.contact_b = Partner.create({"name": "GOVT 联系人 李总", "parent_id": self.cust_b1.id})

    def stale(self):
        self.env.flush_all()
        self.env.cr.execute(STALE)
        return [row[0] for row in self.env.cr.fetchall()]

    def contacts_seen_by(self, user):
        return self.env["res.partner"].with_user(user).search([("name", "like", "GOVT 联系人")])

    def test_contacts_follow_every_change_of_their_account(self):
        self.assertEqual(self.stale(), [])
        self.assertEqual(self.contact_a.governance_company_section_id, self.section_a)
        self.assertEqual(self.contact_a.governance_company_user_id, self.sales_a1)
        self.assertEqual(self.contacts_seen_by(self.sales_a1), self.contact_a)
        self.assertFalse(self.contacts_seen_by(self.sales_a2))
        # released by its owner (the door, then protection written by SQL): the colleague reads
        # the pool's contact now
        self.cust_a1.with_user(self.sales_a1).action_governance_release("客户转给集团采购，暂停跟进")
        self.assertEqual(self.stale(), [])
        self.assertEqual(self.contact_a.governance_company_protection_state, "pooled")
        self.assertEqual(self.contacts_seen_by(self.sales_a2), self.contact_a)
        # claimed: the claimer's, the others' no more
        self.cust_a1.with_user(self.sales_a2).action_governance_claim()
        self.assertEqual(self.stale(), [])
        self.assertEqual(self.contacts_seen_by(self.sales_a2), self.contact_a)
        self.assertFalse(self.contacts_seen_by(self.sales_a1))
        # moved to another section by management: its people read the contact, A's do not
        self.cust_a1.with_user(self.management).action_governance_move_section(
            self.section_b, note="客户总部迁往北京", owner=self.sales_b1)
        self.assertEqual(self.stale(), [])
        self.assertEqual(self.contacts_seen_by(self.sales_b1), self.contact_a | self.contact_b)
        self.assertFalse(self.contacts_seen_by(self.sales_a2))
        # a contact moved under another account follows that one
        self.contact_b.with_user(self.sales_b1).write({"parent_id": self.cust_b1.id})
        self.contact_a.sudo().parent_id = self.cust_b1
        self.assertEqual(self.stale(), [])

    def test_the_passes_written_by_sql_carry_over(self):
        with freeze_time(T0):
            account = self.env["res.partner"].create({"name": "GOVT 苏州恒通机械有限公司", "is_company": True,
                                                      "user_id": self.sales_a1.id})
            contact = self.env["res.partner"].create({"name": "GOVT 联系人 赵工", "parent_id": account.id})
        self.assertEqual(contact.governance_company_protection_state, "protected")
        with freeze_time(T0 + timedelta(days=31)):
            self.env["crm.governance.section"]._cron_protection_warning()
        self.assertEqual(self.stale(), [])
        self.assertEqual(contact.governance_company_protection_state, "warning")
        with freeze_time(T0 + timedelta(days=61)):
            self.env["crm.governance.section"]._cron_protection_release()
        self.assertEqual(self.stale(), [])
        self.assertEqual((contact.governance_company_user_id, contact.governance_company_protection_state),
                         (self.env["res.users"], "pooled"))
        self.assertIn(contact, self.contacts_seen_by(self.sales_a2))

    def test_nobody_writes_the_copies(self):
        with self.assertRaisesRegex(UserError, r"Customer's Section cannot be written.*SEC-4"):
            self.contact_b.write({"governance_company_section_id": self.section_a.id})
        self.login(self.sales_b1)
        for field, value in (("governance_company_section_id", self.section_a.id),
                             ("governance_company_user_id", self.sales_a1.id),
                             ("governance_company_protection_state", "pooled")):
            self.assertIn("SEC-4", self.refused(self.call("res.partner", "write", [self.contact_b.id],
                                                          {field: value})), field)
            res = self.call("res.partner", "create", [{"name": "GOVT 联系人 孙工", "parent_id": self.cust_b1.id,
                                                       field: value}])
            self.assertIn("SEC-4", self.refused(res), field)
        self.assertEqual(self.stale(), [])
        self.assertEqual(self.contact_b.governance_company_section_id, self.section_b)
