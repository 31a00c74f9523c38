"""The policy numbers and lists a company sets (POLICY.md's defaults), declared
once: the company defaults, every section's own values and the Settings
screen are all built from ``SETTINGS``, and checked by ``violations``.
"""
from dataclasses import dataclass

from . import followups, grading, protection, registration

INTEGER = "integer"
TEXT = "text"
SELECTION = "selection"
BOOLEAN = "boolean"

DAY_UNITS = ((protection.CALENDAR, "Calendar days"), (protection.WORKING, "Working days"))


@dataclass(frozen=True)
class Setting:
    name: str
    kind: str
    default: object
    label: str
    help: str
    rule: str
    minimum: int = None  # integers: the smallest allowed value
    maximum: int = None  # integers: the largest allowed value
    choices: tuple = DAY_UNITS  # selections: (value, label) pairs


SETTINGS = (
    Setting("followup_interval_days", INTEGER, 15, "Follow-up Due Every (days)",
            "A valid follow-up is due this many days after the last one; then the owner gets a "
            "\"follow-up due\" activity (PROT-2).", "PROT-2", minimum=1),
    Setting("warning_days", INTEGER, 30, "Warning After (days without valid contact)",
            "Without a valid contact for this many days the record shows a warning and its owner is "
            "told (30天未联系, PROT-2).", "PROT-2", minimum=1),
    Setting("release_days", INTEGER, 60, "Release to Pool After (days without valid contact)",
            "Without a valid contact for this many days the record goes to the public pool (公海, PROT-2).",
            "PROT-2", minimum=1),
    Setting("protection_day_unit", SELECTION, protection.CALENDAR, "Count Days In",
            "Working days follow the company's working calendar, public holidays excluded (PROT-4).",
            "PROT-4"),
    Setting("claim_cap", INTEGER, 200, "Max Protected Records per Salesperson",
            "A salesperson holds at most this many protected records of the section (PROT-5).",
            "PROT-5", minimum=1),
    Setting("reclaim_cooldown_days", INTEGER, 30, "Reclaim Cool-down (days)",
            "A previous owner may claim a record again only this many days after losing it (PROT-5).",
            "PROT-5", minimum=0),
    Setting("daily_claim_limit", INTEGER, 0, "Daily Claims per Salesperson",
            "How many pool records one salesperson may claim per day; 0 means no limit (PROT-5).",
            "PROT-5", minimum=0),
    Setting("followup_min_chars", INTEGER, 8, "Minimum Chinese Characters",
            "A follow-up shorter than this (CJK characters; punctuation, emoji, digits and repeats not "
            "counted) is invalid (FU-2 a).", "FU-2", minimum=1),
    Setting("followup_min_words", INTEGER, 5, "Minimum Words (other scripts)",
            "The same minimum for text in other scripts, in words; mixed text counts both (FU-2 a).",
            "FU-2", minimum=1),
    Setting("followup_keywords", TEXT, followups.format_list(followups.DEFAULT_KEYWORDS), "Content Keywords",
            "One per line: a follow-up that names no contact must mention one of these (needs, budget, "
            "channels, progress…) (FU-2 b).", "FU-2"),
    Setting("followup_phrases", TEXT, followups.format_list(followups.DEFAULT_PHRASES), "Meaningless Phrases",
            "One per line: a follow-up made only of these, however padded or repeated, is invalid (FU-2 c).",
            "FU-2"),
    Setting("followup_min_content_chars", INTEGER, 2, "Facts beyond Keywords (Chinese characters)",
            "Besides keywords, meaningless phrases, filler words and contact names, a follow-up must say this "
            "much of its own (what, how many, when, what next); numbers count. 0 and 0: off (FU-2 b).",
            "FU-2", minimum=0),
    Setting("followup_min_content_words", INTEGER, 2, "Facts beyond Keywords (words, other scripts)",
            "The same minimum in words of other scripts; a number counts as a word (FU-2 b).", "FU-2", minimum=0),
    Setting("followup_filler_words", TEXT, followups.format_list(followups.DEFAULT_FILLER), "Filler Words",
            "One per line: words that carry no fact of their own (客户, 的, and, the…); a follow-up made of "
            "keywords joined by these is a keyword list (FU-2 b).", "FU-2"),
    Setting("followup_private_topics", TEXT, followups.format_list(followups.DEFAULT_PRIVATE_TOPICS),
            "Private Topics",
            "One per line: private-life topics (聚餐, 生日, family…); a follow-up about one of these with at most "
            "one content keyword is not about the sale (FU-2 e).", "FU-2"),
    Setting("followup_similarity", INTEGER, 90, "Near-duplicate Similarity (%)",
            "A follow-up at least this similar to an earlier one of the record, or to the author's own on another "
            "record within the copy window (dates, numbers and names left out), repeats it (FU-2 d).",
            "FU-2", minimum=50, maximum=100),
    Setting("followup_copy_days", INTEGER, 30, "Copied Follow-ups Within (days)",
            "A follow-up identical to another record's follow-up of this many days is invalid; 0: off (FU-2).",
            "FU-2", minimum=0),
    Setting("invalid_followup_limit", INTEGER, 3, "Invalid Follow-ups Allowed",
            "This many invalid follow-ups by the owner make protection invalid; 0: off (FU-4).",
            "FU-4", minimum=0),
    Setting("first_followup_days", INTEGER, 15, "First Valid Follow-up Within (days)",
            "Without a valid follow-up this many days after protection starts, protection is invalid; "
            "0: off (FU-4).", "FU-4", minimum=0),
    Setting("key_contact_months", INTEGER, 1, "Key Contact Within (months)",
            "Without a key contact (关键联系人) this many months after protection starts, protection is "
            "invalid; 0: off (FU-4).", "FU-4", minimum=0),
    Setting("validity_query_daily_limit", INTEGER, 10, "Validity Queries per Salesperson per Day",
            "How many validity queries (有效性查询) one salesperson may file per day; 0: none (FU-6).",
            "FU-6", minimum=0),
    # ENTRY-1 … ENTRY-4: registration (录入规范)
    Setting("registration_facts", TEXT, "\n".join(registration.REQUIRED_DEFAULT), "Required at Registration",
            "One per line, from: customer, contact, phone, source, region, need, email, address, website. A "
            "lead or opportunity registered without one of these is refused, on every path (ENTRY-1).",
            "ENTRY-1"),
    Setting("registration_approval", BOOLEAN, False, "Registrations Need Approval",
            "New registrations wait for a section head or admin; protection starts when approved (ENTRY-3).",
            "ENTRY-3"),
    Setting("completion_facts", TEXT, "\n".join(registration.COMPLETION_DEFAULT), "To Complete after Registration",
            "One per line, from the same facts: what a new registration must also have within the completion "
            "days (ENTRY-4).", "ENTRY-4"),
    Setting("completion_days", INTEGER, 7, "Complete Within (days)",
            "A new registration's facts are due this many days after it; its form shows what is missing until "
            "when (ENTRY-4).",
            "ENTRY-4", minimum=1),
    Setting("completion_limit_days", INTEGER, 10, "Complete at Most Within (days)",
            "Still incomplete this many days after registration, it is flagged late for the section admins "
            "(ENTRY-4).", "ENTRY-4", minimum=1),
    Setting("customer_check_daily_limit", INTEGER, 20, "Customer Checks per Salesperson per Day",
            "How many Check Customer (客户查询) lookups one salesperson may make per day in the section; every "
            "lookup counts, whatever it answers; 0: none (ENTRY-2).", "ENTRY-2", minimum=0),
) + tuple(
    # GRADE-4 / PROT-3: a table per grade of follow-up, warning and release
    # days; 0 for warning or release: the section's own number
    setting
    for grade, interval in zip(grading.GRADES, (7, 15, 30, 30, 30), strict=True)
    for setting in (
        Setting(f"grade_{grade.lower()}_followup_days", INTEGER, interval, f"Grade {grade}: Follow-up Due Every (days)",
                f"A valid follow-up of a grade {grade} customer, and of its leads, is due this many days after the "
                "last one (GRADE-4).", "GRADE-4", minimum=1),
        Setting(f"grade_{grade.lower()}_warning_days", INTEGER, 0, f"Grade {grade}: Warning After (days)",
                f"Warning of a grade {grade} customer's records after this many days without valid contact; "
                "0: the section's number (GRADE-4).", "GRADE-4", minimum=0),
        Setting(f"grade_{grade.lower()}_release_days", INTEGER, 0, f"Grade {grade}: Release After (days)",
                f"Release of a grade {grade} customer's records after this many days without valid contact; "
                "0: the section's number (GRADE-4).", "GRADE-4", minimum=0),
    ))
BY_NAME = {s.name: s for s in SETTINGS}
DEFAULTS = {s.name: s.default for s in SETTINGS}
# the settings whose change moves the dates of protected records
PROTECTION_NUMBERS = frozenset((
    "followup_interval_days", "warning_days", "release_days", "protection_day_unit",
    "invalid_followup_limit", "first_followup_days", "key_contact_months",
    *(s.name for s in SETTINGS if s.name.startswith("grade_"))))
# the settings a chatter note is judged with (cached per worker)
JUDGING = frozenset(("followup_min_chars", "followup_min_words", "followup_keywords", "followup_phrases",
                     "protection_day_unit", "followup_copy_days", "followup_min_content_chars",
                     "followup_min_content_words", "followup_filler_words", "followup_private_topics",
                     "followup_similarity"))

# why a set of values is refused
BELOW_MINIMUM = "below_minimum"
ABOVE_MAXIMUM = "above_maximum"
WARNING_NOT_BEFORE_RELEASE = "warning_not_before_release"
UNKNOWN_FACT = "unknown_fact"
COMPLETION_AFTER_LIMIT = "completion_after_limit"


def violations(values):
    """What is wrong with ``values`` (setting name -> value, some or all):
    ``(code, setting)`` pairs, in ``SETTINGS`` order; empty when all is well."""
    found = []
    for setting in SETTINGS:
        value = values.get(setting.name)
        if setting.minimum is not None and value is not None and value < setting.minimum:
            found.append((BELOW_MINIMUM, setting))
        if setting.maximum is not None and value is not None and value > setting.maximum:
            found.append((ABOVE_MAXIMUM, setting))
    warning, release = values.get("warning_days"), values.get("release_days")
    if warning and release and warning >= release:
        found.append((WARNING_NOT_BEFORE_RELEASE, BY_NAME["warning_days"]))
    for grade in grading.GRADES:
        key = f"grade_{grade.lower()}_"
        grade_warning = values.get(key + "warning_days") or warning
        grade_release = values.get(key + "release_days") or release
        if (values.get(key + "warning_days") or values.get(key + "release_days")) and grade_warning and \
                grade_release and grade_warning >= grade_release:
            found.append((WARNING_NOT_BEFORE_RELEASE, BY_NAME[key + "warning_days"]))
    for name in ("registration_facts", "completion_facts"):
        if name in values and registration.parse_facts(values[name])[1]:
            found.append((UNKNOWN_FACT, BY_NAME[name]))
    due, limit = values.get("completion_days"), values.get("completion_limit_days")
    if due and limit and due > limit:
        found.append((COMPLETION_AFTER_LIMIT, BY_NAME["completion_days"]))
    return found


def followup_rules(values):
    """The :class:`followups.FollowupRules` of a section's values (FU-2)."""
    return followups.FollowupRules(
        max(values["followup_min_chars"], 1), max(values["followup_min_words"], 1),
        followups.parse_list(values["followup_keywords"]), followups.parse_list(values["followup_phrases"]),
        min_content_chars=values["followup_min_content_chars"], min_content_words=values["followup_min_content_words"],
        filler=followups.parse_list(values["followup_filler_words"]),
        private_topics=followups.parse_list(values["followup_private_topics"]),
        similarity=values["followup_similarity"])


def protection_policy(values, grade=None):
    """The :class:`protection.ProtectionPolicy` of a section's values, for
    the records of a customer of ``grade`` (None: no grade, the section's
    own numbers; PROT-3, GRADE-4)."""
    interval, warning, release = values["followup_interval_days"], values["warning_days"], values["release_days"]
    if grade:
        key = f"grade_{grade.lower()}_"
        interval = values[key + "followup_days"] or interval
        warning = values[key + "warning_days"] or warning
        release = values[key + "release_days"] or release
    return protection.ProtectionPolicy(
        warning_days=warning, release_days=release,
        unit=values["protection_day_unit"] or protection.CALENDAR,
        followup_interval_days=interval,
        first_followup_days=values["first_followup_days"], key_contact_months=values["key_contact_months"],
        invalid_followup_limit=values["invalid_followup_limit"])


def protection_policies(values):
    """The policy of each grade, and of records without one (key None)."""
    return {grade: protection_policy(values, grade) for grade in (None, *grading.GRADES)}


# what a section starts with (and a record outside any section is judged by)
FOLLOWUP_RULES = followup_rules(DEFAULTS)
PROTECTION_POLICY = protection_policy(DEFAULTS)


# A company's grading numbers (GRADE-2): one set per company, on Settings.
GRADE_BANDS = ((grading.THREE_BANDS, "Three bands: A, B, C"), (grading.FIVE_BANDS, "Five bands: A to E"))
GRADE_MODES = ((grading.SCORE, "Fixed score thresholds"), (grading.TOP_PERCENT, "Top percentage of customers"))
_PART_LABELS = {"amount": "Won Amount (12 months)", "growth": "Growth", "margin": "Profit Margin",
                "deals": "Won Deals (12 months)", "tenure": "Relationship Length"}
_FULL_HELP = {"amount": "the won amount (company currency) that earns full points",
              "growth": "the growth (%) against the 12 months before that earns full points",
              "margin": "the profit margin (%) that earns full points",
              "deals": "the number of won deals that earns full points",
              "tenure": "the months since the first won deal that earn full points"}
GRADING = (
    Setting("grade_bands", SELECTION, grading.THREE_BANDS, "Grades",
            "A (key, 重点客户), B (ordinary, 一般客户), C (small, 零散客户); or five bands A to E (GRADE-1).",
            "GRADE-1", choices=GRADE_BANDS),
    Setting("grade_mode", SELECTION, grading.SCORE, "Bands By",
            "Fixed score thresholds, or a share of the customers ranked by score (GRADE-2).", "GRADE-2",
            choices=GRADE_MODES),
    *(Setting(f"grade_weight_{part}", INTEGER, weight, f"Weight: {_PART_LABELS[part]}",
              "The part's weight in the score; 0 leaves it out (GRADE-2).", "GRADE-2", minimum=0)
      for part, weight in zip(grading.PARTS, (50, 20, 15, 10, 5), strict=True)),
    *(Setting(f"grade_full_{part}", INTEGER, full, f"Full Points: {_PART_LABELS[part]}",
              f"The part's 100 points: {_FULL_HELP[part]} (GRADE-2).", "GRADE-2", minimum=1)
      for part, full in zip(grading.PARTS, (1_000_000, 100, 50, 12, 36), strict=True)),
    *(Setting(f"grade_score_{grade.lower()}", INTEGER, threshold, f"Grade {grade} from Score",
              f"Fixed thresholds: a score (0–100) of at least this gives grade {grade} (GRADE-2).", "GRADE-2",
              minimum=0, maximum=100)
      for grade, threshold in zip("ABCD", (60, 30, 15, 5), strict=True)),
    *(Setting(f"grade_top_{grade.lower()}", INTEGER, share, f"Grade {grade}: Top % of Customers",
              f"Top percentage: the best-scored customers up to this share (%, counted from the top) get "
              f"grade {grade} (GRADE-2).", "GRADE-2", minimum=1, maximum=99)
      for grade, share in zip("ABCD", (20, 50, 80, 95), strict=True)),
    Setting("grade_override_max_months", INTEGER, 12, "Longest Grade Override (months)",
            "An approved grade override lasts at most this many months; then the computed grade returns "
            "(GRADE-2).", "GRADE-2", minimum=1, maximum=120),
)
GRADING_DEFAULTS = {s.name: s.default for s in GRADING}


def grading_rules(values):
    """The :class:`grading.GradingRules` of a company's values."""
    return grading.GradingRules(
        bands=values["grade_bands"] or grading.THREE_BANDS, mode=values["grade_mode"] or grading.SCORE,
        weights=tuple(values[f"grade_weight_{p}"] for p in grading.PARTS),
        full=tuple(values[f"grade_full_{p}"] for p in grading.PARTS),
        score_thresholds=tuple(values[f"grade_score_{g}"] for g in "abcd"),
        percent_thresholds=tuple(values[f"grade_top_{g}"] for g in "abcd"))


GRADING_RULES = grading_rules(GRADING_DEFAULTS)


# A company's registration lists (ENTRY-2): one set per company, on Settings.
REGISTRATION = (
    Setting("registration_legal_suffixes", TEXT, "\n".join(registration.LEGAL_SUFFIXES_DEFAULT), "Legal Forms",
            "One per line: legal forms left out when company names are compared (有限公司, Co., Ltd., GmbH…); "
            "a change re-keys every registration (ENTRY-2).", "ENTRY-2"),
)
