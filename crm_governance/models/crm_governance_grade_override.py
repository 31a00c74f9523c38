from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools.misc import clean_context

from ..policy import grading
from ..policy.access import GRADE_OVERRIDE
from .res_partner_grade import GRADE_SELECTION
from .trusted import as_id

OVERRIDE_STATES = [
    ("pending", "Waiting for Approval"),
    ("approved", "Approved"),
    ("rejected", "Rejected"),
    ("cancelled", "Cancelled"),
    ("ended", "Ended"),
]
# what a proposal is made of; everything else is the module's to write
PROPOSAL_FIELDS = frozenset(("partner_id", "grade", "reason", "date_end"))


class CrmGovernanceGradeOverride(models.Model):
    """A manual grade (GRADE-2): a salesperson proposes another grade for a
    customer with a reason and an end date; a section head of the
    customer's section approves or rejects it (大区总经理审核). An approved
    override is the customer's grade until its end date, then the computed
    grade returns. Every step is logged on the customer."""
    _name = "crm.governance.grade.override"
    _description = "CRM Grade Override"
    _inherit = ["mail.thread", "crm.governance.boundary.mixin"]
    _order = "create_date desc, id desc"
    _rec_name = "partner_id"

    # set null, not cascade: deleting a customer keeps the record of who proposed what (GRADE-2)
    partner_id = fields.Many2one("res.partner", string="Customer", index=True, ondelete="set null",
                                 readonly=True, domain=[("is_company", "=", True)])
    section_id = fields.Many2one("crm.governance.section", readonly=True, index=True)
    grade = fields.Selection(GRADE_SELECTION, string="Proposed Grade", required=True, readonly=True)
    computed_grade = fields.Selection(GRADE_SELECTION, string="Computed Grade When Proposed", readonly=True)
    reason = fields.Text(required=True, readonly=True)
    date_end = fields.Date(string="Until", required=True, readonly=True,
                           help="The override is the customer's grade until this day; then the computed grade "
                                "returns.")
    state = fields.Selection(OVERRIDE_STATES, default="pending", required=True, readonly=True, index=True,
                             tracking=True)
    proposer_id = fields.Many2one("res.users", string="Proposed By", required=True, readonly=True,
                                  default=lambda self: self.env.user, index=True)
    approver_id = fields.Many2one("res.users", string="Decided By", readonly=True)
    decided_at = fields.Datetime(string="Decided On", readonly=True)
    decision_note = fields.Text(
                                help="Why the proposal was rejected (told to the salesperson).")
    can_decide = fields.Boolean(compute="_compute_can_decide")
    can_revoke = fields.Boolean(compute="_compute_can_decide")

    def _compute_can_decide(self):
        for override in self:
            may = override._governance_may_decide(self.env.user)
            override.can_decide = override.state == "pending" and may
            override.can_revoke = override.state == "approved" and may

    def _governance_may_decide(self, user):
        # the customer's section now: a customer moved since is its new head's
        return user._governance_may_decide(GRADE_OVERRIDE, self.sudo().partner_id.section_id)

    # -- the model boundary ---------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        if self.env.su:
            return super().create(vals_list)
        today = fields.Date.context_today(self)
        clean = []
        for vals in vals_list:
            extra = set(vals) - PROPOSAL_FIELDS
            if extra:
                raise UserError(_("%(fields)s cannot be set on a grade override: a proposal gives the customer, "
                                  "the grade, a reason and an end date (GRADE-2).",
                                  fields=", ".join(sorted(extra))))
            # an id as the ORM would take it, whatever type it was sent as
            partner = self.env["res.partner"].browse(as_id(vals.get("partner_id")) or [])
            # the caller's rights first: a customer they cannot see is not found (SEC-4)
            partner.check_access("read")
            customer = partner.sudo()
            if len(customer) != 1 or customer != customer.commercial_partner_id or not customer.section_id:
                raise ValidationError(_("Field 'Customer': a grade override is proposed for a customer account "
                                        "of a section (GRADE-2)."))
            if not (vals.get("reason") or "").strip():
                raise ValidationError(_("Field 'Reason' is required: say why the customer deserves another "
                                        "grade (GRADE-2)."))
            end = fields.Date.to_date(vals.get("date_end")) if vals.get("date_end") else None
            if not end:
                raise ValidationError(_("Field 'Until' is required: an override ends, then the computed grade "
                                        "returns (GRADE-2)."))
            if end < today:
                raise ValidationError(_("Field 'Until': %s is in the past (GRADE-2).", fields.Date.to_string(end)))
            company = customer.section_id.company_id or self.env.company
            months = company.governance_grade_override_max_months
            if end > today + relativedelta(months=months):
                raise ValidationError(_(
                    "Field 'Until': an override lasts at most %(months)s months, until %(date)s; propose it again "
                    "then (GRADE-2).", months=months,
                    date=fields.Date.to_string(today + relativedelta(months=months))))
            bands = company.governance_grade_bands or grading.THREE_BANDS
            if not vals.get("grade") or vals.get("grade") not in tuple(bands):
                raise ValidationError(_("Field 'Proposed Grade': the company grades in bands %s (GRADE-1).",
                                        ", ".join(bands)))
            if self.sudo().search_count([("partner_id", "=", customer.id), ("state", "=", "pending")]):
                raise ValidationError(_("%s already has a grade override waiting for approval (GRADE-2).",
                                        customer.display_name))
            clean.append(dict(vals, partner_id=customer.id, proposer_id=self.env.uid, section_id=customer.section_id.id,
                              computed_grade=customer.governance_grade_computed, state="pending"))
        # as superuser, without the caller's default_* keys (approver, followers…)
        quiet = self.sudo().with_context(clean_context(self.env.context))  # pylint: disable=context-overridden
        overrides = super(CrmGovernanceGradeOverride, quiet).create(clean).with_env(self.env)
        for override in overrides.sudo():
            heads = override.section_id._governance_told(GRADE_OVERRIDE)
            override.message_subscribe(partner_ids=(heads.partner_id | override.proposer_id.partner_id).ids)
            override.message_post(
                body=_("%(user)s proposes grade %(grade)s for %(customer)s until %(date)s: %(reason)s",
                       user=override.proposer_id.name, grade=override.grade, customer=override.partner_id.name,
                       date=fields.Date.to_string(override.date_end), reason=override.reason),
                partner_ids=heads.partner_id.ids, subtype_xmlid="mail.mt_comment")
            override.partner_id._governance_log_grade({override.partner_id.id: _(
                "Grade override to %(grade)s proposed by %(user)s until %(date)s: %(reason)s (GRADE-2).",
                grade=override.grade, user=override.proposer_id.name,
                date=fields.Date.to_string(override.date_end), reason=override.reason)})
        return overrides

    def write(self, vals):
        if self.env.su:
            return super().write(vals)
        if set(vals) - {"decision_note"}:
            raise UserError(_("A grade override is changed only by approving, rejecting or cancelling it "
                              "(GRADE-2)."))
        self._governance_check_decider()
        return super(CrmGovernanceGradeOverride, self.sudo()).write(vals)

    def _governance_check_decider(self):
        self.check_access("read")
        for override in self:
            if override.state != "pending":
                raise UserError(_("The grade override of %(customer)s is %(state)s already (GRADE-2).",
                                  customer=override.sudo().partner_id.display_name,
                                  state=dict(OVERRIDE_STATES)[override.state]))
            if not self.env.su and not override._governance_may_decide(self.env.user):
                raise AccessError(_("Only a section head of %s approves or rejects its customers' grade "
                                    "overrides (GRADE-2).", override.sudo().partner_id.section_id.display_name))
            if not self.env.su and override.proposer_id == self.env.user:
                raise AccessError(_("A grade override is decided by another section head than the one who "
                                    "proposed it (GRADE-2)."))

    # -- the steps --------------------------------------------------------------
    def action_approve(self):
        self._governance_check_decider()
        today = fields.Date.context_today(self)
        for override in self.sudo():
            customer = override.partner_id
            # the newest approval is the one in force
            self.sudo().search([("partner_id", "=", customer.id), ("state", "=", "approved")]).write(
                {"state": "ended"})
            override.write({"state": "approved", "approver_id": self.env.uid, "decided_at": fields.Datetime.now()})
            customer._write({"governance_grade_override": override.grade,
                             "governance_grade_override_until": override.date_end})
            customer.invalidate_recordset(["governance_grade_override", "governance_grade_override_until"])
            override._governance_tell(_("%(user)s approved grade %(grade)s until %(date)s.",
                                        user=self.env.user.name, grade=override.grade,
                                        date=fields.Date.to_string(override.date_end)))
            customer._governance_apply_grades(
                {customer.id: grading.effective_grade(customer.governance_grade_computed, override.grade,
                                                      override.date_end, today)},
                "override", note=_("override approved by %(user)s: %(reason)s", user=self.env.user.name,
                                   reason=override.reason))
        return True

    def action_reject(self):
        self._governance_check_decider()
        for override in self.sudo():
            override.write({"state": "rejected", "approver_id": self.env.uid, "decided_at": fields.Datetime.now()})
            override._governance_tell(_("%(user)s rejected grade %(grade)s: %(note)s", user=self.env.user.name,
                                        grade=override.grade, note=override.decision_note or _("no reason given")))
        return True

    def action_revoke(self):
        """A head of the customer's section ends an approved override now:
        the computed grade returns (GRADE-2)."""
        self.check_access("read")
        today = fields.Date.context_today(self)
        for override in self.sudo():
            if override.state != "approved":
                raise UserError(_("Only an approved grade override is revoked; %(customer)s's is %(state)s "
                                  "(GRADE-2).", customer=override.partner_id.display_name,
                                  state=dict(OVERRIDE_STATES)[override.state]))
            if not self.env.su and not override.with_env(self.env)._governance_may_decide(self.env.user):
                raise AccessError(_("Only a section head of %s revokes its customers' grade overrides (GRADE-2).",
                                    override.partner_id.section_id.display_name))
            override.write({"state": "ended", "date_end": min(override.date_end, today)})
            customer = override.partner_id
            customer._write({"governance_grade_override": None, "governance_grade_override_until": None})
            customer.invalidate_recordset(["governance_grade_override", "governance_grade_override_until"])
            override._governance_tell(_("%s revoked the override; the computed grade returns.", self.env.user.name))
            customer._governance_apply_grades({customer.id: customer.governance_grade_computed or None},
                                              "override_end", note=_("override revoked by %s", self.env.user.name))
        return True

    def action_cancel(self):
        self.check_access("read")
        for override in self.sudo():
            if override.state != "pending" or (override.proposer_id != self.env.user and not self.env.su):
                raise UserError(_("Only the salesperson who proposed a grade override cancels it, while it "
                                  "waits for approval (GRADE-2)."))
            override.write({"state": "cancelled"})
            override._governance_tell(_("%s cancelled the proposal.", self.env.user.name))
        return True

    def _governance_tell(self, text):
        """One step, logged on the customer and told to the proposer."""
        self.ensure_one()
        self.message_post(body=text, partner_ids=self.proposer_id.partner_id.ids, subtype_xmlid="mail.mt_comment")
        self.partner_id._governance_log_grade({self.partner_id.id: _("Grade override: %s (GRADE-2)", text)})

    @api.model
    def _governance_expire(self, today):
        """Approved overrides past their end date end: the computed grade
        returns, logged."""
        ended = self.sudo().search([("state", "=", "approved"), ("date_end", "<", today)])
        if not ended:
            return
        ended.write({"state": "ended"})
        customers = ended.partner_id.filtered(lambda p: p.governance_grade_override_until
                                              and p.governance_grade_override_until < today)
        customers._write({"governance_grade_override": None, "governance_grade_override_until": None})
        customers.invalidate_recordset(["governance_grade_override", "governance_grade_override_until"])
        for override in ended:
            override.message_post(body=_("The override ended on %s; the computed grade returns.",
                                         fields.Date.to_string(override.date_end)))
        customers._governance_apply_grades({p.id: p.governance_grade_computed or None for p in customers},
                                           "override_end")
