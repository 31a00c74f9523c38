"""Install → uninstall → reinstall on a database holding CRM data: the module
leaves nothing behind (no function, table, column, index, rule, parameter),
keeps the customers' own data, and installs again.

Runs on a copy of the test database that `make test` makes before pytest
starts (``GOV_UNINSTALL_DB``), with Odoo itself in subprocesses: uninstalling
reloads the registry, which a test transaction cannot survive."""
import os
import subprocess
import sys
from pathlib import Path

import psycopg2

import odoo
from odoo.tests import BaseCase, tagged
from odoo.tools import config

ODOO_BIN = Path(odoo.__path__[0]).parent / "odoo-bin"


def _connect(dbname):
    return psycopg2.connect(dbname=dbname, host=config["db_host"] or None, port=config["db_port"] or None,
                            user=config["db_user"] or None, password=config["db_password"] or None)


def _query(dbname, sql, params=()):
    with _connect(dbname) as cnx, cnx.cursor() as cr:
        cr.execute(sql, params)
        return cr.fetchall()


def _odoo(*args, command="server", stdin=None):
    return subprocess.run([sys.executable, str(ODOO_BIN), command, "-c", config.rcfile, *args, "--log-level=warn",
                           "--no-http"], input=stdin, capture_output=True, text=True, timeout=900, check=False)


@tagged("post_install", "-at_install", "crm_governance")
class TestUninstall(BaseCase):

    def test_install_uninstall_reinstall(self):
        db = os.environ.get("GOV_UNINSTALL_DB")
        self.assertTrue(db, "make test copies the test database into GOV_UNINSTALL_DB for this test")
        ours = _query(db, """
            SELECT m.model, f.name FROM ir_model_fields f JOIN ir_model m ON m.id = f.model_id
              JOIN ir_model_data d ON d.model = 'ir.model.fields' AND d.res_id = f.id
             WHERE d.module = 'crm_governance' AND f.store AND f.ttype NOT IN ('one2many', 'many2many')
               AND m.model NOT LIKE 'crm.governance%%'""")
        self.assertIn(("crm.lead", "followup_due_at"), ours)
        leads = _query(db, "SELECT count(*) FROM crm_lead")[0][0]
        self.assertGreater(leads, 0, "a database with data")

        result = _odoo("-d", db, command="shell", stdin=(
            "env['ir.module.module'].search([('name', '=', 'crm_governance')]).button_immediate_uninstall()\n"
            "env.cr.commit()\n"))
        self.assertEqual(_query(db, "SELECT state FROM ir_module_module WHERE name = 'crm_governance'"),
                         [("uninstalled",)], result.stderr[-3000:])
        left = {
            "functions": _query(db, r"SELECT proname FROM pg_proc WHERE proname LIKE 'crm\_governance%%'"),
            "tables": _query(db, r"SELECT relname FROM pg_class WHERE relname LIKE 'crm\_governance%%'"),
            "columns": [(model, name) for model, name in ours if _query(
                db, "SELECT 1 FROM information_schema.columns WHERE table_name = %s AND column_name = %s",
                (model.replace(".", "_"), name))],
            # demo users own leads and messages: Odoo keeps records still
            # referenced, as it does for any module's data
            "xml ids": _query(db, "SELECT model, name FROM ir_model_data WHERE module = 'crm_governance' "
                                  "AND model NOT IN ('res.users', 'res.partner')"),
            "rules": _query(db, "SELECT name FROM ir_rule WHERE name::text LIKE '%%CRM Governance%%'"),
            "parameters": _query(db, r"SELECT key FROM ir_config_parameter WHERE key LIKE 'crm\_governance.%%'"),
        }
        self.assertEqual({k: v for k, v in left.items() if v}, {}, "left behind by the uninstall")
        self.assertEqual(_query(db, "SELECT count(*) FROM crm_lead")[0][0], leads, "the customers' data stays")

        result = _odoo("-d", db, "-i", "crm_governance", "--stop-after-init")
        self.assertEqual(_query(db, "SELECT state FROM ir_module_module WHERE name = 'crm_governance'"),
                         [("installed",)], result.stderr[-3000:])
        self.assertEqual(_query(db, "SELECT count(*) FROM crm_lead WHERE section_id IS NULL")[0][0], 0,
                         "reinstalled: every lead filed under a section again")
