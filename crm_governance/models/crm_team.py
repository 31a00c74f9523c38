from odoo import _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.osv import expression

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

    # -- Odoo's rule-based lead assignment (crm.ir_cron_crm_lead_assign) -------------
    # A governed section's records change hands only through the door (claim,
    # dispatch, reassignment: PROT-5, PROT-7); its duplicates are merged by its
    # admin (SEC-2); a lead enters it by registration (ENTRY-1, -2). Stock's
    # assignment, when a company turns it on, keeps to the other teams and
    # their leads: it neither hands out a section's pool, nor allocates
    # incoming leads to a section's team (as superuser: no collision check),
    # nor merges a section's leads into an incoming one.
    def _allocate_leads(self, creation_delta_days=7):
        enabled = self.env["crm.governance.section"]._governance_enabled_ids()
        teams = self.filtered(lambda team: team.sudo().section_id.id not in enabled) if enabled else self
        return super(CrmTeam, teams)._allocate_leads(creation_delta_days=creation_delta_days)

    def _get_lead_to_assign_domain(self):
        enabled = self.env["crm.governance.section"]._governance_enabled_ids()
        domain = super()._get_lead_to_assign_domain()
        return expression.AND([domain, [("section_id", "not in", enabled)]]) if enabled else domain

    def _allocate_leads_deduplicate(self, leads, duplicates_cache=None):
        duplicates_cache = duplicates_cache if duplicates_cache is not None else {}
        if not self.env["crm.governance.section"]._governance_enabled_ids():
            return super()._allocate_leads_deduplicate(leads, duplicates_cache=duplicates_cache)
        governed = leads.sudo()._governance_governed()
        for lead in leads - governed:
            if lead not in duplicates_cache:
                duplicates_cache[lead] = lead._get_lead_duplicates(email=lead.email_from)
            duplicates_cache[lead] -= duplicates_cache[lead].sudo()._governance_governed()
        result = super()._allocate_leads_deduplicate(leads - governed, duplicates_cache=duplicates_cache)
        # a governed lead without a team (nor owner) stays where it is (a move is SEC-3's);
        # stock's allocation loop repeats a candidate it is not told was handled, and only
        # these three keys say so: "assigned" (a count in its log) is the harmless one
        result["assigned"] = set(result["assigned"]) | set(governed.ids)
        return result
