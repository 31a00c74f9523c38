from odoo import _, api, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from .governed import GOVERNED_MODELS
from .trusted import as_id, context_defaults

# what a user may still change on a kept message: their own star and pin
UI_FIELDS = frozenset(("starred_partner_ids", "pinned_at"))


class MailMessage(models.Model):
    _inherit = "mail.message"

    @api.model
    def _governance_kept(self, messages):
        """The messages of ``messages`` kept as written (FU-5): those that
        became follow-ups, and the module's own notes on leads and customers
        (releases, moves), posted by OdooBot."""
        if not messages:
            return messages
        messages.flush_recordset(["model", "author_id"])
        self.env["crm.governance.followup"].flush_model(["message_id"])
        self.env.cr.execute(SQL(
            """SELECT m.id FROM mail_message m
                WHERE m.id = ANY(%(ids)s)
                  AND (EXISTS (SELECT 1 FROM crm_governance_followup f WHERE f.message_id = m.id)
                       OR (m.model IN %(models)s AND m.author_id = %(bot)s))""",
            ids=messages.ids, models=GOVERNED_MODELS, bot=self.env.ref("base.partner_root").id))
        return self.browse(r[0] for r in self.env.cr.fetchall())

    @api.model
    def _governance_check_not_followup(self, messages):
        """A chatter message that became a follow-up, or a note of the module,
        is kept as written (FU-5): a correction is a new, supplementary
        follow-up."""
        if self._governance_kept(messages):
            raise UserError(_("This message is a follow-up record or a note of the governance rules: it "
                              "cannot be edited or deleted; add a supplementary follow-up instead (FU-5)."))

    # -- reading: the record's readers only (SEC-4, SEC-5) -----------------------
    @api.model
    def _governance_unreadable(self, ids):
        """The ids of ``ids`` that are messages of a governed lead or customer
        the user may not read: stock lets a message's author, recipients and
        notified partners (followers) read it whatever the record rules say,
        so a frozen owner, a previous owner or a follower from another section
        would read a record's chatter through their inbox or a search."""
        if self.env.su or not ids or not self.env["crm.governance.section"]._governance_enabled_ids():
            return set()
        self.flush_model(["model", "res_id", "subtype_id"])
        # grade notes are read by those who may read grades (the sales organisation, GRADE-2)
        grade = self.env["ir.model.data"]._xmlid_to_res_id("crm_governance.mt_customer_grade", raise_if_not_found=False)
        sales = self.env.user.has_group("sales_team.group_sale_salesman")
        self.env.cr.execute(SQL("SELECT id, model, res_id, subtype_id FROM mail_message "
                                "WHERE id = ANY(%s) AND model IN %s", list(ids), GOVERNED_MODELS))
        by_model = {}
        unreadable = set()
        for mid, model, res_id, subtype_id in self.env.cr.fetchall():
            if subtype_id and subtype_id == grade and not sales:
                unreadable.add(mid)
                continue
            by_model.setdefault(model, {}).setdefault(res_id, []).append(mid)
        for model, docs in by_model.items():
            Model = self.env[model].with_context(active_test=False)
            governed = Model.sudo().browse(list(docs)).exists()._governance_governed()
            if not governed:
                continue
            readable = set(Model.search([("id", "in", governed.ids)]).ids) if Model.has_access("read") else set()
            for doc_id in set(governed.ids) - readable:
                unreadable.update(docs[doc_id])
        return unreadable

    @api.model
    def _search(self, domain, offset=0, limit=None, order=None):
        query = super()._search(domain, offset=offset, limit=limit, order=order)
        if self.env.su or not self.env["crm.governance.section"]._governance_enabled_ids():
            return query
        ids = query.get_result_ids()
        unreadable = self._governance_unreadable(ids)
        return self.browse(i for i in ids if i not in unreadable)._as_query(order) if unreadable else query

    def _get_forbidden_access(self, operation):
        forbidden = super()._get_forbidden_access(operation)
        if operation == "read" and not self.env.su:
            unreadable = self._governance_unreadable((self - forbidden).ids)
            if unreadable:
                forbidden += self.browse(sorted(unreadable))
        return forbidden

    def _extras_to_store(self, store, format_reply):
        # each follow-up in the chatter says whether it counts and why not
        # (FU-2): a valid and an invalid note look alike otherwise
        super()._extras_to_store(store, format_reply=format_reply)
        notes = self.filtered(lambda m: m.model in GOVERNED_MODELS and m.message_type == "comment")
        if not notes:
            return
        # sudo: the follow-up of a message the reader already reads
        followups = self.env["crm.governance.followup"].sudo().search([("message_id", "in", notes.ids)])
        for followup in followups:
            reasons = followup.reason_ids.with_env(self.env).mapped("name")
            store.add(followup.message_id.with_env(self.env), {"governance_followup": {
                "valid": followup.is_valid,
                "label": self.env._("Valid follow-up") if followup.is_valid else self.env._("Invalid follow-up"),
                "reasons": ", ".join(reasons),
            }})

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            own = self.env.user.partner_id
            defaults = context_defaults(self.env)
            for vals in vals_list:
                # stock create adds default_<field> from the context
                vals = {**defaults, **vals}
                # a message on a lead or customer is by its writer, written now:
                # another internal author (or OdooBot, whose notes are kept)
                # would plant follow-ups under their name, a date would move
                # protection clocks. An outside author (a template's sender
                # address, a customer) never makes a follow-up.
                author = self.env["res.partner"].sudo().browse(as_id(vals.get("author_id")) or [])
                forged = (author and author != own and (
                    author == self.env.ref("base.partner_root") or author.user_ids.filtered(lambda u: not u.share))) \
                    or vals.get("date")
                if not forged or vals.get("model") not in GOVERNED_MODELS or not as_id(vals.get("res_id")):
                    continue
                document = self.env[vals["model"]].sudo().browse(as_id(vals["res_id"])).exists()
                if document and document._governance_section().governance_enabled:
                    raise UserError(_("A message on a lead or customer is posted by you, now: its author and "
                                      "date cannot be chosen (FU-5)."))
        return super().create(vals_list)

    def write(self, vals):
        # every field: its date, author, subtype and type too, not only the body
        if not self.env.su and set(vals) - UI_FIELDS:
            self._governance_check_not_followup(self)
        return super().write(vals)

    def unlink(self):
        if not self.env.su:
            self._governance_check_not_followup(self)
        return super().unlink()
