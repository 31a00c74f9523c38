"""PROT-1 … PROT-5, PROT-7: a record's life under protection, with time travel."""
from datetime import datetime, timedelta

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import GovernanceCase

T0 = datetime(2026, 3, 2, 9, 0)  # a Monday


@tagged("post_install", "-at_install", "crm_governance")
class TestProtectionLife(GovernanceCase):

    def setUp(self):
        super().setUp()
        # PROT-2 timing alone: the FU-4 deadlines (first valid follow-up, key
        # contact) are tested in test_followup_protection
        (self.section_a | self.section_b).write({"first_followup_days": 0, "key_contact_months": 0})

    def _warn(self):
        self.env["crm.governance.section"]._cron_protection_warning()

    def _release(self):
        self.env["crm.governance.section"]._cron_protection_release()

    def _no_contact_activities(self, lead):
        return lead.activity_ids.filtered(
            lambda a: a.activity_type_id == self.env.ref("crm_governance.mail_activity_type_no_contact"))

    def _ledger(self, lead, reason=None):
        domain = [("lead_id", "=", lead.id)] + ([("reason", "=", reason)] if reason else [])
        return self.env["crm.governance.ledger"].search(domain)

    def test_a_record_s_life_with_the_default_policy(self):
        with freeze_time(T0):
            lead = self.env["crm.lead"].with_user(self.sales_a1).create(
                {"name": "GOVT life", "user_id": self.sales_a1.id, "team_id": self.team_a.id})
            self.assertEqual(lead.protection_state, "protected")
            self.assertEqual((lead.protected_since, lead.warn_at, lead.release_at),
                             (T0, T0 + timedelta(days=30), T0 + timedelta(days=60)))
            # the badge counts down to the next follow-up due, the days left to the release
            self.assertEqual((lead.protection_days_left, lead.protection_badge), (60, "Next follow-up in 15 days"))
        with freeze_time(T0 + timedelta(days=29, hours=23)):
            self._warn()
            self.assertEqual(lead.protection_state, "protected")
        with freeze_time(T0 + timedelta(days=30, hours=1)):
            self._warn()
            self._warn()  # a second run warns nobody twice
            self.assertEqual(lead.protection_state, "warning")
            warning = self._no_contact_activities(lead)
            self.assertEqual(len(warning), 1)
            self.assertEqual(warning.user_id, self.sales_a1)
            self.assertIn("30", warning.summary)
            warned = self.env["crm.lead"].with_user(self.sales_a1).search(
                [("protection_state", "=", "warning"), ("id", "=", lead.id)])
            self.assertEqual(warned, lead, "the 'Needs follow-up' filter finds it")
        with freeze_time(T0 + timedelta(days=31)):
            # a note by someone else does not count, the owner's does
            lead.with_user(self.head_a).message_post(body="GOVT head's note", message_type="comment",
                                                     subtype_xmlid="mail.mt_note")
            self.assertEqual(lead.protection_state, "warning")
            lead.with_user(self.sales_a1).message_post(body="GOVT called Mr. Wang, budget 200k",
                                                       message_type="comment", subtype_xmlid="mail.mt_note")
            self.assertEqual(lead.protection_state, "protected")
            renewed = T0 + timedelta(days=31)
            self.assertEqual((lead.last_valid_followup_at, lead.release_at),
                             (renewed, renewed + timedelta(days=60)))
            self.assertFalse(self._no_contact_activities(lead), "the warning activity is resolved")
        release_time = T0 + timedelta(days=91, hours=1)
        with freeze_time(release_time - timedelta(hours=2)):
            self._release()
            self.assertEqual(lead.user_id, self.sales_a1)
        with freeze_time(release_time):
            self._warn()
            self._release()
            self._release()
            self.assertEqual((lead.protection_state, lead.user_id.id), ("pooled", False))
            self.assertEqual(lead.protection_badge, "Public pool")
            row = self._ledger(lead, "expired")
            self.assertEqual(len(row), 1)
            self.assertEqual((row.old_user_id, row.new_user_id.id, row.section_id),
                             (self.sales_a1, False, self.section_a))
            chatter = lead.message_ids.filtered(lambda m: "PROT-2" in (m.body or ""))
            self.assertEqual(len(chatter), 1)
            self.assertIn("60 days", chatter.body)
            notice = self.env["mail.message"].search([
                ("partner_ids", "in", self.sales_a1.partner_id.id), ("model", "=", False),
                ("body", "like", "GOVT life")])
            self.assertEqual(len(notice), 1, "the previous owner is told, once")
            # the previous owner still sees it, now in the pool, and can take it back after the cool-down
            self.assertEqual(self.env["crm.lead"].with_user(self.sales_a1).search([("id", "=", lead.id)]), lead)

    def test_working_days_skip_weekends_and_holidays(self):
        calendar = self.env.ref("base.main_company").resource_calendar_id
        self.env["resource.calendar.leaves"].create({
            "name": "GOVT public holiday", "calendar_id": calendar.id, "resource_id": False,
            "date_from": datetime(2026, 3, 4, 0, 0), "date_to": datetime(2026, 3, 4, 23, 59)})
        self.section_a.write({"protection_day_unit": "working", "warning_days": 3, "release_days": 5})
        with freeze_time(T0):
            lead = self.env["crm.lead"].create(
                {"name": "GOVT working days", "user_id": self.sales_a1.id, "team_id": self.team_a.id})
        # Tue 3, (Wed 4 holiday), Thu 5, Fri 6 → warning; Mon 9, Tue 10 → release
        self.assertEqual(lead.warn_at, datetime(2026, 3, 6, 9, 0))
        self.assertEqual(lead.release_at, datetime(2026, 3, 10, 9, 0))

    def test_policy_change_recomputes_and_disabled_sections_are_left_alone(self):
        with freeze_time(T0):
            lead = self.env["crm.lead"].create(
                {"name": "GOVT policy", "user_id": self.sales_a1.id, "team_id": self.team_a.id})
            self.section_a.write({"warning_days": 45, "release_days": 90})
            self.assertEqual(lead.release_at, T0 + timedelta(days=90))
            quiet = self.env["crm.governance.section"].create({"name": "Quiet", "code": "T-Q"})
            old = self.env["crm.lead"].create({"name": "GOVT quiet", "user_id": self.sales_a1.id})
            old.sudo().section_id = quiet
            self.assertFalse(old.protection_state)
        with freeze_time(T0 + timedelta(days=400)):
            self._warn()
            self._release()
            self.assertEqual(old.user_id, self.sales_a1)
            self.assertFalse(old.protection_state)
            self.assertFalse(self._ledger(old, "expired"))

    def test_enabling_governance_counts_from_the_owner_s_last_follow_up(self):
        section = self.env["crm.governance.section"].create(
            {"name": "Later", "code": "T-L", "member_ids": [(6, 0, self.sales_a1.ids)]})
        with freeze_time(T0):
            lead = self.env["crm.lead"].create({"name": "GOVT history", "user_id": self.sales_a1.id})
            lead.sudo().section_id = section
            # registered at T0 (create_date comes from the database clock, which freezegun does not move)
            self.env.flush_all()
            self.env.cr.execute("UPDATE crm_lead SET create_date = %s WHERE id = %s", [T0, lead.id])
            lead.invalidate_recordset(["create_date"])
        with freeze_time(T0 + timedelta(days=10)):
            lead.with_user(self.sales_a1).message_post(body="GOVT visited Mr. Li: budget approved, quote next week",
                                                       message_type="comment", subtype_xmlid="mail.mt_note")
        with freeze_time(T0 + timedelta(days=15)):
            # history is judged too (FU-3): this one does not move the clock
            lead.with_user(self.sales_a1).message_post(body="外出", message_type="comment",
                                                       subtype_xmlid="mail.mt_note")
        with freeze_time(T0 + timedelta(days=20)):
            section.governance_enabled = True
            self.assertEqual(lead.protection_state, "protected")
            self.assertEqual(lead.last_valid_followup_at, T0 + timedelta(days=10))
            self.assertEqual(lead.release_at, T0 + timedelta(days=70))
            dry = self.env["crm.governance.dry.run"].create(
                {"section_id": section.id, "horizon": "date", "horizon_date": (T0 + timedelta(days=45)).date()})
            dry.action_compute()
            self.assertEqual((dry.would_warn_count, dry.would_release_count), (1, 0))
            dry.write({"release_days": 35})
            dry.action_compute()
            self.assertEqual((dry.would_warn_count, dry.would_release_count), (0, 1))
            self.assertEqual(lead.release_at, T0 + timedelta(days=70), "a dry run changes nothing")


@tagged("post_install", "-at_install", "crm_governance")
class TestPublicPool(GovernanceCase):

    def test_claim(self):
        pool = self.lead_a_pool
        pool.with_user(self.head_a).message_post(body="GOVT previous owner's notes", message_type="comment")
        pool.with_user(self.sales_a1).action_governance_claim()
        self.assertEqual((pool.user_id, pool.protection_state, pool.team_id), (self.sales_a1, "protected", self.team_a))
        row = self.env["crm.governance.ledger"].search([("lead_id", "=", pool.id), ("reason", "=", "claim")])
        self.assertEqual((row.old_user_id.id, row.new_user_id, row.author_id), (False, self.sales_a1, self.sales_a1))
        # the claimer now reads the whole history, as the previous owner did
        self.assertIn("GOVT previous owner's notes", pool.with_user(self.sales_a1).message_ids.mapped("body")[0])
        # a colleague can no longer read it: refused without the owner's name
        with self.assertRaisesRegex(AccessError, r"^You cannot reach the requested .* \(SEC-4\)\.$"):
            pool.with_user(self.sales_a2).action_governance_claim()
        # its owner is told why, in plain words
        with self.assertRaisesRegex(UserError, r"not in the public pool: T Sales A1 holds it since .*\(PROT-5\)"):
            pool.with_user(self.sales_a1).action_governance_claim()

    def test_other_section_cannot_see_or_claim(self):
        with self.assertRaises(AccessError):
            self.lead_a_pool.with_user(self.sales_b1).read(["name"])
        self.assertFalse(self.env["crm.lead"].with_user(self.sales_b1).search([("protection_state", "=", "pooled"),
                                                                              ("id", "=", self.lead_a_pool.id)]))
        # the same words as for an id that does not exist: nothing to learn
        missing = self.env["crm.lead"].browse(10**9)
        with self.assertRaises(AccessError) as nothing:
            missing.with_user(self.sales_b1).action_governance_claim()
        with self.assertRaisesRegex(AccessError, r"^You cannot reach the requested .* \(SEC-4\)\.$") as pooled:
            self.lead_a_pool.with_user(self.sales_b1).action_governance_claim()
        # nor does claiming a protected record of section A tell her whose it is
        with self.assertRaises(AccessError) as protected:
            self.lead_a1.with_user(self.sales_b1).action_governance_claim()
        self.assertEqual(str(pooled.exception), str(nothing.exception))
        self.assertEqual(str(protected.exception), str(nothing.exception))
        self.assertFalse(self.lead_a_pool.user_id)

    def test_cap_cooldown_and_daily_limit(self):
        self.section_a.claim_cap = 1
        with self.assertRaisesRegex(UserError, r"already hold 1 protected records.*the cap is 1 \(PROT-5\)"):
            self.lead_a_pool.with_user(self.sales_a1).action_governance_claim()
        self.section_a.claim_cap = 200
        with freeze_time(T0):
            self.lead_a1.with_user(self.sales_a1).action_governance_release("customer moved away")
            self.assertEqual(self.lead_a1.protection_state, "pooled")
            row = self.env["crm.governance.ledger"].search(
                [("lead_id", "=", self.lead_a1.id), ("reason", "=", "release")])
            self.assertEqual(row.note, "customer moved away")
        with freeze_time(T0 + timedelta(days=29)):
            with self.assertRaisesRegex(UserError, r"claim it again 30 days after that \(PROT-5\)"):
                self.lead_a1.with_user(self.sales_a1).action_governance_claim()
            self.lead_a1.with_user(self.sales_a2).action_governance_claim()  # others may
            self.lead_a1.with_user(self.sales_a2).action_governance_release("not my field")
        with freeze_time(T0 + timedelta(days=31)):
            self.section_a.daily_claim_limit = 1
            self.lead_a1.with_user(self.sales_a1).action_governance_claim()
            with self.assertRaisesRegex(UserError, r"at most 1 pool records per day"):
                self.lead_a_pool.with_user(self.sales_a1).action_governance_claim()

    def test_release_needs_a_reason_and_the_owner(self):
        with self.assertRaisesRegex(UserError, r"'Reason' is required"):
            self.lead_a1.with_user(self.sales_a1).action_governance_release("  ")
        with self.assertRaises(AccessError):  # not even visible to her
            self.lead_a2.with_user(self.sales_a1).action_governance_release("not mine")
        # a head may release records of the section; another salesperson may not release the pool's
        self.lead_a2.with_user(self.head_a).action_governance_release("reorganising the territory")
        self.assertEqual(self.lead_a2.protection_state, "pooled")
        self.assertEqual(self.lead_a1.user_id, self.sales_a1)
        # the pool and the ledger say the section returned it, not that its owner let it go
        row = self.env["crm.governance.ledger"].search([("lead_id", "=", self.lead_a2.id)], limit=1)
        self.assertEqual((row.reason, row.author_id, row.old_user_id), ("return", self.head_a, self.sales_a2))
        self.assertEqual(self.lead_a2.with_user(self.sales_a1).governance_pool_reason,
                         "Returned to the pool by the section: reorganising the territory")
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(["crm_governance"], ["zh_CN"], overwrite=True)
        self.lead_a2.invalidate_recordset(["governance_pool_reason"])
        self.assertEqual(self.lead_a2.with_user(self.sales_a1).with_context(lang="zh_CN").governance_pool_reason,
                         "版块收回公海：reorganising the territory")
        # and its owner is told who took it
        told = self.env["mail.message"].search([("message_type", "=", "user_notification"),
                                                ("partner_ids", "in", self.sales_a2.partner_id.ids)])
        self.assertIn("Returned to the pool by the section", told[:1].subject or "")

    def test_dispatch_and_reassign(self):
        dispatch = self.env["crm.governance.dispatch"].with_user(self.head_a).with_context(
            active_model="crm.lead", active_ids=self.lead_a_pool.ids).create({"user_id": self.sales_a2.id})
        self.assertEqual(dispatch.section_id, self.section_a)
        self.assertIn(self.sales_a2, dispatch.allowed_user_ids)
        dispatch.action_dispatch()
        self.assertEqual(self.lead_a_pool.user_id, self.sales_a2)
        self.assertTrue(self.env["crm.governance.ledger"].search(
            [("lead_id", "=", self.lead_a_pool.id), ("reason", "=", "dispatch"), ("author_id", "=", self.head_a.id)]))
        # reassignment inside the section by its admin, with a reason; a plain write is refused
        with self.assertRaisesRegex(UserError, r"changes only through Claim, Release, Dispatch or Reassign"):
            self.lead_a1.with_user(self.admin_a).write({"user_id": self.sales_a2.id})
        with self.assertRaisesRegex(UserError, r"give a reason to reassign it"):
            self.lead_a1.with_user(self.admin_a).action_governance_dispatch(self.sales_a2.id)
        self.lead_a1.with_user(self.admin_a).action_governance_dispatch(self.sales_a2.id, "territory change")
        row = self.env["crm.governance.ledger"].search([("lead_id", "=", self.lead_a1.id), ("reason", "=", "reassign")])
        self.assertEqual((row.author_id, row.note, self.lead_a1.user_id),
                         (self.admin_a, "territory change", self.sales_a2))
        with self.assertRaisesRegex(UserError, r"T Sales B1 is not a salesperson of section Section A: .*\(PROT-5\)"):
            self.lead_a1.with_user(self.admin_a).action_governance_dispatch(self.sales_b1, "to B")
        self.section_a.claim_cap = 2
        with self.assertRaisesRegex(
                UserError,
                r"T Sales A2 already holds 3 protected records in section Section A; the cap is 2 \(PROT-5\)"):
            self.lead_a_frozen.with_user(self.admin_a).action_governance_dispatch(self.sales_a2, "cap")
        # a salesperson cannot dispatch
        pooled = self.env["crm.lead"].create({"name": "GOVT pooled 2", "team_id": self.team_a.id,
                                              "user_id": False})
        self.assertEqual(pooled.protection_state, "pooled")
        with self.assertRaises(AccessError):
            pooled.with_user(self.sales_a1).action_governance_dispatch(self.sales_a1)

    def test_ledger_smart_button_and_claimed_filter(self):
        self.lead_a_pool.with_user(self.sales_a1).action_governance_claim()
        mine = self.env["crm.lead"].with_user(self.sales_a1).search([("governance_claimed_by_me", "=", True)])
        self.assertEqual(mine, self.lead_a_pool)
        action = self.lead_a_pool.with_user(self.sales_a1).action_view_governance_ledger()
        rows = self.env["crm.governance.ledger"].with_user(self.sales_a1).search(action["domain"])
        self.assertEqual(set(rows.mapped("reason")), {"register", "claim"})

    def test_customer_gaining_a_section_through_its_salesperson_is_protected(self):
        customer = self.env["res.partner"].create({"name": "GOVT new customer", "is_company": True})
        self.assertFalse(customer.section_id or customer.protection_state)
        customer.write({"user_id": self.sales_b1.id})
        self.assertEqual((customer.section_id, customer.protection_state), (self.section_b, "protected"))

    def test_working_days_an_invalid_note_moves_no_deadline(self):
        # the holiday lies between the last contact and the note: every date
        # stays counted with it (one deadline function, one calendar)
        calendar = self.env.ref("base.main_company").resource_calendar_id
        self.env["resource.calendar.leaves"].create({
            "name": "GOVT public holiday", "calendar_id": calendar.id, "resource_id": False,
            "date_from": datetime(2026, 3, 4, 0, 0), "date_to": datetime(2026, 3, 4, 23, 59)})
        self.section_a.write({"protection_day_unit": "working", "warning_days": 3, "release_days": 5,
                              "followup_interval_days": 2})
        with freeze_time(T0):
            lead = self.env["crm.lead"].create(
                {"name": "GOVT working invalid", "user_id": self.sales_a1.id, "team_id": self.team_a.id})
        before = (lead.followup_due_at, lead.warn_at, lead.release_at)
        self.assertEqual(before, (datetime(2026, 3, 5, 9, 0), datetime(2026, 3, 6, 9, 0), datetime(2026, 3, 10, 9, 0)))
        with freeze_time(T0 + timedelta(days=3)):
            lead.with_user(self.sales_a1).message_post(body="外出", message_type="comment",
                                                       subtype_xmlid="mail.mt_note")
            self.assertEqual(lead.invalid_followup_count, 1)
            self.assertEqual((lead.followup_due_at, lead.warn_at, lead.release_at), before)
