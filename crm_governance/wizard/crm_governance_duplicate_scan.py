from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

from ..models.crm_governance_registration_mixin import KEY_FIELDS
from ..models.governed import GOVERNED_MODELS, RECORDS_MODELS

KIND_SELECTION = [("name", "Company Name"), ("phone", "Phone"), ("mobile", "Mobile"), ("email", "E-mail"),
                  ("tax", "Tax ID")]


class CrmGovernanceDuplicateScan(models.TransientModel):
    """Duplicate scan (版块管理员定期搜查重复客户, SEC-2): the groups of a
    section's records sharing a registration key, for its admins, who merge
    them with Odoo's own merge tools; the first registration survives."""
    _name = "crm.governance.duplicate.scan"
    _description = "Scan a Section for Duplicates"

    section_id = fields.Many2one(
        "crm.governance.section", required=True,
        default=lambda self: self.env.user.sudo().governance_unlink_section_ids[:1],
        domain=lambda self: [("id", "in", self.env.user.sudo().governance_unlink_section_ids.ids)])
    group_ids = fields.One2many("crm.governance.duplicate.group", "scan_id", string="Duplicates", readonly=True)

    def _governance_check_admin(self, section):
        if not self.env.su and section not in self.env.user.sudo().governance_unlink_section_ids:
            raise AccessError(_("Only an admin of section %s scans and merges its duplicates (SEC-2).",
                                section.sudo().display_name))

    def action_scan(self):
        self.ensure_one()
        self._governance_check_admin(self.section_id)
        self.group_ids.unlink()
        self.env["crm.governance.duplicate.group"].create(self._governance_groups(self.section_id))
        return {"type": "ir.actions.act_window", "res_model": self._name, "res_id": self.id, "view_mode": "form",
                "target": "new", "name": _("Duplicates")}

    @api.model
    def _governance_groups(self, section):
        """One row per model and key shared by two or more active records
        of ``section`` (leads with leads, customers with customers: each
        has its own merge tool). A won deal is the customer's history, not
        a second registration of it: only open leads are compared; and the
        open opportunities of one customer account are its deals (a second
        project), not a second registration of it."""
        rows = []
        for model in GOVERNED_MODELS:
            Model = self.env[model]
            Model.flush_model(list(KEY_FIELDS.values()) + ["section_id", "active"])
            if model == "crm.lead":
                self.env["res.partner"].flush_model(["commercial_partner_id"])
                join = SQL("LEFT JOIN res_partner p ON p.id = r.partner_id")
                # each lead without a customer account is a registration of its own
                registrations = SQL("count(DISTINCT COALESCE(p.commercial_partner_id, -r.id))")
            else:
                join, registrations = SQL(""), SQL("count(*)")
            for kind, column in KEY_FIELDS.items():
                # set-wise: one grouped query per key kind over the section
                self.env.cr.execute(SQL(
                    "SELECT r.%(col)s, array_agg(r.id ORDER BY r.id) FROM %(table)s r %(join)s "
                    "WHERE r.section_id = %(section)s AND %(open)s AND r.%(col)s IS NOT NULL "
                    "GROUP BY r.%(col)s HAVING %(registrations)s > 1 ORDER BY count(*) DESC, r.%(col)s LIMIT 500",
                    col=SQL.identifier(column), table=SQL.identifier(Model._table), section=section.id,
                    open=Model._governance_due_sql(), join=join, registrations=registrations))
                for key, ids in self.env.cr.fetchall():
                    field = "lead_ids" if model == "crm.lead" else "partner_ids"
                    rows.append({"scan_id": self.id, "res_model": model, "kind": kind, "key": key,
                                 field: [(6, 0, ids)], "record_count": len(ids)})
        return rows


class CrmGovernanceDuplicateGroup(models.TransientModel):
    _name = "crm.governance.duplicate.group"
    _description = "Duplicate Registrations"
    _order = "record_count desc, id"

    scan_id = fields.Many2one("crm.governance.duplicate.scan", required=True, ondelete="cascade")
    res_model = fields.Selection(RECORDS_MODELS,
                                 string="Records", required=True)
    kind = fields.Selection(KIND_SELECTION, string="Shared", required=True)
    key = fields.Char(string="Shared Key")
    record_count = fields.Integer(string="Count")
    lead_ids = fields.Many2many("crm.lead", string="Leads/Opportunities")
    partner_ids = fields.Many2many("res.partner", string="Customers")

    def action_merge(self):
        """Merge the group with Odoo's merge tools: the first registration
        (protected, else earliest) survives with its protection; follow-ups
        and ledger rows move to it; one "merge" ledger row (SEC-2)."""
        self.ensure_one()
        section = self.scan_id.section_id
        self.scan_id._governance_check_admin(section)
        records = (self.lead_ids if self.res_model == "crm.lead" else self.partner_ids).exists()
        if len(records) < 2:
            raise UserError(_("Nothing to merge: fewer than two of these records are left (SEC-2)."))
        if any(r.section_id != section for r in records.sudo()):
            raise AccessError(_("Only records of section %s are merged here (SEC-2).", section.display_name))
        # still the duplicates the scan found: sharing the group's key now
        column = KEY_FIELDS[self.kind]
        if not self.key or any(r[column] != self.key for r in records.sudo()):
            raise UserError(_("These records no longer share the key they were grouped by: scan again (SEC-2)."))
        if self.res_model == "crm.lead":
            kept = records.merge_opportunity()
        else:
            kept = records._governance_merge()
        self.unlink()
        return {"type": "ir.actions.act_window", "res_model": kept._name, "res_id": kept.id,
                "views": [(False, "form")], "target": "current"}

