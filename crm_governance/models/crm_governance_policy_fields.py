"""Odoo fields for the policy settings of ``policy.settings.SETTINGS``: the
list is declared once there, and the company defaults, each section's values
and the Settings screen are built from it here."""
from odoo import fields

from ..policy import settings

_FIELD_TYPES = {settings.INTEGER: fields.Integer, settings.TEXT: fields.Text, settings.BOOLEAN: fields.Boolean}


def _field(setting, **kwargs):
    if setting.kind == settings.SELECTION:
        if "related" not in kwargs:
            kwargs["selection"] = list(setting.choices)
        return fields.Selection(string=setting.label, help=setting.help, **kwargs)
    return _FIELD_TYPES[setting.kind](string=setting.label, help=setting.help, **kwargs)


def _section_default(name):
    return lambda self: self._company_default(name)


def section_fields():
    """A section's own values, starting as its company's defaults."""
    return {s.name: _field(s, default=_section_default(s.name), required=s.kind == settings.SELECTION,
                           tracking=True)
            for s in settings.SETTINGS}


def company_fields():
    """A company's defaults for new sections (POLICY.md's numbers), its
    grading numbers (GRADE-2) and its registration lists (ENTRY-2)."""
    return {f"governance_{s.name}": _field(s, default=s.default)
            for s in settings.SETTINGS + settings.GRADING + settings.REGISTRATION}


def config_fields():
    """The company defaults and grading numbers on the Settings screen."""
    return {f"governance_{s.name}": _field(s, related=f"company_id.governance_{s.name}", readonly=False)
            for s in settings.SETTINGS + settings.GRADING + settings.REGISTRATION}


def company_default_fields():
    """The company defaults and grading numbers as plain fields, for the
    module's own settings dialog (its system admins are not Odoo admins)."""
    return {f"governance_{s.name}": _field(s) for s in settings.SETTINGS + settings.GRADING + settings.REGISTRATION}
