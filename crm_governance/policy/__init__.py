"""Business rules of crm_governance as pure functions: no ORM, no database.

The ORM layer gathers facts in bulk, calls these, and writes the results.
"""
from .access import Roles, SectionScopes, section_scopes  # noqa: F401
from .sections import default_section, pick_section  # noqa: F401
