"""Redaction of text before it is published (IMD-8, PUB-MASK). Pure Python: no Django, no database.

The text is normalised before anything is detected (NFKC, Chinese numerals, separators between digit groups — see
:mod:`lawtrace.disclosure.normalise`), and every finding masks the stretch of the *original* text it came from.
What is found and masked:

* 身份证号, mobile and landline numbers, bank card numbers, however they are spelled (``138.4790.0002``,
  ``(138)47900002``, ``１３８４７９０００２``, ``一三八四七九〇〇〇〇二``, ``152502 19800315 0014``, a card in
  groups 4-4-4-4-3); a number whose check digit fails but which is still plausible is masked too (the choice is
  explained in ``normalise``);
* e-mail addresses, ``＠`` and full-width letters included;
* names of natural persons known to the case (parties, representatives, witnesses, interviewees, relatives,
  complainants, persons named in record fields), replaced as 张某 / 张某某 (a two-character name keeps one 某,
  longer names two); the party's own name may be shown in full when the rulebook says so (PUB-MASK
  ``natural_person_name``); and name-like mentions nobody recorded — a surname and a given name after a word that
  introduces a person (证人、其子、代理人…) — unless the name is an officer's (published on purpose, IMD-4);
* addresses below county level: the address is kept up to its county-level unit (县、区、旗、县级市) and the rest is
  replaced; the case's known addresses are cut the same way wherever they appear;
* manual redactions: spans of the original text, or terms, chosen by the reviewer.

Kept on purpose (DESIGN § Disclosure): legal persons' names and 统一社会信用代码. A string that is *both* a valid
ID number and a valid credit code is masked — a leaked ID number cannot be taken back, a masked credit code can be
re-published after review.

Not masked but *flagged*: long digit runs that are no recognisable number (``suspect``). The publisher masks them
(a manual term) or keeps them; an item is not published while a flagged finding is undecided. The publisher may
also keep a finding of a :data:`KEEPABLE` kind (the bureau's own hotline, a word the name detector mistook); never
an ID number, a card, a mobile or a name the case knows.

:func:`redact` returns the redacted text and the spans (positions in the original and in the redacted text, and the
kind), so that the reviewer sees a highlighted preview. Spans carry no original values: they may be stored.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from lawtrace.disclosure.normalise import SEPARATORS, find_numbers, known_digits, luhn_ok, normalise

__all__ = ["Person", "Redacted", "Span", "SpanKind", "address_cut", "luhn_ok", "masked_name", "redact"]

# Raised whenever a detector changes what it finds: published items are scanned again (services.rescan_published).
RULES_VERSION = 2


class SpanKind(StrEnum):
    ID_NUMBER = "id_number"
    MOBILE = "mobile"
    LANDLINE = "landline"
    BANK_CARD = "bank_card"
    EMAIL = "email"
    NAME = "name"
    NAME_LIKE = "name_like"
    ADDRESS = "address"
    MANUAL = "manual"
    SUSPECT = "suspect"


SPAN_LABELS: dict[SpanKind, str] = {
    SpanKind.ID_NUMBER: "身份证号",
    SpanKind.MOBILE: "手机号码",
    SpanKind.LANDLINE: "固定电话",
    SpanKind.BANK_CARD: "银行卡号",
    SpanKind.EMAIL: "电子邮箱",
    SpanKind.NAME: "自然人姓名",
    SpanKind.NAME_LIKE: "疑似自然人姓名",
    SpanKind.ADDRESS: "详细地址",
    SpanKind.MANUAL: "人工遮蔽",
    SpanKind.SUSPECT: "疑似个人号码（待确认）",
}

# What replaces a span of each kind (names and addresses are computed; a suspect is not replaced).
_REPLACEMENTS: dict[SpanKind, str] = {
    SpanKind.ID_NUMBER: "［身份证号已隐去］",
    SpanKind.MOBILE: "［电话已隐去］",
    SpanKind.LANDLINE: "［电话已隐去］",
    SpanKind.BANK_CARD: "［银行账号已隐去］",
    SpanKind.EMAIL: "［邮箱已隐去］",
    SpanKind.ADDRESS: "（详细地址已隐去）",
    SpanKind.MANUAL: "［已遮蔽］",
}

# When two findings overlap, the more sensitive wins; then the longer one.
_PRIORITY: dict[SpanKind, int] = {
    SpanKind.MANUAL: 0,
    SpanKind.ID_NUMBER: 1,
    SpanKind.BANK_CARD: 2,
    SpanKind.MOBILE: 3,
    SpanKind.LANDLINE: 4,
    SpanKind.EMAIL: 5,
    SpanKind.ADDRESS: 6,
    SpanKind.NAME: 7,
    SpanKind.NAME_LIKE: 8,
}

# Findings the publisher may keep (an explicit, recorded decision): see the module docstring.
KEEPABLE = frozenset({SpanKind.LANDLINE, SpanKind.EMAIL, SpanKind.NAME_LIKE, SpanKind.SUSPECT})


class NameDisplay(StrEnum):
    """How the party's own name appears (PUB-MASK ``natural_person_name``)."""

    KEEP_SURNAME = "keep_surname"  # 张某 / 张某某
    FULL = "full"  # the full name


@dataclass(frozen=True)
class Person:
    """A natural person known to the case. ``is_party``: the party itself (its display follows the rulebook)."""

    name: str
    is_party: bool = False


@dataclass(frozen=True)
class Span:
    """One masked (or flagged) stretch: ``start``/``end`` in the original text, ``out_start``/``out_end`` in the
    redacted text."""

    start: int
    end: int
    kind: SpanKind
    out_start: int = 0
    out_end: int = 0

    @property
    def label(self) -> str:
        return SPAN_LABELS[self.kind]

    @property
    def flagged(self) -> bool:
        return self.kind is SpanKind.SUSPECT

    def to_dict(self) -> dict[str, object]:
        return {
            "start": self.start,
            "end": self.end,
            "kind": self.kind.value,
            "out_start": self.out_start,
            "out_end": self.out_end,
        }


@dataclass(frozen=True)
class Redacted:
    text: str
    spans: tuple[Span, ...] = field(default_factory=tuple)  # masked and flagged, in order

    @property
    def flagged(self) -> tuple[Span, ...]:
        """Findings left in the text for the publisher to decide (mask or keep)."""
        return tuple(s for s in self.spans if s.flagged)

    def segments(self) -> list[tuple[str, Span | None]]:
        """The redacted text cut into plain and masked pieces, for a highlighted preview."""
        pieces: list[tuple[str, Span | None]] = []
        position = 0
        for span in self.spans:
            if span.out_start > position:
                pieces.append((self.text[position : span.out_start], None))
            pieces.append((self.text[span.out_start : span.out_end], span))
            position = span.out_end
        if position < len(self.text):
            pieces.append((self.text[position:], None))
        return pieces


# -- detectors -----------------------------------------------------------------------------------------------------

# RFC 5322 "atext" in the local part: a published address is masked whatever odd characters it uses. Run on the
# normalised text, so that ``＠`` and full-width letters are found too.
_EMAIL_RE = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")

# Addresses: a stretch of address characters holding a county-level unit followed by a detail below it.
_ADDRESS_CHARS = r"[\u4e00-\u9fff0-9A-Za-z\-－#（）()]"
_ADDRESS_RUN_RE = re.compile(_ADDRESS_CHARS + r"{4,80}")
_COUNTY_UNIT_RE = re.compile(r"(?:自治县|自治旗|县|区|旗|市)")
_DETAIL_RE = re.compile(
    r"(?:大街|街道|路|街|巷|弄|胡同|嘎查|村|社区|小区|花园|公寓|大厦|新村|家园)"
    r"|(?:[0-9０-９一二三四五六七八九十百某]+(?:号楼|号院|号|栋|幢|单元|室|层|楼))"
)

# Common two-character surnames (复姓); every other name's surname is its first character.
_COMPOUND_SURNAMES = frozenset(
    "欧阳 司马 诸葛 上官 东方 皇甫 尉迟 公孙 慕容 长孙 宇文 司徒 夏侯 轩辕 令狐 独孤 南宫 西门 端木 呼延".split()
)
# The detector of name-like mentions: a word that introduces a person (证人、其妻、代理人…) followed by a common
# surname and one or two more characters. Cheap, and only where a name is expected: names the case knows are
# masked wherever they appear; this catches the ones nobody recorded (the party's child named in the facts).
_COMMON_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
    "姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康"
    "施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成"
    "苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫"
    "费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩佘池查麻苑迟邝"
)
_PERSON_INTRODUCERS = (
    "同住成年家属 委托代理人 法定代表人 被询问人 被检查人 见证人 签收人 代理人 投诉人 举报人 申请人 证人 亲属 家属"
    " 配偶 妻子 丈夫 儿子 女儿 父亲 母亲 其妻 其夫 其子 其女 其父 其母 之妻 之夫 之子 之女 之父 之母 患者 参保人"
).split()
# Characters that end a name early: 其子李明知情 → 李明, not 李明知.
_NOT_IN_NAMES = frozenset(
    "的之在于等和与及系为是称到也均已未并签知陈作出向将对从因被把曾又还都就所以了着过说共自同来去处某"
)
_NAME_LIKE_RE = re.compile(
    "(?:"
    + "|".join(sorted(_PERSON_INTRODUCERS, key=len, reverse=True))
    + ")[：:（(]?((?:"
    + "|".join(sorted(_COMPOUND_SURNAMES))
    + "|["
    + _COMMON_SURNAMES
    + "])[\u4e00-\u9fff]{1,2})"
)


def masked_name(name: str) -> str:
    """张伟 → 张某, 张小伟 → 张某某, 欧阳娜娜 → 欧阳某某: surname kept, one 某 for a one-character given name."""
    name = name.strip()
    surname = name[:2] if len(name) > 2 and name[:2] in _COMPOUND_SURNAMES else name[:1]
    given = len(name) - len(surname)
    return surname + ("某" if given <= 1 else "某某")


def address_cut(address: str) -> int | None:
    """Where an address stops being public: just after its last county-level unit before the first detail below it.

    ``None`` when the text holds no such detail (nothing to cut). 0 when there is a detail but no county-level unit
    before it (the whole address is below county level, or cannot be placed: all of it is hidden).
    """
    detail = _DETAIL_RE.search(address)
    if detail is None:
        return None
    cut = 0
    for unit in _COUNTY_UNIT_RE.finditer(address, 0, detail.start()):
        cut = unit.end()
    return cut


def _find_addresses(text: str) -> Iterable[tuple[int, int]]:
    for run in _ADDRESS_RUN_RE.finditer(text):
        segment = run.group()
        cut = address_cut(segment)
        if not cut:  # no detail, or no county-level unit in front of it: not recognisably an address
            continue
        end = cut
        for detail in _DETAIL_RE.finditer(segment, cut):
            end = detail.end()
        # Numbers and building words right after the last detail belong to it (12号院3栋 → all of it).
        tail = re.match(
            r"[0-9０-９\-－#A-Za-z一二三四五六七八九十]*(?:号楼|号院|号|栋|幢|单元|室|层|楼)?", segment[end:]
        )
        if tail:
            end += tail.end()
        if end > cut:
            yield run.start() + cut, run.start() + end


def _literal(text: str, needle: str) -> Iterable[tuple[int, int]]:
    if not needle:
        return
    start = text.find(needle)
    while start != -1:
        yield start, start + len(needle)
        start = text.find(needle, start + len(needle))


def keep_key(value: str) -> str:
    """How a kept value is compared: normalised, without separators (``0479-8234567`` keeps ``0479 8234567``)."""
    return "".join(c for c in normalise(value.strip()).text if c not in SEPARATORS)


def _find_name_like(text: str, public_names: frozenset[str]) -> Iterable[tuple[int, int, str]]:
    for m in _NAME_LIKE_RE.finditer(text):
        name = m.group(1)
        surname = len(name) - 1 if name[:2] in _COMPOUND_SURNAMES else 1
        given = name[surname:]
        if given[0] in _NOT_IN_NAMES:
            continue
        if len(given) > 1 and given[1] in _NOT_IN_NAMES:
            name = name[: surname + 1]
        if name in public_names or any(p.startswith(name) for p in public_names if len(p) > len(name)):
            continue
        if any(name.startswith(p) for p in public_names):
            continue
        yield m.start(1), m.start(1) + len(name), name


@dataclass(frozen=True)
class _Candidate:
    start: int
    end: int
    kind: SpanKind
    replacement: str


def _candidates(
    text: str,
    people: Sequence[Person],
    addresses: Sequence[str],
    party_name: NameDisplay,
    manual: Sequence[tuple[int, int]],
    terms: Sequence[str],
    known: Sequence[tuple[str, SpanKind]],
    public_names: frozenset[str],
) -> list[_Candidate]:
    found: list[_Candidate] = []

    def add(spans: Iterable[tuple[int, int]], kind: SpanKind, replacement: str | None = None) -> None:
        for start, end in spans:
            if end > start:
                found.append(_Candidate(start, end, kind, replacement or _REPLACEMENTS.get(kind, "")))

    norm = normalise(text)
    # Values the case holds (a party's phone as typed, an ID with a wrong check digit) are masked in any spelling.
    known_numbers = {d: kind.value for value, kind in known if len(d := known_digits(value)) >= 5}
    for number in find_numbers(norm, known_numbers):
        add([(number.start, number.end)], SpanKind(number.kind))
    add((norm.original_span(*m.span()) for m in _EMAIL_RE.finditer(norm.text)), SpanKind.EMAIL)
    add(_find_addresses(text), SpanKind.ADDRESS)
    for address in addresses:
        address = address.strip()
        cut = address_cut(address)
        if cut is None:
            cut = 0 if len(address) >= 2 else len(address)
        if cut < len(address):
            add(((s + cut, e) for s, e in _literal(text, address)), SpanKind.ADDRESS)
    # Longer names first, so that 张小伟 is not cut into 张小 + 伟 by a person called 张小.
    for person in sorted(people, key=lambda p: -len(p.name.strip())):
        name = person.name.strip()
        if len(name) < 2 or (person.is_party and party_name is NameDisplay.FULL):
            continue
        add(_literal(text, name), SpanKind.NAME, masked_name(name))
    for start, end, name in _find_name_like(text, public_names):
        add([(start, end)], SpanKind.NAME_LIKE, masked_name(name))
    for value, kind in known:
        if len(value.strip()) >= 5:
            add(_literal(text, value.strip()), kind)
    n = len(text)
    add(((max(0, s), min(n, e)) for s, e in manual), SpanKind.MANUAL)
    for term in terms:
        term = term.strip()
        add(_literal(text, term), SpanKind.MANUAL)
        folded = normalise(term).text
        if folded != term:
            add((norm.original_span(*span) for span in _literal(norm.text, folded)), SpanKind.MANUAL)
    return found


def _choose(candidates: list[_Candidate]) -> list[_Candidate]:
    """Non-overlapping spans: the more sensitive kind first, then the longer; overlapping manual spans merge.
    A flagged (suspect) finding stays only where nothing masked overlaps it."""
    chosen: list[_Candidate] = []
    masked = [c for c in candidates if c.kind is not SpanKind.SUSPECT]
    for c in sorted(masked, key=lambda c: (_PRIORITY[c.kind], -(c.end - c.start), c.start)):
        overlapping = [o for o in chosen if o.start < c.end and c.start < o.end]
        if not overlapping:
            chosen.append(c)
        elif all(o.kind is SpanKind.MANUAL for o in overlapping) and c.kind is SpanKind.MANUAL:
            for o in overlapping:
                chosen.remove(o)
            start = min(c.start, *(o.start for o in overlapping))
            end = max(c.end, *(o.end for o in overlapping))
            chosen.append(_Candidate(start, end, SpanKind.MANUAL, _REPLACEMENTS[SpanKind.MANUAL]))
        elif c.kind not in (SpanKind.NAME, SpanKind.NAME_LIKE) and all(
            c.start <= o.start and o.end <= c.end for o in overlapping
        ):
            # A number or address that contains a weaker finding (a name inside an address) takes it over.
            for o in overlapping:
                chosen.remove(o)
            chosen.append(c)
    for c in candidates:
        if c.kind is SpanKind.SUSPECT and not any(o.start < c.end and c.start < o.end for o in chosen):
            chosen.append(c)
    return sorted(chosen, key=lambda c: c.start)


def redact(
    text: str,
    *,
    people: Sequence[Person] = (),
    addresses: Sequence[str] = (),
    party_name: NameDisplay | str = NameDisplay.KEEP_SURNAME,
    manual: Sequence[tuple[int, int]] = (),
    terms: Sequence[str] = (),
    known: Sequence[tuple[str, SpanKind]] = (),
    kept: Sequence[str] = (),
    public_names: Sequence[str] = (),
) -> Redacted:
    """Mask what must not be published (see the module docstring) and say where (for the reviewer's preview).

    ``kept``: values the publisher decided to publish; a finding of a :data:`KEEPABLE` kind equal to one of them is
    left alone. ``public_names``: officers' names, which the name detector leaves alone."""
    candidates = _candidates(
        text, people, addresses, NameDisplay(party_name), manual, terms, known, frozenset(public_names)
    )
    keys = {keep_key(k) for k in kept if k.strip()}
    if keys:
        candidates = [c for c in candidates if not (c.kind in KEEPABLE and keep_key(text[c.start : c.end]) in keys)]
    chosen = _choose(candidates)
    out: list[str] = []
    spans: list[Span] = []
    position = 0
    length = 0
    for c in chosen:
        out.append(text[position : c.start])
        length += c.start - position
        piece = text[c.start : c.end] if c.kind is SpanKind.SUSPECT else c.replacement
        out.append(piece)
        spans.append(Span(c.start, c.end, c.kind, length, length + len(piece)))
        length += len(piece)
        position = c.end
    out.append(text[position:])
    return Redacted("".join(out), tuple(spans))
