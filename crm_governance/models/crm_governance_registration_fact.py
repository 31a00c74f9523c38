from odoo import api, fields, models

from ..policy import registration


class CrmGovernanceRegistrationFact(models.Model):
    """One fact a registration may be asked for (ENTRY-1, ENTRY-4), with its
    name in the users' language: the sections' required and to-complete
    facts are shown and chosen as these, not as their codes."""
    _name = "crm.governance.registration.fact"
    _description = "CRM Registration Fact"
    _order = "sequence, id"

    code = fields.Char(required=True, readonly=True)
    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)

    _sql_constraints = [("code_uniq", "unique(code)", "A registration fact is defined once.")]


class CrmGovernanceFactTagsMixin(models.AbstractModel):
    """The fact lists of a registration policy (codes, one per line, in
    ``policy.settings``) as tags: ``_governance_fact_fields`` maps each tags
    field to the text field it edits."""
    _name = "crm.governance.fact.tags.mixin"
    _description = "CRM Registration Facts as Tags"
    _governance_fact_fields = {}

    def _governance_facts_by_code(self):
        facts = self.env["crm.governance.registration.fact"].sudo().search([])
        return {fact.code: fact for fact in facts}

    @api.depends(lambda self: tuple(self._governance_fact_fields.values()))
    def _compute_governance_fact_tags(self):
        facts = self._governance_facts_by_code()
        Fact = self.env["crm.governance.registration.fact"]
        for rec in self:
            for tags, text in self._governance_fact_fields.items():
                codes = registration.parse_facts(rec[text])[0]
                rec[tags] = Fact.browse([facts[c].id for c in codes if c in facts])

    def _inverse_governance_fact_tags(self):
        for rec in self:
            for tags, text in self._governance_fact_fields.items():
                codes = "\n".join(rec[tags].sorted(lambda f: (f.sequence, f.id)).mapped("code"))
                if codes != "\n".join(registration.parse_facts(rec[text])[0]):
                    rec[text] = codes
