"""Why a governed record's owner or section changed: the ownership ledger's
reasons (PROT-7), each written once, with what follows from it. The door
(``_governance_set_owner``, crm_governance_pool_mixin.py) reads this table:
who may give records for a reason, which limits apply, what the ledger
keeps, who is told and what happens to followers and reminders. The ledger's
selection, the reclaim cool-down (PROT-5), the pool's "why" and the claim
counters read it too. Adding a reason is one row here (and its tests)."""
from dataclasses import dataclass

from . import access

# -- who gives records for a reason: any of these (else only the module's own runs) --
# a salesperson of the record's section takes it for themself (a claim)
SECTION_PERSON = "section_person"
# the record's owner gives it away (a release)
OWNER = "owner"
# ... or a decision of policy.access: access.DISPATCH, access.VALIDITY_QUERY, access.MOVE, access.MERGE

# -- the limits a new owner is held to (PROT-5, ENTRY-2) ---------------------
# only to the section's unfrozen people, within their cap of protected records
CAP = "cap"
# not to its previous owner within the reclaim cool-down
COOLDOWN = "cooldown"
# at most so many claims a day
DAILY_LIMIT = "daily_limit"
# not when another owner holds the same customer (first registered wins)
FIRST_REGISTRATION = "first_registration"
# the giver says why
NOTE = "note"

# -- who is told, besides the giver -------------------------------------------
PREVIOUS_OWNER = "previous_owner"
NEW_OWNER = "new_owner"


@dataclass(frozen=True)
class Reason:
    code: str
    label: str
    # who may give records for this reason (see above); empty: the module's own runs only
    given_by: tuple = ()
    # the limits the door applies (see above)
    limits: frozenset = frozenset()
    # the previous owner lost the record: their reclaim cool-down runs from this row (PROT-5)
    owner_loses: bool = False
    # a salesperson took it from the pool (claimed or dispatched to them)
    from_pool: bool = False
    # the owner's own words are shown with it, where the pool says why a record is there
    shows_note: bool = False
    # who is told at once, in their language (not the giver)
    told: frozenset = frozenset()
    # written by the release pass: the previous owner is told once, in one notice per run (PROT-2)
    told_after_pass: bool = False
    # every change of owner: the previous owner's follow-up reminders go, the
    # previous owner and whoever may no longer read it stop following it, the
    # new owner follows it (SEC-4)


INSTALL = "install"
REGISTER = "register"
SECTION_MOVE = "section_move"
CLAIM = "claim"
DISPATCH = "dispatch"
RELEASE = "release"
RETURN = "return"
EXPIRED = "expired"
INVALID = "invalid"
HANDOVER = "handover"
REASSIGN = "reassign"
CHALLENGE = "challenge"
VALIDITY_QUERY = "validity_query"
DELETED = "deleted"
MERGE = "merge"

REASONS = (
    Reason(INSTALL, "Installed"),
    Reason(REGISTER, "Registered"),
    # group management or a system admin moves a customer to another section, to one of its people or its pool
    Reason(SECTION_MOVE, "Cross-section move", (access.MOVE,), frozenset({CAP, FIRST_REGISTRATION}),
           told=frozenset({NEW_OWNER})),
    Reason(CLAIM, "Claimed from pool", (SECTION_PERSON,), frozenset({CAP, COOLDOWN, DAILY_LIMIT, FIRST_REGISTRATION}),
           from_pool=True),
    Reason(DISPATCH, "Dispatched", (access.DISPATCH,), frozenset({CAP, FIRST_REGISTRATION}), from_pool=True,
           told=frozenset({NEW_OWNER})),
    Reason(RELEASE, "Released by owner", (OWNER,), frozenset({NOTE}), owner_loses=True, shows_note=True),
    # a head or admin gives a salesperson's record back to the pool (Release on a record not theirs)
    Reason(RETURN, "Returned to the pool by the section", (access.DISPATCH,), frozenset({NOTE}), owner_loses=True,
           shows_note=True, told=frozenset({PREVIOUS_OWNER})),
    Reason(EXPIRED, "Released: protection expired", owner_loses=True, told_after_pass=True),
    # by the release pass, or a head's dispatch of a record whose protection is invalid (FU-4)
    Reason(INVALID, "Invalid protection", (access.DISPATCH,), frozenset({CAP, FIRST_REGISTRATION}),
           owner_loses=True, told_after_pass=True, told=frozenset({PREVIOUS_OWNER, NEW_OWNER})),
    Reason(HANDOVER, "Handover"),
    Reason(REASSIGN, "Reassigned by admin", (access.DISPATCH,), frozenset({CAP, FIRST_REGISTRATION, NOTE}),
           owner_loses=True, told=frozenset({PREVIOUS_OWNER, NEW_OWNER})),
    Reason(CHALLENGE, "Challenge"),
    # the validity query's decision tells both parties itself (FU-6)
    Reason(VALIDITY_QUERY, "Validity query", (access.VALIDITY_QUERY,), frozenset({CAP, FIRST_REGISTRATION}),
           owner_loses=True),
    Reason(DELETED, "Record deleted"),
    # the kept lead takes the owner of a merged one (stock's choice, or the wizard's)
    Reason(MERGE, "Duplicates merged", (access.MERGE,), frozenset({CAP}), told=frozenset({PREVIOUS_OWNER, NEW_OWNER})),
)
BY_CODE = {reason.code: reason for reason in REASONS}
# the ledger's reason field
SELECTION = [(reason.code, reason.label) for reason in REASONS]
OWNER_LOSES = tuple(reason.code for reason in REASONS if reason.owner_loses)
FROM_POOL = tuple(reason.code for reason in REASONS if reason.from_pool)
TOLD_AFTER_PASS = tuple(reason.code for reason in REASONS if reason.told_after_pass)


def may_give(code, roles, section_id, governed, *, owns, member, head_of=(), admin_of=()):
    """May a user with ``roles`` give a record of section ``section_id``
    away for reason ``code``? ``owns``: they own it; ``member``: they are
    one of the section's people, taking it for themself (the pool's
    limits say whether it is in a pool to take). Nobody frozen; a reason with no giver is
    the module's own (its runs go as superuser)."""
    if roles.frozen:
        return False
    for giver in BY_CODE[code].given_by:
        if giver == SECTION_PERSON and member:
            return True
        if giver == OWNER and owns:
            return True
        if giver in access.DECISIONS and access.may_decide(giver, roles, section_id, governed, head_of, admin_of):
            return True
    return False
