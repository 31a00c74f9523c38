from odoo import _, fields, models
from odoo.exceptions import AccessError

from .res_partner_grade import GRADE_SELECTION

SOURCES = [
    ("computed", "Grading"),
    ("override", "Override approved"),
    ("override_end", "Override ended"),
]


class CrmGovernanceGradeChange(models.Model):
    """Grade history (GRADE-2, GRADE-3): one row per change of a customer's
    grade, for "grade changes this month". Written by the module only."""
    _name = "crm.governance.grade.change"
    # one refusal for a foreign and a missing id (SEC-4)
    _inherit = ["crm.governance.boundary.mixin"]
    _description = "CRM Grade Change"
    _order = "date desc, id desc"
    _rec_name = "partner_name"

    date = fields.Datetime(required=True, default=fields.Datetime.now, readonly=True, index=True)
    # set null, not cascade: the history outlives a deleted customer, by name
    partner_id = fields.Many2one("res.partner", string="Customer", index=True, readonly=True, ondelete="set null")
    partner_name = fields.Char(string="Customer Name", readonly=True)
    section_id = fields.Many2one("crm.governance.section", readonly=True, index=True)
    old_grade = fields.Selection(GRADE_SELECTION, string="From", readonly=True)
    new_grade = fields.Selection(GRADE_SELECTION, string="To", readonly=True)
    source = fields.Selection(SOURCES, required=True, readonly=True)
    rule = fields.Char(string="Grade Rule", readonly=True)
    score = fields.Float(readonly=True, digits=(5, 2))
    author_id = fields.Many2one("res.users", string="Done By", readonly=True, default=lambda self: self.env.user)

    def write(self, vals):
        if not self.env.su:
            raise AccessError(_("The grade history is written by the grading only (GRADE-2)."))
        return super().write(vals)

    def unlink(self):
        if not self.env.su:
            raise AccessError(_("The grade history is written by the grading only (GRADE-2)."))
        return super().unlink()
