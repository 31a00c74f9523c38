"""Benchmarks of crm_governance (not tests): prints JSON.

  seed     users, sales teams and N leads straight into PostgreSQL (crm only)
  measure  the install hook on the seeded rows, and a salesperson's list query
           under stock rules only vs. with governance enabled, same run
  release  the release pass with 5% of the leads due vs. one SQL UPDATE doing
           the same state change (the floor), same run
  post     message_post of a note on a lead by its owner (run once on stock
           crm, once with crm_governance judging the note: the ratio is made
           by scripts/bench.sh)
  validity the FU-2 validity functions on generated notes, one core
  grading  N more customers with 10 won deals each, the grading run vs. one
           SQL aggregate of the same figures (make bench-grading)
  registration  N protected registrations (name, phone, e-mail keys), the
           collision check of a new registration vs. one plain indexed ORM
           search, same run (make bench-registration)
Run through scripts/bench.sh (make bench), which installs the modules between.
"""
import argparse
import json
import platform
import random
import statistics
import sys
import time
from pathlib import Path

import odoo
from odoo import SUPERUSER_ID, api
from odoo.modules.registry import Registry

SECTIONS = 10
SALES_PER_SECTION = 20


def _env(conf, db):
    odoo.tools.config.parse_config(["-c", conf, "-d", db, "--log-level=warn"])
    registry = Registry(db)
    cr = registry.cursor()
    return api.Environment(cr, SUPERUSER_ID, {}), cr


def seed(env, cr, n):
    company = env.ref("base.main_company")
    teams, users = [], []
    salesman = env.ref("sales_team.group_sale_salesman")
    for s in range(SECTIONS):
        team = env["crm.team"].create({"name": f"Bench team {s}", "company_id": company.id})
        teams.append(team.id)
        for u in range(SALES_PER_SECTION):
            user = env["res.users"].with_context(no_reset_password=True).create({
                "name": f"Bench sales {s}-{u}", "login": f"bench_{s}_{u}",
                "groups_id": [(6, 0, [env.ref("base.group_user").id, salesman.id])],
            })
            users.append((s, user.id))
    env.flush_all()
    cr.execute("CREATE TEMP TABLE bench_users (seq serial, section int, user_id int)")
    cr.executemany("INSERT INTO bench_users (section, user_id) VALUES (%s, %s)", users)
    cr.execute("SELECT id FROM crm_stage ORDER BY sequence, id")
    stages = [r[0] for r in cr.fetchall()]
    t0 = time.perf_counter()
    # One lead in 20 is unassigned (the stock rule shows those to everyone).
    cr.execute("""
        INSERT INTO crm_lead (name, type, active, user_id, team_id, company_id, stage_id, priority,
                              expected_revenue, probability, create_date, write_date, create_uid, write_uid,
                              date_open, date_last_stage_update, email_from, partner_name)
        SELECT 'Bench lead ' || g, CASE WHEN g %% 3 = 0 THEN 'lead' ELSE 'opportunity' END, true,
               CASE WHEN g %% 20 = 0 THEN NULL ELSE u.user_id END,
               t.team_id, %(company)s, (%(stages)s)[1 + g %% %(nstages)s], '0',
               (g %% 997) * 100, 10, now() - (g %% 700) * interval '1 day', now(), 1, 1,
               now(), now(), 'c' || g || '@bench.example.com', 'Bench customer ' || (g %% 50000)
          FROM generate_series(1, %(n)s) g
          JOIN bench_users u ON u.seq = 1 + (g %% %(nusers)s)
          JOIN (SELECT row_number() OVER (ORDER BY id) - 1 AS section, id AS team_id
                  FROM crm_team WHERE name->>'en_US' LIKE 'Bench team %%') t ON t.section = u.section
    """.replace("%(company)s", str(company.id)), {
        "stages": stages, "nstages": len(stages), "n": n, "nusers": len(users)})
    inserted = cr.rowcount
    # customer accounts (one per 10 leads), each with one contact person: the
    # rows the res.partner rules (and their commercial-partner path) filter
    cr.execute("""
        WITH companies AS (
            INSERT INTO res_partner (name, complete_name, is_company, active, type, user_id, company_id,
                                     phone, create_date, write_date, create_uid, write_uid)
            SELECT 'Bench company ' || g, 'Bench company ' || g, true, true, 'contact',
                   CASE WHEN g %% 20 = 0 THEN NULL ELSE u.user_id END, %(company)s,
                   '+86 21 ' || g, now(), now(), 1, 1
              FROM generate_series(1, %(n)s / 10) g
              JOIN bench_users u ON u.seq = 1 + (g %% %(nusers)s)
            RETURNING id, name)
        INSERT INTO res_partner (name, complete_name, is_company, active, type, parent_id, company_id,
                                 phone, create_date, write_date, create_uid, write_uid)
        SELECT 'Contact of ' || c.name, c.name || ', Contact', false, true, 'contact', c.id, %(company)s,
               '+86 10 ' || c.id, now(), now(), 1, 1
          FROM companies c""".replace("%(company)s", str(company.id)), {"n": n, "nusers": len(users)})
    cr.execute("UPDATE res_partner SET commercial_partner_id = COALESCE(parent_id, id) "
               "WHERE name LIKE 'Bench company %%' OR name LIKE 'Contact of Bench company %%'")
    cr.execute("ANALYZE res_partner")
    cr.execute("ANALYZE crm_lead")
    cr.commit()
    return {"leads_seeded": inserted, "seed_seconds": round(time.perf_counter() - t0, 2),
            "sections": SECTIONS, "salespeople": len(users)}


def _vacuum(db, table="crm_lead"):
    """VACUUM ANALYZE outside any transaction, so autovacuum cleaning up a
    million-row UPDATE does not run during (and skew) a timing."""
    import psycopg2

    from odoo.sql_db import connection_info_for

    _db, info = connection_info_for(db)
    cnx = psycopg2.connect(**info)
    try:
        cnx.autocommit = True
        with cnx.cursor() as cur:
            cur.execute(f"VACUUM ANALYZE {table}")
    finally:
        cnx.close()


def _time(func, repeat):
    samples = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        func()
        samples.append(time.perf_counter() - t0)
    return statistics.median(samples)


def measure(env, cr, repeat):
    from odoo.addons.crm_governance.hooks import assign_default_sections

    out = {}
    # The hook on every seeded row, as at install (the sections are emptied first).
    cr.execute("UPDATE crm_lead SET section_id = NULL")
    cr.execute("UPDATE crm_team SET section_id = NULL")
    cr.commit()
    t0 = time.perf_counter()
    counts = assign_default_sections(env)
    cr.commit()
    out["hook_seconds"] = round(time.perf_counter() - t0, 3)
    out["hook_rows"] = counts

    # One section per bench team, its salespeople as members: the shape of a
    # real installation once an admin has set sections up.
    Section = env["crm.governance.section"]
    sections = Section.browse()
    cr.execute("SELECT id FROM crm_team WHERE name->>'en_US' LIKE 'Bench team %%' ORDER BY id")
    team_ids = [r[0] for r in cr.fetchall()]
    cr.execute("UPDATE crm_team SET section_id = NULL WHERE id = ANY(%s)", [team_ids])
    env.invalidate_all()
    for s, team_id in enumerate(team_ids):
        members = env["res.users"].search([("login", "=like", f"bench_{s}_%")])
        sections |= Section.create({"name": f"Bench section {s}", "code": f"B{s}",
                                    "team_ids": [(6, 0, [team_id])], "member_ids": [(6, 0, members.ids)]})
    env.flush_all()
    cr.execute("UPDATE crm_lead l SET section_id = t.section_id FROM crm_team t "
               "WHERE l.team_id = t.id AND t.id = ANY(%s)", [team_ids])
    cr.execute("""UPDATE res_partner p SET section_id = s.id
                    FROM crm_governance_section_member_rel m JOIN crm_governance_section s ON s.id = m.section_id
                   WHERE p.user_id = m.user_id AND p.is_company AND s.id = ANY(%s)""", [sections.ids])
    # their contacts carry the account's section, as the module's own writes keep them
    env["res.partner"]._governance_sync_contact_reach()
    cr.execute("ANALYZE crm_lead")
    cr.execute("ANALYZE res_partner")
    cr.commit()

    salesperson = env["res.users"].search([("login", "=", "bench_3_7")])
    domain = [("type", "=", "opportunity")]
    fields = ["name", "partner_name", "user_id", "team_id", "stage_id", "expected_revenue", "section_id"]

    def list_query():
        Lead = env["crm.lead"].with_user(salesperson)
        Lead.search_read(domain, fields, limit=80)
        Lead.search_count(domain)
        env.invalidate_all()

    def customer_query():
        Partner = env["res.partner"].with_user(salesperson)
        Partner.search_read([("is_company", "=", True), ("name", "like", "Bench company")],
                            ["name", "phone", "user_id", "section_id"], limit=80)
        Partner.search_count([("is_company", "=", True), ("name", "like", "Bench company")])
        env.invalidate_all()

    def contact_query():
        # contacts follow their customer through commercial_partner_id
        Partner = env["res.partner"].with_user(salesperson)
        Partner.search_read([("is_company", "=", False), ("name", "like", "Contact of Bench")],
                            ["name", "phone", "parent_id"], limit=80)
        env.invalidate_all()

    own_lead = env["crm.lead"].search([("user_id", "=", salesperson.id)], limit=1)

    def write_own():
        # the owner edits their lead: access checked before stock crm's write
        own_lead.with_user(salesperson).write({"description": f"bench {time.perf_counter()}"})
        env.flush_all()
        env.invalidate_all()

    def run(label):
        cr.commit()
        _vacuum(cr.dbname)
        _vacuum(cr.dbname, "res_partner")
        env.registry.clear_cache()
        for func in (list_query, customer_query, contact_query, write_own):
            func()  # warm-up: rule domains and plans cached as in a live server
        out[label] = {"seconds": round(_time(list_query, repeat), 5),
                      "visible": env["crm.lead"].with_user(salesperson).search_count(domain),
                      "customers_seconds": round(_time(customer_query, repeat), 5),
                      "contacts_seconds": round(_time(contact_query, repeat), 5),
                      "write_own_seconds": round(_time(write_own, repeat), 5)}
        cr.rollback()  # the timed writes are not kept

    run("stock_rules")  # the sections exist, governance is still off
    t0 = time.perf_counter()
    sections.write({"governance_enabled": True})  # big sections: queued for the background job
    cr.commit()
    out["enable_request_seconds"] = round(time.perf_counter() - t0, 3)
    out["enable_in_background"] = len(sections.filtered("governance_job"))
    t0 = time.perf_counter()
    Section._cron_governance_section_jobs()  # every lead gets its protection state, committed batches
    cr.commit()
    out["enable_governance_seconds"] = round(time.perf_counter() - t0, 2)
    sections.invalidate_recordset()
    assert all(sections.mapped("governance_enabled")), "the enabling job did not finish"
    run("governed")
    assert out["governed"]["visible"] < out["stock_rules"]["visible"], "governance did not apply"
    out["ratio_governed_vs_stock"] = round(out["governed"]["seconds"] / out["stock_rules"]["seconds"], 2)
    for key in ("customers", "contacts", "write_own"):
        out[f"ratio_{key}_governed_vs_stock"] = round(
            out["governed"][f"{key}_seconds"] / out["stock_rules"][f"{key}_seconds"], 2)
    cr.commit()
    return out


def _due_again(cr):
    """The bench's due leads back with their owners, protected and due again."""
    cr.execute("""UPDATE crm_lead l SET user_id = d.user_id, protection_state = 'protected',
                         warn_at = now() - interval '31 days', release_at = now() - interval '1 day',
                         pool_due_at = now() - interval '1 day'
                    FROM bench_due d WHERE d.id = l.id""")
    cr.commit()
    _vacuum(cr.dbname)


def release(env, cr, due_share=0.05):
    """The release pass (PROT-2) on the seeded leads with ``due_share`` of the
    owned ones past their release date, against two floors in the same run:
    one hand-written UPDATE making the same state change, and the honest
    floor, the same UPDATE writing the ledger rows, notes, follower removals
    and notices set-wise."""
    from odoo.addons.crm_governance.policy import protection  # noqa: F401

    cr.execute("UPDATE crm_governance_section SET governance_enabled = true WHERE code LIKE 'B%'")
    cr.execute("""UPDATE crm_lead SET protection_state = 'protected', protected_since = now() - interval '100 days',
                         last_valid_followup_at = now() - interval '100 days',
                         warn_at = now() + interval '30 days', release_at = now() + interval '60 days',
                         pool_due_at = now() + interval '60 days'
                   WHERE user_id IS NOT NULL AND section_id IN
                         (SELECT id FROM crm_governance_section WHERE code LIKE 'B%')""")
    modulo = round(1 / due_share)
    # every modulo-th protected lead the pass releases (re-runnable: a second
    # run picks among those still owned); won deals keep their owner, so the
    # floors do not count them either
    cr.execute(f"""CREATE TABLE bench_due AS SELECT id, user_id FROM (
                       SELECT l.id, l.user_id, row_number() OVER (ORDER BY l.id) AS n FROM crm_lead l
                         LEFT JOIN crm_stage st ON st.id = l.stage_id
                        WHERE l.protection_state = 'protected' AND l.active AND NOT COALESCE(st.is_won, false)) p
                    WHERE n % {modulo} = 1""")
    cr.execute("SELECT count(*) FROM bench_due")
    due = cr.fetchone()[0]
    cr.execute("UPDATE crm_lead l SET warn_at = now() - interval '31 days', release_at = now() - interval '1 day', "
               "pool_due_at = now() - interval '1 day' "
               "FROM bench_due d WHERE d.id = l.id")
    cr.commit()
    _vacuum(cr.dbname)
    env.registry.clear_cache()

    t0 = time.perf_counter()
    cr.execute("""UPDATE crm_lead l SET user_id = NULL, protection_state = 'pooled', protected_since = NULL,
                         warn_at = NULL, release_at = NULL, pool_due_at = NULL
                    FROM bench_due d WHERE d.id = l.id""")
    cr.commit()
    floor = time.perf_counter() - t0
    # put them back as they were, due again
    _due_again(cr)

    # the honest floor (issue 22): hand-written SQL doing the same state change
    # *and* writing what the pass writes, set-wise: a ledger row and a chatter
    # note per record, the previous owner's follower row removed, one notice
    # (message + inbox notification) per previous owner
    t0 = time.perf_counter()
    cr.execute("""WITH due AS (
                      UPDATE crm_lead l SET user_id = NULL, protection_state = 'pooled', protected_since = NULL,
                             warn_at = NULL, release_at = NULL, pool_due_at = NULL
                        FROM bench_due d WHERE d.id = l.id
                   RETURNING l.id, d.user_id, l.section_id, l.name),
                  ledger AS (
                      INSERT INTO crm_governance_ledger (lead_id, res_name, old_user_id, new_user_id, old_section_id,
                                                         section_id, author_id, reason, note, date, create_uid,
                                                         create_date, write_uid, write_date)
                      SELECT id, name, user_id, NULL, section_id, section_id, 1, 'expired',
                             'No valid contact since …; released after 60 days (PROT-2).', now(), 1, now(), 1, now()
                        FROM due RETURNING 1),
                  notes AS (
                      INSERT INTO mail_message (model, res_id, record_name, body, message_type, subtype_id,
                                                author_id, date, is_internal, create_uid, create_date, write_uid,
                                                write_date)
                      SELECT 'crm.lead', id, name,
                             '<p>Released to the public pool: no valid contact by the owner since … (PROT-2).</p>',
                             'notification', %(note)s, %(bot)s, now(), true, 1, now(), 1, now()
                        FROM due RETURNING 1),
                  unfollowed AS (
                      DELETE FROM mail_followers f USING due, res_users u
                       WHERE f.res_model = 'crm.lead' AND f.res_id = due.id AND u.id = due.user_id
                         AND f.partner_id = u.partner_id RETURNING 1),
                  notices AS (
                      -- (res_id: the previous owner, to address the notice below; no model)
                      INSERT INTO mail_message (res_id, body, message_type, author_id, date, create_uid, create_date,
                                                write_uid, write_date)
                      SELECT user_id, '<p>' || count(*) || ' of your records went to the public pool</p>',
                             'user_notification', %(bot)s, now(), 1, now(), 1, now()
                        FROM due GROUP BY user_id RETURNING id, res_id)
             -- (data-modifying CTEs run to completion whether read or not)
             INSERT INTO mail_notification (mail_message_id, res_partner_id, notification_type, is_read)
             SELECT n.id, u.partner_id, 'inbox', false FROM notices n JOIN res_users u ON u.id = n.res_id""",
               {"note": env.ref("mail.mt_note").id, "bot": env.ref("base.partner_root").id})
    cr.commit()
    honest_floor = time.perf_counter() - t0
    # put them back as they were, due again, without the floor's rows
    cr.execute("DELETE FROM crm_governance_ledger WHERE reason = 'expired'")
    cr.execute("DELETE FROM mail_message WHERE message_type = 'user_notification' OR (model = 'crm.lead' AND "
               "body LIKE '<p>Released to the public pool: no valid contact by the owner since …%%')")
    _due_again(cr)

    t0 = time.perf_counter()
    released = env["crm.governance.section"]._cron_protection_release()
    cr.commit()
    cron = time.perf_counter() - t0
    cr.execute("SELECT count(*) FROM crm_governance_ledger WHERE reason = 'expired'")
    ledger = cr.fetchone()[0]
    cr.execute("DROP TABLE bench_due")
    cr.commit()
    assert released == due, f"the pass released {released} of the {due} rows the floors changed"
    return {"release": {"due": due, "released": released, "ledger_rows": ledger,
                        "cron_seconds": round(cron, 2), "sql_update_floor_seconds": round(floor, 2),
                        "ratio_cron_vs_floor": round(cron / floor, 2),
                        "honest_floor_seconds": round(honest_floor, 2),
                        "ratio_cron_vs_honest_floor": round(cron / honest_floor, 2), "target_ratio_honest": 3}}


def post(envs, repeat=300):
    """Median time of one ``message_post`` (a note, flushed) by the owner:
    ``first_today`` on leads not followed up today (with crm_governance the
    protection is renewed: an UPDATE of the lead), ``again_today`` a second
    note on the same leads (the renewal is once a day). ``envs``: label ->
    (env, cursor), stock crm and the governed copy of the same data, timed
    in turn note by note in one process: this machine drifts by ±20-40 %
    over minutes, which a run of one after the other reads as a ratio."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
    from followup_corpus import GENUINE

    counter = iter(range(10 ** 9))
    leads_of = {}
    for label, (env, _cr) in envs.items():
        salesperson = env["res.users"].search([("login", "=", "bench_3_7")])
        salesperson.partner_id.email = "bench_3_7@bench.example.com"  # a sender address (rolled back below)
        leads = env["crm.lead"].with_user(salesperson).search([("user_id", "=", salesperson.id)],
                                                              limit=repeat + 20, order="id")
        assert len(leads) == repeat + 20, "not enough leads for distinct posts"
        leads_of[label] = leads

    # real notes differ: one note pasted on 600 leads is a template (FU-2),
    # judged invalid, and would time the invalid path. Three genuine notes
    # of the test corpus, drawn at random, make each note its own.
    def note(label, lead, i):
        parts = random.Random(i).sample(GENUINE, 3)
        lead.message_post(body="；".join(parts), message_type="comment", subtype_xmlid="mail.mt_note")
        envs[label][0].flush_all()

    for i in range(20):  # warm-up: caches, plans
        for label, leads in leads_of.items():
            note(label, leads[i], i)
    out = {label: {} for label in envs}
    for key in ("first_today_seconds", "again_today_seconds"):
        samples = {label: [] for label in envs}
        for i in range(20, repeat + 20):
            n = next(counter)  # the same note on both sides
            # who goes first alternates: no side always runs on caches the other warmed
            for label in list(leads_of)[::1 if i % 2 else -1]:
                t0 = time.perf_counter()
                note(label, leads_of[label][i], n)
                samples[label].append(time.perf_counter() - t0)
        for label, values in samples.items():
            out[label][key] = round(statistics.median(values), 5)
        if len(samples) == 2:
            stock, governed = samples.values()
            out.setdefault("pairwise", {})[key.replace("_seconds", "")] = round(
                statistics.median(g / s for s, g in zip(stock, governed, strict=True)), 3)
    for label, (env, cr) in envs.items():
        leads = leads_of[label]
        if "crm.governance.followup" in env:
            Followup = env["crm.governance.followup"]
            out[label]["followups_recorded"] = Followup.search_count([("lead_id", "in", leads.ids)])
            out[label]["followups_valid"] = Followup.search_count([("lead_id", "in", leads.ids),
                                                                   ("is_valid", "=", True)])
        cr.rollback()
    return out


def _notes(n):
    """``n`` notes the way salespeople write them: valid ones in Chinese,
    English and mixed, short ones, phrase-only, padded, repeated."""
    import random

    rnd = random.Random(7)
    people = ["王经理", "李总", "陈主任", "Mr. Smith", "Ms. Chen", "张工"]
    topics = ["确认预算", "了解需求", "发送报价", "安排拜访", "讨论合同条款", "演示产品", "反馈价格偏高",
              "约定下周签约", "询问交付周期", "对比竞品方案"]
    en = ["confirmed the budget", "needs a quotation", "asked for a demo", "wants delivery in May",
          "compared us with a competitor", "will sign next week", "raised the price question"]
    phrases = ["外出", "没找到人", "电话", "无人接听", "在忙", "再联系", "no answer", "busy, call back later"]
    out = []
    for i in range(n):
        kind = i % 10
        p, t, e = rnd.choice(people), rnd.choice(topics), rnd.choice(en)
        if kind < 4:
            out.append(f"与{p}沟通，{t}，{rnd.choice(topics)}，数量{rnd.randint(1, 999)}台。")
        elif kind == 4:
            out.append(f"Called {p}: the buyer {e}; next step {rnd.choice(en)} ({rnd.randint(1, 99)} units).")
        elif kind == 5:
            out.append(f"{p} {e}，{t}")
        elif kind == 6:
            out.append(rnd.choice(phrases) + "！" * rnd.randint(0, 3))
        elif kind == 7:
            out.append((rnd.choice(phrases) + "，") * rnd.randint(2, 5))
        elif kind == 8:
            out.append(t[:rnd.randint(2, 5)])
        else:
            out.append(f"拜访{p}，{t}。" * rnd.randint(3, 12)
                       + f"客户计划第{rnd.randint(1, 4)}季度启动采购，预算待定。")
    return out


def validity(n, own=10, mine=150):
    """Notes per second through the FU-2 functions on one core, as the ORM
    path runs them: ``followups.judge`` with the exact repeat and copy
    lookups (sets of content keys), then the near-duplicate search against a
    realistic history: ``own`` earlier notes of the record and ``mine`` of
    the author's notes on other records in the copy window (5 a day for 30
    days)."""
    from datetime import datetime, timedelta

    from odoo.addons.crm_governance.policy import followups as fu
    from odoo.addons.crm_governance.policy import settings

    notes = _notes(n)
    names = ("王经理", "Mr. Smith")
    earlier = {fu.content_key(t) for t in notes[:50]}
    elsewhere = {fu.content_key(t) for t in notes[50:20050]}
    at = datetime(2026, 11, 23, 10, 0)
    own_keys = [fu.similarity_key(t, names) for t in notes[20050:20050 + own]]
    others = [(fu.similarity_key(t, names), at - timedelta(days=i % 30))
              for i, t in enumerate(notes[20050 + own:20050 + own + mine])]
    rules = settings.FOLLOWUP_RULES
    t0 = time.perf_counter()
    invalid = 0
    for text in notes:
        reasons = fu.judge(text, rules, contact_names=names, earlier=earlier, elsewhere=elsewhere)
        if not reasons:
            reasons = fu.find_repeat(fu.similarity_key(text, names), own_keys, others, at, rules,
                                     settings.DEFAULTS["followup_copy_days"])[0]
        if reasons:
            invalid += 1
    seconds = time.perf_counter() - t0
    # bad input: 10,000-character notes, only digits, emoji, mixed scripts;
    # time per character against the generated notes'
    odd = ["王经理确认需求，预算80万。下周报价" * 556, "1234567890 " * 900, "😀🎉👍" * 3300,
           ("Mr. Smith 说 pilot 很成功 🎉，准备下单30台 ✅ " * 250)]
    t1 = time.perf_counter()
    for _ in range(20):
        for text in odd:
            if not fu.judge(text, rules, contact_names=names, earlier=earlier, elsewhere=elsewhere):
                fu.find_repeat(fu.similarity_key(text, names), own_keys, others, at, rules,
                               settings.DEFAULTS["followup_copy_days"])
    per_char_odd = (time.perf_counter() - t1) / (20 * sum(map(len, odd)))
    per_char = seconds / sum(map(len, notes))
    return {"validity": {"notes": n, "invalid": invalid, "seconds": round(seconds, 2),
                         "us_per_char": round(per_char * 1e6, 3), "bad_input_us_per_char": round(per_char_odd * 1e6, 3),
                         "notes_per_second": round(n / seconds), "target_notes_per_second": 20000,
                         "history_per_note": own + mine,
                         "mean_chars": round(sum(map(len, notes)) / n, 1)}}


def grading(env, cr, customers, deals_per_customer=10):
    """GRADE-2 at scale: ``customers`` company customers with
    ``deals_per_customer`` won opportunities each over three years, added
    to what is there; then one SQL aggregate computing the same figures
    (the floor) vs. the grading run that writes everything (first run) and
    the daily run with nothing new (second run), same data, same run."""
    cr.execute("SELECT id FROM crm_stage WHERE is_won ORDER BY sequence LIMIT 1")
    won_stage = cr.fetchone()[0]
    company = env.ref("base.main_company").id
    cr.execute("SELECT COUNT(*) FROM res_partner WHERE name LIKE 'Bench customer %%'")
    start = cr.fetchone()[0]
    t0 = time.perf_counter()
    cr.execute("""
        INSERT INTO res_partner (name, complete_name, is_company, active, type, commercial_partner_id,
                                 create_date, write_date)
        SELECT 'Bench customer ' || i, 'Bench customer ' || i, true, true, 'contact', NULL, now(), now()
          FROM generate_series(%s, %s - 1) i""", (start, start + customers))
    cr.execute("UPDATE res_partner SET commercial_partner_id = id WHERE commercial_partner_id IS NULL")
    cr.execute("""
        INSERT INTO crm_lead (name, type, active, partner_id, company_id, stage_id, expected_revenue,
                              probability, date_closed, create_date, write_date)
        SELECT 'Bench won deal', 'opportunity', true, p.id, %s, %s, (1 + (random() * 20000)::int) * 10, 100,
               now() - ((random() * 1095)::int || ' days')::interval, now(), now()
          FROM res_partner p CROSS JOIN generate_series(1, %s)
         WHERE p.name LIKE 'Bench customer %%' AND p.id NOT IN (
               SELECT DISTINCT partner_id FROM crm_lead WHERE partner_id IS NOT NULL)""",
               (company, won_stage, deals_per_customer))
    cr.commit()
    seeded = time.perf_counter() - t0
    _vacuum(cr.dbname, "crm_lead")
    _vacuum(cr.dbname, "res_partner")
    cr.execute("SELECT COUNT(*) FROM res_partner WHERE name LIKE 'Bench customer %%'")
    total_customers = cr.fetchone()[0]
    cr.execute("SELECT COUNT(*) FROM crm_lead l JOIN crm_stage s ON s.id = l.stage_id AND s.is_won")
    total_won = cr.fetchone()[0]

    def floor():
        # the same figures in one aggregate: the least any grading must do
        cr.execute("""
            SELECT p.commercial_partner_id,
                   SUM(l.expected_revenue) FILTER (WHERE l.date_closed >= now() - interval '12 months'),
                   SUM(l.expected_revenue) FILTER (WHERE l.date_closed >= now() - interval '24 months'
                                                     AND l.date_closed < now() - interval '12 months'),
                   COUNT(*) FILTER (WHERE l.date_closed >= now() - interval '12 months'), MIN(l.date_closed)
              FROM crm_lead l JOIN crm_stage st ON st.id = l.stage_id AND st.is_won
              JOIN res_partner p ON p.id = l.partner_id
             WHERE l.active AND l.date_closed IS NOT NULL
             GROUP BY p.commercial_partner_id""")
        cr.fetchall()

    Partner = env["res.partner"].with_context(governance_no_commit=True)
    floor_s = _time(floor, 3)
    t0 = time.perf_counter()
    changed_first = Partner._governance_grade_customers()
    env.flush_all()
    cr.commit()
    first_s = time.perf_counter() - t0
    env.invalidate_all()
    t0 = time.perf_counter()
    changed_second = Partner._governance_grade_customers()
    cr.commit()
    second_s = time.perf_counter() - t0
    return {"customers": total_customers, "won_deals": total_won, "seed_seconds": round(seeded, 1),
            "floor_sql_seconds": round(floor_s, 3), "first_run_seconds": round(first_s, 2),
            "first_run_changed": changed_first, "second_run_seconds": round(second_s, 2),
            "second_run_changed": changed_second, "ratio_first_run": round(first_s / floor_s, 2),
            "ratio_second_run": round(second_s / floor_s, 2), "target_ratio": 4}


def registration_check(env, cr, n, samples=300):
    """ENTRY-2 at scale: ``n`` protected leads with their normalised keys,
    seeded by SQL; then, on a sample of companies half registered and half
    new, the collision check a registration runs (normalise the typed facts,
    find every holder of any key in leads and customers, decide) vs. one
    plain indexed ORM search for one key, same data, same run."""
    from odoo.addons.crm_governance.policy import registration as reg

    Section = env["crm.governance.section"]
    section = Section.search([("code", "=", "BENCH-REG")]) or Section.create(
        {"name": "Bench registrations", "code": "BENCH-REG", "governance_enabled": True})
    owner = env.ref("base.user_admin").id
    cr.execute("SELECT COUNT(*) FROM crm_lead WHERE governance_name_key LIKE 'benchco%%'")
    start = cr.fetchone()[0]
    t0 = time.perf_counter()
    cr.execute("""
        INSERT INTO crm_lead (name, type, active, user_id, section_id, company_id, partner_name, phone, email_from,
                              protection_state, protected_since, governance_name_key, governance_phone_key,
                              governance_email_key, create_date, write_date)
        SELECT 'Bench registration', 'lead', true, %(owner)s, %(section)s, 1, 'Bench Co ' || i || ' 有限公司',
               '+86 138 ' || lpad(i::text, 8, '0'), 'buyer' || i || '@bench.example.com', 'protected', now(),
               'benchco' || i, '+86138' || lpad(i::text, 8, '0'), 'buyer' || i || '@bench.example.com', now(), now()
          FROM generate_series(%(start)s, %(stop)s - 1) i""",
               {"owner": owner, "section": section.id, "start": start, "stop": start + n})
    cr.commit()
    seeded = time.perf_counter() - t0
    _vacuum(cr.dbname, "crm_lead")
    total = start + n
    # the seeded keys are what the policy makes of the seeded facts
    assert reg.keys("Bench Co 7 有限公司", "+86 138 00000007", "buyer7@bench.example.com") == reg.Keys(
        "benchco7", "+8613800000007", "buyer7@bench.example.com")
    rng = random.Random(7)
    picks = [rng.randrange(0, 2 * total) for _ in range(samples)]
    Lead = env["crm.lead"]
    Lock = env["crm.governance.registration.lock"]

    def check(i, lock=False):
        keys = reg.keys(f"Bench Co {i} Co., Ltd.", f"0086 138 {i:08d}", f"Buyer{i}@bench.example.com", None, "CN")
        if lock:
            Lock._governance_lock(f"{kind}:{key}" for kind, key in keys.items())
        return reg.collision(owner + 1, section.id, reg.holders_of(keys, Lead._governance_holders([keys])))

    def search(i):
        return Lead.search([("governance_phone_key", "=", f"+86138{i:08d}")], limit=1)

    # warm both paths, then alternate them sample by sample
    for i in picks[:20]:
        check(i)
        search(i)
    timings = {"check": [], "check_and_lock": [], "search": []}
    refused = 0
    for i in picks:
        for name, func in (("search", lambda i=i: search(i)), ("check", lambda i=i: check(i)),
                           ("check_and_lock", lambda i=i: check(i, lock=True))):
            t = time.perf_counter()
            result = func()
            timings[name].append(time.perf_counter() - t)
            if name == "check":
                refused += bool(result.refused)
    cr.rollback()
    med = {name: statistics.median(values) for name, values in timings.items()}
    return {"registrations": total, "seed_seconds": round(seeded, 1), "samples": samples,
            "refused_share": round(refused / samples, 2),
            "search_ms": round(med["search"] * 1000, 3), "check_ms": round(med["check"] * 1000, 3),
            "check_and_lock_ms": round(med["check_and_lock"] * 1000, 3),
            "ratio_check": round(med["check"] / med["search"], 2),
            "ratio_check_and_lock": round(med["check_and_lock"] / med["search"], 2), "target_ratio": 2}


def sizes(step, small, large):
    """The two sizes of one step in one JSON; the grading also says how its
    runs grew with the data."""
    out = {"machine": f"{platform.machine()} {platform.python_version()}", "small": small, "large": large}
    if step == "grading":
        out["customers_grew"] = round(large["customers"] / small["customers"], 1)
        out["second_run_grew"] = round(large["second_run_seconds"] / small["second_run_seconds"], 1)
        out["first_run_grew"] = round(large["first_run_seconds"] / small["first_run_seconds"], 1)
    return out


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("step", choices=["seed", "measure", "release", "post", "validity", "grading",
                                         "registration", "sizes"])
    parser.add_argument("--conf")
    parser.add_argument("--db")
    parser.add_argument("--stock-db", help="post: a copy of the database without crm_governance, timed in turn")
    parser.add_argument("--step", dest="sized", help="sizes: the step measured")
    parser.add_argument("--small", help="sizes: its JSON at the smaller size")
    parser.add_argument("--large", help="sizes: its JSON at the larger size")
    parser.add_argument("-n", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    if args.step != "sizes" and not (args.conf and args.db):
        parser.error("--conf and --db are required")
    if args.step == "sizes":
        print(json.dumps(sizes(args.sized, json.loads(args.small), json.loads(args.large)), indent=2))
        return
    if args.step == "validity":
        odoo.tools.config.parse_config(["-c", args.conf, "--log-level=warn"])
        json.dump(validity(args.n), sys.stdout)
        print()
        return
    if args.step == "post":
        envs = {"governed": _env(args.conf, args.db)}
        if args.stock_db:
            cr = Registry(args.stock_db).cursor()
            envs = {"stock": (api.Environment(cr, SUPERUSER_ID, {}), cr), **envs}
        try:
            result = post(envs)
        finally:
            for pair in envs.values():
                pair[1].close()
        json.dump(result, sys.stdout)
        print()
        return
    env, cr = _env(args.conf, args.db)
    try:
        if args.step == "seed":
            result = seed(env, cr, args.n)
        elif args.step == "measure":
            result = measure(env, cr, args.repeat)
        elif args.step == "grading":
            result = grading(env, cr, args.n)
        elif args.step == "registration":
            result = registration_check(env, cr, args.n)
        else:
            result = release(env, cr)
    finally:
        cr.close()
    json.dump(result, sys.stdout)
    print()


if __name__ == "__main__":
    main()
