"""Protection periods (保护期) and the public pool (公海): POLICY PROT-2 … PROT-5.

Pure functions: the ORM gathers the facts (last valid contact, the section's
numbers, its working calendar) and writes back what these return.
"""
import math
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from dateutil.relativedelta import relativedelta

from . import ownership

CALENDAR = "calendar"
WORKING = "working"

# Monday..Friday, as Python's date.weekday() numbers them
DEFAULT_WORKDAYS = frozenset(range(5))


@dataclass(frozen=True)
class WorkingCalendar:
    """The days a company works: weekdays (0 = Monday) and holiday dates."""
    workdays: frozenset = DEFAULT_WORKDAYS
    holidays: frozenset = frozenset()

    def is_working(self, day: date) -> bool:
        return day.weekday() in self.workdays and day not in self.holidays


def add_days(start: datetime, days: int, unit=CALENDAR, calendar=WorkingCalendar()) -> datetime:
    """``start`` plus ``days`` calendar days, or working days (PROT-4): each
    counted day must be a working day of ``calendar``; the time of day is kept."""
    if unit == CALENDAR or days <= 0:
        return start + timedelta(days=max(days, 0))
    if not calendar.workdays:
        raise ValueError("a working calendar needs at least one working weekday")
    current = start
    counted = 0
    while counted < days:
        current += timedelta(days=1)
        if calendar.is_working(current.date()):
            counted += 1
    return current


# protection states of an owned or pooled record
PROTECTED = "protected"
WARNING = "warning"
POOLED = "pooled"
OWNED = (PROTECTED, WARNING)


@dataclass(frozen=True)
class ProtectionPolicy:
    """A section's numbers for PROT-2/PROT-4 and FU-4 (0 turns an FU-4
    trigger off). The grading issue makes the intervals per grade (PROT-3):
    the caller picks the policy of the record's grade. The defaults are
    ``policy.settings``' (``settings.PROTECTION_POLICY``)."""
    warning_days: int
    release_days: int
    unit: str
    followup_interval_days: int
    first_followup_days: int
    key_contact_months: int
    invalid_followup_limit: int


@dataclass(frozen=True)
class Facts:
    """What the ORM knows of one record, gathered in bulk.

    ``since``: start of the protection period; ``last_contact``: the latest
    valid contact known (a valid follow-up, the owner's chatter history from
    before governance, or the start itself); ``valid_followup``: a valid
    follow-up (or history) since the period started; ``invalid_count`` and
    ``invalid_limit_reached_at``: the owner's invalid follow-ups of the
    period (see ``invalid_tally``); ``fu4_start``: the FU-4 deadlines start
    (again) at this moment, otherwise the pending ones are kept until lifted.
    """
    owned: bool
    since: datetime = None
    last_contact: datetime = None
    state: str = None
    valid_followup: bool = False
    invalid_count: int = 0
    invalid_limit_reached_at: datetime = None
    has_key_contact: bool = False
    fu4_start: datetime = None
    first_valid_due_at: datetime = None
    key_contact_due_at: datetime = None


@dataclass(frozen=True)
class Protection:
    """A record's protection, as stored on it (one column per field)."""
    protection_state: str = None
    protected_since: datetime = None
    last_valid_followup_at: datetime = None
    followup_due_at: datetime = None
    warn_at: datetime = None
    release_at: datetime = None
    invalid_followup_count: int = 0
    first_valid_due_at: datetime = None
    key_contact_due_at: datetime = None
    invalid_followups_at: datetime = None
    invalid_since: datetime = None
    # when the release pass takes the record: PROT-2's release or FU-4's
    # invalid protection, whichever comes first
    pool_due_at: datetime = None


UNGOVERNED = Protection()
IN_POOL = Protection(protection_state=POOLED)
COLUMNS = tuple(Protection.__dataclass_fields__)


def deadlines(last_contact: datetime, policy: ProtectionPolicy, calendar=WorkingCalendar()):
    """(warn_at, release_at) of a record whose last valid contact was
    ``last_contact`` (PROT-2)."""
    return (add_days(last_contact, policy.warning_days, policy.unit, calendar),
            add_days(last_contact, policy.release_days, policy.unit, calendar))


def has_key_contact(contact_name, customer_is_person, person_contacts) -> bool:
    """FU-4 (c): a record has a key contact (关键联系人) when a contact's name
    is written on it, its customer is a person, or its customer's company
    has at least one person among its active contacts."""
    return bool((contact_name or "").strip()) or bool(customer_is_person) or person_contacts > 0


def invalid_tally(dates, limit, count=0, reached_at=None):
    """FU-4 (a): ``(count, reached_at)`` after the invalid follow-ups at
    ``dates`` (oldest first), on top of ``count`` earlier ones; ``reached_at``
    is when the ``limit``-th one came (0: no limit)."""
    for moment in dates:
        count += 1
        if reached_at is None and limit and count >= limit:
            reached_at = moment
    return count, reached_at


def evaluate(facts: Facts, policy: ProtectionPolicy, now: datetime, calendar=WorkingCalendar()) -> Protection:
    """A record's protection from its facts (PROT-2, PROT-4, FU-4): the one
    place its dates are computed, by the scheduled passes, a valid
    follow-up, a new owner, a policy change and the dry run alike."""
    if not facts.owned:
        return IN_POOL
    since = facts.since or now
    last = max(filter(None, (facts.last_contact, since)))
    warn_at, release_at = deadlines(last, policy, calendar)
    followup_due_at = add_days(last, policy.followup_interval_days, policy.unit, calendar)
    # the warning stays until a valid contact moves the warning date again
    state = WARNING if facts.state == WARNING and warn_at <= now else PROTECTED
    limit = policy.invalid_followup_limit
    flagged = facts.invalid_limit_reached_at if limit else None
    if facts.fu4_start:
        first_due = add_days(facts.fu4_start, policy.first_followup_days, policy.unit, calendar) \
            if policy.first_followup_days and not facts.valid_followup else None
        key_due = facts.fu4_start + relativedelta(months=policy.key_contact_months) \
            if policy.key_contact_months and not facts.has_key_contact else None
    else:
        first_due = facts.first_valid_due_at \
            if policy.first_followup_days and not facts.valid_followup else None
        key_due = facts.key_contact_due_at \
            if policy.key_contact_months and not facts.has_key_contact else None
    invalid_since = min(filter(None, (first_due, key_due, flagged)), default=None)
    return Protection(
        protection_state=state, protected_since=since, last_valid_followup_at=last,
        followup_due_at=followup_due_at, warn_at=warn_at, release_at=release_at,
        invalid_followup_count=facts.invalid_count, first_valid_due_at=first_due,
        key_contact_due_at=key_due, invalid_followups_at=flagged,
        # FU-4: the earliest trigger makes protection invalid
        invalid_since=invalid_since, pool_due_at=min(release_at, invalid_since or release_at))


def release_reason(release_at, now: datetime) -> str:
    """Why the release pass took a record (the ledger's reason): its
    protection ran out (PROT-2), or it became invalid earlier (FU-4)."""
    return ownership.EXPIRED if release_at and release_at <= now else ownership.INVALID


def overdue(release_at, invalid_since, now: datetime) -> bool:
    """Has protection already run out (PROT-2) or become invalid (FU-4)?
    Then a follow-up comes too late to renew it: the release pass takes the
    record, however long it was parked (archived, in a won stage) meanwhile."""
    return bool((release_at and release_at <= now) or (invalid_since and invalid_since <= now))


def renewal_due(current: Protection, at: datetime) -> bool:
    """Does a valid follow-up at ``at`` renew ``current``? Once a day is
    enough: deadlines are counted in days, and a renewal rewrites every
    index of the record's row. Never once protection has run out or become
    invalid (``overdue``)."""
    if overdue(current.release_at, current.invalid_since, at):
        return False
    return (current.protection_state == WARNING or bool(current.first_valid_due_at)
            or not current.last_valid_followup_at
            or current.last_valid_followup_at <= at - timedelta(days=1))


def after_followup(current: Protection, valid: bool, at: datetime, policy: ProtectionPolicy,
                   calendar=WorkingCalendar(), has_key_contact=None):
    """The owner's follow-up at ``at`` on a record protected as ``current``
    (FU-3, FU-4): its new protection, or ``None`` when nothing changes (a
    second valid one the same day, or one too late to renew anything).
    ``has_key_contact``: known now (else: none while its deadline pends)."""
    if current.protection_state not in OWNED:
        return None
    if valid and not renewal_due(current, at):
        return None
    count, reached = current.invalid_followup_count, current.invalid_followups_at
    if not valid:
        count, reached = invalid_tally([at], policy.invalid_followup_limit, count, reached)
    return evaluate(Facts(
        owned=True, since=current.protected_since, state=current.protection_state,
        last_contact=at if valid else current.last_valid_followup_at, valid_followup=valid,
        invalid_count=count, invalid_limit_reached_at=reached,
        has_key_contact=not current.key_contact_due_at if has_key_contact is None else has_key_contact,
        first_valid_due_at=current.first_valid_due_at, key_contact_due_at=current.key_contact_due_at,
    ), policy, at, calendar)


def days_left(release_at: datetime, now: datetime) -> int:
    """Whole days until release, rounded up; 0 once due."""
    if not release_at:
        return 0
    seconds = (release_at - now).total_seconds()
    return max(0, math.ceil(seconds / 86400))


# Reasons a claim is refused (PROT-5); the ORM turns them into messages.
NOT_POOLED = "not_pooled"
OVER_CAP = "over_cap"
COOLDOWN = "cooldown"
DAILY_LIMIT = "daily_limit"
NOT_MEMBER = "not_member"
# another owner's registration holds the same customer (ENTRY-2)
HELD = "held"


def over_cap(held, cap, taking=1):
    """Would ``taking`` more records put an owner who holds ``held``
    protected records of a section over its cap (PROT-5)? One answer for a
    claim, a dispatch, a reassignment and a registration."""
    return held + taking > cap


def claim_refusal(*, pooled, member, held, cap, claiming=1, lost_at=None, cooldown_days=0,
                  now=None, claimed_today=0, daily_limit=0, held_elsewhere=False, holds_customer=False):
    """Why this user may not take these records, or ``None`` when they may.

    ``held``: protected records the user already holds in the section;
    ``lost_at``: when the user last lost this record (released or expired);
    ``held_elsewhere``: another owner's registration holds the same customer;
    ``holds_customer``: the user holds the customer (its account, another of
    its opportunities): a record that lapsed goes back to its customer's
    holder, cool-down or not, since nobody else may take it (ENTRY-2).
    """
    if not pooled:
        return NOT_POOLED
    if not member:
        return NOT_MEMBER
    if held_elsewhere:
        return HELD
    if over_cap(held, cap, claiming):
        return OVER_CAP
    if lost_at and cooldown_days and now and now < lost_at + timedelta(days=cooldown_days) and not holds_customer:
        return COOLDOWN
    if daily_limit and claimed_today + claiming > daily_limit:
        return DAILY_LIMIT
    return None


def cooldown_until(lost_at, cooldown_days):
    """When a previous owner may claim a record again (PROT-5)."""
    return lost_at + timedelta(days=cooldown_days) if lost_at and cooldown_days else None


def dry_run(results, horizon: datetime):
    """Which records would be reminded of a due follow-up, warned, and
    released by ``horizon`` (PROT-2, FU-4): ``results`` maps record id to
    its :class:`Protection` under the policy tried. Returns three sorted id
    lists; a record is listed once, under the strongest of the three."""
    due, warn, release = [], [], []
    for rec_id, result in results.items():
        if result.protection_state not in OWNED:
            continue
        if overdue(result.release_at, result.invalid_since, horizon):
            release.append(rec_id)
        elif result.warn_at <= horizon:
            warn.append(rec_id)
        elif result.followup_due_at <= horizon:
            due.append(rec_id)
    return sorted(due), sorted(warn), sorted(release)
