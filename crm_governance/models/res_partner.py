from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

from ..policy import ownership, registration
from ..policy.protection import OWNED
from .boundary import readable_by_caller
from .crm_governance_protection_mixin import ResultGroup
from .trusted import Trusted, trusted

# a contact's copy of what its customer account's record rule reads: copy -> (original, column type)
REACH_COLUMNS = {
    "governance_company_section_id": ("section_id", "int4"),
    "governance_company_user_id": ("user_id", "int4"),
    "governance_company_protection_state": ("protection_state", "varchar"),
}


class ResPartner(models.Model):
    _name = "res.partner"
    # a governed record: one create/write/unlink pipeline (crm_governance_record_mixin.py)
    _inherit = ["res.partner", "crm.governance.record.mixin"]
    _governance_link_fields = ("parent_id",)

    # -- the contacts' copies of their account's reach (SEC-4) --------------------
    # A contact is read, written and deleted by whoever may do so on its
    # customer account (SEC-4). The record rules filter every partner on
    # these copies of its account's section, salesperson and protection state
    # (an account's are its own): through commercial_partner_id PostgreSQL
    # hashed every partner outside the governed sections for each contact
    # list (2.2× stock at 100,000 leads, see the README). The ORM keeps them
    # when an account or a contact's parent changes; the module's SQL writes
    # of the account's columns call _governance_sql_written.
    governance_company_section_id = fields.Many2one(
        "crm.governance.section", string="Customer's Section", related="commercial_partner_id.section_id",
        store=True, index="btree_not_null")
    governance_company_user_id = fields.Many2one(
        "res.users", string="Customer's Salesperson", related="commercial_partner_id.user_id", store=True)
    governance_company_protection_state = fields.Selection(
        string="Customer's Protection", related="commercial_partner_id.protection_state", store=True)

    def _governance_section(self):
        # a contact is reached through its customer account (see the rules)
        return self.section_id or self.commercial_partner_id.section_id

    def _governance_wants_section(self):
        # Customer accounts: companies with a salesperson (SEC-1). Contacts,
        # users' own partners and suppliers stay outside sections.
        return self.filtered(lambda p: p.is_company and p.user_id)

    def _governance_name_column(self):
        return "complete_name"

    def _governance_section_source_team(self):
        # ``team_id`` on partners comes with the ``sale`` add-on, when installed.
        return self.team_id if "team_id" in self._fields else self.env["crm.team"]

    def _compute_display_name(self):
        res = super()._compute_display_name()
        self._governance_hide_names()
        return res

    def _compute_same_vat_partner_id(self):
        # stock looks up the partner with the same tax id or registry number
        # as superuser and shows its name: another section's customer, to
        # anyone typing its number. Shown only when the caller may read it;
        # the collision check (counted) answers the rest (SEC-4, ENTRY-2).
        super()._compute_same_vat_partner_id()
        if self.env(su=False).is_superuser() or not self._governance_active():
            return
        for partner in self:
            for fname in ("same_vat_partner_id", "same_company_registry_partner_id"):
                if partner[fname] and not readable_by_caller(self.env, partner[fname]):
                    partner[fname] = False

    # -- registration keys (ENTRY-2) --------------------------------------------
    def _governance_key_sources(self):
        return {"name", "phone", "mobile", "email", "vat", "country_id", "parent_id", "is_company"}

    def _governance_key_facts(self):
        # a customer account, or a person who is a customer; contacts of a
        # company register nothing of their own
        if self.parent_id and not self.is_company:
            return None, None, None, None, None
        return (self.name if self.is_company else None, self.phone, self.mobile, self.email, self.vat)

    def _governance_registers(self):
        # customer accounts, pooled ones included (no salesperson): claiming one
        # is checked against the customer's other holders like any owner change
        return self.filtered(lambda p: p.is_company and (p.user_id or p.section_id))._governance_governed()

    # -- follow-ups (FU-1, FU-4) -------------------------------------------
    def _governance_contacts(self):
        return self.child_ids.filtered(lambda p: not p.is_company)

    def _governance_own_names(self):
        return (self.name,) if self.name and len(self.name) >= 2 else ()

    @api.model
    def _governance_person_facts(self, partner_ids):
        """partner id -> (whether it is a person, whether (1) or not (0) its
        company has people among its active contacts), for the key-contact
        rule of the records it is the customer of (FU-4)."""
        if not partner_ids:
            return {}
        self.flush_model(["parent_id", "active", "is_company", "commercial_partner_id"])
        # set-wise read: one query for the customers of a whole batch
        self.env.cr.execute(SQL(
            """SELECT p.id, NOT p.is_company,
                      EXISTS (SELECT 1 FROM res_partner c
                               WHERE c.parent_id = p.commercial_partner_id AND c.active AND NOT c.is_company)::int
                 FROM res_partner p WHERE p.id = ANY(%s)""", list(partner_ids)))
        return {pid: (person, people) for pid, person, people in self.env.cr.fetchall()}

    def _governance_check_won_customer(self, vals):
        """A contact's company is whose won deals it carries: moving a contact
        (or a customer account's company flag) moves its won deals' amounts
        to another customer's grade. Changed, like the deals themselves, only
        by a correction (GRADE-2)."""
        if self.env.su or not ({"parent_id", "is_company"} & set(vals)) or not self._governance_active():
            return
        partners = self.sudo().with_context(active_test=False)
        won = self.env["crm.lead"].sudo().with_context(active_test=False).search([
            ("partner_id", "child_of", partners.ids), ("stage_id.is_won", "=", True),
            ("section_id.governance_enabled", "=", True)], limit=1)
        if won:
            raise UserError(self.env._(
                "%s carries won deals: its company is what the grades read. Ask the section's head to correct the "
                "deals first (Correct Won Deal) (GRADE-2).", partners[:1].with_env(self.env).display_name))

    def _governance_check_outsider(self, vals):
        """Users outside the sales organisation (accounting, warehouse) read
        and keep customer accounts up to date for their own apps, but a
        governed customer's registration (its name, phone, e-mail, tax id,
        salesperson, company flag) and its being archived belong to its
        section: an archived customer is free to register again (SEC-2,
        ENTRY-2)."""
        if self.env.su or self.env.user.has_group("sales_team.group_sale_salesman") \
                or not self._governance_active():
            return
        touched = set(vals) & (self._governance_key_sources() | {"active", "user_id", "section_id"})
        if touched and any(p._governance_section().governance_enabled for p in self.sudo()):
            raise AccessError(self.env._(
                "A customer of a governed section is registered, renamed, archived and handed over by its section's "
                "people; ask them to change %(fields)s (SEC-2, ENTRY-2).",
                fields=", ".join(sorted(self._fields[f]._description_string(self.env) for f in touched))))

    # -- the pipeline (crm_governance_record_mixin.py) --------------------------
    # outermost: a missing id is refused before stock res.partner reads it (SEC-4)
    @api.model_create_multi
    def create(self, vals_list):
        return self._governance_create(vals_list, super().create)

    def write(self, vals):
        return self._governance_write(vals, super().write)

    def unlink(self):
        return self._governance_unlink(super().unlink)

    def _governance_refuse_won_change(self, change):
        self._governance_check_won_customer(change.vals)

    def _governance_refuse_outsider(self, change):
        self._governance_check_outsider(change.vals)

    def _governance_refuse_forged(self, change):
        if change.vals_list is None and trusted(self.env, "governance_merging"):
            # Odoo's partner merge copies every field of the merged partners
            # onto the survivor: the module's results are the survivor's own
            results = self._governance_result_fields()
            change.vals = {name: value for name, value in change.vals.items() if name not in results}
            return
        super()._governance_refuse_forged(change)

    def _governance_follow_customer(self, change):
        """A lead's phone, e-mail, company name and tax id follow its
        customer (stored computes): its keys follow too, checked as if typed
        on it as the caller (the leads may be ones they cannot see)."""
        if not {"name", "phone", "mobile", "email", "vat", "parent_id", "is_company"} & change.fields \
                or not self._governance_active():
            return
        leads = self.env["crm.lead"].sudo().with_context(active_test=False).search(
            [("partner_id", "in", self.ids)])
        before = {lead.id: lead._governance_stored_keys() for lead in leads}
        keys = leads._governance_store_keys()
        changed = leads.filtered(lambda lead: lead.id in keys and lead._governance_stored_keys() != before[lead.id])
        if changed and self._governance_checks_registration():
            changed.with_env(self.env)._governance_check_collisions({i: keys[i] for i in changed.ids})

    def _governance_finish_new(self, change):
        # a new contact person of a customer: the key contact (FU-4) of the
        # customer account and of the leads of that customer still waiting for one
        companies = self.filtered(lambda p: not p.is_company and p.parent_id).parent_id
        if companies:
            companies._governance_refresh_key_contact()
            self.env["crm.lead"].sudo().search([
                ("partner_id", "child_of", companies.commercial_partner_id.ids),
                ("key_contact_due_at", "!=", False)])._governance_refresh_key_contact()

    # -- merging duplicates (客户合并, SEC-2) --------------------------------------
    def _governance_merge(self):
        """Merge customer accounts of one section with Odoo's partner merge
        (``base.partner.merge.automatic.wizard``), its admin's decision
        checked by the caller: the first registration survives."""
        partners = self.sudo()
        first = partners.browse(registration.survivor(
            [(p.id, p.create_date, p.protection_state in OWNED) for p in partners]))
        tails = partners - first
        names = ", ".join(tails.mapped("display_name"))
        wizard = self.env["base.partner.merge.automatic.wizard"].sudo().with_context(
            governance_merging=Trusted(True))
        # the stock merge moves every reference (follow-ups, ledger rows,
        # leads, messages) to the survivor and deletes the others
        wizard._merge(partners.ids, first.with_context(governance_merging=Trusted(True)))
        first = first.exists()
        self.env["crm.governance.ledger"]._log(
            first, ownership.MERGE, {first.id: (first.user_id.id, first.section_id.id)}, _("Merged into it: %s", names))
        first._governance_store_keys()
        first._governance_protection_recompute()
        return first.with_env(self.env)

    def _governance_result_groups(self):
        copies = ResultGroup(frozenset(REACH_COLUMNS), lambda env, names: env._(
            "%(fields)s cannot be written: a contact has its customer account's section, salesperson and "
            "protection (SEC-4).", fields=names), True)
        return super()._governance_result_groups() + [copies]

    def _governance_sql_written(self, fnames=None):
        res = super()._governance_sql_written(fnames)
        self._governance_sync_contact_reach(self.ids)
        return res

    def _governance_sync_contact_reach(self, account_ids=None):
        """The copies on the contacts of ``account_ids`` (every partner when
        None) set to their account's columns, in one statement (the ORM does
        not see SQL writes); their cache dropped."""
        # pending ORM values first, or a later flush would write them over these
        self.flush_model(["commercial_partner_id", *REACH_COLUMNS, *(o for o, _type in REACH_COLUMNS.values())])
        synced = sync_contact_reach(self.env.cr, account_ids)
        if synced:
            self.browse(synced).invalidate_recordset(list(REACH_COLUMNS))
        return synced


def sync_contact_reach(cr, account_ids=None):
    """One UPDATE setting the copies of the partners of ``account_ids``
    (every partner when None) to their account's columns; the ids changed.
    Also run by the upgrade, before the ORM knows the copies."""
    cr.execute(SQL(
        """UPDATE res_partner c SET %(assign)s FROM res_partner p
            WHERE c.commercial_partner_id = p.id AND %(which)s
              AND (%(copies)s) IS DISTINCT FROM (%(originals)s)
        RETURNING c.id""",
        assign=SQL(", ").join(SQL("%s = p.%s", SQL.identifier(copy), SQL.identifier(original))
                              for copy, (original, _type) in REACH_COLUMNS.items()),
        which=SQL("TRUE") if account_ids is None else SQL("p.id = ANY(%s)", list(account_ids)),
        copies=SQL(", ").join(SQL("c.%s", SQL.identifier(copy)) for copy in REACH_COLUMNS),
        originals=SQL(", ").join(SQL("p.%s", SQL.identifier(original)) for original, _type in REACH_COLUMNS.values())))
    return [row[0] for row in cr.fetchall()]
