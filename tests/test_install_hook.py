"""Installing on a database that already holds CRM data: existing rows are
filed under a default section with governance disabled, and stock behaviour
is unchanged until an admin enables it."""
from odoo.tests import tagged
from odoo.tests.common import TransactionCase, new_test_user

from odoo.addons.crm_governance.hooks import assign_default_sections


@tagged("post_install", "-at_install", "crm_governance")
class TestInstallHook(TransactionCase):

    def test_existing_rows_get_the_default_section(self):
        self._scenario(bulk_threshold=10**9)  # batched UPDATEs

    def test_existing_rows_get_the_default_section_in_bulk(self):
        # the column re-added with a DEFAULT, as for a million leads
        self._scenario(bulk_threshold=1)

    def _scenario(self, bulk_threshold):
        env = self.env
        company = env.ref("base.main_company")
        other_company = env["res.company"].create({"name": "GOVT Subsidiary"})
        alice = new_test_user(env, "t_alice", groups="base.group_user,sales_team.group_sale_salesman")
        bob = new_test_user(env, "t_bob", groups="base.group_user,sales_team.group_sale_salesman")
        team = env["crm.team"].create({"name": "Legacy team", "company_id": company.id})
        shared_team = env["crm.team"].create({"name": "Legacy shared team", "company_id": False})
        sub_team = env["crm.team"].create({"name": "Legacy sub team", "company_id": other_company.id})
        leads = env["crm.lead"].create([
            {"name": "legacy 1", "user_id": alice.id, "team_id": team.id},
            {"name": "legacy 2", "user_id": False, "team_id": team.id},
            {"name": "legacy 3", "user_id": bob.id, "team_id": False},
            {"name": "legacy 4", "user_id": False, "team_id": sub_team.id, "company_id": other_company.id},
        ])
        customer = env["res.partner"].create({"name": "Legacy Ltd", "is_company": True, "user_id": alice.id})
        contact = env["res.partner"].create({"name": "Legacy contact", "parent_id": customer.id})
        activity = leads[0].activity_schedule("mail.mail_activity_data_todo", user_id=alice.id)
        # As they were before the module existed: no section anywhere.
        self.env.flush_all()
        env.cr.execute("UPDATE crm_lead SET section_id = NULL WHERE id = ANY(%s)", [leads.ids])
        env.cr.execute("UPDATE crm_team SET section_id = NULL WHERE id = ANY(%s)",
                       [(team | shared_team | sub_team).ids])
        env.cr.execute("UPDATE res_partner SET section_id = NULL WHERE id = ANY(%s)", [customer.ids])
        env.cr.execute("UPDATE mail_activity SET section_id = NULL WHERE id = %s", [activity.id])
        env.invalidate_all()

        # a lead already filed before the hook runs keeps its section
        kept_section = env["crm.governance.section"].create({"name": "Kept", "code": "T-KEPT"})
        kept = env["crm.lead"].create({"name": "already filed", "user_id": False})
        kept.section_id = kept_section
        self.env.flush_all()

        counts = assign_default_sections(env, bulk_threshold=bulk_threshold)

        Section = env["crm.governance.section"].with_context(active_test=False)
        main_default = Section.search([("company_id", "=", company.id), ("code", "=", "DEFAULT")])
        sub_default = Section.search([("company_id", "=", other_company.id), ("code", "=", "DEFAULT")])
        self.assertTrue(main_default and sub_default)
        self.assertFalse(main_default.governance_enabled or sub_default.governance_enabled)
        self.assertEqual((team | shared_team).section_id, main_default)
        self.assertEqual(sub_team.section_id, sub_default)
        self.assertEqual(leads[:3].section_id, main_default)
        self.assertEqual(leads[3].section_id, sub_default)
        self.assertEqual(customer.section_id, main_default)
        self.assertFalse(contact.section_id, "contacts are not customer accounts")
        self.assertEqual(activity.section_id, main_default)
        self.assertEqual(kept.section_id, kept_section)
        # the column keeps its index and foreign key (a section in use cannot be deleted)
        env.cr.execute("SELECT 1 FROM pg_indexes WHERE indexname = 'crm_lead__section_id_index'")
        self.assertTrue(env.cr.fetchone())
        env.cr.execute("SELECT confdeltype FROM pg_constraint WHERE conname = 'crm_lead_section_id_fkey'")
        self.assertEqual(env.cr.fetchone(), ("r",))
        self.assertGreaterEqual(counts["leads"], 4)
        # Idempotent: a second run changes nothing.
        again = assign_default_sections(env, bulk_threshold=bulk_threshold)
        self.assertEqual(again, {"teams": 0, "leads": 0, "partners": 0})

        # Stock behaviour while governance is disabled: a salesperson sees
        # their own and unassigned leads, not a colleague's.
        seen = env["crm.lead"].with_user(alice).search([("id", "in", leads.ids)])
        self.assertEqual(seen, leads[0] | leads[1])
        # ... and changing section between two disabled sections is free.
        legacy = env["crm.lead"].with_user(alice).browse(leads[0].id)
        legacy.write({"description": "still stock"})

        # Once enabled, the section's rules apply.
        main_default.governance_enabled = True
        self.assertFalse(env["crm.lead"].with_user(alice).search([("id", "in", leads.ids)]))
        main_default.member_ids = [(4, alice.id)]
        # her own lead, protected, and the unassigned one, now in the section's pool
        self.assertEqual(env["crm.lead"].with_user(alice).search([("id", "in", leads.ids)]), leads[0] | leads[1])
        self.assertEqual((leads[0].protection_state, leads[1].protection_state), ("protected", "pooled"))
        self.assertFalse(leads[3].protection_state, "other company's default section is still disabled")
