"""make load, the Odoo side (run by scripts/load.sh in Odoo's virtualenv):

  setup      sections over the seeded teams (bench.py seed), their salespeople
             and one head each, passwords = logins, claim limits out of the way
  settle     owners follow their records, the install's keying job done
  govern     switch governance on for every section (the background job run
             to its end here) or off (--off)
  due        make DUE owned records due for release and as many for a warning
  check      the invariants of a run since --since, given what Locust saw
             (--results); prints JSON, exits 1 when one is broken
(bench/load_report.py makes the one JSON of every run.)
"""
import argparse
import json
import re
import sys
from collections import Counter
from datetime import timedelta
from pathlib import Path

from odoo import fields

# bench.py beside this file: one way to open the database, one seed shape
sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench import SECTIONS, _env  # noqa: E402


def setup(env, cr):
    Section = env["crm.governance.section"]
    salesperson = env.ref("crm_governance.group_salesperson")
    head_group = env.ref("crm_governance.group_section_head")
    all_leads = env.ref("sales_team.group_sale_salesman_all_leads")
    sections = Section.browse()
    # the install filed the bench teams under the company's default section
    cr.execute("UPDATE crm_team SET section_id = NULL WHERE name->>'en_US' LIKE 'Bench team %%'")
    env.invalidate_all()
    for s in range(SECTIONS):
        team = env["crm.team"].search([("name", "=", f"Bench team {s}")], limit=1)
        members = env["res.users"].search([("login", "=like", f"bench_{s}_%")])
        members.write({"groups_id": [(4, salesperson.id)]})
        head = env["res.users"].with_context(no_reset_password=True).create({
            "name": f"Bench head {s}", "login": f"bench_head_{s}",
            "groups_id": [(6, 0, [env.ref("base.group_user").id, head_group.id, all_leads.id])]})
        team.member_ids = members
        sections |= Section.create({
            "name": f"Bench section {s}", "code": f"B{s}", "team_ids": [(6, 0, team.ids)],
            "member_ids": [(6, 0, members.ids)], "head_ids": [(6, 0, head.ids)],
            # the load claims and registers far more than a person would in a day
            "claim_cap": 100000, "daily_claim_limit": 0, "registration_facts": ""})
    env.flush_all()
    cr.execute("UPDATE crm_lead l SET section_id = t.section_id FROM crm_team t "
               "WHERE l.team_id = t.id AND t.section_id = ANY(%s)", [sections.ids])
    # passwords equal to the logins, stored as plaintext (Odoo hashes them at
    # the first login): 210 KDF runs here would take minutes
    cr.execute("UPDATE res_users SET password = login WHERE login LIKE 'bench\\_%%'")
    cr.commit()
    settle(env, cr)
    return {"sections": len(sections), "heads": len(sections),
            "salespeople": env["res.users"].search_count([("login", "=like", "bench_%"),
                                                          ("login", "not like", "bench_head")])}


def settle(env, cr):
    """What a live database has and SQL seeding does not: every owner follows
    their records, and the registration keys job left by the install is done
    (it would otherwise run during the first load)."""
    cr.execute("""INSERT INTO mail_followers (res_model, res_id, partner_id)
                  SELECT 'crm.lead', l.id, u.partner_id FROM crm_lead l JOIN res_users u ON u.id = l.user_id
                  ON CONFLICT DO NOTHING""")
    followers = cr.rowcount
    cr.commit()
    env["crm.governance.section"]._cron_governance_registration_keys()
    cr.commit()
    return {"followers_added": followers}


def govern(env, cr, on=True):
    Section = env["crm.governance.section"]
    sections = Section.search([("code", "=like", "B%")])
    sections.write({"governance_enabled": on})
    cr.commit()
    if on:
        Section._cron_governance_section_jobs()
        cr.commit()
        sections.invalidate_recordset()
        # the seeded leads are up to two years old and never followed up: all
        # due at once. A live section has a few due per hour: every owned
        # record last contacted 5 days ago, and DUE of them made due per run
        Lead = env["crm.lead"]
        ids = Lead.search([("section_id", "in", sections.ids),
                           ("protection_state", "in", ("protected", "warning"))]).ids
        for start in range(0, len(ids), 5000):
            Lead.browse(ids[start:start + 5000])._governance_backdate(
                fields.Datetime.now() - timedelta(days=5))
            cr.commit()
            env.invalidate_all()
    return {"governed_sections": len(sections.filtered("governance_enabled"))}


def due(env, cr, n):
    """``n`` owned records last contacted long enough ago to be released, ``n``
    others to be warned, by the section's own rules: the passes triggered
    while the load runs have work."""
    Lead = env["crm.lead"]
    owned = Lead.search([("protection_state", "=", "protected"), ("user_id", "!=", False)],
                        order="id desc", limit=2 * n)
    now = fields.Datetime.now()
    section = owned[:1].section_id
    owned[:n]._governance_backdate(now - timedelta(days=section.release_days + 1))
    owned[n:]._governance_backdate(now - timedelta(days=section.warning_days + 1))
    cr.commit()
    return {"release_due": len(owned[:n]), "warning_due": len(owned[n:])}


def _owner_at(rows, when, current):
    """Who owned a record at ``when`` by its ledger rows (date, old, new)."""
    before = [r for r in rows if r[0] <= when]
    if before:
        return before[-1][2]
    return rows[0][1] if rows else current


def _ledger(cr, since):
    """Ledger rows since ``since`` per lead: (date, old, new, reason), in order."""
    cr.execute("""SELECT lead_id, date, old_user_id, new_user_id, reason FROM crm_governance_ledger
                   WHERE date >= %s AND lead_id IS NOT NULL ORDER BY lead_id, date, id""", [since])
    ledger = {}
    for lead_id, *row in cr.fetchall():
        ledger.setdefault(lead_id, []).append(tuple(row))
    return ledger


def _owners(cr, ids):
    cr.execute("SELECT id, user_id FROM crm_lead WHERE id = ANY(%s)", [list(ids)])
    return dict(cr.fetchall())


def check_chain(ledger, current):
    """The ownership history is one chain per record: each change starts from
    the owner the previous one left, and the last ends at today's owner; a
    break means two owners at once. Returns the number of breaks."""
    breaks = 0
    for lead_id, rows in ledger.items():
        breaks += sum(1 for previous, row in zip(rows, rows[1:], strict=False) if row[1] != previous[2])
        breaks += rows[-1][2] != current.get(lead_id)
    return breaks


def check_claims(ledger, claims_won):
    """Each claim won: one owner change and one ledger row. Returns
    (won, ledger rows) as counters per (lead, user)."""
    rows, won = Counter(), Counter()
    for lead_id, history in ledger.items():
        rows.update((lead_id, new) for _date, _old, new, reason in history if reason == "claim")
    won.update(tuple(claim) for claim in claims_won)
    return won, rows


def check_released(cr, since, ledger):
    """Released by the pass: per record, its ledger rows and its chatter notes."""
    cr.execute("""SELECT res_id, count(*) FROM mail_message WHERE model = 'crm.lead' AND date >= %s
                    AND author_id = (SELECT partner_id FROM res_users WHERE id = 1)
                    AND body::text LIKE %s GROUP BY res_id""", [since, "%Released to the public pool:%"])
    notes = dict(cr.fetchall())
    released = {lead_id: n for lead_id, rows in ledger.items()
                if (n := sum(1 for r in rows if r[3] in ("expired", "invalid")))}
    return released, notes


def check_notes(cr, since, ledger):
    """Every note a salesperson posted as the owner has exactly one follow-up
    row, and no note has two. Returns (checked, raced, missing, doubled)."""
    cr.execute("""SELECT m.res_id, m.date, u.id, count(f.id)
                    FROM mail_message m JOIN res_users u ON u.partner_id = m.author_id AND u.login LIKE 'bench\\_%%'
                    JOIN crm_lead l ON l.id = m.res_id
                    JOIN crm_governance_section s ON s.id = l.section_id AND s.governance_enabled
               LEFT JOIN crm_governance_followup f ON f.message_id = m.id
                   WHERE m.model = 'crm.lead' AND m.message_type = 'comment' AND m.date >= %s
                GROUP BY m.id, m.res_id, m.date, u.id""", [since])
    posted = cr.fetchall()
    owners = _owners(cr, {p[0] for p in posted})
    raced = missing = doubled = 0
    for lead_id, date, uid, followups in posted:
        rows = ledger.get(lead_id, [])
        if any(abs((r[0] - date).total_seconds()) < 2 for r in rows):
            # a note and a change of owner in the same seconds: either answer holds
            raced += 1
            doubled += followups > 1
            continue
        expected = 1 if _owner_at(rows, date, owners.get(lead_id)) == uid else 0
        missing += followups < expected
        doubled += followups > expected
    return len(posted), raced, missing, doubled


LOG_LINE = re.compile(r"^\d{4}-\d\d-\d\d \S+ (\d+) (\w+) ")
CONCURRENCY = ("could not serialize access", "deadlock detected")


def check_log(text):
    """The errors left unhandled in an Odoo log, the retries Odoo made, and the
    deadlocks. PostgreSQL's refusal of a concurrent update is logged as an
    ERROR "bad query" by every worker that meets it; it is handled when the
    same worker's next line is Odoo's retry (``retrying``)."""
    entries = []  # (pid, level, text with its continuation lines)
    for line in text.splitlines():
        match = LOG_LINE.match(line)
        if match:
            entries.append([match.group(1), match.group(2), line])
        elif entries:
            entries[-1][2] += "\n" + line
    errors, pending, retries, deadlocks = [], {}, 0, 0
    for pid, level, entry in entries:
        deadlocks += "deadlock detected" in entry
        if "tries left, try again" in entry:
            retries += 1
            pending.pop(pid, None)
        elif level in ("ERROR", "CRITICAL"):
            if "bad query" in entry and any(c in entry for c in CONCURRENCY) and pid not in pending:
                pending[pid] = entry
                continue
            errors.append(entry.splitlines()[0][:300])
        elif "maximum number of tries reached" in entry:
            errors.append(entry.splitlines()[0][:300])
        if pid in pending and "tries left" not in entry:
            errors.append(pending.pop(pid).splitlines()[0][:300])
    errors.extend(entry.splitlines()[0][:300] for entry in pending.values())
    return errors, retries, deadlocks


def check(env, cr, since, results, log):
    """The invariants of issue 12 over everything done since ``since``."""
    seen = json.loads(Path(results).read_text())
    governed = seen["mode"] == "governed"
    broken = []
    ledger = _ledger(cr, since)
    out = {"ledger_rows": sum(map(len, ledger.values()))}
    out["ownership_chain_breaks"] = breaks = check_chain(ledger, _owners(cr, ledger))
    if breaks:
        broken.append(f"{breaks} records had two owners at once (ledger chain broken)")
    won, rows = check_claims(ledger, seen["claims_won"])
    out.update(claims_won=sum(won.values()), claim_ledger_rows=sum(rows.values()))
    if governed and won != rows:
        broken.append(f"claims won {sum(won.values())} vs claim ledger rows {sum(rows.values())}")
    released, notes = check_released(cr, since, ledger)
    out["released_by_pass"] = sum(released.values())
    if released != notes:
        broken.append(f"released by the pass: {len(released)} records; chatter notes on {len(notes)}")
    if any(n > 1 for n in released.values()):
        broken.append("a record was released twice by the pass")
    checked, raced, missing, doubled = check_notes(cr, since, ledger)
    out.update(notes_checked=checked, notes_raced=raced)
    if governed and (missing or doubled):
        broken.append(f"notes without their follow-up row: {missing}; with more than one: {doubled}")
    errors, retries, deadlocks = check_log(Path(log).read_text(errors="replace") if log else "")
    out.update(log_errors=errors[:10], serialization_retries=retries, deadlocks=deadlocks,
               server_errors=seen["server_errors"][:10])
    if errors:
        broken.append(f"{len(errors)} ERROR lines in the Odoo log")
    if seen["server_errors"]:
        broken.append(f"{len(seen['server_errors'])} requests failed on the server")
    out["broken"] = broken
    return out


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("step", choices=["setup", "settle", "govern", "due", "check"])
    parser.add_argument("--conf", required=True)
    parser.add_argument("--db", required=True)
    parser.add_argument("--off", action="store_true")
    parser.add_argument("-n", type=int, default=500)
    parser.add_argument("--since")
    parser.add_argument("--results")
    parser.add_argument("--log")
    args = parser.parse_args()
    env, cr = _env(args.conf, args.db)
    try:
        if args.step == "setup":
            result = setup(env, cr)
        elif args.step == "settle":
            result = settle(env, cr)
        elif args.step == "govern":
            result = govern(env, cr, on=not args.off)
        elif args.step == "due":
            result = due(env, cr, args.n)
        else:
            result = check(env, cr, args.since, args.results, args.log)
    finally:
        cr.close()
    json.dump(result, sys.stdout, default=str)
    print()
    if result.get("broken"):
        sys.exit(1)


if __name__ == "__main__":
    main()
