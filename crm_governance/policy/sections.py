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


def default_section(team_section_id=None, listed_governed_ids=()):
    """The section a user's new record goes to by default (SEC-1): the team
    Odoo would pick, when its section is one of the governed sections the
    user is listed on (or the user is listed on none); else the one
    governed section the user is listed on, so that a quick-created lead of
    a salesperson who belongs to no sales team lands under their rules and
    not in the stock "Sales" team; with several, the user chooses (``None``:
    keep Odoo's team)."""
    listed = list(dict.fromkeys(listed_governed_ids))
    if not listed or team_section_id in listed:
        return None
    if len(listed) == 1:
        return listed[0]
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
