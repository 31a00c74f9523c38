"""policy.protection: pure functions, no database needed."""
from datetime import date, datetime, timedelta

from odoo.addons.crm_governance.policy import protection as p

MONDAY = datetime(2026, 3, 2, 9, 30)  # a Monday


def test_calendar_days():
    assert p.add_days(MONDAY, 30) == MONDAY + timedelta(days=30)
    assert p.deadlines(MONDAY, p.ProtectionPolicy()) == (MONDAY + timedelta(days=30),
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
