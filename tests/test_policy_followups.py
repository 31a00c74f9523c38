"""FU-2 on a table of labelled follow-up texts, against the pure functions."""
from dataclasses import replace
from datetime import datetime

import pytest

from odoo.addons.crm_governance.policy import followups as fu
from odoo.addons.crm_governance.policy import settings
from odoo.addons.crm_governance.policy.followups import (
    COPIED,
    MEANINGLESS,
    NO_SUBSTANCE,
    REPEATED,
    TOO_SHORT,
    judge,
)

RULES = settings.FOLLOWUP_RULES  # what a new section starts with
COPY_DAYS = settings.DEFAULTS["followup_copy_days"]
SHORT_EMPTY = (TOO_SHORT, NO_SUBSTANCE)
PHRASE = (TOO_SHORT, NO_SUBSTANCE, MEANINGLESS)
VALID = ()

EARLIER = ("客户王经理确认需求：采购200台，预算50万，下周报价",
           "Met the buyer, they need a quote for 200 units by Friday")
ELSEWHERE = ("张总说预算已批，下周安排拜访并提交方案",
             "Sent the proposal and pricing to their purchasing manager today")

# (label, text, expected reasons); context: EARLIER are this record's earlier
# follow-ups, ELSEWHERE other records' follow-ups of the last 30 days,
# "王经理" and "Mr. Smith" are the customer's contacts.
CASES = [
    # --- Chinese: too short, phrase-only, padded, repeated phrases
    ("zh phrase 外出", "外出", PHRASE),
    ("zh phrase 没找到人", "没找到人", PHRASE),
    ("zh phrase 沟通", "沟通", PHRASE),
    ("zh phrase 电话", "电话", PHRASE),
    ("zh phrase 无人接听", "无人接听", PHRASE),
    ("zh phrase 在忙", "在忙", PHRASE),
    ("zh phrase 再联系", "再联系", PHRASE),
    ("zh phrase padded with punctuation", "外出！！！。。。", PHRASE),
    ("zh phrase padded with spaces and emoji", "  外出 😀😀 ", PHRASE),
    ("zh phrase repeated to look long", "外出外出外出外出外出", PHRASE),
    ("zh two phrases", "没找到人，再联系", PHRASE),
    ("zh three phrases reach 8 chars", "无人接听，在忙，再联系", (NO_SUBSTANCE, MEANINGLESS)),
    ("zh phrases with digits", "电话 13800138000 无人接听", PHRASE),
    ("zh phrases repeated past 8 chars", "电话沟通电话沟通电话沟通", (TOO_SHORT, NO_SUBSTANCE, MEANINGLESS)),
    ("zh short real content", "客户要报价", (TOO_SHORT,)),
    ("zh 7 chars with keyword", "客户确认了预算", (TOO_SHORT,)),
    ("zh 8 chars with keyword", "客户确认了预算额", VALID),
    ("zh 9 chars no keyword no contact", "今天天气很好，阳光明媚", (NO_SUBSTANCE,)),
    ("zh repeats collapse before counting", "今天天气很好很好啊", SHORT_EMPTY),
    ("zh keyword repeated to pad", "报价报价报价报价", (TOO_SHORT,)),
    ("zh laughter", "哈哈哈哈哈哈哈哈哈哈", SHORT_EMPTY),
    ("zh phrase plus real content", "外出，客户说下周报价方案", VALID),
    ("zh phrase plus chit-chat", "在忙，聊了聊家常和天气情况", (NO_SUBSTANCE,)),
    ("zh names a contact", "王经理说这周内回复我们", VALID),
    ("zh long valid", "拜访客户采购部李经理，了解到明年一季度有扩产计划，预计需要200台设备，预算约300万，"
                      "下周二提交初步方案和报价。", VALID),
    ("zh needs and progress", "客户需求已明确，进展顺利，等待合同审批", VALID),
    ("zh visit and channel", "今天上门拜访，客户希望通过经销商渠道采购", VALID),
    ("zh repeats earlier word for word", EARLIER[0], (REPEATED,)),
    ("zh repeats earlier, other punctuation and spacing",
     "客户 王经理 确认需求 采购200台 预算50万 下周报价。", (REPEATED,)),
    # FU-2 d compares near-copies too: other numbers make no new note
    ("zh earlier with other numbers repeats it", "客户王经理确认需求：采购300台，预算60万，下周报价", (REPEATED,)),
    ("zh copied from another record", ELSEWHERE[0], (COPIED,)),
    ("zh copied, full-width punctuation added", "张总说：预算已批，下周安排拜访并提交方案！", (COPIED,)),
    ("zh punctuation only", "。。。！！！？？？", SHORT_EMPTY),
    ("zh emoji only", "👍👍👍👍👍👍👍👍", SHORT_EMPTY),
    ("zh digits only", "1234567890", SHORT_EMPTY),
    ("empty", "", SHORT_EMPTY),
    ("whitespace", "   \n\t  ", SHORT_EMPTY),
    # --- English
    ("en no answer", "No answer.", PHRASE),
    ("en out of office", "Out of office!!!", PHRASE),
    ("en busy, call back later", "Busy, call back later.", PHRASE),
    ("en phrase repeated", "no answer no answer no answer no answer no answer", (NO_SUBSTANCE, MEANINGLESS)),
    ("en left a voicemail: 5 words, all phrases", "Called, left a message, voicemail.", (NO_SUBSTANCE, MEANINGLESS)),
    ("en called talked", "called talked", PHRASE),
    ("en phrase, upper case", "NO ANSWER", PHRASE),
    ("en four words with keyword", "Customer wants a quote", (TOO_SHORT,)),
    ("en five words with keyword", "Customer wants a quote today", VALID),
    ("en five words no substance", "We had a nice chat today", (NO_SUBSTANCE,)),
    ("en word repeated to pad", "quote quote quote quote quote quote", (TOO_SHORT,)),
    ("en phrase plus content", "No answer at first; then the buyer confirmed the budget for Q3", VALID),
    ("en contact named", "Mr. Smith will come back to us next Monday", VALID),
    ("en long valid", "Visited the plant with their purchasing manager; they need 200 units, budget is approved, "
                      "and they expect our quotation before the tender closes on the 15th.", VALID),
    ("en apostrophes count as one word", "Didn't reach buyer's office", (TOO_SHORT, NO_SUBSTANCE)),
    ("en repeats earlier", EARLIER[1], (REPEATED,)),
    ("en repeats earlier in other case", "MET THE BUYER, THEY NEED A QUOTE FOR 200 UNITS BY FRIDAY!", (REPEATED,)),
    ("en copied from another record", ELSEWHERE[1], (COPIED,)),
    ("en digits do not make words", "Order 12 34 56 78 90", (TOO_SHORT,)),
    ("en emoji with phrase", "no answer 😞😞😞", PHRASE),
    # --- mixed scripts
    ("mixed short", "客户 ok", SHORT_EMPTY),
    ("mixed phrase 电话 no answer", "电话 no answer", PHRASE),
    ("mixed half and half", "客户确认 budget approved for next quarter", VALID),
    ("mixed chars and words add up", "王经理 says quote needed soon", VALID),
    ("mixed too little of both", "报价 sent", (TOO_SHORT,)),
    ("mixed valid long", "与Mr. Smith电话沟通，确认 delivery 时间和付款方式，下周签合同", VALID),
    ("mixed phrase plus real content", "外出 but the buyer e-mailed: they need samples before the order", VALID),
    ("mixed copied", "Sent the proposal and pricing to their purchasing manager today。", (COPIED,)),
    ("mixed repeated earlier", "客户王经理确认需求 采购200台 预算50万 下周报价", (REPEATED,)),
    ("japanese kana count as characters", "ご担当者と予算について話しました", (NO_SUBSTANCE,)),
]

CONTEXT = dict(contact_names=("王经理", "Mr. Smith"),
               earlier={fu.content_key(t) for t in EARLIER},
               elsewhere={fu.content_key(t) for t in ELSEWHERE})


def test_the_table_is_big_enough():
    assert len(CASES) >= 60
    assert len({label for label, _t, _r in CASES}) == len(CASES)


AT = datetime(2026, 11, 23, 10, 0)
# EARLIER on this record by its author, ELSEWHERE on another record by a colleague
OWN = [fu.similarity_key(t, CONTEXT["contact_names"]) for t in EARLIER]


def full_judge(text):
    """judge() plus the near-duplicate search, as the ORM runs them."""
    reasons = judge(text, RULES, **CONTEXT)
    if REPEATED in reasons or COPIED in reasons:
        return reasons
    # ELSEWHERE is a colleague's: only word-for-word copies of it count (judge)
    reason, _index = fu.find_repeat(fu.similarity_key(text, CONTEXT["contact_names"]), OWN, [], AT, RULES, COPY_DAYS)
    return reasons + ((reason,) if reason else ())


@pytest.mark.parametrize("label,text,expected", CASES, ids=[c[0] for c in CASES])
def test_labelled_follow_up(label, text, expected):
    assert full_judge(text) == expected


def test_a_named_contact_field_counts_as_substance():
    assert judge("今天天气很好，阳光明媚", RULES, contact_named=True) == ()
    assert judge("外出", RULES, contact_named=True) == (TOO_SHORT, MEANINGLESS)


def test_section_lists_and_numbers_apply():
    rules = replace(RULES, min_cjk_chars=4, min_words=2, keywords=("天气",), phrases=("天气很好",))
    assert judge("今天天气不错", rules) == ()
    assert judge("天气很好！天气很好", rules) == (MEANINGLESS,)
    assert judge("客户确认了预算额", rules) == (NO_SUBSTANCE,), "the default keywords are replaced"
    assert judge("外出", rules) == (TOO_SHORT, NO_SUBSTANCE), "the default phrases are replaced"


def test_lists_as_users_type_them():
    assert fu.parse_list("需求\n预算, budget，进展;progress；渠道、quote\n\n需求 ") == (
        "需求", "预算", "budget", "进展", "progress", "渠道", "quote")


def test_a_hostile_phrase_list_stays_fast():
    # overlapping phrases that a backtracking regex would explode on
    rules = replace(RULES, phrases=("a", "aa", "aaa", "aaaa"))
    assert fu.only_phrases("a" * 5000 + "b", rules) is False
    assert fu.only_phrases("a" * 5000, rules) is True
