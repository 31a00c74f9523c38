"""make load: salespeople and section heads doing what the web client does,
against Odoo in prefork mode (run by scripts/load.sh, headless).

LOAD_MODE=governed uses the module's actions (claim, release, dispatch, the
Log Follow-up dialog); LOAD_MODE=stock does the same work the stock way
(writing the owner, posting a note), for the baseline. Business refusals
(a claim lost to a faster colleague, a record released meanwhile) are
answers, not failures; anything else the server raises is a failure.
What the invariants need (claims won, notes posted) is written to LOAD_OUT.
"""
import itertools
import json
import os
import random
import threading

import gevent
from locust import HttpUser, between, events, task

MODE = os.environ.get("LOAD_MODE", "governed")
GOVERNED = MODE == "governed"
SECTIONS = int(os.environ.get("LOAD_SECTIONS", "10"))
SALES_PER_SECTION = int(os.environ.get("LOAD_SALES_PER_SECTION", "20"))
DB = os.environ["LOAD_DB"]
# logging in runs Odoo's password hash (600,000 rounds): the users log in and
# warm up first, then the statistics start from zero
WARMUP = float(os.environ.get("LOAD_WARMUP", "0"))
# answers, not failures; NotFound is how Odoo's chatter routes answer a note
# on a record one can no longer reach (released to the pool meanwhile)
BUSINESS = {"odoo.exceptions.UserError", "odoo.exceptions.AccessError", "odoo.exceptions.ValidationError",
            "odoo.exceptions.MissingError", "odoo.exceptions.RedirectWarning", "werkzeug.exceptions.NotFound"}
VALID = ["拜访了{c}的采购王经理，确认明年预算约80万，下周三前发报价单并约技术交流。",
         "Called {c}'s IT manager: they compare two vendors, want a demo on the 12th; sending the deck today.",
         "与{c}电话沟通：试用反馈良好，财务要求分两期付款，已请法务准备合同草稿。"]
INVALID = ["外出", "no answer", "未接通", "ok"]

_logins = itertools.count()
_lock = threading.Lock()
RESULTS = {"mode": MODE, "claims_won": [], "claims_lost": 0, "notes": 0, "followups_logged": 0,
           "releases": 0, "dispatches": 0, "refusals": {}, "server_errors": []}


def _next(size):
    with _lock:
        return next(_logins) % size


class OdooClient(HttpUser):
    abstract = True
    wait_time = between(1, 3)

    def _login(self, login):
        res = self.client.post("/web/session/authenticate", name="login", json={
            "jsonrpc": "2.0", "method": "call", "params": {"db": DB, "login": login, "password": login}})
        self.uid = res.json()["result"]["uid"]
        self.ctx = {"lang": "en_US", "tz": "Asia/Shanghai", "uid": self.uid}

    def rpc(self, name, route, params):
        """One JSON-RPC call; the result, or None when refused by a rule."""
        with self.client.post(route, name=name, catch_response=True,
                              json={"jsonrpc": "2.0", "method": "call", "id": 1, "params": params}) as res:
            if res.status_code != 200:
                res.failure(f"HTTP {res.status_code}")
                RESULTS["server_errors"].append(f"{name}: HTTP {res.status_code}")
                return None
            body = res.json()
            if "error" not in body:
                return body["result"]
            error = body["error"].get("data", {}).get("name", "")
            if error in BUSINESS:
                RESULTS["refusals"][name] = RESULTS["refusals"].get(name, 0) + 1
                return None
            res.failure(error or "error")
            message = body["error"].get("data", {}).get("message", "")[:200]
            RESULTS["server_errors"].append(f"{name}: {error}: {message}")
            return None

    def call(self, name, model, method, *args, **kwargs):
        kwargs.setdefault("context", self.ctx)
        return self.rpc(name, f"/web/dataset/call_kw/{model}/{method}",
                        {"model": model, "method": method, "args": list(args), "kwargs": kwargs})

    # -- what the web client does --------------------------------------------
    def pipeline_list(self):
        self.call("pipeline list", "crm.lead", "web_search_read", [("type", "=", "opportunity")], {
            "name": {}, "partner_name": {}, "user_id": {"fields": {"display_name": {}}},
            "stage_id": {"fields": {"display_name": {}}}, "expected_revenue": {}, "probability": {},
            "section_id": {"fields": {"display_name": {}}}, "create_date": {}},
            limit=80, count_limit=10001, order="")

    def pipeline_kanban(self):
        groups = self.call("pipeline kanban", "crm.lead", "web_read_group", [("type", "=", "opportunity")],
                           ["stage_id", "expected_revenue:sum"], ["stage_id"], lazy=True) or {"groups": []}
        for group in groups["groups"][:2]:
            stage = group.get("stage_id")
            self.call("pipeline kanban", "crm.lead", "web_search_read",
                      [("type", "=", "opportunity"), ("stage_id", "=", stage[0] if stage else False)],
                      {"name": {}, "partner_name": {}, "expected_revenue": {}, "priority": {},
                       "user_id": {"fields": {"display_name": {}}}, "activity_state": {}}, limit=20)

    def pool(self, limit=3):
        domain = [("protection_state", "=", "pooled")] if GOVERNED else \
            [("user_id", "=", False), ("team_id", "=", self.team_id)]
        return self.call("pool list", "crm.lead", "search", domain, limit=limit, order="id") or []


class Salesperson(OdooClient):
    weight = 20

    def on_start(self):
        n = _next(SECTIONS * SALES_PER_SECTION)
        self._login(f"bench_{n // SALES_PER_SECTION}_{n % SALES_PER_SECTION}")
        me = self.call("login", "res.users", "read", [self.uid], ["sale_team_id"])
        self.team_id = me[0]["sale_team_id"][0] if me and me[0]["sale_team_id"] else False
        self.own = self.call("login", "crm.lead", "search", [("user_id", "=", self.uid)], limit=40) or []

    def _own(self):
        return random.choice(self.own) if self.own else None

    @task(4)
    def list_view(self):
        self.pipeline_list()

    @task(2)
    def kanban_view(self):
        self.pipeline_kanban()

    @task(3)
    def read_record(self):
        lead = self._own()
        if lead:
            self.call("read record", "crm.lead", "web_read", [lead], {
                "name": {}, "partner_name": {}, "contact_name": {}, "phone": {}, "email_from": {},
                "user_id": {"fields": {"display_name": {}}}, "team_id": {"fields": {"display_name": {}}},
                "stage_id": {"fields": {"display_name": {}}}, "expected_revenue": {}, "description": {},
                "tag_ids": {"fields": {"display_name": {}}}, "date_deadline": {}, "priority": {}})

    def _post(self, name, body):
        lead = self._own()
        if lead and self.rpc(name, "/mail/message/post", {
                "thread_model": "crm.lead", "thread_id": lead, "context": self.ctx,
                "post_data": {"body": body, "message_type": "comment", "subtype_xmlid": "mail.mt_note"}}):
            RESULTS["notes"] += 1

    @task(2)
    def post_valid_note(self):
        self._post("post note", random.choice(VALID).format(c=f"客户{random.randint(1, 99999)}"))

    @task(1)
    def post_invalid_note(self):
        self._post("post note", random.choice(INVALID))

    @task(1)
    def log_followup(self):
        lead = self._own()
        if not lead:
            return
        content = random.choice(VALID).format(c=f"客户{random.randint(1, 99999)}")
        if not GOVERNED:
            # the stock way: a note in the chatter
            self._post("log follow-up", content)
            return
        context = dict(self.ctx, active_model="crm.lead", active_id=lead)
        wizard = self.call("log follow-up", "crm.governance.followup.log", "create",
                           [{"channel": "phone", "content": content}], context=context)
        if wizard and self.call("log follow-up", "crm.governance.followup.log", "action_save", wizard,
                                context=context) is not None:
            RESULTS["followups_logged"] += 1

    @task(1)
    def claim(self):
        # everyone of a section sees the same first record of its pool: a race
        pool = self.pool(limit=1)
        if not pool:
            return
        lead = pool[0]
        if GOVERNED:
            done = self.call("claim", "crm.lead", "action_governance_claim", [lead])
        else:
            done = self.call("claim", "crm.lead", "write", [lead], {"user_id": self.uid})
        if done is not None:
            RESULTS["claims_won"].append([lead, self.uid])
            self.own.append(lead)
        else:
            RESULTS["claims_lost"] += 1

    @task(1)
    def release(self):
        if len(self.own) < 5:
            return
        lead = self.own.pop(random.randrange(len(self.own)))
        if GOVERNED:
            done = self.call("release", "crm.lead", "action_governance_release", [lead],
                             "客户已转向其他供应商 / customer chose another vendor")
        else:
            done = self.call("release", "crm.lead", "write", [lead], {"user_id": False})
        if done is not None:
            RESULTS["releases"] += 1


class SectionHead(OdooClient):
    weight = 1

    def on_start(self):
        n = _next(SECTIONS)
        self._login(f"bench_head_{n}")
        self.team_id = self.call("login", "crm.team", "search", [("name", "=", f"Bench team {n}")], limit=1)
        self.team_id = self.team_id[0] if self.team_id else False
        self.members = self.call("login", "res.users", "search", [("login", "=like", f"bench_{n}_%")]) or []

    @task(2)
    def list_view(self):
        self.pipeline_list()

    @task(1)
    def dispatch(self):
        pool = self.pool()
        if not pool or not self.members:
            return
        lead, user = pool[-1], random.choice(self.members)
        if GOVERNED:
            done = self.call("dispatch", "crm.lead", "action_governance_dispatch", [lead], user)
        else:
            done = self.call("dispatch", "crm.lead", "write", [lead], {"user_id": user})
        if done is not None:
            RESULTS["dispatches"] += 1


@events.test_start.add_listener
def _measure_after_warmup(environment, **_kwargs):
    def reset():
        gevent.sleep(WARMUP)
        environment.stats.reset_all()
        RESULTS["measured_from_second"] = WARMUP
    if WARMUP:
        gevent.spawn(reset)


@events.quitting.add_listener
def _write_results(environment, **_kwargs):
    if os.environ.get("LOAD_OUT"):
        with open(os.environ["LOAD_OUT"], "w", encoding="utf-8") as out:
            json.dump(RESULTS, out)
