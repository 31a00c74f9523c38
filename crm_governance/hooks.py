"""Install on a database that already holds years of CRM data.

Every company gets a default section holding its existing sales teams;
existing leads and customer accounts are put in it with set-based SQL in id
batches (no ORM write per record). Governance stays disabled on that
section, so nothing changes for anyone until an admin enables it.
"""
import logging

from odoo.tools import SQL

_logger = logging.getLogger(__name__)

DEFAULT_CODE = "DEFAULT"
BATCH = 200_000


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


def assign_default_sections(env):
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
                "name": f"{company.name}",
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
    leads = _batched_update(
        cr, "crm_lead",
        SQL("COALESCE((SELECT t.section_id FROM crm_team t WHERE t.id = r.team_id), m.section_id)"),
        SQL("m.company_id = COALESCE(r.company_id, mc.company_id)"))
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
    _logger.info("crm_governance: default sections for %d companies; %d teams, %d leads, "
                 "%d customers filed", len(mapping), teams, leads, partners)
    return {"teams": teams, "leads": leads, "partners": partners}


def post_init_hook(env):
    assign_default_sections(env)


def uninstall_hook(env):
    env.registry.clear_cache()
