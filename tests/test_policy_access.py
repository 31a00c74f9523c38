"""policy.access and policy.sections: pure functions, no database needed."""
from odoo.addons.crm_governance.policy import Roles, default_section, pick_section, section_scopes

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
