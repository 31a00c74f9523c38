"""PROT-2 crash safety for real: the release pass runs in an Odoo process of
its own over many due records, committing batch by batch; the process is
killed with SIGKILL in the middle; the next run finishes. Every due record
is released exactly once, each previous owner gets one notice, no ledger row
is doubled.

Runs on a copy of the test database that `make test` makes before pytest
starts (``GOV_CRASH_DB``): the passes commit, which a test transaction
cannot hold."""
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psycopg2

import odoo
from odoo.tests import BaseCase, tagged
from odoo.tools import config

ODOO_BIN = Path(odoo.__path__[0]).parent / "odoo-bin"
DUE = 60
BATCH = 5

SEED = f"""
from datetime import timedelta
from odoo import fields
section = env.ref("crm_governance.section_east")
owners = env.ref("crm_governance.user_east_sales1") | env.ref("crm_governance.user_east_sales2")
section.claim_cap = 10000
leads = env["crm.lead"].create([{{"name": f"GOVT crash {{i}}", "user_id": owners[i % 2].id,
                                  "team_id": section.team_ids[:1].id}} for i in range({DUE})])
leads._governance_backdate(fields.Datetime.now() - timedelta(days=200))
env["ir.config_parameter"].set_param("crm_governance.cron_batch_size", {BATCH})
env.cr.commit()
"""
# the real pass, slowed down after each committed batch so it can be killed mid-way
SLOW_RELEASE = """
import time
Section = type(env["crm.governance.section"])
in_batch = Section._governance_in_batch
def slow_batch(self, func):
    result = in_batch(self, func)
    time.sleep(0.4)
    return result
Section._governance_in_batch = slow_batch
env["crm.governance.section"]._cron_protection_release()
env.cr.commit()
"""
RELEASE = """
env["crm.governance.section"]._cron_protection_release()
env.cr.commit()
"""


def _query(dbname, sql, params=()):
    cnx = psycopg2.connect(dbname=dbname, host=config["db_host"] or None, port=config["db_port"] or None,
                           user=config["db_user"] or None, password=config["db_password"] or None)
    try:
        with cnx.cursor() as cr:
            cr.execute(sql, params)
            return cr.fetchall()
    finally:
        cnx.close()


def _shell(db, code, wait=True):
    process = subprocess.Popen(
        [sys.executable, str(ODOO_BIN), "shell", "-c", config.rcfile, "-d", db, "--log-level=warn", "--no-http"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    process.stdin.write(code)
    process.stdin.close()
    if wait:
        process.wait(timeout=600)
    return process


@tagged("post_install", "-at_install", "crm_governance")
class TestCrashResume(BaseCase):

    def released(self, db):
        """Ledger rows of the automatic release, per crash-test lead."""
        return _query(db, """SELECT l.id, count(g.id) FROM crm_lead l
                               LEFT JOIN crm_governance_ledger g
                                      ON g.lead_id = l.id AND g.reason IN ('expired', 'invalid')
                              WHERE l.name LIKE 'GOVT crash %%' GROUP BY l.id""")

    def test_a_release_run_killed_mid_way_is_finished_by_the_next(self):
        db = os.environ.get("GOV_CRASH_DB")
        self.assertTrue(db, "make test copies the test database into GOV_CRASH_DB for this test")
        seeded = _shell(db, SEED)
        self.assertEqual(seeded.returncode, 0, seeded.stderr.read()[-3000:])
        self.assertEqual(len(self.released(db)), DUE)
        last_message = _query(db, "SELECT max(id) FROM mail_message")[0][0]

        run = _shell(db, SLOW_RELEASE, wait=False)
        deadline = time.time() + 300
        done = 0
        while time.time() < deadline:
            done = sum(n for _lead, n in self.released(db))
            if done >= 2 * BATCH or run.poll() is not None:
                break
            time.sleep(0.1)
        os.kill(run.pid, signal.SIGKILL)
        run.wait(timeout=60)
        self.assertEqual(run.returncode, -signal.SIGKILL, "killed, not finished")
        done = sum(n for _lead, n in self.released(db))
        self.assertTrue(BATCH <= done < DUE, f"killed in the middle: {done} of {DUE} released")

        again = _shell(db, RELEASE)
        self.assertEqual(again.returncode, 0, again.stderr.read()[-3000:])
        self.assertEqual(sorted(n for _lead, n in self.released(db)), [1] * DUE, "each released exactly once")
        self.assertEqual(_query(db, "SELECT count(*) FROM crm_lead WHERE name LIKE 'GOVT crash %%' "
                                    "AND (user_id IS NOT NULL OR protection_state <> 'pooled')")[0][0], 0)
        # one notice per previous owner (ours and those of the demo's due records), for
        # everything released by both runs
        notices = dict(_query(db, """SELECT u.login, count(*) FROM mail_message m
                                       JOIN mail_message_res_partner_rel r ON r.mail_message_id = m.id
                                       JOIN res_users u ON u.partner_id = r.res_partner_id
                                      WHERE m.id > %s AND m.subject LIKE '%%public pool%%' GROUP BY u.login""",
                              [last_message]))
        self.assertEqual(notices.get("east_sales1"), 1, notices)
        self.assertEqual(notices.get("east_sales2"), 1, notices)
        self.assertEqual(set(notices.values()), {1}, notices)
        self.assertEqual(_query(db, """SELECT count(*) FROM crm_governance_ledger g JOIN crm_lead l ON l.id = g.lead_id
                                        WHERE l.name LIKE 'GOVT crash %%' AND NOT g.owner_notified
                                          AND g.reason IN ('expired', 'invalid')""")[0][0], 0)
        # a chatter note per released record, not two
        notes = _query(db, """SELECT count(*), count(DISTINCT res_id) FROM mail_message
                               WHERE model = 'crm.lead' AND res_id IN (SELECT id FROM crm_lead
                                                                        WHERE name LIKE 'GOVT crash %%')
                                 AND body LIKE '%%pool%%'""")[0]
        self.assertEqual(notes, (DUE, DUE))
