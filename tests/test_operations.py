"""Operating the embedded database: `make run`'s cluster keeps PostgreSQL's
durability settings while the throw-away test cluster trades them for speed;
`make backup` then `make restore` gives back the same leads, customers,
follow-ups and ledger rows, one to one, and the same filestore.

The scripts run as a user runs them, in subprocesses; the comparisons read
committed data through connections of their own."""
import os
import subprocess
from pathlib import Path

import psycopg2

from odoo.tests import BaseCase, tagged
from odoo.tools import config

ROOT = Path(__file__).resolve().parent.parent
# the tables compared row by row, each with its whole rows
TABLES = ("crm_lead", "res_partner", "crm_governance_followup", "crm_governance_ledger", "crm_governance_section")


def _connect(dbname):
    return psycopg2.connect(dbname=dbname, host=config["db_host"] or None, port=config["db_port"] or None,
                            user=config["db_user"] or None, password=config["db_password"] or None)


def _rows(dbname, table):
    with _connect(dbname) as cnx, cnx.cursor() as cr:
        cr.execute(f"SELECT id, md5(t::text) FROM {table} t ORDER BY id")  # noqa: S608 (our own table names)
        return cr.fetchall()


def _script(*command, **env):
    return subprocess.run(["bash", *command], cwd=ROOT, capture_output=True, text=True, timeout=900, check=False,
                          env=dict(os.environ, **env))


@tagged("post_install", "-at_install", "crm_governance")
class TestOperations(BaseCase):

    def test_run_cluster_is_durable_and_the_test_cluster_is_not(self):
        if os.environ.get("PGHOST"):
            # an existing server: its settings are its administrator's, and the scripts use it as it is
            result = _script("-c", "source scripts/lib.sh; ensure_pg durable; echo \"$DB_HOST\"")
            self.assertEqual(result.stdout.strip(), os.environ["PGHOST"], result.stderr)
            return
        with _connect(config["db_name"] or "postgres") as cnx, cnx.cursor() as cr:
            cr.execute("SELECT name, setting FROM pg_settings WHERE name IN "
                       "('fsync', 'full_page_writes', 'synchronous_commit') ORDER BY name")
            self.assertEqual(cr.fetchall(), [("fsync", "off"), ("full_page_writes", "off"),
                                             ("synchronous_commit", "off")])
        # the durable cluster, as make run starts it (made and stopped here if need be)
        was_running = (ROOT / ".local/pg/data/postmaster.pid").exists()
        result = _script("-c", "source scripts/lib.sh; ensure_pg durable; "
                               "psql -h \"$DB_HOST\" -p \"$DB_PORT\" -U postgres -d postgres -tAc "
                               "\"SELECT string_agg(name || '=' || setting, ',' ORDER BY name) FROM pg_settings "
                               "WHERE name IN ('fsync', 'full_page_writes', 'synchronous_commit')\"")
        try:
            self.assertEqual(result.returncode, 0, result.stderr[-2000:])
            self.assertEqual(result.stdout.strip(), "fsync=on,full_page_writes=on,synchronous_commit=on")
        finally:
            if not was_running:
                _script("-c", "source scripts/lib.sh; bin=$(pg_bindir); "
                              "pg_runas \"$bin/pg_ctl\" -D .local/pg/data -m fast -w stop")

    def test_backup_then_restore_gives_the_same_records(self):
        db = config["db_name"]
        restored = f"{db}_restored"
        target = ROOT / ".local" / "backups-test"
        env = {"GOV_PG_CLUSTER": "scratch", "DB": db, "DIR": str(target)}
        backup = _script("scripts/backup.sh", **env)
        self.assertEqual(backup.returncode, 0, backup.stderr[-2000:])
        dump = Path(backup.stdout.strip().splitlines()[-1])
        self.assertTrue(dump.name.startswith(f"{db}-") and dump.suffix == ".dump", dump)
        self.assertTrue(dump.exists())
        drop = _script("-c", f"source scripts/lib.sh; ensure_pg scratch; psql_odoo -d postgres -qc "
                             f"'DROP DATABASE IF EXISTS \"{restored}\" WITH (FORCE)'", GOV_PG_CLUSTER="scratch")
        self.assertEqual(drop.returncode, 0, drop.stderr)
        try:
            restore = _script("scripts/restore.sh", GOV_PG_CLUSTER="scratch", FILE=str(dump), DB=restored)
            self.assertEqual(restore.returncode, 0, restore.stderr[-2000:])
            for table in TABLES:
                original = _rows(db, table)
                self.assertTrue(original or table != "crm_lead", "a database with data")
                self.assertEqual(_rows(restored, table), original, table)
            store = ROOT / ".local" / "data" / "filestore"
            files = sorted(p.relative_to(store / db) for p in (store / db).rglob("*") if p.is_file())
            self.assertEqual(sorted(p.relative_to(store / restored) for p in (store / restored).rglob("*")
                                    if p.is_file()), files)
            # never over an existing database
            again = _script("scripts/restore.sh", GOV_PG_CLUSTER="scratch", FILE=str(dump), DB=restored)
            self.assertNotEqual(again.returncode, 0)
            self.assertIn("exists", again.stderr)
        finally:
            _script("-c", f"source scripts/lib.sh; ensure_pg scratch; psql_odoo -d postgres -qc "
                          f"'DROP DATABASE IF EXISTS \"{restored}\" WITH (FORCE)'; "
                          f"rm -rf .local/data/filestore/{restored} {target}", GOV_PG_CLUSTER="scratch")
