from odoo import models
from odoo.tools import SQL


class CrmLead(models.Model):
    _name = "crm.lead"
    # Order matters: the section mixin is innermost, so a new record has its
    # section before its protection starts.
    _inherit = ["crm.lead", "crm.governance.protection.mixin", "crm.governance.section.mixin"]

    def _governance_set_owner(self, user):
        # keep the lead on its team: a new owner must not move it to their
        # default team (and so, maybe, to another section)
        for team, leads in self.grouped("team_id").items():
            leads.write({"user_id": user.id, "team_id": team.id})

    def _governance_due_sql(self):
        # a won deal keeps its owner; lost ones are archived
        return SQL("r.active AND NOT EXISTS (SELECT 1 FROM crm_stage st WHERE st.id = r.stage_id AND st.is_won)")

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

    def _message_post_after_hook(self, message, msg_vals):
        res = super()._message_post_after_hook(message, msg_vals)
        self._governance_followup_posted(message)
        return res
