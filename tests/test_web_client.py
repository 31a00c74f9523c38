"""The server side of the web client's daily actions, over HTTP as each role
(issue 20): what the browser sends, asserted on what the user would notice.

1. a server action and an object button run by a reader of the pool (claim);
2. a wizard's onchange keeps the records it was opened on (dispatch,
   release, move): their count, section and salespeople;
3. an object button on a record missing a fact the section now requires;
4. a quick create by a salesperson who belongs to no sales team;
5. a pass's note and activity in the owner's language;
6. the follow-up notice naming nothing its reader cannot read;
7. a validity query closed when its record changes hands;
8. won deals show no countdown; the module's admins configure it and reach
   the people they may freeze.
"""
from datetime import timedelta

from odoo import fields
from odoo.tests import HttpCase, tagged

from .common import GovernanceCase, RpcMixin


def spec(*names):
    return {name: {} for name in names}


@tagged("post_install", "-at_install", "crm_governance")
class TestWebClient(RpcMixin, GovernanceCase, HttpCase):

    def result(self, res):
        self.assertIn("result", res, str(res)[:800])
        return res["result"]

    # 1. claim by a reader of the pool -------------------------------------------
    def test_claim_from_the_list_menu_and_buttons(self):
        other = self.env["crm.lead"].create({"name": "GOVT second pool", "user_id": False, "team_id": self.team_a.id})
        self.login(self.sales_a1)
        # the ⚙ Action ▸ Claim of the list: a server action on records the salesperson only reads
        action = self.env.ref("crm_governance.action_server_claim_leads")
        res = self.result(self.rpc("/web/action/run", {"action_id": action.id, "context": {
            "active_model": "crm.lead", "active_ids": self.lead_a_pool.ids, "active_id": self.lead_a_pool.id}}))
        self.assertEqual((res["tag"], res["params"]["type"]), ("display_notification", "success"))
        self.assertRegex(res["params"]["message"], r"1 record\(s\) are yours now.*follow-up is due by")
        self.assertEqual(res["params"]["next"]["tag"], "soft_reload")
        self.assertEqual(self.lead_a_pool.user_id, self.sales_a1)
        # the list's Claim button (header or row): an object button with the UI context
        res = self.result(self.rpc("/web/dataset/call_button", {
            "model": "crm.lead", "method": "action_governance_claim", "args": [other.ids],
            "kwargs": {"context": {"governance_from_ui": 1}}}))
        self.assertEqual(res["params"]["type"], "success")
        self.assertEqual(other.user_id, self.sales_a1)

    def test_a_claim_someone_took_a_moment_ago(self):
        self.login(self.sales_a2)
        # what the pool list shows the salesperson
        rows = self.result(self.call("crm.lead", "web_search_read", [("protection_state", "=", "pooled")],
                                     spec("governance_claimable", "governance_claim_status", "name")))["records"]
        row = next(r for r in rows if r["id"] == self.lead_a_pool.id)
        self.assertEqual((row["governance_claimable"], row["governance_claim_status"]), (True, "You may claim it"))
        # a colleague claims it first
        self.lead_a_pool.with_user(self.sales_a1).action_governance_claim()
        res = self.result(self.rpc("/web/dataset/call_button", {
            "model": "crm.lead", "method": "action_governance_claim", "args": [self.lead_a_pool.ids],
            "kwargs": {"context": {"governance_from_ui": 1}}}))
        self.assertEqual((res["params"]["type"], res["params"]["title"]), ("danger", "Nothing was claimed"))
        self.assertRegex(res["params"]["message"], r"Someone else took 1 of these records a moment ago.*\(PROT-5\)")
        self.assertNotIn("T Sales A1", res["params"]["message"])
        self.assertEqual(res["params"]["next"]["tag"], "soft_reload")
        self.assertEqual(self.lead_a_pool.user_id, self.sales_a1)

    def test_the_pool_list_says_who_may_claim_and_why_not(self):
        self.lead_a1.with_user(self.sales_a1).action_governance_release("no budget this year")
        self.login(self.sales_a1)
        rows = {r["id"]: r for r in self.result(self.call(
            "crm.lead", "web_search_read", [("protection_state", "=", "pooled")],
            {"governance_claim_status": {}, "governance_claimable": {}, "governance_pool_reason": {},
             "governance_previous_owner_id": {"fields": {"display_name": {}}}, "governance_pooled_at": {}}))["records"]}
        mine = rows[self.lead_a1.id]
        self.assertFalse(mine["governance_claimable"])
        self.assertRegex(mine["governance_claim_status"], r"^Cool-down: you lost it on .*; you may claim it again from")
        self.assertEqual(mine["governance_previous_owner_id"]["display_name"], "T Sales A1")
        self.assertEqual(mine["governance_pool_reason"], "Released by owner: no budget this year")
        self.assertTrue(mine["governance_pooled_at"])
        self.assertTrue(rows[self.lead_a_pool.id]["governance_claimable"])

    # 2. wizards keep their records ----------------------------------------------
    def _onchange(self, model, fields_spec, context):
        return self.result(self.call(model, "onchange", [], {}, [], fields_spec, context=context))["value"]

    def test_wizard_onchanges_keep_their_records(self):
        context = {"active_model": "crm.lead", "active_ids": self.lead_a_pool.ids, "active_id": self.lead_a_pool.id}
        self.login(self.head_a)
        view = self.result(self.call("crm.governance.dispatch", "get_views", [[False, "form"]]))
        arch = view["views"]["form"]["arch"]
        for name in ("res_ids", "res_model", "record_count", "section_id", "user_id", "load_html"):
            self.assertIn(f'name="{name}"', arch)
        value = self._onchange("crm.governance.dispatch", {
            "res_ids": {}, "res_model": {}, "record_count": {}, "section_id": {"fields": {"display_name": {}}},
            "allowed_user_ids": {}, "load_html": {}, "user_id": {}, "note": {}, "needs_reason": {}}, context)
        self.assertEqual(value["record_count"], 1)
        self.assertEqual(value["section_id"]["display_name"], "Section A")
        # the section's people, frozen ones left out
        self.assertEqual(sorted(command[1] for command in value["allowed_user_ids"]),
                         sorted((self.sales_a1 | self.sales_a2 | self.head_a | self.admin_a).ids))
        self.assertIn("T Sales A1", value["load_html"])
        self.assertIn("/ 200", value["load_html"])
        self.assertNotIn("T Frozen", value["load_html"])
        # and the dispatch itself, as the dialog saves and calls it
        wizard = self.result(self.call("crm.governance.dispatch", "web_save", [], {"user_id": self.sales_a2.id},
                                       specification={}, context=context))[0]["id"]
        res = self.result(self.rpc("/web/dataset/call_button", {
            "model": "crm.governance.dispatch", "method": "action_dispatch", "args": [[wizard]],
            "kwargs": {"context": context}}))
        self.assertRegex(res["params"]["message"], r"1 record\(s\) now belong to T Sales A2")
        self.assertEqual(self.lead_a_pool.user_id, self.sales_a2)
        # the owner's release dialog and management's move dialog
        self.login(self.sales_a1)
        value = self._onchange("crm.governance.release", spec("res_ids", "res_model", "record_count", "note"),
                               dict(context, active_ids=self.lead_a1.ids, active_id=self.lead_a1.id))
        self.assertEqual(value["record_count"], 1)
        self.login(self.management)
        value = self._onchange("crm.governance.section.move", spec(
            "res_ids", "res_model", "record_count", "section_id", "owner_choice", "allowed_user_ids", "user_id",
            "target_governed", "note"), dict(context, active_ids=(self.lead_a1 | self.lead_a2).ids))
        self.assertEqual(value["record_count"], 2)

    def test_dispatch_to_a_frozen_or_foreign_user_is_refused(self):
        self.login(self.head_a)
        for user in (self.frozen, self.sales_b1):
            res = self.call("crm.lead", "action_governance_dispatch", self.lead_a_pool.ids, user.id)
            self.assertRegex(self.refused(res), r"is not a salesperson of section Section A.*\(PROT-5\)")
        self.assertFalse(self.lead_a_pool.user_id)

    # 3. a record lacking a fact the section now requires --------------------------
    def test_buttons_on_a_record_missing_a_fact(self):
        self.section_a.registration_facts = "customer\ncontact\nphone\nsource\nregion\nneed"
        self.login(self.sales_a1)
        arch = self.result(self.call("crm.lead", "get_views", [[False, "form"]]))["views"]["form"]["arch"]
        # required only while registering: an old record's missing facts block no button
        self.assertIn('required="not id and', arch)
        self.assertNotRegex(arch, r'name="source_id"[^>]*required="\'source\'')
        # the old record (installed data) lacks every fact: the owner still works it
        lead = self.lead_a1
        res = self.call("crm.lead", "web_save", [lead.id], {"description": "<p>客户需要一条产线的设备联网</p>"},
                        specification={"governance_completion_note": {}})
        self.assertIn("result", res, str(res)[:500])
        self.assertIn("action", str(self.result(self.rpc("/web/dataset/call_button", {
            "model": "crm.lead", "method": "action_governance_log_followup", "args": [lead.ids], "kwargs": {}}))))
        self.result(self.rpc("/web/dataset/call_button", {
            "model": "crm.lead", "method": "action_set_won", "args": [lead.ids], "kwargs": {}}))
        self.assertTrue(lead.stage_id.is_won)

    # 4. quick create by a salesperson of no sales team -----------------------------
    def test_quick_create_lands_in_the_salesperson_s_section(self):
        self.assertFalse(self.team_a.member_ids)
        self.login(self.sales_a1)
        value = self._onchange("crm.lead", {
            "team_id": {"fields": {"display_name": {}}}, "user_id": {}, "type": {}, "name": {},
            "governance_required_facts": {}, "governance_form_section_id": {"fields": {"display_name": {}}}},
            {"default_type": "opportunity"})
        self.assertEqual(value["team_id"]["display_name"], "Team A")
        self.assertEqual(value["governance_form_section_id"]["display_name"], "Section A")
        res = self.result(self.call("crm.lead", "web_save", [], {
            "name": "GOVT quick", "type": "opportunity", "team_id": value["team_id"]["id"],
            "user_id": self.sales_a1.id}, specification={"section_id": {}, "protection_state": {}}))
        lead = self.env["crm.lead"].browse(res[0]["id"])
        self.assertEqual((lead.section_id, lead.protection_state), (self.section_a, "protected"))
        # the quick-create form asks for the facts the section requires
        arch = self.result(self.call("crm.lead", "get_views", [[
            self.env.ref("crm.quick_create_opportunity_form").id, "form"]]))["views"]["form"]["arch"]
        for name in ("governance_form_section_id", "source_id", "state_id", "description", "contact_name"):
            self.assertIn(f'name="{name}"', arch)

    # 5. the passes write in the owner's language -----------------------------------
    def test_scheduled_passes_write_in_the_owner_s_language(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        self.sales_a1.lang = "zh_CN"
        now = fields.Datetime.now()
        self.lead_a1._governance_backdate(now - timedelta(days=35))
        self.lead_a2._governance_backdate(now - timedelta(days=35))
        Section = self.env["crm.governance.section"]
        Section._cron_followup_due()
        Section._cron_protection_warning()
        activities = self.env["mail.activity"].search([("res_model", "=", "crm.lead"),
                                                       ("res_id", "in", (self.lead_a1 | self.lead_a2).ids)])
        mine = activities.filtered(lambda a: a.res_id == self.lead_a1.id).mapped("summary")
        theirs = activities.filtered(lambda a: a.res_id == self.lead_a2.id).mapped("summary")
        self.assertEqual(len(mine), 2, mine)
        self.assertTrue(any(s.startswith("有效跟进已于") for s in mine), mine)
        self.assertTrue(any("天没有有效联系" in s for s in mine), mine)
        self.assertTrue(theirs and all("A valid follow-up was due" in s or "No valid contact" in s for s in theirs),
                        theirs)
        self.lead_a1._governance_backdate(now - timedelta(days=65))
        Section._cron_protection_release()
        note = self.lead_a1.message_ids.filtered(lambda m: "PROT-2" in (m.body or ""))[:1]
        self.assertIn("公海", note.body)
        row = self.env["crm.governance.ledger"].search([("lead_id", "=", self.lead_a1.id), ("reason", "=", "expired")])
        self.assertIn("有效联系", row.note)
        notice = self.env["mail.message"].search([("partner_ids", "in", self.sales_a1.partner_id.ids)],
                                                 order="id desc", limit=1)
        self.assertIn("公海", notice.subject)

    # 6. the follow-up notice names nothing unreadable -------------------------------
    def test_the_copy_notice_names_no_foreign_record(self):
        text = "与客户电话沟通，确认二期需求和预算，下周提交报价方案"
        self.lead_b1.with_user(self.sales_b1).message_post(body=text, message_type="comment",
                                                           subtype_xmlid="mail.mt_note")
        self.login(self.sales_a1)
        context = {"active_model": "crm.lead", "active_id": self.lead_a1.id, "active_ids": self.lead_a1.ids}
        wizard = self.result(self.call("crm.governance.followup.log", "web_save", [], {
            "res_model": "crm.lead", "res_id": self.lead_a1.id, "channel": "phone", "content": text},
            specification={}, context=context))[0]["id"]
        res = self.result(self.rpc("/web/dataset/call_button", {
            "model": "crm.governance.followup.log", "method": "action_save", "args": [[wizard]],
            "kwargs": {"context": context}}))
        self.assertEqual(res["params"]["title"], "Saved, but it does not count")
        self.assertIn("copied from another record", res["params"]["message"])
        for secret in ("GOVT lead B1", "Section B", "T Sales B1"):
            self.assertNotIn(secret, res["params"]["message"])

    def test_a_valid_follow_up_confirms_the_new_dates(self):
        self.login(self.sales_a1)
        context = {"active_model": "crm.lead", "active_id": self.lead_a1.id, "active_ids": self.lead_a1.ids}
        wizard = self.result(self.call("crm.governance.followup.log", "web_save", [], {
            "res_model": "crm.lead", "res_id": self.lead_a1.id, "channel": "visit",
            "content": "拜访采购部，对方确认三条产线的设备联网需求，预算约六十万元"},
            specification={}, context=context))[0]["id"]
        res = self.result(self.rpc("/web/dataset/call_button", {
            "model": "crm.governance.followup.log", "method": "action_save", "args": [[wizard]],
            "kwargs": {"context": context}}))
        self.assertEqual((res["params"]["type"], res["params"]["title"]), ("success", "Follow-up counted"))
        self.assertRegex(res["params"]["message"], r"^Protection renewed: the next valid follow-up is due by .*public "
                                                   r"pool on .*\(FU-3, PROT-2\)\.$")
        # and the chatter marks the note valid
        messages = self.result(self.rpc("/mail/thread/messages", {"thread_model": "crm.lead",
                                                                  "thread_id": self.lead_a1.id, "limit": 5}))
        marks = [m.get("governance_followup") for m in messages["data"]["mail.message"]
                 if m.get("governance_followup")]
        self.assertTrue(marks and marks[0]["valid"] and marks[0]["label"] == "Valid follow-up", marks)

    # 7. a validity query whose record changed hands ------------------------------------
    def test_a_validity_query_is_closed_when_its_record_changes_hands(self):
        query, refusal = self.env["crm.governance.validity.query"].with_user(self.sales_a2)._governance_file(
            "GOVT lead A1", "the owner does not follow it up")
        self.assertFalse(refusal)
        self.assertEqual(query.state, "pending")
        self.lead_a1.with_user(self.sales_a1).action_governance_release("customer went bankrupt")
        self.assertEqual(query.sudo().state, "closed")
        self.assertRegex(query.sudo().decision, r"changed hands or section on .*\(FU-6\)")
        self.login(self.head_a)
        res = self.call("crm.governance.validity.query", "action_refuse", [query.id], "sound")
        self.assertRegex(self.refused(res), r"already decided \(FU-6\)")
        # one still pending, moot for another reason: its head closes it with a note
        other, _refusal = self.env["crm.governance.validity.query"].with_user(self.sales_a1)._governance_file(
            "GOVT lead A2", "I met them at the fair")
        self.assertIn("result", self.call("crm.governance.validity.query", "action_close", [other.id],
                                          "the requester withdrew it"))
        self.assertEqual((other.sudo().state, other.sudo().decision), ("closed", "the requester withdrew it"))

    # 8. won deals, the module's settings, the people one may freeze -----------------------
    def test_won_deals_show_no_countdown(self):
        self.lead_a1.with_user(self.sales_a1).action_set_won()
        self.login(self.sales_a1)
        row = self.result(self.call("crm.lead", "web_read", [self.lead_a1.id],
                                    spec("protection_badge", "governance_closed", "governance_followup_overdue")))[0]
        self.assertEqual((row["protection_badge"], row["governance_closed"], row["governance_followup_overdue"]),
                         ("Won", True, False))

    def test_the_module_s_system_admin_configures_it(self):
        self.login(self.sysadmin)
        res = self.result(self.call("crm.governance.config", "web_save", [], {"governance_claim_cap": 150},
                                    specification={"governance_registration_fact_ids": {}}))
        self.assertEqual(len(res[0]["governance_registration_fact_ids"]), 6)
        self.result(self.rpc("/web/dataset/call_button", {"model": "crm.governance.config", "method": "action_save",
                                                          "args": [[res[0]["id"]]], "kwargs": {}}))
        self.assertEqual(self.env.company.governance_claim_cap, 150)
        for user in (self.head_a, self.admin_a, self.sales_a1):
            self.login(user)
            self.refused(self.call("crm.governance.config", "web_save", [], {"governance_claim_cap": 1},
                                   specification={}))
        self.assertEqual(self.env.company.governance_claim_cap, 150)
        # bad input: the company's own checks, nothing written
        self.login(self.sysadmin)
        res = self.result(self.call("crm.governance.config", "web_save", [], {"governance_warning_days": 90},
                                    specification={}))
        message = self.refused(self.rpc("/web/dataset/call_button", {
            "model": "crm.governance.config", "method": "action_save", "args": [[res[0]["id"]]], "kwargs": {}}))
        self.assertRegex(message, r"warning .* must come before the release .*\(PROT-2\)")
        self.assertEqual(self.env.company.governance_warning_days, 30)

    def test_section_admins_reach_the_people_they_may_freeze(self):
        self.login(self.admin_a)
        ids = self.result(self.call("res.users", "search", [("governance_may_freeze", "=", True)]))
        self.assertIn(self.sales_a1.id, ids)
        self.assertNotIn(self.sales_b1.id, ids)
        self.assertNotIn(self.management.id, ids)
        self.assertIn("result", self.rpc("/web/dataset/call_button", {
            "model": "res.users", "method": "action_governance_freeze", "args": [self.sales_a2.ids], "kwargs": {}}))
        self.assertTrue(self.sales_a2.governance_frozen)
        self.refused(self.rpc("/web/dataset/call_button", {
            "model": "res.users", "method": "action_governance_freeze", "args": [self.sales_b1.ids], "kwargs": {}}))
        self.assertFalse(self.sales_b1.governance_frozen)
