"""Install on a database that already holds years of CRM data.

Every company gets a default section holding its existing sales teams;
existing leads and customer accounts are put in it with set-based SQL (no
ORM write per record). Governance stays disabled on that section, so nothing
changes for anyone until an admin enables it.

A million leads are not UPDATEd one by one: each updated row rewrites every
one of crm_lead's ~30 indexes (50 s for 1M rows here). Instead the column is
re-added with the main default section as its constant DEFAULT, which
PostgreSQL (11+) records without touching a row, and only the rows that
belong elsewhere (another company, a team of another section) are updated.
"""
import logging

from odoo.tools import SQL, sql

from .models.governed import GOVERNED_MODELS
from .models.res_partner import REACH_COLUMNS, sync_contact_reach

_logger = logging.getLogger(__name__)

DEFAULT_CODE = "DEFAULT"
BATCH = 200_000
# Below this many unsectioned leads, plain batched UPDATEs are fast enough.
BULK_THRESHOLD = 20_000


def _readd_column_with_default(cr, table, column, value):
    """Give every NULL ``table.column`` the constant ``value`` without
    rewriting rows: drop the column and add it back with a DEFAULT, keeping
    the values already set, its constraints, indexes and comment."""
    cr.execute(SQL(
        "SELECT conname, pg_get_constraintdef(c.oid) FROM pg_constraint c "
        "JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = ANY(c.conkey) "
        "WHERE c.conrelid = %s::regclass AND a.attname = %s", table, column))
    constraints = cr.fetchall()
    cr.execute(SQL(
        "SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid "
        "JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = ANY(x.indkey) "
        "WHERE x.indrelid = %s::regclass AND a.attname = %s", table, column))
    indexes = cr.fetchall()
    cr.execute(SQL("SELECT col_description(%s::regclass, attnum), format_type(atttypid, atttypmod) "
                   "FROM pg_attribute WHERE attrelid = %s::regclass AND attname = %s",
                   table, table, column))
    comment, coltype = cr.fetchone()
    cr.execute(SQL("CREATE TEMP TABLE _gov_keep ON COMMIT DROP AS SELECT id, %s AS value FROM %s WHERE %s IS NOT NULL",
                   SQL.identifier(column), SQL.identifier(table), SQL.identifier(column)))
    cr.execute(SQL("ALTER TABLE %s DROP COLUMN %s", SQL.identifier(table), SQL.identifier(column)))
    cr.execute(SQL("ALTER TABLE %s ADD COLUMN %s %s DEFAULT %s", SQL.identifier(table),
                   SQL.identifier(column), SQL(coltype), value))
    cr.execute(SQL("ALTER TABLE %s ALTER COLUMN %s DROP DEFAULT", SQL.identifier(table), SQL.identifier(column)))
    cr.execute(SQL("UPDATE %s AS r SET %s = k.value FROM _gov_keep k "
                   "WHERE r.id = k.id AND r.%s IS DISTINCT FROM k.value",
                   SQL.identifier(table), SQL.identifier(column), SQL.identifier(column)))
    for name, definition in constraints:
        cr.execute(SQL("ALTER TABLE %s ADD CONSTRAINT %s %s", SQL.identifier(table), SQL.identifier(name),
                       SQL(definition)))
    for _name, definition in indexes:
        cr.execute(SQL(definition))
    if comment:
        cr.execute(SQL("COMMENT ON COLUMN %s IS %s", SQL.identifier(table, column), comment))
    cr.execute("DROP TABLE _gov_keep")


def _batched_update(cr, table, assign_sql, where_sql):
    """Run ``UPDATE table ... WHERE where AND id in batch`` over id ranges, so
    a million rows are never one giant statement holding every row lock."""
    cr.execute(SQL("SELECT min(id), max(id) FROM %s WHERE section_id IS NULL",
                   SQL.identifier(table)))
    low, high = cr.fetchone()
    done = 0
    if low is None:
        return 0
    for start in range(low, high + 1, BATCH):
        cr.execute(SQL(
            "UPDATE %(table)s AS r SET section_id = %(assign)s FROM _gov_company_section m, "
            "_gov_main_company mc WHERE r.section_id IS NULL AND r.id >= %(start)s AND r.id < %(stop)s "
            "AND %(where)s",
            table=SQL.identifier(table), assign=assign_sql, start=start, stop=start + BATCH,
            where=where_sql))
        done += cr.rowcount
    return done


def assign_default_sections(env, bulk_threshold=BULK_THRESHOLD):
    """Create the default sections and file unsectioned teams, leads and
    customer accounts under them. Safe to run again: only fills gaps."""
    cr = env.cr
    Section = env["crm.governance.section"].sudo().with_context(active_test=False)
    companies = env["res.company"].sudo().search([])
    mapping = {}
    for company in companies:
        section = Section.search([("company_id", "=", company.id), ("code", "=", DEFAULT_CODE)], limit=1)
        if not section:
            section = Section.create({
                "name": company.name,
                "code": DEFAULT_CODE,
                "company_id": company.id,
                "governance_enabled": False,
            })
        mapping[company.id] = section.id
    env.flush_all()
    main_company = env.ref("base.main_company", raise_if_not_found=False) or companies[:1]

    cr.execute("CREATE TEMP TABLE _gov_company_section (company_id int PRIMARY KEY, section_id int) ON COMMIT DROP")
    cr.execute("CREATE TEMP TABLE _gov_main_company (company_id int) ON COMMIT DROP")
    for company_id, section_id in mapping.items():
        cr.execute("INSERT INTO _gov_company_section VALUES (%s, %s)", (company_id, section_id))
    cr.execute("INSERT INTO _gov_main_company VALUES (%s)", (main_company.id,))

    # Teams: the company's default section (teams shared by all companies go
    # to the main company's).
    cr.execute("""
        UPDATE crm_team t SET section_id = m.section_id
          FROM _gov_company_section m, _gov_main_company mc
         WHERE t.section_id IS NULL AND m.company_id = COALESCE(t.company_id, mc.company_id)
    """)
    teams = cr.rowcount
    # Leads: the team's section, else the company's default section.
    lead_target = SQL("COALESCE((SELECT t.section_id FROM crm_team t WHERE t.id = r.team_id), m.section_id)")
    lead_company = SQL("m.company_id = COALESCE(r.company_id, mc.company_id)")
    cr.execute("SELECT count(*) FROM crm_lead WHERE section_id IS NULL")
    leads = cr.fetchone()[0]
    if leads >= bulk_threshold:
        # Remember which rows were unfiled, give them all the main default
        # section for free, then correct the (few) that belong elsewhere.
        cr.execute("CREATE TEMP TABLE _gov_unfiled ON COMMIT DROP AS "
                   "SELECT id FROM crm_lead WHERE section_id IS NULL")
        cr.execute("ALTER TABLE _gov_unfiled ADD PRIMARY KEY (id)")
        main_section = mapping[main_company.id]
        _readd_column_with_default(cr, "crm_lead", "section_id", main_section)
        cr.execute(SQL(
            "UPDATE crm_lead AS r SET section_id = x.target FROM ("
            "  SELECT r.id, %(target)s AS target FROM crm_lead r JOIN _gov_unfiled u ON u.id = r.id,"
            "         _gov_company_section m, _gov_main_company mc WHERE %(company)s"
            ") x WHERE r.id = x.id AND x.target <> %(main)s",
            target=lead_target, company=lead_company, main=main_section))
        cr.execute("DROP TABLE _gov_unfiled")
    else:
        leads = _batched_update(cr, "crm_lead", lead_target, lead_company)
    # Customer accounts: companies with a salesperson.
    partners = _batched_update(
        cr, "res_partner", SQL("m.section_id"),
        SQL("r.is_company AND r.user_id IS NOT NULL AND m.company_id = COALESCE(r.company_id, mc.company_id)"))
    # Activities follow their document.
    cr.execute("""
        UPDATE mail_activity a SET section_id = l.section_id FROM crm_lead l
         WHERE a.res_model = 'crm.lead' AND a.res_id = l.id AND a.section_id IS NULL
    """)
    cr.execute("""
        UPDATE mail_activity a SET section_id = p.section_id FROM res_partner p
         WHERE a.res_model = 'res.partner' AND a.res_id = p.id AND a.section_id IS NULL
           AND p.section_id IS NOT NULL
    """)
    cr.execute("DROP TABLE _gov_company_section")
    cr.execute("DROP TABLE _gov_main_company")
    env.invalidate_all()
    # every partner's copies of its account's columns (the record rules read them): on install
    # the columns were made empty (pre_init_hook), and any salesperson set on a partner counts
    env["res.partner"]._governance_sync_contact_reach()
    _logger.info("crm_governance: default sections for %d companies; %d teams, %d leads, "
                 "%d customers filed", len(mapping), teams, leads, partners)
    return {"teams": teams, "leads": leads, "partners": partners}


def create_contact_reach_columns(cr):
    """Each partner's copies of its account's section, salesperson and
    protection state (models/res_partner.py, REACH_COLUMNS), made by SQL
    before the ORM meets them, and filled from the accounts when those
    columns exist (an upgrade): the ORM would compute a new stored field
    record by record (minutes on a database with 200,000 partners)."""
    for column, (_original, sql_type) in REACH_COLUMNS.items():
        if not sql.column_exists(cr, "res_partner", column):
            sql.create_column(cr, "res_partner", column, sql_type)
    if sql.column_exists(cr, "res_partner", "protection_state"):
        # an upgrade of a filled database: one statement for every partner
        sync_contact_reach(cr)


def pre_init_hook(env):
    create_contact_reach_columns(env.cr)


def post_init_hook(env):
    assign_default_sections(env)
    # registration keys (ENTRY-2) of the records already there: now on a
    # small database, else in the background by the scheduled action
    Section = env["crm.governance.section"]
    Section._governance_rekey_start()
    if sum(env[m].sudo().with_context(active_test=False).search_count([]) for m in GOVERNED_MODELS) \
            <= BULK_THRESHOLD:
        Section._cron_governance_registration_keys()


def drop_database_functions(cr):
    """Drop every database function the module ever made (18.0.1.0.0 had
    two, for the chatter path), each overload by its own signature: a bare
    ``DROP FUNCTION name`` fails once a signature changed and left two."""
    cr.execute("""SELECT p.oid::regprocedure::text FROM pg_proc p
                   WHERE p.proname LIKE 'crm\\_governance\\_%' AND pg_function_is_visible(p.oid)""")
    for (signature,) in cr.fetchall():
        cr.execute(SQL("DROP FUNCTION IF EXISTS %s", SQL(signature)))


def uninstall_hook(env):
    drop_database_functions(env.cr)
    # the module's reminders ("follow-up due", "no recent contact") mean
    # nothing without it, and would keep its activity types alive
    types = [env.ref(f"crm_governance.mail_activity_type_{kind}", raise_if_not_found=False)
             for kind in ("followup_due", "no_contact")]
    env["mail.activity"].sudo().with_context(active_test=False).search(
        [("activity_type_id", "in", [t.id for t in types if t])]).unlink()
    # its settings (e.g. crm_governance.cron_batch_size)
    env["ir.config_parameter"].sudo().search([("key", "=like", "crm_governance.%")]).unlink()
    env.registry.clear_cache()
