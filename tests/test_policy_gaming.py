"""FU-2 against a salesperson gaming it (b, c, d, e): the labelled corpus of
tests/followup_corpus.py through the pure functions. Every gaming note is
invalid; at most 2 % of the genuine ones are flagged."""
from dataclasses import replace
from datetime import datetime, timedelta

import pytest

from odoo.addons.crm_governance.policy import followups as fu
from odoo.addons.crm_governance.policy import settings

from . import followup_corpus as corpus

RULES = settings.FOLLOWUP_RULES  # what a new section starts with
COPY_DAYS = settings.DEFAULTS["followup_copy_days"]
AT = datetime(2026, 11, 23, 10, 0)
DAY = timedelta(days=1)


def _key(text, names=corpus.NAMES):
    return fu.similarity_key(text, names)


def test_the_corpus_is_big_enough():
    gaming = corpus.KEYWORD_STUFFING + corpus.UNRELATED + corpus.NEAR_REPEATS + corpus.TEMPLATES
    assert len(corpus.GENUINE) >= 80
    assert len(corpus.GENUINE) + len(gaming) >= 150


def test_genuine_notes_count():
    """Each genuine note judged on its own and against all the others as
    the same author's notes on other records this week (a template check
    that must not fire on real, different notes)."""
    keys = [_key(t) for t in corpus.GENUINE]
    flagged = []
    for i, text in enumerate(corpus.GENUINE):
        reasons = fu.judge(text, RULES, contact_names=corpus.NAMES)
        others = [(k, AT - DAY) for j, k in enumerate(keys) if j != i]
        repeat, _index = fu.find_repeat(keys[i], [], others, AT, RULES, COPY_DAYS)
        if reasons or repeat:
            flagged.append((text, reasons, repeat))
    assert len(flagged) <= 0.02 * len(corpus.GENUINE), flagged


@pytest.mark.parametrize("text", corpus.KEYWORD_STUFFING)
def test_keyword_stuffing_does_not_count(text):
    reasons = fu.judge(text, RULES, contact_names=corpus.NAMES)
    assert reasons, text
    assert set(reasons) & {fu.KEYWORDS_ONLY, fu.TOO_SHORT, fu.MEANINGLESS}


@pytest.mark.parametrize("text", corpus.UNRELATED)
def test_unrelated_notes_do_not_count(text):
    assert fu.UNRELATED in fu.judge(text, RULES, contact_names=corpus.NAMES)


@pytest.mark.parametrize("earlier, new", corpus.NEAR_REPEATS)
def test_near_copies_of_the_record_s_own_notes(earlier, new):
    own = [_key("Something else entirely about a visit"), _key(earlier)]
    assert fu.find_repeat(_key(new), own, [], AT, RULES, COPY_DAYS) == (fu.REPEATED, 1)


@pytest.mark.parametrize("other, new, names", corpus.TEMPLATES)
def test_one_template_pasted_across_customers(other, new, names):
    assert fu.find_repeat(_key(new, names), [], [(_key(other), AT - 3 * DAY)], AT, RULES, COPY_DAYS) == (fu.COPIED, 0)
    # past the copy window it is history (a colleague's notes are never
    # among the author's own: the ORM passes only the author's)
    assert fu.find_repeat(_key(new, names), [], [(_key(other), AT - 31 * DAY)], AT, RULES, COPY_DAYS) == (None, None)


def test_similarity_threshold_and_window_are_the_section_s():
    earlier, new = corpus.NEAR_REPEATS[0]
    strict = replace(RULES, similarity=100)
    assert fu.find_repeat(_key(new), [_key(earlier)], [], AT, strict, COPY_DAYS) == (fu.REPEATED, 0), \
        "numbers never count"
    other, new, names = corpus.TEMPLATES[1]
    assert fu.find_repeat(_key(new, names), [], [(_key(other), AT - 3 * DAY)], AT, RULES,
                          copy_days=0) == (None, None)


def test_the_section_s_lists_decide():
    no_filler = replace(RULES, filler=())
    assert fu.judge("关于需求和预算以及报价等相关事宜", no_filler) == ()
    assert fu.UNRELATED not in fu.judge("和王经理聚餐，聊到他家装修的预算", replace(RULES, private_topics=()))
    off = replace(RULES, min_content_chars=0, min_content_words=0)
    assert fu.judge("需求 预算 进展 报价", off) == ()


@pytest.mark.parametrize("text", [
    "王经理确认需求，预算80万。" * 770,           # 10,000 characters
    "1234567890 " * 900,
    "1234567890",
    "😀🎉👍" * 50,
    "Mr. Smith 说 pilot 很成功 🎉，准备下单30台 ✅",
    "",
])
def test_bad_input_is_judged_without_errors(text):
    reasons = fu.judge(text, RULES, contact_names=corpus.NAMES)
    assert isinstance(reasons, tuple)
    key = _key(text)
    fu.find_repeat(key, [key], [(_key(t), AT - DAY) for t in corpus.GENUINE], AT, RULES, COPY_DAYS)


def test_the_customer_s_own_name_is_neither_substance_nor_a_fact():
    assert fu.NO_SUBSTANCE in fu.judge("今天去了华信软件一趟，天气很好", RULES, customer_names=("华信软件",))
    assert fu.KEYWORDS_ONLY in fu.judge("华信软件：需求、预算、进展、报价", RULES, customer_names=("华信软件",))
    assert fu.judge("华信软件：需求、预算、进展、报价", RULES) == (), "unknown as a name, it reads as facts"


def test_the_length_window_keeps_every_possible_match():
    for earlier, new in corpus.NEAR_REPEATS:
        shortest, longest = fu.length_window(_key(new), RULES)
        assert shortest <= len(_key(earlier)) <= longest
    assert fu.length_window("a" * 100, replace(RULES, similarity=100)) == (100, 100)
