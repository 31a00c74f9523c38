"""make load in small (issue 12): a few Locust users for a few seconds against
Odoo's prefork server, stock then governed, the passes woken mid-load, and
the invariants checked: the same script as the benchmark, so it cannot rot.
Also the invariant checks themselves, on histories that break them."""
import importlib.util
import json
import os
import subprocess
import tempfile
from datetime import datetime, timedelta
from pathlib import Path

from odoo.tests import BaseCase, tagged

ROOT = Path(__file__).resolve().parent.parent


def _load_module():
    spec = importlib.util.spec_from_file_location("crm_governance_bench_load", ROOT / "bench" / "load.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


T = datetime(2026, 11, 24, 9, 0)


@tagged("post_install", "-at_install", "crm_governance")
class TestInvariantChecks(BaseCase):

    def test_two_owners_at_once_is_a_broken_chain(self):
        load = _load_module()
        # lead 1: claimed by 7, released, claimed by 8; lead 2: claimed by 7 and 8 from the pool at once
        good = [(T, None, 7, "claim"), (T + timedelta(seconds=5), 7, None, "release"),
                (T + timedelta(seconds=9), None, 8, "claim")]
        raced = [(T, None, 7, "claim"), (T + timedelta(seconds=1), None, 8, "claim")]
        self.assertEqual(load.check_chain({1: good}, {1: 8}), 0)
        self.assertEqual(load.check_chain({2: raced}, {2: 8}), 1)
        self.assertEqual(load.check_chain({1: good}, {1: 9}), 1, "today's owner is not the last one")

    def test_claims_without_their_row_and_log_errors_are_seen(self):
        load = _load_module()
        ledger = {1: [(T, None, 7, "claim")]}
        won, rows = load.check_claims(ledger, [[1, 7]])
        self.assertEqual(won, rows)
        won, rows = load.check_claims(ledger, [[1, 7], [2, 8]])
        self.assertNotEqual(won, rows)
        retried = ("2026-11-24 03:40:54,664 10843 ERROR db odoo.sql_db: bad query: b' UPDATE crm_lead'\n"
                   "ERROR: could not serialize access due to concurrent update\n"
                   "2026-11-24 03:40:54,665 10843 INFO db odoo.service.model: SERIALIZATION_FAILURE, "
                   "4 tries left, try again in 0.5394 sec...\n")
        self.assertEqual(load.check_log(retried), ([], 1, 0), "a retried serialization failure is handled")
        unhandled = ("2026-11-24 03:22:25,116 5277 ERROR db odoo.sql_db: bad query: b'WITH due AS ...'\n"
                     "ERROR: could not serialize access due to concurrent update\n"
                     "2026-11-24 03:22:25,117 5277 ERROR db odoo.addons.base.models.ir_cron: Job 'release' failed\n"
                     "2026-11-24 03:22:26,117 5278 ERROR db odoo.sql_db: bad query: b'...'\n"
                     "ERROR: deadlock detected\n")
        errors, retries, deadlocks = load.check_log(unhandled)
        self.assertEqual((len(errors), retries, deadlocks), (3, 0, 1))


@tagged("post_install", "-at_install", "crm_governance")
class TestLoadSmoke(BaseCase):

    def test_a_small_load_keeps_every_invariant(self):
        with tempfile.TemporaryDirectory() as results:
            env = dict(os.environ, N="1000", USERS="6", DURATION="10", DUE="10", LOAD_RESULTS=results,
                       LOAD_DB="crm_governance_load_smoke", LOAD_HTTP_PORT=os.environ.get("GOV_LOAD_HTTP_PORT", "8389"))
            proc = subprocess.run(["bash", str(ROOT / "scripts" / "load.sh")], env=env, capture_output=True,
                                  text=True, timeout=1200, check=False)
            report = Path(results, "load-1000.json")
            self.assertTrue(report.exists(), proc.stderr[-3000:])
            out = json.loads(report.read_text())
        self.assertEqual(proc.returncode, 0, out["invariants_broken"] or proc.stderr[-3000:])
        self.assertEqual(out["invariants_broken"], [])
        run = out["runs"]["6"]
        for mode in ("stock", "governed"):
            self.assertGreater(run[mode]["requests"], 10, f"{mode}: the users did not work")
            self.assertEqual(run[mode]["failures"], 0)
        governed = run["governed"]["invariants"]
        self.assertGreater(governed["released_by_pass"], 0, "the release pass did not run during the load")
        self.assertGreater(governed["notes_checked"], 0)
        self.assertIn("post note", run["ratio_governed_vs_stock"]["actions"])
