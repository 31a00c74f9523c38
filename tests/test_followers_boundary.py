"""Followers are no second door to a record's messages (issue 21, class 1;
SEC-4, SEC-5).

The invariant: only people who may read a governed record follow it or are
notified of its messages. It holds on subscribe (the public API and the
invite dialog), on post (recipients chosen by the poster), on every change
of owner (release, expiry, claim, dispatch) and on freeze; and a message of
a governed record is read only by those who may read the record, whatever
notification, recipient or follower row says otherwise. Over JSON-RPC, as
the users concerned.
"""
from datetime import timedelta

from odoo import fields
from odoo.tests import HttpCase, tagged

from .common import GovernanceCase, RpcMixin


@tagged("post_install", "-at_install", "crm_governance")
class TestFollowersBoundary(RpcMixin, GovernanceCase, HttpCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # notified in Odoo's inbox (what the systray and the needaction search show)
        (cls.sales_a1 | cls.sales_a2 | cls.sales_b1 | cls.head_a).write({"notification_type": "inbox"})
        # the owners follow their records, as stock Odoo subscribes them
        for lead in (cls.lead_a1, cls.lead_a2, cls.lead_b1):
            lead.message_subscribe(partner_ids=lead.user_id.partner_id.ids)

    def followers(self, record):
        return self.env["mail.followers"].sudo().search(
            [("res_model", "=", record._name), ("res_id", "=", record.id)]).partner_id

    def post(self, record, user, body):
        """A message (not a note: followers are notified) by ``user``."""
        return record.with_user(user).message_post(body=body, message_type="comment",
                                                   subtype_xmlid="mail.mt_comment")

    def messages_seen(self, user, record):
        """What ``user`` finds of ``record``'s chatter: a message search, the
        thread's messages, the inbox."""
        self.login(user)
        # the inbox first: opening the thread marks its messages read
        inbox = self.call("mail.message", "search_read", [("needaction", "=", True)], ["body"])["result"]
        found = self.call("mail.message", "search_read", [("model", "=", record._name), ("res_id", "=", record.id)],
                          ["body"])["result"]
        thread = self.rpc("/mail/thread/messages", {"thread_model": record._name, "thread_id": record.id})
        return ([m["body"] for m in found], thread.get("result", {}).get("messages", []),
                [m["body"] for m in inbox])

    def test_an_owner_cannot_make_another_section_s_user_a_follower(self):
        self.login(self.sales_a1)
        foreign = self.sales_b1.partner_id
        self.refused(self.call("crm.lead", "message_subscribe", [self.lead_a1.id], partner_ids=foreign.ids))
        self.refused(self.call("crm.lead", "message_post", [self.lead_a1.id], body="GOVT 抄送",
                               message_type="comment", partner_ids=foreign.ids))
        wizard = self.call("mail.wizard.invite", "create", [{"res_model": "crm.lead", "res_id": self.lead_a1.id,
                                                              "partner_ids": [(6, 0, foreign.ids)]}])
        if "result" in wizard:
            self.refused(self.call("mail.wizard.invite", "add_followers", [wizard["result"]]))
        self.assertNotIn(foreign, self.followers(self.lead_a1))
        # a colleague who may read it (the section's head) may be added; a customer contact too
        contact = self.env["res.partner"].create({"name": "GOVT 客户联系人", "email": "c@govt.example"})
        res = self.call("crm.lead", "message_subscribe", [self.lead_a1.id],
                        partner_ids=(self.head_a.partner_id | contact).ids)
        self.assertEqual(res.get("result"), True, res)
        self.assertLessEqual(self.head_a.partner_id | contact, self.followers(self.lead_a1))
        # the same for a customer account
        self.refused(self.call("res.partner", "message_subscribe", [self.cust_a1.id], partner_ids=foreign.ids))

    def test_an_old_follower_row_notifies_and_shows_nothing(self):
        # a follower row left by older code (or written in SQL): the safety nets still hold
        self.env.cr.execute("INSERT INTO mail_followers (res_model, res_id, partner_id) VALUES (%s, %s, %s) "
                            "RETURNING id", ["crm.lead", self.lead_a1.id, self.sales_b1.partner_id.id])
        self.env.cr.execute("INSERT INTO mail_followers_mail_message_subtype_rel VALUES (%s, %s)",
                            [self.env.cr.fetchone()[0], self.env.ref("mail.mt_comment").id])
        self.env["mail.followers"].invalidate_model()
        message = self.post(self.lead_a1, self.sales_a1, "GOVT 秘密报价：三十万元")
        self.assertNotIn(self.sales_b1.partner_id, message.notification_ids.res_partner_id)
        found, thread, inbox = self.messages_seen(self.sales_b1, self.lead_a1)
        self.assertFalse([b for b in found + inbox if "秘密报价" in b])
        self.assertFalse(thread)

    def test_previous_owners_stop_following(self):
        # release: the owner gives it back to the pool
        self.lead_a1.with_user(self.sales_a1).action_governance_release("客户没有预算")
        self.assertNotIn(self.sales_a1.partner_id, self.followers(self.lead_a1))
        # claim by a colleague: the claimer follows, the pool's readers do not
        self.lead_a1.with_user(self.sales_a2).action_governance_claim()
        self.assertIn(self.sales_a2.partner_id, self.followers(self.lead_a1))
        self.post(self.lead_a1, self.sales_a2, "GOVT 新归属人的报价：二十万元")
        found, thread, inbox = self.messages_seen(self.sales_a1, self.lead_a1)
        self.assertFalse([b for b in found + inbox if "新归属人的报价" in b])
        self.assertFalse(thread)
        # dispatch (reassign) by the head: the previous owner stops following
        self.lead_a1.with_user(self.head_a).action_governance_dispatch(self.sales_a1.id, "重新分配")
        self.assertNotIn(self.sales_a2.partner_id, self.followers(self.lead_a1))
        self.assertIn(self.sales_a1.partner_id, self.followers(self.lead_a1))
        # expiry: the release pass
        self.lead_a2._governance_backdate(fields.Datetime.now() - timedelta(days=61))
        self.env["crm.governance.section"]._cron_protection_release()
        self.assertEqual(self.lead_a2.protection_state, "pooled")
        self.assertNotIn(self.sales_a2.partner_id, self.followers(self.lead_a2))

    def test_a_frozen_user_reads_no_message_of_the_crm(self):
        self.post(self.lead_a1, self.head_a, "GOVT 冻结前的消息")
        found, thread, inbox = self.messages_seen(self.sales_a1, self.lead_a1)
        self.assertTrue([b for b in inbox if "冻结前的消息" in b], "notified while not frozen")
        self.sales_a1.with_user(self.admin_a).action_governance_freeze()
        self.assertNotIn(self.sales_a1.partner_id, self.followers(self.lead_a1))
        self.post(self.lead_a1, self.head_a, "GOVT 冻结后的消息")
        found, thread, inbox = self.messages_seen(self.sales_a1, self.lead_a1)
        self.assertFalse([b for b in found + inbox if "冻结" in b], "a frozen user reads no message of the CRM")
        self.assertFalse(thread)
        # unfrozen, they follow what they own again
        self.sales_a1.with_user(self.admin_a).action_governance_unfreeze()
        self.assertIn(self.sales_a1.partner_id, self.followers(self.lead_a1))

    def test_a_forged_known_reader_context_is_ignored_over_http(self):
        """``message_post`` marks its author as a known reader with a Trusted
        context value; the same key sent over JSON-RPC is plain data and
        lets nobody make a foreign reader follow or be notified (SEC-4)."""
        outsider = self.sales_a1.partner_id.id  # may not read Section B's lead
        forged = {"governance_known_reader": ["crm.lead", [self.lead_b1.id], outsider]}
        self.login(self.sales_b1)
        for method, kwargs in (("message_subscribe", {"partner_ids": [outsider]}),
                               ("message_post", {"body": "GOVT 客户本周确认了预算和交付时间", "partner_ids": [outsider],
                                                 "message_type": "comment", "subtype_xmlid": "mail.mt_comment"})):
            res = self.call("crm.lead", method, [self.lead_b1.id], context=forged, **kwargs)
            self.assertIn("SEC-4", self.refused(res), method)
        self.assertFalse(self.env["mail.followers"].search_count([
            ("res_model", "=", "crm.lead"), ("res_id", "=", self.lead_b1.id), ("partner_id", "=", outsider)]))
        self.assertFalse(self.env["mail.message"].search_count([
            ("model", "=", "crm.lead"), ("res_id", "=", self.lead_b1.id), ("partner_ids", "in", [outsider])]))
