"""The policy numbers and lists a company sets (POLICY.md's defaults), declared
once: the company defaults, every section's own values and the Settings
screen are all built from ``SETTINGS``, and checked by ``violations``.
"""
from dataclasses import dataclass

from . import followups, protection

INTEGER = "integer"
TEXT = "text"
SELECTION = "selection"

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
)
BY_NAME = {s.name: s for s in SETTINGS}
DEFAULTS = {s.name: s.default for s in SETTINGS}
# the settings whose change moves the dates of protected records
PROTECTION_NUMBERS = frozenset((
    "followup_interval_days", "warning_days", "release_days", "protection_day_unit",
    "invalid_followup_limit", "first_followup_days", "key_contact_months"))
# the settings a chatter note is judged with (cached per worker)
JUDGING = frozenset(("followup_min_chars", "followup_min_words", "followup_keywords", "followup_phrases",
                     "protection_day_unit", "followup_copy_days"))

# why a set of values is refused
BELOW_MINIMUM = "below_minimum"
WARNING_NOT_BEFORE_RELEASE = "warning_not_before_release"


def violations(values):
    """What is wrong with ``values`` (setting name -> value, some or all):
    ``(code, setting)`` pairs, in ``SETTINGS`` order; empty when all is well."""
    found = []
    for setting in SETTINGS:
        value = values.get(setting.name)
        if setting.minimum is not None and value is not None and value < setting.minimum:
            found.append((BELOW_MINIMUM, setting))
    warning, release = values.get("warning_days"), values.get("release_days")
    if warning and release and warning >= release:
        found.append((WARNING_NOT_BEFORE_RELEASE, BY_NAME["warning_days"]))
    return found


def protection_policy(values):
    """The :class:`protection.ProtectionPolicy` of a section's values."""
    return protection.ProtectionPolicy(
        warning_days=values["warning_days"], release_days=values["release_days"],
        unit=values["protection_day_unit"] or protection.CALENDAR,
        followup_interval_days=values["followup_interval_days"],
        first_followup_days=values["first_followup_days"], key_contact_months=values["key_contact_months"],
        invalid_followup_limit=values["invalid_followup_limit"])
