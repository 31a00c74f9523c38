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
