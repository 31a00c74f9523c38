"""Follow-up validity (无效跟进): POLICY FU-2.

``judge`` returns the reason codes that make a follow-up invalid (none: it
counts). It is called for every chatter note, logged call and completed
activity on a lead or customer account, so it stays cheap: a few compiled
regular expressions and set lookups per note, no database (measured in
bench/: notes per second on one core).
"""
import hashlib
import html
import math
import re
import unicodedata
from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache

from rapidfuzz import fuzz, process

# Reason codes, in the order they are reported.
TOO_SHORT = "too_short"          # (a) under the minimum length
NO_SUBSTANCE = "no_substance"    # (b) no contact named, none of the content keywords
KEYWORDS_ONLY = "keywords_only"  # (b) keywords, phrases and filler words, no facts of its own
MEANINGLESS = "meaningless"      # (c) only meaningless phrases, maybe padded or repeated
UNRELATED = "unrelated"          # (e) about private life, not the sale
REPEATED = "repeated"            # (d) (nearly) an earlier follow-up of the same record
COPIED = "copied"                # (nearly) another record's recent follow-up
REASONS = (TOO_SHORT, NO_SUBSTANCE, KEYWORDS_ONLY, MEANINGLESS, UNRELATED, REPEATED, COPIED)

# Editable per section; these are the lists a new section starts with.
DEFAULT_KEYWORDS = (
    # needs, budget, channels, progress … (FU-1 沟通内容)
    "需求", "预算", "渠道", "进展", "进度", "报价", "拜访", "合同", "价格", "方案", "采购", "样品",
    "试用", "订单", "下单", "付款", "回款", "签约", "招标", "投标", "演示", "决策", "交付", "竞品",
    "意向", "型号", "数量", "洽谈", "考察", "参观", "成交", "商务", "折扣", "账期", "发票", "安装",
    "培训", "验收", "上线", "实施", "测试", "项目", "排期", "开发", "补发", "发货", "尾款", "驻场", "工程师",
    "产线", "扩建", "设备", "机房", "接口", "证书", "资质", "案例", "审批", "盖章", "选型", "试点", "维保",
    "售后", "投诉", "服务",
    "need", "budget", "channel", "progress", "quote", "quotation", "visit", "contract", "price",
    "proposal", "purchase", "sample", "trial", "order", "payment", "tender", "demo", "decision",
    "delivery", "competitor", "negotiat", "requirement", "discount", "invoice", "install",
    "training", "acceptance", "pilot", "project", "implementation", "test", "security", "certificate",
    "case study", "rollout", "go-live", "engineer", "complaint", "warranty", "maintenance",
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

# Words that carry no fact of their own: a note made of keywords joined by
# these is a keyword list, not a follow-up (FU-2 b). Editable per section.
DEFAULT_FILLER = (
    "客户", "对方", "我们", "我方", "的", "了", "和", "与", "及", "以及", "并", "等", "等等", "情况", "相关", "方面",
    "进行", "问题", "事宜", "事项", "内容", "有关", "关于", "已", "有", "在", "是", "对", "就", "跟", "把", "这个",
    "那个", "一下", "一些", "目前",
    "customer", "client", "clients", "the", "a", "an", "and", "or", "of", "to", "for", "with", "on", "in", "at",
    "about", "regarding", "re", "discussed", "discussion", "topic", "topics", "status", "update", "updates",
    "etc", "also", "some", "their", "our", "we", "they", "is", "are", "was", "follow", "checked", "check",
)
# Private-life topics (FU-2 e): a note about one of these with at most one
# sale keyword is not about the sale. Editable per section.
DEFAULT_PRIVATE_TOPICS = (
    "聚餐", "吃饭", "喝酒", "唱歌", "K歌", "生日", "旅游", "度假", "家里", "家人", "孩子", "小孩", "老婆", "老公",
    "私事", "看电影", "打球", "钓鱼", "结婚", "婚礼", "宠物", "装修", "买房", "健身", "体检",
    "dinner", "drinks", "birthday", "vacation", "holiday trip", "family", "kids", "wedding", "movie", "golf",
    "football", "party", "personal", "gym", "pet", "fishing",
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
# dates and times a note may be prefixed with: 2026-11-20, 11月20日, 11/20, 14:30
_DATE_RE = re.compile(r"\d{2,4}\s*[年/.-]\s*\d{1,2}\s*[月/.-]\s*\d{1,2}\s*[日号]?"
                      r"|\d{1,2}\s*[月/]\s*\d{1,2}\s*[日号]?|\d{1,2}\s*[:：]\s*\d{2}")
_NUMBER_RE = re.compile(r"\d+(?:[.,]\d+)*")


@dataclass(frozen=True)
class FollowupRules:
    """A section's numbers and lists for FU-2; their defaults are
    ``policy.settings``' (``settings.FOLLOWUP_RULES``)."""
    min_cjk_chars: int
    min_words: int
    keywords: tuple
    phrases: tuple
    # (b) facts beyond keywords, phrases and filler: CJK characters or words
    # (a number counts as a word); 0 and 0: off
    min_content_chars: int
    min_content_words: int
    filler: tuple
    # (e) private-life topics
    private_topics: tuple
    # (d) and copies: similarity (percent) from which a note repeats another
    similarity: int


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


@lru_cache(maxsize=256)
def _fold(text):
    # cached: one note is folded by each rule that reads it, and contact
    # names by every note
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


def _alternation(words):
    words = sorted({_fold(w) for w in words if w.strip()}, key=len, reverse=True)
    return re.compile("|".join(map(re.escape, words))) if words else None


def _word_alternation(words):
    """Like ``_alternation``, but words of other scripts match whole words
    only ("re" must not eat the "re" of "reply")."""
    parts = []
    for word in sorted({_fold(w) for w in words if w.strip()}, key=len, reverse=True):
        parts.append(re.escape(word) if _CJK_RE.search(word) else rf"(?<![^\W\d_]){re.escape(word)}(?![^\W\d_])")
    return re.compile("|".join(parts)) if parts else None


class _Compiled:
    __slots__ = ("keyword_re", "phrases", "phrase_chars", "longest", "private_re", "private_words",
                 "cjk_noise_re", "multiword_noise_re", "word_keyword_re", "word_noise")

    def __init__(self, rules):
        self.keyword_re = _alternation(rules.keywords)
        # private topics: CJK ones and phrases by one search, single words
        # of other scripts by a set lookup of the note's words
        topics = {_fold(t).strip() for t in rules.private_topics if t.strip()}
        self.private_words = frozenset(t for t in topics if " " not in t and not _CJK_RE.search(t))
        self.private_re = _word_alternation(topics - self.private_words)
        # What is not a fact (FU-2 b): keywords, meaningless phrases, filler.
        # CJK terms are cut out of the text; in other scripts a word goes
        # when it contains a keyword ("quotation") or is a phrase or filler
        # word, so the text is read once, word by word.
        keywords = {_fold(k).strip() for k in rules.keywords if k.strip()}
        noise = {_fold(w).strip() for w in tuple(rules.phrases) + tuple(rules.filler) if w.strip()}
        cjk = {w for w in keywords | noise if _CJK_RE.search(w)}
        self.cjk_noise_re = _alternation(cjk)
        self.multiword_noise_re = _word_alternation({w for w in (keywords | noise) - cjk if " " in w})
        self.word_keyword_re = _alternation({w for w in keywords - cjk if " " not in w})
        self.word_noise = frozenset(w for w in noise - cjk if " " not in w)
        self.phrases = frozenset(p for p in (_NOT_LETTER_RE.sub("", _fold(p)) for p in rules.phrases) if p)
        self.phrase_chars = frozenset("".join(self.phrases))
        self.longest = max(map(len, self.phrases), default=0)


def _compiled(rules):
    # kept on the (frozen) rules themselves: hashing their word lists for a
    # cache lookup on every note would cost more than judging the note
    comp = rules.__dict__.get("_compiled")
    if comp is None:
        comp = _Compiled(rules)
        object.__setattr__(rules, "_compiled", comp)
    return comp


def only_phrases(text, rules):
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


def has_substance(text, rules, contact_names=()):
    """FU-2 (b), inverted: a contact is named, or a content keyword is there."""
    folded = _fold(text)
    comp = _compiled(rules)
    if comp.keyword_re is not None and comp.keyword_re.search(folded):
        return True
    return any(name and _fold(name) in folded for name in contact_names)


def content_beyond_keywords(text, rules, contact_names=()):
    """FU-2 (b), the stricter half: does the note carry facts of its own
    (what, how many, when, what next) besides content keywords, meaningless
    phrases, filler words and the names of the customer's contacts? Numbers
    count as facts."""
    if not (rules.min_content_chars or rules.min_content_words):
        return True
    comp = _compiled(rules)
    folded = _fold(text)
    for name in contact_names:
        if name and len(name) >= 2:
            folded = folded.replace(_fold(name), " ")
    if comp.cjk_noise_re is not None:
        folded = comp.cjk_noise_re.sub(" ", folded)
    if comp.multiword_noise_re is not None:
        folded = comp.multiword_noise_re.sub(" ", folded)
    cjk = len(_STUTTER_RE.sub(r"\1", "".join(_CJK_RE.findall(folded))))
    need_c, need_w = max(rules.min_content_chars, 1), max(rules.min_content_words, 1)
    if cjk >= need_c:
        return True
    words, previous = 0, None
    for word in _WORD_RE.findall(folded):
        if word in comp.word_noise or (comp.word_keyword_re is not None and comp.word_keyword_re.search(word)):
            continue
        if word != previous:
            words += 1
        previous = word
    numbers = len(_NUMBER_RE.findall(folded))
    return cjk * need_w + (words + numbers) * need_c >= need_c * need_w


def unrelated(text, rules):
    """FU-2 (e), a heuristic: the note is about a private-life topic (a
    dinner, a birthday, family) and names at most one sale keyword. It
    catches "budget for the private dinner"; it cannot tell a business
    dinner where needs were discussed but not written down."""
    comp = _compiled(rules)
    folded = _fold(text)
    if not ((comp.private_re is not None and comp.private_re.search(folded))
            or (comp.private_words and not comp.private_words.isdisjoint(_WORD_RE.findall(folded)))):
        return False
    hits = {m.group(0) for m in comp.keyword_re.finditer(folded)} if comp.keyword_re is not None else set()
    return len(hits) <= 1


def similarity_key(text, names=()):
    """What near-duplicates are compared on (FU-2 d, copies): the folded text
    without dates, times, numbers, the record's contact and customer names,
    punctuation and spacing."""
    folded = _fold(text or "")
    for name in names:
        if name and len(name) >= 2:
            folded = folded.replace(_fold(name), " ")
    folded = _DATE_RE.sub(" ", folded)
    return _NOT_LETTER_RE.sub("", folded)


def nearest(key, candidates, rules):
    """The index in ``candidates`` (similarity keys) of the one ``key`` is
    at least ``rules.similarity`` % similar to (the most similar), or
    ``None``. Very short keys must match exactly: a 90 % share of three
    characters is none."""
    if not key or not candidates:
        return None
    if len(key) < 6:
        return next((i for i, other in enumerate(candidates) if other == key), None)
    found = process.extractOne(key, candidates, scorer=fuzz.ratio, score_cutoff=rules.similarity)
    return found[2] if found else None


def length_window(key, rules):
    """The lengths another key may have and still be ``rules.similarity`` %
    similar to ``key`` (a normalised Levenshtein ratio cannot be higher than
    the two lengths allow): the history query fetches only those."""
    share = rules.similarity / 100
    n = len(key or "")
    return math.floor(n * share / (2 - share)), math.ceil(n * (2 - share) / share)


def copy_window(at, copy_days):
    """The copy window of a follow-up written at ``at``: ``(earliest,
    latest)`` moments of the follow-ups it may copy, or ``None`` (0: off)."""
    return (at - timedelta(days=copy_days), at) if copy_days else None


def in_copy_window(moment, at, copy_days):
    """Is a follow-up written at ``moment`` within that window?"""
    window = copy_window(at, copy_days)
    return bool(window and moment and window[0] <= moment <= window[1])


def find_repeat(key, own, others, at, rules, copy_days):
    """FU-2 (d) and the copy rule on near-duplicates. ``own``: similarity
    keys of the record's earlier follow-ups; ``others``: ``(key, moment)``
    of the author's own follow-ups on other records. Returns
    ``(REPEATED, index in own)``, ``(COPIED, index in others)`` for one of
    the author's within ``copy_days`` (0: off), or ``(None, None)``."""
    if not key:
        return None, None
    found = nearest(key, own, rules)
    if found is not None:
        return REPEATED, found
    window = copy_window(at, copy_days)
    if window is None:
        return None, None
    earliest, latest = window
    recent = [i for i, (_other, when) in enumerate(others) if earliest <= when <= latest]
    found = nearest(key, [others[i][0] for i in recent], rules)
    if found is not None:
        return COPIED, recent[found]
    return None, None


def judge(text, rules, *, contact_named=False, contact_names=(), customer_names=(), earlier=(),
          elsewhere=()):
    """Reason codes that make ``text`` an invalid follow-up; ``()`` when it counts.

    ``contact_named``: the follow-up names its contact (the contact field);
    ``contact_names``: names of the customer's contacts, found in the text;
    ``customer_names``: the customer's own names (no substance, no facts);
    ``earlier``: content keys of earlier follow-ups of the same record;
    ``elsewhere``: content keys of other records' recent follow-ups.
    """
    text = text or ""
    reasons = []
    if not long_enough(*length_score(text), rules):
        reasons.append(TOO_SHORT)
    substance = contact_named or has_substance(text, rules, contact_names)
    if not substance:
        reasons.append(NO_SUBSTANCE)
    meaningless = only_phrases(text, rules)
    # a keyword list long enough to pass (a): padding is not content
    if substance and not meaningless and not reasons and \
            not content_beyond_keywords(text, rules, tuple(contact_names) + tuple(customer_names)):
        reasons.append(KEYWORDS_ONLY)
    if meaningless:
        reasons.append(MEANINGLESS)
    if not meaningless and unrelated(text, rules):
        reasons.append(UNRELATED)
    key = content_key(text)
    if key and key in earlier:
        reasons.append(REPEATED)
    elif key and key in elsewhere:
        reasons.append(COPIED)
    return tuple(reasons)
