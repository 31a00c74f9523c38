"""SEC-4 over HTTP: a real login through /web/session/authenticate, then
JSON-RPC /web/dataset/call_kw, as a salesperson of section A."""
import json

from odoo.tests import HttpCase, tagged

from .common import GovernanceCase


@tagged("post_install", "-at_install", "crm_governance")
class TestHttpBoundary(GovernanceCase, HttpCase):

    def _rpc(self, route, params):
        res = self.url_open(route, data=json.dumps({"jsonrpc": "2.0", "method": "call", "id": 1,
                                                     "params": params}),
                            headers={"Content-Type": "application/json"})
        self.assertEqual(res.status_code, 200)
        return res.json()

    def _call(self, model, method, args, kwargs=None):
        return self._rpc(f"/web/dataset/call_kw/{model}/{method}",
                         {"model": model, "method": method, "args": args, "kwargs": kwargs or {}})

    def test_salesperson_over_json_rpc(self):
        auth = self._rpc("/web/session/authenticate",
                         {"db": self.env.cr.dbname, "login": "t_sales_a1", "password": "t_sales_a1"})
        self.assertEqual(auth["result"]["uid"], self.sales_a1.id)

        own = self._call("crm.lead", "read", [[self.lead_a1.id], ["name", "section_id"]])
        self.assertEqual(own["result"][0]["name"], "GOVT lead A1")

        other = self._call("crm.lead", "read", [[self.lead_b1.id], ["name"]])
        self.assertEqual(other["error"]["data"]["name"], "odoo.exceptions.AccessError")
        self.assertNotIn("GOVT lead B1", json.dumps(other))

        found = self._call("crm.lead", "search_read", [[("name", "like", "GOVT lead")], ["name"]])
        # her own lead and her section's public pool, nothing of section B
        self.assertEqual(sorted(r["name"] for r in found["result"]), ["GOVT lead A pool", "GOVT lead A1"])
        groups = self._call("crm.lead", "web_read_group",
                            [[("name", "like", "GOVT")], ["section_id"], ["section_id"]])
        self.assertEqual([g["section_id"][0] for g in groups["result"]["groups"]], [self.section_a.id])
        named = self._call("crm.lead", "name_search", [], {"name": "GOVT lead B1"})
        self.assertEqual(named["result"], [])

        write = self._call("crm.lead", "write", [[self.lead_b1.id], {"description": "hijacked"}])
        self.assertEqual(write["error"]["data"]["name"], "odoo.exceptions.AccessError")
        move = self._call("crm.lead", "write", [[self.lead_a1.id], {"section_id": self.section_b.id}])
        self.assertEqual(move["error"]["data"]["name"], "odoo.exceptions.AccessError")
        self.assertIn("SEC-3", move["error"]["data"]["message"])

        customer = self._call("res.partner", "read", [[self.cust_b1.id], ["name", "phone"]])
        self.assertEqual(customer["error"]["data"]["name"], "odoo.exceptions.AccessError")
        self.assertEqual(self.lead_b1.description, False)
        self.assertEqual(self.lead_a1.section_id, self.section_a)

    def test_frozen_user_over_json_rpc(self):
        self.frozen.with_user(self.sysadmin).action_governance_unfreeze()
        self.authenticate("t_frozen", "t_frozen")
        own = self._call("crm.lead", "read", [[self.lead_a_frozen.id], ["name"]])
        self.assertIn("result", own)
        self.frozen.with_user(self.sysadmin).action_governance_freeze()
        own = self._call("crm.lead", "read", [[self.lead_a_frozen.id], ["name"]])
        self.assertEqual(own["error"]["data"]["name"], "odoo.exceptions.AccessError")
        count = self._call("crm.lead", "search_count", [[]])
        self.assertEqual(count["result"], 0)

    def test_other_section_s_pool_over_json_rpc(self):
        """PROT-5: section B's salesperson neither sees nor claims section A's pool."""
        self.authenticate("t_sales_b1", "t_sales_b1")
        pool = self._call("crm.lead", "search_read", [[("protection_state", "=", "pooled")], ["name"]])
        self.assertNotIn("GOVT lead A pool", [r["name"] for r in pool["result"]])
        claim = self._call("crm.lead", "action_governance_claim", [[self.lead_a_pool.id]])
        self.assertIn("error", claim)
        self.assertNotIn("GOVT lead A pool", json.dumps(claim))
        self.assertFalse(self.lead_a_pool.user_id)
        # while section A's salesperson claims it through the same endpoint
        self.authenticate("t_sales_a1", "t_sales_a1")
        claim = self._call("crm.lead", "action_governance_claim", [[self.lead_a_pool.id]])
        self.assertTrue(claim["result"])
        self.assertEqual(self.lead_a_pool.user_id, self.sales_a1)

    def test_follow_ups_are_append_only_over_json_rpc(self):
        """FU-5: no role rewrites or deletes a follow-up or its chatter message."""
        message = self.lead_a1.with_user(self.sales_a1).message_post(
            body="外出", message_type="comment", subtype_xmlid="mail.mt_note")
        followup = self.env["crm.governance.followup"].search([("message_id", "=", message.id)])
        self.assertFalse(followup.is_valid)
        for login in ("t_sales_a1", "t_admin_a", "t_sysadmin"):
            with self.subTest(login=login):
                self.authenticate(login, login)
                read = self._call("crm.governance.followup", "read", [[followup.id], ["content", "is_valid"]])
                self.assertEqual(read["result"][0]["content"], "外出")
                for method, args in [("write", [[followup.id], {"is_valid": True, "content": "王经理确认预算"}]),
                                     ("unlink", [[followup.id]]),
                                     ("create", [{"res_model": "crm.lead", "lead_id": self.lead_a1.id,
                                                  "author_id": self.sales_a1.id, "is_valid": True}])]:
                    res = self._call("crm.governance.followup", method, args)
                    self.assertEqual(res["error"]["data"]["name"], "odoo.exceptions.AccessError", (login, method))
        self.authenticate("t_sales_a1", "t_sales_a1")
        res = self._call("mail.message", "unlink", [[message.id]])
        self.assertIn("FU-5", res["error"]["data"]["message"])
        res = self._call("mail.message", "write", [[message.id], {"body": "王经理确认预算"}])
        self.assertIn("error", res)
        self.assertEqual((followup.content, followup.is_valid), ("外出", False))
        self.assertIn("外出", message.body)
        # another section's salesperson cannot even read it
        self.authenticate("t_sales_b1", "t_sales_b1")
        res = self._call("crm.governance.followup", "search_read", [[("id", "=", followup.id)], ["content"]])
        self.assertEqual(res["result"], [])
