from odoo import api, models

from ..models.boundary import check_onchange_values


class CrmLead2OpportunityPartner(models.TransientModel):
    _inherit = "crm.lead2opportunity.partner"

    @api.model
    def default_get(self, fields_list):
        # the lead it is opened on, by id in the context: one refusal for an id
        # that does not exist and one of another section (SEC-4)
        if not self.env.su and self.env.context.get("active_model", "crm.lead") == "crm.lead":
            check_onchange_values(self, {"lead_id": self.env.context.get("active_id")})
        return super().default_get(fields_list)

    def onchange(self, values, field_names, fields_spec):
        check_onchange_values(self, values)
        return super().onchange(values, field_names, fields_spec)
