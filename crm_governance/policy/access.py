"""Which governed sections a user reaches, and how (POLICY SEC-2, SEC-5);
who decides what the module asks a person to decide, and who is told.

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


def reach_domain(path, ruled, scoped, own, uid, pooled=False):
    """The one definition behind the record rules (SEC-2, SEC-4, PROT-5):
    the records, reached through ``path`` ("" for the record itself,
    "lead_id." for what belongs to a lead, "governance_company_" for the
    copies of a customer account's columns on each partner), that are outside every governed
    section (``ruled``: left to the stock rules), or in a section of
    ``scoped`` (read, written or deleted whole), or in a section of ``own``
    and owned by ``uid`` (or in its public pool, when ``pooled``)."""
    section, owner, state = f"{path}section_id", f"{path}user_id", f"{path}protection_state"
    mine = ["|", (owner, "=", uid), (state, "=", "pooled")] if pooled else [(owner, "=", uid)]
    return ["|", (section, "not in", list(ruled)), "|", (section, "in", list(scoped)),
            "&", (section, "in", list(own)), *mine]


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



# -- who decides: one answer for every decision of the module ------------------
# who may take a decision: the heads or the admins of the record's section,
# group management and system admins (every governed section)
HEADS = "heads"
ADMINS = "admins"
MANAGEMENT = "management"
SYSTEM_ADMINS = "system_admins"

GRADE_OVERRIDE = "grade_override"
WON_CORRECTION = "won_correction"
REGISTRATION = "registration"
VALIDITY_QUERY = "validity_query"
DISPATCH = "dispatch"
MOVE = "move"
RECOMPUTE_GRADES = "recompute_grades"
FREEZE = "freeze"
MERGE = "merge"


@dataclass(frozen=True)
class Decision:
    code: str
    rule: str
    # who decides (see above)
    deciders: frozenset
    # who of the section is told that a decision waits
    told: frozenset = frozenset()
    # taken only on records of governed sections (else: on any section's)
    governed_only: bool = True


DECISIONS = {decision.code: decision for decision in (
    # 大区总经理审核: the customer's section heads, nobody else (GRADE-2)
    Decision(GRADE_OVERRIDE, "GRADE-2", frozenset({HEADS}), told=frozenset({HEADS}), governed_only=False),
    # a won deal's figures are facts the grades read (GRADE-2, PROT-8)
    Decision(WON_CORRECTION, "GRADE-2", frozenset({HEADS, SYSTEM_ADMINS})),
    # approval and spot-check of registrations (ENTRY-3, ENTRY-4)
    Decision(REGISTRATION, "ENTRY-3", frozenset({HEADS, ADMINS, SYSTEM_ADMINS}), told=frozenset({HEADS, ADMINS})),
    Decision(VALIDITY_QUERY, "FU-6", frozenset({HEADS, ADMINS, SYSTEM_ADMINS}), told=frozenset({HEADS, ADMINS})),
    # dispatching and reassigning (分配, SEC-2, PROT-5)
    Decision(DISPATCH, "PROT-5", frozenset({HEADS, ADMINS, SYSTEM_ADMINS})),
    # a customer moves to another section as a whole (SEC-3)
    Decision(MOVE, "SEC-3", frozenset({MANAGEMENT, SYSTEM_ADMINS}), governed_only=False),
    Decision(RECOMPUTE_GRADES, "GRADE-2", frozenset({HEADS, ADMINS, SYSTEM_ADMINS})),
    # 客户合并: merging duplicates deletes records, the section admin's duty (SEC-2)
    Decision(MERGE, "SEC-2", frozenset({ADMINS, SYSTEM_ADMINS})),
    # 提前冻结: an admin freezes a person of their section (a decision about a person, see may_decide)
    Decision(FREEZE, "SEC-5", frozenset({ADMINS, SYSTEM_ADMINS}), governed_only=False),
)}


def may_decide(code, roles, section_id=None, governed=False, head_of=(), admin_of=(), subject=None):
    """May a user with ``roles`` take decision ``code`` on a record of
    section ``section_id`` (``governed``: its governance is on)? A frozen
    user decides nothing, nobody decides a governed-only decision outside
    governed sections; management and system admins decide wherever the
    decision is theirs; heads and admins only in the sections they are
    listed on, with their role's group (a listing without the group gives
    no right, as in ``section_scopes``). A decision about a person
    (``subject``: their roles; ``section_id``: a section listing them) in
    group management or a system admin is a system admin's only."""
    decision = DECISIONS[code]
    if roles.frozen or (decision.governed_only and not governed):
        return False
    if subject is not None and (subject.management or subject.system_admin):
        return roles.system_admin
    if (SYSTEM_ADMINS in decision.deciders and roles.system_admin) or \
            (MANAGEMENT in decision.deciders and roles.management):
        return True
    if not section_id:
        return False
    return (HEADS in decision.deciders and roles.section_head and section_id in frozenset(head_of)) or \
        (ADMINS in decision.deciders and roles.section_admin and section_id in frozenset(admin_of))


def told(code, heads=(), admins=()):
    """Who is told that a decision ``code`` waits: of a section's (unfrozen)
    heads and admins, the ids the decision names, in that order."""
    decision = DECISIONS[code]
    return tuple(dict.fromkeys((*(heads if HEADS in decision.told else ()),
                                *(admins if ADMINS in decision.told else ()))))
