"""make mutations: each boundary fix removed in turn, its test must fail.

A test that passes with its fix gone guards nothing. For every class of
the boundary's second pass (followers, stock lookups, registering around
the rules, won facts, deletes, counted lookups, grade notes, the override
cap) and the traditional/simplified name key, one source edit takes the
fix out, the class's test runs on the test database (scripts/pytest.sh),
and the file is restored whatever happens. Prints one line per mutation and
exits 1 when a test survived its mutation (or a mutation no longer applies:
the code moved, so the table must follow it).

Run on a clean tree of the files it edits: a mutation is undone with
``git checkout`` of its file.
"""
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
M = "crm_governance/models/"
SECOND = "tests/test_boundary_second_pass.py"

# (what is removed, file, the fix as written, the code without it, the test that must fail)
MUTATIONS = [
    ("followers: recipients a caller chooses are not checked", M + "crm_governance_chatter_mixin.py",
     "        if self.env.su or not partner_ids or not self._governance_active():\n            return\n"
     "        # people the caller",
     "        return\n        # people the caller",
     "tests/test_followers_boundary.py"),
    ("followers: previous owners and non-readers keep following", M + "crm_governance_chatter_mixin.py",
     "        records = self.sudo()._governance_governed()\n        if not records:\n            return\n"
     "        followers =",
     "        return\n        followers =",
     "tests/test_followers_boundary.py"),
    ("followers: non-readers are notified", M + "crm_governance_chatter_mixin.py",
     "        if len(self) != 1 or not recipients or not self._governance_active():\n            return recipients",
     "        return recipients",
     "tests/test_followers_boundary.py"),
    ("followers: messages readable through notification rows", M + "mail_message.py",
     '        if self.env.su or not ids or not self.env["crm.governance.section"]._governance_enabled_ids():\n'
     "            return set()",
     "        return set()",
     "tests/test_followers_boundary.py"),
    ("stock lookups: onchange values are not checked", "crm_governance/models/boundary.py",
     '    env = records.env\n    if env.su or not env["crm.governance.section"]._governance_enabled_ids():\n'
     "        return",
     "    env = records.env\n    return",
     "tests/test_stock_lookup_sweep.py"),
    ("stock lookups: names are not hidden", M + "crm_governance_section_mixin.py",
     "        if not self.env.su or self.env(su=False).is_superuser() or not self._governance_active():\n"
     "            return",
     "        return",
     "tests/test_stock_lookup_sweep.py"),
    ("registering around the rules", M + "crm_governance_section_mixin.py",
     "        if self.env.su or not self._governance_active():\n            return\n        listed =",
     "        return\n        listed =",
     SECOND + "::TestRegisteringAroundTheRules"),
    ("won deals: facts are inputs again", M + "crm_lead.py",
     '        if not changing or self.env.su or trusted(self.env, "governance_won_correction"):',
     "        if True:",
     SECOND + "::TestWonDealsAreFacts"),
    ("deletes: anyone with delete rights deletes", M + "crm_governance_protection_mixin.py",
     "        if governed and not self.env.su and not merging:\n            # only the section",
     "        if False:\n            # only the section",
     SECOND + "::TestDeletes"),
    ("deletes: a deleted record's keys are free at once", M + "crm_governance_protection_mixin.py",
     '            self.env["crm.governance.deleted.registration"]._governance_keep(governed._governance_registers())',
     "            pass",
     SECOND + "::TestDeletes"),
    ("lookups: 'registered in another section' is not counted", M + "crm_governance_registration_mixin.py",
     "        if verdict.kind in (registration.TAKEN_SAME_SECTION, registration.TAKEN_OTHER_SECTION,\n"
     "                            registration.HELD_DELETED) and not",
     "        if verdict.kind in (registration.TAKEN_SAME_SECTION,\n"
     "                            registration.HELD_DELETED) and not",
     SECOND + "::TestLookupsCountedAlike"),
    ("grade notes: plain notes", M + "res_partner_grade.py",
     '        messages.sudo().write({"subtype_id": self.env.ref("crm_governance.mt_customer_grade").id})',
     "        pass",
     SECOND + "::TestGradeNotes"),
    ("overrides: no longest duration", M + "crm_governance_grade_override.py",
     "            if end > today + relativedelta(months=months):",
     "            if False:",
     SECOND + "::TestSmallerHoles"),
    ("name keys: traditional characters stay traditional", "crm_governance/policy/registration.py",
     "    return _SIMPLIFIED.convert(text) if text and _CJK_RE.search(text) else text",
     "    return text",
     "tests/test_registration.py::TestCollision::test_another_section_is_told_only_that"),
]


def main(only=()):
    survived = []
    for index, (name, path, fix, without, test) in enumerate(MUTATIONS):
        if only and str(index) not in only:
            continue
        file = ROOT / path
        source = file.read_text()
        if source.count(fix) != 1:
            print(f"{index:2} {name}: the fix is no longer written so in {path}; update this table")
            survived.append(name)
            continue
        if subprocess.run(["git", "diff", "--quiet", "--", path], cwd=ROOT).returncode:
            sys.exit(f"{path} has uncommitted changes: commit or stash them first")
        file.write_text(source.replace(fix, without))
        try:
            run = subprocess.run(["bash", "scripts/pytest.sh", "--odoo-http", *test.split(), "-q", "-x", "-rf"],
                                 cwd=ROOT, capture_output=True, text=True)
        finally:
            file.write_text(source)
        failed = [line.split(" - ")[0] for line in run.stdout.splitlines() if line.startswith("FAILED")]
        if run.returncode == 1 and failed:
            print(f"{index:2} {name}: caught by {failed[0].removeprefix('FAILED ')}")
        else:
            print(f"{index:2} {name}: NOT caught (pytest exit {run.returncode})")
            survived.append(name)
    print(f"{len(survived)} mutation(s) survived" if survived else "every mutation was caught")
    return 1 if survived else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
