"""Bad input: a clear error naming the field and the rule, nothing half-written."""
from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import GovernanceCase


@tagged("post_install", "-at_install", "crm_governance")
class TestBadInput(GovernanceCase):

    def test_duplicate_code_in_company(self):
        count = self.env["crm.governance.section"].search_count([])
        with self.assertRaisesRegex(ValidationError, r"Code.*T-A.*already used.*\(SEC-1\)"):
            self.env["crm.governance.section"].create({"name": "Copy", "code": "T-A"})
        with self.assertRaisesRegex(ValidationError, r"Code.*T-A.*already used.*\(SEC-1\)"):
            self.section_b.write({"code": "T-A"})
        self.assertEqual(self.env["crm.governance.section"].search_count([]), count)
        self.assertEqual(self.section_b.code, "T-B")
        # the same code in another company is fine
        other = self.env["res.company"].create({"name": "GOVT Other Co"})
        self.env["crm.governance.section"].create({"name": "Other A", "code": "T-A", "company_id": other.id})

    def test_team_in_two_sections(self):
        with self.assertRaisesRegex(ValidationError, r"Team A.*Section A.*at most one section \(SEC-1\)"):
            self.section_b.write({"team_ids": [(4, self.team_a.id)]})
        self.assertEqual(self.team_a.section_id, self.section_a)
        with self.assertRaisesRegex(ValidationError, r"at most one section \(SEC-1\)"):
            self.env["crm.governance.section"].create({
                "name": "Grabber", "code": "T-G", "team_ids": [(6, 0, self.team_b.ids)]})
        self.assertEqual(self.team_b.section_id, self.section_b)
        self.assertFalse(self.env["crm.governance.section"].search([("code", "=", "T-G")]))

    def test_section_without_company(self):
        with self.assertRaisesRegex(ValidationError, r"Company.*required.*\(SEC-1\)"):
            self.env["crm.governance.section"].create({"name": "Nowhere", "code": "T-N", "company_id": False})
        with self.assertRaisesRegex(ValidationError, r"Company.*required.*\(SEC-1\)"):
            self.section_a.write({"company_id": False})
        self.assertEqual(self.section_a.company_id, self.env.ref("base.main_company"))

    def test_policy_numbers(self):
        with self.assertRaisesRegex(ValidationError, r"warning \(60 days\) must come before.*\(PROT-2\)"):
            self.section_a.write({"warning_days": 60, "release_days": 30})
        with self.assertRaisesRegex(ValidationError, r"Follow-up Due Every.*positive.*\(PROT-2\)"):
            self.section_a.write({"followup_interval_days": -1})
        with self.assertRaisesRegex(ValidationError, r"at least 1 \(PROT-5\)"):
            self.section_a.write({"claim_cap": 0})
        self.assertEqual((self.section_a.warning_days, self.section_a.release_days, self.section_a.claim_cap),
                         (30, 60, 200))

    def test_new_section_starts_with_policy_defaults(self):
        section = self.env["crm.governance.section"].create({"name": "Fresh", "code": "T-F"})
        self.assertFalse(section.governance_enabled)
        self.assertEqual(
            (section.followup_interval_days, section.warning_days, section.release_days,
             section.claim_cap, section.reclaim_cooldown_days),
            (15, 30, 60, 200, 30))


@tagged("post_install", "-at_install", "crm_governance")
class TestCompanyDefaults(GovernanceCase):

    def test_settings_defaults_feed_new_sections(self):
        company = self.env.ref("base.main_company")
        self.assertEqual((company.governance_warning_days, company.governance_release_days,
                          company.governance_claim_cap, company.governance_reclaim_cooldown_days,
                          company.governance_followup_interval_days), (30, 60, 200, 30, 15))
        settings = self.env["res.config.settings"].create({"governance_release_days": 90,
                                                           "governance_claim_cap": 150})
        settings.execute()
        section = self.env["crm.governance.section"].create({"name": "After settings", "code": "T-S"})
        self.assertEqual((section.release_days, section.claim_cap, section.warning_days), (90, 150, 30))
        with self.assertRaisesRegex(ValidationError, r"warning \(30 days\) must come before.*\(20 days\) \(PROT-2\)"):
            company.governance_release_days = 20
