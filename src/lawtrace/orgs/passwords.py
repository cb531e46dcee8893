"""Password rules beyond Django's built-in validators, with Chinese messages (等保 2.0 asks for length and complexity).

Besides length and character classes, two rules catch what people actually choose (issue 16): a common word with
digits or symbols stuck on (``password123!``, ``Woaini@1314``, ``P@ssw0rd2026``) — the core is looked up in
Django's list of 20,000 common passwords and in a list of Chinese ones (pinyin words, 医保 and place names,
number codes, ``common_passwords_zh.txt``); and keyboard walks, runs and repeats (``1qaz@WSX3edc``, ``qwer1234!@#$``,
``aaaaaaaa1!Aa``). Spaces never count as the symbol, and a password may not begin or end with one (ten spaces and
``1a`` is ``1a``).
"""

from __future__ import annotations

import itertools
import string
import unicodedata
from functools import cache
from pathlib import Path

from django.contrib.auth.password_validation import CommonPasswordValidator
from django.core.exceptions import ValidationError

ZH_LIST = Path(__file__).with_name("common_passwords_zh.txt")

# Keys of a US/Chinese keyboard: (row, column) with the real stagger, so that 1-q-a-z is a straight line.
_ROWS = ("1234567890-=", "qwertyuiop[]\\", "asdfghjkl;'", "zxcvbnm,./")
_STAGGER = (0.0, 0.5, 0.75, 1.25)
_KEYS = {ch: (r, c + _STAGGER[r]) for r, row in enumerate(_ROWS) for c, ch in enumerate(row)}
_UNSHIFT = dict(zip('!@#$%^&*()_+{}|:"<>?~', "1234567890-=[]\\;',./`", strict=True))
_LEET = str.maketrans({"@": "a", "4": "a", "0": "o", "1": "i", "!": "i", "3": "e", "$": "s", "5": "s", "7": "t"})

# A password whose neighbouring characters are this often keyboard neighbours, alphabet or number steps or repeats is
# a pattern, not a secret (random 12-character passwords score about 0.1; the walks above score 0.8 and more).
WALK_SHARE = 0.6


class CharacterClassValidator:
    """At least one letter, one digit and one symbol (a space is not a symbol)."""

    def validate(self, password: str, user: object = None) -> None:
        has_letter = any(c.isalpha() for c in password)
        has_digit = any(c.isdigit() for c in password)
        has_symbol = any(c in string.punctuation or not (c.isalnum() or c.isspace()) for c in password)
        if not (has_letter and has_digit and has_symbol):
            raise ValidationError("密码须同时包含字母、数字和符号（空格不算符号）。", code="password_character_classes")

    def get_help_text(self) -> str:
        return "密码须同时包含字母、数字和符号。"


class MinimumLengthValidator:
    """At least ``min_length`` characters (Django's own message has no Chinese translation for its plural form)."""

    def __init__(self, min_length: int = 12) -> None:
        self.min_length = min_length

    def validate(self, password: str, user: object = None) -> None:
        if len(password) < self.min_length:
            raise ValidationError(f"密码太短，至少需要 {self.min_length} 个字符。", code="password_too_short")

    def get_help_text(self) -> str:
        return f"密码至少需要 {self.min_length} 个字符。"


class NoPaddingValidator:
    """No space at either end: padding adds length without adding anything to guess."""

    def validate(self, password: str, user: object = None) -> None:
        if password != password.strip():
            raise ValidationError("密码首尾不能是空格。", code="password_padded")

    def get_help_text(self) -> str:
        return "密码首尾不能是空格。"


@cache
def _common_words() -> frozenset[str]:
    words = set(CommonPasswordValidator().passwords)  # Django's list, read once
    words |= {line.strip().lower() for line in ZH_LIST.read_text(encoding="utf-8").splitlines()}
    return frozenset(w for w in words if w and not w.startswith("#"))


def _core(password: str) -> str:
    """The password without the digits, symbols and spaces stuck on at either end, lower-cased."""
    return password.lower().strip(string.digits + string.punctuation + string.whitespace)


def is_common(password: str) -> bool:
    """The password, or its core, plain or de-leeted (``p@ssw0rd`` → ``password``), is a common password."""
    normal = unicodedata.normalize("NFKC", password).lower().strip()
    words = _common_words()
    candidates = {normal, _core(normal), _core(normal).translate(_LEET), normal.translate(_LEET)}
    return any(c in words for c in candidates if len(c) >= 3)


def _walk_step(a: str, b: str) -> bool:
    if a == b or (a.isalnum() and b.isalnum() and abs(ord(a) - ord(b)) == 1):
        return True
    ka, kb = _KEYS.get(a), _KEYS.get(b)
    if ka is None or kb is None:
        return False
    rows, cols = abs(ka[0] - kb[0]), abs(ka[1] - kb[1])
    return (rows == 0 and cols == 1) or (rows == 1 and cols <= 1)


def walk_share(password: str) -> float:
    """Share of neighbouring characters that are keyboard neighbours (shift ignored), alphabet or number steps, or
    the same character."""
    keys = [_UNSHIFT.get(c, c) for c in unicodedata.normalize("NFKC", password).lower()]
    pairs = list(itertools.pairwise(keys))
    if not pairs:
        return 1.0
    return sum(_walk_step(a, b) for a, b in pairs) / len(pairs)


class CommonPatternValidator:
    """Refuse common passwords dressed up with digits and symbols, and keyboard walks, runs and repeats."""

    def validate(self, password: str, user: object = None) -> None:
        errors = []
        if is_common(password):
            errors.append(
                ValidationError(
                    "密码太常见：去掉首尾的数字和符号后是常用密码（如 password、woaini、admin），"
                    "请换一个不易猜到的密码。",
                    code="password_common_pattern",
                )
            )
        if walk_share(password) >= WALK_SHARE:
            errors.append(
                ValidationError(
                    "密码是键盘上连续的按键、顺序的字母或数字或重复的字符（如 1qaz@WSX3edc、qwer1234），容易被猜到。",
                    code="password_keyboard_walk",
                )
            )
        if errors:
            raise ValidationError(errors)

    def get_help_text(self) -> str:
        return "不能用常用密码加数字或符号，也不能用键盘上连续的按键。"
