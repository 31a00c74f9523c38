from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

from ..policy import registration
from .crm_governance_registration_mixin import KEY_FIELDS
from .governed import RECORD_MODELS


class CrmGovernanceDeletedRegistration(models.Model):
    """A deleted registration (已删除登记): when a section admin deletes a
    lead or customer account of a governed section, its registration keys
    stay held, so the customer is not free to register again, until an admin
    of the section frees them (不得随便更改、删除他人录入的客户信息, SEC-2,
    ENTRY-2). Written by the module only."""
    _name = "crm.governance.deleted.registration"
    # one refusal for a foreign and a missing id (SEC-4)
    _inherit = ["crm.governance.boundary.mixin"]
    _description = "Deleted Registration"
    _order = "date desc, id desc"
    _rec_name = "res_name"

    res_model = fields.Selection(RECORD_MODELS,
                                 string="Record Type", required=True, readonly=True)
    res_name = fields.Char(string="Deleted Record", required=True, readonly=True)
    section_id = fields.Many2one("crm.governance.section", required=True, readonly=True, index=True,
                                 ondelete="cascade")
    owner_id = fields.Many2one("res.users", string="Owner When Deleted", readonly=True)
    registered_at = fields.Datetime(string="Registered On", readonly=True)
    deleted_by_id = fields.Many2one("res.users", readonly=True)
    date = fields.Datetime(string="Deleted On", required=True, readonly=True, default=fields.Datetime.now)
    freed = fields.Boolean(readonly=True, index=True,
                           help="Its keys no longer hold: the customer may be registered again.")
    freed_by_id = fields.Many2one("res.users", readonly=True)
    freed_at = fields.Datetime(string="Freed On", readonly=True)
    locals().update({field: fields.Char(readonly=True, index="btree_not_null") for field in KEY_FIELDS.values()})

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            raise AccessError(_("Deleted registrations are written by the module when a record is deleted (SEC-2)."))
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.su:
            raise AccessError(_("A deleted registration changes only when a section admin frees it (SEC-2)."))
        return super().write(vals)

    def unlink(self):
        if not self.env.su:
            raise AccessError(_("Deleted registrations are kept; a section admin frees one instead (SEC-2)."))
        return super().unlink()

    @api.model
    def _governance_keep(self, records):
        """Keep the keys of ``records`` (governed, about to be deleted)."""
        rows = [dict({field: rec[field] for field in KEY_FIELDS.values()},
                     res_model=rec._name, res_name=rec.display_name or "-", section_id=rec.section_id.id,
                     owner_id=rec.user_id.id, registered_at=rec.protected_since or rec.create_date,
                     deleted_by_id=self.env.uid)
                for rec in records.sudo() if any(rec[field] for field in KEY_FIELDS.values())]
        if rows:
            self.sudo().create(rows)

    def action_free(self):
        """A section admin frees the keys: the customer may be registered again."""
        self.check_access("read")
        user = self.env.user.sudo()
        if not self.env.su and (user.governance_frozen
                                or self.sudo().section_id - user.governance_unlink_section_ids):
            raise AccessError(_("Only an admin of the section frees its deleted registrations (SEC-2)."))
        done = self.sudo().filtered("freed")
        if done:
            raise UserError(_("%s is freed already.", ", ".join(done.mapped("res_name"))))
        self.sudo().write({"freed": True, "freed_by_id": self.env.uid, "freed_at": fields.Datetime.now()})
        return True

    @api.model
    def _governance_holders_sql(self, match):
        """The rows still holding a key of ``match`` (an SQL condition on
        alias ``r``), shaped as the registration mixin's holders."""
        return SQL(
            """SELECT %(model)s, r.id, r.owner_id, r.section_id, true, NULL::varchar, %(state)s::varchar,
                      r.registered_at, NULL::timestamp, false, %(keys)s
                 FROM crm_governance_deleted_registration r
                WHERE r.freed IS NOT TRUE AND (%(match)s)""",
            model=self._name, state=registration.DELETED, match=match,
            keys=SQL(", ").join(SQL("r.%s", SQL.identifier(KEY_FIELDS[c])) for c in registration.COLUMNS))
