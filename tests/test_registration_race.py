"""ENTRY-2 with real transactions: two salespeople registering the same new
company at the same moment, from two database cursors. This test commits
(the point is what the other transaction sees); it makes its own section,
users and leads and removes them afterwards."""
import random
import threading
import time

from odoo import api
from odoo.exceptions import UserError
from odoo.service.model import retrying
from odoo.tests import tagged

from .common import CommittedSectionCase


@tagged("post_install", "-at_install", "crm_governance")
class TestRegistrationRace(CommittedSectionCase):

    def _section_values(self):
        return {"registration_facts": ""}

    def setUp(self):
        super().setUp()
        # a company nobody registered yet
        self.phone = f"+86 139 {random.randint(1000, 9999)} {random.randint(1000, 9999)}"
        self.company = f"GOVT 竞速测试 {self.tag} 有限公司"

    def _vals(self, uid):
        return {"name": f"GOVT race {self.tag}", "partner_name": self.company, "phone": self.phone,
                "user_id": uid, "section_id": self.section_id}

    def test_two_registrations_of_one_company_one_winner(self):
        outcome = {}

        def second_registers():
            # as Odoo serves a JSON-RPC call: replayed on a serialization failure
            with self.registry.cursor() as cr:
                env = api.Environment(cr, self.user_ids[1], {})
                try:
                    retrying(lambda: env["crm.lead"].create(self._vals(self.user_ids[1])).id, env)
                    outcome["second"] = "registered"
                except UserError as exc:
                    cr.rollback()  # as the request's transaction would be
                    outcome["second"] = str(exc)

        with self.registry.cursor() as cr1:
            env1 = api.Environment(cr1, self.user_ids[0], {})
            first = env1["crm.lead"].create(self._vals(self.user_ids[0]))
            self.assertEqual(first.protection_state, "protected")
            second = threading.Thread(target=second_registers)
            second.start()
            time.sleep(1.0)
            # the second registration waits for the first transaction
            self.assertTrue(second.is_alive(), outcome)
            cr1.commit()
        second.join(timeout=60)
        self.assertFalse(second.is_alive())
        self.assertRegex(outcome["second"], rf"already registered by GOVT first {self.tag} since .*\(ENTRY-2\)")
        with self._env() as env:
            leads = env["crm.lead"].search([("section_id", "=", self.section_id)])
            self.assertEqual(leads.user_id.ids, [self.user_ids[0]])
            self.assertEqual(len(leads), 1)

    def test_an_import_s_refused_rows_cost_lookups_too(self):
        """An import refuses rows in savepoints and commits: each refusal that
        named the holder costs a Check Customer lookup all the same, and
        past the day's limit the rows name nobody."""
        self.addCleanup(self._drop_lookups)
        with self.registry.cursor() as cr:
            api.Environment(cr, self.user_ids[0], {})["crm.lead"].create(self._vals(self.user_ids[0]))
        with self._env() as env:
            env["crm.governance.section"].browse(self.section_id).customer_check_daily_limit = 2
        with self.registry.cursor() as cr:
            result = api.Environment(cr, self.user_ids[1], {})["crm.lead"].load(
                ["name", "partner_name", "phone", "user_id/.id", "section_id/.id"],
                [[f"GOVT import {n} {self.tag}", self.company, self.phone, str(self.user_ids[1]),
                  str(self.section_id)] for n in range(3)])
        messages = [m["message"] for m in result["messages"]]
        self.assertEqual(len(messages), 3, messages)
        named = sum(f"GOVT first {self.tag}" in m for m in messages)
        # (Odoo's import tries the rows as a batch first: that attempt's
        # refusal is counted too, though its message is not shown)
        self.assertGreaterEqual(named, 1, messages)
        self.assertIn("limit", messages[-1])
        with self._env() as env:
            spent = env["crm.governance.lookup"].search_count(
                [("user_id", "=", self.user_ids[1]), ("section_id", "=", self.section_id)])
            self.assertEqual(spent, 2, "the day's limit, used up and not exceeded")
            self.assertFalse(env["crm.lead"].search([("name", "like", f"GOVT import % {self.tag}")]))

    def _drop_lookups(self):
        with self._env() as env:
            env["crm.governance.lookup"].search([("user_id", "in", self.user_ids)]).unlink()

    def test_parallel_refusals_do_not_pass_the_limit(self):
        """A burst of parallel registrations of a customer another owner
        holds (issue 21, found by the outside probe): each answer that names
        the holder costs a lookup counted before it answers, so past the
        day's limit the others name nobody, however many run at once."""
        self.addCleanup(self._drop_lookups)
        # four customers the first salesperson holds: four different keys, so
        # nothing but the lookup count orders the four attempts
        companies = [dict(self._vals(self.user_ids[0]), partner_name=f"GOVT 并发 {n} {self.tag} 有限公司",
                          phone=f"{self.phone[:-1]}{n}") for n in range(4)]
        with self.registry.cursor() as cr:
            api.Environment(cr, self.user_ids[0], {})["crm.lead"].create(companies)
        with self._env() as env:
            env["crm.governance.section"].browse(self.section_id).customer_check_daily_limit = 1
        answers, start = [], threading.Barrier(4)

        def register(n):
            with self.registry.cursor() as cr:
                env = api.Environment(cr, self.user_ids[1], {})
                start.wait(timeout=30)
                try:
                    retrying(lambda: env["crm.lead"].create(dict(
                        companies[n], user_id=self.user_ids[1], name=f"GOVT burst {n} {self.tag}")).id, env)
                    answers.append("registered")
                except UserError as exc:
                    cr.rollback()  # as the request's transaction would be
                    answers.append(str(exc))

        threads = [threading.Thread(target=register, args=(n,)) for n in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        self.assertEqual(len(answers), 4, answers)
        self.assertEqual(sum(f"GOVT first {self.tag}" in a for a in answers), 1, answers)
        self.assertEqual(sum("Check Customer limit" in a for a in answers), 3, answers)
        with self._env() as env:
            self.assertEqual(env["crm.governance.lookup"].search_count(
                [("user_id", "=", self.user_ids[1]), ("section_id", "=", self.section_id)]), 1)
