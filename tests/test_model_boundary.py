"""The model layer is the boundary (SEC-3/4/5, PROT-2/5/7, FU-4/5/6).

Every test logs in over HTTP as a real client would and calls JSON-RPC
(/web/dataset/call_kw) or the mail controllers the web client uses, with
foreign ids and forged values; it asserts the refusal, reads the record back
unchanged, and checks that the error names nothing the caller cannot read.
One test per class of bypass an outside probe found, for leads and customers.
"""
from odoo.tests import HttpCase, tagged

from .common import GovernanceCase, RpcMixin

# what section A's salesperson must never learn of section B
B_SECRETS = ("GOVT lead B1", "GOVT customer B1", "T Sales B1", "Section B", "GOVT contact B1", "5555 0101")


@tagged("post_install", "-at_install", "crm_governance")
class TestModelBoundary(RpcMixin, GovernanceCase, HttpCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.contact_b = cls.env["res.partner"].create({
            "name": "GOVT contact B1", "parent_id": cls.cust_b1.id, "phone": "+86 10 5555 0101",
            "email": "b1@contact.example.com"})
        cls.lead_b1.write({"phone": "+86 10 5555 0101"})
        cls.lead_a1.write({"phone": "+86 10 5555 0101"})

    def ledger_count(self):
        return self.env["crm.governance.ledger"].search_count([])

    # 1. protection fields ------------------------------------------------------
    def test_protection_fields_are_not_writable(self):
        forged = {"release_at": "2099-01-01 00:00:00", "warn_at": "2099-01-01 00:00:00", "invalid_since": False,
                  "first_valid_due_at": False, "key_contact_due_at": False,
                  "followup_due_at": "2099-01-01 00:00:00", "followup_reminded_at": "2099-01-01 00:00:00",
                  "pool_due_at": "2099-01-01 00:00:00"}
        for record, owner in ((self.lead_a1, self.sales_a1), (self.cust_a1, self.sales_a1)):
            before = record.read(list(forged) + ["protection_state"])[0]
            rows = self.ledger_count()
            for user in (owner, self.admin_a, self.sysadmin):
                with self.subTest(model=record._name, user=user.login):
                    self.login(user)
                    for vals in (forged, {"protection_state": "pooled"}):
                        message = self.refused(self.call(record._name, "write", [record.id], vals))
                        self.assertRegex(message, r"PROT-2, FU-4")
            record.invalidate_recordset()
            self.assertEqual(record.read(list(forged) + ["protection_state"])[0], before)
            self.assertEqual(self.ledger_count(), rows)
        # nor at registration
        self.login(self.sales_a1)
        res = self.call("crm.lead", "create", [{"name": "GOVT forged", "team_id": self.team_a.id,
                                                "release_at": "2099-01-01 00:00:00"}])
        self.assertRegex(self.refused(res), "PROT-2")
        self.assertFalse(self.env["crm.lead"].search([("name", "=", "GOVT forged")]))

    # 2. owner and section ------------------------------------------------------
    def test_owner_and_section_change_only_through_the_actions(self):
        rows = self.ledger_count()
        self.login(self.sales_a1)
        for record in (self.lead_a1, self.cust_a1):
            with self.subTest(model=record._name):
                for user_id in (False, self.sales_a2.id):
                    self.assertRegex(self.refused(self.call(record._name, "write", [record.id], {"user_id": user_id})),
                                     r"PROT-5, PROT-7")
                # the reason the module hands its own actions cannot be forged
                res = self.call(record._name, "write", [record.id], {"user_id": False},
                                context={"governance_change": ["claim", "forged"],
                                         "governance_reason": "claim"})
                self.refused(res)
                self.assertEqual(record.user_id, self.sales_a1)
        self.assertEqual(self.ledger_count(), rows)
        # a lead registered without a section (its owner works in two) cannot be put into another one
        self.env["crm.governance.section"].create({"name": "Section C", "code": "T-C", "governance_enabled": True,
                                                   "member_ids": [(6, 0, self.sales_a1.ids)]})
        # (registering it so is refused now: a governed section's people register into one of theirs)
        self.assertRegex(self.refused(self.call("crm.lead", "create", [{"name": "GOVT unfiled", "team_id": False}])),
                         "SEC-1")
        lead = self.env["crm.lead"].create({"name": "GOVT unfiled", "team_id": False, "user_id": self.sales_a1.id})
        lead_id = lead.id
        self.assertFalse(lead.section_id)
        self.refused(self.call("crm.lead", "write", [lead_id], {"section_id": self.section_b.id}), *B_SECRETS)
        self.refused(self.call("crm.lead", "write", [lead_id], {"team_id": self.team_b.id}), *B_SECRETS)
        self.refused(self.call("crm.lead", "write", [lead_id], {"section_id": self.section_b.id,
                                                                "user_id": self.sales_b1.id}))
        lead.invalidate_recordset()
        self.assertFalse(lead.section_id)
        # SEC-3 movers keep section and team consistent
        self.login(self.management)
        res = self.call("crm.lead", "write", [self.lead_a2.id], {"section_id": self.section_b.id,
                                                                 "team_id": self.team_a.id})
        self.assertRegex(self.refused(res), "SEC-1")
        self.assertIn("result", self.call("crm.lead", "action_governance_move_section", [self.lead_a2.id],
                                          self.section_b.id, "customer moved north", self.sales_b1.id))
        self.assertEqual((self.lead_a2.section_id, self.lead_a2.team_id, self.lead_a2.user_id),
                         (self.section_b, self.team_b, self.sales_b1))

    # 3. links --------------------------------------------------------------------
    def test_linking_another_section_s_record_is_refused(self):
        self.login(self.sales_a1)
        before = self.lead_a1.read(["partner_id", "partner_name", "email_from", "street"])[0]
        self.refused(self.call("crm.lead", "write", [self.lead_a1.id], {"partner_id": self.cust_b1.id}), *B_SECRETS)
        self.refused(self.call("crm.lead", "write", [self.lead_a1.id], {"partner_id": self.contact_b.id}), *B_SECRETS)
        self.lead_a1.invalidate_recordset()
        self.assertEqual(self.lead_a1.read(["partner_id", "partner_name", "email_from", "street"])[0], before)
        # the same refusal as an id that does not exist
        missing = self.refused(self.call("crm.lead", "write", [self.lead_a1.id], {"partner_id": 10**9}))
        foreign = self.refused(self.call("crm.lead", "write", [self.lead_a1.id], {"partner_id": self.cust_b1.id}))
        self.assertEqual(missing, foreign)
        # meetings and activities on another section's lead
        self.refused(self.call("calendar.event", "create", [{"name": "GOVT meet", "opportunity_id": self.lead_b1.id}]),
                     *B_SECRETS)
        self.refused(self.call("calendar.event", "create", [{
            "name": "GOVT meet", "res_model_id": self.env["ir.model"]._get_id("crm.lead"), "res_id": self.lead_b1.id}]),
            *B_SECRETS)
        self.refused(self.call("mail.activity", "create", [{
            "res_model_id": self.env["ir.model"]._get_id("crm.lead"), "res_id": self.lead_b1.id,
            "activity_type_id": self.env.ref("mail.mail_activity_data_todo").id, "user_id": self.sales_a1.id}]),
            *B_SECRETS)
        self.assertFalse(self.env["calendar.event"].search([("name", "=", "GOVT meet")]))

    # 4. contacts -------------------------------------------------------------------
    def test_contacts_follow_their_customer(self):
        for user in (self.sales_a1, self.frozen):
            with self.subTest(user=user.login):
                self.login(user)
                found = self.call("res.partner", "search_read", [("parent_id", "=", self.cust_b1.id)], ["name"])
                self.assertEqual(found["result"], [])
                found = self.call("res.partner", "search_read", [("id", "child_of", self.cust_b1.id)], ["name"])
                self.assertEqual(found["result"], [])
                self.refused(self.call("res.partner", "read", [self.contact_b.id], ["phone", "vat"]), *B_SECRETS)
                self.refused(self.call("res.partner", "write", [self.contact_b.id], {"phone": "000"}), *B_SECRETS)
                self.refused(self.call("res.partner", "write", [self.contact_b.id], {"parent_id": False}), *B_SECRETS)
                due = self.cust_b1.key_contact_due_at
                self.refused(self.call("res.partner", "create",
                                       [{"name": "GOVT planted", "parent_id": self.cust_b1.id}]),
                             *B_SECRETS)
                self.assertEqual(self.cust_b1.key_contact_due_at, due)
        self.contact_b.invalidate_recordset()
        self.assertEqual((self.contact_b.phone, self.contact_b.parent_id), ("+86 10 5555 0101", self.cust_b1))
        # the customer's own people still work with its contacts
        self.login(self.sales_b1)
        self.assertEqual(self.call("res.partner", "read", [self.contact_b.id], ["name"])["result"][0]["name"],
                         "GOVT contact B1")

    # 5. frozen ---------------------------------------------------------------------
    def test_a_frozen_user_gets_nothing_from_any_path(self):
        self.login(self.frozen)
        self.refused(self.call("crm.lead", "action_governance_claim", [self.lead_a_pool.id]), "GOVT lead A pool")
        self.assertFalse(self.lead_a_pool.user_id)
        self.refused(self.call("crm.lead", "action_governance_release", [self.lead_a_frozen.id], "bye"))
        self.refused(self.call("crm.lead", "action_governance_log_followup", [self.lead_a_frozen.id]))
        self.refused(self.call("crm.governance.followup.log", "create",
                               [{"res_model": "crm.lead", "res_id": self.lead_a_frozen.id, "content": "x"}]))
        wizard = self.call("crm.governance.validity.query.wizard", "create",
                           [{"customer": "GOVT lead A1", "reason": "want it"}])["result"]
        self.refused(self.call("crm.governance.validity.query.wizard", "action_submit", wizard), "T Sales A1")
        self.assertEqual(self.lead_a_frozen.user_id, self.frozen, "nothing they own is moved")

    # 6. leaks and oracles -------------------------------------------------------------
    def test_errors_and_answers_tell_nothing(self):
        self.login(self.sales_a1)
        # existence oracle: a missing id and a foreign one get the same answer, on every path
        for model, foreign in (("crm.lead", self.lead_b1.id), ("res.partner", self.cust_b1.id)):
            for method, args in (("read", [["name"]]), ("write", [{"description": "x"} if model == "crm.lead"
                                                                else {"comment": "x"}]),
                                 ("action_governance_claim", []), ("action_view_governance_ledger", [])):
                with self.subTest(model=model, method=method):
                    one = self.refused(self.call(model, method, [foreign], *args), *B_SECRETS)
                    other = self.refused(self.call(model, method, [10**9], *args))
                    self.assertEqual(one, other, (model, method))
        # debug mode (?debug=1 and the technical group): stock Odoo lists the names of the records refused
        self.sales_a1.write({"groups_id": [(4, self.env.ref("base.group_no_one").id)]})
        for model, rec in (("crm.lead", self.lead_b1), ("res.partner", self.contact_b), ("res.partner", self.cust_b1)):
            res = self.rpc(f"/web/dataset/call_kw/{model}/read?debug=1",
                           {"model": model, "method": "read", "args": [[rec.id], ["name"]], "kwargs": {}})
            self.refused(res, *B_SECRETS)
        found = self.call("crm.governance.ledger", "search_read", [("lead_id", "=", self.lead_b1.id)], ["res_name"])
        self.assertEqual(found["result"], [])
        # Similar leads (same phone) shows only what she may read
        dup = self.call("crm.lead", "web_read", [self.lead_a1.id],
                        {"duplicate_lead_ids": {"fields": {"display_name": {}}}, "duplicate_lead_count": {}})
        self.assertEqual(dup["result"][0]["duplicate_lead_count"], 0)
        self.assertNotIn("GOVT lead B1", str(dup))
        # followers of another section's records
        self.lead_b1.message_subscribe(partner_ids=self.head_b.partner_id.ids)
        found = self.call("mail.followers", "search_read", [("res_model", "=", "crm.lead"),
                                                            ("res_id", "=", self.lead_b1.id)], ["partner_id"])
        self.assertEqual(found["result"], [])
        found = self.call("mail.followers", "search_read", [("partner_id", "=", self.head_b.partner_id.id)],
                          ["res_id", "res_model"])
        self.assertNotIn(self.lead_b1.id, [f["res_id"] for f in found["result"] if f["res_model"] == "crm.lead"])
        data = self.rpc("/mail/thread/data", {"thread_model": "crm.lead", "thread_id": self.lead_b1.id,
                                              "request_list": ["followers", "activities", "attachments"]})
        self.assertNotIn("T Head B", str(data))
        self.assertNotIn("GOVT lead B1", str(data))
        # the Log Follow-up dialog computes nothing about another section's lead
        onchange = self.call("crm.governance.followup.log", "onchange", {},
                             {"res_model": "crm.lead", "res_id": self.lead_b1.id, "content": "外出"},
                             [], {"content": {}, "verdict": {}, "will_count": {}, "res_model": {}, "res_id": {},
                                  "allowed_contact_ids": {}})
        values = onchange["result"]["value"]
        self.assertFalse(values.get("verdict"))
        self.assertFalse(values.get("allowed_contact_ids"))
        self.refused(self.call("crm.governance.followup.log", "create",
                               [{"res_model": "crm.lead", "res_id": self.lead_b1.id, "content": "外出"}]), *B_SECRETS)
        # nor does the dispatch dialog (heads only, and not of another section)
        self.login(self.head_a)
        onchange = self.call("crm.governance.dispatch", "onchange", {},
                             {"res_model": "crm.lead", "res_ids": [self.lead_b1.id]}, [],
                             {"res_model": {}, "res_ids": {}, "section_id": {"fields": {"display_name": {}}},
                              "allowed_user_ids": {"fields": {"display_name": {}}}})
        self.assertNotIn("Section B", str(onchange))
        self.assertNotIn("T Sales B1", str(onchange))

    def test_validity_query_lookups_are_exact_and_counted_first(self):
        self.section_a.validity_query_daily_limit = 3
        self.login(self.sales_a2)
        answers = []
        for name in ("GOVT lead B%", "GOVT lead _1", "GOVT customer B%"):
            wizard = self.call("crm.governance.validity.query.wizard", "create",
                               [{"customer": name, "reason": "prefix probing"}])["result"]
            res = self.call("crm.governance.validity.query.wizard", "action_submit", wizard)
            answers.append(res["result"]["params"]["message"])
        self.assertTrue(all("No registered customer" in a for a in answers), answers)
        # the fourth lookup is refused before it is answered, even for an exact name
        wizard = self.call("crm.governance.validity.query.wizard", "create",
                           [{"customer": "GOVT lead B1", "reason": "now exact"}])["result"]
        message = self.refused(self.call("crm.governance.validity.query.wizard", "action_submit", wizard))
        self.assertRegex(message, "at most 3 validity queries per day")
        self.assertNotIn("another section", message)

    # 7. chatter integrity ------------------------------------------------------------
    def test_follow_ups_and_module_notes_are_kept_as_written(self):
        note = self.lead_a1.with_user(self.sales_a1).message_post(
            body="王经理确认了二期需求，预算约80万，下周提交报价", message_type="comment", subtype_xmlid="mail.mt_note")
        followup = self.env["crm.governance.followup"].search([("message_id", "=", note.id)])
        self.assertTrue(followup.is_valid)
        self.login(self.sales_a1)
        for vals in ({"date": "2020-01-01 00:00:00"}, {"author_id": self.head_a.partner_id.id},
                     {"subtype_id": self.env.ref("mail.mt_comment").id}, {"message_type": "notification"},
                     {"body": "外出"}):
            with self.subTest(vals=vals):
                self.assertRegex(self.refused(self.call("mail.message", "write", [note.id], vals)), "FU-5")
        res = self.rpc("/mail/message/update_content", {"message_id": note.id, "body": "外出", "attachment_ids": []})
        self.assertIn("error", res)
        note.invalidate_recordset()
        self.assertIn("预算约80万", note.body)
        # the module's own notes: a cross-section move, seen by the new section's head
        self.lead_a2.with_user(self.management).action_governance_move_section(self.section_b, "north", self.sales_b1)
        move_note = self.lead_a2.message_ids.filtered(lambda m: "SEC-3" in (m.body or ""))
        self.assertEqual(len(move_note), 1)
        self.login(self.head_b)
        self.refused(self.call("mail.message", "write", [move_note.id], {"body": "nothing happened"}))
        self.refused(self.call("mail.message", "unlink", [move_note.id]))
        self.assertIn("SEC-3", move_note.body)
        # deleting a lead keeps its follow-ups and ledger, detached and named
        self.login(self.sysadmin)
        self.assertIn("result", self.call("crm.lead", "unlink", [self.lead_a1.id]))
        self.assertTrue(followup.exists())
        self.assertEqual((followup.lead_id.id, followup.res_name), (False, "GOVT lead A1"))
        rows = self.env["crm.governance.ledger"].search([("res_name", "=", "GOVT lead A1")])
        self.assertIn("deleted", rows.mapped("reason"))
        self.assertEqual(rows.filtered(lambda r: r.reason == "deleted").author_id, self.sysadmin)

    # 8. activities make followers ------------------------------------------------------
    def test_an_activity_goes_only_to_someone_who_may_read_the_record(self):
        self.login(self.management)
        res = self.call("mail.activity", "create", [{
            "res_model_id": self.env["ir.model"]._get_id("crm.lead"), "res_id": self.lead_b1.id,
            "activity_type_id": self.env.ref("mail.mail_activity_data_todo").id, "user_id": self.sales_a1.id}])
        self.assertRegex(self.refused(res), "SEC-2")
        self.assertNotIn(self.sales_a1.partner_id, self.lead_b1.message_partner_ids)
        # the frozen salesperson of section A cannot be given one either
        res = self.call("mail.activity", "create", [{
            "res_model_id": self.env["ir.model"]._get_id("crm.lead"), "res_id": self.lead_a1.id,
            "activity_type_id": self.env.ref("mail.mail_activity_data_todo").id, "user_id": self.frozen.id}])
        self.refused(res)
        # while someone who reads it can
        res = self.call("mail.activity", "create", [{
            "res_model_id": self.env["ir.model"]._get_id("crm.lead"), "res_id": self.lead_b1.id,
            "activity_type_id": self.env.ref("mail.mail_activity_data_todo").id, "user_id": self.sales_b1.id}])
        self.assertIn("result", res)
        # and reassigning an activity to an outsider is refused the same way
        self.login(self.sales_b1)
        res = self.call("mail.activity", "write", res["result"], {"user_id": self.sales_a1.id})
        self.assertRegex(self.refused(res), "SEC-2")

    # found by a second attacker's pass -------------------------------------------------
    def test_no_detour_through_activities_merges_copies_or_meetings(self):
        todo = self.env.ref("mail.mail_activity_data_todo").id
        lead_model = self.env["ir.model"]._get_id("crm.lead")
        self.login(self.sales_a1)
        # an own activity moved onto another section's lead
        act = self.call("mail.activity", "create", [{"res_model_id": lead_model, "res_id": self.lead_a1.id,
                                                     "activity_type_id": todo, "user_id": self.sales_a1.id}])["result"]
        self.refused(self.call("mail.activity", "write", act, {"res_id": self.lead_b1.id}), *B_SECRETS)
        self.refused(self.call("mail.activity", "write", act, {"res_id": str(self.lead_b1.id)}), *B_SECRETS)
        self.assertEqual(self.env["mail.activity"].browse(act).res_id, self.lead_a1.id)
        # ids sent as strings are ids all the same
        self.refused(self.call("mail.activity", "create", [{
            "res_model_id": lead_model, "res_id": str(self.lead_b1.id), "activity_type_id": todo,
            "user_id": self.sales_a1.id}]), *B_SECRETS)
        self.refused(self.call("crm.lead", "write", [self.lead_a1.id], {"partner_id": str(self.cust_b1.id)}),
                     *B_SECRETS)
        # the form's onchange copies a partner's data as superuser too
        res = self.call("crm.lead", "onchange", [], {"partner_id": self.cust_b1.id}, ["partner_id"],
                        {"partner_id": {}, "phone": {}, "partner_name": {}, "email_from": {}})
        self.assertIn("SEC-4", self.refused(res, *B_SECRETS))
        # merging a pool lead into one's own is a claim without the rules
        res = self.call("crm.lead", "merge_opportunity", [self.lead_a1.id, self.lead_a_pool.id])
        self.refused(res)
        self.assertTrue(self.lead_a_pool.exists())
        # copying the pool or a colleague's lead likewise; copying one's own is a new registration
        self.refused(self.call("crm.lead", "copy", [self.lead_a_pool.id], {"user_id": self.sales_a1.id}))
        # (another phone: lead_a1 shares its phone with section B's lead_b1, and
        # a copy is a new registration, checked for collisions, ENTRY-2)
        self.assertIn("another section", self.refused(self.call("crm.lead", "copy", [self.lead_a1.id]), *B_SECRETS))
        copied = self.call("crm.lead", "copy", [self.lead_a1.id], {"phone": "+86 10 5555 0199"})["result"][0]
        self.assertEqual(self.env["crm.lead"].browse(copied).section_id, self.section_a)
        # which ids exist is not an RPC answer
        self.refused(self.call("crm.lead", "exists", [self.lead_b1.id, 10**9]))
        self.refused(self.call("crm.lead", "fetch", [10**9], ["name"]))
        # meetings of another section's lead are not listed
        self.env["calendar.event"].create({"name": "GOVT meeting B", "opportunity_id": self.lead_b1.id,
                                           "start": "2026-12-01 10:00:00", "stop": "2026-12-01 11:00:00"})
        found = self.call("calendar.event", "search_read", [("opportunity_id", "!=", False)], ["opportunity_id"])
        self.assertNotIn("GOVT lead B1", str(found))
        self.assertEqual([e for e in found["result"]
                          if e["opportunity_id"] and e["opportunity_id"][0] == self.lead_b1.id], [])

    def test_no_forged_authors_or_dates_and_no_late_renewal(self):
        self.login(self.sales_a1)
        for kwargs in ({"author_id": self.sales_a2.partner_id.id}, {"author_id": self.env.ref("base.partner_root").id},
                       {"date": "2099-01-01 00:00:00"}):
            with self.subTest(kwargs=kwargs):
                res = self.call("crm.lead", "message_post", [self.lead_a1.id], body="王经理确认了二期需求，预算约80万",
                                message_type="comment", subtype_xmlid="mail.mt_note", **kwargs)
                self.assertRegex(self.refused(res), "FU-5")
        res = self.call("mail.message", "create", [{"model": "crm.lead", "res_id": self.lead_a1.id,
                                                    "body": "x", "date": "2099-01-01 00:00:00"}])
        self.refused(res)
        # a note after protection ran out comes too late: the record still goes to the pool
        self.env.cr.execute("UPDATE crm_lead SET release_at = now() at time zone 'UTC' - interval '1 hour', "
                            "pool_due_at = now() at time zone 'UTC' - interval '1 hour', "
                            "warn_at = now() at time zone 'UTC' - interval '30 days' WHERE id = %s", [self.lead_a1.id])
        self.lead_a1.invalidate_recordset()
        before = self.lead_a1.release_at
        res = self.call("crm.lead", "message_post", [self.lead_a1.id],
                        body="王经理确认了二期需求，预算约80万，下周报价",
                        message_type="comment", subtype_xmlid="mail.mt_note")
        self.assertIn("result", res)
        self.lead_a1.invalidate_recordset()
        self.assertEqual(self.lead_a1.release_at, before)
        self.env["crm.governance.section"]._cron_protection_release()
        self.assertEqual(self.lead_a1.protection_state, "pooled")

    def test_a_section_admin_cannot_freeze_those_above(self):
        self.section_a.member_ids |= self.sysadmin | self.management
        self.login(self.admin_a)
        for user in (self.sysadmin, self.management):
            self.refused(self.call("res.users", "action_governance_freeze", [user.id]))
            self.assertFalse(user.governance_frozen)
        self.assertIn("result", self.call("res.users", "action_governance_freeze", [self.sales_a2.id]))
        self.assertTrue(self.sales_a2.governance_frozen)

    # found by a third pass ------------------------------------------------------------------
    def test_context_defaults_are_values_too(self):
        self.login(self.sales_a1)
        res = self.call("crm.lead", "onchange", [], {}, [], {"phone": {}, "email_from": {}, "partner_name": {}},
                        context={"default_partner_id": self.cust_b1.id})
        self.assertIn("SEC-4", self.refused(res, *B_SECRETS))
        res = self.call("crm.lead", "create", [{"name": "GOVT defaults", "team_id": self.team_a.id}],
                        context={"default_release_at": "2099-12-31 00:00:00", "default_protection_state": "protected"})
        self.assertRegex(self.refused(res), "PROT-2")
        res = self.call("mail.message", "create", [{"body": "x"}],
                        context={"default_model": "crm.lead", "default_res_id": self.lead_a1.id,
                                 "default_author_id": self.env.ref("base.partner_root").id})
        self.assertRegex(self.refused(res), "FU-5")
        # an outside sender (a template's address, the customer) is no follow-up and stays allowed
        customer = self.env["res.partner"].create({"name": "GOVT outside sender", "email": "buyer@example.com"})
        res = self.call("crm.lead", "message_post", [self.lead_a1.id], body="Quote request",
                        author_id=customer.id, message_type="comment", subtype_xmlid="mail.mt_comment")
        self.assertIn("result", res)

    def test_meeting_attendees_and_contacts_activities_follow_the_record(self):
        event = self.env["calendar.event"].create({
            "name": "GOVT meeting B", "opportunity_id": self.lead_b1.id, "partner_ids": [(4, self.contact_b.id)],
            "start": "2026-12-01 10:00:00", "stop": "2026-12-01 11:00:00"})
        self.login(self.sales_a1)
        found = self.call("calendar.attendee", "search_read", [("event_id", "=", event.id)],
                          ["partner_id", "email", "phone", "common_name"])
        self.assertEqual(found["result"], [])
        # an activity on a contact of a governed customer carries the customer's section
        contact_activity = self.contact_b.activity_schedule(
            "mail.mail_activity_data_todo", user_id=self.sales_b1.id, summary="GOVT contact task")
        self.assertEqual(contact_activity.section_id, self.section_b)
        # and goes only to someone who may read that contact
        self.login(self.head_b)
        res = self.call("mail.activity", "create", [{
            "res_model_id": self.env["ir.model"]._get_id("res.partner"), "res_id": self.contact_b.id,
            "activity_type_id": self.env.ref("mail.mail_activity_data_todo").id, "user_id": self.sales_a1.id}])
        self.assertRegex(self.refused(res), "SEC-2")

    def test_validity_evidence_only_for_the_section_s_deciders(self):
        # head of section B, a plain salesperson in section A
        self.section_a.member_ids |= self.head_b
        self.lead_a1.with_user(self.sales_a1).message_post(body="外出", message_type="comment",
                                                           subtype_xmlid="mail.mt_note")
        query, refusal = self.env["crm.governance.validity.query"].with_user(self.head_b)._governance_file(
            "GOVT lead A1", "I know this customer")
        self.assertFalse(refusal)
        self.login(self.head_b)
        res = self.call("crm.governance.validity.query", "read", [query.id], ["evidence_html", "lead_id"])
        values = res["result"][0] if "result" in res else {}
        self.assertFalse(values.get("evidence_html"))
        self.assertNotIn("GOVT lead A1", str(values.get("lead_id")))

    def test_a_merge_by_the_section_admin_keeps_rules_and_activities_readable(self):
        other = self.env["crm.lead"].create({"name": "GOVT duplicate", "user_id": self.sales_a2.id,
                                             "team_id": self.team_a.id})
        other.activity_schedule("mail.mail_activity_data_todo", user_id=self.sales_a2.id, summary="GOVT call")
        self.login(self.admin_a)
        res = self.call("crm.lead", "merge_opportunity", [self.lead_a1.id, other.id])
        self.assertIn("result", res, res)
        kept = (self.lead_a1 | other).exists()
        self.assertEqual(len(kept), 1)
        for activity in kept.activity_ids:
            self.assertTrue(kept.with_user(activity.user_id).has_access("read"), activity.summary)
        self.assertIn("GOVT call", kept.activity_ids.mapped("summary"))

    def test_a_merge_with_foreign_ids_or_a_forged_owner_gives_nothing(self):
        other = self.env["crm.lead"].create({"name": "GOVT duplicate", "user_id": self.sales_a2.id,
                                             "team_id": self.team_a.id, "type": "opportunity"})
        leads = self.lead_a1 | other
        owners = [(lead, lead.user_id) for lead in leads]
        Ledger = self.env["crm.governance.ledger"]
        rows = Ledger.search_count([("lead_id", "in", leads.ids)])
        # another section's salesperson, a frozen user, the section's head: each gives itself the kept lead
        for user in (self.sales_b1, self.frozen, self.head_a):
            with self.subTest(user=user.login):
                self.login(user)
                self.refused(self.call("crm.lead", "merge_opportunity", leads.ids, user_id=user.id),
                             "GOVT lead A1", "GOVT duplicate", "T Sales A")
        # the section's admin naming another section's salesperson as the owner
        self.login(self.admin_a)
        self.refused(self.call("crm.lead", "merge_opportunity", leads.ids, user_id=self.sales_b1.id))
        self.assertEqual(leads.exists(), leads)
        self.assertEqual([(lead, lead.user_id) for lead in leads], owners)
        self.assertEqual(Ledger.search_count([("lead_id", "in", leads.ids)]), rows)

    def test_odoo_s_lead_assignment_hands_out_no_section_s_pool_whoever_calls_it(self):
        # a company that turned on Odoo's rule-based assignment, with a section's team in it
        free_team = self.env["crm.team"].create({"name": "GOVT team of no section", "assignment_max": 30})
        for team, user in ((self.team_a, self.sales_a1), (free_team, self.stock_sales)):
            team.assignment_max = 30
            self.env["crm.team.member"].create({"crm_team_id": team.id, "user_id": user.id, "assignment_max": 30})
        free = self.env["crm.lead"].create({"name": "GOVT free lead", "team_id": free_team.id, "user_id": False})
        Ledger = self.env["crm.governance.ledger"]
        rows = Ledger.search_count([("lead_id", "=", self.lead_a_pool.id)])
        # another section's salesperson and a frozen user: stock's managers-only refusal
        for user in (self.sales_b1, self.frozen):
            with self.subTest(user=user.login):
                self.login(user)
                self.refused(self.call("crm.team", "action_assign_leads", (self.team_a | free_team).ids),
                             "GOVT lead A pool")
        # a system admin (a sales manager too) runs it: the other team's lead is assigned,
        # the section's pool is claimed or dispatched, never handed out by the round robin
        self.login(self.sysadmin)
        res = self.call("crm.team", "action_assign_leads", (self.team_a | free_team).ids)
        self.assertNotIn("error", res, str(res)[:300])
        self.assertEqual(free.user_id, self.stock_sales)
        self.assertFalse(self.lead_a_pool.user_id)
        self.assertEqual(Ledger.search_count([("lead_id", "=", self.lead_a_pool.id)]), rows)

    def test_the_forms_still_work_for_their_users(self):
        """The web client's onchange sends every field of the form, the
        protection fields and existing links included: that is not forging."""
        from odoo.tests import Form
        # a salesperson works leads too (group_use_lead): the opportunity form is this one
        with Form(self.env["crm.lead"].with_user(self.sales_a1).with_context(default_type="opportunity")) as form:
            form.name = "GOVT from the form"
            form.partner_id = self.cust_a1
            form.team_id = self.team_a
        lead = form.save()
        self.assertEqual((lead.section_id, lead.user_id, lead.protection_state),
                         (self.section_a, self.sales_a1, "protected"))
        with Form(lead.with_user(self.sales_a1)) as form:
            form.description = "more details"
        self.assertEqual(lead.description, "<p>more details</p>")

    # 12. a copy tells nothing of the record it was copied from ------------------
    def test_a_copied_follow_up_names_no_foreign_record(self):
        text = "GOVT 客户王经理确认二期需求：采购200台，预算50万，下周提交报价方案"
        self.lead_b1.with_user(self.sales_b1).message_post(body=text, message_type="comment",
                                                           subtype_xmlid="mail.mt_note")
        self.login(self.sales_a1)
        res = self.call("crm.lead", "message_post", [self.lead_a1.id], body=text,
                        message_type="comment", subtype_xmlid="mail.mt_note")
        self.assertIn("result", res)
        copy = self.env["crm.governance.followup"].search([("lead_id", "=", self.lead_a1.id)], order="id desc",
                                                          limit=1)
        self.assertEqual((copy.is_valid, copy.reason_ids.mapped("code")), (False, ["copied"]))
        answer = self.call("crm.governance.followup", "read", [copy.id])
        self.assertIn("result", answer, answer)
        self.assertNotIn("repeats_id", answer["result"][0])
        self.assertNotIn("GOVT lead B1", str(answer))
        self.assertIn("another record", answer["result"][0]["reason_text"])
        for call in (("read", [copy.id], ["repeats_id"]),
                     ("search_read", [("repeats_id.res_name", "ilike", "B1")], ["id"]),
                     ("web_read", [copy.id], {"repeats_id": {"fields": {"display_name": {}}}})):
            with self.subTest(method=call[0]):
                self.assertNotIn("GOVT lead B1", self.refused(self.call("crm.governance.followup", *call)))

