from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from ..policy import protection
from .crm_governance_section import (
    FOLLOWUP_NUMBERS,
    POLICY_DEFAULTS,
    DEFAULT_CLAIM_CAP,
    DEFAULT_FOLLOWUP_INTERVAL_DAYS,
    DEFAULT_RECLAIM_COOLDOWN_DAYS,
    DEFAULT_RELEASE_DAYS,
    DEFAULT_WARNING_DAYS,
)


class ResCompany(models.Model):
    """Company-level defaults for the policy of new sections (POLICY.md's
    numbers unless changed in Settings)."""
    _inherit = "res.company"

    governance_followup_interval_days = fields.Integer(
        string="Follow-up Due Every (days)", default=DEFAULT_FOLLOWUP_INTERVAL_DAYS)
    governance_warning_days = fields.Integer(
        string="Warning After (days without valid contact)", default=DEFAULT_WARNING_DAYS)
    governance_release_days = fields.Integer(
        string="Release to Pool After (days without valid contact)", default=DEFAULT_RELEASE_DAYS)
    governance_claim_cap = fields.Integer(
        string="Max Protected Records per Salesperson", default=DEFAULT_CLAIM_CAP)
    governance_reclaim_cooldown_days = fields.Integer(
        string="Reclaim Cool-down (days)", default=DEFAULT_RECLAIM_COOLDOWN_DAYS)
    governance_protection_day_unit = fields.Selection(
        [(protection.CALENDAR, "Calendar days"), (protection.WORKING, "Working days")],
        string="Count Days In", default=protection.CALENDAR)

    governance_followup_min_chars = fields.Integer(
        string="Minimum Chinese Characters", default=POLICY_DEFAULTS["followup_min_chars"])
    governance_followup_min_words = fields.Integer(
        string="Minimum Words (other scripts)", default=POLICY_DEFAULTS["followup_min_words"])
    governance_followup_keywords = fields.Text(
        string="Content Keywords", default=POLICY_DEFAULTS["followup_keywords"])
    governance_followup_phrases = fields.Text(
        string="Meaningless Phrases", default=POLICY_DEFAULTS["followup_phrases"])
    governance_followup_copy_days = fields.Integer(
        string="Copied Follow-ups Within (days)", default=POLICY_DEFAULTS["followup_copy_days"])
    governance_invalid_followup_limit = fields.Integer(
        string="Invalid Follow-ups Allowed", default=POLICY_DEFAULTS["invalid_followup_limit"])
    governance_first_followup_days = fields.Integer(
        string="First Valid Follow-up Within (days)", default=POLICY_DEFAULTS["first_followup_days"])
    governance_key_contact_months = fields.Integer(
        string="Key Contact Within (months)", default=POLICY_DEFAULTS["key_contact_months"])
    governance_validity_query_daily_limit = fields.Integer(
        string="Validity Queries per Salesperson per Day", default=POLICY_DEFAULTS["validity_query_daily_limit"])

    @api.constrains("governance_followup_min_chars", "governance_followup_min_words",
                    *(f"governance_{n}" for n in FOLLOWUP_NUMBERS))
    def _check_governance_followup_defaults(self):
        for company in self:
            if min(company.governance_followup_min_chars, company.governance_followup_min_words) < 1:
                raise ValidationError(_("Company %(company)s: the default minimum length must be at least 1 "
                                        "(FU-2).", company=company.name))
            if min(company[f"governance_{n}"] for n in FOLLOWUP_NUMBERS) < 0:
                raise ValidationError(_("Company %(company)s: the default follow-up numbers cannot be negative "
                                        "(FU-4).", company=company.name))

    @api.constrains("governance_followup_interval_days", "governance_warning_days",
                    "governance_release_days", "governance_claim_cap", "governance_reclaim_cooldown_days")
    def _check_governance_defaults(self):
        for company in self:
            if min(company.governance_followup_interval_days, company.governance_warning_days,
                   company.governance_release_days) <= 0 or company.governance_reclaim_cooldown_days < 0:
                raise ValidationError(_("Company %(company)s: the default numbers of days must be positive "
                                        "(PROT-2).", company=company.name))
            if company.governance_warning_days >= company.governance_release_days:
                raise ValidationError(_(
                    "Company %(company)s: the default warning (%(warn)s days) must come before the release "
                    "to the pool (%(release)s days) (PROT-2).", company=company.name,
                    warn=company.governance_warning_days, release=company.governance_release_days))
            if company.governance_claim_cap < 1:
                raise ValidationError(_("Company %(company)s: the default cap must be at least 1 (PROT-5).",
                                        company=company.name))


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    governance_followup_interval_days = fields.Integer(
        related="company_id.governance_followup_interval_days", readonly=False)
    governance_warning_days = fields.Integer(related="company_id.governance_warning_days", readonly=False)
    governance_release_days = fields.Integer(related="company_id.governance_release_days", readonly=False)
    governance_claim_cap = fields.Integer(related="company_id.governance_claim_cap", readonly=False)
    governance_reclaim_cooldown_days = fields.Integer(
        related="company_id.governance_reclaim_cooldown_days", readonly=False)
    governance_protection_day_unit = fields.Selection(
        related="company_id.governance_protection_day_unit", readonly=False)
    governance_followup_min_chars = fields.Integer(related="company_id.governance_followup_min_chars", readonly=False)
    governance_followup_min_words = fields.Integer(related="company_id.governance_followup_min_words", readonly=False)
    governance_followup_keywords = fields.Text(related="company_id.governance_followup_keywords", readonly=False)
    governance_followup_phrases = fields.Text(related="company_id.governance_followup_phrases", readonly=False)
    governance_followup_copy_days = fields.Integer(related="company_id.governance_followup_copy_days", readonly=False)
    governance_invalid_followup_limit = fields.Integer(
        related="company_id.governance_invalid_followup_limit", readonly=False)
    governance_first_followup_days = fields.Integer(
        related="company_id.governance_first_followup_days", readonly=False)
    governance_key_contact_months = fields.Integer(
        related="company_id.governance_key_contact_months", readonly=False)
    governance_validity_query_daily_limit = fields.Integer(
        related="company_id.governance_validity_query_daily_limit", readonly=False)
