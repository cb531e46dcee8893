"""Values as a printed document writes them: 2026年3月1日, 人民币115,600.00元（大写：壹拾壹万伍仟陆佰元整）.

The record page shows ISO-like dates for officers at a screen; paper follows the conventions of 公文 instead.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone

from lawtrace.rulebook.schema import FieldSpec, FieldType

DIGITS = "零壹贰叁肆伍陆柒捌玖"
SMALL_UNITS = ("", "拾", "佰", "仟")
GROUP_UNITS = ("", "万", "亿", "万")  # the fourth group is 万 of 亿: 壹万贰仟亿
MAX_CAPITAL_FEN = 10**16 - 1  # below 一万万亿 (10^16 fen = 10^14 元): beyond any fine the ledger can hold


NUMERALS = "零一二三四五六七八九"


def counted(number: int) -> str:
    """A period's length as a letter writes it: 五, 十, 十五, 六十, 一百二十 (1 ≤ number < 1,000)."""
    if not 0 < number < 1000:
        return str(number)
    hundreds, tens, ones = number // 100, number // 10 % 10, number % 10
    text = f"{NUMERALS[hundreds]}百" if hundreds else ""
    if tens:
        text += ("" if tens == 1 and not hundreds else NUMERALS[tens]) + "十"
    elif hundreds and ones:
        text += "零"
    return text + (NUMERALS[ones] if ones else "")


def chinese_date(value: date) -> str:
    return f"{value.year}年{value.month}月{value.day}日"


def chinese_datetime(value: datetime) -> str:
    local = timezone.localtime(value)
    return f"{chinese_date(local.date())}{local.hour}时{local.minute:02d}分"


def _four_digits(number: int) -> str:
    """0 < number < 10,000 in capital numerals, with the zeros a cheque writes (壹仟零伍)."""
    out, zero = "", False
    for position in range(3, -1, -1):
        digit = number // 10**position % 10
        if digit == 0:
            zero = bool(out)
            continue
        if zero:
            out += "零"
            zero = False
        out += DIGITS[digit] + SMALL_UNITS[position]
    return out


def capital_amount(fen: int) -> str:
    """An amount in fen as the capital numerals of 财务 (大写金额): 115,600.00 → 壹拾壹万伍仟陆佰元整."""
    if not 0 <= fen <= MAX_CAPITAL_FEN:
        raise ValueError(f"amount out of range: {fen}")
    yuan, cents = divmod(fen, 100)
    jiao, fen_digit = divmod(cents, 10)
    groups: list[int] = []
    while yuan:
        yuan, group = divmod(yuan, 10_000)
        groups.append(group)
    text = ""
    for index in range(len(groups) - 1, -1, -1):
        group = groups[index]
        if group == 0:
            continue
        if text and group < 1000:  # a gap inside the number is read as 零 (壹万零伍佰)
            text += "零"
        text += _four_digits(group) + GROUP_UNITS[index]
        if index == 3 and groups[2] == 0:  # 壹万亿, not 壹万
            text += "亿"
    if not text and not cents:
        return "零元整"
    if text:
        text += "元"
    if not cents:
        return text + "整"
    if jiao:
        text += DIGITS[jiao] + "角"
    elif text:
        text += "零"
    if fen_digit:
        text += DIGITS[fen_digit] + "分"
    return text


def money(fen: int) -> str:
    return f"人民币{Decimal(int(fen)) / 100:,.2f}元（大写：{capital_amount(int(fen))}）"


def printed(spec: FieldSpec | None, value: Any, display: Any) -> str:
    """A stored value as the paper writes it; ``display`` (the record page's) serves the kinds paper writes alike."""
    if value is None or value == "" or value == []:
        return ""
    if spec is not None and not isinstance(value, list):
        try:
            if spec.type is FieldType.DATE:
                return chinese_date(date.fromisoformat(str(value)))
            if spec.type is FieldType.DATETIME:
                return chinese_datetime(datetime.fromisoformat(str(value)))
            if spec.type is FieldType.MONEY and 0 <= int(value) <= MAX_CAPITAL_FEN:
                return money(int(value))
        except (TypeError, ValueError, OverflowError):  # a stored value no calendar has prints as written
            return str(value)
    return str(display(spec, value))
