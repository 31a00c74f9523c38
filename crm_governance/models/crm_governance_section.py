import functools
import threading
import time
from collections import namedtuple
from datetime import timedelta

from odoo import _, api, fields, models, tools
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.service.model import retrying

from ..policy import access, protection, registration, sections, settings
from .crm_governance_policy_fields import section_fields
from .governed import GOVERNED_MODELS
from .trusted import forged, trusted

# ``policies``: the protection policy per customer grade (None: no grade)
FollowupSettings = namedtuple("FollowupSettings", "rules governed policies copy_days")
RegistrationRules = namedtuple("RegistrationRules", "required completion")
# the background job's state: only the job writes it
JOB_FIELDS = frozenset(("governance_job", "governance_job_position", "governance_job_started_at",
                        "governance_job_done", "governance_job_total"))


class CrmGovernanceSection(models.Model):
    """A section (版块): one part of the sales organisation, e.g. a subsidiary
    or business line. Leads, opportunities and customer accounts belong to one
    section (SEC-1); governance rules apply only once it is enabled."""
    _name = "crm.governance.section"
    _description = "CRM Section"
    _inherit = ["mail.thread", "crm.governance.fact.tags.mixin"]
    _order = "sequence, name, id"
    _governance_fact_fields = {"registration_fact_ids": "registration_facts", "completion_fact_ids": "completion_facts"}

    name = fields.Char(required=True, translate=True, tracking=True)
    code = fields.Char(required=True, tracking=True,
                       help="Short code, unique within the company.")
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True, tracking=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True,
        default=lambda self: self.env.company, tracking=True)
    governance_enabled = fields.Boolean(
        default=False, tracking=True,
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
    # work too big for a request (switching governance on, a policy change
    # moving many dates) runs as a scheduled job in committed batches; the
    # job's state lives here so that a killed run resumes where it stopped
    governance_job = fields.Selection(
        [("enable", "Enabling"), ("recompute", "Updating dates")], string="Background Job", readonly=True,
        copy=False, help="Governance is being switched on, or protection dates follow a policy change, "
                         "in the background; until the job is done the records not yet reached keep "
                         "their previous behaviour.")
    governance_job_position = fields.Char(readonly=True, copy=False)
    governance_job_started_at = fields.Datetime(readonly=True, copy=False)
    governance_job_done = fields.Integer(readonly=True, copy=False)
    governance_job_total = fields.Integer(readonly=True, copy=False)
    governance_job_progress = fields.Integer(string="Progress (%)", compute="_compute_governance_status")
    governance_status = fields.Char(string="Governance", compute="_compute_governance_status")
    lead_count = fields.Integer(compute="_compute_lead_count", string="Leads/Opportunities")

    # the registration facts by name, as tags (the codes stay the stored policy)
    registration_fact_ids = fields.Many2many(
        "crm.governance.registration.fact", "crm_governance_section_required_fact_rel",
        string="Facts Required at Registration",
        compute="_compute_governance_fact_tags", inverse="_inverse_governance_fact_tags",
        help="A lead or opportunity registered without one of these is refused, on every path (ENTRY-1).")
    completion_fact_ids = fields.Many2many(
        "crm.governance.registration.fact", "crm_governance_section_completion_fact_rel",
        string="Facts to Complete after Registration", compute="_compute_governance_fact_tags",
        inverse="_inverse_governance_fact_tags",
        help="What a new registration must also have within the completion days (ENTRY-4).")

    # the section's policy: one field per setting of policy/settings.py
    # (PROT-2 … PROT-5, FU-2, FU-4, FU-6), starting as the company's defaults
    locals().update(section_fields())

    @api.model
    def _company_default(self, name):
        """A new section starts with its company's defaults (Settings ▸ CRM),
        which start as POLICY.md's numbers."""
        if not self.env.registry.ready:
            # While modules load (install, upgrade) the company's columns may
            # not exist yet: existing sections get POLICY.md's numbers.
            return settings.DEFAULTS[name]
        company = self.env["res.company"].browse(self.env.context.get("default_company_id")) or self.env.company
        return company[f"governance_{name}"]

    _sql_constraints = [
        ("code_company_uniq", "unique(company_id, code)",
         "Section code must be unique within a company (SEC-1)."),
    ]

    @api.depends("governance_enabled", "governance_job", "governance_job_done", "governance_job_total")
    def _compute_governance_status(self):
        for section in self:
            percent = sections.progress(section.governance_job_done, section.governance_job_total)
            section.governance_job_progress = percent if section.governance_job else 0
            if section.governance_job == "enable":
                section.governance_status = _("Enabling… %(percent)s %%", percent=percent)
            elif section.governance_job == "recompute":
                section.governance_status = _("Updating dates… %(percent)s %%", percent=percent)
            elif section.governance_enabled:
                section.governance_status = _("Enabled")
            else:
                section.governance_status = _("Disabled")

    def _compute_lead_count(self):
        counts = dict(self.env["crm.lead"]._read_group(
            [("section_id", "in", self.ids)], ["section_id"], ["__count"]))
        for section in self:
            section.lead_count = counts.get(section, 0)

    @api.constrains(*settings.BY_NAME)
    def _check_policy_settings(self):
        for section in self:
            section._governance_check_settings({name: section[name] for name in settings.BY_NAME},
                                               self.env._("Section %s", section.display_name))

    @api.model
    def _governance_check_settings(self, values, owner):
        """The one check of policy values (``policy.settings.violations``),
        for sections and company defaults alike; ``owner`` names whose."""
        for code, setting in settings.violations(values):
            if code == settings.UNKNOWN_FACT:
                raise ValidationError(self.env._(
                    "%(owner)s: '%(field)s' names facts that do not exist: %(unknown)s. Use %(known)s (%(rule)s).",
                    owner=owner, field=self._fields[setting.name]._description_string(self.env),
                    unknown=", ".join(registration.parse_facts(values[setting.name])[1]),
                    known=", ".join(registration.FACTS), rule=setting.rule))
            if code == settings.COMPLETION_AFTER_LIMIT:
                raise ValidationError(self.env._(
                    "%(owner)s: facts due after %(due)s days cannot come after the limit of %(limit)s days "
                    "(ENTRY-4).", owner=owner, due=values["completion_days"], limit=values["completion_limit_days"]))
            label = self._fields[setting.name]._description_string(self.env)
            if code == settings.WARNING_NOT_BEFORE_RELEASE and setting.name != "warning_days":
                grade = setting.name.split("_")[1].upper()
                raise ValidationError(self.env._(
                    "%(owner)s: for grade %(grade)s the warning (%(warn)s days) must come before the release "
                    "to the pool (%(release)s days) (GRADE-4).", owner=owner, grade=grade,
                    warn=values.get(setting.name) or values["warning_days"],
                    release=values.get(f"grade_{grade.lower()}_release_days") or values["release_days"]))
            if code == settings.WARNING_NOT_BEFORE_RELEASE:
                raise ValidationError(self.env._(
                    "%(owner)s: the warning (%(warn)s days) must come before the release to the pool "
                    "(%(release)s days) (PROT-2).", owner=owner, warn=values["warning_days"],
                    release=values["release_days"]))
            if code == settings.ABOVE_MAXIMUM:
                raise ValidationError(self.env._(
                    "%(owner)s: '%(field)s' must be at most %(maximum)s (%(rule)s).",
                    owner=owner, field=label, maximum=setting.maximum, rule=setting.rule))
            if setting.minimum == 0:
                raise ValidationError(self.env._("%(owner)s: '%(field)s' cannot be negative (%(rule)s).",
                                                 owner=owner, field=label, rule=setting.rule))
            if setting.name.endswith("_days"):
                raise ValidationError(self.env._(
                    "%(owner)s: '%(field)s' must be a positive number of days (%(rule)s).",
                    owner=owner, field=label, rule=setting.rule))
            raise ValidationError(self.env._(
                "%(owner)s: '%(field)s' must be at least %(minimum)s (%(rule)s).",
                owner=owner, field=label, minimum=setting.minimum, rule=setting.rule))

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

    def _governance_told(self, decision):
        """Who of this section is told that ``decision`` (a code of
        policy.access) waits: its unfrozen heads and/or admins."""
        self.ensure_one()
        section = self.sudo()
        heads = section.head_ids.filtered(lambda u: not u.governance_frozen)
        admins = section.admin_ids.filtered(lambda u: not u.governance_frozen)
        return self.env["res.users"].browse(access.told(decision, heads.ids, admins.ids))

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
            settings.followup_rules({name: section[name] for name in settings.BY_NAME}),
            section.governance_enabled, section._governance_policies(), section.followup_copy_days)

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

    def _governance_refuse_job_fields(self, vals_list, with_defaults=False):
        """The background job's state is written by the job only: refused to
        anyone else, system admins included, as values or context defaults."""
        if trusted(self.env, "governance_job"):
            return
        names = sorted(forged(self.env, vals_list, JOB_FIELDS, with_defaults))
        if names:
            raise UserError(_("%(fields)s cannot be written: the background job of a section keeps them.",
                              fields=", ".join(self._fields[f].string for f in names)))

    @api.model_create_multi
    def create(self, vals_list):
        self._governance_refuse_job_fields(vals_list, with_defaults=True)
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
        self._governance_refuse_job_fields([vals])
        job = trusted(self.env, "governance_job")
        if "code" in vals or "company_id" in vals:
            for section in self:
                section._check_code_free(vals.get("code", section.code),
                                         vals.get("company_id", section.company_id.id))
        # switching on a section already being enabled changes nothing
        enabling = self.filtered(lambda s: not s.governance_enabled and s.governance_job != "enable") \
            if vals.get("governance_enabled") else self.browse()
        background, sizes = enabling._governance_in_background("enable") if job != "finish" else (self.browse(), {})
        if background:
            # switched on by the job once every record is ready (_governance_job_finish)
            rest = {k: v for k, v in vals.items() if k != "governance_enabled"}
            if self - background:
                (self - background).write(vals)
            if rest:
                background.write(rest)
            background._governance_job_start("enable", sizes)
            return True
        switching_off = vals.get("governance_enabled") is False
        # switched off while a job runs: an enabling job had governed nothing yet
        disabling = self.filtered(lambda s: s.governance_enabled or s.governance_job) if switching_off \
            else self.browse()
        moved = (settings.PROTECTION_NUMBERS & set(vals)) and not job
        res = super().write(vals)
        if {"governance_enabled", "head_ids", "admin_ids", "member_ids", "active"} & set(vals):
            self._governance_access_changed()
        elif (settings.JUDGING | settings.PROTECTION_NUMBERS) & set(vals):
            # the cached settings a chatter note is judged and counted with
            self.env.registry.clear_cache()
        disabling.filtered("governance_job")._governance_job_stop()
        recompute = (self - enabling).filtered("governance_enabled") if moved else self.browse()
        later, sizes = recompute._governance_in_background("recompute")
        self._governance_update_records(enabling if job != "finish" else self.browse(), disabling,
                                        recompute - later)
        later._governance_job_start("recompute", sizes)
        if moved:
            # an enabling job half-way prepared records with the old numbers: start it again
            self.filtered(lambda s: s.governance_job == "enable")._governance_job_start("enable")
        return res

    def _governance_update_records(self, enabling, disabling, recompute):
        """The records of sections switched on, off, or with new protection
        numbers, in the request: the job's steps, all at once."""
        for model in GOVERNED_MODELS:
            Model = self.env[model].sudo().with_context(active_test=False)
            if enabling:
                self._governance_job_step("enable", Model.search(enabling._governance_job_domain("enable")))
            if disabling:
                Model.search([("section_id", "in", disabling.ids),
                              ("protection_state", "!=", False)])._governance_protection_clear()
            if recompute:
                self._governance_job_step("recompute", Model.search(recompute._governance_job_domain("recompute")))

    def unlink(self):
        res = super().unlink()
        self._governance_access_changed()
        return res

    # -- protection policy (PROT-2/4) -------------------------------------
    def _governance_policy(self, grade=None):
        """The section's protection policy for records of a customer of
        ``grade`` (PROT-3, GRADE-4; None: no grade)."""
        self.ensure_one()
        return settings.protection_policy({name: self[name] for name in settings.BY_NAME}, grade)

    def _governance_policies(self):
        self.ensure_one()
        return settings.protection_policies({name: self[name] for name in settings.BY_NAME})

    # -- registration (ENTRY-1 … ENTRY-4) ------------------------------------
    def _governance_registration_rules(self):
        """The facts required at registration and to complete afterwards
        (ENTRY-1, ENTRY-4); a record without a section needs none."""
        if not self:
            return RegistrationRules((), ())
        self.ensure_one()
        return RegistrationRules(registration.parse_facts(self.registration_facts)[0],
                                 registration.parse_facts(self.completion_facts)[0])

    def _governance_completion_days(self):
        self.ensure_one()
        return self.completion_days, self.completion_limit_days

    def _governance_calendar(self, start, policy, last_start=None):
        """The section company's working calendar for counting every interval
        of ``policy`` in working days from any moment between ``start`` and
        ``last_start`` (holidays are the calendar's company-wide leaves)."""
        self.ensure_one()
        days = max(policy.release_days, policy.first_followup_days, policy.followup_interval_days)
        if policy.unit != protection.WORKING:
            return protection.WorkingCalendar()
        calendar = self.company_id.resource_calendar_id
        if not calendar:
            return protection.WorkingCalendar()
        workdays = frozenset(int(d) for d in calendar.attendance_ids.filtered(
            lambda a: not a.display_type).mapped("dayofweek")) or protection.DEFAULT_WORKDAYS
        # enough calendar days to hold ``days`` working days, however few a week
        stop = max(start, last_start or start) + timedelta(days=days * 7 // len(workdays) + 60)
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
    def _cron_followup_due(self):
        return self._governance_run_pass("followup")

    @api.model
    def _cron_protection_warning(self):
        return self._governance_run_pass("warning")

    @api.model
    def _cron_protection_release(self):
        return self._governance_run_pass("release")

    @api.model
    def _governance_run_pass(self, kind):
        """Remind, warn or release every due record of every governed section, in
        batches, committing after each: killed half-way, the next run picks
        up the records still due and nothing is done twice (the state change
        of a record and its ledger row, activity, message are one batch)."""
        batch = int(self.env["ir.config_parameter"].sudo().get_param("crm_governance.cron_batch_size", 1000))
        now = fields.Datetime.now()
        done = 0
        # the release takes rows SKIP LOCKED: a record a claim, a note or the
        # warning pass (another cron worker) holds at that moment is still due
        # afterwards; it is taken in a second round, not left for the next hour
        for attempt in range(3):
            todo = {model: len(self.env[model]._governance_due_ids(kind, now, None)) for model in GOVERNED_MODELS}
            if not any(todo.values()):
                break
            if attempt:
                time.sleep(0.5 * attempt)
            total = done + sum(todo.values())
            for model in todo:
                last_id = 0
                while ids := self._governance_in_batch(functools.partial(
                        self._governance_pass_batch, kind, now, batch, model, last_id, done, total)):
                    last_id, done = ids[-1], done + len(ids)
            if getattr(threading.current_thread(), "testing", False) or self.env.context.get("governance_no_commit"):
                break
        if kind == "release":
            self._governance_in_batch(self.env["crm.governance.ledger"].sudo()._notify_released_owners)
        return done

    @api.model
    def _governance_pass_batch(self, kind, now, batch, model, after_id, done, total):
        """One batch of a pass: the next due records after ``after_id``, acted
        on; their ids."""
        Model = self.env[model].sudo().with_context(active_test=False)
        ids = Model._governance_due_ids(kind, now, batch, after_id=after_id)
        if ids:
            records = Model.browse(ids)
            if kind == "followup":
                records._governance_remind(now)
            elif kind == "warning":
                records._governance_warn(now)
            else:
                records._governance_release(now)
            self.env["ir.cron"]._notify_progress(done=done + len(ids), remaining=max(total - done - len(ids), 0))
        return ids

    @api.model
    def _governance_in_batch(self, func):
        """Run ``func``, one batch of a scheduled job, as a transaction of its
        own, committed: killed half-way, the next run resumes after the last
        batch (Odoo 18's cron pattern). A concurrent transaction that wrote the
        same rows (a claim, a note renewing protection) makes PostgreSQL refuse
        the batch with a serialization failure; it is then rolled back and run
        again on fresh data, as Odoo retries an HTTP request (``retrying``)."""
        if getattr(threading.current_thread(), "testing", False) or self.env.context.get("governance_no_commit") \
                or not self.env.registry.ready:
            # tests, demo data, and module installation: one transaction
            return func()
        return retrying(func, self.env)

    # -- registration keys of existing records (ENTRY-2) ------------------------
    REKEY_PARAM = "crm_governance.registration_keys_after"

    @api.model
    def _governance_rekey_start(self):
        """Every record gets its keys again (install, legal forms changed),
        in the background."""
        self.env["ir.config_parameter"].sudo().set_param(self.REKEY_PARAM, "crm.lead:0")
        cron = self.env.ref("crm_governance.ir_cron_governance_registration_keys", raise_if_not_found=False)
        if cron:
            cron._trigger()

    @api.model
    def _cron_governance_registration_keys(self):
        """Store the keys of the records not keyed yet, in committed batches
        with progress; a killed run resumes after its last batch."""
        params = self.env["ir.config_parameter"].sudo()
        batch = int(params.get_param("crm_governance.rekey_batch_size", 5000))
        done = 0
        while (count := self._governance_in_batch(functools.partial(self._governance_rekey_batch, batch))) is not None:
            done += count
        return done

    @api.model
    def _governance_rekey_batch(self, batch):
        """The next batch of keys; None when every record has them."""
        params = self.env["ir.config_parameter"].sudo()
        position = params.get_param(self.REKEY_PARAM) or ""
        if ":" not in position:
            return None
        models = GOVERNED_MODELS
        model, after = position.split(":")
        last = self.env[model]._governance_rekey(batch, int(after))
        if last:
            position = f"{model}:{last}"
        else:
            following = models[models.index(model) + 1:] if model in models else ()
            position = f"{following[0]}:0" if following else ""
        params.set_param(self.REKEY_PARAM, position)
        self.env["ir.cron"]._notify_progress(done=batch if last else 0, remaining=1 if position else 0)
        return batch if last else 0

    @api.model
    def _governance_access_changed(self):
        """Record rules are cached per user; who reaches which section has just
        changed, so drop the cached rule domains (all workers are signalled)."""
        self.env["res.users"].invalidate_model()
        self.env.registry.clear_cache()

    def action_governance_recompute_grades(self):
        """Recompute the grades of this section's customers now (GRADE-2):
        its heads and admins, and system admins."""
        self.ensure_one()
        if not self.env.su and not self.env.user._governance_may_decide(access.RECOMPUTE_GRADES, self):
            raise AccessError(_("Only the heads and admins of section %(section)s recompute its grades (GRADE-2).",
                                section=self.display_name))
        # the caller's context stays out of a superuser run (progress rows, time zone)
        Partner = self.env["res.partner"].sudo().with_context({"governance_no_commit": True})  # pylint: disable=context-overridden
        changed = Partner._governance_grade_customers(section=self)
        return {"type": "ir.actions.client", "tag": "display_notification", "params": {
            "type": "success", "title": _("Grades recomputed"),
            "message": _("%(count)s customers of %(section)s got new figures or a new grade (GRADE-2).",
                         count=changed, section=self.display_name)}}

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
