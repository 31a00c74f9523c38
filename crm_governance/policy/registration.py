"""Registration rules (录入规范): POLICY ENTRY-1 … ENTRY-4.

Pure functions. The ORM reads a registration's facts, these say which
required ones are missing (ENTRY-1), turn names, phones, e-mails and tax ids
into the normalised keys two registrations of one company share (ENTRY-2),
decide what an existing holder of such a key means for a new registration
(first registered wins), and when a registration's facts are due (ENTRY-4).
"""
import re
import unicodedata
from dataclasses import dataclass
from datetime import timedelta
from email.utils import parseaddr

import phonenumbers
import stdnum
from opencc import OpenCC
from stdnum.cn import uscc
from stdnum.exceptions import ValidationError as StdnumError

# -- ENTRY-1: the facts of a registration ---------------------------------
# code -> what it is, in the users' words (labels are translated in the ORM)
FACTS = ("customer", "contact", "phone", "source", "region", "need", "email", "address", "website")
REQUIRED_DEFAULT = ("customer", "contact", "phone", "source", "region", "need")
COMPLETION_DEFAULT = ("email", "address")


def parse_lines(text):
    """A list edited one entry per line → tuple of distinct stripped
    entries, order kept (commas belong to entries: "Co., Ltd.")."""
    seen = {}
    for line in (text or "").splitlines():
        line = line.strip()
        if line:
            seen.setdefault(line, None)
    return tuple(seen)


def parse_facts(text):
    """``(known, unknown)`` fact codes of a section's list (one per line or
    comma-separated, case and spacing ignored)."""
    codes = [c.strip().lower() for c in re.split(r"[\n,，;；、]+", text or "") if c.strip()]
    known = tuple(dict.fromkeys(c for c in codes if c in FACTS))
    return known, tuple(c for c in codes if c not in FACTS)


def missing_facts(present, required):
    """The codes of ``required`` whose fact is not in ``present`` (a set of
    the codes a registration has), in ``required`` order."""
    return tuple(code for code in required if code not in present)


# -- ENTRY-2: normalised keys ----------------------------------------------
LEGAL_SUFFIXES_DEFAULT = (
    "股份有限公司", "有限责任公司", "有限公司", "集团", "公司", "分公司", "总公司",
    "Co., Ltd.", "Company Limited", "Co. Limited", "Limited", "Ltd.", "Inc.", "Incorporated", "Corp.",
    "Corporation", "LLC", "L.L.C.", "GmbH", "AG", "S.A.", "PLC", "Co.", "Company", "Group",
)
# a branch (分公司) is its head company's registration: the name up to the
# head company's legal form, when it has one before the branch
BRANCH_MARKERS = ("分公司", "分店", "办事处")
_CJK_RE = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
# traditional characters written as simplified (OpenCC's tables): 上海明遠科技
# and 上海明远科技 are one company, typed on two keyboards
_SIMPLIFIED = OpenCC("t2s")


def simplified(text):
    """``text`` with its traditional Chinese characters written simplified."""
    return _SIMPLIFIED.convert(text) if text and _CJK_RE.search(text) else text


def _words(text):
    """Full/half width folded (NFKC), case folded, traditional Chinese
    written simplified, every run of characters that are neither letters
    nor digits (spaces, punctuation, brackets) made one space."""
    text = unicodedata.normalize("NFKC", text or "").casefold()
    text = simplified(text)
    out = [ch if unicodedata.category(ch)[0] in "LN" else " " for ch in text]
    return " ".join("".join(out).split())


def _suffix_forms(suffixes):
    """The suffixes as ``_words`` forms, longest first."""
    return sorted({w for w in (_words(s) for s in suffixes) if w}, key=len, reverse=True)


def name_key(name, suffixes=LEGAL_SUFFIXES_DEFAULT):
    """The key of a registered business name (工商注册名称): width, case,
    spacing, punctuation and brackets ignored, legal forms stripped from the
    end (repeatedly: 集团有限公司), a branch cut back to its head company.
    ``None`` when nothing is left (a name made only of legal forms or
    punctuation)."""
    text = _words(name)
    forms = _suffix_forms(suffixes)
    for marker in BRANCH_MARKERS:
        at = text.find(marker)
        if at > 0:
            head = text[:at]
            # the head company's legal form right before the branch's place name
            cut = max((head.rfind(f) + len(f) for f in forms if _CJK_RE.search(f) and f in head), default=-1)
            if cut > 0:
                text = head[:cut]
            break
    changed = True
    while changed and text:
        changed = False
        for form in forms:
            if not text.endswith(form):
                continue
            rest = text[: -len(form)]
            # a Latin form is a whole word ("Zinc" keeps its "inc")
            if _CJK_RE.search(form) or not rest or rest.endswith(" "):
                text, changed = rest.rstrip(), True
                break
    key = text.replace(" ", "")
    return key or None


def phone_key(number, region=None):
    """E.164 form of a phone number (+8613800138000), in ``region`` (ISO
    country code) when it has no country prefix; ``None`` when it is not a
    possible phone number."""
    if not number or not re.search(r"\d", number):
        return None
    try:
        parsed = phonenumbers.parse(number, (region or "CN").upper())
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(parsed):
        return None
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


_EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s.]+(\.[^@\s.]+)+$")


def email_key(email):
    """The e-mail address, trimmed and lower-cased, the display name left
    out; ``None`` when it is not an address with a domain."""
    address = parseaddr((email or "").strip())[1].strip().lower()
    return address if _EMAIL_RE.match(address) else None


def tax_key(vat, country=None):
    """``(key, valid)`` of a tax id: a Chinese unified social credit code
    (统一社会信用代码) checked with its check digit, another country's VAT
    number through that country's python-stdnum module (its prefix or
    ``country``). Unknown formats keep their letters and digits as the key
    (valid, since no rule can say otherwise); ``(None, False)`` for a
    number its country's check refuses, ``(None, True)`` when empty."""
    raw = (vat or "").strip()
    if not raw:
        return None, True
    compact = re.sub(r"[^0-9A-Za-z]", "", unicodedata.normalize("NFKC", raw)).upper()
    if not compact:
        return None, False
    country = (country or "").lower()
    prefix = compact[:2].lower()
    # a VAT number's own country prefix first (DE…, BE…), then the country
    module = stdnum.get_cc_module(prefix, "vat") if prefix.isalpha() and prefix != "cn" else None
    if module:
        country = prefix
    elif len(country) == 2 and country != "cn":
        module = stdnum.get_cc_module(country, "vat")
    if not module and (country == "cn" or len(compact) == 18):
        # a unified social credit code: 18 characters, the last a check digit
        try:
            return "CN" + uscc.validate(compact), True
        except StdnumError:
            return None, False
    if not module:
        return compact, True
    try:
        number = module.compact(compact)
        module.validate(number)
    except StdnumError:
        return None, False
    number = number.upper()
    return (number if number[:2].lower() == country else country.upper() + number), True


@dataclass(frozen=True)
class Keys:
    name: str = None
    phone: str = None
    email: str = None
    tax: str = None
    mobile: str = None  # a second phone: matched as a phone, both ways

    def items(self):
        """``(kind, key)`` of the keys that are set; a mobile is a phone."""
        pairs = [(kind, getattr(self, kind)) for kind in KINDS]
        pairs.append(("phone", self.mobile))
        return tuple(dict.fromkeys((kind, key) for kind, key in pairs if key))


# what is compared (KINDS), and what is stored (COLUMNS: a mobile has its own)
KINDS = ("name", "phone", "email", "tax")
COLUMNS = ("name", "phone", "mobile", "email", "tax")
KIND_OF_COLUMN = {"name": "name", "phone": "phone", "mobile": "phone", "email": "email", "tax": "tax"}


def keys(name=None, phone=None, email=None, vat=None, region=None, suffixes=LEGAL_SUFFIXES_DEFAULT, mobile=None):
    """The :class:`Keys` of one registration; a fact that gives no key
    (garbage) gives none (see ``bad_input``)."""
    return Keys(name_key(name, suffixes) if name else None, phone_key(phone, region),
                email_key(email), tax_key(vat, region)[0], phone_key(mobile, region))


# why a registration's own input is refused
BAD_NAME = "bad_name"
BAD_PHONE = "bad_phone"
BAD_EMAIL = "bad_email"
BAD_TAX = "bad_tax"


def bad_input(name=None, phone=None, email=None, vat=None, region=None, suffixes=LEGAL_SUFFIXES_DEFAULT,
              mobile=None):
    """The facts given that cannot be what they claim to be: a name made
    only of legal forms or punctuation, a phone that is no possible number,
    an e-mail without a domain, a tax id its check digit refuses."""
    found = []
    if name and name.strip() and not name_key(name, suffixes):
        found.append(BAD_NAME)
    if any(number and number.strip() and not phone_key(number, region) for number in (phone, mobile)):
        found.append(BAD_PHONE)
    if email and email.strip() and not email_key(email):
        found.append(BAD_EMAIL)
    if vat and vat.strip() and not tax_key(vat, region)[1]:
        found.append(BAD_TAX)
    return found


# -- ENTRY-2: what a holder of the same key means -----------------------------
PROTECTED = "protected"  # owned and protected, or waiting for approval
POOL = "pool"
FREE = "free"  # no protection: ungoverned, archived, rejected
DELETED = "deleted"  # deleted by an admin: its keys stay held until an admin frees them (SEC-2)


@dataclass(frozen=True)
class Holder:
    """An existing record sharing a key with a registration."""
    model: str
    id: int
    owner_id: int
    section_id: int
    state: str  # PROTECTED, POOL or FREE
    since: object  # registered (protected) since
    kinds: tuple = ()  # the keys it shares
    until: object = None  # protected until (its release or pool date)


def holders_of(keys, holders, record=None, moving=()):
    """The distinct :class:`Holder` of any key of ``keys``, from ``holders``
    (``(kind, key) -> [Holder]``), the registration's own ``record``
    (``(model, id)``) left out, and the records ``moving`` to the same new
    owner with it (a customer account and its opportunities, together)."""
    found = {(h.model, h.id): h for kind, key in keys.items() for h in holders.get((kind, key), ())}
    found.pop(record, None)
    for ref in moving:
        found.pop(ref, None)
    return list(found.values())


def holder_state(active, protection_state, registration_state, owner_id, won=False):
    """PROTECTED, POOL or FREE for a record's stored facts. A won deal is the
    customer's history, not a hold on it: the customer account (and its open
    opportunities) hold the customer."""
    if not active or won:
        return FREE
    if protection_state in ("protected", "warning"):
        return PROTECTED
    if registration_state == "pending" and owner_id:
        return PROTECTED
    if protection_state == "pooled":
        return POOL
    return FREE


# the verdicts, worst first
TAKEN_SAME_SECTION = "taken_same_section"
TAKEN_OTHER_SECTION = "taken_other_section"
HELD_DELETED = "held_deleted"
IN_POOL = "in_pool"
OWN = "own"
CLEAR = "clear"


@dataclass(frozen=True)
class Verdict:
    kind: str
    holder: Holder = None

    @property
    def refused(self):
        return self.kind in (TAKEN_SAME_SECTION, TAKEN_OTHER_SECTION, HELD_DELETED, IN_POOL)


def collision(owner_id, section_id, holders):
    """First registered wins (ENTRY-2, PROT-1): what ``holders`` mean for a
    registration by ``owner_id`` (may be None: unowned) in ``section_id``.

    Another owner's protected record (or one waiting for approval) refuses
    it; in the same section the answer names that owner and since when,
    across sections only that it is taken. A pooled record of the same
    section refuses it with an offer to claim it (a new registration would
    go round the claim rules). One's own record is no collision: the form
    offers to open it. A deleted registration keeps its keys until a
    section admin frees them, whoever registers again (SEC-2). Free records
    and other sections' pools are free."""
    first = lambda found: min(found, key=lambda h: (h.since is None, h.since or 0, h.id))  # noqa: E731
    taken = [h for h in holders if h.state == PROTECTED and h.owner_id != owner_id]
    if taken:
        same = [h for h in taken if h.section_id == section_id]
        if same:
            return Verdict(TAKEN_SAME_SECTION, first(same))
        return Verdict(TAKEN_OTHER_SECTION, first(taken))
    deleted = [h for h in holders if h.state == DELETED]
    if deleted:
        same = [h for h in deleted if h.section_id == section_id]
        return Verdict(HELD_DELETED, first(same)) if same else Verdict(TAKEN_OTHER_SECTION, first(deleted))
    pooled = [h for h in holders if h.state == POOL and h.section_id == section_id]
    if pooled:
        return Verdict(IN_POOL, min(pooled, key=lambda h: h.id))
    own = [h for h in holders if h.state == PROTECTED and owner_id and h.owner_id == owner_id]
    if own:
        return Verdict(OWN, min(own, key=lambda h: h.id))
    return Verdict(CLEAR)


def survivor(records):
    """Of duplicates merged (SEC-2 客户合并): the earliest registration whose
    protection is live, else the earliest; ``records`` are ``(id,
    registered_at, live)`` tuples. Protection goes to the first registered."""
    live = [r for r in records if r[2]]
    return min(live or records, key=lambda r: (r[1], r[0]))[0]


# -- ENTRY-4: completion ---------------------------------------------------
def completion_dates(registered_at, due_days, limit_days):
    """``(due, limit)``: the facts are due ``due_days`` after registration,
    the registration is late (flagged for the section admins) after
    ``limit_days``."""
    return registered_at + timedelta(days=due_days), registered_at + timedelta(days=limit_days)
