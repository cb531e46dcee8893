"""身份证号 (GB 11643) and 统一社会信用代码 (GB 32100) check digits, with real-format samples and properties."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lawtrace.identifiers import (
    credit_code_check_char,
    id_number_check_digit,
    is_valid_credit_code,
    is_valid_id_number,
)


@pytest.mark.parametrize(
    "value", ["11010519491231002X", "150102198001011234"[:17] + id_number_check_digit("15010219800101123")]
)
def test_valid_id_numbers(value: str) -> None:
    assert is_valid_id_number(value)


@pytest.mark.parametrize(
    "value",
    [
        "110105194912310021",
        "11010519491231002",
        "1101051949123100211",
        "110105194913310028",
        "11010518991231002X",
        "ABCDEFGHIJKLMNOPQR",
    ],
)
def test_invalid_id_numbers(value: str) -> None:
    assert not is_valid_id_number(value)


def test_lower_case_x_is_accepted() -> None:
    assert is_valid_id_number("11010519491231002x")


@pytest.mark.parametrize("value", ["91350100M000100Y43", "11100000000013127D"])
def test_valid_credit_codes(value: str) -> None:
    assert is_valid_credit_code(value)


@pytest.mark.parametrize("value", ["91350100M000100Y44", "9135010OM000100Y43", "91350100M000100Y4", ""])
def test_invalid_credit_codes(value: str) -> None:
    assert not is_valid_credit_code(value)


@given(
    st.from_regex(r"[1-6][0-9]{5}(19[5-9][0-9]|200[0-9])(0[1-9]|1[0-2])(0[1-9]|1[0-9]|2[0-8])[0-9]{3}", fullmatch=True)
)
def test_any_id_with_its_check_digit_is_valid_and_any_other_digit_is_not(first17: str) -> None:
    good = id_number_check_digit(first17)
    assert is_valid_id_number(first17 + good)
    for wrong in "0123456789X":
        if wrong != good:
            assert not is_valid_id_number(first17 + wrong)


@given(st.text(alphabet="0123456789ABCDEFGHJKLMNPQRTUWXY", min_size=17, max_size=17))
def test_any_credit_code_with_its_check_char_is_valid(first17: str) -> None:
    assert is_valid_credit_code(first17 + credit_code_check_char(first17))
