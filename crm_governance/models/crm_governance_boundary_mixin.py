import functools

from odoo import api, models
from odoo.exceptions import MissingError

from .refusals import governance_access_error, governance_readonly_error


class CrmGovernanceBoundaryMixin(models.AbstractModel):
    """One refusal for what a caller may not reach (SEC-4): stock Odoo
    answers an id that does not exist with MissingError (or silently, on
    read) and one it may not read with AccessError, naming it in debug mode:
    together an oracle for which ids exist and what they are called. Leads,
    customer accounts and the module's own records (ledger rows, follow-ups,
    validity queries, grade overrides and changes, deleted registrations)
    answer both alike."""
    _name = "crm.governance.boundary.mixin"
    _description = "CRM Governance: One Refusal"

    @api.model
    def _governance_active(self):
        """Is governance on in any section? (See _governance_enabled_ids.)"""
        return bool(self.env["crm.governance.section"]._governance_enabled_ids())

    def _check_access(self, operation):
        if self.env.su or not any(self._ids):
            return super()._check_access(operation)
        try:
            result = super()._check_access(operation)
            forbidden = result[0] if result else self.browse()
        except MissingError:
            existing = self.exists()
            result = super(CrmGovernanceBoundaryMixin, existing)._check_access(operation)
            forbidden = (self - existing) + (result[0] if result else self.browse())
        if forbidden:
            if operation != "read" and not forbidden._check_access("read"):
                return forbidden, functools.partial(governance_readonly_error, self.env, self._name, operation)
            return forbidden, functools.partial(governance_access_error, self.env, self._name)
        return None

    @api.private
    def exists(self):
        # callable over JSON-RPC otherwise: a list of which ids exist (SEC-4)
        return super().exists()

    @api.private
    def fetch(self, field_names):
        # silent for missing ids, a refusal for foreign ones: an oracle over RPC
        return super().fetch(field_names)

    def read(self, fields=None, load="_classic_read"):
        if not self.env.su and self._ids and self._governance_active() and len(self.exists()) != len(self):
            # stock read skips deleted ids without a word (see _check_access)
            raise governance_access_error(self.env, self._name)
        return super().read(fields, load=load)
