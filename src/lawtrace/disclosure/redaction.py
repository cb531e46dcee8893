"""Redaction of text before it is published (IMD-8, PUB-MASK). Pure Python: no Django, no database.

What is found and masked:

* 身份证号 — 18 characters whose birth date and GB 11643 check digit are valid (a random digit string that fails the
  check is left alone: it is not an ID number, and masking every number would hide 文号 and amounts);
* mobile numbers (``1[3-9]`` + 9 digits, ``+86`` and separators allowed) and landline numbers (area code ``0xx(x)``
  + 7–8 digits, with or without a hyphen or brackets);
* bank card numbers — 16 to 19 digits (groups of four allowed) passing the Luhn check;
* e-mail addresses;
* names of natural persons known to the case (parties, witnesses, relatives, complainants), replaced as 张某 / 张某某
  (a two-character name keeps one 某, longer names two); the party's own name may be shown in full when the rulebook
  says so (PUB-MASK ``natural_person_name``);
* addresses below county level: the address is kept up to its county-level unit (县、区、旗、县级市) and the rest is
  replaced; the case's known addresses are cut the same way wherever they appear;
* manual redactions: spans of the original text, or terms, chosen by the reviewer.

Kept on purpose (DESIGN § Disclosure): legal persons' names and 统一社会信用代码. A string that is *both* a valid
ID number and a valid credit code is masked — a leaked ID number cannot be taken back, a masked credit code can be
re-published after review.

:func:`redact` returns the redacted text and the spans (positions in the original and in the redacted text, and the
kind), so that the reviewer sees a highlighted preview. Spans carry no original values: they may be stored.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from lawtrace.identifiers import is_valid_id_number


class SpanKind(StrEnum):
    ID_NUMBER = "id_number"
    MOBILE = "mobile"
    LANDLINE = "landline"
    BANK_CARD = "bank_card"
    EMAIL = "email"
    NAME = "name"
    ADDRESS = "address"
    MANUAL = "manual"


SPAN_LABELS: dict[SpanKind, str] = {
    SpanKind.ID_NUMBER: "身份证号",
    SpanKind.MOBILE: "手机号码",
    SpanKind.LANDLINE: "固定电话",
    SpanKind.BANK_CARD: "银行卡号",
    SpanKind.EMAIL: "电子邮箱",
    SpanKind.NAME: "自然人姓名",
    SpanKind.ADDRESS: "详细地址",
    SpanKind.MANUAL: "人工遮蔽",
}

# What replaces a span of each kind (names and addresses are computed).
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
}


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
    """One masked stretch: ``start``/``end`` in the original text, ``out_start``/``out_end`` in the redacted text."""

    start: int
    end: int
    kind: SpanKind
    out_start: int = 0
    out_end: int = 0

    @property
    def label(self) -> str:
        return SPAN_LABELS[self.kind]

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
    spans: tuple[Span, ...] = field(default_factory=tuple)

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

_NOT_ALNUM_BEFORE = r"(?<![0-9A-Za-z])"
_NOT_ALNUM_AFTER = r"(?![0-9A-Za-z])"
_ID_RE = re.compile(_NOT_ALNUM_BEFORE + r"\d{17}[\dXx]" + _NOT_ALNUM_AFTER)
_MOBILE_RE = re.compile(
    r"(?<![0-9A-Za-z+])(?:\+?86[ -]?)?1[3-9]\d(?:[ -]?\d{4}){2}" + _NOT_ALNUM_AFTER,
)
_LANDLINE_RE = re.compile(
    r"(?<![0-9A-Za-z])(?:[(（]0\d{2,3}[)）][ -]?|0\d{2,3}[ -]?)[2-9]\d{6,7}(?:[-转]\d{1,5})?" + _NOT_ALNUM_AFTER
)
_CARD_RE = re.compile(_NOT_ALNUM_BEFORE + r"\d{4}(?:[ -]?\d{4}){2}[ -]?\d{4,7}" + _NOT_ALNUM_AFTER)
# RFC 5322 "atext" in the local part: a published address is masked whatever odd characters it uses.
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


def luhn_ok(digits: str) -> bool:
    """The Luhn (mod 10) check used by bank card numbers."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def masked_name(name: str) -> str:
    """张伟 → 张某, 张小伟 → 张某某, 欧阳娜娜 → 欧阳某某: surname kept, one 某 for a one-character given name."""
    name = name.strip()
    surname = name[:2] if len(name) > 2 and name[:2] in _COMPOUND_SURNAMES else name[:1]
    given = len(name) - len(surname)
    return surname + ("某" if given <= 1 else "某某")


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def _find_id_numbers(text: str) -> Iterable[tuple[int, int]]:
    for m in _ID_RE.finditer(text):
        if is_valid_id_number(m.group()):
            yield m.span()


def _find_cards(text: str) -> Iterable[tuple[int, int]]:
    for m in _CARD_RE.finditer(text):
        digits = _digits(m.group())
        if 16 <= len(digits) <= 19 and luhn_ok(digits):
            yield m.span()


def _find(regex: re.Pattern[str], text: str) -> Iterable[tuple[int, int]]:
    return (m.span() for m in regex.finditer(text))


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
) -> list[_Candidate]:
    found: list[_Candidate] = []

    def add(spans: Iterable[tuple[int, int]], kind: SpanKind, replacement: str | None = None) -> None:
        for start, end in spans:
            if end > start:
                found.append(_Candidate(start, end, kind, replacement or _REPLACEMENTS[kind]))

    add(_find_id_numbers(text), SpanKind.ID_NUMBER)
    add(_find_cards(text), SpanKind.BANK_CARD)
    add(_find(_MOBILE_RE, text), SpanKind.MOBILE)
    add(_find(_LANDLINE_RE, text), SpanKind.LANDLINE)
    add(_find(_EMAIL_RE, text), SpanKind.EMAIL)
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
    # Values the case holds (a party's phone as typed, an odd ID format) are masked wherever they appear verbatim.
    for value, kind in known:
        if len(value.strip()) >= 5:
            add(_literal(text, value.strip()), kind)
    n = len(text)
    add(((max(0, s), min(n, e)) for s, e in manual), SpanKind.MANUAL)
    for term in terms:
        add(_literal(text, term.strip()), SpanKind.MANUAL)
    return found


def _choose(candidates: list[_Candidate]) -> list[_Candidate]:
    """Non-overlapping spans: the more sensitive kind first, then the longer; overlapping manual spans merge."""
    chosen: list[_Candidate] = []
    for c in sorted(candidates, key=lambda c: (_PRIORITY[c.kind], -(c.end - c.start), c.start)):
        overlapping = [o for o in chosen if o.start < c.end and c.start < o.end]
        if not overlapping:
            chosen.append(c)
        elif all(o.kind is SpanKind.MANUAL for o in overlapping) and c.kind is SpanKind.MANUAL:
            for o in overlapping:
                chosen.remove(o)
            start = min(c.start, *(o.start for o in overlapping))
            end = max(c.end, *(o.end for o in overlapping))
            chosen.append(_Candidate(start, end, SpanKind.MANUAL, _REPLACEMENTS[SpanKind.MANUAL]))
        elif c.kind is not SpanKind.NAME and all(c.start <= o.start and o.end <= c.end for o in overlapping):
            # A number or address that contains a weaker finding (a name inside an address) takes it over.
            for o in overlapping:
                chosen.remove(o)
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
) -> Redacted:
    """Mask what must not be published (see the module docstring) and say where (for the reviewer's preview)."""
    chosen = _choose(_candidates(text, people, addresses, NameDisplay(party_name), manual, terms, known))
    out: list[str] = []
    spans: list[Span] = []
    position = 0
    length = 0
    for c in chosen:
        out.append(text[position : c.start])
        length += c.start - position
        out.append(c.replacement)
        spans.append(Span(c.start, c.end, c.kind, length, length + len(c.replacement)))
        length += len(c.replacement)
        position = c.end
    out.append(text[position:])
    return Redacted("".join(out), tuple(spans))
