"""Follow-up validity (无效跟进): POLICY FU-2.

``judge`` returns the reason codes that make a follow-up invalid (none: it
counts). It is called for every chatter note, logged call and completed
activity on a lead or customer account, so it stays cheap: a few compiled
regular expressions and set lookups per note, no database (measured in
bench/: notes per second on one core).
"""
import hashlib
import html
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import timedelta
from functools import lru_cache

# Reason codes, in the order they are reported.
TOO_SHORT = "too_short"          # (a) under the minimum length
NO_SUBSTANCE = "no_substance"    # (b) no contact named, none of the content keywords
MEANINGLESS = "meaningless"      # (c) only meaningless phrases, maybe padded or repeated
REPEATED = "repeated"            # (d) word for word an earlier follow-up of the same record
COPIED = "copied"                # copied from another record's recent follow-up
REASONS = (TOO_SHORT, NO_SUBSTANCE, MEANINGLESS, REPEATED, COPIED)

# Editable per section; these are the lists a new section starts with.
DEFAULT_KEYWORDS = (
    # needs, budget, channels, progress … (FU-1 沟通内容)
    "需求", "预算", "渠道", "进展", "进度", "报价", "拜访", "合同", "价格", "方案", "采购", "样品",
    "试用", "订单", "下单", "付款", "回款", "签约", "招标", "投标", "演示", "决策", "交付", "竞品",
    "意向", "型号", "数量", "洽谈", "考察", "参观", "成交", "商务", "折扣", "账期", "发票", "安装",
    "need", "budget", "channel", "progress", "quote", "quotation", "visit", "contract", "price",
    "proposal", "purchase", "sample", "trial", "order", "payment", "tender", "demo", "decision",
    "delivery", "competitor", "negotiat", "requirement", "discount", "invoice", "install",
)
DEFAULT_PHRASES = (
    "没找到人", "没找到", "找不到人", "外出", "沟通", "已沟通", "电话", "打电话", "无人接听", "没人接",
    "未接通", "没接", "在忙", "客户在忙", "再联系", "稍后联系", "下次联系", "改天联系", "再说", "不在",
    "出差", "开会", "关机", "占线", "联系了", "已联系", "回访", "跟进", "已跟进", "待定", "暂无", "无",
    "no answer", "nobody answered", "no one answered", "no reply", "not reachable", "unreachable",
    "out of office", "out", "busy", "call back", "call back later", "called", "call", "talked",
    "phone", "phone call", "follow up", "followed up", "will call again", "contact later",
    "not in", "left message", "left a message", "voicemail", "try again", "later", "nothing",
)

_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ffff"
_CJK_RE = re.compile(f"[{_CJK}]")
# a word: letters of a non-CJK script, apostrophes inside allowed; digits,
# punctuation, emoji and whitespace never make a word
_WORD_RE = re.compile(rf"[^\W\d_{_CJK}]+(?:['’][^\W\d_{_CJK}]+)*")
_NOT_TEXT_RE = re.compile(r"[\W_]+")
_NOT_LETTER_RE = re.compile(r"[\W\d_]+")
# a run of 1-8 characters repeated right after itself ("外出外出", "哈哈哈")
_STUTTER_RE = re.compile(r"(.{1,8}?)\1+")
_LIST_SPLIT_RE = re.compile(r"[\n,，;；、]+")
_TAG_RE = re.compile(r"<[^>]*>")


@dataclass(frozen=True)
class FollowupRules:
    """A section's numbers and lists for FU-2."""
    min_cjk_chars: int = 8
    min_words: int = 5
    keywords: tuple = field(default=DEFAULT_KEYWORDS)
    phrases: tuple = field(default=DEFAULT_PHRASES)


DEFAULT_RULES = FollowupRules()


def parse_list(text):
    """An editable list as users type it (one per line, or separated by
    commas, ，, ; or 、) → tuple of distinct entries, order kept."""
    seen = {}
    for item in _LIST_SPLIT_RE.split(text or ""):
        item = item.strip()
        if item:
            seen.setdefault(item, None)
    return tuple(seen)


def format_list(items):
    return "\n".join(items)


def message_text(body):
    """The text of a chatter message body, fast: tags out, entities decoded
    (html2plaintext's full parse costs more than judging the text)."""
    return html.unescape(_TAG_RE.sub(" ", body or "")).strip()


def digest(key):
    """What the database indexes of a content key (FU-2 d, copies): short
    and fixed-length, so a lookup is one index probe."""
    return hashlib.md5(key.encode()).hexdigest() if key else False


def _fold(text):
    return unicodedata.normalize("NFKC", text).casefold()


def content_key(text):
    """What "word for word" compares (FU-2 d): case, width, spacing and
    punctuation do not make two notes different; digits do."""
    return _NOT_TEXT_RE.sub("", _fold(text or ""))


def length_score(text):
    """(CJK characters, words in other scripts), repeats collapsed: padding a
    note by repeating a word or phrase does not make it longer."""
    folded = _fold(text)
    cjk = _STUTTER_RE.sub(r"\1", "".join(_CJK_RE.findall(folded)))
    words = 0
    previous = None
    for word in _WORD_RE.findall(folded):
        if word != previous:
            words += 1
        previous = word
    return len(cjk), words


def long_enough(cjk, words, rules):
    """FU-2 (a): 8 CJK characters, or 5 words, or a mix worth as much (each
    character counts 1/8 of the minimum, each word 1/5)."""
    need_c, need_w = max(rules.min_cjk_chars, 1), max(rules.min_words, 1)
    return cjk * need_w + words * need_c >= need_c * need_w


class _Compiled:
    __slots__ = ("keyword_re", "phrases", "phrase_chars", "longest")

    def __init__(self, rules):
        keys = sorted({_fold(k) for k in rules.keywords if k.strip()}, key=len, reverse=True)
        self.keyword_re = re.compile("|".join(map(re.escape, keys))) if keys else None
        self.phrases = frozenset(p for p in (_NOT_LETTER_RE.sub("", _fold(p)) for p in rules.phrases) if p)
        self.phrase_chars = frozenset("".join(self.phrases))
        self.longest = max(map(len, self.phrases), default=0)


@lru_cache(maxsize=64)
def _compiled(rules):
    return _Compiled(rules)


def only_phrases(text, rules=DEFAULT_RULES):
    """FU-2 (c): the note, once punctuation, digits, emoji and spacing are
    gone, is nothing but meaningless phrases, one after the other (repeats
    included)."""
    comp = _compiled(rules)
    letters = _NOT_LETTER_RE.sub("", _fold(text))
    if not letters or not comp.phrases or not comp.phrase_chars.issuperset(letters):
        return False
    # can ``letters`` be cut into phrases? reach[i]: the first i letters can
    n, longest, phrases = len(letters), comp.longest, comp.phrases
    reach = [False] * (n + 1)
    reach[0] = True
    for i in range(n):
        if reach[i]:
            for j in range(i + 1, min(n, i + longest) + 1):
                if not reach[j] and letters[i:j] in phrases:
                    reach[j] = True
    return reach[n]


def has_substance(text, rules=DEFAULT_RULES, contact_names=()):
    """FU-2 (b), inverted: a contact is named, or a content keyword is there."""
    folded = _fold(text)
    comp = _compiled(rules)
    if comp.keyword_re is not None and comp.keyword_re.search(folded):
        return True
    return any(name and _fold(name) in folded for name in contact_names)


def judge(text, rules=DEFAULT_RULES, *, contact_named=False, contact_names=(), earlier=(), elsewhere=()):
    """Reason codes that make ``text`` an invalid follow-up; ``()`` when it counts.

    ``contact_named``: the follow-up names its contact (the contact field);
    ``contact_names``: names of the customer's contacts, found in the text;
    ``earlier``: content keys of earlier follow-ups of the same record;
    ``elsewhere``: content keys of other records' recent follow-ups.
    """
    text = text or ""
    reasons = []
    if not long_enough(*length_score(text), rules):
        reasons.append(TOO_SHORT)
    if not contact_named and not has_substance(text, rules, contact_names):
        reasons.append(NO_SUBSTANCE)
    if only_phrases(text, rules):
        reasons.append(MEANINGLESS)
    key = content_key(text)
    if key and key in earlier:
        reasons.append(REPEATED)
    elif key and key in elsewhere:
        reasons.append(COPIED)
    return tuple(reasons)


def seen_before(on_this_record, latest_elsewhere, at, copy_days):
    """(repeated, copied) of a follow-up at ``at`` whose content key was
    written before on this record (``on_this_record``), or last on another
    record at ``latest_elsewhere``: FU-2 (d) and the copy rule, whose window
    is ``copy_days`` (0: off)."""
    copied = bool(not on_this_record and copy_days and latest_elsewhere
                  and at - timedelta(days=copy_days) <= latest_elsewhere <= at)
    return bool(on_this_record), copied
