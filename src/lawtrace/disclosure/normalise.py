"""Personal numbers however they are spelled: the text is normalised first, the numbers are found in the normalised
text, and every finding is mapped back to the stretch of the *original* text it came from (IMD-8, PUB-MASK).

Normalisation, position by position:

* NFKC — full-width digits and letters become half-width (``１３８`` → ``138``, ``＠`` → ``@``, ``（`` → ``(``);
* Chinese numerals read digit by digit (〇零一幺二…九, 壹贰叁…玖) become digits, but only inside a number-like
  stretch (at least seven digits and numerals, separators allowed) — ``第一条`` stays text;
* separators between digit groups (spaces, dots, dashes, slashes, brackets, after NFKC their full-width forms too)
  are not removed but read as group boundaries: a number is any run of *consecutive whole groups* whose digits
  classify, so ``138.4790.0002``, ``(138)47900002``, ``152502 19800315 0014`` and ``6222 0202 0011 2233 446`` are
  found, while two phones separated by a space stay two phones.

How a digit string classifies (what is masked):

* 18 characters (the last may be X) — 身份证号 when its GB 11643 check digit is valid, *and also* when the check
  fails but its province code and birth date are plausible: a mistyped ID number is still someone's ID number, and
  masking a plausible number costs less than leaking it. 15 digits with a province code and a valid YYMMDD birth
  date: an old 15-digit ID number;
* 16–19 digits — a bank card when the Luhn check passes, or when written in groups of four (4-4-4-4, 4-4-4-4-3:
  the way cards are printed) whatever the check says;
* 11 digits ``1[3-9]…`` (with ``86`` / ``0086`` in front, or not) — a mobile number;
* ``0`` + area code + 7–8 digits — a landline;
* digits the case knows (a party's ID number or phone as recorded) — whatever their shape.

Random digit strings that fail these checks (an 18-digit 单号 with an impossible date, 16 digits failing Luhn and not
grouped like a card) are not masked: masking every number would hide 文号, amounts and dates. When such a run is
long (15 digits or more) it is reported as *suspect*: the publisher must mask it or keep it explicitly before the
item can be published.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from lawtrace.identifiers import id_number_check_digit

CHINESE_DIGITS: dict[str, str] = {
    "〇": "0",
    "零": "0",
    "一": "1",
    "幺": "1",
    "二": "2",
    "三": "3",
    "四": "4",
    "五": "5",
    "六": "6",
    "七": "7",
    "八": "8",
    "九": "9",
    "壹": "1",
    "贰": "2",
    "貳": "2",
    "叁": "3",
    "參": "3",
    "肆": "4",
    "伍": "5",
    "陆": "6",
    "陸": "6",
    "柒": "7",
    "捌": "8",
    "玖": "9",
}
# After NFKC: the characters that may stand between two groups of one number.
SEPARATORS = " \t-.()_/·—–~"
_SEP_CLASS = "[" + re.escape(SEPARATORS) + "]"
_NUMBER_LIKE_RE = re.compile(
    "[0-9" + "".join(CHINESE_DIGITS) + "](?:" + _SEP_CLASS + "{0,3}[0-9" + "".join(CHINESE_DIGITS) + "])*"
)
_MIN_NUMERAL_RUN = 7  # digits and numerals in a stretch before numerals are read as digits
# A group of digits, or the check character X written apart after a separator (… 001 X).
_GROUP_RE = re.compile(
    r"\d+(?:[Xx](?![0-9A-Za-z]))?|(?:"
    + "|".join(f"(?<=\\d{_SEP_CLASS}{{{n}}})" for n in (1, 2, 3))
    + r")[Xx](?![0-9A-Za-z])"
)
_LONGEST = 19  # the longest number classified (a 19-digit card)
SUSPECT_DIGITS = 15

# GB/T 2260 province codes: the first two digits of a real 身份证号.
_PROVINCES = frozenset(
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 61 62 63 64 65 71 81 82 83".split()
)


@dataclass(frozen=True)
class Normalised:
    """The normalised text; ``origin[i]`` is the position in the original text of the character that gave
    ``text[i]``; ``numeral[i]`` says it was a Chinese numeral read as a digit."""

    original: str
    text: str
    origin: tuple[int, ...]
    numeral: tuple[bool, ...]

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """The stretch of the original text that gave ``text[start:end]`` (``end > start``)."""
        return self.origin[start], self.origin[end - 1] + 1


def normalise(text: str) -> Normalised:
    chars: list[str] = []
    origin: list[int] = []
    for i, ch in enumerate(text):
        folded = unicodedata.normalize("NFKC", ch) if ord(ch) > 0x7F else ch
        for out in folded or ch:
            chars.append(out)
            origin.append(i)
    numeral = [False] * len(chars)
    folded_text = "".join(chars)
    for m in _NUMBER_LIKE_RE.finditer(folded_text):
        stretch = m.group()
        digitish = sum(1 for c in stretch if c.isdigit() or c in CHINESE_DIGITS)
        if digitish >= _MIN_NUMERAL_RUN and any(c in CHINESE_DIGITS for c in stretch):
            for k in range(m.start(), m.end()):
                if chars[k] in CHINESE_DIGITS:
                    chars[k] = CHINESE_DIGITS[chars[k]]
                    numeral[k] = True
    return Normalised(text, "".join(chars), tuple(origin), tuple(numeral))


# -- classification ----------------------------------------------------------------------------------------------


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


def _valid_date(year: int, month: int, day: int) -> bool:
    try:
        born = date(year, month, day)
    except ValueError:
        return False
    return 1900 <= born.year <= date.today().year


def plausible_id_number(value: str) -> bool:
    """A valid 18-character 身份证号, or one whose check digit is wrong but whose province and birth date are real."""
    value = value.upper()
    if len(value) != 18 or not value[:17].isdigit() or not (value[17].isdigit() or value[17] == "X"):
        return False
    if not _valid_date(int(value[6:10]), int(value[10:12]), int(value[12:14])):
        return False
    return id_number_check_digit(value[:17]) == value[17] or value[:2] in _PROVINCES


def _old_id_number(value: str) -> bool:
    return (
        len(value) == 15
        and value.isdigit()
        and value[:2] in _PROVINCES
        and _valid_date(1900 + int(value[6:8]), int(value[8:10]), int(value[10:12]))
    )


def _mobile(digits: str) -> bool:
    for prefix in ("", "86", "0086"):
        rest = digits[len(prefix) :]
        if digits.startswith(prefix) and len(rest) == 11 and rest[0] == "1" and rest[1] in "3456789":
            return True
    return False


def _landline(digits: str) -> bool:
    if len(digits) < 10 or digits[0] != "0" or digits[1] == "0":
        return False
    area = 3 if digits[1] in "12" else 4
    local = digits[area:]
    return len(local) in (7, 8) and local[0] in "23456789"


def _card_grouping(sizes: tuple[int, ...]) -> bool:
    return len(sizes) in (4, 5) and sizes[:4] == (4, 4, 4, 4) and (len(sizes) == 4 or 1 <= sizes[4] <= 3)


def classify(digits: str, sizes: tuple[int, ...] = (), known: Mapping[str, str] | None = None) -> str | None:
    """What a digit string is: ``id_number``, ``bank_card``, ``mobile``, ``landline``, a known value's kind, or None."""
    if known and digits.upper() in known:
        return known[digits.upper()]
    if plausible_id_number(digits) or _old_id_number(digits):
        return "id_number"
    if not digits.isdigit():
        return None
    if 16 <= len(digits) <= _LONGEST and (luhn_ok(digits) or _card_grouping(sizes)):
        return "bank_card"
    if _mobile(digits):
        return "mobile"
    if _landline(digits):
        return "landline"
    return None


def known_digits(value: str) -> str:
    """A recorded value (a party's phone as typed) reduced to the digits the detectors compare."""
    text = normalise(value).text
    return "".join(c for c in text if c.isdigit() or c in "Xx").upper()


# -- finding numbers ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Group:
    start: int  # in the normalised text
    end: int
    digits: str
    numeral: bool  # read from Chinese numerals


@dataclass(frozen=True)
class NumberFinding:
    start: int  # in the original text
    end: int
    kind: str  # a classify() result, or "suspect"


def _groups(norm: Normalised) -> list[list[_Group]]:
    """Digit groups in runs: consecutive groups separated by 1–3 separators (or by nothing, where Chinese numerals
    meet digits) belong to one run. A group glued to ASCII letters (a credit code, a model number) ends a run and
    is not itself a candidate."""
    text = norm.text
    runs: list[list[_Group]] = []
    current: list[_Group] = []
    for m in _GROUP_RE.finditer(text):
        # split where Chinese numerals meet written digits
        pieces: list[tuple[int, int]] = []
        start = m.start()
        for k in range(m.start() + 1, m.end()):
            if text[k].isdigit() and norm.numeral[k] != norm.numeral[k - 1]:
                pieces.append((start, k))
                start = k
        pieces.append((start, m.end()))
        glued_left = m.start() > 0 and text[m.start() - 1].isascii() and text[m.start() - 1].isalpha()
        glued_right = m.end() < len(text) and text[m.end()].isascii() and text[m.end()].isalnum()
        for s, e in pieces:
            group = _Group(s, e, text[s:e].upper(), norm.numeral[s])
            gap = text[current[-1].end : s] if current else None
            joined = gap is not None and (gap == "" or (len(gap) <= 3 and all(c in SEPARATORS for c in gap)))
            if current and not joined:
                runs.append(current)
                current = []
            if (glued_left and s == m.start()) or (glued_right and e == m.end()):
                if current:
                    runs.append(current)
                current = []
                continue
            current.append(group)
    if current:
        runs.append(current)
    return runs


def _widen(norm: Normalised, start: int, end: int) -> tuple[int, int]:
    """Take in a ``+`` in front (``+86``) and an opening bracket whose closing one is inside (``(138)4790…``)."""
    text = norm.text
    if start > 0 and text[start - 1] == "+":
        start -= 1
    if start > 0 and text[start - 1] == "(" and ")" in text[start:end]:
        start -= 1
    return start, end


def find_numbers(norm: Normalised, known: Mapping[str, str] | None = None) -> list[NumberFinding]:
    """Personal numbers in the normalised text, as spans of the original text (see the module docstring)."""
    found: list[NumberFinding] = []

    def add(start: int, end: int, kind: str) -> None:
        start, end = _widen(norm, start, end)
        s, e = norm.original_span(start, end)
        found.append(NumberFinding(s, e, kind))

    for run in _groups(norm):
        i = 0
        unclassified_from: int | None = None
        while i < len(run):
            hit = _longest_at(run, i, known)
            if hit is None and any(g.numeral for g in run[i:]):
                hit = _window_from(run, i, known)
            if hit is None:
                unclassified_from = i if unclassified_from is None else unclassified_from
                i += 1
                continue
            if unclassified_from is not None:
                _suspect(run[unclassified_from:i], add)
                unclassified_from = None
            start, end, j, kind = hit
            add(start, end, kind)
            i = j + 1
        if unclassified_from is not None:
            _suspect(run[unclassified_from:], add)
    return found


def _longest_at(run: list[_Group], i: int, known: Mapping[str, str] | None) -> tuple[int, int, int, str] | None:
    """The longest run of whole groups from ``run[i]`` that classifies: (start, end, last group, kind)."""
    total = 0
    last = i
    while last < len(run) and total + len(run[last].digits) <= _LONGEST:
        total += len(run[last].digits)
        last += 1
    for j in range(last - 1, i - 1, -1):
        digits = "".join(g.digits for g in run[i : j + 1])
        sizes = tuple(len(g.digits) for g in run[i : j + 1])
        kind = classify(digits, sizes, known)
        if kind is not None:
            return run[i].start, run[j].end, j, kind
    return None


def _window_from(run: list[_Group], i: int, known: Mapping[str, str] | None) -> tuple[int, int, int, str] | None:
    """A number whose ends lie inside groups of Chinese numerals: a numeral word next to the number glues to it
    (一一三八四七九… ). Windows start inside ``run[i]``; they may cut only groups read from numerals, never written
    digits (a window inside a long written number would find phones everywhere)."""
    cells: list[tuple[str, int, int]] = []  # (digit, position in the normalised text, group index)
    for k in range(i, len(run)):
        group = run[k]
        cells.extend((d, group.start + n, k) for n, d in enumerate(group.digits))
    first = len(run[i].digits)
    for offset in range(first if run[i].numeral else 1):
        for length in (19, 18, 17, 16, 15, 11):
            window = cells[offset : offset + length]
            if len(window) < length:
                continue
            last = window[-1][2]
            cut_end = offset + length < len(cells) and cells[offset + length][2] == last
            if cut_end and not run[last].numeral:
                continue
            kind = classify("".join(d for d, _, _ in window), (), known)
            if kind is not None:
                return window[0][1], window[-1][1] + 1, last, kind
    return None


def _suspect(groups: Sequence[_Group], add: Callable[[int, int, str], None]) -> None:
    if sum(len(g.digits) for g in groups) >= SUSPECT_DIGITS:
        add(groups[0].start, groups[-1].end, "suspect")
