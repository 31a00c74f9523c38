from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError

from ..models.trusted import as_id
from ..policy import registration


class CrmGovernanceCustomerCheck(models.TransientModel):
    """Check Customer (客户查询, ENTRY-2): before registering, a salesperson
    asks whether a company is free, in the pool, or protected. Each lookup is
    counted against the section's daily limit before it is answered, whatever
    the answer, so it cannot enumerate customers; the answer is exact-match
    only and says who holds it only inside the asker's own section."""
    _name = "crm.governance.customer.check"
    _description = "Check Customer"

    section_id = fields.Many2one(
        "crm.governance.section", string="My Section", required=True,
        default=lambda self: self._governance_my_sections()[:1],
        domain=lambda self: [("id", "in", self._governance_my_sections().ids)])
    customer = fields.Char(string="Company Name", help="The registered business name (工商注册名称).")
    phone = fields.Char()
    email = fields.Char()
    vat = fields.Char(string="Tax ID", help="Unified social credit code (统一社会信用代码) or VAT number.")
    answer = fields.Text(readonly=True)

    @api.model
    def _governance_my_sections(self):
        return self.env.user.sudo()._governance_listed_sections().filtered("governance_enabled")

    def action_check(self):
        self.ensure_one()
        answer = self._governance_answer(self.section_id, self.customer, self.phone, self.email, self.vat)
        self.write({"answer": answer["message"]})
        return {"type": "ir.actions.act_window", "res_model": self._name, "res_id": self.id, "view_mode": "form",
                "target": "new", "name": _("Check Customer")}

    @api.model
    def governance_check_customer(self, section_id, customer=None, phone=None, email=None, vat=None):
        """The same lookup for integrators: ``{"answer": code, "message": text}``."""
        section = self.env["crm.governance.section"].browse(as_id(section_id) or [])
        return self._governance_answer(section, customer, phone, email, vat)

    @api.model
    def _governance_answer(self, section, customer, phone, email, vat):
        user = self.env.user
        if user.sudo().governance_frozen:
            raise AccessError(_("Your account is frozen: it may not check customers (SEC-5)."))
        section = section.sudo()
        if len(section) != 1 or section not in self._governance_my_sections():
            raise UserError(_("Field 'My Section': check customers in a governed section you belong to (ENTRY-2)."))
        facts = [v if isinstance(v, str) else None for v in (customer, phone, email, vat)]
        if not any(f and f.strip() for f in facts):
            raise UserError(_("Give a company name, phone, e-mail or tax id to check (ENTRY-2)."))
        # counted first: every answer costs one, a refusal included
        limit = section.customer_check_daily_limit
        self.env["crm.governance.lookup"]._governance_count(
            "customer_check", limit, section=section,
            message=_("You may check at most %(limit)s customers per day in %(section)s (ENTRY-2).",
                      limit=limit, section=section.display_name))
        customer, phone, email, vat = facts
        region = section.company_id.country_id.code
        Lead = self.env["crm.lead"]
        suffixes = Lead._governance_suffixes(section.company_id)
        bad = registration.bad_input(customer, phone, email, vat, region, suffixes)
        if bad:
            return {"answer": "bad_input", "message": _(
                "Nothing checked: %s is not valid (ENTRY-2).", ", ".join({
                    registration.BAD_NAME: _("the company name"), registration.BAD_PHONE: _("the phone"),
                    registration.BAD_EMAIL: _("the e-mail"), registration.BAD_TAX: _("the tax id")}[c] for c in bad))}
        keys = registration.keys(customer, phone, email, vat, region, suffixes)
        verdict = registration.collision(user.id, section.id,
                                         registration.holders_of(keys, Lead._governance_holders([keys])))
        holder = verdict.holder
        if verdict.kind == registration.TAKEN_SAME_SECTION:
            owner = self.env["res.users"].sudo().browse(holder.owner_id)
            message = _("Protected: registered by %(owner)s since %(since)s, protected until %(until)s (ENTRY-2).",
                        owner=owner.name, since=fields.Date.to_string(holder.since) if holder.since else "-",
                        until=fields.Date.to_string(holder.until) if holder.until else _("approval"))
        elif verdict.kind == registration.TAKEN_OTHER_SECTION:
            message = _("Registered in another section (ENTRY-2).")
        elif verdict.kind == registration.HELD_DELETED:
            message = _("Registered before and deleted: held until a section admin frees it (SEC-2, ENTRY-2).")
        elif verdict.kind == registration.IN_POOL:
            message = _("In your section's public pool: claim it (ENTRY-2, PROT-5).")
        elif verdict.kind == registration.OWN:
            message = _("You registered it yourself (ENTRY-2).")
        else:
            message = _("Free: nobody holds it; you may register it (ENTRY-2).")
        return {"answer": verdict.kind, "message": message}
