from odoo import models


class CrmLead(models.Model):
    _name = "crm.lead"
    _inherit = ["crm.lead", "crm.governance.section.mixin"]

    def _governance_section_source_team(self):
        return self.team_id

    def _governance_target_section(self, vals):
        target = super()._governance_target_section(vals)
        if target is None and vals.get("team_id"):
            # Putting a lead on another section's sales team moves it there.
            team_section = self.env["crm.team"].sudo().browse(vals["team_id"]).section_id
            if team_section:
                return team_section.id
        return target
