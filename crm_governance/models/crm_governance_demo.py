from datetime import timedelta

from odoo import api, fields, models


class CrmGovernanceDemo(models.AbstractModel):
    """The demo company's records: leads, opportunities and customers across
    the demo sections, owners and stages, follow-ups valid and invalid, and
    the scheduled passes run once (demo/crm_governance_demo.xml only)."""
    _name = "crm.governance.demo"
    _description = "CRM Governance Demo Data"

    @api.model
    def _governance_demo_populate(self):
        """Leads, opportunities and customers across the demo sections, owners
        and stages (called from demo/crm_governance_demo.xml only)."""
        companies = ["上海明远科技有限公司", "杭州华信软件股份有限公司", "苏州恒通精密机械有限公司",
                     "广州天和贸易有限公司", "深圳云帆电子有限公司", "北京博远咨询有限公司",
                     "天津海川物流有限公司", "南京嘉禾医疗器械有限公司", "Contoso Trading Co., Ltd.",
                     "Fabrikam Industries Ltd.", "宁波东方包装材料有限公司", "青岛北海食品有限公司"]
        sources = ["电话来访 Phone call", "官网注册 Website", "在线咨询 Online chat", "展会 Trade fair",
                   "客户推荐 Referral"]
        stages = self.env["crm.stage"].search([], order="sequence, id")
        won = stages.filtered("is_won")[:1]
        open_stages = stages - won
        Lead = self.env["crm.lead"].sudo()
        Partner = self.env["res.partner"].sudo()
        n = 0
        for key in ("east", "south", "north"):
            section = self.env.ref(f"crm_governance.section_{key}")
            team = self.env.ref(f"crm_governance.team_{key}")
            owners = [self.env.ref(f"crm_governance.user_{key}_{r}") for r in ("sales1", "sales2", "head", "admin")]
            vals = []
            for i in range(22):
                owner = owners[i % len(owners)] if i % 11 else self.env["res.users"]
                company = companies[(i + n) % len(companies)]
                opportunity = i % 3 != 0
                stage = won if opportunity and i % 7 == 0 else open_stages[i % len(open_stages)]
                vals.append({
                    "name": f"{section.code}-{i + 1:03d} {company[:6]} · {sources[i % 5].split()[0]}",
                    "type": "opportunity" if opportunity else "lead",
                    "partner_name": company,
                    "contact_name": ["王经理", "李总", "Mr. Smith", "陈主任"][i % 4],
                    "phone": f"+86 21 5{n:03d} {i:04d}",
                    "email_from": f"contact{n}.{i}@{key}.example.com",
                    "user_id": owner.id,
                    "team_id": team.id,
                    "stage_id": stage.id,
                    "expected_revenue": 50000 + 12500 * ((i * 7 + n) % 17),
                    "description": f"需求 / need: {sources[i % 5]}",
                })
            leads = Lead.create(vals)
            Partner.create([{
                "name": f"{companies[(j + n) % len(companies)]} ({section.code})",
                "is_company": True,
                "user_id": owners[j % 2].id,
                "phone": f"+86 10 8{n:03d} {j:04d}",
            } for j in range(4)])
            n += 7
            # some owners have not called for a while: warnings and releases
            # to see once the scheduled actions below have run
            owned = leads.filtered("user_id")
            now = fields.Datetime.now()
            for rec, days in [(r, 35) for r in owned[1::5]] + [(r, 65) for r in owned[3::7]]:
                rec._governance_backdate(now - timedelta(days=days))
        Section = self.env["crm.governance.section"].with_context(governance_no_commit=True)
        Section._cron_followup_due()
        Section._cron_protection_warning()
        Section._cron_protection_release()
        # after the passes: the record flagged by its invalid follow-ups waits
        # for the next release pass, and its validity query for a decision
        self._governance_demo_followups()

    @api.model
    def _governance_demo_followups(self):
        """Follow-ups by the owners, valid and invalid, and one record whose
        owner wrote three invalid ones in a row (无效保护)."""
        notes = ["外出", "王经理确认了二期需求，预算约80万，下周提交报价", "电话，无人接听",
                 "Called Mr. Smith: they need samples before the order", "没找到人，再联系",
                 "拜访采购部，了解到竞品报价偏低，需调整方案", "沟通", "陈主任说合同已进入审批流程",
                 "Busy, call back later", "李总对演示很满意，进展顺利"]
        Lead = self.env["crm.lead"].sudo()
        for key in ("east", "south", "north"):
            section = self.env.ref(f"crm_governance.section_{key}")
            leads = Lead.search([("section_id", "=", section.id), ("protection_state", "=", "protected")],
                                order="id", limit=8)
            for i, lead in enumerate(leads[:-1]):
                lead.with_user(lead.user_id).message_post(
                    body=f"{notes[i % len(notes)]}（{lead.partner_name}）" if i % 2 else notes[i % len(notes)],
                    message_type="comment", subtype_xmlid="mail.mt_note")
            flagged = leads[-1:]
            for text in ("外出", "电话", "没找到人"):
                flagged.with_user(flagged.user_id).message_post(body=text, message_type="comment",
                                                                subtype_xmlid="mail.mt_note")
            # and a colleague who wants it asks for a validity query (有效性查询)
            requester = (section.member_ids - flagged.user_id)[:1]
            if flagged and requester:
                self.env["crm.governance.validity.query"].with_user(requester)._governance_file(
                    flagged.name, "我跟这家客户联系了半年；负责人只写了“外出”“电话”“没找到人”。")
