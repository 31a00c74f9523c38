"""The interface is complete in Simplified Chinese, and the .pot is the one
the code produces (regenerated with `make pot`, never edited by hand)."""
import io
from pathlib import Path

import polib

from odoo.exceptions import AccessError
from odoo.tests import tagged
from odoo.tools.translate import trans_export

from .common import GovernanceCase

I18N = Path(__file__).resolve().parent.parent / "crm_governance" / "i18n"


@tagged("post_install", "-at_install", "crm_governance")
class TestI18n(GovernanceCase):

    def test_pot_matches_the_code(self):
        buffer = io.BytesIO()
        trans_export(False, ["crm_governance"], buffer, "po", self.env.cr)
        # demo records' translatable names are data, not code: `make pot`
        # exports from a database without demo data
        demo = ("model:crm.governance.section,name:crm_governance.section_",
                "model:crm.team,name:crm_governance.team_")
        exported = {e.msgid for e in polib.pofile(buffer.getvalue().decode())
                    if not all(o[0].startswith(demo) for o in e.occurrences)}
        committed = {e.msgid for e in polib.pofile(str(I18N / "crm_governance.pot"))}
        self.assertEqual(sorted(exported - committed), [], "strings missing from the .pot: run `make pot`")
        self.assertEqual(sorted(committed - exported), [], "stale strings in the .pot: run `make pot`")

    def test_zh_cn_is_complete(self):
        pot = {e.msgid for e in polib.pofile(str(I18N / "crm_governance.pot"))}
        po = {e.msgid: e.msgstr for e in polib.pofile(str(I18N / "zh_CN.po"))}
        self.assertEqual(sorted(m for m in pot if not po.get(m)), [])

    def test_chinese_user_reads_chinese(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(["crm_governance"], ["zh_CN"], overwrite=True)
        self.sales_a1.lang = "zh_CN"
        fields = self.env["crm.lead"].with_context(lang="zh_CN").fields_get(["section_id"])
        self.assertEqual(fields["section_id"]["string"], "版块")
        with self.assertRaisesRegex(AccessError, "只有集团管理层或系统管理员可以跨版块分配记录（SEC-3）"):
            self.lead_a1.with_user(self.sales_a1).with_context(lang="zh_CN").write(
                {"section_id": self.section_b.id})
        group = self.env.ref("crm_governance.group_section_head").with_context(lang="zh_CN")
        self.assertEqual(group.name, "版块负责人")

    def test_a_release_note_ends_with_the_owner_s_own_words(self):
        # 「…放回公海。（PROT-5）。」 read as two sentences glued together
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(["crm_governance"], ["zh_CN"], overwrite=True)
        self.sales_a1.lang = "zh_CN"
        self.lead_a1.with_user(self.sales_a1).with_context(lang="zh_CN").action_governance_release(
            "客户今年没有预算，放回公海。")
        note = self.lead_a1.message_ids.filtered(lambda m: "PROT-5" in (m.body or ""))[:1]
        self.assertEqual(note.body, "<p>由 %s 释放至公海（PROT-5）。原因：客户今年没有预算，放回公海。</p>"
                         % self.sales_a1.name)
