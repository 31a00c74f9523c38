"""policy.access and policy.sections: pure functions, no database needed."""
import pytest

from odoo.addons.crm_governance.policy import Roles, access, default_section, pick_section, section_scopes

GOVERNED = {1, 2, 3}


def test_salesperson_owns_only_in_governed_member_sections():
    s = section_scopes(Roles(salesperson=True), GOVERNED, member_of={1, 9})
    assert s.own == {1} and not s.read_all and not s.write_all and not s.unlink_all


def test_listing_without_the_group_grants_nothing():
    s = section_scopes(Roles(salesperson=True), GOVERNED, member_of={1}, head_of={2}, admin_of={3})
    assert s.read_all == frozenset() and s.own == {1, 2, 3}


def test_head_and_admin():
    head = section_scopes(Roles(salesperson=True, section_head=True), GOVERNED, head_of={2})
    assert head.read_all == head.write_all == {2} and not head.unlink_all
    admin = section_scopes(Roles(salesperson=True, section_head=True, section_admin=True), GOVERNED,
                           admin_of={3})
    assert admin.read_all == admin.write_all == admin.unlink_all == {3}


def test_management_reads_everything_writes_nothing():
    s = section_scopes(Roles(management=True), GOVERNED, member_of={1})
    assert s.read_all == GOVERNED and not s.write_all and not s.own


def test_system_admin_and_frozen():
    assert section_scopes(Roles(system_admin=True), GOVERNED).unlink_all == GOVERNED
    frozen = section_scopes(Roles(system_admin=True, frozen=True), GOVERNED, member_of={1})
    assert not (frozen.read_all or frozen.write_all or frozen.unlink_all or frozen.own)


def test_pick_section():
    assert pick_section(5, [1, 2]) == 5
    assert pick_section(None, [3]) == 3
    assert pick_section(None, [3, 3]) == 3
    assert pick_section(None, [3, 4]) is None
    assert pick_section(None, []) is None


def test_default_section():
    # the team Odoo picks is kept when it is in one of the user's governed sections
    assert default_section(5, [5, 6]) is None
    # not listed on any governed section: stock behaviour
    assert default_section(None, []) is None
    assert default_section(7, []) is None
    # listed on one: that one, whatever team Odoo would pick
    assert default_section(None, [5]) == 5
    assert default_section(7, [5, 5]) == 5
    # several: the user chooses
    assert default_section(7, [5, 6]) is None


# -- who decides: roles × decisions × sections --------------------------------
ROLES = {
    "salesperson": (Roles(salesperson=True), (), ()),
    "head": (Roles(salesperson=True, section_head=True), (1,), ()),
    "other section's head": (Roles(salesperson=True, section_head=True), (2,), ()),
    "admin": (Roles(salesperson=True, section_admin=True), (), (1,)),
    "management": (Roles(management=True), (), ()),
    "system admin": (Roles(system_admin=True), (), ()),
    "frozen head": (Roles(salesperson=True, section_head=True, frozen=True), (1,), ()),
    "listed without the group": (Roles(salesperson=True), (1,), (1,)),
}
SECTION_ADMINS = {"head", "admin", "system admin"}
# who decides on a record of section 1, governed and not
DECIDES = {
    access.GRADE_OVERRIDE: ({"head"}, {"head"}),
    access.WON_CORRECTION: ({"head", "system admin"}, set()),
    access.REGISTRATION: (SECTION_ADMINS, set()),
    access.VALIDITY_QUERY: (SECTION_ADMINS, set()),
    access.DISPATCH: (SECTION_ADMINS, set()),
    access.RECOMPUTE_GRADES: (SECTION_ADMINS, set()),
    access.MOVE: ({"management", "system admin"}, {"management", "system admin"}),
    access.FREEZE: ({"admin", "system admin"}, {"admin", "system admin"}),
    access.MERGE: ({"admin", "system admin"}, set()),
}


def test_every_decision_is_in_the_table():
    assert set(DECIDES) == set(access.DECISIONS)


@pytest.mark.parametrize("decision", sorted(DECIDES))
def test_who_decides(decision):
    governed, ungoverned = DECIDES[decision]
    for expected, is_governed in ((governed, True), (ungoverned, False)):
        allowed = {name for name, (roles, head_of, admin_of) in ROLES.items()
                   if access.may_decide(decision, roles, 1, is_governed, head_of=head_of, admin_of=admin_of)}
        assert allowed == expected, (decision, is_governed)
    # a record without a section: only what management or system admins decide anywhere
    without = {name for name, (roles, head_of, admin_of) in ROLES.items()
               if access.may_decide(decision, roles, None, False, head_of=head_of, admin_of=admin_of)}
    assert without == (ungoverned & {"management", "system admin"})


def test_a_decision_about_someone_above_is_a_system_admins():
    """A section admin freezes the salespeople and heads their section lists,
    never group management or a system admin (SEC-5)."""
    admin, head_of, admin_of = ROLES["admin"]
    for subject, expected in ((Roles(salesperson=True), True), (Roles(section_head=True), True),
                              (Roles(management=True), False), (Roles(system_admin=True), False)):
        assert access.may_decide(access.FREEZE, admin, 1, True, head_of, admin_of, subject=subject) is expected
        assert access.may_decide(access.FREEZE, ROLES["system admin"][0], 1, True, subject=subject)
    # not of another section's people
    assert not access.may_decide(access.FREEZE, admin, 2, True, head_of, admin_of, subject=Roles(salesperson=True))


def test_who_is_told():
    assert access.told(access.REGISTRATION, (10, 11), (12, 10)) == (10, 11, 12)
    assert access.told(access.VALIDITY_QUERY, (), (12,)) == (12,)
    assert access.told(access.GRADE_OVERRIDE, (10,), (12,)) == (10,)
    assert access.told(access.DISPATCH, (10,), (12,)) == ()


def test_one_definition_behind_the_record_rules():
    # a lead: outside governed sections, or a whole scoped section, or one's own (and the pool) in one's sections
    assert access.reach_domain("", {1, 2}, {2}, {1}, 7, pooled=True) == [
        "|", ("section_id", "not in", [1, 2]), "|", ("section_id", "in", [2]),
        "&", ("section_id", "in", [1]), "|", ("user_id", "=", 7), ("protection_state", "=", "pooled")]
    # what belongs to a lead, reached through it; writing never reaches the pool
    assert access.reach_domain("lead_id.", [1], [], [1], 7) == [
        "|", ("lead_id.section_id", "not in", [1]), "|", ("lead_id.section_id", "in", []),
        "&", ("lead_id.section_id", "in", [1]), ("lead_id.user_id", "=", 7)]
