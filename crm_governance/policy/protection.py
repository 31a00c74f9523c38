"""Protection periods (保护期) and the public pool (公海): POLICY PROT-2 … PROT-5.

Pure functions: the ORM gathers the facts (last valid contact, the section's
numbers, its working calendar) and writes back what these return.
"""
import math
from dataclasses import dataclass
from datetime import date, datetime, timedelta

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


@dataclass(frozen=True)
class ProtectionPolicy:
    warning_days: int = 30
    release_days: int = 60
    unit: str = CALENDAR


def deadlines(last_contact: datetime, policy: ProtectionPolicy, calendar=WorkingCalendar()):
    """(warn_at, release_at) of a record whose last valid contact was
    ``last_contact`` (PROT-2)."""
    return (add_days(last_contact, policy.warning_days, policy.unit, calendar),
            add_days(last_contact, policy.release_days, policy.unit, calendar))


def overdue(release_at, invalid_since, now: datetime) -> bool:
    """Has protection already run out (PROT-2) or become invalid (FU-4)?
    Then a follow-up comes too late to renew it: the release pass takes the
    record, however long it was parked (archived, in a won stage) meanwhile."""
    return bool((release_at and release_at <= now) or (invalid_since and invalid_since <= now))


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


def claim_refusal(*, pooled, member, held, cap, claiming=1, lost_at=None, cooldown_days=0,
                  now=None, claimed_today=0, daily_limit=0):
    """Why this user may not take these records, or ``None`` when they may.

    ``held``: protected records the user already holds in the section;
    ``lost_at``: when the user last lost this record (released or expired).
    """
    if not pooled:
        return NOT_POOLED
    if not member:
        return NOT_MEMBER
    if held + claiming > cap:
        return OVER_CAP
    if lost_at and cooldown_days and now and now < lost_at + timedelta(days=cooldown_days):
        return COOLDOWN
    if daily_limit and claimed_today + claiming > daily_limit:
        return DAILY_LIMIT
    return None


def dry_run(last_contacts, policy: ProtectionPolicy, calendar, horizon: datetime):
    """Which owned records would be warned, and which released, by ``horizon``
    under ``policy``: ``last_contacts`` maps record id to last valid contact.
    Returns (would_warn, would_release) as sorted id lists; a record due for
    release is not listed as warned."""
    warn, release = [], []
    for rec_id, last in last_contacts.items():
        warn_at, release_at = deadlines(last, policy, calendar)
        if release_at <= horizon:
            release.append(rec_id)
        elif warn_at <= horizon:
            warn.append(rec_id)
    return sorted(warn), sorted(release)
