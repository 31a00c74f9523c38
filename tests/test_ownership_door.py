"""The one door for ownership (issue 22): every reason of the table in
policy/ownership.py, run through ``_governance_set_owner`` as the people
concerned: who may give records for it, which limits hold the new owner,
the ledger's row, who is told, and the followers after it."""
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from odoo.addons.crm_governance.policy import ownership

from .common import GovernanceCase

# reason, giver, record, new owner (None: the pool), may give
WHO_MAY = [
    (ownership.CLAIM, "sales_a1", "a_pool", "sales_a1", True),
    (ownership.CLAIM, "sales_a1", "a_pool", "sales_a2", False),      # a claim is for oneself
    (ownership.CLAIM, "sales_b1", "a_pool", "sales_b1", False),      # another section's pool
    (ownership.DISPATCH, "head_a", "a_pool", "sales_a2", True),
    (ownership.DISPATCH, "admin_a", "a_pool", "sales_a2", True),
    (ownership.DISPATCH, "sales_a1", "a_pool", "sales_a2", False),
    (ownership.DISPATCH, "head_b", "a_pool", "sales_a2", False),     # another section's head
    (ownership.DISPATCH, "management", "a_pool", "sales_a2", False),
    (ownership.RELEASE, "sales_a1", "a1", None, True),               # the owner
    (ownership.RELEASE, "sales_a2", "a1", None, False),              # a colleague
    (ownership.RELEASE, "head_a", "a1", None, False),                # not the head's: they return it
    (ownership.RETURN, "head_a", "a1", None, True),                  # the head, for others' records
    (ownership.RETURN, "admin_a", "a1", None, True),
    (ownership.RETURN, "sales_a1", "a1", None, False),               # the owner releases instead
    (ownership.RETURN, "head_b", "a1", None, False),                 # another section's head
    (ownership.REASSIGN, "admin_a", "a1", "sales_a2", True),
    (ownership.REASSIGN, "sales_a1", "a1", "sales_a2", False),
    (ownership.INVALID, "head_a", "a1", "sales_a2", True),
    (ownership.VALIDITY_QUERY, "head_a", "a1", "sales_a2", True),
    (ownership.VALIDITY_QUERY, "management", "a1", "sales_a2", False),
    (ownership.SECTION_MOVE, "management", "a1", "sales_a2", True),
    (ownership.SECTION_MOVE, "sysadmin", "a1", "sales_a2", True),
    (ownership.SECTION_MOVE, "head_a", "a1", "sales_a2", False),
    (ownership.EXPIRED, "head_a", "a1", None, False),                # the release pass's only
    (ownership.HANDOVER, "sysadmin", "a1", "sales_a2", False),       # not offered yet (SEC-6)
    (ownership.REASSIGN, "frozen", "a1", "sales_a2", False),
    (ownership.MERGE, "admin_a", "a1", "sales_a2", True),            # the admin merging duplicates (SEC-2)
    (ownership.MERGE, "sysadmin", "a1", "sales_a2", True),
    (ownership.MERGE, "head_a", "a1", "sales_a2", False),             # a head archives, an admin deletes
    (ownership.MERGE, "sales_a1", "a1", "sales_a2", False),
]


@tagged("post_install", "-at_install", "crm_governance")
class TestOwnershipDoor(GovernanceCase):

    def give(self, reason, giver, record, owner, note="交接说明"):
        lead = getattr(self, f"lead_{record}")
        user = getattr(self, owner) if owner else self.env["res.users"]
        lead.with_user(getattr(self, giver))._governance_set_owner(user, reason, note)
        return lead

    def twin(self):
        """A duplicate of lead A1, registered later by sales A2."""
        return self.env["crm.lead"].create({"name": "GOVT lead A1 twin", "type": "opportunity",
                                            "user_id": self.sales_a2.id, "team_id": self.team_a.id})

    def notices(self, user):
        return self.env["mail.message"].search_count([
            ("message_type", "=", "user_notification"), ("partner_ids", "in", user.partner_id.ids)])

    def last_notice(self, user):
        return self.env["mail.message"].search([
            ("message_type", "=", "user_notification"), ("partner_ids", "in", user.partner_id.ids)],
            order="id desc", limit=1).body

    def test_the_new_owner_is_told_once_with_the_reason(self):
        before = self.notices(self.sales_a2)
        self.leads("a_pool", "a1").with_user(self.head_a).with_context(tracking_disable=False)._governance_set_owner(
            self.sales_a2, ownership.REASSIGN, "交接说明")
        # one notice for the batch, not stock's "you have been assigned" for each record as well
        self.assertEqual(self.notices(self.sales_a2) - before, 1)
        self.assertIn("GOVT lead A pool", self.last_notice(self.sales_a2))
        self.assertIn("GOVT lead A1", self.last_notice(self.sales_a2))

    def test_a_merge_gives_the_kept_lead_its_owner_through_the_door(self):
        twin = self.twin()
        leads = self.lead_a1 | twin
        # the first registration is kept (registration.survivor)
        kept = self.lead_a1
        previous = kept.user_id
        new = (self.sales_a1 | self.sales_a2) - previous
        told_previous, told_new = self.notices(previous), self.notices(new)
        # the section's people only: not another section's salesperson, not a frozen one (PROT-5, SEC-5)
        for outsider in (self.sales_b1, self.frozen):
            with self.assertRaisesRegex(UserError, "PROT-5"):
                leads.with_user(self.admin_a).merge_opportunity(user_id=outsider.id)
            self.assertEqual((leads.exists(), kept.user_id), (leads, previous))
        # the merge wizard's salesperson is the other duplicate's owner
        merged = leads.with_user(self.admin_a).merge_opportunity(user_id=new.id)
        self.assertEqual((merged, merged.user_id), (kept, new))
        # the change of owner, then the row naming the duplicates merged into it
        change, merged_row = self.env["crm.governance.ledger"].search([("lead_id", "=", merged.id)],
                                                                      order="id desc", limit=2)[::-1]
        self.assertEqual((change.reason, change.old_user_id, change.new_user_id, change.author_id),
                         (ownership.MERGE, previous, new, self.admin_a))
        self.assertIn("GOVT lead A1 twin", merged_row.note)
        # both salespeople learn it from the module, as for any change of owner
        self.assertEqual((self.notices(previous) - told_previous, self.notices(new) - told_new), (1, 1))
        self.assertIn("Duplicates merged", self.last_notice(previous))

    def test_a_merge_leaves_no_follower_who_may_not_read_the_kept_lead(self):
        twin = self.twin()
        # stock moves the followers who posted on a merged lead in the last 30 days
        twin.with_user(self.sales_a2).message_post(body="客户确认了预算，下周报价", message_type="comment",
                                                   subtype_xmlid="mail.mt_note")
        kept = (self.lead_a1 | twin).with_user(self.admin_a).merge_opportunity(user_id=self.sales_a1.id)
        self.assertEqual((kept, kept.user_id), (self.lead_a1, self.sales_a1))
        self.assertNotIn(self.sales_a2.partner_id, kept.message_partner_ids)

    def test_a_merge_takes_no_lead_out_of_its_section(self):
        team = self.env["crm.team"].create({"name": "GOVT team of no section"})
        outside = self.env["crm.lead"].create({"name": "GOVT outside any section", "type": "opportunity",
                                               "team_id": team.id, "user_id": False})
        self.assertFalse(outside.section_id)
        with self.assertRaises(AccessError):
            (self.lead_a1 | outside).with_user(self.admin_a).merge_opportunity()
        self.assertTrue(self.lead_a1.exists())

    def test_odoo_s_own_merge_gives_the_kept_lead_its_owner_through_the_door(self):
        # stock's private merge, called as superuser by code other than the Merge dialog
        twin = self.twin()
        told = self.notices(self.sales_a1)
        kept = (self.lead_a1 | twin)._merge_opportunity(user_id=self.sales_a2.id, auto_unlink=False, max_length=0)
        self.assertEqual((kept, kept.user_id), (self.lead_a1, self.sales_a2))
        # the change of owner, then the row naming the duplicates merged into it
        change = self.env["crm.governance.ledger"].search([("lead_id", "=", kept.id)], order="id desc", limit=2)[1]
        self.assertEqual((change.reason, change.old_user_id, change.new_user_id),
                         (ownership.MERGE, self.sales_a1, self.sales_a2))
        self.assertEqual(self.notices(self.sales_a1) - told, 1)

    def test_only_the_section_s_admin_merges_its_leads_whatever_calls_the_merge(self):
        twin = self.twin()
        # stock's private merge, as any code in a salesperson's or a head's request calls it
        for user in (self.sales_a1, self.head_a):
            with self.assertRaises(AccessError):
                (self.lead_a1 | twin).with_user(user)._merge_opportunity(max_length=0)
        self.assertEqual(len((self.lead_a1 | twin).exists()), 2)
        kept = (self.lead_a1 | twin).with_user(self.admin_a)._merge_opportunity(max_length=0)
        self.assertEqual(((self.lead_a1 | twin).exists(), kept.user_id), (self.lead_a1, self.sales_a1))

    def test_odoo_s_lead_assignment_leaves_a_section_s_records_alone(self):
        """Rule-based assignment (CRM ▸ Settings): a governed section's pool is
        claimed or dispatched, its duplicates merged by its admin; another
        team's leads are assigned as in stock."""
        free_team = self.env["crm.team"].create({"name": "GOVT team of no section", "assignment_max": 30})
        for team in (self.team_a, free_team):
            self.env["crm.team.member"].create({"crm_team_id": team.id, "user_id": self.stock_sales.id
                                                if team == free_team else self.sales_a1.id, "assignment_max": 30})
        self.team_a.assignment_max = 30
        free = self.env["crm.lead"].create({"name": "GOVT free lead", "team_id": free_team.id, "user_id": False})
        self.assertFalse(any((self.lead_a_pool | free).mapped("date_open")))
        (self.team_a | free_team)._assign_and_convert_leads(force_quota=True)
        self.assertEqual(free.user_id, self.stock_sales)
        self.assertFalse(self.lead_a_pool.user_id)
        # an incoming lead without a team, sharing an address with a governed lead: stock would
        # merge the governed lead into it and delete it
        self.lead_a2.email_from = "buyer@twin-example.cn"
        incoming = self.env["crm.lead"].create({"name": "GOVT incoming", "email_from": "buyer@twin-example.cn",
                                                "team_id": False, "user_id": False})
        self.env.cr.execute("UPDATE crm_lead SET create_date = create_date - interval '1 hour' WHERE id = %s",
                            [incoming.id])
        incoming.invalidate_recordset(["create_date"])
        # a section's lead without a team nor owner: left where it is, and the allocation ends
        self.lead_a_pool.team_id = False
        self.assertEqual(self.lead_a_pool.section_id, self.section_a)
        (self.team_a | free_team)._allocate_leads()
        # incoming leads go to the teams outside sections (a section's are registered into it)
        self.assertEqual(incoming.team_id, free_team)
        self.assertTrue(self.lead_a2.exists())
        self.assertEqual((self.lead_a2.user_id, self.lead_a2.team_id), (self.sales_a2, self.team_a))
        self.assertEqual((self.lead_a_pool.team_id, self.lead_a_pool.user_id), (self.env["crm.team"],
                                                                                self.env["res.users"]))

    def test_nothing_given_tells_nobody(self):
        before = self.notices(self.sales_a2)
        self.env["crm.lead"].with_user(self.head_a)._governance_set_owner(self.sales_a2, ownership.DISPATCH)
        self.assertEqual(self.notices(self.sales_a2), before)

    def test_who_may_give_records_for_each_reason(self):
        for reason, giver, record, owner, may in WHO_MAY:
            with self.subTest(reason=reason, giver=giver, owner=owner):
                lead = getattr(self, f"lead_{record}")
                before = lead.user_id
                if may:
                    with self.env.cr.savepoint() as savepoint:
                        self.give(reason, giver, record, owner)
                        self.assertEqual(lead.user_id.login or None, owner and f"t_{owner}")
                        savepoint.rollback()
                    lead.invalidate_recordset()
                else:
                    with self.assertRaises(AccessError):
                        self.give(reason, giver, record, owner)
                    self.assertEqual(lead.user_id, before)

    def test_each_reason_says_its_ledger_notices_and_followers(self):
        """Run through the door, each reason writes its ledger row, tells
        whom its row says, and leaves the followers to the new owner."""
        cases = [(reason, giver, record, owner) for reason, giver, record, owner, may in WHO_MAY if may]
        self.assertEqual({case[0] for case in cases}, {
            r.code for r in ownership.REASONS if r.given_by}, "every reason a person gives is in the table")
        Ledger = self.env["crm.governance.ledger"]
        for reason, giver, record, owner in cases:
            with self.subTest(reason=reason, giver=giver), self.env.cr.savepoint() as savepoint:
                row = ownership.BY_CODE[reason]
                lead = getattr(self, f"lead_{record}")
                previous, new = lead.user_id, getattr(self, owner) if owner else self.env["res.users"]
                told_new, told_previous = self.notices(new) if new else 0, self.notices(previous) if previous else 0
                self.give(reason, giver, record, owner)
                entry = Ledger.search([("lead_id", "=", lead.id)], order="id desc", limit=1)
                self.assertEqual((entry.reason, entry.old_user_id, entry.new_user_id, entry.author_id),
                                 (reason, previous, new, getattr(self, giver)))
                self.assertEqual(entry.note, "交接说明")
                if row.told:
                    # the giver's words reach whoever is told, on a line of their own
                    told = new if ownership.NEW_OWNER in row.told and new != getattr(self, giver) else previous
                    if told != getattr(self, giver):
                        self.assertIn("交接说明", self.last_notice(told))
                if new and new != getattr(self, giver):
                    self.assertEqual(self.notices(new) - told_new, int(ownership.NEW_OWNER in row.told))
                if previous and previous != getattr(self, giver):
                    self.assertEqual(self.notices(previous) - told_previous,
                                     int(ownership.PREVIOUS_OWNER in row.told))
                followers = lead.message_partner_ids
                if previous:
                    self.assertNotIn(previous.partner_id, followers)
                if new:
                    self.assertIn(new.partner_id, followers)
                savepoint.rollback()
            lead.invalidate_recordset()

    def test_each_reason_holds_the_new_owner_to_its_limits(self):
        # CAP: sales_a2 holds lead A2; a cap of 1 is full
        self.section_a.claim_cap = 1
        for reason, giver, record, owner, may in WHO_MAY:
            row = ownership.BY_CODE[reason]
            if not may or owner != "sales_a2":
                continue
            with self.subTest(reason=reason, limit="cap"), self.env.cr.savepoint() as savepoint:
                if ownership.CAP in row.limits:
                    with self.assertRaisesRegex(UserError, "cap is 1"):
                        self.give(reason, giver, record, owner)
                else:
                    self.give(reason, giver, record, owner)
                savepoint.rollback()
        self.section_a.claim_cap = 200
        # NOTE: a reason that needs the giver's words is refused without them
        for reason, giver, record, owner, may in WHO_MAY:
            if not may:
                continue
            with self.subTest(reason=reason, limit="note"), self.env.cr.savepoint() as savepoint:
                if ownership.NOTE in ownership.BY_CODE[reason].limits:
                    with self.assertRaisesRegex(UserError, "Reason"):
                        self.give(reason, giver, record, owner, note=" ")
                else:
                    self.give(reason, giver, record, owner, note=False)
                savepoint.rollback()
        # the pool's own limits hold a claim, not a dispatch: the owner who
        # released a record is in its cool-down; the head may still dispatch it back
        self.give(ownership.RELEASE, "sales_a1", "a1", None)
        with self.assertRaisesRegex(UserError, "claim it again"):
            self.give(ownership.CLAIM, "sales_a1", "a1", "sales_a1")
        self.give(ownership.DISPATCH, "head_a", "a1", "sales_a1")
        self.assertEqual(self.lead_a1.user_id, self.sales_a1)
        # FIRST_REGISTRATION: another owner's customer goes to nobody else
        held = self.env["crm.lead"].create({"name": "GOVT 已登记", "partner_name": "GOVT 无锡先登记有限公司",
                                            "user_id": self.sales_a1.id, "team_id": self.team_a.id})
        twin = self.env["crm.lead"].create({"name": "GOVT 重复", "partner_name": "GOVT 无锡先登记有限公司",
                                            "user_id": False, "team_id": self.team_a.id})
        self.assertTrue(held.protection_state and twin.protection_state == "pooled")
        with self.assertRaisesRegex(UserError, "T Sales A1"):
            twin.with_user(self.head_a)._governance_set_owner(self.sales_a2, ownership.DISPATCH)
