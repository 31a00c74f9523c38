"""Key-customer grading (重点客户 / 客户分级): POLICY GRADE-1, GRADE-2, GRADE-4.

Pure functions: the ORM aggregates each customer's won deals in bulk into
:class:`Figures`, these turn them into a score and a grade, and say which
rule produced it.

The score is a weighted mean of five parts, each 0 … 100 points against a
"full marks" figure the company sets: won amount of the last 12 months,
growth against the 12 months before, profit margin, number of won deals of
the last 12 months and months since the first won deal. A part that is not
known (the margin of deals without costs) is left out and the other weights
count for it; it never counts as 0. Bands come from fixed score thresholds
or from a customer's rank (top-percentage of the customers graded).
"""
from dataclasses import dataclass, field
from datetime import date

from dateutil.relativedelta import relativedelta

THREE_BANDS = "ABC"
FIVE_BANDS = "ABCDE"
GRADES = tuple(FIVE_BANDS)

SCORE = "score"
TOP_PERCENT = "top_percent"

# the parts of the score, in the order of ``GradingRules.weights``
PARTS = ("amount", "growth", "margin", "deals", "tenure")

# growth of a customer with nothing won in the 12 months before: +100 % when
# it won anything since (a new customer grows), 0 when it won nothing either
NEW_CUSTOMER_GROWTH = 100.0

# why a set of grading values is refused (see ``violations``)
NO_WEIGHT = "no_weight"
NEGATIVE_WEIGHT = "negative_weight"
NO_FULL_MARKS = "no_full_marks"
THRESHOLDS_ORDER = "thresholds_order"
PERCENT_RANGE = "percent_range"


@dataclass(frozen=True)
class Figures:
    """A customer's won deals, in the grading company's currency.

    ``amount``: won over the last 12 months; ``previous_amount``: the 12
    months before; ``margin_amount`` / ``margin_base``: margin and revenue of
    the deals of the last 12 months whose margin is known; ``deals``: won
    deals of the last 12 months; ``first_won``: the first won deal ever."""
    amount: float = 0.0
    previous_amount: float = 0.0
    margin_amount: float = 0.0
    margin_base: float = 0.0
    deals: int = 0
    first_won: date = None


@dataclass(frozen=True)
class GradingRules:
    """A company's grading numbers (GRADE-2); see ``policy.settings.GRADING``.

    ``full``: the figure that earns a part's 100 points (amount in currency,
    growth and margin in %, deals, tenure in months). ``score_thresholds``:
    the lowest score of each band but the last, best first;
    ``percent_thresholds``: the cumulative share of customers (%) each band
    but the last takes, best first. The defaults are ``policy.settings``'
    (``settings.GRADING_RULES``)."""
    bands: str
    mode: str
    weights: tuple
    full: tuple
    score_thresholds: tuple
    percent_thresholds: tuple


@dataclass(frozen=True)
class Grading:
    """What grading one customer gives: score, grade and the rule that gave it."""
    score: float
    grade: str
    growth: float
    margin: float  # None: not known
    months: int
    rule: str = ""
    parts: dict = field(default_factory=dict, compare=False)


def growth(amount, previous_amount):
    """Growth in % of ``amount`` against ``previous_amount`` (defined when
    the earlier amount is 0, see ``NEW_CUSTOMER_GROWTH``)."""
    if previous_amount > 0:
        return (amount - previous_amount) / previous_amount * 100.0
    return NEW_CUSTOMER_GROWTH if amount > 0 else 0.0


def margin(figures):
    """Margin in % of the deals whose margin is known; None when none is."""
    if figures.margin_base > 0:
        return figures.margin_amount / figures.margin_base * 100.0
    return None


def months_since(first: date, today: date) -> int:
    if not first:
        return 0
    delta = relativedelta(today, first)
    return max(delta.years * 12 + delta.months, 0)


def score(figures: Figures, rules: GradingRules, today: date):
    """``(score, parts, growth %, margin % or None, months)`` of one customer."""
    grow = growth(figures.amount, figures.previous_amount)
    marg = margin(figures)
    months = months_since(figures.first_won, today)
    values = dict(zip(PARTS, (figures.amount, grow, marg, figures.deals, months), strict=True))
    parts, total, weight_sum = {}, 0.0, 0
    for name, weight, full in zip(PARTS, rules.weights, rules.full, strict=True):
        value = values[name]
        if value is None or weight <= 0:
            continue  # unknown: left out, the other weights count for it
        points = min(max(value, 0.0) / full, 1.0) * 100.0 if full > 0 else 0.0
        parts[name] = points
        total += weight * points
        weight_sum += weight
    result = round(total / weight_sum, 2) if weight_sum else 0.0
    return result, parts, grow, marg, months


def band_by_score(points, rules: GradingRules):
    """``(grade, rule)`` of a score under fixed thresholds."""
    bands = rules.bands
    for grade, threshold in zip(bands, rules.score_thresholds[:len(bands) - 1], strict=False):
        if points >= threshold:
            return grade, f"{points:g} ≥ {threshold:g} → {grade}"
    lowest = rules.score_thresholds[len(bands) - 2]
    return bands[-1], f"{points:g} < {lowest:g} → {bands[-1]}"


def band_by_rank(position, count, rules: GradingRules):
    """``(grade, rule)`` of the customer ranked ``position`` (0: best) of
    ``count`` under top-percentage thresholds."""
    bands = rules.bands
    share = (position + 1) / count * 100.0 if count else 100.0
    for grade, threshold in zip(bands, rules.percent_thresholds[:len(bands) - 1], strict=False):
        if share <= threshold:
            return grade, f"top {share:.1f}% ≤ {threshold:g}% → {grade}"
    return bands[-1], f"top {share:.1f}% > {rules.percent_thresholds[len(bands) - 2]:g}% → {bands[-1]}"


def grade_all(figures_by_id, rules: GradingRules, today: date):
    """:class:`Grading` of every customer of ``figures_by_id`` (id ->
    :class:`Figures`). Customers that never won a deal get no grade. In
    top-percentage mode the rank is among these customers; equal scores
    share the better rank."""
    scored = {}
    for cid, figures in figures_by_id.items():
        if figures.first_won is None:
            continue
        scored[cid] = score(figures, rules, today)
    result = {}
    if rules.mode == TOP_PERCENT:
        ordered = sorted(scored, key=lambda cid: (-scored[cid][0], cid))
        position, previous = 0, None
        for index, cid in enumerate(ordered):
            if scored[cid][0] != previous:
                position, previous = index, scored[cid][0]
            grade, rule = band_by_rank(position, len(ordered), rules)
            result[cid] = _grading(scored[cid], grade, rule)
    else:
        for cid, scored_one in scored.items():
            grade, rule = band_by_score(scored_one[0], rules)
            result[cid] = _grading(scored_one, grade, rule)
    return result


def _grading(scored, grade, rule):
    points, parts, grow, marg, months = scored
    return Grading(points, grade, round(grow, 2), None if marg is None else round(marg, 2), months, rule, parts)


def effective_grade(computed, override_grade, override_until, today):
    """The grade a customer has: an approved override until its end date
    (inclusive), then the computed one again (GRADE-2)."""
    if override_grade and override_until and today <= override_until:
        return override_grade
    return computed or None


def violations(rules: GradingRules):
    """What is wrong with ``rules``: a list of codes (see the constants)."""
    found = []
    if any(w < 0 for w in rules.weights):
        found.append(NEGATIVE_WEIGHT)
    elif not any(w > 0 for w in rules.weights):
        found.append(NO_WEIGHT)
    if any(f <= 0 for w, f in zip(rules.weights, rules.full, strict=True) if w > 0):
        found.append(NO_FULL_MARKS)
    used = len(rules.bands) - 1
    scores = rules.score_thresholds[:used]
    percents = rules.percent_thresholds[:used]
    if rules.mode == SCORE and any(a <= b for a, b in zip(scores, scores[1:], strict=False)):
        found.append(THRESHOLDS_ORDER)
    if rules.mode == TOP_PERCENT:
        if any(a >= b for a, b in zip(percents, percents[1:], strict=False)):
            found.append(THRESHOLDS_ORDER)
        if any(p <= 0 or p >= 100 for p in percents):
            found.append(PERCENT_RANGE)
    return found


def window(today: date):
    """``(previous_start, start, end)``: the 12 months before the last 12,
    and the last 12 months, up to and including ``today``."""
    start = today - relativedelta(months=12) + relativedelta(days=1)
    return start - relativedelta(months=12), start, today + relativedelta(days=1)
