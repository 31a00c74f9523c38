from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

# POLICY.md defaults (PROT-2, PROT-5); each one editable per section.
DEFAULT_FOLLOWUP_INTERVAL_DAYS = 15
DEFAULT_WARNING_DAYS = 30
DEFAULT_RELEASE_DAYS = 60
DEFAULT_CLAIM_CAP = 200
DEFAULT_RECLAIM_COOLDOWN_DAYS = 30


class CrmGovernanceSection(models.Model):
    """A section (版块): one part of the sales organisation, e.g. a subsidiary
    or business line. Leads, opportunities and customer accounts belong to one
    section (SEC-1); governance rules apply only once it is enabled."""
    _name = "crm.governance.section"
    _description = "CRM Section"
    _inherit = ["mail.thread"]
    _order = "sequence, name, id"

    name = fields.Char(required=True, translate=True, tracking=True)
    code = fields.Char(required=True, tracking=True,
                       help="Short code, unique within the company.")
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True, tracking=True)
    company_id = fields.Many2one(
        "res.company", string="Company", required=True, index=True,
        default=lambda self: self.env.company, tracking=True)
    governance_enabled = fields.Boolean(
        string="Governance Enabled", default=False, tracking=True,
        help="While disabled, records of this section behave exactly as in "
             "stock Odoo CRM. Enable it to enforce the section's rules.")
    head_ids = fields.Many2many(
        "res.users", "crm_governance_section_head_rel", "section_id", "user_id",
        string="Section Heads", domain=[("share", "=", False)])
    admin_ids = fields.Many2many(
        "res.users", "crm_governance_section_admin_rel", "section_id", "user_id",
        string="Section Admins", domain=[("share", "=", False)])
    member_ids = fields.Many2many(
        "res.users", "crm_governance_section_member_rel", "section_id", "user_id",
        string="Salespeople", domain=[("share", "=", False)])
    team_ids = fields.One2many("crm.team", "section_id", string="Sales Teams")
    lead_count = fields.Integer(compute="_compute_lead_count", string="Leads/Opportunities")

    # Protection policy (PROT-2/PROT-5); enforced by the protection feature.
    followup_interval_days = fields.Integer(
        string="Follow-up Due Every (days)", default=DEFAULT_FOLLOWUP_INTERVAL_DAYS)
    warning_days = fields.Integer(
        string="Warning After (days without valid contact)", default=DEFAULT_WARNING_DAYS)
    release_days = fields.Integer(
        string="Release to Pool After (days without valid contact)", default=DEFAULT_RELEASE_DAYS)
    claim_cap = fields.Integer(
        string="Max Protected Records per Salesperson", default=DEFAULT_CLAIM_CAP)
    reclaim_cooldown_days = fields.Integer(
        string="Reclaim Cool-down (days)", default=DEFAULT_RECLAIM_COOLDOWN_DAYS)

    _sql_constraints = [
        ("code_company_uniq", "unique(company_id, code)",
         "Section code must be unique within a company (SEC-1)."),
    ]

    def _compute_lead_count(self):
        counts = dict(self.env["crm.lead"]._read_group(
            [("section_id", "in", self.ids)], ["section_id"], ["__count"]))
        for section in self:
            section.lead_count = counts.get(section, 0)

    @api.constrains("followup_interval_days", "warning_days", "release_days",
                    "claim_cap", "reclaim_cooldown_days")
    def _check_policy_numbers(self):
        for section in self:
            for fname in ("followup_interval_days", "warning_days", "release_days",
                          "reclaim_cooldown_days"):
                if section[fname] < 0 or (fname != "reclaim_cooldown_days" and section[fname] == 0):
                    raise ValidationError(_(
                        "Section %(section)s: '%(field)s' must be a positive number of days (PROT-2).",
                        section=section.display_name, field=section._fields[fname].string))
            if section.warning_days >= section.release_days:
                raise ValidationError(_(
                    "Section %(section)s: the warning (%(warn)s days) must come before the "
                    "release to the pool (%(release)s days) (PROT-2).",
                    section=section.display_name, warn=section.warning_days,
                    release=section.release_days))
            if section.claim_cap < 1:
                raise ValidationError(_(
                    "Section %(section)s: 'Max Protected Records per Salesperson' must be "
                    "at least 1 (PROT-5).", section=section.display_name))

    @api.constrains("company_id", "team_ids")
    def _check_team_company(self):
        for section in self:
            wrong = section.team_ids.filtered(
                lambda t: t.company_id and t.company_id != section.company_id)
            if wrong:
                raise ValidationError(_(
                    "Section %(section)s belongs to %(company)s; sales team(s) %(teams)s belong "
                    "to another company (SEC-1).", section=section.display_name,
                    company=section.company_id.display_name,
                    teams=", ".join(wrong.mapped("display_name"))))

    def _check_code_free(self, code, company_id):
        """Refuse a duplicate code before writing, with a message that names
        the field and the other section (the SQL constraint stays as a net)."""
        if not code:
            return
        clash = self.with_context(active_test=False).sudo().search(
            [("code", "=", code), ("company_id", "=", company_id), ("id", "not in", self.ids)], limit=1)
        if clash:
            raise ValidationError(_(
                "Code '%(code)s' is already used by section %(section)s in %(company)s: a section "
                "code must be unique within a company (SEC-1).",
                code=code, section=clash.display_name, company=clash.company_id.display_name))

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if "company_id" in vals and not vals["company_id"]:
                raise ValidationError(_("Field 'Company' is required on a section (SEC-1)."))
            self._check_code_free(vals.get("code"), vals.get("company_id") or self.env.company.id)
        sections = super().create(vals_list)
        self._governance_access_changed()
        return sections

    def write(self, vals):
        if "company_id" in vals and not vals["company_id"]:
            raise ValidationError(_("Field 'Company' is required on a section (SEC-1)."))
        if "code" in vals or "company_id" in vals:
            for section in self:
                section._check_code_free(vals.get("code", section.code),
                                         vals.get("company_id", section.company_id.id))
        res = super().write(vals)
        if {"governance_enabled", "head_ids", "admin_ids", "member_ids", "active"} & set(vals):
            self._governance_access_changed()
        return res

    def unlink(self):
        res = super().unlink()
        self._governance_access_changed()
        return res

    @api.model
    def _governance_access_changed(self):
        """Record rules are cached per user; who reaches which section has just
        changed, so drop the cached rule domains (all workers are signalled)."""
        self.env["res.users"].invalidate_model()
        self.env.registry.clear_cache()

    def action_view_leads(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("crm.crm_lead_all_leads")
        action.update({
            "domain": [("section_id", "=", self.id)],
            "context": {"active_test": False, "search_default_section_id": self.id},
        })
        return action

    # -- demo data --------------------------------------------------------
    @api.model
    def _governance_demo_populate(self):
        """Leads, opportunities and customers across the demo sections, owners
        and stages (called from demo/crm_governance_demo.xml only)."""
        companies = ["上海明远科技有限公司", "杭州华信软件股份有限公司", "苏州恒通精密机械有限公司",
                     "广州天和贸易有限公司", "深圳云帆电子有限公司", "北京博远咨询有限公司",
                     "天津海川物流有限公司", "南京嘉禾医疗器械有限公司", "Contoso Trading Co., Ltd.",
                     "Fabrikam Industries Ltd.", "宁波东方包装材料有限公司", "青岛北海食品有限公司"]
        sources = ["电话来访 Phone call", "官网注册 Website", "在线咨询 Online chat", "展会 Trade fair",
                   "客户推荐 Referral"]
        stages = self.env["crm.stage"].search([], order="sequence, id")
        won = stages.filtered("is_won")[:1]
        open_stages = stages - won
        Lead = self.env["crm.lead"].sudo()
        Partner = self.env["res.partner"].sudo()
        n = 0
        for key in ("east", "south", "north"):
            section = self.env.ref(f"crm_governance.section_{key}")
            team = self.env.ref(f"crm_governance.team_{key}")
            owners = [self.env.ref(f"crm_governance.user_{key}_{r}") for r in ("sales1", "sales2", "head", "admin")]
            vals = []
            for i in range(22):
                owner = owners[i % len(owners)] if i % 11 else self.env["res.users"]
                company = companies[(i + n) % len(companies)]
                opportunity = i % 3 != 0
                stage = won if opportunity and i % 7 == 0 else open_stages[i % len(open_stages)]
                vals.append({
                    "name": f"{section.code}-{i + 1:03d} {company[:6]} · {sources[i % 5].split()[0]}",
                    "type": "opportunity" if opportunity else "lead",
                    "partner_name": company,
                    "contact_name": ["王经理", "李总", "Mr. Smith", "陈主任"][i % 4],
                    "phone": f"+86 21 5{n:03d} {i:04d}",
                    "email_from": f"contact{n}.{i}@{key}.example.com",
                    "user_id": owner.id,
                    "team_id": team.id,
                    "stage_id": stage.id,
                    "expected_revenue": 50000 + 12500 * ((i * 7 + n) % 17),
                    "description": f"需求 / need: {sources[i % 5]}",
                })
            Lead.create(vals)
            Partner.create([{
                "name": f"{companies[(j + n) % len(companies)]} ({section.code})",
                "is_company": True,
                "user_id": owners[j % 2].id,
                "phone": f"+86 10 8{n:03d} {j:04d}",
            } for j in range(4)])
            n += 7
