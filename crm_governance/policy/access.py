"""Which governed sections a user reaches, and how (POLICY SEC-2, SEC-5).

Record rules read the result as plain id lists, so PostgreSQL filters on the
indexed ``section_id``/``user_id`` columns and nothing is evaluated per record.
"""
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Roles:
    """The governance groups a user holds (implied groups included)."""
    salesperson: bool = False
    section_head: bool = False
    section_admin: bool = False
    management: bool = False
    system_admin: bool = False
    frozen: bool = False


@dataclass(frozen=True)
class SectionScopes:
    """Section ids per kind of access, all restricted to governed sections.

    ``read_all``/``write_all``/``unlink_all``: every record of those sections.
    ``own``: only the records the user owns (``user_id``) in those sections.
    """
    read_all: frozenset = field(default_factory=frozenset)
    write_all: frozenset = field(default_factory=frozenset)
    unlink_all: frozenset = field(default_factory=frozenset)
    own: frozenset = field(default_factory=frozenset)

    @property
    def any(self):
        return self.read_all | self.own


def section_scopes(roles, governed, member_of=(), head_of=(), admin_of=()):
    """Return the :class:`SectionScopes` of one user.

    A listing on a section only counts with the matching group: a user named
    head of a section without the section-head group gets no head rights.

    - system admin: everything in every governed section;
    - group management: reads every governed section, writes only its own;
    - section head: reads and writes (assigns, distributes) in its sections;
    - section admin: as head, and may also delete in its sections;
    - salesperson: its own records in the sections it belongs to;
    - frozen: nothing at all, whatever else is granted.
    """
    governed = frozenset(governed)
    if roles.frozen:
        return SectionScopes()
    if roles.system_admin:
        return SectionScopes(governed, governed, governed, governed)
    read_all, write_all, unlink_all = set(), set(), set()
    if roles.management:
        read_all |= governed
    if roles.section_head:
        heads = governed & frozenset(head_of)
        read_all |= heads
        write_all |= heads
    if roles.section_admin:
        admins = governed & frozenset(admin_of)
        read_all |= admins
        write_all |= admins
        unlink_all |= admins
    own = frozenset()
    if roles.salesperson:
        own = governed & (frozenset(member_of) | frozenset(head_of) | frozenset(admin_of))
    return SectionScopes(frozenset(read_all), frozenset(write_all), frozenset(unlink_all), own)


def may_approve_grade(roles, section_id, head_of=()):
    """GRADE-2 (大区总经理审核): a grade override is approved or rejected
    only by a section head of the customer's section, never by a frozen
    user; salespeople, admins and other sections' heads may not."""
    return bool(section_id) and roles.section_head and not roles.frozen and section_id in frozenset(head_of)


def may_correct_won(roles, section_id, head_of=()):
    """A won deal's amount, closing date, customer and stage are facts the
    grades and the scorecards read: corrected only by a section head of its
    section or a system admin, never by a frozen user (GRADE-2, PROT-8)."""
    if roles.frozen or not section_id:
        return False
    return roles.system_admin or (roles.section_head and section_id in frozenset(head_of))
