from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from ..policy import default_section


class CrmTeam(models.Model):
    _inherit = "crm.team"

    section_id = fields.Many2one("crm.governance.section", index=True,
                                 ondelete="set null", tracking=True)

    @api.model
    def _get_default_team_id(self, user_id=False, domain=False):
        # A salesperson listed on a governed section but on no sales team
        # would get the company's first team (stock "Sales"), outside any
        # section: quick create, the form and imports would register around
        # the rules. Their section's team instead (SEC-1, policy.sections).
        team = super()._get_default_team_id(user_id=user_id, domain=domain)
        if not self.env["crm.governance.section"]._governance_enabled_ids():
            return team
        user = self.env["res.users"].sudo().browse(user_id) if user_id else self.env.user
        listed = user.sudo()._governance_listed_sections().filtered("governance_enabled")
        section_id = default_section(team.sudo().section_id.id, listed.ids)
        if not section_id:
            return team
        teams = listed.browse(section_id).team_ids.filtered("active")
        # the team as the caller may read it (company rules), as stock returns it
        return (teams.filtered_domain(domain) if domain else teams)[:1].sudo(False) or teams[:1].sudo(False) \
            or team

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
