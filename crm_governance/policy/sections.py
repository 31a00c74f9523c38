"""Which section a newly registered record belongs to (POLICY SEC-1)."""


def pick_section(team_section_id=None, owner_section_ids=()):
    """The sales team's section wins; else the owner's section when the owner
    belongs to exactly one (with several, guessing would put the record in
    front of the wrong people, so it stays without section); else ``None``."""
    if team_section_id:
        return team_section_id
    owner_section_ids = list(dict.fromkeys(owner_section_ids))
    if len(owner_section_ids) == 1:
        return owner_section_ids[0]
    return None


# Switching governance on, or a policy change that moves dates, is done in the
# request when the section is small, else by a scheduled job in committed
# batches (a million records take minutes, longer than any HTTP request).
BACKGROUND_THRESHOLD_DEFAULT = 5000


def in_background(records, threshold=BACKGROUND_THRESHOLD_DEFAULT):
    """Whether work on ``records`` records goes to the background job."""
    return records > threshold


def progress(done, total):
    """Whole percent of a background job done: 0 … 99 while it runs (the
    records still growing under it cannot make it say 100 % early)."""
    if total <= 0:
        return 0
    return max(0, min(99, done * 100 // total))
