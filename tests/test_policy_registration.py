"""policy.registration: the normalised keys two registrations of one
company share (ENTRY-2), required facts (ENTRY-1), what a holder of a key
means (first registered wins), completion dates (ENTRY-4)."""
from datetime import datetime

import pytest

from odoo.addons.crm_governance.policy import registration as r
from odoo.addons.crm_governance.policy import settings

# (kind, first, second, collide): the same company typed two ways must
# collide; two companies must not.
TABLE = [
    # company names: width, case, spacing, punctuation, brackets, legal forms
    ("name", "深圳云帆电子有限公司", "深圳云帆电子", True),
    ("name", "深圳云帆电子有限公司", "深圳 云帆 电子 有限公司", True),
    ("name", "（深圳）云帆电子有限公司", "(深圳)云帆电子", True),
    ("name", "深圳云帆电子股份有限公司", "深圳云帆电子有限责任公司", True),
    ("name", "云帆集团有限公司", "云帆", True),
    ("name", "ＡＢＣ科技有限公司", "abc科技", True),
    ("name", "华为技术有限公司", "华为技术有限公司。", True),
    ("name", "北京字节跳动科技有限公司上海分公司", "北京字节跳动科技有限公司", True),
    ("name", "云帆上海分公司", "云帆上海", True),
    ("name", "Acme Co., Ltd.", "ACME", True),
    ("name", "Acme Company Limited", "acme", True),
    ("name", "Acme Inc.", "Acme, Inc", True),
    ("name", "Acme GmbH", "ACME   gmbh", True),
    ("name", "Acme Group Co., Ltd.", "Acme", True),
    ("name", "Acme LLC", "Acme L.L.C.", True),
    ("name", "Ｓｏｎｙ Corporation", "sony corp.", True),
    ("name", "上海明远科技有限公司", "上海明遠科技有限公司", True),  # simplified and traditional
    ("name", "廣州後勤服務股份有限公司", "广州后勤服务", True),
    ("name", "臺灣積體電路製造", "台湾积体电路制造有限公司", True),
    ("name", "Zinc Inc.", "Zin", False),  # a Latin form is a whole word
    ("name", "深圳云帆电子有限公司", "深圳云帆科技有限公司", False),
    ("name", "深圳云帆电子", "广州云帆电子", False),
    ("name", "Acme Co., Ltd.", "Acme Tools Co., Ltd.", False),
    ("name", "云帆一号", "云帆二号", False),
    # phones: local and international forms of one number (E.164)
    ("phone", "0755-8888 6666", "+86 755 8888 6666", True),
    ("phone", "075588886666", "+86-755-88886666", True),
    ("phone", "13800138000", "+86 138 0013 8000", True),
    ("phone", "138-0013-8000", "008613800138000", True),
    ("phone", "(138) 0013 8000", "+8613800138000", True),
    ("phone", "+1 650-253-0000", "+16502530000", True),
    ("phone", "13800138000", "13800138001", False),
    ("phone", "0755-8888 6666", "020-8888 6666", False),
    ("phone", "+86 755 8888 6666", "+852 5555 6666", False),
    # e-mails: trimmed, lower-cased, the display name left out
    ("email", "Sales@YunFan.cn", " sales@yunfan.cn ", True),
    ("email", "王经理 <wang@yunfan.cn>", "WANG@yunfan.CN", True),
    ("email", "wang@yunfan.cn", "wang@yunfan.com", False),
    ("email", "wang@yunfan.cn", "wang.li@yunfan.cn", False),
    # tax ids: unified social credit codes and VAT numbers (python-stdnum)
    ("tax", "91110000600037341L", "9111 0000 6000 3734 1L", True),
    ("tax", "91110000600037341L", "91110000600037341l", True),
    ("tax", "91110000600037341L", "91110000600037341M", False),  # wrong check digit: no key at all
    ("tax", "DE 136 695 976", "DE136695976", True),
    ("tax", "BE 0403.019.261", "BE0403019261", True),
    ("tax", "DE136695976", "BE0403019261", False),
]


def key_of(kind, value):
    return {"name": r.name_key, "phone": lambda v: r.phone_key(v, "CN"), "email": r.email_key,
            "tax": lambda v: r.tax_key(v, None)[0]}[kind](value)


def test_the_table_is_large_enough():
    assert len(TABLE) >= 40
    assert {kind for kind, *_ in TABLE} == set(r.KINDS)


@pytest.mark.parametrize(("kind", "first", "second", "collide"), TABLE)
def test_normalised_keys_collide_exactly_when_they_should(kind, first, second, collide):
    one, two = key_of(kind, first), key_of(kind, second)
    if collide:
        assert one and one == two, (one, two)
    else:
        assert one is None or two is None or one != two, (one, two)


@pytest.mark.parametrize(("given", "problem"), [
    ({"name": "有限公司"}, r.BAD_NAME),
    ({"name": "Co., Ltd."}, r.BAD_NAME),
    ({"name": "（）。。。"}, r.BAD_NAME),
    ({"phone": "12"}, r.BAD_PHONE),
    ({"phone": "call me"}, r.BAD_PHONE),
    ({"email": "wang@"}, r.BAD_EMAIL),
    ({"email": "wang@yunfan"}, r.BAD_EMAIL),
    ({"vat": "91110000600037341M"}, r.BAD_TAX),
    ({"vat": "DE136695977"}, r.BAD_TAX),
])
def test_garbage_is_named_never_silently_keyless(given, problem):
    assert r.bad_input(region="CN", **given) == [problem]


def test_good_input_has_no_problem_and_unknown_tax_formats_keep_their_characters():
    assert r.bad_input("深圳云帆电子有限公司", "0755-8888 6666", "a@b.cn", "91110000600037341L", "CN") == []
    # a format no python-stdnum module covers: kept as typed, letters and digits
    assert r.tax_key("AB-12 34", "us") == ("AB1234", True)


def test_the_legal_forms_are_editable():
    assert r.name_key("云帆工作室") == "云帆工作室"
    assert r.name_key("云帆工作室", r.LEGAL_SUFFIXES_DEFAULT + ("工作室",)) == "云帆"


def test_missing_facts_in_the_section_s_order():
    assert r.missing_facts({"phone", "source"}, r.REQUIRED_DEFAULT) == ("customer", "contact", "region", "need")
    assert r.missing_facts(set(r.FACTS), r.REQUIRED_DEFAULT) == ()


def test_fact_lists_are_checked():
    assert r.parse_facts("customer\nPhone, need；email") == (("customer", "phone", "need", "email"), ())
    assert r.parse_facts("customer\ntelephone")[1] == ("telephone",)
    codes = [code for code, _s in settings.violations({"registration_facts": "customer\ntelephone"})]
    assert codes == [settings.UNKNOWN_FACT]
    codes = [code for code, _s in settings.violations({"completion_days": 11, "completion_limit_days": 10})]
    assert codes == [settings.COMPLETION_AFTER_LIMIT]


def test_defaults_match_the_policy():
    assert settings.DEFAULTS["completion_days"] == 7
    assert settings.DEFAULTS["completion_limit_days"] == 10
    assert settings.DEFAULTS["customer_check_daily_limit"] == 20
    assert settings.DEFAULTS["registration_approval"] is False
    assert r.parse_facts(settings.DEFAULTS["registration_facts"])[0] == (
        "customer", "contact", "phone", "source", "region", "need")


T0 = datetime(2026, 1, 5)


def holder(owner, section, state=r.PROTECTED, since=T0, rid=1):
    return r.Holder("crm.lead", rid, owner, section, state, since)


def test_first_registered_wins():
    # another owner's protected record: refused, named in the same section only
    assert r.collision(2, 10, [holder(1, 10)]).kind == r.TAKEN_SAME_SECTION
    assert r.collision(2, 10, [holder(1, 20)]).kind == r.TAKEN_OTHER_SECTION
    # the same section's answer wins over another section's, and the earliest holder is named
    verdict = r.collision(2, 10, [holder(3, 20, rid=1), holder(1, 10, since=datetime(2026, 2, 1), rid=2),
                                  holder(4, 10, rid=3)])
    assert (verdict.kind, verdict.holder.owner_id) == (r.TAKEN_SAME_SECTION, 4)
    # one's own record: no collision; the pool of one's section: claim it
    assert r.collision(1, 10, [holder(1, 10)]).kind == r.OWN
    assert r.collision(2, 10, [holder(None, 10, r.POOL)]).kind == r.IN_POOL
    # another section's pool, free records, unowned registrations
    assert r.collision(2, 10, [holder(None, 20, r.POOL)]).kind == r.CLEAR
    assert r.collision(2, 10, [holder(1, 10, r.FREE)]).kind == r.CLEAR
    assert r.collision(None, 10, [holder(1, 10)]).kind == r.TAKEN_SAME_SECTION
    assert r.collision(2, 10, []).kind == r.CLEAR


def test_a_deleted_registration_holds_until_freed():
    # whoever registers again, its own former owner included; another section's: "registered elsewhere"
    assert r.collision(1, 10, [holder(1, 10, r.DELETED)]).kind == r.HELD_DELETED
    assert r.collision(2, 10, [holder(1, 20, r.DELETED)]).kind == r.TAKEN_OTHER_SECTION
    assert r.Verdict(r.HELD_DELETED).refused
    # a live protected holder is named first; a freed one is no holder at all
    assert r.collision(2, 10, [holder(1, 10, r.DELETED, rid=1), holder(3, 10, rid=2)]).kind == r.TAKEN_SAME_SECTION
    assert r.collision(2, 10, [holder(1, 10, r.POOL), holder(1, 10, r.DELETED, rid=2)]).kind == r.HELD_DELETED


def test_who_holds_a_key():
    assert r.holder_state(True, "protected", False, 1) == r.PROTECTED
    assert r.holder_state(True, "warning", False, 1) == r.PROTECTED
    assert r.holder_state(True, None, "pending", 1) == r.PROTECTED  # first registered, waiting for approval
    assert r.holder_state(True, None, "rejected", 1) == r.FREE
    assert r.holder_state(True, "pooled", None, None) == r.POOL
    assert r.holder_state(False, "protected", None, 1) == r.FREE  # archived (lost)
    assert r.holder_state(True, None, None, 1) == r.FREE  # ungoverned section
    assert r.holder_state(True, "protected", None, 1, won=True) == r.FREE  # a won deal: history, not a hold


def test_the_first_live_registration_survives_a_merge():
    assert r.survivor([(3, datetime(2026, 3, 1), True), (2, datetime(2026, 1, 1), False),
                       (5, datetime(2026, 2, 1), True)]) == 5
    assert r.survivor([(3, datetime(2026, 3, 1), False), (2, datetime(2026, 1, 1), False)]) == 2


def test_completion_dates():
    assert r.completion_dates(T0, 7, 10) == (datetime(2026, 1, 12), datetime(2026, 1, 15))


def test_holders_of_a_registration_are_distinct_and_leave_itself_out():
    one = holder(1, 10, rid=1)
    other = r.Holder("res.partner", 1, 2, 10, r.PROTECTED, T0)
    keys = r.Keys(name="acme", phone="+8613800138000", mobile="+8613900139000")
    holders = {("name", "acme"): [one, other], ("phone", "+8613800138000"): [one],
               ("phone", "+8613900139000"): [other]}
    assert sorted((h.model, h.id) for h in r.holders_of(keys, holders)) == [("crm.lead", 1), ("res.partner", 1)]
    assert r.holders_of(keys, holders, ("crm.lead", 1)) == [other]
