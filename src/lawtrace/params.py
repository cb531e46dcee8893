"""Request parameters, parsed in one place: a value that is not what the page expects is a bad request (HTTP 400 with
a Chinese message), never an exception deep in a query.

The parsers take a query dictionary (``request.GET``, ``request.POST``) or a plain value and return a typed value or
``None`` when the parameter is absent or empty. Anything else raises :class:`BadParameter`, a Django
:class:`~django.core.exceptions.BadRequest`: pages answer it with ``400.html`` (``lawtrace.error_views``), the API
with a JSON ``{"detail": ...}`` (``lawtrace.api``). Nothing has been written when it is raised, since parameters
are read before any service is called.

Why not ``str.isdigit``: it is true for ``²`` and ``٣``, which ``int()`` then refuses or reads as another number.
Only ASCII digits are numbers here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date, timedelta

from django.core.exceptions import BadRequest
from django.utils import timezone

from lawtrace import clock

# The largest integer every part of the system carries exactly: JSON numbers in the ledger's canonical form
# (RFC 8785 / I-JSON) and in browsers are IEEE doubles.
MAX_INTEGER = 2**53 - 1
# The People's Republic's first day: no enforcement record is older.
EARLIEST_DATE = date(1949, 10, 1)
# How far ahead a date may lie (a deadline, a planned hearing): one year after the clock.
FUTURE_MARGIN = timedelta(days=366)
# The largest amount of money a form or parameter accepts, in fen: 100 亿元, far above any fine or 涉案金额 a
# medical-insurance bureau handles, and far below MAX_INTEGER.
MAX_AMOUNT_FEN = 10**12
# The longest page number a list accepts (20 rows a page: 2 million rows).
MAX_PAGE = 100_000

_ASCII_INTEGER = re.compile(r"-?[0-9]{1,16}")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


class BadParameter(BadRequest):
    """A request parameter that cannot be read; ``message`` is the Chinese text shown to the person."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


def latest_date() -> date:
    """The latest date a form or parameter accepts unless a field says otherwise: the clock's date + 1 year."""
    return timezone.localdate(clock.now()) + FUTURE_MARGIN


def _raw(params: Mapping[str, str], name: str) -> str:
    value = params.get(name, "")
    return value.strip() if isinstance(value, str) else ""


def integer(value: str, *, label: str, minimum: int = 0, maximum: int = MAX_INTEGER) -> int:
    """An integer written in ASCII digits within ``minimum``..``maximum``."""
    text = value.strip()
    if not _ASCII_INTEGER.fullmatch(text):
        raise BadParameter(f"“{label}”应为整数，收到的值无法识别。")
    number = int(text)
    if not minimum <= number <= maximum:
        raise BadParameter(f"“{label}”应在{minimum}至{maximum}之间。")
    return number


def optional_integer(
    params: Mapping[str, str], name: str, *, label: str, minimum: int = 0, maximum: int = MAX_INTEGER
) -> int | None:
    raw = _raw(params, name)
    return integer(raw, label=label, minimum=minimum, maximum=maximum) if raw else None


def optional_id(params: Mapping[str, str], name: str, *, label: str) -> int | None:
    """A row's id (1 … 2^53 − 1) or ``None`` when the parameter is absent."""
    return optional_integer(params, name, label=f"{label}编号", minimum=1)


def first_id(params: Iterable[Mapping[str, str]], name: str, *, label: str) -> int | None:
    """The id named ``name`` in the first of ``params`` that has it (a GET link, then the POSTed form)."""
    for source in params:
        if _raw(source, name):
            return optional_id(source, name, label=label)
    return None


def page_number(params: Mapping[str, str], name: str = "page") -> int:
    """The page of a list (1 when absent; ``last`` for the last page is Django's and kept as the largest)."""
    raw = _raw(params, name)
    if not raw:
        return 1
    if raw == "last":
        return MAX_PAGE
    return integer(raw, label="页码", minimum=1, maximum=MAX_PAGE)


def date_value(value: str, *, label: str, earliest: date = EARLIEST_DATE, latest: date | None = None) -> date:
    """A date written ``YYYY-MM-DD`` between ``earliest`` and ``latest`` (default: the clock + 1 year)."""
    text = value.strip()
    latest = latest or latest_date()
    try:
        if not _ISO_DATE.fullmatch(text):
            raise ValueError(text)
        parsed = date.fromisoformat(text)
    except ValueError:
        raise BadParameter(f"“{label}”应为日期，格式如 2025-01-31。") from None
    if not earliest <= parsed <= latest:
        raise BadParameter(f"“{label}”应在{earliest.isoformat()}至{latest.isoformat()}之间。")
    return parsed


def optional_date(params: Mapping[str, str], name: str, *, label: str) -> date | None:
    raw = _raw(params, name)
    return date_value(raw, label=label) if raw else None


def optional_year(params: Mapping[str, str], name: str = "year", *, label: str = "年度") -> int | None:
    """A calendar year from 1949 to the clock's year + 1."""
    raw = _raw(params, name)
    if not raw:
        return None
    return integer(raw, label=label, minimum=EARLIEST_DATE.year, maximum=latest_date().year)


def choice(params: Mapping[str, str], name: str, choices: Iterable[str], *, label: str) -> str:
    """One of ``choices``, or ``""`` when absent."""
    raw = _raw(params, name)
    if raw and raw not in set(choices):
        raise BadParameter(f"“{label}”的取值无效。")
    return raw


def text(params: Mapping[str, str], name: str, *, label: str, max_length: int = 100) -> str:
    """A search text: stripped and cut to ``max_length`` characters (a longer search finds nothing more); control
    characters refused (PostgreSQL refuses NUL in a query outright)."""
    raw = _raw(params, name)
    if has_control_characters(raw, allow_newlines=False):
        raise BadParameter(f"“{label}”含有控制字符。")
    return raw[:max_length]


def has_control_characters(value: str, *, allow_newlines: bool = True) -> bool:
    """C0/C1 control characters (NUL, escape, backspace…); tab and line breaks only where text may have lines."""
    allowed = "\t\n\r" if allow_newlines else ""
    return any((ord(c) < 32 or 127 <= ord(c) < 160) and c not in allowed for c in value)
