"""Shared fixtures: two governed sections, one user per role, records of each."""
import json
import uuid
from contextlib import contextmanager

from odoo import SUPERUSER_ID, api
from odoo.tests.common import TransactionCase, new_test_user


class RefusalMixin:
    @contextmanager
    def assertRaisesRegex(self, exception, regex):
        """Odoo's assertRaises (rolled back in a savepoint, cache cleared, as
        a refused RPC call would be) plus a check of the message."""
        with self.assertRaises(exception) as cm:
            yield cm
        self.assertRegex(str(cm.exception), regex)


class GovernanceCase(RefusalMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env(context=dict(cls.env.context, tracking_disable=True, no_reset_password=True))
        cls.env = env
        company = env.ref("base.main_company")
        Section = env["crm.governance.section"]

        def user(login, groups):
            # export rights too, so the export path is checked against the rules
            return new_test_user(env, login=login, groups=groups + ",base.group_allow_export",
                                 name=login.replace("_", " ").title())

        cls.sales_a1 = user("t_sales_a1", "base.group_user,crm_governance.group_salesperson")
        # Also holds the stock "All Documents" group: proves it cannot widen the section rules.
        cls.sales_a2 = user("t_sales_a2", "base.group_user,crm_governance.group_salesperson,"
                                          "sales_team.group_sale_salesman_all_leads")
        cls.sales_b1 = user("t_sales_b1", "base.group_user,crm_governance.group_salesperson")
        cls.head_a = user("t_head_a", "base.group_user,crm_governance.group_section_head")
        cls.admin_a = user("t_admin_a", "base.group_user,crm_governance.group_section_admin")
        cls.head_b = user("t_head_b", "base.group_user,crm_governance.group_section_head")
        cls.management = user("t_management", "base.group_user,crm_governance.group_management")
        cls.sysadmin = user("t_sysadmin", "base.group_user,crm_governance.group_system_admin")
        cls.frozen = user("t_frozen", "base.group_user,crm_governance.group_salesperson")
        cls.internal = user("t_internal", "base.group_user")
        # A stock CRM user outside any section, as existing databases have them.
        cls.stock_sales = user("t_stock_sales", "base.group_user,sales_team.group_sale_salesman")

        cls.team_a = env["crm.team"].create({"name": "Team A", "company_id": company.id})
        cls.team_b = env["crm.team"].create({"name": "Team B", "company_id": company.id})
        cls.section_a = Section.create({
            "name": "Section A", "code": "T-A", "company_id": company.id, "governance_enabled": True,
            "member_ids": [(6, 0, (cls.sales_a1 | cls.sales_a2 | cls.frozen).ids)],
            "head_ids": [(6, 0, cls.head_a.ids)], "admin_ids": [(6, 0, cls.admin_a.ids)],
            "team_ids": [(6, 0, cls.team_a.ids)],
        })
        cls.section_b = Section.create({
            "name": "Section B", "code": "T-B", "company_id": company.id, "governance_enabled": True,
            "member_ids": [(6, 0, cls.sales_b1.ids)], "head_ids": [(6, 0, cls.head_b.ids)],
            "team_ids": [(6, 0, cls.team_b.ids)],
        })
        # Tests of the other rules register bare leads; the registration rules
        # (ENTRY-1) are switched on where they are the subject (test_registration).
        (cls.section_a | cls.section_b).write({"registration_facts": ""})
        Lead = env["crm.lead"]
        cls.lead_a1 = Lead.create({"name": "GOVT lead A1", "user_id": cls.sales_a1.id, "team_id": cls.team_a.id})
        cls.lead_a2 = Lead.create({"name": "GOVT lead A2", "user_id": cls.sales_a2.id, "team_id": cls.team_a.id})
        cls.lead_a_pool = Lead.create({"name": "GOVT lead A pool", "user_id": False, "team_id": cls.team_a.id})
        cls.lead_a_frozen = Lead.create({"name": "GOVT lead A frozen", "user_id": cls.frozen.id,
                                         "team_id": cls.team_a.id})
        cls.lead_b1 = Lead.create({"name": "GOVT lead B1", "user_id": cls.sales_b1.id, "team_id": cls.team_b.id})
        Partner = env["res.partner"]
        cls.cust_a1 = Partner.create({"name": "GOVT customer A1", "is_company": True, "user_id": cls.sales_a1.id})
        cls.cust_b1 = Partner.create({"name": "GOVT customer B1", "is_company": True, "user_id": cls.sales_b1.id})
        cls.frozen.action_governance_freeze()

    def leads(self, *names):
        return self.env["crm.lead"].browse([getattr(self, f"lead_{n}").id for n in names])


class RpcMixin:
    """Calls as a real client makes them: a login through
    /web/session/authenticate, then JSON-RPC on /web/dataset/call_kw and the
    mail controllers. For HttpCase classes."""

    def rpc(self, route, params):
        res = self.url_open(route, data=json.dumps({"jsonrpc": "2.0", "method": "call", "id": 1,
                                                     "params": params}),
                            headers={"Content-Type": "application/json"})
        self.assertEqual(res.status_code, 200, res.text[:500])
        return res.json()

    def login(self, user):
        auth = self.rpc("/web/session/authenticate",
                        {"db": self.env.cr.dbname, "login": user.login, "password": user.login})
        self.assertEqual(auth["result"]["uid"], user.id)

    def call(self, model, method, *args, **kwargs):
        return self.rpc(f"/web/dataset/call_kw/{model}/{method}",
                        {"model": model, "method": method, "args": list(args), "kwargs": kwargs})

    def refused(self, res, *secrets):
        """Assert an RPC answer is an error (or, for answers that must stay
        counted, a warning notification) that says none of ``secrets``;
        return its message."""
        result = res.get("result")
        if isinstance(result, dict) and result.get("tag") == "display_notification" \
                and result["params"].get("type") == "warning":
            for secret in secrets:
                self.assertNotIn(secret, result["params"]["message"], "the answer leaks")
            return result["params"]["message"]
        self.assertIn("error", res, f"not refused: {str(res)[:300]}")
        text = json.dumps(res["error"]["data"].get("message", ""), ensure_ascii=False) + \
            json.dumps(res["error"]["data"].get("arguments", ""), ensure_ascii=False)
        for secret in secrets:
            self.assertNotIn(secret, text, "the refusal leaks what the caller may not read")
        return res["error"]["data"]["message"]


class CommittedSectionCase(RefusalMixin, TransactionCase):
    """For tests of what other transactions see: a governed section with two
    salespeople, made and committed in setUp, removed with everything the
    test committed in it (leads, their ledger rows, messages, lock rows)."""
    @contextmanager
    def _env(self, uid=SUPERUSER_ID):
        with self.registry.cursor() as cr:
            yield api.Environment(cr, uid, {})

    def setUp(self):
        super().setUp()
        tag = uuid.uuid4().hex[:8]
        with self._env() as env:
            env = env(context={"no_reset_password": True})
            groups = "base.group_user,crm_governance.group_salesperson"
            users = [new_test_user(env, f"gov_{n}_{tag}", groups=groups, name=f"GOVT {n} {tag}")
                     for n in ("first", "second")]
            section = env["crm.governance.section"].create(dict({
                "name": f"Race {tag}", "code": f"R-{tag}", "governance_enabled": True,
                "member_ids": [(6, 0, [u.id for u in users])]}, **self._section_values()))
            self.user_ids = [u.id for u in users]
            self.section_id = section.id
        self.tag = tag
        self.addCleanup(self._cleanup)

    def _section_values(self):
        """More values of the section: a test's own policy."""
        return {}

    def _cleanup(self):
        with self._env() as env:
            leads = env["crm.lead"].with_context(active_test=False).search([("section_id", "=", self.section_id)])
            keys = [f"{kind}:{key}" for keys in leads._governance_keys().values() for kind, key in keys.items()]
            env.cr.execute("DELETE FROM crm_governance_registration_lock WHERE key = ANY(%s)", [keys])
            env["crm.governance.ledger"].search([("lead_id", "in", leads.ids)]).unlink()
            env["mail.message"].search([("model", "=", "crm.lead"), ("res_id", "in", leads.ids)]).unlink()
            env["mail.message"].search([("body", "like", f"%{self.tag}%")]).unlink()
            leads.unlink()
            env["crm.governance.section"].browse(self.section_id).unlink()
            for user in env["res.users"].browse(self.user_ids):
                user.write({"active": False, "login": f"gone_{self.tag}_{user.id}"})
