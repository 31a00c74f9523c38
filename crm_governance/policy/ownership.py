"""Why a governed record's owner or section changed: the ownership ledger's
reasons (PROT-7), each written once, with what follows from it. The ledger's
selection, the reclaim cool-down (PROT-5), the pool's "why" and the claim
counters all read this table."""
from dataclasses import dataclass


@dataclass(frozen=True)
class Reason:
    code: str
    label: str
    # the previous owner lost the record: their reclaim cool-down runs from this row (PROT-5)
    owner_loses: bool = False
    # a salesperson took it from the pool (claimed or dispatched to them)
    from_pool: bool = False
    # the owner's own words are shown with it, where the pool says why a record is there
    shows_note: bool = False
    # written by the release pass: the previous owner is told once, in one notice per run (PROT-2)
    told_after_pass: bool = False


INSTALL = "install"
REGISTER = "register"
SECTION_MOVE = "section_move"
CLAIM = "claim"
DISPATCH = "dispatch"
RELEASE = "release"
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
    Reason(SECTION_MOVE, "Cross-section move"),
    Reason(CLAIM, "Claimed from pool", from_pool=True),
    Reason(DISPATCH, "Dispatched", from_pool=True),
    Reason(RELEASE, "Released by owner", owner_loses=True, shows_note=True),
    Reason(EXPIRED, "Released: protection expired", owner_loses=True, told_after_pass=True),
    Reason(INVALID, "Invalid protection", owner_loses=True, told_after_pass=True),
    Reason(HANDOVER, "Handover"),
    Reason(REASSIGN, "Reassigned by admin", owner_loses=True),
    Reason(CHALLENGE, "Challenge"),
    Reason(VALIDITY_QUERY, "Validity query", owner_loses=True),
    Reason(DELETED, "Record deleted"),
    Reason(MERGE, "Duplicates merged"),
)
BY_CODE = {reason.code: reason for reason in REASONS}
# the ledger's reason field
SELECTION = [(reason.code, reason.label) for reason in REASONS]
OWNER_LOSES = tuple(reason.code for reason in REASONS if reason.owner_loses)
FROM_POOL = tuple(reason.code for reason in REASONS if reason.from_pool)
TOLD_AFTER_PASS = tuple(reason.code for reason in REASONS if reason.told_after_pass)
