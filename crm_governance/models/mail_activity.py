from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import SQL

from .boundary import check_onchange_values, readable_by_caller
from .governed import GOVERNED_MODELS
from .trusted import Trusted, as_id, trusted


def document_of(env, vals, record=None):
    """(model, id) of the document ``vals`` points to by res_model or
    res_model_id and res_id, falling back on ``record``'s (activities and
    meetings point to their document this way); ids as the ORM takes them."""
    if vals.get("res_model"):
        model = vals["res_model"]
    elif vals.get("res_model_id"):
        model = env["ir.model"].sudo().browse(as_id(vals["res_model_id"]) or []).model
    else:
        model = record.sudo().res_model if record else None
    res_id = as_id(vals["res_id"]) if vals.get("res_id") else (record.sudo().res_id if record else None)
    return model, res_id


class MailActivity(models.Model):
    _inherit = "mail.activity"

    # A copy of the document's section: activities point to their document
    # by (res_model, res_id), which record rules cannot follow.
    section_id = fields.Many2one("crm.governance.section",
                                 index="btree_not_null", readonly=True)

    @api.model_create_multi
    def create(self, vals_list):
        self._governance_check_assignees(vals_list)
        if self._governance_management_assigns(vals_list):
            # Group management reads every section but edits nothing; SEC-2
            # still lets it assign follow-up activities (一般行动) to anyone on
            # records it can read, which stock Odoo ties to write access.
            activities = super(MailActivity, self.sudo()).create(vals_list).sudo(False)
        else:
            activities = super().create(vals_list)
        for documents in activities._governance_documents().values():
            self._governance_sync_section(documents)
        return activities

    def write(self, vals):
        if trusted(self.env, "governance_merging"):
            # a merge moves the merged leads' activities: handled by the merge
            return super().write(vals)
        moving = {"res_id", "res_model_id", "res_model"} & set(vals)
        if not self.env.su and moving:
            # an activity moved onto another document: as if created there
            # (stock checks only the activity before the write, and would
            # then compute the new document's name as superuser)
            self._governance_check_new_documents(vals)
        if vals.get("user_id") or moving:
            self._governance_check_assignees([vals], self)
        old_documents = self._governance_documents()
        res = super().write(vals)
        if moving:
            for documents in (*old_documents.values(), *self._governance_documents().values()):
                self._governance_sync_section(documents)
        return res

    def onchange(self, values, field_names, fields_spec):
        # the form names its document (res_name) as superuser (SEC-4)
        check_onchange_values(self, values)
        return super().onchange(values, field_names, fields_spec)

    def _compute_res_name(self):
        # stock names the document as superuser: the activity form's onchange
        # named any lead or customer by id (and a missing id answered
        # otherwise). Named only when the caller may read it (SEC-4).
        super()._compute_res_name()
        if self.env(su=False).is_superuser() or not self.env["crm.governance.section"]._governance_enabled_ids():
            return
        for activity in self.filtered(lambda a: a.res_model in GOVERNED_MODELS and a.res_id):
            if not readable_by_caller(self.env, self.env[activity.res_model].browse(activity.res_id)):
                activity.res_name = False

    def _governance_documents(self):
        """The governed-model documents of ``self``, per model."""
        by_model = defaultdict(set)
        for act in self.sudo():
            if act.res_model in GOVERNED_MODELS and act.res_id:
                by_model[act.res_model].add(act.res_id)
        return {model: self.env[model].browse(list(ids)) for model, ids in by_model.items()}

    def _governance_check_new_documents(self, vals):
        for act in self:
            model, res_id = document_of(self.env, vals, act)
            if model and res_id:
                document = self.env[model].browse(res_id)
                operation = getattr(document, "_mail_post_access", "write")
                if model in GOVERNED_MODELS:
                    document._governance_check_caller(operation)
                else:
                    document.check_access(operation)

    @api.model
    def _governance_check_assignees(self, vals_list, activities=None):
        """An activity makes its assignee a follower of the document, who then
        reads every later message: on a governed record it goes only to
        someone who may read that record (SEC-2, SEC-4). The module's own
        reminders (superuser) go to the owner."""
        if self.env.su or not self.env["crm.governance.section"]._governance_enabled_ids():
            return
        for vals in vals_list:
            for activity in activities or [None]:
                model, res_id = document_of(self.env, vals, activity)
                user_id = as_id(vals["user_id"]) if vals.get("user_id") else (
                    activity.sudo().user_id.id if activity else self.env.uid)
                if model not in GOVERNED_MODELS or not res_id or not user_id:
                    continue
                # the caller's reach first: the refusal below must not tell whether a record they
                # cannot read exists (a missing id and a foreign one, one refusal)
                self.env[model].browse(res_id)._governance_check_caller("read")
                document = self.env[model].sudo().browse(res_id).exists()
                if not document or not document._governance_section().governance_enabled:
                    continue
                assignee = self.env["res.users"].sudo().browse(user_id).exists()
                if not assignee or not document.with_user(assignee).has_access("read"):
                    raise AccessError(self.env._(
                        "Field 'Assigned to': %(user)s may not read this record, so no activity on it can "
                        "be assigned to them (SEC-2).", user=assignee.name or "-"))

    @api.model
    def _governance_management_assigns(self, vals_list):
        if self.env.su or not self.env.user.has_group("crm_governance.group_management"):
            return False
        for vals in vals_list:
            model, res_id = document_of(self.env, vals)
            if model not in GOVERNED_MODELS or not res_id:
                return False
            try:
                self.env[model].browse(res_id).check_access("read")
            except AccessError:
                return False
        return True

    @api.model
    def _governance_sync_section(self, documents):
        """Copy the section of ``documents`` onto their activities."""
        if not documents:
            return
        documents.flush_model(["section_id"])
        self.flush_model(["section_id", "res_model", "res_id"])
        # a contact's activities carry its customer account's section
        section = SQL("COALESCE(d.section_id, (SELECT c.section_id FROM res_partner c "
                      "WHERE c.id = d.commercial_partner_id))") \
            if documents._name == "res.partner" else SQL("d.section_id")
        self.env.cr.execute(SQL(
            """UPDATE mail_activity a SET section_id = %(section)s
                 FROM %(table)s d
                WHERE a.res_model = %(model)s AND a.res_id = d.id AND d.id = ANY(%(ids)s)
                  AND a.section_id IS DISTINCT FROM %(section)s""",
            section=section, table=SQL.identifier(documents._table), model=documents._name, ids=documents.ids))
        self.invalidate_model(["section_id"])

    def _action_done(self, feedback=False, attachment_ids=None):
        # The completion message is rendered from a template; the follow-up
        # it becomes is judged on the feedback the user typed (FU-1).
        done = self.with_context(governance_activity_feedback=Trusted(feedback or ""))
        return super(MailActivity, done)._action_done(
            feedback=feedback, attachment_ids=attachment_ids)
