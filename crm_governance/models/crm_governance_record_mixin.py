"""A governed record's create, write and unlink, in one place.

Leads/opportunities and customer accounts (``governed.GOVERNED_MODELS``) go
through the same pipeline: what the records were is read once (the
snapshot), the refusals run while nothing is written yet, then the stock
create/write/unlink, then the steps that apply it, in the order listed
below. Each concern (sections, protection, registration, the pool, the
chatter) gives steps as methods of its mixin; none overrides ``create``,
``write`` or ``unlink`` itself. A model adds to a step by overriding the
step (``crm_lead.py``: a won deal's facts; ``res_partner.py``: a customer's
leads follow it).
"""
import logging

from odoo import api, models
from odoo.exceptions import MissingError

from .refusals import governance_access_error

_logger = logging.getLogger(__name__)

# -- the order, in one place --------------------------------------------------
# a create: ``change.vals_list`` is what the caller sent
CREATE_REFUSALS = (
    "_governance_refuse_forged",            # the module's results, also as context defaults (PROT-2, ENTRY-3)
    "_governance_refuse_links",             # links only to records the caller reads (SEC-4)
)
CREATE_STEPS = (                            # on the new records, after the stock create
    "_governance_place_new",                # their team's or owner's section; may the caller register there (SEC-1)
    "_governance_refuse_incomplete",        # a fact the section requires: before anything is counted (ENTRY-1)
    "_governance_protect_new",              # protection starts, but not while waiting for approval; ledger (PROT-7)
    "_governance_check_new_keys",           # registration keys and the collision check (ENTRY-2)
    "_governance_finish_new",               # the model's own: completion clock and approval, key contacts
)
# a write: ``change.before`` is what the records were, read once
WRITE_REFUSALS = (
    "_governance_refuse_won_change",        # a won deal's and its customer's facts (GRADE-2)
    "_governance_refuse_outsider",          # a governed customer changed by someone outside it (SEC-2)
    "_governance_refuse_forged",            # the module's results (PROT-2, ENTRY-3, GRADE-1)
    "_governance_refuse_links",             # links only to records the caller reads (SEC-4)
    "_governance_refuse_owner_change",      # an owner changes only through the door (PROT-5, PROT-7)
    "_governance_refuse_move",              # a move by management only, to the target's people (SEC-3)
)
WRITE_STEPS = (                             # after the stock write
    "_governance_place_entered",            # records entering a section: the caller's right, the ledger (SEC-1)
    "_governance_finish_move",              # the move's ledger row, activities, followers and note (SEC-3)
    "_governance_follow_section",           # protection follows the section (PROT-2)
    "_governance_finish_owner_change",      # reminders, protection, ledger, followers (PROT-5, PROT-7)
    "_governance_check_new_keys",           # new keys and the collision check (ENTRY-2)
    "_governance_follow_customer",          # key contact and grade (FU-4, GRADE-4); a customer's leads' keys
    "_governance_check_facts",              # facts required at registration and conversion (ENTRY-1, ENTRY-4)
)
UNLINK_REFUSALS = (
    "_governance_refuse_unlink",            # only the section's admins delete (SEC-2)
)
UNLINK_STEPS = (                            # before the stock unlink: the record is still there to name
    "_governance_log_deleted",              # the ledger's last row; the registration stays held (SEC-2, ENTRY-2)
)


class GovernedChange:
    """One create, write or unlink of governed records: what the caller
    sent, what the records were before (``before``: id -> ``Before``, read
    once by ``_governance_snapshot``), and what the refusals decided for
    the steps after the stock call (a move's target, an owner change)."""

    def __init__(self, records, vals=None, vals_list=None):
        self.records = records
        self.vals = vals
        self.vals_list = vals_list
        self.fields = frozenset(vals or ())
        # the recordset that writes: a move by group management writes as superuser (SEC-3)
        self.writer = records
        self.before = {}
        self.key_change = False
        self.missing = {}
        # leads written as opportunities that were leads before (a conversion, ENTRY-1)
        self.converting = frozenset()
        # set by the refusals
        self.moving = records.browse()
        self.move = None
        self.owner = None

    @property
    def all_vals(self):
        """The values of every record created, or the one dict written."""
        return self.vals_list if self.vals_list is not None else [self.vals]


class Before:
    """A record before the write."""
    __slots__ = ("owner", "section", "active", "keys", "grade")

    def __init__(self, owner, section, active, keys=None, grade=None):
        self.owner, self.section, self.active, self.keys, self.grade = owner, section, active, keys, grade


class CrmGovernanceRecordMixin(models.AbstractModel):
    """A governed record: leads/opportunities and customer accounts."""
    _name = "crm.governance.record.mixin"
    # the concerns; their steps are called in the order above, not through this list
    _inherit = ["crm.governance.registration.mixin", "crm.governance.chatter.mixin",
                "crm.governance.pool.mixin", "crm.governance.schedule.mixin",
                "crm.governance.protection.mixin", "crm.governance.section.mixin"]
    _description = "Governed CRM Record"

    # fields whose change the steps look at: any other write reads nothing before it
    _governance_watched_fields = frozenset(("user_id", "team_id", "section_id", "parent_id", "is_company",
                                            "active", "partner_id", "type"))

    def _governance_run(self, steps, change):
        for name in steps:
            if _logger.isEnabledFor(logging.DEBUG):
                _logger.debug("%s: %s", self._name, name)
            getattr(self, name)(change)

    # -- the pipeline --------------------------------------------------------
    @api.model
    def _governance_create(self, vals_list, create):
        """``create``: the stock create (the model's ``super().create``)."""
        change = GovernedChange(self.browse(), vals_list=vals_list)
        self._governance_run(CREATE_REFUSALS, change)
        records = create(vals_list)
        change.records = records
        records._governance_run(CREATE_STEPS, change)
        return records

    def _governance_write(self, vals, write):
        """``write``: the stock write (the model's ``super().write``)."""
        try:
            change = self._governance_snapshot(vals)
            self._governance_run(WRITE_REFUSALS, change)
            # (a move by group management: the same stock write, as superuser)
            res = write(change.vals) if change.writer is self else write.__func__(change.writer, change.vals)
            self._governance_run(WRITE_STEPS, change)
        except MissingError:
            if self.env.su:
                raise
            # stock crm and res.partner read the records before any access
            # check: an id that does not exist gets the refusal a foreign one gets (SEC-4)
            raise governance_access_error(self.env, self._name) from None
        return res

    def _governance_unlink(self, unlink):
        change = GovernedChange(self)
        if self._governance_active():
            self._governance_run(UNLINK_REFUSALS, change)
            self._governance_run(UNLINK_STEPS, change)
        return unlink()

    def _governance_snapshot(self, vals):
        """What the records were before ``vals``, read once for every step."""
        change = GovernedChange(self, vals=vals)
        key_change = change.fields & self._governance_key_sources()
        change.key_change = bool(key_change or (vals.get("active") and "active" in self._fields))
        if not (change.key_change or change.fields & self._governance_watched_fields
                or change.fields & self._governance_fact_fields()):
            return change
        grade = "governance_grade" in self._fields and "partner_id" in change.fields
        for rec in self.sudo().with_context(active_test=False):
            change.before[rec.id] = Before(
                rec.user_id.id, rec.section_id.id, rec.active,
                rec._governance_stored_keys() if change.key_change else None,
                rec.governance_grade if grade else None)
        self._governance_snapshot_facts(change)
        return change

    # -- steps a model fills in (the concerns' are in their mixins) -----------------
    def _governance_fact_fields(self):
        """The fields of the facts a registration requires (ENTRY-1)."""
        return frozenset()

    def _governance_snapshot_facts(self, change):
        """The facts the records lacked before the write (ENTRY-1)."""

    def _governance_refuse_won_change(self, change):
        pass

    def _governance_refuse_outsider(self, change):
        pass

    def _governance_follow_customer(self, change):
        pass

    def _governance_check_facts(self, change):
        pass

    def _governance_finish_new(self, change):
        pass
