import threading
from collections import namedtuple
from datetime import timedelta

from odoo import _, api, fields, models, tools
from odoo.exceptions import AccessError, ValidationError

from ..policy import followups, protection

# POLICY.md defaults (PROT-2, PROT-5); each one editable per section.
DEFAULT_FOLLOWUP_INTERVAL_DAYS = 15
DEFAULT_WARNING_DAYS = 30
DEFAULT_RELEASE_DAYS = 60
DEFAULT_CLAIM_CAP = 200
DEFAULT_RECLAIM_COOLDOWN_DAYS = 30
POLICY_DEFAULTS = {
    "followup_interval_days": DEFAULT_FOLLOWUP_INTERVAL_DAYS,
    "warning_days": DEFAULT_WARNING_DAYS,
    "release_days": DEFAULT_RELEASE_DAYS,
    "claim_cap": DEFAULT_CLAIM_CAP,
    "reclaim_cooldown_days": DEFAULT_RECLAIM_COOLDOWN_DAYS,
    "protection_day_unit": "calendar",
    # FU-2, FU-4, FU-6
    "followup_min_chars": 8,
    "followup_min_words": 5,
    "followup_keywords": followups.format_list(followups.DEFAULT_KEYWORDS),
    "followup_phrases": followups.format_list(followups.DEFAULT_PHRASES),
    "followup_copy_days": 30,
    "invalid_followup_limit": 3,
    "first_followup_days": 15,
    "key_contact_months": 1,
    "validity_query_daily_limit": 10,
}
# the follow-up numbers that may be 0 ("off")
FOLLOWUP_NUMBERS = ("followup_copy_days", "invalid_followup_limit", "first_followup_days",
                    "key_contact_months", "validity_query_daily_limit")


FollowupSettings = namedtuple("FollowupSettings", "rules governed day_unit copy_days")


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
        string="Follow-up Due Every (days)", default=lambda self: self._company_default("followup_interval_days"))
    warning_days = fields.Integer(
        string="Warning After (days without valid contact)", default=lambda self: self._company_default("warning_days"))
    release_days = fields.Integer(
        string="Release to Pool After (days without valid contact)", default=lambda self: self._company_default("release_days"))
    claim_cap = fields.Integer(
        string="Max Protected Records per Salesperson", default=lambda self: self._company_default("claim_cap"))
    reclaim_cooldown_days = fields.Integer(
        string="Reclaim Cool-down (days)", default=lambda self: self._company_default("reclaim_cooldown_days"))
    protection_day_unit = fields.Selection(
        [(protection.CALENDAR, "Calendar days"), (protection.WORKING, "Working days")],
        string="Count Days In", default=lambda self: self._company_default("protection_day_unit"), required=True,
        help="Working days follow the company's working calendar, public holidays excluded (PROT-4).")
    daily_claim_limit = fields.Integer(
        string="Daily Claims per Salesperson", default=0,
        help="How many pool records one salesperson may claim per day; 0 means no limit (PROT-5).")

    # Follow-up rules (FU-2, FU-4, FU-6)
    followup_min_chars = fields.Integer(
        string="Minimum Chinese Characters", default=lambda self: self._company_default("followup_min_chars"),
        help="A follow-up shorter than this (CJK characters; punctuation, emoji, digits and repeats not "
             "counted) is invalid (FU-2 a).")
    followup_min_words = fields.Integer(
        string="Minimum Words (other scripts)", default=lambda self: self._company_default("followup_min_words"),
        help="The same minimum for text in other scripts, in words; mixed text counts both (FU-2 a).")
    followup_keywords = fields.Text(
        string="Content Keywords", default=lambda self: self._company_default("followup_keywords"),
        help="One per line: a follow-up that names no contact must mention one of these (needs, budget, "
             "channels, progress…) (FU-2 b).")
    followup_phrases = fields.Text(
        string="Meaningless Phrases", default=lambda self: self._company_default("followup_phrases"),
        help="One per line: a follow-up made only of these, however padded or repeated, is invalid (FU-2 c).")
    followup_copy_days = fields.Integer(
        string="Copied Follow-ups Within (days)", default=lambda self: self._company_default("followup_copy_days"),
        help="A follow-up identical to another record's follow-up of this many days is invalid; 0: off (FU-2).")
    invalid_followup_limit = fields.Integer(
        string="Invalid Follow-ups Allowed", default=lambda self: self._company_default("invalid_followup_limit"),
        help="This many invalid follow-ups by the owner make protection invalid; 0: off (FU-4).")
    first_followup_days = fields.Integer(
        string="First Valid Follow-up Within (days)",
        default=lambda self: self._company_default("first_followup_days"),
        help="Without a valid follow-up this many days after protection starts, protection is invalid; "
             "0: off (FU-4).")
    key_contact_months = fields.Integer(
        string="Key Contact Within (months)", default=lambda self: self._company_default("key_contact_months"),
        help="Without a key contact (关键联系人) this many months after protection starts, protection is "
             "invalid; 0: off (FU-4).")
    validity_query_daily_limit = fields.Integer(
        string="Validity Queries per Salesperson per Day",
        default=lambda self: self._company_default("validity_query_daily_limit"),
        help="How many validity queries (有效性查询) one salesperson may file per day; 0: none (FU-6).")

    @api.model
    def _company_default(self, name):
        """A new section starts with its company's defaults (Settings ▸ CRM),
        which start as POLICY.md's numbers."""
        if not self.env.registry.ready:
            # While modules load (install, upgrade) the company's columns may
            # not exist yet: existing sections get POLICY.md's numbers.
            return POLICY_DEFAULTS[name]
        company = self.env["res.company"].browse(self.env.context.get("default_company_id")) or self.env.company
        return company[f"governance_{name}"]

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
                    "claim_cap", "reclaim_cooldown_days", "daily_claim_limit")
    def _check_policy_numbers(self):
        for section in self:
            for fname in ("followup_interval_days", "warning_days", "release_days",
                          "reclaim_cooldown_days", "daily_claim_limit"):
                zero_ok = fname in ("reclaim_cooldown_days", "daily_claim_limit")
                if section[fname] < 0 or (not zero_ok and section[fname] == 0):
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

    @api.constrains("followup_min_chars", "followup_min_words", *FOLLOWUP_NUMBERS)
    def _check_followup_numbers(self):
        for section in self:
            for fname in ("followup_min_chars", "followup_min_words"):
                if section[fname] < 1:
                    raise ValidationError(_("Section %(section)s: '%(field)s' must be at least 1 (FU-2).",
                                            section=section.display_name, field=section._fields[fname].string))
            for fname in FOLLOWUP_NUMBERS:
                if section[fname] < 0:
                    raise ValidationError(_("Section %(section)s: '%(field)s' cannot be negative (FU-4).",
                                            section=section.display_name, field=section._fields[fname].string))

    @api.model
    @tools.ormcache()
    def _governance_enabled_ids(self):
        """Ids of the sections whose governance is on, per worker; cleared with
        the rule caches whenever a section is enabled, disabled, made or
        removed. While there is none, stock Odoo is left exactly as it is:
        the extra checks of the model boundary cost nothing."""
        return tuple(self.sudo().with_context(active_test=False).search([("governance_enabled", "=", True)]).ids)

    def _governance_people(self):
        """Everyone listed on the sections: salespeople, heads and admins."""
        return self.member_ids | self.head_ids | self.admin_ids

    def _governance_followup_rules(self):
        self.ensure_one()
        return self._governance_followup_settings(self.id).rules

    @api.model
    @tools.ormcache("section_id")
    def _governance_followup_settings(self, section_id):
        """What judging a chatter note needs of its section, read and parsed
        once per worker (every note is judged inside ``message_post``);
        cleared by ``write`` when a section changes."""
        section = self.sudo().browse(section_id)
        return FollowupSettings(
            followups.FollowupRules(
                max(section.followup_min_chars, 1), max(section.followup_min_words, 1),
                followups.parse_list(section.followup_keywords), followups.parse_list(section.followup_phrases)),
            section.governance_enabled, section.protection_day_unit, section.followup_copy_days)

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
        enabling = self.filtered(lambda s: not s.governance_enabled) if vals.get("governance_enabled") else self.browse()
        disabling = self.filtered("governance_enabled") if vals.get("governance_enabled") is False else self.browse()
        res = super().write(vals)
        if {"governance_enabled", "head_ids", "admin_ids", "member_ids", "active"} & set(vals):
            self._governance_access_changed()
        elif {"followup_min_chars", "followup_min_words", "followup_keywords", "followup_phrases",
              "protection_day_unit", "followup_copy_days"} & set(vals):
            self.env.registry.clear_cache()
        for model in ("crm.lead", "res.partner"):
            Model = self.env[model].sudo().with_context(active_test=False)
            if enabling:
                Model.search([("section_id", "in", enabling.ids)])._governance_protection_init()
            if disabling:
                Model.search([("section_id", "in", disabling.ids)])._governance_protection_clear()
            if {"warning_days", "release_days", "protection_day_unit", "invalid_followup_limit",
                    "first_followup_days", "key_contact_months"} & set(vals):
                Model.search([("section_id", "in", (self - enabling).filtered("governance_enabled").ids),
                              ("protection_state", "in", ("protected", "warning"))])._governance_protection_recompute()
        return res

    def unlink(self):
        res = super().unlink()
        self._governance_access_changed()
        return res

    # -- protection policy (PROT-2/4) -------------------------------------
    def _governance_policy(self):
        self.ensure_one()
        return protection.ProtectionPolicy(self.warning_days, self.release_days, self.protection_day_unit)

    def _governance_calendar(self, start, days):
        """The section company's working calendar from ``start`` over enough
        days to count ``days`` working days (holidays are the calendar's
        company-wide leaves)."""
        self.ensure_one()
        if self.protection_day_unit != protection.WORKING:
            return protection.WorkingCalendar()
        calendar = self.company_id.resource_calendar_id
        if not calendar:
            return protection.WorkingCalendar()
        workdays = frozenset(int(d) for d in calendar.attendance_ids.filtered(
            lambda a: not a.display_type).mapped("dayofweek")) or protection.DEFAULT_WORKDAYS
        stop = start + timedelta(days=days * 3 + 60)
        leaves = self.env["resource.calendar.leaves"].sudo().search([
            ("resource_id", "=", False), ("calendar_id", "in", (calendar.id, False)),
            ("company_id", "in", (self.company_id.id, False)),
            ("date_from", "<=", stop), ("date_to", ">=", start)])
        holidays = set()
        for leave in leaves:
            day = leave.date_from.date()
            while day <= leave.date_to.date():
                holidays.add(day)
                day += timedelta(days=1)
        return protection.WorkingCalendar(workdays, frozenset(holidays))

    # -- scheduled actions (PROT-2) ----------------------------------------
    @api.model
    def _cron_protection_warning(self):
        return self._governance_run_pass("warning")

    @api.model
    def _cron_protection_release(self):
        return self._governance_run_pass("release")

    @api.model
    def _governance_run_pass(self, kind):
        """Warn or release every due record of every governed section, in
        batches, committing after each: killed half-way, the next run picks
        up the records still due and nothing is done twice (the state change
        of a record and its ledger row, activity, message are one batch)."""
        batch = int(self.env["ir.config_parameter"].sudo().get_param("crm_governance.cron_batch_size", 1000))
        now = fields.Datetime.now()
        todo = {model: len(self.env[model]._governance_due_ids(kind, now, None))
                for model in ("crm.lead", "res.partner")}
        total, done = sum(todo.values()), 0
        for model in todo:
            Model = self.env[model].sudo().with_context(active_test=False)
            last_id = 0
            while ids := Model._governance_due_ids(kind, now, batch, after_id=last_id):
                records = Model.browse(ids)
                if kind == "warning":
                    records._governance_warn(now)
                else:
                    records._governance_release(now)
                last_id, done = ids[-1], done + len(ids)
                self._governance_commit(done, max(total - done, 0))
        if kind == "release":
            self.env["crm.governance.ledger"].sudo()._notify_released_owners()
            self._governance_commit(done, 0)
        return done

    @api.model
    def _governance_commit(self, done, remaining):
        self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)
        if not (getattr(threading.current_thread(), "testing", False)
                or self.env.context.get("governance_no_commit")):
            self.env.cr.commit()

    @api.model
    def _governance_access_changed(self):
        """Record rules are cached per user; who reaches which section has just
        changed, so drop the cached rule domains (all workers are signalled)."""
        self.env["res.users"].invalidate_model()
        self.env.registry.clear_cache()

    def action_view_leads(self):
        self.ensure_one()
        me = self.env.user.sudo()
        if not self.env.su and (me.governance_frozen or self not in me._governance_listed_sections() | \
                me.governance_read_section_ids):
            raise AccessError(_("You work in other sections than %(section)s (SEC-4).",
                                section=self.display_name))
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
            leads = Lead.create(vals)
            Partner.create([{
                "name": f"{companies[(j + n) % len(companies)]} ({section.code})",
                "is_company": True,
                "user_id": owners[j % 2].id,
                "phone": f"+86 10 8{n:03d} {j:04d}",
            } for j in range(4)])
            n += 7
            # some owners have not called for a while: warnings and releases
            # to see once the scheduled actions below have run
            owned = leads.filtered("user_id")
            now = fields.Datetime.now()
            for rec, days in [(r, 35) for r in owned[1::5]] + [(r, 65) for r in owned[3::7]]:
                rec._governance_store(rec._governance_rows({rec.id: now - timedelta(days=days)},
                                                           {rec.id: now - timedelta(days=days)}))
        self.with_context(governance_no_commit=True)._cron_protection_warning()
        self.with_context(governance_no_commit=True)._cron_protection_release()
        # after the passes: the record flagged by its invalid follow-ups waits
        # for the next release pass, and its validity query for a decision
        self._governance_demo_followups()

    @api.model
    def _governance_demo_followups(self):
        """Follow-ups by the owners, valid and invalid, and one record whose
        owner wrote three invalid ones in a row (无效保护)."""
        notes = ["外出", "王经理确认了二期需求，预算约80万，下周提交报价", "电话，无人接听",
                 "Called Mr. Smith: they need samples before the order", "没找到人，再联系",
                 "拜访采购部，了解到竞品报价偏低，需调整方案", "沟通", "陈主任说合同已进入审批流程",
                 "Busy, call back later", "李总对演示很满意，进展顺利"]
        Lead = self.env["crm.lead"].sudo()
        for key in ("east", "south", "north"):
            section = self.env.ref(f"crm_governance.section_{key}")
            leads = Lead.search([("section_id", "=", section.id), ("protection_state", "=", "protected")],
                                order="id", limit=8)
            for i, lead in enumerate(leads[:-1]):
                lead.with_user(lead.user_id).message_post(
                    body=f"{notes[i % len(notes)]}（{lead.partner_name}）" if i % 2 else notes[i % len(notes)],
                    message_type="comment", subtype_xmlid="mail.mt_note")
            flagged = leads[-1:]
            for text in ("外出", "电话", "没找到人"):
                flagged.with_user(flagged.user_id).message_post(body=text, message_type="comment",
                                                                subtype_xmlid="mail.mt_note")
            # and a colleague who wants it asks for a validity query (有效性查询)
            requester = (section.member_ids - flagged.user_id)[:1]
            if flagged and requester:
                self.env["crm.governance.validity.query"].with_user(requester)._governance_file(
                    flagged.name, "我跟这家客户联系了半年；负责人只写了“外出”“电话”“没找到人”。")
