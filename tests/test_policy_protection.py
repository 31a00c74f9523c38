"""policy.protection: pure functions, no database needed."""
from dataclasses import replace
from datetime import date, datetime, timedelta

import pytest

from odoo.addons.crm_governance.policy import protection as p
from odoo.addons.crm_governance.policy import settings

MONDAY = datetime(2026, 3, 2, 9, 30)  # a Monday
# the defaults a new section starts with (POLICY.md)
POLICY = settings.PROTECTION_POLICY


def test_calendar_days():
    assert p.add_days(MONDAY, 30) == MONDAY + timedelta(days=30)
    assert p.deadlines(MONDAY, POLICY) == (MONDAY + timedelta(days=30),
                                                         MONDAY + timedelta(days=60))


def test_working_days_skip_weekends_and_holidays():
    cal = p.WorkingCalendar(holidays=frozenset({date(2026, 3, 4)}))  # Wednesday off
    # Tue(1) Thu(2) Fri(3) Mon(4) Tue(5)
    assert p.add_days(MONDAY, 5, p.WORKING, cal) == datetime(2026, 3, 10, 9, 30)
    assert p.add_days(MONDAY, 5, p.WORKING) == datetime(2026, 3, 9, 9, 30)
    # from a Friday, one working day is the Monday
    assert p.add_days(datetime(2026, 3, 6, 17, 0), 1, p.WORKING) == datetime(2026, 3, 9, 17, 0)


def test_days_left_rounds_up():
    now = MONDAY
    assert p.days_left(now + timedelta(days=2, hours=1), now) == 3
    assert p.days_left(now + timedelta(days=2), now) == 2
    assert p.days_left(now - timedelta(hours=1), now) == 0


def test_claim_refusals_in_order():
    ok = dict(pooled=True, member=True, held=0, cap=200)
    assert p.claim_refusal(**ok) is None
    assert p.claim_refusal(**dict(ok, pooled=False)) == p.NOT_POOLED
    assert p.claim_refusal(**dict(ok, member=False)) == p.NOT_MEMBER
    assert p.claim_refusal(**dict(ok, held=200)) == p.OVER_CAP
    assert p.claim_refusal(**dict(ok, held=199, claiming=2)) == p.OVER_CAP
    lost = MONDAY
    assert p.claim_refusal(**ok, lost_at=lost, cooldown_days=30, now=lost + timedelta(days=29)) == p.COOLDOWN
    assert p.claim_refusal(**ok, lost_at=lost, cooldown_days=30, now=lost + timedelta(days=30)) is None
    assert p.claim_refusal(**ok, claimed_today=5, daily_limit=5) == p.DAILY_LIMIT
    assert p.claim_refusal(**ok, claimed_today=5, daily_limit=0) is None
    # another owner's registration of the same customer: after membership, before the cap
    assert p.claim_refusal(**dict(ok, held_elsewhere=True)) == p.HELD
    assert p.claim_refusal(**dict(ok, held_elsewhere=True, member=False)) == p.NOT_MEMBER
    assert p.claim_refusal(**dict(ok, held_elsewhere=True, held=200)) == p.HELD
    assert p.cooldown_until(lost, 30) == lost + timedelta(days=30)
    assert p.cooldown_until(None, 30) is None and p.cooldown_until(lost, 0) is None


# -- the deadline function: policy.protection.evaluate (PROT-2/3/4, FU-4) ------
DAY = timedelta(days=1)
NOW = MONDAY + 40 * DAY
OFF = dict(first_followup_days=0, key_contact_months=0, invalid_followup_limit=0)
WORKING_5_10 = replace(POLICY, warning_days=5, release_days=10, unit=p.WORKING, followup_interval_days=3, **OFF)
HOLIDAYS = p.WorkingCalendar(holidays=frozenset({date(2026, 3, 4)}))  # a Wednesday off


def _facts(**kw):
    return p.Facts(owned=True, since=MONDAY, **kw)


# (case, facts, policy, calendar, expected fields of the result)
DEADLINE_CASES = [
    ("calendar days from the start", _facts(has_key_contact=True, valid_followup=True), POLICY,
     p.WorkingCalendar(),
     dict(protection_state="protected", followup_due_at=MONDAY + 15 * DAY, warn_at=MONDAY + 30 * DAY,
          release_at=MONDAY + 60 * DAY, invalid_since=None, pool_due_at=MONDAY + 60 * DAY)),
    ("from the last valid contact", _facts(last_contact=MONDAY + 10 * DAY, valid_followup=True,
                                           has_key_contact=True), POLICY, p.WorkingCalendar(),
     dict(last_valid_followup_at=MONDAY + 10 * DAY, followup_due_at=MONDAY + 25 * DAY,
          warn_at=MONDAY + 40 * DAY, release_at=MONDAY + 70 * DAY)),
    ("working days skip weekends", _facts(), WORKING_5_10, p.WorkingCalendar(),
     dict(followup_due_at=datetime(2026, 3, 5, 9, 30), warn_at=datetime(2026, 3, 9, 9, 30),
          release_at=datetime(2026, 3, 16, 9, 30))),
    ("working days skip holidays", _facts(), WORKING_5_10, HOLIDAYS,
     dict(followup_due_at=datetime(2026, 3, 6, 9, 30), warn_at=datetime(2026, 3, 10, 9, 30),
          release_at=datetime(2026, 3, 17, 9, 30))),
    ("a section's (or grade's) own interval", _facts(), replace(POLICY, warning_days=20, release_days=45,
                                                                 followup_interval_days=7, **OFF),
     p.WorkingCalendar(),
     dict(followup_due_at=MONDAY + 7 * DAY, warn_at=MONDAY + 20 * DAY, release_at=MONDAY + 45 * DAY)),
    ("FU-4: no valid follow-up in time", _facts(fu4_start=MONDAY, has_key_contact=True), POLICY,
     p.WorkingCalendar(),
     dict(first_valid_due_at=MONDAY + 15 * DAY, key_contact_due_at=None, invalid_since=MONDAY + 15 * DAY,
          pool_due_at=MONDAY + 15 * DAY)),
    ("FU-4: no key contact", _facts(fu4_start=MONDAY, valid_followup=True), POLICY,
     p.WorkingCalendar(),
     dict(first_valid_due_at=None, key_contact_due_at=datetime(2026, 4, 2, 9, 30),
          invalid_since=datetime(2026, 4, 2, 9, 30))),
    ("FU-4: the limit of invalid follow-ups", _facts(valid_followup=True, has_key_contact=True, invalid_count=3,
                                                     invalid_limit_reached_at=MONDAY + 2 * DAY),
     POLICY, p.WorkingCalendar(),
     dict(invalid_followup_count=3, invalid_followups_at=MONDAY + 2 * DAY, invalid_since=MONDAY + 2 * DAY)),
    ("FU-4: the earliest trigger wins", _facts(fu4_start=MONDAY, invalid_count=3,
                                               invalid_limit_reached_at=MONDAY + 20 * DAY),
     POLICY, p.WorkingCalendar(), dict(invalid_since=MONDAY + 15 * DAY)),
    ("FU-4 triggers off (0)", _facts(fu4_start=MONDAY, invalid_count=5, invalid_limit_reached_at=MONDAY),
     replace(POLICY, **OFF), p.WorkingCalendar(),
     dict(first_valid_due_at=None, key_contact_due_at=None, invalid_followups_at=None, invalid_since=None)),
    ("FU-4: pending deadlines kept outside a new period",
     _facts(first_valid_due_at=MONDAY + 3 * DAY, key_contact_due_at=MONDAY + 9 * DAY), POLICY,
     p.WorkingCalendar(), dict(first_valid_due_at=MONDAY + 3 * DAY, key_contact_due_at=MONDAY + 9 * DAY,
                               invalid_since=MONDAY + 3 * DAY)),
    ("a valid follow-up lifts the first-follow-up deadline",
     _facts(first_valid_due_at=MONDAY + 3 * DAY, valid_followup=True, has_key_contact=True), POLICY,
     p.WorkingCalendar(), dict(first_valid_due_at=None, invalid_since=None)),
    ("the warning stays while its date is past", _facts(state=p.WARNING), replace(POLICY, **OFF),
     p.WorkingCalendar(), dict(protection_state=p.WARNING)),
    ("a later contact ends the warning", _facts(state=p.WARNING, last_contact=NOW), replace(POLICY, **OFF),
     p.WorkingCalendar(), dict(protection_state=p.PROTECTED, warn_at=NOW + 30 * DAY)),
]


@pytest.mark.parametrize("case, facts, policy, calendar, expected", DEADLINE_CASES,
                         ids=[c[0] for c in DEADLINE_CASES])
def test_deadlines(case, facts, policy, calendar, expected):
    result = p.evaluate(facts, policy, NOW, calendar)
    assert {k: getattr(result, k) for k in expected} == expected


def test_release_reason():
    assert p.release_reason(MONDAY, MONDAY) == "expired"
    assert p.release_reason(MONDAY + DAY, MONDAY) == "invalid"


def test_no_owner_is_the_pool():
    assert p.evaluate(p.Facts(owned=False), POLICY, NOW) == p.IN_POOL


def _protected_since_monday():
    return p.evaluate(_facts(fu4_start=MONDAY, has_key_contact=True), POLICY, MONDAY)


def test_a_valid_follow_up_renews_once_a_day():
    current = _protected_since_monday()
    renewed = p.after_followup(current, True, MONDAY + 2 * DAY, POLICY)
    assert (renewed.last_valid_followup_at, renewed.release_at, renewed.first_valid_due_at) == \
        (MONDAY + 2 * DAY, MONDAY + 62 * DAY, None)
    # the same day again: nothing to write
    assert p.after_followup(renewed, True, MONDAY + 2 * DAY + timedelta(hours=5), POLICY) is None
    again = p.after_followup(renewed, True, MONDAY + 3 * DAY, POLICY)
    assert again.release_at == MONDAY + 63 * DAY


def test_a_follow_up_too_late_renews_nothing():
    current = _protected_since_monday()
    assert p.after_followup(current, True, MONDAY + 61 * DAY, POLICY) is None
    # invalid protection (no valid follow-up within 15 days) is as late
    assert p.after_followup(current, True, MONDAY + 16 * DAY, POLICY) is None


def test_invalid_follow_ups_count_to_the_limit():
    current = _protected_since_monday()
    for n in (1, 2, 3):
        current = p.after_followup(current, False, MONDAY + n * DAY, POLICY)
        assert current.invalid_followup_count == n
    assert current.invalid_followups_at == MONDAY + 3 * DAY
    assert current.invalid_since == MONDAY + 3 * DAY
    assert current.release_at == MONDAY + 60 * DAY, "an invalid follow-up renews nothing"
    assert p.invalid_tally([MONDAY, MONDAY + DAY], 2) == (2, MONDAY + DAY)
    assert p.invalid_tally([MONDAY, MONDAY + DAY], 0) == (2, None)


def test_dry_run_lists_each_record_once():
    policy = replace(POLICY, **OFF)
    results = {i: p.evaluate(p.Facts(owned=True, since=MONDAY - d * DAY), policy, MONDAY)
               for i, d in ((1, 0), (2, 16), (3, 31), (4, 61))}
    results[5] = p.IN_POOL
    assert p.dry_run(results, MONDAY) == ([2], [3], [4])


def test_a_key_contact_known_at_the_follow_up_lifts_its_deadline():
    current = p.evaluate(_facts(fu4_start=MONDAY, valid_followup=True), POLICY, MONDAY)
    assert current.key_contact_due_at
    kept = p.after_followup(current, True, MONDAY + 2 * DAY, POLICY)
    assert kept.key_contact_due_at == current.key_contact_due_at
    lifted = p.after_followup(current, True, MONDAY + 2 * DAY, POLICY, has_key_contact=True)
    assert (lifted.key_contact_due_at, lifted.invalid_since) == (None, None)


def test_key_contact():
    assert p.has_key_contact("王经理", False, 0)
    assert p.has_key_contact(None, True, 0)
    assert p.has_key_contact("", False, 2)
    assert not p.has_key_contact("  ", False, 0)
