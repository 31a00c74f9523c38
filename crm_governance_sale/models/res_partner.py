from odoo import api, models
from odoo.tools import SQL


class ResPartner(models.Model):
    _inherit = "res.partner"

    @api.model
    def _governance_won_sql(self, run_company, end):
        """Companies running Odoo Sales grade on what they sold: confirmed
        sales orders, untaxed, on their order date, in the order company's
        currency (Odoo's own rate of the order date, ``currency_rate``). An
        order's margin is known when every product line has a cost; orders
        with a line without cost leave the margin out (never counted as 0).
        Replaces the won opportunities: an opportunity won into an order
        would otherwise count twice."""
        return SQL("""
            SELECT p.commercial_partner_id AS cid, so.company_id AS company_id, so.date_order::date AS day,
                   so.amount_untaxed / COALESCE(NULLIF(so.currency_rate, 0), 1.0) AS amount,
                   CASE WHEN NOT EXISTS (
                            SELECT 1 FROM sale_order_line sol
                             WHERE sol.order_id = so.id AND sol.display_type IS NULL AND sol.product_id IS NOT NULL
                               AND COALESCE(sol.purchase_price, 0) = 0)
                        THEN so.margin / COALESCE(NULLIF(so.currency_rate, 0), 1.0) END AS margin
              FROM sale_order so
              JOIN res_partner p ON p.id = so.partner_id
             WHERE so.state = 'sale' AND so.date_order < %(end)s""", end=end)
