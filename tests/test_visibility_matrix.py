"""SEC-2/SEC-4/SEC-5: who reaches which record, through every ORM access path.

Each role runs every operation on every record; the expected outcome of each
cell is in the tables below and every mismatch is reported at once.
"""
from types import SimpleNamespace
from unittest.mock import patch

from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import GovernanceCase

A = {"a1", "a2", "a_pool", "a_frozen"}
ALL = A | {"b1"}
NONE = set()

# role: (readable, writable, deletable) leads. Deleting leads stays what stock
# Odoo allows: sales managers only (here the system admin).
# The unassigned lead of section A is in its public pool: readable by the
# section's salespeople (PROT-5), writable only by claiming it.
LEAD_MATRIX = {
    "sales_a1": ({"a1", "a_pool"}, {"a1"}, NONE),
    "sales_a2": ({"a2", "a_pool"}, {"a2"}, NONE),
    "sales_b1": ({"b1"}, {"b1"}, NONE),
    "head_a": (A, A, NONE),
    "admin_a": (A, A, A),  # the section's admins delete its records (SEC-2)
    "management": (ALL, NONE, NONE),
    "sysadmin": (ALL, ALL, ALL),
    "frozen": (NONE, NONE, NONE),
    "internal": (NONE, NONE, NONE),
}
# Customer accounts. Internal users outside the sales organisation keep
# reading customers (their own apps need them) but cannot change them.
CUSTOMER_MATRIX = {
    "sales_a1": ({"a1"}, {"a1"}),
    "sales_a2": (NONE, NONE),
    "sales_b1": ({"b1"}, {"b1"}),
    "head_a": ({"a1"}, {"a1"}),
    "admin_a": ({"a1"}, {"a1"}),
    "management": ({"a1", "b1"}, NONE),
    "sysadmin": ({"a1", "b1"}, {"a1", "b1"}),
    "frozen": (NONE, NONE),
    "internal": ({"a1", "b1"}, NONE),
}


class _Undo(Exception):
    pass


@tagged("post_install", "-at_install", "crm_governance")
class TestVisibilityMatrix(GovernanceCase):

    def _allowed(self, func):
        """Run ``func`` in a savepoint that is always rolled back; return
        whether it was allowed (AccessError means denied)."""
        try:
            with self.env.cr.savepoint():
                func()
                raise _Undo
        except _Undo:
            return True
        except AccessError:
            return False
        finally:
            self.env.invalidate_all()

    def _check(self, mismatches, role, what, key, expected, got):
        if expected != got:
            mismatches.append(f"{role:<11} {what:<13} {key:<9} expected {'allowed' if expected else 'denied'}, "
                              f"got {'allowed' if got else 'denied'}")

    def test_leads(self):
        mismatches = []
        names = sorted(ALL)
        Lead = self.env["crm.lead"]
        ours = [("id", "in", self.leads(*names).ids)]
        for role, (readable, writable, deletable) in LEAD_MATRIX.items():
            user = getattr(self, role)
            as_user = Lead.with_user(user)
            can_search = self._allowed(lambda: as_user.search(ours))
            found = set()
            if can_search:
                found_ids = as_user.search(ours).ids
                found = {n for n in names if getattr(self, f"lead_{n}").id in found_ids}
                self.assertEqual(as_user.search_count(ours), len(found), role)
                groups = as_user.read_group(ours, ["section_id"], ["section_id"])
                self.assertEqual(sum(g["section_id_count"] for g in groups), len(found), role)
                visible_sections = {g["section_id"][0] for g in groups}
                expected_sections = {getattr(self, f"lead_{n}").section_id.id for n in readable}
                self.assertEqual(visible_sections, expected_sections, f"{role}: read_group sections")
                named = {r[0] for r in as_user.name_search("GOVT lead", limit=100)}
                self.assertEqual(named, set(found_ids), f"{role}: name_search")
                exported = as_user.search(ours).export_data(["name"])["datas"]
                self.assertEqual(len(exported), len(found), f"{role}: export of a search")
            for n in names:
                rec = getattr(self, f"lead_{n}").with_user(user)
                self._check(mismatches, role, "search", n, n in readable, n in found)
                self._check(mismatches, role, "read", n, n in readable,
                            self._allowed(lambda: rec.read(["name", "user_id", "section_id"])))
                self._check(mismatches, role, "export", n, n in readable,
                            self._allowed(lambda: rec.export_data(["name", "partner_id"])))
                self._check(mismatches, role, "write", n, n in writable,
                            self._allowed(lambda: rec.write({"description": "touched"})))
                self._check(mismatches, role, "unlink", n, n in deletable,
                            self._allowed(lambda: rec.unlink()))
        self.assertFalse(mismatches, "\n" + "\n".join(mismatches))

    def test_customers(self):
        mismatches = []
        Partner = self.env["res.partner"]
        ours = [("id", "in", (self.cust_a1 | self.cust_b1).ids)]
        for role, (readable, writable) in CUSTOMER_MATRIX.items():
            user = getattr(self, role)
            as_user = Partner.with_user(user)
            found_ids = as_user.search(ours).ids
            named = {r[0] for r in as_user.name_search("GOVT customer", limit=100)}
            self.assertEqual(named, set(found_ids), f"{role}: name_search")
            self.assertEqual(as_user.search_count(ours), len(found_ids), role)
            groups = as_user.read_group(ours, ["section_id"], ["section_id"])
            self.assertEqual(sum(g["section_id_count"] for g in groups), len(found_ids), role)
            for n in ("a1", "b1"):
                rec = getattr(self, f"cust_{n}").with_user(user)
                self._check(mismatches, role, "search", n, n in readable, rec.id in found_ids)
                self._check(mismatches, role, "read", n, n in readable,
                            self._allowed(lambda: rec.read(["name", "phone", "section_id"])))
                self._check(mismatches, role, "export", n, n in readable,
                            self._allowed(lambda: rec.export_data(["name", "phone"])))
                self._check(mismatches, role, "write", n, n in writable,
                            self._allowed(lambda: rec.write({"comment": "touched"})))
        self.assertFalse(mismatches, "\n" + "\n".join(mismatches))

    def test_contacts_follow_their_customer(self):
        """A customer's contacts (parent_id children) are read and edited by
        exactly those who read and edit the customer (SEC-4)."""
        Partner = self.env["res.partner"]
        contacts = {n: Partner.create({"name": f"GOVT contact {n}", "parent_id": getattr(self, f"cust_{n}").id,
                                       "phone": f"+86 10 0000 00{i}"})
                    for i, n in enumerate(("a1", "b1"))}
        mismatches = []
        for role, (readable, writable) in CUSTOMER_MATRIX.items():
            user = getattr(self, role)
            as_user = Partner.with_user(user)
            found = as_user.search([("name", "like", "GOVT contact")])
            for n, contact in contacts.items():
                rec = contact.with_user(user)
                self._check(mismatches, role, "search", n, n in readable, contact in found)
                self._check(mismatches, role, "child_of", n, n in readable,
                            contact in as_user.search([("id", "child_of", getattr(self, f"cust_{n}").id)]))
                self._check(mismatches, role, "read", n, n in readable,
                            self._allowed(lambda: rec.read(["phone", "email", "vat"])))
                self._check(mismatches, role, "write", n, n in writable,
                            self._allowed(lambda: rec.write({"phone": "000"})))
                self._check(mismatches, role, "detach", n, n in writable,
                            self._allowed(lambda: rec.write({"parent_id": False})))
                self._check(mismatches, role, "add contact", n, n in writable, self._allowed(
                    lambda: as_user.create({"name": "GOVT new contact", "parent_id": contact.parent_id.id})))
        self.assertFalse(mismatches, "\n" + "\n".join(mismatches))

    def test_followers_and_meetings_follow_the_record(self):
        """Who follows a lead, and meetings linked to it, are seen and made
        only by those who read the lead (SEC-4)."""
        # an outside correspondent (no user) follows every lead: people of
        # other sections may not (test_followers_boundary)
        outsider = self.env["res.partner"].create({"name": "GOVT outside correspondent", "email": "o@govt.example"})
        for lead in self.leads(*ALL):
            lead.message_subscribe(partner_ids=outsider.ids)
        mismatches = []
        for role, (readable, writable, _deletable) in LEAD_MATRIX.items():
            user = getattr(self, role)
            followed = self.env["mail.followers"].with_user(user).search(
                [("res_model", "=", "crm.lead"), ("partner_id", "=", outsider.id)]).mapped("res_id")
            for n in sorted(ALL):
                lead = getattr(self, f"lead_{n}")
                self._check(mismatches, role, "followers", n, n in readable, lead.id in followed)
                # a linked meeting logs itself in the lead's chatter: writing to it, as in stock
                self._check(mismatches, role, "meeting", n, n in writable, self._allowed(
                    lambda: self.env["calendar.event"].with_user(user).create(
                        {"name": "GOVT meeting", "opportunity_id": lead.id})))
        self.assertFalse(mismatches, "\n" + "\n".join(mismatches))

    def test_debug_mode_errors_name_nothing(self):
        """In debug mode (base.group_no_one) stock AccessErrors list the names
        of the records refused; on governed records they name nothing. Debug
        mode is a property of the web session: the request is stood in for
        (over real HTTP in test_model_boundary)."""
        debug_request = SimpleNamespace(session=SimpleNamespace(debug="1"))
        with patch("odoo.addons.base.models.res_users.request", debug_request):
            self._debug_mode_errors()

    def _debug_mode_errors(self):
        for role in ("sales_a1", "head_a", "management", "frozen", "internal"):
            user = getattr(self, role)
            user.write({"groups_id": [(4, self.env.ref("base.group_no_one").id)]})
            self.assertTrue(user.has_group("base.group_no_one"), "debug mode is on for this test")
            for key, rec in (("b1", self.lead_b1), ("a2", self.lead_a2), ("b1", self.cust_b1)):
                matrix = LEAD_MATRIX if rec._name == "crm.lead" else CUSTOMER_MATRIX
                for operation in ("read", "write"):
                    allowed = key in matrix[role][0 if operation == "read" else 1]
                    try:
                        if operation == "read":
                            rec.with_user(user).read(["name"])
                        else:
                            rec.with_user(user).write({"description" if rec._name == "crm.lead" else "comment": "x"})
                    except AccessError as e:
                        self.assertNotIn(rec.sudo().name, str(e), (role, operation))
                        self.assertNotIn(rec.sudo().user_id.name, str(e), (role, operation))
                    else:
                        self.assertTrue(allowed, (role, rec.name, operation))
                    finally:
                        self.env.invalidate_all()

    def test_activities_chatter_and_attachments_follow_the_record(self):
        """An activity, a chatter message and an attachment on section B's lead
        are out of reach for section A's salesperson and for a frozen user,
        even an activity assigned to them."""
        act_b = self.lead_b1.activity_schedule("mail.mail_activity_data_todo", user_id=self.sales_b1.id,
                                               summary="GOVT call back")
        act_b_to_a = self.lead_b1.activity_schedule("mail.mail_activity_data_todo", user_id=self.sales_a1.id,
                                                    summary="GOVT misassigned")
        act_frozen = self.lead_a_frozen.activity_schedule("mail.mail_activity_data_todo",
                                                          user_id=self.frozen.id, summary="GOVT frozen")
        self.assertEqual(act_b.section_id, self.section_b)
        msg = self.lead_b1.message_post(body="GOVT secret budget 1M", message_type="comment")
        att = self.env["ir.attachment"].create({"name": "quote.txt", "raw": b"GOVT", "res_model": "crm.lead",
                                                "res_id": self.lead_b1.id})
        Activity = self.env["mail.activity"]
        seen = Activity.with_user(self.sales_a1).search([("summary", "like", "GOVT")])
        self.assertNotIn(act_b, seen)
        self.assertNotIn(act_b_to_a, seen, "assigned to A1 but on section B's record")
        with self.assertRaises(AccessError):
            act_b_to_a.with_user(self.sales_a1).read(["summary"])
        self.assertIn(act_b, Activity.with_user(self.sales_b1).search([("summary", "like", "GOVT")]))
        self.assertFalse(Activity.with_user(self.frozen).search([("id", "=", act_frozen.id)]))
        Message = self.env["mail.message"]
        self.assertFalse(Message.with_user(self.sales_a1).search([("id", "=", msg.id)]))
        with self.assertRaises(AccessError):
            msg.with_user(self.sales_a1).read(["body"])
        self.assertEqual(Message.with_user(self.head_b).search([("id", "=", msg.id)]), msg)
        with self.assertRaises(AccessError):
            att.with_user(self.sales_a1).read(["raw"])
        with self.assertRaises(AccessError):
            att.with_user(self.frozen).read(["raw"])
        # the activity analysis report is built on done activities
        act_b.action_feedback(feedback="GOVT called, budget confirmed")
        self.env.flush_all()
        report = self.env["crm.activity.report"]
        on_b = [("lead_id", "=", self.lead_b1.id)]
        self.assertTrue(report.sudo().search(on_b))
        self.assertTrue(report.with_user(self.sales_b1).search(on_b))
        self.assertFalse(report.with_user(self.sales_a1).search(on_b))
        self.assertFalse(report.with_user(self.sales_a1).read_group(on_b, ["lead_id"], ["lead_id"]))

    def test_stock_group_rule_cannot_widen(self):
        """The stock 'Personal Leads' rule shows salespeople every unassigned
        lead; in a governed section only the section's own pool is shown."""
        self.assertEqual(self.lead_a_pool.protection_state, "pooled")
        self.assertFalse(self.env["crm.lead"].with_user(self.sales_b1).search(
            [("id", "=", self.lead_a_pool.id)]))
        # while a stock salesperson outside any section keeps stock behaviour
        # on records outside governed sections
        free = self.env["crm.lead"].create({"name": "GOVT unsectioned", "user_id": False})
        self.assertFalse(free.section_id)
        self.assertEqual(self.env["crm.lead"].with_user(self.stock_sales).search([("id", "=", free.id)]), free)
        self.assertFalse(self.env["crm.lead"].with_user(self.stock_sales).search(
            [("id", "in", self.leads(*ALL).ids)]))


@tagged("post_install", "-at_install", "crm_governance")
class TestAssigningActivities(GovernanceCase):
    """SEC-2: group management assigns follow-up activities anywhere, a
    section head inside the section, a salesperson nowhere else."""

    def test_who_may_assign(self):
        self.lead_b1.with_user(self.management).activity_schedule(
            "mail.mail_activity_data_todo", user_id=self.sales_b1.id, summary="GOVT visit the client")
        self.assertIn("GOVT visit the client", self.lead_b1.activity_ids.mapped("summary"))
        self.lead_a1.with_user(self.head_a).activity_schedule(
            "mail.mail_activity_data_todo", user_id=self.sales_a1.id, summary="GOVT send the quote")
        self.assertIn("GOVT send the quote", self.lead_a1.activity_ids.mapped("summary"))
        for user, lead in ((self.sales_a1, self.lead_b1), (self.sales_a1, self.lead_a2),
                           (self.head_a, self.lead_b1), (self.frozen, self.lead_a_frozen)):
            with self.assertRaises(AccessError):
                self.env["mail.activity"].with_user(user).create({
                    "res_model_id": self.env["ir.model"]._get_id("crm.lead"), "res_id": lead.id,
                    "activity_type_id": self.env.ref("mail.mail_activity_data_todo").id,
                    "user_id": user.id, "summary": "GOVT not allowed"})
        self.assertNotIn("GOVT not allowed",
                         (self.lead_b1 | self.lead_a2 | self.lead_a_frozen).activity_ids.mapped("summary"))
