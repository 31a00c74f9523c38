from odoo import models

from .governed import GOVERNED_MODELS
from .refusals import governance_access_error

# models whose refusals must name no record: in debug mode stock Odoo lists
# the display names of the records refused (SEC-4)
UNNAMED_IN_REFUSALS = frozenset((
    *GOVERNED_MODELS, "mail.activity", "mail.followers", "crm.activity.report", "calendar.event",
    "calendar.attendee",
    "crm.governance.ledger", "crm.governance.followup", "crm.governance.validity.query",
    "crm.governance.grade.override", "crm.governance.grade.change", "crm.governance.deleted.registration",
))


class IrRule(models.Model):
    _inherit = "ir.rule"

    def _make_access_error(self, operation, records):
        if records._name in UNNAMED_IN_REFUSALS:
            return governance_access_error(self.env, records._name)
        return super()._make_access_error(operation, records)
