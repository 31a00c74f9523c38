"""policy.grading and the grade duty of policy.settings: pure functions."""
from dataclasses import replace
from datetime import date

import pytest

from odoo.addons.crm_governance.policy import grading as g
from odoo.addons.crm_governance.policy import settings

TODAY = date(2026, 11, 24)
# amount only: the score is the amount's points, so band edges are exact
AMOUNT_ONLY = replace(settings.GRADING_RULES, weights=(1, 0, 0, 0, 0), full=(1000, 100, 50, 12, 36))


def won(amount, previous=0.0, first=date(2024, 1, 1), **kw):
    return g.Figures(amount=amount, previous_amount=previous, first_won=first, **kw)


@pytest.mark.parametrize(("amount", "grade"), [
    (1000, "A"), (600, "A"), (599.9, "B"), (300, "B"), (299.9, "C"), (0, "C")])
def test_score_band_boundaries(amount, grade):
    result = g.grade_all({1: won(amount)}, AMOUNT_ONLY, TODAY)[1]
    assert result.grade == grade, result


def test_the_rule_that_gave_the_grade_is_kept():
    assert g.grade_all({1: won(650)}, AMOUNT_ONLY, TODAY)[1].rule == "65 ≥ 60 → A"
    assert g.grade_all({1: won(100)}, AMOUNT_ONLY, TODAY)[1].rule == "10 < 30 → C"


def test_five_bands():
    rules = replace(settings.GRADING_RULES, bands=g.FIVE_BANDS, weights=(1, 0, 0, 0, 0), full=(1000, 100, 50, 12, 36),
                           score_thresholds=(80, 60, 40, 20))
    grades = {amount: g.grade_all({1: won(amount)}, rules, TODAY)[1].grade
              for amount in (900, 800, 700, 500, 300, 100)}
    assert grades == {900: "A", 800: "A", 700: "B", 500: "C", 300: "D", 100: "E"}


def test_top_percentage_ranks_customers_and_ties_share_the_better_rank():
    rules = replace(settings.GRADING_RULES, mode=g.TOP_PERCENT, weights=(1, 0, 0, 0, 0), full=(1000, 100, 50, 12, 36),
                           percent_thresholds=(20, 50))
    figures = {i: won(100 * i) for i in range(1, 11)}  # 10 customers, 100 … 1000
    figures[11] = won(900)  # ties customer 9
    result = g.grade_all(figures, rules, TODAY)
    assert sorted(cid for cid in result if result[cid].grade == "A") == [9, 10, 11]  # top 3 of 11: 27 % > 20 %
    assert result[10].grade == "A" and result[9].grade == result[11].grade
    assert result[1].grade == "C" and result[6].grade == "C" and result[7].grade == "B"  # 6th of 11: 54.5 %
    assert result[10].rule.startswith("top 9.1% ≤ 20%")


def test_zero_previous_amount_is_growth_of_a_new_customer():
    assert g.growth(500, 0) == g.NEW_CUSTOMER_GROWTH
    assert g.growth(0, 0) == 0.0
    assert g.growth(150, 100) == pytest.approx(50.0)
    assert g.growth(50, 100) == pytest.approx(-50.0)
    # negative growth earns no points, never negative ones
    rules = replace(settings.GRADING_RULES, weights=(0, 1, 0, 0, 0))
    assert g.score(won(50, 100), rules, TODAY)[0] == 0.0


def test_unknown_margins_are_left_out_not_counted_as_zero():
    rules = replace(settings.GRADING_RULES, weights=(50, 0, 50, 0, 0), full=(1000, 100, 50, 12, 36))
    unknown = g.score(won(1000), rules, TODAY)
    assert unknown[0] == 100.0 and "margin" not in unknown[1] and unknown[3] is None
    zero = g.score(won(1000, margin_amount=0.0, margin_base=1000.0), rules, TODAY)
    assert zero[0] == 50.0 and zero[3] == 0.0
    half = g.score(won(1000, margin_amount=250.0, margin_base=1000.0), rules, TODAY)
    assert half[3] == 25.0 and half[0] == 75.0


def test_deals_and_relationship_length():
    rules = replace(settings.GRADING_RULES, weights=(0, 0, 0, 1, 1), full=(1, 1, 1, 12, 36))
    points, parts, _grow, _margin, months = g.score(won(0, deals=6, first=date(2025, 11, 24)), rules, TODAY)
    assert months == 12 and parts == {"deals": 50.0, "tenure": pytest.approx(100 * 12 / 36)}


def test_customers_that_never_won_get_no_grade():
    assert g.grade_all({1: g.Figures()}, settings.GRADING_RULES, TODAY) == {}


def test_override_until_its_end_date_then_computed():
    assert g.effective_grade("C", "A", date(2026, 12, 1), TODAY) == "A"
    assert g.effective_grade("C", "A", TODAY, TODAY) == "A"
    assert g.effective_grade("C", "A", date(2026, 11, 23), TODAY) == "C"
    assert g.effective_grade(None, None, None, TODAY) is None


def test_window_is_the_last_twelve_months_and_the_twelve_before():
    previous, start, end = g.window(TODAY)
    assert (previous, start, end) == (date(2024, 11, 25), date(2025, 11, 25), date(2026, 11, 25))


@pytest.mark.parametrize(("rules", "problem"), [
    (replace(settings.GRADING_RULES, weights=(0, 0, 0, 0, 0)), g.NO_WEIGHT),
    (replace(settings.GRADING_RULES, weights=(50, -1, 0, 0, 0)), g.NEGATIVE_WEIGHT),
    (replace(settings.GRADING_RULES, full=(0, 100, 50, 12, 36)), g.NO_FULL_MARKS),
    (replace(settings.GRADING_RULES, score_thresholds=(30, 60)), g.THRESHOLDS_ORDER),
    (replace(settings.GRADING_RULES, bands=g.FIVE_BANDS, score_thresholds=(80, 60, 60, 20)), g.THRESHOLDS_ORDER),
    (replace(settings.GRADING_RULES, mode=g.TOP_PERCENT, percent_thresholds=(50, 20)), g.THRESHOLDS_ORDER),
    (replace(settings.GRADING_RULES, mode=g.TOP_PERCENT, percent_thresholds=(0, 50)), g.PERCENT_RANGE),
])
def test_bad_rules_are_named(rules, problem):
    assert problem in g.violations(rules)


def test_default_rules_are_fine_and_match_policy_md():
    rules = settings.grading_rules(settings.GRADING_DEFAULTS)
    assert g.violations(rules) == [] and rules.bands == "ABC"
    # GRADE-4: A 7, B 15, C 30 days; warning and release: the section's 30/60
    policies = settings.protection_policies(settings.DEFAULTS)
    assert [policies[x].followup_interval_days for x in "ABC"] == [7, 15, 30]
    assert {(policies[x].warning_days, policies[x].release_days) for x in "ABC"} == {(30, 60)}
    assert policies[None].followup_interval_days == 15


def test_grade_duty_warning_must_come_before_release():
    values = dict(settings.DEFAULTS, grade_a_warning_days=70)
    assert (settings.WARNING_NOT_BEFORE_RELEASE, settings.BY_NAME["grade_a_warning_days"]) \
        in settings.violations(values)
    assert settings.violations(dict(settings.DEFAULTS, grade_a_warning_days=20, grade_a_release_days=40)) == []
