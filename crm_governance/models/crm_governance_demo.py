"""The demo company's history (demo/crm_governance_demo.xml only).

Six months (DAYS) of a sales organisation under the rules, played through the
module's own code paths as the people who would have done each step:
salespeople register their customers, follow them up (mostly well, some
badly), let some lapse to the public pool and claim others from it; the
scheduled passes remind, warn and release every week; heads approve,
dispatch, spot-check and decide validity queries; management moves a record;
won deals of two years grade the customers. Each day runs at its own moment
(``_demo_at``), so dates, ledger rows, follow-ups and chatter notes read as a
real database's do. Deterministic (a seeded random generator)."""
import contextlib
import random
from datetime import datetime, time, timedelta

import pytz

from odoo import api, fields, models
from odoo.exceptions import RedirectWarning, UserError
from odoo.tools import SQL

from ..policy import protection

DAYS = 190
# the demo company's clock: its people work Beijing hours, and "today" and
# "yesterday" are Beijing's days (the registration filters read the user's day)
TZ = pytz.timezone("Asia/Shanghai")
DEMO_DAY_PARAM = "crm_governance.demo_day"
# the tables whose rows get the simulated day's moment: (table, date columns)
DATED = (
    ("mail_message", ("date", "create_date", "write_date")),
    ("crm_governance_ledger", ("date", "create_date", "write_date")),
    ("crm_lead", ("create_date", "write_date")),
    ("res_partner", ("create_date", "write_date")),
    ("mail_activity", ("create_date", "write_date")),
    ("crm_governance_validity_query", ("create_date", "write_date")),
    ("crm_governance_grade_override", ("create_date", "write_date")),
    ("crm_governance_lookup", ("date", "create_date", "write_date")),
    ("crm_governance_grade_change", ("date", "create_date", "write_date")),
)
# a customer's won deals, oldest first (tier A signs eight in two years): each its own project
WON_DEALS = ("一期项目", "备件与耗材年度采购", "二期项目", "年度运维服务", "扩容项目", "设备升级改造",
             "三期项目", "年度运维服务续约")
SOURCES = ("电话来访", "官网注册", "在线咨询", "展会", "客户推荐", "老客户转介绍")
STOCK_SOURCES = {"utm.utm_source_search_engine": "百度搜索", "utm.utm_source_mailing": "线索召回",
                 "utm.utm_source_newsletter": "电子邮件营销", "utm.utm_source_facebook": "微信公众号",
                 "utm.utm_source_twitter": "微博", "utm.utm_source_linkedin": "领英",
                 "utm.utm_source_monster": "前程无忧", "utm.utm_source_glassdoor": "智联招聘",
                 "utm.utm_source_craigslist": "58同城"}
STOCK_MEDIA = {"utm.utm_medium_website": "官网", "utm.utm_medium_phone": "电话", "utm.utm_medium_direct": "直接访问",
               "utm.utm_medium_email": "电子邮件", "utm.utm_medium_banner": "横幅广告",
               "utm.utm_medium_facebook": "微信", "utm.utm_medium_linkedin": "领英",
               "utm.utm_medium_google_adwords": "百度推广", "utm.utm_medium_television": "电视",
               "utm.utm_medium_twitter": "微博"}
# how often (days) each of a section's three salespeople follows a record up,
# and how often their notes count: one diligent, one average, one careless
HABITS = ((11, 0.97), (13, 0.92), (15, 0.82))

OPENERS = (
    "上午给{contact}打电话，", "下午到{city}拜访{contact}，", "和{contact}开了视频会议，", "{contact}来电咨询，",
    "微信上与{contact}沟通，", "陪工程师到现场，与{contact}一起看了设备，", "在展会上又见到{contact}，",
    "给{contact}发了邮件并电话确认，", "约{contact}在公司会议室面谈，",
)
EARLY = (
    "对方现在靠人工抄表，每月统计能耗要三天，希望先做{n}台设备联网试点",
    "了解到他们的设备品牌杂，有西门子和三菱两种PLC，需要我们确认接口协议",
    "对方关心数据能否对接现有的用友U8，要求我们出一份接口说明",
    "客户今年有技改预算，初步估计在{budget}万元左右，由生产副总拍板",
    "对方担心停线改造影响交付，希望安排在春节停产期间实施",
    "技术部提出要本地部署，不接受公有云，需要我们报私有化方案",
    "对方正在比较两家竞品，价格比我们低一成，但没有行业案例",
    "采购说今年的项目要走招标，预计下月发标书",
)
MIDDLE = (
    "报价单已发，对方觉得单价偏高，希望在{n}台以上给九折",
    "技术方案评审通过，采购部下周走内部审批",
    "对方要求提供同行业案例，已发两家客户的验收报告",
    "试点设备已装好{n}台，数据连续三天正常上报，对方比较满意",
    "对方财务希望付款方式改为三三四，账期九十天",
    "标书已领取，投标截止日期是月底，我们在准备资质文件",
    "工程师演示了能耗看板，对方提出要加班组排名和报警推送",
    "客户决策层换人，新来的厂长要重新评估方案，进度放缓",
)
LATE = (
    "合同条款基本谈妥，账期从九十天争取到六十天",
    "对方法务在审合同，预计本月底盖章",
    "首付款已到账，安排下周进场安装",
    "一期验收通过，对方开始谈二期扩到另外两条产线",
    "对方确认追加{n}台传感器的订单，金额约{budget}万元",
    "尾款还差百分之十，对方答应月底前付清",
)
NEXTS = (
    "下一步：周三前发修改后的报价。", "下一步：约技术部做一次远程演示。", "下一步：准备两家同行的参观安排。",
    "下一步：下周送样品过去测试。", "下一步：整理接口文档发给信息部。", "下一步：月底前提交正式方案。",
    "下一步：跟进合同审批进度。", "下一步：安排工程师驻场两天。",
)
# what a customer account's follow-ups are about: service, plans, the relationship
ACCOUNT = (
    "对上季度的售后服务打了九十分，希望报修响应再快一点，现在平均要四小时",
    "确认明年的采购计划，预计新建一个车间，设备联网需求约{n}台",
    "反馈发票抬头变更，已通知财务重开，另外他们在筹备能源管理体系认证",
    "新来的两名设备员需要培训，对方希望每季度安排一次巡检",
    "集团要统一采购平台，以后我们的订单要走供应商门户，需要提交资质文件",
    "复盘了今年的合作，设备停机时间下降了两成，对方愿意做我们的推荐案例",
    "对方财务问能否把维保合同改成按年付款，预算在{budget}万元以内",
    "老厂区的传感器有{n}个读数漂移，约了工程师下周上门校准",
    "对方在评估把另一个工厂也接入平台，要我们先出一份报价",
    "新任采购经理到岗，重新介绍了我们的服务范围和合同期限",
    "对方提出数据要同步到他们的钉钉看板，需要我们开放接口",
    "年度框架协议快到期了，对方希望续签时增加备件供应条款",
)
# invalid notes, one kind each (FU-2 a, b, c, e)
INVALID = {
    "too_short": ("已联系", "发了资料", "好的"),
    "no_substance": ("今天跟客户打了个电话，聊了一会儿，对方说再看看。", "去了一趟客户那边，坐了坐就回来了。"),
    "keywords_only": ("沟通了需求、预算和报价进展。", "跟进客户需求、预算、方案、报价等相关情况。"),
    "meaningless": ("外出", "没找到人", "无人接听", "电话", "沟通", "客户在忙，再联系"),
    "unrelated": ("晚上和{contact}一起吃饭喝酒，聊了聊孩子上学的事。", "周末约了{contact}打球钓鱼，关系拉近了。"),
}


class GivesNothing(Exception):
    """A give-back that would leave a salesperson nothing to claim: undone."""


class CrmGovernanceDemo(models.AbstractModel):
    """The demo company's records and history (demo data only)."""
    _name = "crm.governance.demo"
    _description = "CRM Governance Demo Data"

    # -- the clock ----------------------------------------------------------
    @contextlib.contextmanager
    def _demo_at(self, moment):
        """Everything done inside happens at ``moment``: the module reads
        time through ``fields.Datetime.now`` (protection, follow-ups, the
        passes), and the rows PostgreSQL dates itself (create dates, message
        and ledger dates) are given the moment afterwards, by SQL: the
        ledger and follow-ups are append-only by design, and this is the
        demo's own history."""
        cr = self.env.cr
        self.env.flush_all()
        marks = self._demo_marks()
        datetime_class = fields.Datetime
        original = datetime_class.__dict__["now"]
        datetime_class.now = staticmethod(lambda *args: moment)
        try:
            yield
            self.env.flush_all()
        finally:
            datetime_class.now = original
        after = self._demo_marks()
        for table, columns in DATED:
            if after[table] > marks[table]:
                cr.execute(SQL("UPDATE %s SET %s WHERE id > %s", SQL.identifier(table),
                               SQL(", ").join(SQL("%s = %s", SQL.identifier(c), moment) for c in columns),
                               marks[table]))
        self.env.invalidate_all()

    def _demo_try(self, action, *args):
        """Do what a person tries; the rules may refuse it (a cool-down, a
        colleague's registration), as they would refuse the person: then
        nothing of it is written and the day goes on."""
        try:
            with self.env.cr.savepoint():
                action(*args)
        except (UserError, RedirectWarning):
            self.env.invalidate_all()
            return False
        return True

    def _demo_marks(self):
        # one query for the highest id of every dated table
        self.env.cr.execute(SQL(" UNION ALL ").join(
            SQL("SELECT %s, COALESCE(MAX(id), 0) FROM %s", table, SQL.identifier(table)) for table, _c in DATED))
        return dict(self.env.cr.fetchall())

    # -- the demo -------------------------------------------------------------
    @staticmethod
    def _demo_moment(day, hour, minute=0):
        """``hour:minute`` of ``day`` on the demo company's clock, as the UTC
        datetime Odoo stores."""
        return TZ.localize(datetime.combine(day, time(hour, minute))).astimezone(pytz.utc).replace(tzinfo=None)

    @api.model
    def _governance_demo_populate(self):
        rng = random.Random(2026)
        now = fields.Datetime.now().replace(second=0, microsecond=0)
        today = pytz.utc.localize(now).astimezone(TZ).date()
        # the demo's "today" (its yesterday's registrations, this morning's
        # work) is the day it was built: said for whoever checks it later
        self.env["ir.config_parameter"].sudo().set_param(DEMO_DAY_PARAM, today.isoformat())
        # this morning's work happened before now and today, whatever the hour
        this_morning = max(self._demo_moment(today, 0, 1), min(now - timedelta(minutes=30),
                                                               self._demo_moment(today, 9)))
        # what the demo's people write and what the passes write for them, in their language
        zh = self.env["res.lang"]._lang_get("zh_CN")
        lang = {"lang": "zh_CN"} if zh and zh.active else {}
        if lang:
            # the module's own labels (selection values, field names) are loaded into the database only
            # once it is installed, after this data: load them now, so what the passes write reads Chinese
            self.env["ir.module.module"]._load_module_terms(["crm_governance"], ["zh_CN"])
        demo = self.with_context(governance_no_commit=True, demo_recent_notes=[], **lang)
        demo._demo_setup()
        world = demo._demo_world(rng, today)
        demo._demo_won_history(rng, world, today)
        demo._demo_timeline(rng, world, today)
        with demo._demo_at(this_morning - timedelta(minutes=1)):
            demo._demo_passes()
        demo._demo_today(rng, world, today, this_morning)
        demo.env["res.partner"].sudo()._governance_grade_customers(today=today)
        demo._demo_overrides(world, today, now)

    def _demo_setup(self):
        """The company as a Chinese one: CNY, Chinese users where the
        language is loaded, sources in the users' words; Odoo's own English
        demo deals and companies archived, out of the governed users' way."""
        env = self.env
        company = env.ref("base.main_company")
        cny = env.ref("base.CNY")
        # a company's currency changes only while it has no journal items
        if "account.move.line" not in env or not env["account.move.line"].sudo().search_count([], limit=1):
            cny.active = True
            company.currency_id = cny
        users = self._demo_users()
        if env["res.lang"]._lang_get("zh_CN") and env["res.lang"]._lang_get("zh_CN").active:
            users.write({"lang": "zh_CN"})
        stock = env["crm.lead"].sudo().search([("section_id", "=", False), ("user_id", "not in", users.ids)])
        stock.write({"active": False})
        # and its English demo companies with their people (in no section: the first page of
        # every salesperson's customers otherwise); people who are users stay
        stock_ids = env["ir.model.data"].sudo().search([
            ("model", "=", "res.partner"), ("module", "=", "base"), ("name", "=like", "res_partner_%"),
        ]).mapped("res_id")
        companies = env["res.partner"].sudo().browse(stock_ids).filtered(lambda p: p.is_company and not p.section_id)
        (companies | companies.child_ids.filtered(lambda p: not p.user_ids)).write({"active": False})
        # Odoo's demo users are written as working for "YourCompany": for ours
        env["res.partner"].sudo().with_context(active_test=False).search(
            [("company_name", "=", "YourCompany")]).write({"company_name": company.name})
        # Odoo's sources (an English list, not translatable) as a Chinese company names its channels
        for model, names in (("utm.source", STOCK_SOURCES), ("utm.medium", STOCK_MEDIA)):
            for xmlid, name in names.items():
                record = env.ref(xmlid, raise_if_not_found=False)
                if record and not env[model].sudo().search_count([("name", "=", name)]):
                    record.sudo().name = name

    def _demo_users(self):
        users = self.env["res.users"]
        for key in ("management", "system_admin"):
            users |= self.env.ref(f"crm_governance.user_{key}")
        for section in ("east", "south", "north"):
            for role in ("head", "admin", "sales1", "sales2", "sales3"):
                users |= self.env.ref(f"crm_governance.user_{section}_{role}")
        return users

    def _demo_world(self, rng, today):
        """Who is who, and when each customer registers."""
        # the data set is read only when demo data is loaded
        from ..demo import demo_companies  # noqa: PLC0415
        sources = self.env["utm.source"].sudo().create([{"name": name} for name in SOURCES])
        stages = self.env["crm.stage"].sudo().search([], order="sequence, id")
        world = {"sources": sources, "today": today, "won": stages.filtered("is_won")[:1],
                 "open": (stages - stages.filtered("is_won"))[:3], "sections": {}}
        for key in ("east", "south", "north"):
            sales = [self.env.ref(f"crm_governance.user_{key}_sales{i}") for i in (1, 2, 3)]
            head = self.env.ref(f"crm_governance.user_{key}_head")
            plan = []
            for index, company in enumerate(demo_companies.COMPANIES[key]):
                # the last ones registered lately: yesterday's for the spot-check, a few waiting
                if index >= len(demo_companies.COMPANIES[key]) - 3:
                    day = -1
                elif index >= len(demo_companies.COMPANIES[key]) - 6:
                    day = -rng.randint(2, 6)
                else:
                    day = -rng.randint(25, DAYS - 5)
                # people register on working days
                while day < -1 and (today + timedelta(days=day)).weekday() >= 5:
                    day -= 1
                # the head follows a few key customers themselves (版块负责人亲自跟进的重点客户)
                owner = head if index % 16 == 0 else sales[index % 3]
                plan.append({"company": company, "day": day, "owner": owner, "habit": HABITS[index % 3],
                             "tier": ("A", "B", "B", "C", "C", None, None, None)[index % 8]})
            world["sections"][key] = {
                "section": self.env.ref(f"crm_governance.section_{key}"),
                "team": self.env.ref(f"crm_governance.team_{key}"),
                "head": head,
                "admin": self.env.ref(f"crm_governance.user_{key}_admin"),
                "sales": sales, "plan": sorted(plan, key=lambda p: p["day"]),
            }
        return world

    # -- customers and their registration --------------------------------------
    def _demo_phone(self, company, rng, mobile=False):
        if mobile:
            prefix = rng.choice(("135", "136", "137", "138", "139", "150", "151", "158", "159", "177", "180",
                                 "186", "187", "188", "189"))
            return f"{prefix} {rng.randint(1000, 9999)} {rng.randint(1000, 9999)}"
        digits = 8 if len(company.area_code) == 3 else 7
        number = str(rng.randint(10 ** (digits - 1) * 2, 10 ** digits - 1))
        return f"{company.area_code}-{number[:4]} {number[4:]}"

    def _demo_vat(self, rng):
        """A unified social credit code (统一社会信用代码) with its check digit."""
        from stdnum.cn import uscc
        body = "91" + "".join(rng.choice("0123456789") for _i in range(6)) + \
            "".join(rng.choice("0123456789ABCDEFGHJKLMNPQRTUWXY") for _i in range(9))
        return body + uscc.calc_check_digit(body)

    def _demo_register(self, rng, world, key, entry):
        """The owner registers the customer account with its two contacts and
        an opportunity (or a lead), through the registration rules."""
        company, owner = entry["company"], entry["owner"]
        state = self.env.ref(company.state)
        Partner = self.env["res.partner"].with_user(owner)
        account = Partner.create({
            "name": company.name, "is_company": True, "user_id": owner.id, "phone": self._demo_phone(company, rng),
            "email": f"info@{company.domain}", "website": f"https://www.{company.domain}",
            "street": f"{company.district}{company.street}", "city": company.city, "state_id": state.id,
            "country_id": self.env.ref("base.cn").id, "vat": self._demo_vat(rng),
        })
        contacts = Partner.create([{
            "name": name, "parent_id": account.id, "function": title, "mobile": self._demo_phone(company, rng, True),
            "email": f"{'zhang li wang chen liu yang'.split()[(i + len(name)) % 6]}{i + 1}@{company.domain}",
        } for i, (name, title) in enumerate(company.contacts)])
        # kept as the superuser's: owners change, the demo goes on reading them
        entry.update(account=account.sudo(), contacts=contacts.sudo(), source=rng.choice(world["sources"]))
        entry["leads"] = self.env["crm.lead"].sudo()
        self._demo_opportunity(rng, world, key, entry, lead=rng.random() < 0.2)

    def _demo_opportunity(self, rng, world, key, entry, lead=False, name=None):
        data = world["sections"][key]
        company, owner, contact = entry["company"], entry["owner"], entry["contacts"][0]
        title = name or rng.choice(("设备联网与能耗监测", "产线数据采集", "设备预测性维护", "MES对接与看板",
                                    "智能电表改造", "空压站节能改造"))
        record = self.env["crm.lead"].with_user(owner).create({
            "name": f"{company.short}·{title}", "type": "lead" if lead else "opportunity",
            "partner_id": False if lead else contact.id, "partner_name": company.name,
            "contact_name": contact.name, "function": contact.function, "phone": contact.mobile,
            "email_from": contact.email, "source_id": entry.get("source", world["sources"][0]).id,
            "state_id": self.env.ref(company.state).id, "country_id": self.env.ref("base.cn").id,
            "city": company.city, "street": f"{company.district}{company.street}",
            "description": f"<p>{company.need}</p>", "team_id": data["team"].id, "user_id": owner.id,
            "expected_revenue": rng.choice((8, 12, 18, 25, 36, 48, 60, 85, 120, 150)) * 10000,
            "stage_id": world["open"][0].id,
        })
        entry["leads"] |= record.sudo()
        return record

    # -- won deals of two years: the grades (GRADE-2) ---------------------------
    def _demo_won_history(self, rng, world, today):
        """Won deals of the last two years for most customers, by tier, so
        that grades A, B and C all occur; they are the customers' facts before
        the first registration of the timeline (installed data)."""
        amounts = {"A": ((90, 160), (50, 90), 4), "B": ((45, 80), (30, 50), 2), "C": ((6, 20), (4, 12), 1)}
        world["won_plan"] = []
        for data in world["sections"].values():
            for entry in data["plan"]:
                if entry["tier"] and entry["day"] < -60:
                    last, before, deals = amounts[entry["tier"]]
                    won = [(rng.randint(*last) * 10000 / deals, -rng.randint(20, 330)) for _i in range(deals)]
                    won += [(rng.randint(*before) * 10000 / deals, -rng.randint(380, 700)) for _i in range(deals)]
                    # a customer's deals in the order they were signed, each its own project
                    won.sort(key=lambda deal: deal[1])
                    entry["won"] = [(amount, day, WON_DEALS[i]) for i, (amount, day) in enumerate(won)]

    def _demo_close_won(self, entry, amount, day, today, title):
        """A won deal ``title`` of the customer on ``day`` (relative), by its owner."""
        stage = self.env["crm.stage"].sudo().search([("is_won", "=", True)], limit=1)
        lead = self.env["crm.lead"].sudo().create({
            "name": f"{entry['company'].short}·{title}（已签约）", "type": "opportunity",
            "partner_id": entry["contacts"][0].id, "partner_name": entry["company"].name,
            "user_id": entry["owner"].id, "team_id": entry["account"].sudo().section_id.team_ids[:1].id,
            "expected_revenue": amount, "stage_id": stage.id, "probability": 100,
            "contact_name": entry["contacts"][0].name, "phone": entry["contacts"][0].mobile,
            "source_id": entry["source"].id, "description": f"<p>{entry['company'].need}</p>",
            "state_id": self.env.ref(entry["company"].state).id, "country_id": self.env.ref("base.cn").id,
            "city": entry["company"].city, "email_from": entry["contacts"][0].email,
            "street": f"{entry['company'].district}{entry['company'].street}",
        })
        closed = self._demo_moment(today + timedelta(days=day), 15)
        self.env.flush_all()
        # the deal's own dates, as the deal was signed then (demo history)
        self.env.cr.execute(SQL("UPDATE crm_lead SET date_closed = %s, create_date = %s, date_open = %s "
                                "WHERE id = %s", closed, closed - timedelta(days=45), closed - timedelta(days=45),
                                lead.id))
        lead.invalidate_recordset()

    # -- the timeline ---------------------------------------------------------
    def _demo_timeline(self, rng, world, today):
        """Day by day: registrations, follow-ups, claims, dispatches,
        approvals and the weekly passes, each by its person, at its moment."""
        pending_approval = []

        def working(offset):
            # the first working day from ``offset`` on
            while (today + timedelta(days=offset)).weekday() >= 5:
                offset += 1
            return offset
        move_day, query_days = working(-40), (working(-75), working(-20))
        grading_days = {working(-d) for d in (150, 120, 90, 60, 45)}
        for offset in range(-DAYS, 0):
            day = today + timedelta(days=offset)
            moment = self._demo_moment(day, 9 + rng.randint(0, 8), rng.randint(0, 59))
            if day.weekday() >= 5 and offset % 7:
                continue  # weekends are quiet, but for the passes below
            with self._demo_at(moment):
                for key, data in world["sections"].items():
                    for entry in data["plan"]:
                        if entry["day"] == offset and offset < -1:
                            self._demo_register(rng, world, key, entry)
                            for amount, won_day, title in entry.get("won", ()):
                                self._demo_close_won(entry, amount, won_day, today, title)
                            entry["next"] = offset + rng.randint(2, 6)
                            entry["account_next"] = offset + rng.randint(3, 9)
                            if data["section"].registration_approval:
                                pending_approval.append((offset + rng.randint(1, 2), entry))
                    self._demo_day_of_work(rng, world, key, offset)
                for due, entry in [p for p in pending_approval if p[0] <= offset]:
                    self._demo_decide_registration(rng, world, entry)
                    pending_approval.remove((due, entry))
                if offset % 7 == 0:
                    self._demo_passes()
                if offset == move_day:
                    self._demo_move(world)
                if offset in query_days:
                    self._demo_validity_queries(world, decide=offset == query_days[0])
                if offset in grading_days:
                    # the daily grading, as it stood then: customers' grades change over the months
                    self.env["res.partner"].sudo()._governance_grade_customers(today=day)

    def _demo_decide_registration(self, rng, world, entry):
        """The head approves a waiting registration; one in eight is sent back
        first, corrected and submitted again (ENTRY-3)."""
        for lead in entry["leads"].sudo().filtered(lambda r: r.governance_registration_state == "pending"):
            head = lead.section_id.head_ids[:1]
            if rng.random() < 0.125:
                lead.with_user(head).action_governance_reject_registration(
                    "来源填成了“电话来访”，实际是展会名单，请改正后再提交。")
                lead.with_user(lead.user_id).write({"source_id": self.env["utm.source"].search(
                    [("name", "=", "展会")], limit=1).id})
                lead.with_user(lead.user_id).action_governance_resubmit_registration()
            lead.with_user(head).action_governance_approve_registration()

    def _demo_day_of_work(self, rng, world, key, offset):
        data = world["sections"][key]
        # the day's facts of every record of the section, read at once
        entries = [e for e in data["plan"] if "leads" in e]
        records = self.env["crm.lead"].sudo().union(*(e["leads"] for e in entries))
        records.fetch(["user_id", "protection_state", "active", "type", "stage_id"])
        self.env["res.partner"].sudo().union(*(e["account"] for e in entries)).fetch(
            ["user_id", "protection_state"])
        for entry in data["plan"]:
            if "leads" not in entry:
                continue
            cadence, quality = entry["habit"]
            owner = entry["owner"]
            for lead in entry["leads"].sudo():
                if lead.user_id != owner or lead.protection_state not in protection.OWNED or not lead.active:
                    continue
                if offset >= entry.get("next", 0):
                    neglect = entry.get("neglect", False)
                    if not neglect:
                        self._demo_note(rng, entry, lead, quality)
                    entry["next"] = offset + max(2, cadence + rng.randint(-3, 4))
                    self._demo_progress(rng, world, entry, lead, offset)
            account = entry["account"].sudo()
            if account.user_id == owner and account.protection_state in protection.OWNED \
                    and offset >= entry.get("account_next", 0):
                if not entry.get("neglect"):
                    self._demo_account_note(rng, entry, account, quality)
                entry["account_next"] = offset + rng.randint(14, 24)
        # some salespeople stop following some customers: they lapse to the pool
        for entry in data["plan"]:
            if "leads" in entry and not entry.get("neglect") and rng.random() < 0.0015:
                entry["neglect"] = True
        self._demo_pool_work(rng, world, key, offset)

    def _demo_progress(self, rng, world, entry, lead, offset):
        """Opportunities move on through the stages; a few are won or lost."""
        if lead.type != "opportunity":
            # converted while its owner still holds the customer account (else
            # the conversion is refused: the account waits in the pool); the
            # leads of the last weeks are still being qualified
            if rng.random() < 0.15 and entry["account"].sudo().user_id == lead.user_id and offset - entry["day"] > 40:
                self._demo_try(lead.with_user(lead.user_id).convert_opportunity,
                               lead.partner_id or entry["contacts"][0])
            return
        if lead.stage_id.is_won:
            return  # signed: its facts stay as they are (GRADE-2)
        stages = world["open"]
        position = list(stages.ids).index(lead.stage_id.id) if lead.stage_id.id in stages.ids else 0
        roll = rng.random()
        if roll < 0.06 and position < len(stages) - 1:
            lead.with_user(lead.user_id).write({"stage_id": stages[position + 1].id})
        elif roll < 0.075 and position == len(stages) - 1:
            lead.with_user(lead.user_id).action_set_won()
            # a won customer comes back with its next project
            self._demo_try(self._demo_opportunity, rng, world, lead.section_id.code.lower(), entry, False, "二期扩容")
        elif roll < 0.082:
            lead.with_user(lead.user_id).action_set_lost(lost_reason_id=self.env.ref("crm.lost_reason_1").id)

    def _demo_text(self, rng, entry, record, pool):
        company = entry["company"]
        contact = rng.choice(entry["contacts"]).name
        used = entry.setdefault("used", set())
        fresh = [p for p in pool if (record.id, p) not in used] or list(pool)
        fragment = rng.choice(fresh)
        used.add((record.id, fragment))
        next_step = rng.choice(NEXTS)
        opener = rng.choice(OPENERS).format(contact=contact, city=company.city)
        body = fragment.format(n=rng.randint(3, 40), budget=rng.choice((15, 20, 30, 45, 60, 80, 120)))
        return f"{opener}{body}。{next_step}"

    def _demo_note(self, rng, entry, lead, quality):
        """The owner's follow-up in the chatter: valid (judged so by FU-2),
        or one of the invalid kinds."""
        recent = self.env.context.get("demo_recent_notes")
        if rng.random() < quality:
            pool = (EARLY, EARLY, MIDDLE, MIDDLE, LATE)[min(len(entry.get("used", ())) // 2, 4)]
            text = self._demo_text(rng, entry, lead, pool)
            if recent is not None:
                recent[:] = (recent + [text])[-20:]
        else:
            kind = rng.choice(("too_short", "no_substance", "keywords_only", "meaningless", "meaningless",
                               "unrelated", "repeated", "copied"))
            if kind == "repeated" and entry.get("last_text"):
                text = entry["last_text"]  # FU-2 d: word for word again
            elif kind == "copied" and recent:
                text = rng.choice(recent)  # a colleague's note of these weeks, pasted
            else:
                text = rng.choice(INVALID[kind if kind in INVALID else "meaningless"]).format(
                    contact=entry["contacts"][0].name)
        entry["last_text"] = text
        lead.with_user(lead.user_id).message_post(body=text, message_type="comment", subtype_xmlid="mail.mt_note")

    def _demo_account_note(self, rng, entry, account, quality):
        # the account's first follow-up is a real one: it starts the relationship (FU-4)
        if rng.random() < (1 + quality) / 2 or not entry.get("account_followed"):
            text = self._demo_text(rng, entry, account, ACCOUNT)
            entry["account_followed"] = True
        else:
            text = rng.choice(INVALID["meaningless"])
        account.with_user(account.user_id).message_post(body=text, message_type="comment",
                                                        subtype_xmlid="mail.mt_note")

    def _demo_pool_work(self, rng, world, key, offset):
        """On Mondays the head dispatches what waits in the pool; salespeople
        claim from it now and then."""
        data = world["sections"][key]
        section = data["section"]

        def pool():
            return self.env["crm.lead"].sudo().search([("section_id", "=", section.id),
                                                        ("protection_state", "=", "pooled")], order="id")
        pooled = pool()
        if pooled and (world["today"] + timedelta(days=offset)).weekday() == 0:
            # the oldest record of the pool one of them may take, to the least loaded of them
            load = {user: self.env["crm.lead"].sudo().search_count([
                ("section_id", "=", section.id), ("user_id", "=", user.id),
                ("protection_state", "in", protection.OWNED)]) for user in data["sales"]}
            users = sorted(data["sales"], key=lambda u: (load[u], rng.random()))
            refusals = {user: pooled._governance_claim_refusals(user) for user in users}
            pair = next(((record, user) for record in pooled for user in users
                         if not refusals[user][record.id][0]), None)
            if pair and self._demo_try(pair[0].with_user(data["head"]).action_governance_dispatch, pair[1].id):
                self._demo_adopt(world, key, pair[0], pair[1])
                pooled = pool()
        if pooled and rng.random() < 0.12:
            user = rng.choice(data["sales"])
            candidates = pooled.with_user(user)._governance_claim_refusals(user)
            free = [rid for rid, (refusal, _facts) in candidates.items() if not refusal]
            if free:
                claimed = self.env["crm.lead"].browse(rng.choice(free))
                if self._demo_try(claimed.with_user(user).action_governance_claim):
                    self._demo_adopt(world, key, claimed, user)

    def _demo_adopt(self, world, key, lead, user):
        """A record claimed or dispatched is followed up by its new owner."""
        for entry in world["sections"][key]["plan"]:
            if lead in entry.get("leads", ()):
                entry["owner"] = user
                entry["habit"] = HABITS[world["sections"][key]["sales"].index(user)] \
                    if user in world["sections"][key]["sales"] else entry["habit"]
                entry["neglect"] = False
                account = entry["account"].sudo()
                if account.protection_state == "pooled":
                    self._demo_try(account.with_user(user).action_governance_claim)

    def _demo_passes(self):
        Section = self.env["crm.governance.section"].with_context(governance_no_commit=True)
        Section._cron_followup_due()
        Section._cron_protection_warning()
        Section._cron_protection_release()

    def _demo_move(self, world):
        """Group management moves a customer that relocated from 华东 to 华北
        to a salesperson there (SEC-3): the customer as a whole, its account
        and the opportunities its owner holds."""
        east, north = world["sections"]["east"], world["sections"]["north"]
        entry = next((e for e in east["plan"] if "leads" in e and e["account"].sudo().protection_state == "protected"
                      and e["account"].sudo().user_id == e["owner"] and not e.get("won")), None)
        if not entry:
            return
        management = self.env.ref("crm_governance.user_management")
        receiver = north["sales"][0]
        note = "客户总部迁到天津，华北版块就近服务（集团市场部决定）。"
        entry["account"].with_user(management).action_governance_move_section(north["section"].id, note, receiver.id)
        east["plan"].remove(entry)
        entry.update(owner=receiver, habit=HABITS[0])
        north["plan"].append(entry)

    def _demo_validity_queries(self, world, decide):
        """A colleague asks for a review of a hold (FU-6): in 华东 and 华北 of
        the record with the most invalid follow-ups (transferred), in 华南 of
        a well followed one (refused); later one more in each, waiting."""
        Query = self.env["crm.governance.validity.query"]
        for key, data in world["sections"].items():
            order = "invalid_followup_count asc, last_valid_followup_at desc, id" if key == "south" and decide \
                else "invalid_followup_count desc, id"
            held = self.env["crm.lead"].sudo().search([
                ("section_id", "=", data["section"].id), ("protection_state", "in", protection.OWNED),
                ("type", "=", "opportunity"), ("user_id", "in", [u.id for u in data["sales"]]),
                ("stage_id.is_won", "=", False)], order=order, limit=1)
            requester = next((u for u in data["sales"] if u != held.user_id), None)
            if not held:
                continue
            if decide and key != "south":
                # the owner's last three notes said nothing (无效保护, FU-4)
                for text in ("外出", "电话", "没找到人"):
                    held.with_user(held.user_id).message_post(body=text, message_type="comment",
                                                              subtype_xmlid="mail.mt_note")
            query, refusal = Query.with_user(requester)._governance_file(
                held.name, "这家客户我之前接触过，负责人最近的跟进不是“外出”就是“电话”，请版块审核保护是否有效。")
            if refusal or not decide:
                continue
            query = query.with_user(data["head"])
            if query.sudo()._invalid_grounds():
                if self._demo_try(query.action_transfer, "跟进记录无效，按制度转给申请人。"):
                    self._demo_adopt(world, key, held, requester)
            else:
                self._demo_try(query.action_refuse, "负责人近两周有有效拜访记录，保护有效，驳回。")

    # -- today: what a user meets first ---------------------------------------
    def _demo_today(self, rng, world, today, this_morning):
        """Yesterday's registrations for the spot-check, registrations waiting
        for approval, records each salesperson may claim, a deliberate
        duplicate per section for the duplicate scan."""
        with self._demo_at(self._demo_moment(today - timedelta(days=1), 10)):
            for key, data in world["sections"].items():
                for entry in [e for e in data["plan"] if e["day"] == -1]:
                    self._demo_register(rng, world, key, entry)
        with self._demo_at(this_morning):
            for data in world["sections"].values():
                self._demo_give_back(data)
            self._demo_duplicates(rng, world)

    def _demo_give_back(self, data):
        """Records their owners give back this morning, until every
        salesperson of the section finds one in the pool they may claim (not
        their own, held by no colleague's registration): a release that would
        give nobody anything is not done."""
        Lead = self.env["crm.lead"].sudo()
        section = data["section"]

        def claimable(user):
            pool = Lead.search([("section_id", "=", section.id), ("protection_state", "=", protection.POOLED)])
            return any(not refusal for refusal, _facts in pool._governance_claim_refusals(user).values())

        givers = [e for e in data["plan"] if "leads" in e and e["day"] < -30 and not e.get("won")]
        for user in data["sales"]:
            for entry in givers:
                if claimable(user):
                    break
                mine = entry["leads"].sudo().filtered(lambda r, e=entry: r.user_id == e["owner"] and r.active
                                                      and r.protection_state in protection.OWNED)
                if not mine or entry["owner"] == user:
                    continue
                try:
                    with self.env.cr.savepoint():
                        mine.with_user(entry["owner"]).action_governance_release("客户今年没有预算，暂停跟进，放回公海。")
                        account = entry["account"].sudo()
                        if account.user_id == entry["owner"] and account.protection_state in protection.OWNED:
                            account.with_user(entry["owner"]).action_governance_release("客户暂停合作，放回公海。")
                        if not claimable(user):
                            raise GivesNothing  # the savepoint undoes it
                except (UserError, RedirectWarning, GivesNothing):
                    self.env.invalidate_all()
                    continue
                givers.remove(entry)

    def _demo_duplicates(self, rng, world):
        """One customer per section registered twice before the rules: the
        same company under a slightly different name (installed data)."""
        for data in world["sections"].values():
            entry = next((e for e in data["plan"] if "account" in e and e["tier"] is None), None)
            if not entry:
                continue
            account = entry["account"].sudo()
            self.env["res.partner"].sudo().create({
                "name": account.name.replace("有限公司", "（老客户档案）有限公司"), "is_company": True,
                "user_id": entry["owner"].id, "phone": account.phone, "city": account.city,
                "state_id": account.state_id.id, "country_id": account.country_id.id,
            })

    def _demo_overrides(self, world, today, now):
        """A salesperson proposes a grade: one approved, one rejected (GRADE-2)."""
        for key, decision in (("east", "approve"), ("north", "reject")):
            data = world["sections"][key]
            entry = next((e for e in data["plan"] if "account" in e and e["tier"] == "B"
                          and e["account"].sudo().user_id == e["owner"]), None)
            if not entry:
                continue
            with self._demo_at(now - timedelta(days=12)):
                override = self.env["crm.governance.grade.override"].with_user(entry["owner"]).create({
                    "partner_id": entry["account"].id, "grade": "A",
                    "reason": "集团明年统一采购，框架协议预计三百万元，按重点客户跟进。",
                    "date_end": today + timedelta(days=180)})
            with self._demo_at(now - timedelta(days=11)):
                override = override.with_user(data["head"])
                if decision == "approve":
                    override.action_approve()
                else:
                    override.sudo().write({"decision_note": "框架协议还没签，签约后再申请。"})
                    override.action_reject()
