"""IMD-8 / PUB-MASK: what the redaction finds and masks before anything is published, and what it keeps."""

from __future__ import annotations

from datetime import date

from hypothesis import assume, given
from hypothesis import strategies as st

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
def test_eighteen_random_digits_failing_the_check_are_not_masked(digits: str) -> None:
    assume(not is_valid_id_number(digits) and not luhn_ok(digits))
    assert digits in redact(f"编号{digits}。").text


@given(digits=st.text(st.sampled_from("0123456789"), min_size=16, max_size=16))
def test_sixteen_digits_failing_luhn_are_not_masked_as_a_card(digits: str) -> None:
    assume(not luhn_ok(digits))
    result = redact(f"单号{digits}。")
    assert not [s for s in result.spans if s.kind is SpanKind.BANK_CARD]


def test_id_number_with_a_wrong_check_digit_is_kept_and_a_right_one_masked() -> None:
    first17 = "15250219800315001"
    right = first17 + id_number_check_digit(first17)
    wrong = first17 + ("1" if right[-1] != "1" else "2")
    assert right not in redact(f"身份证号{right}").text
    assert wrong in redact(f"身份证号{wrong}").text


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
