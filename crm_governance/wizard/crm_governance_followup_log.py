from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError

from ..models.crm_governance_followup import CHANNELS
from ..models.governed import GOVERNED_MODELS, RECORD_MODELS
from ..models.trusted import Trusted
from ..policy import followups as fu


class CrmGovernanceFollowupLog(models.TransientModel):
    """The "Log Follow-up / 记录跟进" dialog: before saving, the salesperson
    sees whether the text will count and why not (FU-2). An invalid one is
    saved all the same: it is history (FU-5)."""
    _name = "crm.governance.followup.log"
    _description = "Log a Follow-up"

    res_model = fields.Selection(RECORD_MODELS,
                                 string="Record Type", required=True, readonly=True)
    res_id = fields.Integer(string="Record", required=True, readonly=True)
    allowed_contact_ids = fields.Many2many("res.partner", compute="_compute_allowed_contact_ids")
    contact_id = fields.Many2one("res.partner", domain="[('id', 'in', allowed_contact_ids)]",
                                 help="The customer's contact you spoke to (沟通主体).")
    channel = fields.Selection(CHANNELS, required=True, default="phone")
    content = fields.Text(help="Needs, budget, channels, progress: what you learned (沟通内容).")
    next_step = fields.Char()
    next_date = fields.Date(string="Next Follow-up", help="Schedules a to-do for you on that day.")
    supplement_of_id = fields.Many2one("crm.governance.followup", string="Corrects", readonly=True)
    will_count = fields.Boolean(compute="_compute_verdict")
    verdict = fields.Text(compute="_compute_verdict")

    @api.model
    def default_get(self, fields_list):
        res = super().default_get(fields_list)
        model = self.env.context.get("active_model")
        if model in GOVERNED_MODELS and self.env.context.get("active_id"):
            res.update(res_model=model, res_id=self.env.context["active_id"])
            self._governance_target(model, res["res_id"], raise_if_not=True)
        return res

    @api.model_create_multi
    def create(self, vals_list):
        # res_model/res_id come from the caller over JSON-RPC as well
        wizards = super().create(vals_list)
        for wizard in wizards:
            wizard._record()
        return wizards

    @api.model
    def _governance_target(self, model, res_id, raise_if_not=False):
        """The record a follow-up is logged on, when the caller may write to
        it (posting on a record is writing to it, as in stock chatter);
        otherwise nothing is computed about it: not whether a text repeats
        one of its notes, not its contacts (SEC-4)."""
        if model not in GOVERNED_MODELS or not isinstance(res_id, int) or res_id <= 0:
            if raise_if_not:
                raise UserError(_("Field 'Record' is required: open the dialog from a lead, opportunity or "
                                  "customer (FU-1)."))
            return None
        record = self.env[model].browse(res_id)
        if raise_if_not:
            record._governance_check_caller("write")
            return record
        try:
            record._governance_check_caller("write")
        except AccessError:
            return None
        return record

    def _record(self):
        self.ensure_one()
        return self._governance_target(self.res_model, self.res_id, raise_if_not=True)

    @api.depends("res_model", "res_id")
    def _compute_allowed_contact_ids(self):
        for wizard in self:
            record = self._governance_target(wizard.res_model, wizard.res_id)
            wizard.allowed_contact_ids = record.sudo()._governance_contacts() if record else False

    @api.depends("content", "contact_id", "res_model", "res_id")
    def _compute_verdict(self):
        Followup = self.env["crm.governance.followup"]
        for wizard in self:
            record = self._governance_target(wizard.res_model, wizard.res_id)
            if not record or not (wizard.content or "").strip():
                wizard.will_count = False
                wizard.verdict = False
                continue
            record = record.sudo()
            # the preview says whether the text repeats this record's notes,
            # not whether it exists on another record of any section: that
            # would answer guesses for free; "copied" is judged on save (FU-2)
            reason, earlier = Followup._governance_seen(
                record, wizard.content,
                self.env["crm.governance.section"]._governance_followup_settings(record.section_id.id)) \
                if record.section_id else (None, None)
            seen = (reason, earlier) if reason == fu.REPEATED else (None, None)
            reasons = Followup._governance_judge(record, wizard.content, wizard.contact_id, seen=seen)
            wizard.will_count = not reasons
            wizard.verdict = "\n".join(Followup._governance_explain(
                reasons, record.section_id, Followup.browse(seen[1] or []))) if reasons else (
                _("This follow-up counts: it renews the record's protection (FU-3).")
                if record.user_id == self.env.user else
                _("This follow-up counts as valid; it renews protection only when the owner logs it (FU-3)."))

    def action_save(self):
        self.ensure_one()
        record = self._record()
        Followup = self.env["crm.governance.followup"]
        Followup._governance_check_vals(record, self.content, self.contact_id)
        if self.supplement_of_id and (self.supplement_of_id.lead_id or self.supplement_of_id.partner_id) != record:
            raise UserError(_("Field 'Corrects': a supplementary follow-up belongs to the same record (FU-5)."))
        channel = dict(self._fields["channel"]._description_selection(self.env))[self.channel]
        head = _("Follow-up (%(channel)s)", channel=channel)
        if self.contact_id:
            head = _("Follow-up (%(channel)s, with %(contact)s)", channel=channel, contact=self.contact_id.name)
        body = Markup("<p><b>%s</b></p><p>%s</p>") % (head, self.content.strip())
        if self.next_step or self.next_date:
            body += Markup("<p>%s</p>") % _("Next step: %(step)s %(date)s", step=self.next_step or "",
                                            date=fields.Date.to_string(self.next_date) if self.next_date else "")
        # the chatter keeps the note; the follow-up record is made here, not
        # from the note, so it carries the contact and channel
        message = record.sudo().with_context(governance_followup_logged=Trusted(True)).message_post(
            body=body, author_id=self.env.user.partner_id.id, message_type="comment",
            subtype_xmlid="mail.mt_note")
        followup = record._governance_take_followup({
            "author_id": self.env.uid, "content": self.content.strip(), "contact_id": self.contact_id.id,
            "channel": self.channel, "next_step": self.next_step, "next_date": self.next_date,
            "source": "manual", "supplement_of_id": self.supplement_of_id.id, "message_id": message.id,
        })
        if self.next_date:
            record.sudo().activity_schedule(
                "mail.mail_activity_data_todo", date_deadline=self.next_date, user_id=self.env.uid,
                summary=self.next_step or _("Follow up"))
        # the reasons as the author reads them, not as the superuser who wrote
        # the follow-up: they may name only records the author reads (SEC-4)
        followup = followup.with_env(self.env)
        if not followup.is_valid:
            return {
                "type": "ir.actions.client", "tag": "display_notification",
                "params": {"type": "warning", "sticky": False, "title": _("Saved, but it does not count"),
                           "message": followup.reason_text, "next": {"type": "ir.actions.act_window_close"}},
            }
        return {"type": "ir.actions.client", "tag": "display_notification",
                "params": {"type": "success", "sticky": False, "title": _("Follow-up counted"),
                           "message": record._governance_renewal_text(),
                           "next": {"type": "ir.actions.act_window_close"}}}
