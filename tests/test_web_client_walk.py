"""What a walk through the demo in the browser found, as each role (issue 20),
fixed on the server side and asserted over HTTP as the web client sends it:
dialogs built from their own form view (so a field the view lacks is dropped
as the browser drops it), buttons as the form offers them, and the notices
the user reads.

- the Governance Settings dialog saved unchanged keeps the registration facts;
- the Dry Run of a section with a registration waiting for approval;
- a pool record held by its customer's holder: who may take it back, and the
  head's way out; a pooled customer account is checked against the holders;
- reassigning, and moving to another section, takes the customer along;
- won deals owe nothing and hold no customer;
- a reader of a pool record is told what they may do, not "does not exist";
- a note typed in the chatter that does not count is said at once;
- the protection box's dates agree; a release says why, in the chatter;
- a registration the spot-check sent back can be marked corrected.
"""
import json
import re
from datetime import timedelta

from odoo import fields
from odoo.tests import HttpCase, tagged

from .common import GovernanceCase, RpcMixin


@tagged("post_install", "-at_install", "crm_governance")
class TestWebClientWalk(RpcMixin, GovernanceCase, HttpCase):

    def result(self, res):
        self.assertIn("result", res, str(res)[:800])
        return res["result"]

    def view_spec(self, model, view_type="form"):
        """The fields_spec the web client sends for ``model``'s view, built
        from the view the caller gets."""
        views = self.result(self.call(model, "get_views", [[False, view_type]]))
        arch = views["views"][view_type]["arch"]
        spec = {}
        for name in dict.fromkeys(re.findall(r'<field\b[^>]*?\bname="([a-z_0-9]+)"', arch)):
            field = self.env[model]._fields.get(name)
            if field is None or field.type == "one2many":
                continue
            spec[name] = {"fields": {"display_name": {}}} if field.relational else {}
        return spec

    def dialog(self, model, context):
        """Open a dialog as the web client does: onchange with its view."""
        spec = self.view_spec(model)
        return spec, self.result(self.call(model, "onchange", [], {}, [], spec, context=context))["value"]

    def button(self, model, method, ids, context=None, *args):
        return self.rpc("/web/dataset/call_button", {"model": model, "method": method, "args": [ids, *args],
                                                     "kwargs": {"context": context or {}}})

    # the Governance Settings dialog --------------------------------------------------
    def test_saving_the_settings_unchanged_keeps_the_registration_facts(self):
        company = self.env.company
        company.governance_registration_facts = "customer\ncontact\nphone\nsource\nregion\nneed"
        company.governance_completion_facts = "email\naddress"
        self.login(self.sysadmin)
        spec, value = self.dialog("crm.governance.config", {})
        self.assertEqual(len(value["governance_registration_fact_ids"]), 6, "the dialog shows the stored facts")
        # saved as the browser saves it: the dialog's values, back
        values = {name: value[name] for name in ("governance_claim_cap", "governance_registration_facts",
                                                 "governance_completion_facts") if name in value}
        saved = self.result(self.call("crm.governance.config", "web_save", [], values, specification={}))[0]["id"]
        self.result(self.button("crm.governance.config", "action_save", [saved]))
        company.invalidate_recordset()
        self.assertEqual(company.governance_registration_facts, "customer\ncontact\nphone\nsource\nregion\nneed")
        self.assertEqual(company.governance_completion_facts, "email\naddress")

    # the Dry Run ---------------------------------------------------------------------
    def test_the_dry_run_of_a_section_with_a_registration_waiting(self):
        self.section_a.registration_approval = True
        pending = self.env["crm.lead"].with_user(self.sales_a1).create({
            "name": "GOVT 待审核", "user_id": self.sales_a1.id, "team_id": self.team_a.id})
        self.assertEqual(pending.governance_registration_state, "pending")
        self.lead_a2._governance_backdate(fields.Datetime.now() - timedelta(days=70))
        self.login(self.admin_a)
        wizard = self.result(self.call("crm.governance.dry.run", "web_save", [],
                                       {"section_id": self.section_a.id}, specification={}))[0]["id"]
        self.result(self.button("crm.governance.dry.run", "action_compute", [wizard]))
        dry = self.env["crm.governance.dry.run"].browse(wizard)
        self.assertIn(self.lead_a2.id, dry.would_release["crm.lead"])
        self.assertNotIn(pending.id, sum(dry.would_release.values(), []) + sum(dry.would_warn.values(), []))

    # a pool record its customer's holder holds ----------------------------------------
    def test_a_pool_record_goes_back_to_its_customer_s_holder(self):
        account = self.env["res.partner"].create({"name": "GOVT 持有客户有限公司", "is_company": True,
                                                  "user_id": self.sales_a1.id, "phone": "0512-6588 8888"})
        lead = self.env["crm.lead"].create({"name": "GOVT 持有客户·商机", "type": "opportunity",
                                            "user_id": self.sales_a1.id, "team_id": self.team_a.id,
                                            "partner_id": account.id, "partner_name": "GOVT 持有客户有限公司"})
        # the opportunity lapses; the account stays its owner's
        lead.with_user(self.sales_a1).action_governance_release("客户暂停这个项目")
        self.login(self.sales_a2)
        row = self.result(self.call("crm.lead", "web_read", [lead.id], {"governance_claimable": {},
                                                                        "governance_claim_status": {}}))[0]
        self.assertFalse(row["governance_claimable"])
        self.assertIn("T Sales A1 holds this customer", row["governance_claim_status"])
        self.assertIn("dispatches it to them", row["governance_claim_status"])
        # its holder takes it back, cool-down or not: nobody else may
        self.login(self.sales_a1)
        res = self.result(self.button("crm.lead", "action_governance_claim", lead.ids, {"governance_from_ui": 1}))
        self.assertEqual(res["params"]["type"], "success", res)
        self.assertEqual(lead.user_id, self.sales_a1)

    def test_a_pooled_account_is_checked_against_the_customer_s_holders(self):
        account = self.env["res.partner"].create({"name": "GOVT 公海账户有限公司", "is_company": True,
                                                  "user_id": self.sales_a1.id})
        self.env["crm.lead"].create({"name": "GOVT 公海账户·商机", "type": "opportunity", "user_id": self.sales_a1.id,
                                     "team_id": self.team_a.id, "partner_id": account.id})
        account.with_user(self.sales_a1).action_governance_release("账户交给同事")
        self.login(self.sales_a2)
        row = self.result(self.call("res.partner", "web_read", [account.id], {"governance_claimable": {}}))[0]
        self.assertFalse(row["governance_claimable"], "its opportunity's owner holds the customer")
        res = self.result(self.button("res.partner", "action_governance_claim", account.ids,
                                      {"governance_from_ui": 1}))
        self.assertEqual(res["params"]["type"], "danger")
        self.assertFalse(account.user_id)

    # the customer moves as a whole ------------------------------------------------------
    def customer_of(self, owner):
        account = self.env["res.partner"].create({"name": "GOVT 整体客户有限公司", "is_company": True,
                                                  "user_id": owner.id, "phone": "0512-6588 7777"})
        lead = self.env["crm.lead"].create({"name": "GOVT 整体客户·商机", "type": "opportunity", "user_id": owner.id,
                                            "team_id": self.team_a.id, "partner_id": account.id})
        return account, lead

    def test_reassigning_a_record_takes_its_customer_along(self):
        account, lead = self.customer_of(self.sales_a1)
        self.login(self.head_a)
        res = self.call("crm.lead", "action_governance_dispatch", lead.ids, self.sales_a2.id, "负责人调整分工")
        self.assertIn("result", res, res)
        self.assertEqual((lead.user_id, account.user_id), (self.sales_a2, self.sales_a2))
        rows = self.env["crm.governance.ledger"].search([("partner_id", "=", account.id), ("reason", "=", "reassign")])
        self.assertEqual((rows.old_user_id, rows.new_user_id, rows.author_id), (self.sales_a1, self.sales_a2,
                                                                                 self.head_a))

    def test_moving_a_record_takes_its_customer_along_in_one_ledger_row(self):
        account, lead = self.customer_of(self.sales_a1)
        self.login(self.management)
        _spec, value = self.dialog("crm.governance.section.move", {
            "active_model": "crm.lead", "active_ids": lead.ids, "active_id": lead.id})
        self.assertIn("GOVT 整体客户·商机", value["record_names"])
        self.assertIn("GOVT 整体客户有限公司", value["family_names"])
        self.assertEqual([c[1] if isinstance(c, list) else c for c in value["current_section_ids"]],
                         self.section_a.ids)
        res = self.call("crm.lead", "action_governance_move_section", lead.ids, self.section_b.id, "客户迁址",
                        self.sales_b1.id)
        self.assertIn("result", res, res)
        self.assertEqual((lead.section_id, lead.user_id, account.section_id, account.user_id),
                         (self.section_b, self.sales_b1, self.section_b, self.sales_b1))
        rows = self.env["crm.governance.ledger"].search([("lead_id", "=", lead.id), ("reason", "=", "section_move")])
        self.assertEqual(len(rows), 1, "one row for one move")
        self.assertEqual((rows.old_user_id, rows.new_user_id, rows.old_section_id, rows.section_id),
                         (self.sales_a1, self.sales_b1, self.section_a, self.section_b))
        # into the section it is in: one sentence
        res = self.call("crm.lead", "action_governance_move_section", lead.ids, self.section_b.id, "x", False)
        self.assertIn("already", self.refused(res))

    # won deals ------------------------------------------------------------------------
    def test_won_deals_owe_nothing_and_hold_no_customer(self):
        lead = self.env["crm.lead"].create({"name": "GOVT 已签约", "type": "opportunity", "user_id": self.sales_a1.id,
                                            "team_id": self.team_a.id, "partner_name": "GOVT 签约客户有限公司",
                                            "phone": "0512-6588 6666"})
        lead.with_user(self.sales_a1).action_set_won()
        lead._governance_backdate(fields.Datetime.now() - timedelta(days=90))
        self.login(self.head_a)
        for name in ("governance_invalid_protection", "governance_incomplete", "governance_followup_overdue"):
            ids = self.result(self.call("crm.lead", "search", [(name, "=", True)]))
            self.assertNotIn(lead.id, ids, name)
        row = self.result(self.call("crm.lead", "web_read", lead.ids, {
            "governance_invalid_reason": {}, "governance_completion_note": {}, "protection_badge": {}}))[0]
        self.assertEqual((row["governance_invalid_reason"], row["governance_completion_note"]), (False, False))
        # its customer is free to register again (the won deal is its history)
        self.login(self.sales_a2)
        res = self.call("crm.lead", "create", [{"name": "GOVT 二期", "team_id": self.team_a.id,
                                                "user_id": self.sales_a2.id, "partner_name": "GOVT 签约客户有限公司"}])
        self.assertIn("result", res, res)

    # what a reader of a pool record is told ------------------------------------------------
    def test_a_reader_of_a_pool_record_is_told_to_claim_it(self):
        self.login(self.sales_a1)
        row = self.result(self.call("crm.lead", "web_read", self.lead_a_pool.ids, {"governance_writable": {}}))[0]
        self.assertFalse(row["governance_writable"], "the form offers no button that would be refused")
        message = self.refused(self.call("crm.lead", "write", self.lead_a_pool.ids, {"expected_revenue": 5}))
        self.assertIn("claim it from the public pool first", message)
        # another section's record: the one refusal, naming nothing
        message = self.refused(self.call("crm.lead", "write", self.lead_b1.ids, {"expected_revenue": 5}),
                               "GOVT lead B1")
        self.assertIn("You cannot reach", message)

    # a chatter note that does not count ------------------------------------------------------
    def test_a_chatter_note_that_does_not_count_is_said_at_once(self):
        self.login(self.sales_a1)
        bus = self.env["bus.bus"].sudo()
        before = bus.search([], order="id desc", limit=1).id or 0
        self.result(self.rpc("/mail/message/post", {"thread_model": "crm.lead", "thread_id": self.lead_a1.id,
                                                    "post_data": {"body": "外出", "message_type": "comment",
                                                                  "subtype_xmlid": "mail.mt_note"}}))
        sent = [json.loads(n.message) for n in bus.search([("id", ">", before)])]
        notices = [m for m in sent if m.get("type") == "simple_notification"]
        self.assertEqual(len(notices), 1, sent)
        self.assertEqual(notices[0]["payload"]["title"], "Saved, but it does not count")
        self.assertIn("FU-2", notices[0]["payload"]["message"])

    # the protection box ---------------------------------------------------------------------
    def test_the_protection_box_dates_agree(self):
        lead = self.env["crm.lead"].create({"name": "GOVT 新登记", "user_id": self.sales_a1.id,
                                            "team_id": self.team_a.id})
        self.login(self.sales_a1)
        row = self.result(self.call("crm.lead", "web_read", lead.ids, {
            "governance_next_due_at": {}, "pool_due_at": {}, "warn_at": {}, "governance_warning_shown": {},
            "governance_followup_days_left": {}}))[0]
        # without a valid follow-up in 15 days it goes to the pool (FU-4) before the 30-day warning
        self.assertLess(row["pool_due_at"], row["warn_at"])
        self.assertFalse(row["governance_warning_shown"])
        self.assertLessEqual(row["governance_next_due_at"], row["pool_due_at"])
        self.assertLessEqual(row["governance_followup_days_left"], 15)

    def test_a_release_says_why_in_the_chatter(self):
        self.login(self.sales_a1)
        _spec, value = self.dialog("crm.governance.release", {
            "active_model": "crm.lead", "active_ids": self.lead_a1.ids, "active_id": self.lead_a1.id})
        self.assertEqual(value["record_names"], "GOVT lead A1")
        wizard = self.result(self.call("crm.governance.release", "web_save", [], {"note": "客户今年没有预算"},
                                       specification={}, context={"active_model": "crm.lead",
                                                                  "active_ids": self.lead_a1.ids}))[0]["id"]
        res = self.result(self.button("crm.governance.release", "action_release", [wizard]))
        self.assertEqual((res["params"]["type"], res["params"]["title"]), ("success", "Released"))
        self.assertTrue(self.lead_a1.message_ids.filtered(lambda m: "客户今年没有预算" in (m.body or "")))

    # the spot-check's way out -------------------------------------------------------------------
    def test_a_registration_sent_back_at_the_spot_check_is_marked_corrected(self):
        lead = self.env["crm.lead"].with_user(self.sales_a1).create({
            "name": "GOVT 抽查", "user_id": self.sales_a1.id, "team_id": self.team_a.id})
        lead.with_user(self.head_a).action_governance_review_send_back("电话少一位")
        self.login(self.sales_a1)
        res = self.result(self.button("crm.lead", "action_governance_review_corrected", lead.ids))
        self.assertEqual(res["params"]["type"], "success")
        self.assertEqual(lead.governance_review_state, "corrected")
        self.login(self.head_a)
        ids = self.result(self.call("crm.lead", "search", [("governance_review_state", "in", ("returned",
                                                                                             "corrected"))]))
        self.assertIn(lead.id, ids)
        self.result(self.button("crm.lead", "action_governance_review_checked", lead.ids))
        self.assertEqual(lead.governance_review_state, "checked")

    # a deal whose customer a colleague holds now --------------------------------------------------
    def test_an_owner_opens_their_won_deal_whose_customer_a_colleague_holds(self):
        account = self.env["res.partner"].create({"name": "GOVT 转手客户有限公司", "is_company": True,
                                                  "user_id": self.sales_a1.id})
        contact = self.env["res.partner"].create({"name": "GOVT 转手联系人", "parent_id": account.id,
                                                  "email": "c@govt-transfer.example", "phone": "0512-6588 5555"})
        deal = self.env["crm.lead"].create({"name": "GOVT 转手·一期（已签约）", "type": "opportunity",
                                            "user_id": self.sales_a1.id, "team_id": self.team_a.id,
                                            "partner_id": contact.id, "expected_revenue": 100000})
        deal.with_user(self.sales_a1).action_set_won()
        # the account lapses to the pool and a colleague takes it: the won deal stays its signer's
        account.with_user(self.sales_a1).action_governance_release("客户转给同事维护")
        account.with_user(self.sales_a2).action_governance_claim()
        self.login(self.sales_a1)
        row = self.result(self.call("crm.lead", "web_read", deal.ids, self.view_spec("crm.lead")))[0]
        self.assertEqual(row["name"], "GOVT 转手·一期（已签约）")
        # the deal names its customer; the colleague's customer account itself stays theirs
        self.assertEqual(row["partner_id"]["display_name"], "GOVT 转手客户有限公司, GOVT 转手联系人")
        self.refused(self.call("res.partner", "read", account.ids, ["phone"]))
