"""IMD-8 / PUB-MASK: what the redaction finds and masks before anything is published, and what it keeps."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from lawtrace.disclosure.normalise import plausible_id_number
from lawtrace.disclosure.redaction import (
    NameDisplay,
    Person,
    SpanKind,
    address_cut,
    luhn_ok,
    masked_name,
    redact,
)
from lawtrace.identifiers import credit_code_check_char, id_number_check_digit, is_valid_id_number

# Arbitrary Chinese text: CJK characters and Chinese punctuation (the embedded value is never glued to other digits).
CJK = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5)
PUNCT = st.sampled_from(list("，。；：、（）《》“”！？ "))
chinese_text = st.text(st.one_of(CJK, PUNCT), max_size=40)


@st.composite
def id_numbers(draw: st.DrawFn) -> str:
    region = draw(st.integers(110000, 659999))
    born = draw(st.dates(min_value=date(1920, 1, 1), max_value=date(2025, 12, 31)))
    order = draw(st.integers(0, 999))
    first17 = f"{region:06d}{born:%Y%m%d}{order:03d}"
    return first17 + id_number_check_digit(first17)


@st.composite
def mobiles(draw: st.DrawFn) -> str:
    number = f"1{draw(st.integers(3, 9))}{draw(st.integers(0, 999_999_999)):09d}"
    style = draw(st.sampled_from(["plain", "dash", "space", "+86"]))
    if style == "dash":
        return f"{number[:3]}-{number[3:7]}-{number[7:]}"
    if style == "space":
        return f"{number[:3]} {number[3:7]} {number[7:]}"
    if style == "+86":
        return "+86 " + number
    return number


@st.composite
def landlines(draw: st.DrawFn) -> str:
    area = draw(st.sampled_from(["010", "021", "0479", "0537", "0471"]))
    local = f"{draw(st.integers(2, 9))}{draw(st.integers(0, 9_999_999)):07d}"[: draw(st.sampled_from([7, 8]))]
    style = draw(st.sampled_from(["-", "", "()"]))
    return f"（{area}）{local}" if style == "()" else f"{area}{style}{local}"


def _luhn_complete(body: str) -> str:
    for d in "0123456789":
        if luhn_ok(body + d):
            return body + d
    raise AssertionError


@st.composite
def bank_cards(draw: st.DrawFn) -> str:
    length = draw(st.integers(16, 19))
    body = "6" + "".join(str(draw(st.integers(0, 9))) for _ in range(length - 2))
    card = _luhn_complete(body)
    if length == 16 and draw(st.booleans()):
        return " ".join(card[i : i + 4] for i in range(0, 16, 4))
    return card


@st.composite
def credit_codes(draw: st.DrawFn) -> str:
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    first17 = draw(st.sampled_from(["91", "92", "93", "12", "52"])) + "".join(
        draw(st.sampled_from(alphabet)) for _ in range(15)
    )
    return first17 + credit_code_check_char(first17)


def _digits(value: str) -> str:
    return "".join(c for c in value if c.isdigit())


@given(before=chinese_text, value=st.one_of(id_numbers(), mobiles(), landlines(), bank_cards()), after=chinese_text)
def test_imd_8_generated_personal_numbers_never_survive(before: str, value: str, after: str) -> None:
    # given a text with an ID number, phone or card somewhere in it; when redacted; then none of its digits are left
    result = redact(before + value + after)
    assert _digits(value) not in _digits(result.text)
    assert value not in result.text


# -- the spellings people use (issue 16) ---------------------------------------------------------------------------

FULL_WIDTH = {c: chr(ord(c) + 0xFEE0) for c in "0123456789X"}
NUMERALS = dict(zip("0123456789", "〇一二三四五六七八九", strict=True))
NUMERALS_ALT = dict(zip("0123456789", "零幺二三四五六七八九", strict=True))
FORMAL = dict(zip("0123456789", "零壹贰叁肆伍陆柒捌玖", strict=True))
SEPARATORS = [" ", "-", ".", "·", "/", "　", "－", "．", " - "]


def _grouped(draw: st.DrawFn, digits: str, sizes: list[int]) -> str:
    sep = draw(st.sampled_from(SEPARATORS))
    pieces, at = [], 0
    for size in sizes:
        pieces.append(digits[at : at + size])
        at += size
    if at < len(digits):
        pieces.append(digits[at:])
    return sep.join(p for p in pieces if p)


def _spelled(draw: st.DrawFn, text: str) -> str:
    """The same characters full-width, as Chinese numerals (three alphabets), or as they are."""
    alphabet = draw(st.sampled_from([{}, FULL_WIDTH, NUMERALS, NUMERALS_ALT, FORMAL]))
    return "".join(alphabet.get(c, c) for c in text)


@st.composite
def spelled_mobiles(draw: st.DrawFn) -> tuple[str, str]:
    number = f"1{draw(st.integers(3, 9))}{draw(st.integers(0, 999_999_999)):09d}"
    style = draw(st.sampled_from(["plain", "3-4-4", "(3)8", "+86", "3-8"]))
    if style == "3-4-4":
        text = _grouped(draw, number, [3, 4, 4])
    elif style == "(3)8":
        text = draw(st.sampled_from(["({}){}", "（{}）{}", "({}) {}"])).format(number[:3], number[3:])
    elif style == "+86":
        text = draw(st.sampled_from(["+86 ", "+86", "＋８６ ", "0086-"])) + number
    elif style == "3-8":
        text = _grouped(draw, number, [3, 8])
    else:
        text = number
    return number, _spelled(draw, text)


@st.composite
def spelled_id_numbers(draw: st.DrawFn) -> tuple[str, str]:
    number = draw(id_numbers())
    style = draw(st.sampled_from(["plain", "6-8-4", "6-8-3-1", "3-3-4-4-4"]))
    sizes = {"plain": [18], "6-8-4": [6, 8, 4], "6-8-3-1": [6, 8, 3], "3-3-4-4-4": [3, 3, 4, 4, 4]}[style]
    return number, _spelled(draw, _grouped(draw, number, sizes))


@st.composite
def spelled_cards(draw: st.DrawFn) -> tuple[str, str]:
    number = draw(bank_cards()).replace(" ", "")
    sizes = draw(st.sampled_from([[len(number)], [4, 4, 4, 4, 4], [6, 13]]))
    if sizes == [6, 13] and len(number) != 19:
        sizes = [len(number)]
    return number, _spelled(draw, _grouped(draw, number, sizes))


def _digits_of(text: str) -> str:
    """Every digit of a text, however written (full-width, Chinese numerals), in order."""
    table = {**{v: k for k, v in FULL_WIDTH.items()}, **{v: k for k, v in NUMERALS.items()}}
    table |= {v: k for k, v in NUMERALS_ALT.items()} | {v: k for k, v in FORMAL.items()}
    return "".join(table.get(c, c) for c in text if c.isdigit() or c in table)


@given(
    before=chinese_text,
    value=st.one_of(spelled_mobiles(), spelled_id_numbers(), spelled_cards()),
    after=chinese_text,
)
def test_imd_8_a_personal_number_in_any_spelling_never_survives_in_chinese_text(
    before: str, value: tuple[str, str], after: str
) -> None:
    # given a phone, ID or card number spelled with separators, full-width digits or Chinese numerals, in random
    # Chinese text; when redacted; then no stretch of the published text spells its digits
    number, spelled = value
    result = redact(before + spelled + after)
    assert spelled not in result.text
    assert number.upper() not in _digits_of(result.text).upper()


@pytest.mark.parametrize(
    "spelling",
    [
        "138.4790.0002",
        "(138)47900002",
        "（138）4790-0002",
        "１３８４７９００００２",
        "一三八四七九〇〇〇〇二",
        "幺三八四七九零零零零二",
        "152502 19800315 0014",
        "１５２５０２１９８００３１５００１４",
        "6222 0202 0011 2233 446",
        "zhang.san＠example.com",
        "ｚｈａｎｇ＠ｅｘａｍｐｌｅ．ｃｏｍ",
    ],
)
def test_imd_8_the_spellings_reported_in_issue_16_are_masked(spelling: str) -> None:
    result = redact(f"当事人联系方式：{spelling}。")
    assert spelling not in result.text
    assert result.text.startswith("当事人联系方式：［") and result.text.endswith("］。"), result.text
    assert not result.flagged


def test_the_mask_covers_the_original_characters_and_keeps_the_rest() -> None:
    text = "电话（138）4790-0002，身份证号１５２５０２１９８００３１５００１４，罚款3,600元。"
    result = redact(text)
    assert result.text == "电话［电话已隐去］，身份证号［身份证号已隐去］，罚款3,600元。"
    assert [text[s.start : s.end] for s in result.spans] == ["（138）4790-0002", "１５２５０２１９８００３１５００１４"]


def test_two_numbers_separated_by_a_space_are_two_numbers() -> None:
    result = redact("电话13847900002 13912345678；日期2026.01.15。")
    assert result.text == "电话［电话已隐去］ ［电话已隐去］；日期2026.01.15。"


def test_chinese_numerals_in_ordinary_words_stay_text() -> None:
    text = "依据第一条第二款，一次性退回，三十日内缴纳。"
    assert redact(text).text == text


@given(before=chinese_text, email=st.emails(), after=chinese_text)
def test_imd_8_email_addresses_never_survive(before: str, email: str, after: str) -> None:
    assume(email.isascii())
    assert email not in redact(f"{before} {email} {after}").text


@given(before=chinese_text, code=credit_codes(), after=chinese_text)
def test_imd_8_not_met_legal_persons_credit_code_is_kept(before: str, code: str, after: str) -> None:
    # PUB-MASK publishes legal persons' credit codes; one that is also a valid ID number is masked (see module doc).
    assume(not is_valid_id_number(code))
    text = before + "统一社会信用代码：" + code + after
    assert code in redact(text).text


@given(digits=st.text(st.sampled_from("0123456789"), min_size=18, max_size=18))
def test_eighteen_random_digits_that_are_no_plausible_id_are_flagged_not_masked(digits: str) -> None:
    # not masked (a 单号 stays readable) but flagged: the publisher decides before the item is published
    assume(not plausible_id_number(digits) and not luhn_ok(digits) and not digits.startswith("0"))
    result = redact(f"编号{digits}。")
    assert digits in result.text
    assert [s.kind for s in result.spans] == [SpanKind.SUSPECT]


@given(digits=st.text(st.sampled_from("0123456789"), min_size=16, max_size=16))
def test_sixteen_digits_failing_luhn_are_not_masked_as_a_card(digits: str) -> None:
    assume(not luhn_ok(digits))
    result = redact(f"单号{digits}。")
    assert not [s for s in result.spans if s.kind is SpanKind.BANK_CARD]


def test_id_number_with_a_wrong_check_digit_is_still_masked_when_plausible() -> None:
    # prefer masking a plausible number to leaking it: a mistyped ID number is still someone's ID number
    first17 = "15250219800315001"
    right = first17 + id_number_check_digit(first17)
    wrong = first17 + ("1" if right[-1] != "1" else "2")
    assert right not in redact(f"身份证号{right}").text
    assert wrong not in redact(f"身份证号{wrong}").text
    impossible_date = "152502" + "19801345" + "0013"  # no 13th month: not an ID number, but flagged
    result = redact(f"编号{impossible_date}")
    assert impossible_date in result.text and result.flagged


def test_party_names_are_masked_as_surname_and_mou() -> None:
    text = "当事人周某某之父周建国、证人欧阳娜娜、投诉人刘洋到场。"
    people = [Person("周建国"), Person("欧阳娜娜"), Person("刘洋")]
    result = redact(text, people=people)
    assert result.text == "当事人周某某之父周某某、证人欧阳某某、投诉人刘某到场。"
    assert {s.kind for s in result.spans} == {SpanKind.NAME}


def test_party_name_display_is_a_rulebook_parameter() -> None:
    people = [Person("周志明", is_party=True), Person("周建国")]
    assert redact("当事人周志明，其父周建国", people=people).text == "当事人周某某，其父周某某"
    full = redact("当事人周志明，其父周建国", people=people, party_name=NameDisplay.FULL)
    assert full.text == "当事人周志明，其父周某某"  # only the party's own name may be shown in full


def test_masked_name_forms() -> None:
    assert masked_name("张伟") == "张某"
    assert masked_name("张小伟") == "张某某"
    assert masked_name("司马光") == "司马某"
    assert masked_name("乌云其木格") == "乌某某"


def test_legal_persons_names_are_kept() -> None:
    text = "当事人锡林浩特市康宁大药房有限公司，法定代表人赵建华。"
    result = redact(text, people=[Person("赵建华")])
    assert "锡林浩特市康宁大药房有限公司" in result.text
    assert "赵建华" not in result.text


def test_addresses_are_cut_to_county_level() -> None:
    result = redact("住所：内蒙古自治区锡林郭勒盟锡林浩特市锡林大街12号院3栋2单元501室，联系电话13904790001。")
    assert "锡林浩特市（详细地址已隐去）" in result.text
    assert "锡林大街" not in result.text and "501" not in result.text
    assert "13904790001" not in result.text
    assert address_cut("汶上县中都街道某村") == 3
    assert address_cut("锡林浩特市医疗保障局") is None  # no detail below the county: nothing to cut


def test_known_addresses_without_a_county_are_hidden_whole() -> None:
    result = redact("家住幸福小区5号楼。", addresses=["幸福小区5号楼"])
    assert "幸福小区" not in result.text


def test_officer_room_names_are_not_taken_for_addresses() -> None:
    text = "地点：锡林浩特市医疗保障局询问室一。"
    assert redact(text).text == text


def test_manual_redactions_by_span_and_term() -> None:
    text = "患者患有糖尿病，在某医院就诊。"
    result = redact(text, manual=[(4, 7)], terms=["某医院"])
    assert result.text == "患者患有［已遮蔽］，在［已遮蔽］就诊。"
    assert [s.kind for s in result.spans] == [SpanKind.MANUAL, SpanKind.MANUAL]


def test_spans_point_into_both_texts_for_the_preview() -> None:
    text = "电话13904790001，邮箱a.b@example.com。"
    result = redact(text)
    for span in result.spans:
        assert result.text[span.out_start : span.out_end].startswith("［")
    assert [s.kind for s in result.spans] == [SpanKind.MOBILE, SpanKind.EMAIL]
    highlighted = [piece for piece, span in result.segments() if span is not None]
    assert highlighted == ["［电话已隐去］", "［邮箱已隐去］"]
    assert "".join(piece for piece, _ in result.segments()) == result.text
    assert text[result.spans[0].start : result.spans[0].end] == "13904790001"


def test_landline_forms() -> None:
    for number in ["0479-8234567", "04798234567", "（0479）8234567", "010-62345678"]:
        assert number not in redact(f"电话{number}。").text, number


def test_document_numbers_and_amounts_are_kept() -> None:
    text = "锡市医保罚〔2026〕3号：处罚款25,280元，责令退回12640元。"
    assert redact(text).text == text


def test_imd_8_name_like_mentions_nobody_recorded_are_masked() -> None:
    text = "其子周小龙知情，证人：孙丽华到场，委托代理人欧阳娜娜陈述。"
    result = redact(text)
    assert result.text == "其子周某某知情，证人：孙某某到场，委托代理人欧阳某某陈述。"
    assert {s.kind for s in result.spans} == {SpanKind.NAME_LIKE}


def test_imd_4_officers_names_are_not_taken_for_name_like_mentions() -> None:
    text = "听证主持人李娜，记录人郑永刚；代理人李娜到场。"
    assert redact(text, public_names=["李娜", "郑永刚"]).text == text


def test_the_publisher_may_keep_a_hotline_but_never_an_id_number() -> None:
    text = "举报电话0479-8234567；联系人身份证号152502 19800315 0014。"
    kept = redact(text, kept=["0479 8234567", "152502198003150014"])
    assert "0479-8234567" in kept.text
    assert "152502 19800315 0014" not in kept.text and "［身份证号已隐去］" in kept.text
