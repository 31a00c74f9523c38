import functools
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.tools import SQL

from ..policy import sections
from ..policy.protection import OWNED
from .governed import GOVERNED_MODELS
from .trusted import Trusted


class CrmGovernanceSection(models.Model):
    """Switching governance on for a big section, or a policy change that
    moves many dates, as a scheduled job in committed batches with Odoo's
    progress reporting: the request returns at once, a killed run resumes
    after its last batch.

    Enabling prepares every record (protection state and dates from its
    history, FU-4 deadlines, registration keys) while the section still
    behaves as stock Odoo, and switches the rules on in the transaction of
    the last batch: a section half under its rules would show a salesperson
    half of their colleagues' records and let the release pass pool half of
    it. Updating dates keeps each record's previous dates until it is
    reached."""
    _inherit = "crm.governance.section"

    @api.model
    def _governance_background_threshold(self):
        return int(self.env["ir.config_parameter"].sudo().get_param(
            "crm_governance.background_threshold", sections.BACKGROUND_THRESHOLD_DEFAULT))

    def _governance_job_domain(self, kind):
        domain = [("section_id", "in", self.ids)]
        if kind == "recompute":
            domain.append(("protection_state", "in", OWNED))
        return domain

    def _governance_job_size(self, kind):
        self.ensure_one()
        return sum(self.env[model].sudo().with_context(active_test=False).search_count(
            self._governance_job_domain(kind)) for model in GOVERNED_MODELS)

    def _governance_in_background(self, kind):
        """The sections of ``self`` too big for ``kind`` in the request, and
        the size of each (which the job starts from)."""
        threshold = self._governance_background_threshold()
        sizes = {s.id: s._governance_job_size(kind) for s in self}
        return self.filtered(lambda s: sections.in_background(sizes[s.id], threshold)), sizes

    def _governance_job_write(self, vals):
        if not self:
            return True
        return self.with_context(governance_job=Trusted("write")).sudo().write(vals)

    def _governance_job_start(self, kind, sizes=None):
        """Queue ``kind`` ("enable", "recompute") for ``self`` and wake the job;
        starting again restarts from the first record. ``sizes``: section id
        -> records, when already counted."""
        if not self:
            return
        for section in self:
            section._governance_job_write({
                "governance_job": kind, "governance_job_position": f"{GOVERNED_MODELS[0]}:0",
                "governance_job_started_at": fields.Datetime.now(), "governance_job_done": 0,
                "governance_job_total": sizes[section.id] if sizes else section._governance_job_size(kind)})
            section.message_post(body=_(
                "Enabling governance in the background: %(count)s records to prepare. The section "
                "behaves as before until they are all ready.", count=section.governance_job_total)
                if kind == "enable" else _(
                "New protection dates for %(count)s records are computed in the background; each "
                "keeps its previous dates until it is reached.", count=section.governance_job_total))
        self.env.ref("crm_governance.ir_cron_governance_section_jobs")._trigger()

    def _governance_job_stop(self):
        self._governance_job_write({
            "governance_job": False, "governance_job_position": False, "governance_job_started_at": False,
            "governance_job_done": 0, "governance_job_total": 0})

    @api.model
    def _cron_governance_section_jobs(self):
        """Run every queued section job to its end."""
        batch = int(self.env["ir.config_parameter"].sudo().get_param("crm_governance.section_job_batch_size", 2000))
        done = 0
        for section in self.sudo().with_context(active_test=False).search([("governance_job", "!=", False)]):
            done += section._governance_job_run(batch)
        return done

    def _governance_job_run(self, batch, max_batches=None):
        """Batches of records in id order, each committed with the job's
        position; the last batch finishes the job in its own transaction."""
        self.ensure_one()
        kind, done, batches = self.governance_job, 0, 0
        while max_batches is None or batches < max_batches:
            count = self._governance_in_batch(functools.partial(self._governance_job_batch, kind, batch))
            if count is None:
                break
            done, batches = done + count, batches + 1
        return done

    def _governance_job_batch(self, kind, batch):
        """The job's next batch: the number of records done, None once the job
        is over (finished, stopped, or replaced by another)."""
        self.invalidate_recordset()
        if self.governance_job != kind or ":" not in (self.governance_job_position or ""):
            return None
        model, after = self.governance_job_position.split(":")
        # records of a section being enabled are prepared as if it were governed
        Model = self.env[model].sudo().with_context(
            active_test=False, governance_preparing=Trusted(frozenset(self.ids)))
        records = Model.search(self._governance_job_domain(kind) + [("id", ">", int(after))], order="id", limit=batch)
        if records:
            self._governance_job_step(kind, records)
            position = f"{model}:{records[-1].id}"
        else:
            following = GOVERNED_MODELS[GOVERNED_MODELS.index(model) + 1:]
            position = f"{following[0]}:0" if following else False
        self._governance_job_write({"governance_job_position": position,
                                    "governance_job_done": self.governance_job_done + len(records)})
        remaining = max(self.governance_job_total - self.governance_job_done, 0)
        if not position:
            self._governance_job_finish(kind)
            remaining = 0
        self.env["ir.cron"]._notify_progress(done=self.governance_job_done, remaining=remaining)
        return len(records)

    @api.model
    def _governance_job_step(self, kind, records):
        if kind == "enable":
            records._governance_protection_init()
            # what registrations are checked against (ENTRY-2)
            records._governance_store_keys()
        else:
            records._governance_protection_recompute()

    def _governance_job_finish(self, kind):
        """Enabling: records changed while the job ran (new owner, notes,
        moved in) are prepared again, then the rules switch on."""
        self.ensure_one()
        if kind == "enable":
            # a margin for transactions that began just before the job
            since = self.governance_job_started_at - timedelta(minutes=5)
            for model in GOVERNED_MODELS:
                Model = self.env[model].sudo().with_context(
                    active_test=False, governance_preparing=Trusted(frozenset(self.ids)))
                Model.flush_model()
                self.env.cr.execute(SQL(
                    """SELECT r.id FROM %(table)s r
                        WHERE r.section_id = %(section)s
                          AND (r.protection_state IS NULL OR r.write_date >= %(since)s
                               OR EXISTS (SELECT 1 FROM mail_message m WHERE m.model = %(model)s
                                             AND m.res_id = r.id AND m.date >= %(since)s))""",
                    table=SQL.identifier(Model._table), section=self.id, since=since, model=model))
                changed = Model.browse([r[0] for r in self.env.cr.fetchall()])
                self._governance_job_step(kind, changed)
            total = self.governance_job_done
            self._governance_job_stop()
            self.with_context(governance_job=Trusted("finish")).write({"governance_enabled": True})
            self.message_post(body=_("Governance is enabled: %(count)s records prepared in the background.",
                                     count=total))
        else:
            self._governance_job_stop()

    def action_governance_stop_enabling(self):
        """Stop a background enabling job: the section stays disabled and the
        records prepared so far are cleared."""
        self.check_access("write")
        self.filtered(lambda s: s.governance_job == "enable").write({"governance_enabled": False})
        return True
