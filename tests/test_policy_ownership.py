"""The reason table of the one door (policy/ownership.py): who may give a
record away for each reason, on a table of roles × reasons."""
from odoo.addons.crm_governance.policy import access, ownership
from odoo.addons.crm_governance.policy.access import Roles

SALES = Roles(salesperson=True)
# name: roles, head_of, admin_of, owns the record, listed on its section (section 1)
PEOPLE = {
    "owner": (SALES, (), (), True, True),
    "colleague": (SALES, (), (), False, True),
    "outsider": (SALES, (), (), False, False),
    "head": (Roles(salesperson=True, section_head=True), (1,), (), False, True),
    "admin": (Roles(salesperson=True, section_admin=True), (), (1,), False, True),
    "other head": (Roles(salesperson=True, section_head=True), (2,), (), False, False),
    "management": (Roles(management=True), (), (), False, False),
    "system admin": (Roles(system_admin=True), (), (), False, False),
    "frozen owner": (Roles(salesperson=True, frozen=True), (), (), True, True),
}
DISTRIBUTORS = {"head", "admin", "system admin"}
GIVES = {
    # a claim: for oneself, by anyone the section lists (the pool's limits say whether it may be taken)
    ownership.CLAIM: {"owner", "colleague", "head", "admin"},
    ownership.DISPATCH: DISTRIBUTORS,
    ownership.RELEASE: {"owner"},
    ownership.RETURN: DISTRIBUTORS,
    ownership.INVALID: DISTRIBUTORS,
    ownership.REASSIGN: DISTRIBUTORS,
    ownership.VALIDITY_QUERY: DISTRIBUTORS,
    ownership.SECTION_MOVE: {"management", "system admin"},
    # merging duplicates deletes leads: the section's admins (SEC-2)
    ownership.MERGE: {"admin", "system admin"},
}


def test_who_gives_a_record_away_for_each_reason():
    for reason in ownership.REASONS:
        allowed = {name for name, (roles, head_of, admin_of, owns, member) in PEOPLE.items()
                   if ownership.may_give(reason.code, roles, 1, True, owns=owns, member=member,
                                         head_of=head_of, admin_of=admin_of)}
        # the reasons nobody gives are the module's own runs (install, the release pass, deletion)
        assert allowed == GIVES.get(reason.code, set()), reason.code


def test_every_reason_has_its_row():
    assert set(ownership.BY_CODE) == {code for code, _label in ownership.SELECTION}
    for reason in ownership.REASONS:
        assert all(giver in (ownership.SECTION_PERSON, ownership.OWNER) or giver in access.DECISIONS
                   for giver in reason.given_by), reason.code
        assert reason.limits <= {ownership.CAP, ownership.COOLDOWN, ownership.DAILY_LIMIT,
                                 ownership.FIRST_REGISTRATION, ownership.NOTE}, reason.code
        assert reason.told <= {ownership.PREVIOUS_OWNER, ownership.NEW_OWNER}, reason.code
