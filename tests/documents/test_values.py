"""Amounts in capital numerals (大写金额) on the decision: fixed cases a cashier would check, and a property test
that reading the words back gives the amount, for every amount up to the largest the ledger holds."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lawtrace.documents.values import MAX_CAPITAL_FEN, capital_amount, chinese_date, counted

DIGIT = {c: i for i, c in enumerate("零壹贰叁肆伍陆柒捌玖")}
SMALL = {"拾": 10, "佰": 100, "仟": 1000}
BIG = {"万": 10_000, "亿": 100_000_000}


def read_back(words: str) -> int:
    """Capital numerals → fen: the reader a cashier is, written independently of the writer."""
    words = words.removesuffix("整")
    yuan_part, _, rest = words.partition("元") if "元" in words else ("", "", words)
    total = section = digit = 0
    yi_seen = False
    for char in yuan_part:
        if char in DIGIT:
            digit = DIGIT[char]
        elif char in SMALL:
            section += (digit or 1) * SMALL[char]
            digit = 0
        elif char in BIG:
            section += digit
            if char == "万" and yi_seen:  # 万 after 亿 counts within the 亿: 壹亿贰仟万
                total += section * BIG[char]
            else:
                total = (total + section) * BIG[char]
            yi_seen = yi_seen or char == "亿"
            section = digit = 0
    total += section + digit
    fen = total * 100
    jiao = rest.split("角")[0][-1:] if "角" in rest else ""
    fen_digit = rest.split("分")[0][-1:] if "分" in rest else ""
    return fen + DIGIT.get(jiao, 0) * 10 + DIGIT.get(fen_digit, 0)


@pytest.mark.parametrize(
    ("fen", "words"),
    [
        (0, "零元整"),
        (5, "伍分"),
        (1_000, "壹拾元整"),
        (1_005, "壹拾元零伍分"),
        (11_560_000, "壹拾壹万伍仟陆佰元整"),
        (100_500, "壹仟零伍元整"),
        (1_000_500, "壹万零伍元整"),
        (10_500_000_000, "壹亿零伍佰万元整"),
        (120_000_000_000_000, "壹万贰仟亿元整"),
        (100_000_000_000_000, "壹万亿元整"),
        (168_032, "壹仟陆佰捌拾元叁角贰分"),
    ],
)
def test_capital_amounts_as_a_cashier_writes_them(fen: int, words: str) -> None:
    assert capital_amount(fen) == words


@given(st.integers(min_value=0, max_value=MAX_CAPITAL_FEN))
def test_the_words_read_back_as_the_amount(fen: int) -> None:
    words = capital_amount(fen)
    assert read_back(words) == fen, words
    assert ("零零" not in words and not words.startswith("零")) or fen == 0


def test_out_of_range_amounts_are_refused_not_misprinted() -> None:
    with pytest.raises(ValueError):
        capital_amount(-1)
    with pytest.raises(ValueError):
        capital_amount(MAX_CAPITAL_FEN + 1)


def test_dates_as_paper_writes_them() -> None:
    from datetime import date

    assert chinese_date(date(2026, 3, 1)) == "2026年3月1日"


@pytest.mark.parametrize(
    ("number", "written"),
    [(1, "一"), (5, "五"), (10, "十"), (15, "十五"), (20, "二十"), (60, "六十"), (105, "一百零五"), (120, "一百二十")],
)
def test_a_period_is_written_as_a_letter_writes_it(number: int, written: str) -> None:
    assert counted(number) == written
