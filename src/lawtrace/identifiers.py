"""Check digits of Chinese identifiers: 居民身份证号 (GB 11643-1999) and 统一社会信用代码 (GB 32100-2015).

Pure functions, used to validate input and, later, by the redaction detectors (a random digit string that fails
the check is not an ID number).
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

_ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
_ID_CHECK = "10X98765432"  # index = weighted sum mod 11
_ID_RE = re.compile(r"^\d{17}[\dX]$")

_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # no I, O, Z, S, V
_USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
_USCC_RE = re.compile(rf"^[{_USCC_ALPHABET}]{{18}}$")


def id_number_check_digit(first17: str) -> str:
    total = sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def is_valid_id_number(value: str) -> bool:
    """18-digit 身份证号 with a valid birth date and check digit (a lower-case x is accepted as X)."""
    value = value.strip().upper()
    if not _ID_RE.match(value):
        return False
    try:
        born = date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return False
    if born.year < 1900:
        return False
    return id_number_check_digit(value[:17]) == value[17]


def credit_code_check_char(first17: str) -> str:
    total = sum(_USCC_ALPHABET.index(c) * w for c, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return _USCC_ALPHABET[(31 - total % 31) % 31]


def is_valid_credit_code(value: str) -> bool:
    """18-character 统一社会信用代码 from the GB 32100 alphabet with a valid check character."""
    value = value.strip().upper()
    if not _USCC_RE.match(value):
        return False
    return credit_code_check_char(value[:17]) == value[17]


def certificate_number(value: str) -> str:
    """An enforcement certificate's number as compared and stored (APL-42 / APL-55): NFKC-normalised — full-width
    digits and letters typed in a Chinese input method become the ordinary ones — and trimmed, so "１５０１" and
    "1501 " are one certificate, not "two different certificates"."""
    return unicodedata.normalize("NFKC", value or "").strip()
