import dataclasses
from datetime import datetime, time, timedelta

from odoo import _, api, fields, models
from odoo.exceptions import AccessError

from ..models.governed import GOVERNED_MODELS
from ..policy import protection


class CrmGovernanceDryRun(models.TransientModel):
    """What would happen if: the records of a section that would be warned
    or released by a date, under its policy or under edited numbers, before
    they are saved or governance is enabled (PROT-2)."""
    _name = "crm.governance.dry.run"
    _description = "Protection Policy Dry Run"

    section_id = fields.Many2one("crm.governance.section", required=True,
                                 default=lambda self: self.env.context.get("active_id"))
    horizon = fields.Selection([("tomorrow", "Tomorrow"), ("week", "Next week"), ("date", "On a date")],
                               string="By", default="tomorrow", required=True)
    horizon_date = fields.Date(string="Date")
    warning_days = fields.Integer(string="Warning After (days)")
    release_days = fields.Integer(string="Release After (days)")
    protection_day_unit = fields.Selection(
        [(protection.CALENDAR, "Calendar days"), (protection.WORKING, "Working days")], string="Count Days In")
    would_remind_count = fields.Integer(string="Follow-up Would Be Due", readonly=True)
    would_warn_count = fields.Integer(string="Would Be Warned", readonly=True)
    would_release_count = fields.Integer(string="Would Be Released", readonly=True)
    would_remind = fields.Json(readonly=True)
    would_warn = fields.Json(readonly=True)
    would_release = fields.Json(readonly=True)
    computed = fields.Boolean(readonly=True)

    @api.onchange("section_id")
    def _onchange_section_id(self):
        for wizard in self.filtered("section_id"):
            wizard.warning_days = wizard.section_id.warning_days
            wizard.release_days = wizard.section_id.release_days
            wizard.protection_day_unit = wizard.section_id.protection_day_unit

    @api.model
    def _governance_check_section(self, section):
        """A dry run shows how many records of a section would go: only for
        those who read the whole section (its admins, management, system
        admins), never for another section's admin (SEC-4)."""
        if self.env.su:
            return
        user = self.env.user.sudo()
        if user.governance_frozen or section not in user.governance_read_section_ids | \
                user.governance_admin_section_ids:
            raise AccessError(_("Only an admin of section %(section)s may run its dry run (SEC-4).",
                                section=section.display_name))

    def _horizon(self):
        today = fields.Date.context_today(self)
        day = {"tomorrow": today + timedelta(days=1), "week": today + timedelta(days=7)}.get(
            self.horizon, self.horizon_date or today)
        return datetime.combine(day, time.max)

    def action_compute(self):
        self.ensure_one()
        section = self.section_id
        self._governance_check_section(section)
        policy = dataclasses.replace(
            section._governance_policy(), warning_days=self.warning_days or section.warning_days,
            release_days=self.release_days or section.release_days,
            unit=self.protection_day_unit or section.protection_day_unit)
        now = fields.Datetime.now()
        remind, warn, release = {}, {}, {}
        for model in GOVERNED_MODELS:
            domain = [("section_id", "=", section.id), ("user_id", "!=", False)]
            if section.governance_enabled:
                # what the passes walk: protected records still open (a registration waiting for
                # approval has no protection yet, a won deal keeps its owner)
                domain.append(("protection_state", "in", protection.OWNED))
            records = self.env[model].search(domain).sudo()
            records -= records.browse(records._governance_closed_ids())
            if not records:
                continue
            if section.governance_enabled:
                results = records._governance_evaluate(
                    {r.id: r.protected_since for r in records}, {r.id: r.last_valid_followup_at for r in records},
                    policy=policy)
            else:
                # as enabling would: from the owners' history (see _governance_protection_init)
                results = records._governance_evaluate(
                    {r.id: r.create_date for r in records}, history_by_id=records._governance_last_followups(),
                    fu4_start_by_id={r.id: now for r in records}, policy=policy)
            remind[model], warn[model], release[model] = protection.dry_run(results, self._horizon())
        self.write({
            "would_remind": remind, "would_warn": warn, "would_release": release, "computed": True,
            "would_remind_count": sum(len(v) for v in remind.values()),
            "would_warn_count": sum(len(v) for v in warn.values()),
            "would_release_count": sum(len(v) for v in release.values()),
        })
        return {"type": "ir.actions.act_window", "res_model": self._name, "res_id": self.id,
                "view_mode": "form", "target": "new", "name": self.env._("Dry Run")}

    def _open(self, ids_by_model, name):
        """The records of one kind: leads, or with ``governance_customers``
        in the context (the dialog's second button) the customer accounts."""
        self._governance_check_section(self.section_id)
        model = "res.partner" if self.env.context.get("governance_customers") else "crm.lead"
        ids = (ids_by_model or {}).get(model, [])
        return {"type": "ir.actions.act_window", "name": name, "res_model": model,
                "view_mode": "list,form", "domain": [("id", "in", ids)], "target": "current"}

    def action_open_would_release(self):
        return self._open(self.would_release, self.env._("Would be released"))

    def action_open_would_remind(self):
        return self._open(self.would_remind, self.env._("Follow-up would be due"))

    def action_open_would_warn(self):
        return self._open(self.would_warn, self.env._("Would be warned"))
