"""Key-customer grading on customer accounts (GRADE-1 … GRADE-4).

The figures of every customer come from one aggregate query over its won
deals (``_governance_won_sql``: won opportunities here, confirmed sales
orders in ``crm_governance_sale``); ``policy.grading`` turns them into
scores and grades; what changed is written set-wise, logged in the
customer's chatter and in the grade history, and moves the protection dates
of the customer's records (GRADE-4).
"""
import functools

from odoo import _, api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import SQL

from ..policy import grading
from ..policy.protection import OWNED
from .crm_governance_protection_mixin import ResultGroup
from .reader_language import reader_env
from .set_wise import update_by_id

GRADE_SELECTION = [
    ("A", "A · Key"),
    ("B", "B · Ordinary"),
    ("C", "C · Small"),
    ("D", "D"),
    ("E", "E"),
]
# the figures and grade of a customer: the module's own results, written by SQL
FIGURE_COLUMNS = {
    "governance_grade_computed": "varchar", "governance_grade_score": "numeric",
    "governance_grade_rule": "varchar", "governance_won_amount": "numeric",
    "governance_won_amount_previous": "numeric", "governance_growth": "numeric",
    "governance_margin": "numeric", "governance_margin_known": "bool", "governance_won_deals": "int",
    "governance_first_won": "date", "governance_customer_months": "int",
    "governance_grade_currency_id": "int", "governance_graded_at": "timestamp",
}
# grades and figures are the sales organisation's: not for portal users (a
# customer reading its own grade) nor for internal users outside sales
SALES = "sales_team.group_sale_salesman"
GRADE_FIELDS = frozenset(FIGURE_COLUMNS) | {"governance_grade", "governance_grade_override",
                                            "governance_grade_override_until"}


class ResPartner(models.Model):
    _inherit = "res.partner"

    governance_grade = fields.Selection(
        GRADE_SELECTION, string="Grade", readonly=True, copy=False, groups=SALES, index="btree_not_null",
        help="Key-customer grade (客户分级, GRADE-1): the computed grade, or an approved override until its "
             "end date. It sets the follow-up duty of the customer and its leads (GRADE-4).")
    governance_grade_computed = fields.Selection(GRADE_SELECTION, string="Computed Grade", readonly=True, copy=False,
                                                 groups=SALES)
    governance_grade_score = fields.Float(string="Grade Score", readonly=True, copy=False, groups=SALES, digits=(5, 2))
    governance_grade_rule = fields.Char(string="Grade Rule", readonly=True, copy=False, groups=SALES,
                                        help="The threshold that gave the computed grade.")
    governance_grade_currency_id = fields.Many2one("res.currency", string="Grading Currency", readonly=True,
                                                   copy=False)
    governance_won_amount = fields.Monetary(
        string="Won (12 Months)", currency_field="governance_grade_currency_id", readonly=True, copy=False,
        groups=SALES,
        aggregator="sum")
    governance_won_amount_previous = fields.Monetary(
        string="Won (12 Months Before)", currency_field="governance_grade_currency_id", readonly=True, copy=False,
        groups=SALES,
        aggregator="sum")
    governance_growth = fields.Float(string="Growth (%)", readonly=True, copy=False, groups=SALES, digits=(12, 2),
                                     aggregator="avg")
    governance_margin = fields.Float(string="Margin (%)", readonly=True, copy=False, groups=SALES, digits=(12, 2),
                                     aggregator="avg")
    governance_margin_known = fields.Boolean(string="Margin Known", readonly=True, copy=False, groups=SALES)
    governance_won_deals = fields.Integer(string="Won Deals (12 Months)", readonly=True, copy=False, groups=SALES)
    governance_first_won = fields.Date(string="First Won Deal", readonly=True, copy=False, groups=SALES)
    governance_customer_months = fields.Integer(string="Customer For (Months)", readonly=True, copy=False, groups=SALES)
    governance_graded_at = fields.Datetime(string="Figures Of", readonly=True, copy=False, groups=SALES)
    governance_grade_override = fields.Selection(GRADE_SELECTION, string="Approved Grade Override", readonly=True,
                                                 copy=False, groups=SALES)
    governance_grade_override_until = fields.Date(string="Override Until", readonly=True, copy=False, groups=SALES)
    governance_grade_reason = fields.Text(string="Why This Grade", compute="_compute_governance_grade_reason",
                                          groups=SALES)

    # -- display -------------------------------------------------------------
    @api.depends("governance_grade", "governance_grade_computed", "governance_grade_rule",
                 "governance_grade_override", "governance_grade_override_until")
    def _compute_governance_grade_reason(self):
        for partner in self:
            if not partner.governance_grade_computed and not partner.governance_grade:
                partner.governance_grade_reason = False
                continue
            lines = []
            if partner.governance_grade_override and partner.governance_grade == partner.governance_grade_override:
                lines.append(_("Approved override to %(grade)s until %(date)s (GRADE-2).",
                               grade=partner.governance_grade,
                               date=fields.Date.to_string(partner.governance_grade_override_until)))
            if partner.governance_grade_computed:
                currency = partner.governance_grade_currency_id
                amount, previous = ((currency.format(v) if currency else v) for v in (
                    partner.governance_won_amount, partner.governance_won_amount_previous))
                lines.append(_("Computed grade %(grade)s: score %(score)s (%(rule)s).",
                               grade=partner.governance_grade_computed, score=partner.governance_grade_score,
                               rule=partner.governance_grade_rule))
                lines.append(_("Won in the last 12 months: %(amount)s in %(deals)s deals; the 12 months before: "
                               "%(previous)s; growth %(growth)s %%.", amount=amount,
                               deals=partner.governance_won_deals, previous=previous,
                               growth=round(partner.governance_growth, 1)))
                lines.append(_("Margin: %s %%.", round(partner.governance_margin, 1))
                             if partner.governance_margin_known else
                             _("Margin: not known, left out of the score."))
                lines.append(_("Customer for %(months)s months (first won deal %(date)s).",
                               months=partner.governance_customer_months,
                               date=fields.Date.to_string(partner.governance_first_won)))
            partner.governance_grade_reason = "\n".join(lines)

    # -- the model boundary ---------------------------------------------------
    def _governance_result_groups(self):
        # grades and their figures are results of the grading (GRADE-2) and of
        # approved overrides: no ORM write may set them, by anyone
        grades = ResultGroup(GRADE_FIELDS, lambda env, names: env._(
            "%(fields)s cannot be written: a grade comes from the customer's won deals, or from an "
            "override a section head approved (GRADE-2).", fields=names), True)
        return super()._governance_result_groups() + [grades]

    def _governance_grades(self):
        return {p.id: p.commercial_partner_id.governance_grade for p in self.sudo()
                if p.commercial_partner_id.governance_grade}

    def _governance_log_grade(self, bodies):
        """Grade notes on customers' chatter ({partner id: text}), in the
        grade subtype: read only by those who may read grades (GRADE-2)."""
        messages = self._message_log_batch(bodies)
        messages.sudo().write({"subtype_id": self.env.ref("crm_governance.mt_customer_grade").id})
        return messages

    # -- figures, in bulk ------------------------------------------------------
    @api.model
    def _governance_won_sql(self, run_company, end):
        """The won deals the grades come from, one row each: ``cid`` (the
        customer account), ``company_id`` (whose currency ``amount`` is in),
        ``day`` (closing date), ``amount``, ``margin`` (NULL: not known).

        Here: won opportunities, ``expected_revenue`` on ``date_closed``.
        ``crm_governance_sale`` overrides it with confirmed sales orders."""
        return SQL("""
            SELECT p.commercial_partner_id AS cid, COALESCE(l.company_id, %(company)s) AS company_id,
                   l.date_closed::date AS day, l.expected_revenue AS amount, NULL::numeric AS margin
              FROM crm_lead l
              JOIN crm_stage st ON st.id = l.stage_id AND st.is_won
              JOIN res_partner p ON p.id = l.partner_id
             WHERE l.active AND l.date_closed IS NOT NULL AND l.date_closed < %(end)s""",
                   company=run_company.id, end=end)

    @api.model
    def _governance_figures(self, today):
        """Every customer's :class:`policy.grading.Figures`, converted to the
        currency of the company it is graded in (its section's, else the
        company running the grading) at each deal's closing date: one
        aggregate query. Returns ``{cid: (company_id, Figures)}``."""
        previous_start, start, end = grading.window(today)
        run_company = self.env.company
        self.env.flush_all()
        # the rate of a currency on a day, as res.currency._get_rates reads it
        rate = """COALESCE((SELECT r.rate FROM res_currency_rate r
                             WHERE r.currency_id = %s AND r.name <= w.day
                               AND (r.company_id IS NULL OR r.company_id = tc.id)
                             ORDER BY r.company_id, r.name DESC LIMIT 1), 1.0)"""
        # set-wise read: one aggregate for every customer (see bench/)
        self.env.cr.execute(SQL("""
            WITH won AS (%(won)s)
            SELECT w.cid, tc.id,
                   SUM(c.amount) FILTER (WHERE w.day >= %(start)s),
                   SUM(c.amount) FILTER (WHERE w.day >= %(previous)s AND w.day < %(start)s),
                   SUM(c.margin) FILTER (WHERE w.day >= %(start)s AND c.margin IS NOT NULL),
                   SUM(c.amount) FILTER (WHERE w.day >= %(start)s AND c.margin IS NOT NULL),
                   COUNT(*) FILTER (WHERE w.day >= %(start)s),
                   MIN(w.day)
              FROM won w
              JOIN res_partner cp ON cp.id = w.cid
              LEFT JOIN crm_governance_section sec ON sec.id = cp.section_id
              JOIN res_company tc ON tc.id = COALESCE(sec.company_id, %(company)s)
              JOIN res_company dc ON dc.id = w.company_id
              CROSS JOIN LATERAL (
                  SELECT CASE WHEN dc.currency_id = tc.currency_id THEN 1.0
                              ELSE %(to_rate)s / %(from_rate)s END AS factor) f
              CROSS JOIN LATERAL (SELECT w.amount * f.factor AS amount, w.margin * f.factor AS margin) c
             GROUP BY w.cid, tc.id""",
            won=self._governance_won_sql(run_company, end),
            start=start, previous=previous_start, company=run_company.id,
            to_rate=SQL(rate, SQL("tc.currency_id")), from_rate=SQL(rate, SQL("dc.currency_id"))))
        return {cid: (company_id, grading.Figures(
                    amount=float(amount or 0), previous_amount=float(previous or 0),
                    margin_amount=float(margin or 0), margin_base=float(margin_base or 0),
                    deals=deals, first_won=first_won))
                for cid, company_id, amount, previous, margin, margin_base, deals, first_won
                in self.env.cr.fetchall()}

    # -- the grading run -------------------------------------------------------
    @api.model
    def _governance_grade_customers(self, section=None, today=None):
        """Compute every customer's figures and grade; write, log and apply
        what changed, in batches, committing after each (GRADE-2). Killed
        half-way, the next run finds the batches done unchanged: nothing is
        written or logged twice. ``section``: apply only to its customers
        (the ranks of top-percentage bands are still company-wide)."""
        today = today or fields.Date.context_today(self)
        Section = self.env["crm.governance.section"]
        # in a transaction of its own: a batch retried below does not undo it
        Section._governance_in_batch(functools.partial(
            self.env["crm.governance.grade.override"]._governance_expire, today))
        by_company = {}
        for cid, (company_id, figures) in self._governance_figures(today).items():
            by_company.setdefault(company_id, {})[cid] = figures
        results, companies = {}, {}
        for company in self.env["res.company"].sudo().browse(list(by_company)):
            for cid, result in grading.grade_all(by_company[company.id], company._governance_grading_rules(),
                                                 today).items():
                results[cid] = (result, by_company[company.id][cid])
                companies[cid] = company
        Partner = self.sudo().with_context(active_test=False)
        if section:
            candidates = Partner.search([("section_id", "=", section.id), ("parent_id", "=", False)]).ids
        else:
            candidates = list(results)
            # customers graded before whose deals are gone lose their grade
            candidates += Partner.search([("governance_grade_computed", "!=", False),
                                          ("id", "not in", candidates)]).ids
        batch = int(self.env["ir.config_parameter"].sudo().get_param("crm_governance.grading_batch_size", 5000))
        candidates.sort()
        changed_total = 0
        for index in range(0, len(candidates), batch):
            ids = candidates[index:index + batch]
            changed_total += Section._governance_in_batch(functools.partial(
                Partner.browse(ids)._governance_grading_batch, results, companies, today,
                index + len(ids), len(candidates) - index - len(ids)))
        return changed_total

    def _governance_grading_batch(self, results, companies, today, done, remaining):
        """One batch of the grading run, with the run's progress."""
        changed = self._governance_store_grading(results, companies, today)
        self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)
        return changed

    def _governance_store_grading(self, results, companies, today):
        """Write the figures of ``self`` that differ from what is stored, then
        apply the grades that changed. Returns how many customers changed."""
        names = [c for c in FIGURE_COLUMNS if c != "governance_graded_at"]
        # set-wise read of what is stored: the figures, and the grade in
        # effect with the override that may run (one query per batch)
        self.env.cr.execute(SQL(
            "SELECT id, governance_grade, governance_grade_override, governance_grade_override_until, %s "
            "FROM res_partner WHERE id = ANY(%s)", SQL(", ").join(SQL.identifier(c) for c in names), self.ids))
        stored, in_effect = {}, {}
        for pid, grade, override, until, *figures in self.env.cr.fetchall():
            stored[pid] = dict(zip(names, figures, strict=True))
            in_effect[pid] = (grade, override, until)
        now = fields.Datetime.now()
        rows, moved = {}, {}
        for pid in self.ids:
            result, figures = results.get(pid, (None, None))
            new = _figure_values(result, figures, companies.get(pid)) if result else dict.fromkeys(names)
            if not _same(stored.get(pid, {}), new):
                rows[pid] = dict(new, governance_graded_at=now if result else None)
            # the grade in effect: the computed one unless an approved override runs
            grade, override, until = in_effect.get(pid, (None, None, None))
            effective = grading.effective_grade(new["governance_grade_computed"], override, until, today)
            if (grade or None) != effective:
                moved[pid] = effective
        if rows:
            ids = list(rows)
            update_by_id(self.env.cr, "res_partner", ids,
                         {c: (t, [rows[i][c] for i in ids]) for c, t in FIGURE_COLUMNS.items()})
            self.browse(ids).invalidate_recordset(list(FIGURE_COLUMNS))
        if moved:
            self.browse(list(moved))._governance_apply_grades(moved, "computed")
        return len(set(rows) | set(moved))

    def _governance_apply_grades(self, grade_by_id, source, note=None):
        """Set the grade in effect of the customers of ``self``
        (``grade_by_id``: id -> grade or None), log each change in its
        chatter and the grade history, give their leads the grade, and move
        the protection dates of their records (GRADE-4). ``source``:
        computed, override or override_end."""
        partners = self.sudo()
        old = {p.id: p.governance_grade for p in partners}
        changed = partners.filtered(lambda p: (old[p.id] or None) != (grade_by_id[p.id] or None))
        if not changed:
            return
        ids = changed.ids
        # set-wise: one UPDATE for the customers, one for all their leads
        update_by_id(self.env.cr, "res_partner", ids, {"governance_grade": ("varchar", [grade_by_id[i] or None
                                                                                        for i in ids])})
        self.env["crm.lead"].flush_model(["partner_id"])
        self.env.cr.execute(SQL(
            """UPDATE crm_lead AS l SET governance_grade = cp.governance_grade
                 FROM res_partner p JOIN res_partner cp ON cp.id = p.commercial_partner_id
                WHERE l.partner_id = p.id AND p.commercial_partner_id = ANY(%s)
                  AND l.governance_grade IS DISTINCT FROM cp.governance_grade
            RETURNING l.id, l.protection_state""", ids))
        rows = self.env.cr.fetchall()
        lead_ids = [r[0] for r in rows]
        owned_lead_ids = [r[0] for r in rows if r[1] in OWNED]
        changed.invalidate_recordset(["governance_grade", "governance_grade_reason"])
        Lead = self.env["crm.lead"].sudo().with_context(active_test=False)
        Lead.browse(lead_ids).invalidate_recordset(["governance_grade"])
        bodies, envs = {}, {}
        for partner in changed:
            # in the language of the customer's salesperson, who reads it first
            env = reader_env(self.env, partner.user_id, envs)
            labels = dict(self._fields["governance_grade"]._description_selection(env))
            new = grade_by_id[partner.id]
            why = {
                "computed": partner.governance_grade_rule or env._("no won deal left"),
                "override": env._("override approved"),
                "override_end": env._("override ended"),
            }[source]
            bodies[partner.id] = env._("Grade: %(old)s → %(new)s (%(why)s, GRADE-2).",
                                       old=labels.get(old[partner.id], env._("none")),
                                       new=labels.get(new, env._("none")), why=note or why)
        changed._governance_log_grade(bodies)
        self.env["crm.governance.grade.change"].sudo().create([{
            "partner_id": p.id, "partner_name": p.display_name, "section_id": p.section_id.id,
            "old_grade": old[p.id] or False,
            "new_grade": grade_by_id[p.id] or False, "source": source,
            # an override's row says why it was decided, not the computed band it overrides
            "rule": p.governance_grade_rule if source == "computed" else (note or p.governance_grade_rule),
            "score": p.governance_grade_score,
        } for p in changed])
        # GRADE-4: the dates of the protected records of these customers
        Lead.browse(owned_lead_ids)._governance_protection_recompute()
        changed.filtered(lambda p: p.protection_state in OWNED)._governance_protection_recompute()

    @api.model
    def _cron_governance_grading(self):
        return self._governance_grade_customers()

    # -- reports (GRADE-3) -----------------------------------------------------
    @api.model
    def get_governance_key_customers(self, section_id=None, limit=10):
        """The key-customer table (重点客户管理表): the top customers by won
        amount, by growth and by margin, of one section or all the caller
        sees. Read with the caller's rights: a salesperson gets only the
        customers their section rules show them."""
        if not self.env.user.has_group(SALES):
            raise AccessError(_("The key-customer table is for the sales organisation (GRADE-3)."))
        limit = max(1, min(int(limit or 10), 100))
        domain = [("governance_grade_computed", "!=", False), ("parent_id", "=", False)]
        if section_id:
            domain.append(("section_id", "=", int(section_id)))
        fields_read = ["name", "section_id", "governance_grade", "governance_won_amount", "governance_growth",
                       "governance_margin"]
        return {
            "amount": self.search_read(domain, fields_read, order="governance_won_amount desc, id", limit=limit),
            "growth": self.search_read(domain + [("governance_won_amount", ">", 0)], fields_read,
                                       order="governance_growth desc, governance_won_amount desc, id", limit=limit),
            "margin": self.search_read(domain + [("governance_margin_known", "=", True)], fields_read,
                                       order="governance_margin desc, governance_won_amount desc, id", limit=limit),
        }


def _figure_values(result, figures, company):
    return {
        "governance_grade_computed": result.grade, "governance_grade_score": result.score,
        "governance_grade_rule": result.rule, "governance_won_amount": round(figures.amount, 2),
        "governance_won_amount_previous": round(figures.previous_amount, 2), "governance_growth": result.growth,
        "governance_margin": result.margin if result.margin is not None else 0.0,
        "governance_margin_known": result.margin is not None, "governance_won_deals": figures.deals,
        "governance_first_won": figures.first_won, "governance_customer_months": result.months,
        "governance_grade_currency_id": company.currency_id.id if company else None,
    }


def _same(stored, new):
    """Whether the stored figures equal the new ones (numbers to the cent)."""
    for name, value in new.items():
        old = stored.get(name)
        if isinstance(value, float) or isinstance(old, float) or (old is not None and hasattr(old, "as_tuple")):
            if round(float(old or 0), 2) != round(float(value or 0), 2) or (old is None) != (value is None):
                return False
        elif (old or None) != (value or None):
            return False
    return True
