from odoo import _, fields, models
from odoo.exceptions import ValidationError


class CrmTeam(models.Model):
    _inherit = "crm.team"

    section_id = fields.Many2one("crm.governance.section", index=True,
                                 ondelete="set null", tracking=True)

    def write(self, vals):
        if vals.get("section_id"):
            elsewhere = self.filtered(lambda t: t.section_id and t.section_id.id != vals["section_id"])
            if elsewhere:
                raise ValidationError(_(
                    "Sales team %(team)s already belongs to section %(section)s: a sales team "
                    "belongs to at most one section (SEC-1). Remove it from that section first.",
                    team=elsewhere[0].display_name, section=elsewhere[0].section_id.display_name))
        res = super().write(vals)
        if "section_id" in vals:
            self.env["crm.governance.section"]._governance_access_changed()
        return res
