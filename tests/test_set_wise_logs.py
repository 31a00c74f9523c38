"""The release pass writes its chatter notes and ledger rows in one
statement each (issue 22, measured in bench/): what a person then sees is
what stock's ``_message_log_batch`` and the ORM's create would have written."""
from odoo import SUPERUSER_ID
from odoo.tests import tagged

from odoo.addons.crm_governance.policy import ownership

from .common import GovernanceCase

# what differs between any two messages, or is the stock batch's own choice
IGNORED = {"id", "res_id", "body", "date", "create_date", "write_date", "message_id", "record_name",
           "preview", "needaction", "starred", "has_error", "has_sms_error", "is_current_user_or_guest_author",
           "author_avatar", "author_guest_id"}


@tagged("post_install", "-at_install", "crm_governance")
class TestSetWiseLogs(GovernanceCase):

    def test_release_notes_read_as_stock_log_notes(self):
        bot = self.env.ref("base.partner_root").id
        leads = self.leads("a1", "a2")
        stock = self.env["crm.lead"].browse(self.lead_b1.id)._message_log_batch(
            {self.lead_b1.id: "stock <note>"}, author_id=bot)
        leads._governance_log_notes({self.lead_a1.id: "first <note> & more", self.lead_a2.id: "second"},
                                    author_id=bot)
        ours = self.env["mail.message"].search([("model", "=", "crm.lead"), ("res_id", "in", leads.ids),
                                                ("author_id", "=", bot)], order="id")
        self.assertEqual(len(ours), 2)
        # in each record's chatter, its own text, escaped as stock escapes it
        self.assertEqual(ours.mapped("res_id"), leads.ids)
        self.assertEqual([str(b) for b in ours.mapped("body")],
                         ["<p>first &lt;note&gt; &amp; more</p>", "<p>second</p>"])
        self.assertEqual(str(stock.body), "<p>stock &lt;note&gt;</p>")
        self.assertIn(ours[0], self.lead_a1.message_ids)
        names = [name for name, field in self.env["mail.message"]._fields.items()
                 if field.store and name not in IGNORED]
        fetched = stock.read(names) + ours.read(names)
        for message in fetched[1:]:
            for name in names:
                self.assertEqual(message[name], fetched[0][name], name)

    def test_ledger_rows_as_the_orm_would_write_them(self):
        Ledger = self.env["crm.governance.ledger"]
        rows = Ledger._governance_append("crm.lead", [{
            "res_id": self.lead_a1.id, "res_name": "GOVT lead A1", "old_user_id": self.sales_a1.id,
            "new_user_id": False, "old_section_id": self.section_a.id, "section_id": self.section_a.id,
            "reason": ownership.EXPIRED, "note": "released",
        }, {
            "res_id": self.lead_a2.id, "res_name": "GOVT lead A2", "old_user_id": False,
            "new_user_id": self.sales_a2.id, "old_section_id": False, "section_id": self.section_a.id,
            "reason": ownership.CLAIM, "note": False,
        }], author_id=SUPERUSER_ID)
        self.assertEqual(rows.mapped("lead_id"), self.leads("a1", "a2"))
        self.assertEqual(rows.mapped("reason"), [ownership.EXPIRED, ownership.CLAIM])
        self.assertEqual(rows[0].old_user_id, self.sales_a1)
        self.assertFalse(rows[1].old_user_id)
        self.assertFalse(rows[1].note)
        self.assertEqual(rows.author_id.id, SUPERUSER_ID)
        self.assertTrue(all(rows.mapped("date")))
        # the ledger's own list, by the section head, shows them
        visible = Ledger.with_user(self.head_a).search([("id", "in", rows.ids)])
        self.assertEqual(visible, rows)
        with self.assertRaisesRegex(ValueError, "unknown ledger reason"):
            Ledger._governance_append("crm.lead", [{
                "res_id": self.lead_a1.id, "res_name": "x", "old_user_id": False, "new_user_id": False,
                "old_section_id": False, "section_id": False, "reason": "gift", "note": False}])
