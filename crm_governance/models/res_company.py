from odoo import api, models
from odoo.exceptions import ValidationError

from ..policy import grading, settings
from .crm_governance_policy_fields import company_fields


class ResCompany(models.Model):
    """Company-level defaults for the policy of new sections (POLICY.md's
    numbers unless changed in Settings)."""
    _inherit = "res.company"

    # one field per policy setting (policy/settings.py), prefixed governance_
    locals().update(company_fields())

    @api.constrains(*(f"governance_{s.name}" for s in settings.SETTINGS))
    def _check_governance_defaults(self):
        for company in self:
            self.env["crm.governance.section"]._governance_check_settings(
                {s.name: company[f"governance_{s.name}"] for s in settings.SETTINGS},
                self.env._("Company %s", company.name))

    def write(self, vals):
        res = super().write(vals)
        if "governance_registration_legal_suffixes" in vals:
            # other legal forms, other name keys: every registration again
            self.env["crm.governance.section"].sudo()._governance_rekey_start()
        return res

    def _governance_grading_rules(self):
        """The company's grading numbers (GRADE-2)."""
        self.ensure_one()
        return settings.grading_rules({s.name: self[f"governance_{s.name}"] for s in settings.GRADING})

    @api.constrains(*(f"governance_{s.name}" for s in settings.GRADING))
    def _check_governance_grading(self):
        for company in self:
            values = {s.name: company[f"governance_{s.name}"] for s in settings.GRADING}
            for setting in settings.GRADING:
                value = values[setting.name]
                label = self._fields[f"governance_{setting.name}"]._description_string(self.env)
                if setting.minimum is not None and value < setting.minimum:
                    raise ValidationError(self.env._(
                        "Company %(company)s: '%(field)s' must be at least %(minimum)s (GRADE-2).",
                        company=company.name, field=label, minimum=setting.minimum))
                if setting.maximum is not None and value > setting.maximum:
                    raise ValidationError(self.env._(
                        "Company %(company)s: '%(field)s' must be at most %(maximum)s (GRADE-2).",
                        company=company.name, field=label, maximum=setting.maximum))
            problems = grading.violations(company._governance_grading_rules())
            messages = {
                grading.NO_WEIGHT: self.env._("at least one weight of the grading score must be above 0"),
                grading.NEGATIVE_WEIGHT: self.env._("weights of the grading score cannot be negative"),
                grading.NO_FULL_MARKS: self.env._("every weighted part needs a full-points figure above 0"),
                grading.THRESHOLDS_ORDER: self.env._(
                    "the band thresholds must be in order: each grade's score above the next one's, each "
                    "grade's top share below the next one's"),
                grading.PERCENT_RANGE: self.env._("top shares must lie between 1 and 99 %"),
            }
            if problems:
                raise ValidationError(self.env._(
                    "Company %(company)s: %(problems)s (GRADE-2).", company=company.name,
                    problems="; ".join(messages[p] for p in problems)))
