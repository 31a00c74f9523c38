"""18.0.1.3.0 → 18.0.1.4.0: grade notes are read by the sales organisation only.

The grade notes the previous versions wrote on customers' chatter (by
OdooBot, "… (…, GRADE-2)") take the Customer Grade subtype, which users
outside sales do not read (see mail.message).
"""
from odoo import SUPERUSER_ID, api
from odoo.tools import SQL


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    grade = env.ref("crm_governance.mt_customer_grade")
    # one statement for every old grade note, however many customers
    cr.execute(SQL(
        """UPDATE mail_message SET subtype_id = %(grade)s
            WHERE model = 'res.partner' AND author_id = %(bot)s AND message_type = 'notification'
              AND body LIKE %(grade_note)s""",
        grade=grade.id, bot=env.ref("base.partner_root").id, grade_note="%GRADE-2%"))
