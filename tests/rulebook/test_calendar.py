"""The working-day calendar and period arithmetic, on fixed real dates.

Holiday facts are from the State Council notices (国务院办公厅关于2025年/2026年部分节假日安排的通知) and are
re-checked against chinese-calendar 1.11.0 where a test depends on them.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time, timedelta

import chinese_calendar
import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from lawtrace.rulebook.calendar import (
    SHANGHAI,
    DayOverride,
    DaySource,
    ExcludedPeriod,
    Extension,
    StaticOverrides,
    Unit,
    WorkingCalendar,
)

CAL = WorkingCalendar()


def at(y: int, m: int, d: int, hh: int = 0, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=SHANGHAI)


def end_of(day: date) -> datetime:
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=SHANGHAI)


# TEST DATA, NOT THE REAL SCHEDULE: an invented 2027 Spring Festival (除夕 2027-02-05) in the shape of a State
# Council notice — off 02-05 (Fri) to 02-13 (Sat), make-up working days 01-31 (Sun) and 02-20 (Sat).
INVENTED_2027 = StaticOverrides(
    [DayOverride(date(2027, 2, 5) + timedelta(days=k), False, "春节") for k in range(9)]
    + [DayOverride(date(2027, 1, 1), False, "元旦")]
    + [DayOverride(date(2027, 1, 31), True, "春节调休上班"), DayOverride(date(2027, 2, 20), True, "春节调休上班")],
    declared_years=[2027],
)


# -- the schedule itself -----------------------------------------------------------------------------------------


def test_2025_national_day_and_mid_autumn_schedule_matches_the_notice() -> None:
    # 2025: 10月1日（周三）至8日（周三）放假调休，共8天；9月28日（周日）、10月11日（周六）上班。
    off = [date(2025, 10, d) for d in range(1, 9)]
    assert not any(chinese_calendar.is_workday(d) for d in off)
    assert chinese_calendar.is_workday(date(2025, 9, 28)) and date(2025, 9, 28).weekday() == 6
    assert chinese_calendar.is_workday(date(2025, 10, 11)) and date(2025, 10, 11).weekday() == 5
    assert [CAL.is_working_day(d) for d in off] == [False] * 8


def test_2026_spring_festival_schedule_matches_the_notice() -> None:
    # 2026: 2月15日（周日）至23日（周一）放假调休，共9天；2月14日（周六）、2月28日（周六）上班。
    assert [CAL.is_working_day(date(2026, 2, d)) for d in range(15, 24)] == [False] * 9
    assert CAL.is_working_day(date(2026, 2, 14)) and date(2026, 2, 14).weekday() == 5
    assert CAL.is_working_day(date(2026, 2, 28)) and date(2026, 2, 28).weekday() == 5
    assert CAL.is_working_day(date(2026, 2, 13)) and CAL.is_working_day(date(2026, 2, 24))


@pytest.mark.parametrize(
    ("day", "working", "reason", "source"),
    [
        (date(2025, 10, 1), False, "法定节假日：国庆节", DaySource.LIBRARY),
        (date(2025, 10, 6), False, "法定节假日：中秋节", DaySource.LIBRARY),
        (date(2025, 10, 11), True, "调休上班（国庆节）", DaySource.LIBRARY),
        (date(2025, 10, 18), False, "周末", DaySource.LIBRARY),
        (date(2025, 10, 9), True, "工作日", DaySource.LIBRARY),
        (date(2027, 10, 1), False, "法定节假日：国庆节", DaySource.FALLBACK),
        (date(2027, 5, 2), False, "法定节假日：劳动节", DaySource.FALLBACK),  # 2 days since the 2024 amendment
        (date(2027, 5, 3), True, "工作日", DaySource.FALLBACK),
        (date(2027, 2, 6), False, "周末", DaySource.FALLBACK),
        (date(2003, 5, 3), False, "法定节假日：劳动节", DaySource.FALLBACK),  # 1999 version: 5-1..5-3
    ],
)
def test_day_info_says_why(day: date, working: bool, reason: str, source: DaySource) -> None:
    info = CAL.day_info(day)
    assert (info.is_working_day, info.reason, info.source) == (working, reason, source)
    assert info.assumed is (source is DaySource.FALLBACK)


def test_day_info_takes_an_aware_datetime_as_its_shanghai_day() -> None:
    # 2025-09-30 17:00 UTC is 2025-10-01 01:00 in Shanghai.
    assert CAL.day_info(datetime(2025, 9, 30, 17, 0, tzinfo=UTC)).day == date(2025, 10, 1)


def test_administrator_override_beats_the_library() -> None:
    cal = WorkingCalendar(StaticOverrides([DayOverride(date(2026, 2, 27), False, "自治区临时调整")]))
    info = cal.day_info(date(2026, 2, 27))
    assert not info.is_working_day
    assert info.reason == "管理员设定：自治区临时调整（放假）"
    assert info.source is DaySource.OVERRIDE and not info.assumed


def test_calendar_never_raises_from_1900_to_2200() -> None:
    day = date(1900, 1, 1)
    while day <= date(2200, 12, 31):
        info = CAL.day_info(day)
        assert info.assumed is not (2004 <= day.year <= 2026)
        day += timedelta(days=1)


# -- working days --------------------------------------------------------------------------------------------------


def test_ws22_record_made_on_national_day_eve_is_due_at_the_end_of_10_october() -> None:
    # Made 2025-09-30 (Tue) 18:00; the day itself is not counted. 10-01..10-08 are the National Day + Mid-Autumn
    # holiday; 10-09 (Thu) is working day 1 and 10-10 (Fri) working day 2, so it must be stored by 10-10 24:00.
    # (The make-up Saturday 10-11 comes after; 09-28, the other make-up day, before the start.)
    due = CAL.add_working_days(at(2025, 9, 30, 18, 0), 2)
    assert due.last_day == date(2025, 10, 10)
    assert due.at == at(2025, 10, 11)
    assert [i.day for i in due.explanation.skipped] == [date(2025, 10, d) for d in range(1, 9)]
    assert not due.assumed
    assert due.text_zh() == (
        "自2025年9月30日起算（当日不计），2个工作日；跳过：10月1日–10月8日（国庆节、中秋节假期）；"
        "届满：2025年10月10日24时"
    )


def test_ws22_met_until_24_00_of_the_last_day() -> None:
    due = CAL.add_working_days(at(2025, 9, 30, 18, 0), 2)
    assert due.is_met_by(at(2025, 10, 10, 23, 59))
    assert due.is_met_by(at(2025, 10, 11, 0, 0))  # 24:00 itself
    assert not due.is_met_by(at(2025, 10, 11, 0, 1))


def test_imd10_seven_working_days_count_both_make_up_days() -> None:
    # Decided 2025-09-26 (Fri): 09-28 (Sun, make-up) 1, 09-29 2, 09-30 3, [10-01..10-08 off], 10-09 4, 10-10 5,
    # 10-11 (Sat, make-up) 6, 10-13 (Mon) 7.
    due = CAL.add_working_days(date(2025, 9, 26), 7)
    assert due.last_day == date(2025, 10, 13)
    assert [i.day for i in due.explanation.makeup_days] == [date(2025, 9, 28), date(2025, 10, 11)]
    assert "9月28日（周日）、10月11日（周六）为调休上班日，计入" in due.text_zh()


def test_spring_festival_2026_five_working_days_from_12_february() -> None:
    # 02-13 (Fri) 1, 02-14 (Sat, make-up) 2, [02-15..02-23 off], 02-24 3, 02-25 4, 02-26 5.
    due = CAL.add_working_days(at(2026, 2, 12, 9, 30), 5)
    assert due.last_day == date(2026, 2, 26)
    assert [i.day for i in due.explanation.makeup_days] == [date(2026, 2, 14)]
    assert [i.day for i in due.explanation.skipped] == [date(2026, 2, d) for d in range(15, 24)]
    assert "跳过：2月15日–2月23日（春节假期）" in due.text_zh()


def test_spring_festival_2026_seven_working_days_from_10_february() -> None:
    # 02-11 1, 02-12 2, 02-13 3, 02-14 (Sat, make-up) 4, [02-15..02-23 off], 02-24 5, 02-25 6, 02-26 7.
    assert CAL.add_working_days(date(2026, 2, 10), 7).last_day == date(2026, 2, 26)


def test_apl56_seven_working_days_across_labour_day_2025() -> None:
    # Preserved 2025-04-30 (Wed): [05-01..05-05 off], 05-06..05-09 1–4, [05-10, 05-11 weekend], 05-12..05-14 5–7.
    assert CAL.add_working_days(date(2025, 4, 30), 7).last_day == date(2025, 5, 14)


def test_apl64_five_working_days_to_ask_for_a_hearing_across_labour_day_2026() -> None:
    # Notified 2026-04-30 (Thu): [05-01..05-05 off], 05-06 1, 05-07 2, 05-08 3, 05-09 (Sat, make-up) 4, 05-11 5.
    assert CAL.add_working_days(date(2026, 4, 30), 5).last_day == date(2026, 5, 11)


def test_zero_working_days_is_the_start_day_itself_even_on_a_holiday() -> None:
    due = CAL.add_working_days(at(2025, 10, 3, 10, 0), 0)
    assert due.last_day == date(2025, 10, 3)
    assert due.at == at(2025, 10, 4)
    assert "0个工作日（即当日）" in due.text_zh()


def test_working_days_with_an_excluded_period_and_an_extension() -> None:
    # From 2026-03-02 (Mon), 5 working days would end 03-09 (Mon); 03-04..03-05 are excluded (2 working days), so
    # 03-11; an extension of 2 working days gives 03-13 (Fri).
    due = CAL.add_working_days(
        date(2026, 3, 2),
        5,
        excluded=[ExcludedPeriod(date(2026, 3, 4), date(2026, 3, 5), "鉴定")],
        extensions=[Extension(2, Unit.WORKING_DAY, "负责人批准延长")],
    )
    assert due.last_day == date(2026, 3, 13)
    assert "不计入：3月4日–3月5日（鉴定，2日）" in due.text_zh()
    assert "延长：2个工作日（负责人批准延长）" in due.text_zh()


def test_working_days_between_counts_how_late() -> None:
    assert CAL.working_days_between(date(2025, 9, 30), date(2025, 10, 10)) == 2
    assert CAL.working_days_between(date(2025, 10, 10), date(2025, 9, 30)) == -2
    assert CAL.working_days_between(date(2025, 10, 10), date(2025, 10, 10)) == 0
    assert CAL.working_days_between(date(2025, 10, 10), date(2025, 10, 13)) == 2  # Sat 10-11 make-up, Mon 10-13


# -- hours ---------------------------------------------------------------------------------------------------------


def test_imr22_24_hours_across_midnight() -> None:
    due = CAL.add_hours(at(2025, 3, 10, 22, 15), 24)
    assert due.at == at(2025, 3, 11, 22, 15)
    assert due.last_day == date(2025, 3, 11)
    assert due.text_zh() == "自2025年3月10日22时15分起算，24小时；届满：2025年3月11日22时15分"


def test_hours_run_from_the_exact_instant_whatever_the_input_zone() -> None:
    start = datetime(2025, 9, 30, 16, 15, 40, tzinfo=UTC)  # 2025-10-01 00:15:40 in Shanghai
    due = CAL.add_hours(start, 24)
    assert due.at == datetime(2025, 10, 2, 0, 15, 40, tzinfo=SHANGHAI)  # holidays do not matter
    assert due.at.tzinfo is SHANGHAI


def test_hours_ending_at_midnight_belong_to_the_previous_day() -> None:
    assert CAL.add_hours(at(2025, 3, 10, 12, 0), 12).last_day == date(2025, 3, 10)


# -- calendar days ----------------------------------------------------------------------------------------------


def test_apl67_fifteen_days_ending_on_national_day_rolls_only_when_asked() -> None:
    # Received 2026-09-18: day 15 is 10-03, inside the 10-01..10-07 holiday; the next working day is 10-08 (Thu).
    plain = CAL.add_calendar_days(at(2026, 9, 18, 16, 0), 15)
    rolled = CAL.add_calendar_days(at(2026, 9, 18, 16, 0), 15, roll_to_working_day=True)
    assert plain.last_day == date(2026, 10, 3)
    assert plain.explanation.rolled_from is None and not plain.explanation.rolled
    assert rolled.last_day == date(2026, 10, 8)
    assert rolled.explanation.rolled_from == date(2026, 10, 3)
    assert [i.day for i in rolled.explanation.rolled_over] == [date(2026, 10, d) for d in range(3, 8)]
    assert "10月3日–10月7日为国庆节假期，顺延至10月8日" in rolled.text_zh()
    assert "最后一日遇节假日不顺延" in plain.text_zh()


def test_ws23_thirty_days_on_a_working_day_does_not_roll() -> None:
    due = CAL.add_calendar_days(date(2026, 9, 15), 30, roll_to_working_day=True)
    assert due.last_day == date(2026, 10, 15)
    assert due.explanation.rolled_from is None


def test_apl60_ninety_days_with_an_excluded_period_and_a_thirty_day_extension() -> None:
    # Opened 2026-03-02: 90 days → 05-31; 5 excluded days (testing, 03-10..03-14) → 06-05; 30 more days → 07-05
    # (Sunday). Rolled: 07-06 (Mon).
    excluded = [ExcludedPeriod(date(2026, 3, 10), date(2026, 3, 14), "检测检验")]
    extensions = [Extension(30, Unit.CALENDAR_DAY, "负责人批准延长")]
    plain = CAL.add_calendar_days(at(2026, 3, 2, 10, 0), 90, excluded=excluded, extensions=extensions)
    assert date(2026, 3, 2) + timedelta(days=90) == date(2026, 5, 31)
    assert plain.last_day == date(2026, 7, 5)
    assert plain.explanation.excluded[0].days == 5
    rolled = CAL.add_calendar_days(
        at(2026, 3, 2, 10, 0), 90, excluded=excluded, extensions=extensions, roll_to_working_day=True
    )
    assert rolled.last_day == date(2026, 7, 6)
    assert rolled.text_zh() == (
        "自2026年3月2日起算（当日不计），90日（最后一日遇节假日顺延）；不计入：3月10日–3月14日（检测检验，5日）；"
        "延长：30日（负责人批准延长）；7月5日为周末，顺延至7月6日；届满：2026年7月6日24时"
    )


def test_cel25_sealing_thirty_days_paused_for_appraisal_and_extended_once() -> None:
    # Sealed 2026-06-01: 30 days → 07-01; appraisal 06-10..06-19 (10 days) → 07-11; extended 30 days → 08-10.
    due = CAL.add_calendar_days(
        date(2026, 6, 1),
        30,
        excluded=[ExcludedPeriod(date(2026, 6, 10), date(2026, 6, 19), "鉴定")],
        extensions=[Extension(30, Unit.CALENDAR_DAY, "情况复杂，经负责人批准延长")],
    )
    assert due.last_day == date(2026, 8, 10)


def test_excluded_period_begun_before_the_start_counts_only_its_days_after_the_start() -> None:
    due = CAL.add_calendar_days(
        date(2026, 3, 2), 10, excluded=[ExcludedPeriod(date(2026, 2, 25), date(2026, 3, 4), "检测")]
    )
    assert due.last_day == date(2026, 3, 14)  # 03-03 and 03-04 excluded
    span = due.explanation.excluded[0]
    assert (span.start, span.end, span.days) == (date(2026, 3, 3), date(2026, 3, 4), 2)


def test_adjacent_excluded_periods_are_allowed() -> None:
    periods = [
        ExcludedPeriod(date(2026, 3, 3), date(2026, 3, 4), "检测"),
        ExcludedPeriod(date(2026, 3, 5), date(2026, 3, 5), "听证"),
    ]
    assert CAL.add_calendar_days(date(2026, 3, 2), 10, excluded=periods).last_day == date(2026, 3, 15)


def test_overlapping_excluded_periods_are_refused() -> None:
    periods = [
        ExcludedPeriod(date(2026, 3, 3), date(2026, 3, 10), "检测"),
        ExcludedPeriod(date(2026, 3, 10), date(2026, 3, 12), "鉴定"),
    ]
    with pytest.raises(ValueError, match="不计入期间重叠"):
        CAL.add_calendar_days(date(2026, 3, 2), 90, excluded=periods)
    with pytest.raises(ValueError, match="不计入期间重叠"):
        CAL.add_working_days(date(2026, 3, 2), 5, excluded=list(reversed(periods)))


def test_excluded_period_ending_before_it_starts_is_refused() -> None:
    with pytest.raises(ValueError, match="早于开始日期"):
        ExcludedPeriod(date(2026, 3, 10), date(2026, 3, 9), "检测")


def test_extensions_are_whole_positive_days_or_working_days() -> None:
    with pytest.raises(ValueError, match="正数"):
        Extension(0, Unit.CALENDAR_DAY, "延长")
    with pytest.raises(ValueError, match="工作日或自然日"):
        Extension(1, Unit.MONTH, "延长")


# -- months and fixed dates ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "months", "last_day", "clamped"),
    [
        (date(2026, 1, 31), 1, date(2026, 2, 28), True),
        (date(2024, 1, 31), 1, date(2024, 2, 29), True),
        (date(2025, 8, 31), 6, date(2026, 2, 28), True),  # CEL-53: six months to sue
        (date(2026, 2, 28), 3, date(2026, 5, 28), False),  # CEL-53: then three months to apply to the court
        (date(2026, 3, 15), 12, date(2027, 3, 15), False),
        (date(2026, 3, 15), 0, date(2026, 3, 15), False),
    ],
)
def test_months_keep_the_day_number_or_clamp_to_month_end(
    start: date, months: int, last_day: date, clamped: bool
) -> None:
    due = CAL.add_months(start, months)
    assert due.last_day == last_day
    assert due.at == end_of(last_day)
    assert due.explanation.clamped is clamped
    assert not due.assumed


def test_months_roll_when_asked() -> None:
    # 2026-03-03 + 7 months = 10-03, inside the National Day holiday → 10-08.
    assert CAL.add_months(date(2026, 3, 3), 7).last_day == date(2026, 10, 3)
    assert CAL.add_months(date(2026, 3, 3), 7, roll_to_working_day=True).last_day == date(2026, 10, 8)


def test_imd72_31_january_on_a_saturday_does_not_move() -> None:
    due = CAL.fixed_date(2026, 1, 31)
    assert date(2026, 1, 31).weekday() == 5
    assert due.last_day == date(2026, 1, 31)
    assert due.at == at(2026, 2, 1)
    assert due.text_zh() == "固定日期，不顺延；该日为周六（周末）；届满：2026年1月31日24时"


def test_fixed_date_on_a_holiday_says_so_and_is_never_assumed() -> None:
    assert "元旦假期" in CAL.fixed_date(2026, 1, 1).text_zh()
    due = CAL.fixed_date(2027, 1, 31)  # a Sunday in a year nobody has entered
    assert not due.assumed
    assert "按常规推定" in due.text_zh()


# -- counting backwards --------------------------------------------------------------------------------------------


def test_apl64_hearing_notice_at_least_seven_working_days_before() -> None:
    # Hearing 2026-03-20 (Fri): 7 working days back counting the hearing day: 03-20, 19, 18, 17, 16, 13, 12 → notice
    # by 03-11. Check: 03-11 + 7 working days = 03-20.
    due = CAL.subtract_working_days(at(2026, 3, 20, 9, 0), 7)
    assert due.last_day == date(2026, 3, 11)
    assert CAL.add_working_days(date(2026, 3, 11), 7).last_day == date(2026, 3, 20)
    assert CAL.add_working_days(date(2026, 3, 12), 7).last_day > date(2026, 3, 20)
    assert due.text_zh().endswith("最迟：2026年3月11日24时")


def test_counting_back_over_spring_festival_2026() -> None:
    # Hearing 2026-02-26: 02-26, 25, 24, [02-15..02-23 off], 02-14 (make-up), 13, 12, 11 → notice by 02-10.
    due = CAL.subtract_working_days(date(2026, 2, 26), 7)
    assert due.last_day == date(2026, 2, 10)
    assert [i.day for i in due.explanation.makeup_days] == [date(2026, 2, 14)]


def test_counting_back_may_land_on_a_holiday_and_says_so() -> None:
    due = CAL.subtract_working_days(date(2026, 2, 24), 1)
    assert due.last_day == date(2026, 2, 23)
    assert "2月23日为周一（春节假期），非工作日" in due.text_zh()
    assert CAL.subtract_working_days(date(2026, 2, 24), 0).last_day == date(2026, 2, 24)


# -- years nobody has entered --------------------------------------------------------------------------------------


def test_2027_does_not_crash_and_is_flagged_assumed() -> None:
    due = CAL.add_working_days(at(2027, 2, 4, 9, 0), 5)
    # Fallback: Monday–Friday; 02-05 (Fri) 1, 02-08..02-11 2–5.
    assert due.last_day == date(2027, 2, 11)
    assert due.assumed
    assert due.explanation.assumed_years == (2027,)
    assert due.text_zh().endswith("。暂按常规工作日计算：2027年放假安排尚未录入")
    assert due.to_dict()["warning_zh"] == "暂按常规工作日计算：2027年放假安排尚未录入"


def test_december_2026_case_crossing_into_2027_skips_new_year_and_is_assumed() -> None:
    # 12-29..12-31 1–3, 2027-01-01 (Fri, 元旦, fixed date) skipped, [01-02, 01-03 weekend], 01-04 4, 01-05 5.
    due = CAL.add_working_days(date(2026, 12, 28), 5)
    assert due.last_day == date(2027, 1, 5)
    assert due.explanation.assumed_years == (2027,)
    assert "跳过：2027年1月1日–1月3日（元旦假期、周末）" in due.text_zh()


def test_2027_entered_by_the_administrator_is_not_assumed_and_differs() -> None:
    cal = WorkingCalendar(INVENTED_2027)
    due = cal.add_working_days(at(2027, 2, 4, 9, 0), 5)
    # Invented schedule: 02-05..02-13 off, 02-14 Sunday; 02-15..02-19 1–5.
    assert due.last_day == date(2027, 2, 19)
    assert not due.assumed
    assert "2月5日–2月14日（春节假期、周末）" in due.text_zh()
    assert cal.day_info(date(2027, 2, 20)).is_makeup_working_day
    assert cal.day_info(date(2027, 3, 6)).source is DaySource.DECLARED


def test_a_single_override_does_not_declare_the_year() -> None:
    cal = WorkingCalendar(StaticOverrides([DayOverride(date(2027, 2, 8), False, "春节")]))
    due = cal.add_working_days(date(2027, 2, 4), 5)
    assert due.last_day == date(2027, 2, 12)
    assert due.assumed


def test_calendar_days_without_rolling_do_not_depend_on_the_schedule() -> None:
    assert not CAL.add_calendar_days(date(2027, 12, 1), 90).assumed
    assert CAL.add_calendar_days(date(2027, 12, 1), 90, roll_to_working_day=True).assumed


# -- input checks and the stored form ------------------------------------------------------------------------------


def test_naive_datetimes_are_refused() -> None:
    naive = datetime(2025, 9, 30, 18, 0)
    for call in (
        lambda: CAL.add_working_days(naive, 2),
        lambda: CAL.add_calendar_days(naive, 2),
        lambda: CAL.add_hours(naive, 24),
        lambda: CAL.add_months(naive, 1),
        lambda: CAL.subtract_working_days(naive, 7),
        lambda: CAL.day_info(naive),
        lambda: CAL.add_hours(at(2025, 9, 30), 1).is_met_by(naive),
    ):
        with pytest.raises(ValueError, match="时区"):
            call()


def test_negative_periods_are_refused() -> None:
    with pytest.raises(ValueError):
        CAL.add_working_days(date(2026, 3, 2), -1)
    with pytest.raises(ValueError):
        CAL.add_calendar_days(date(2026, 3, 2), -1)
    with pytest.raises(ValueError):
        CAL.add_hours(at(2026, 3, 2), -1)
    with pytest.raises(ValueError):
        CAL.add_months(date(2026, 3, 2), -1)
    with pytest.raises(ValueError):
        CAL.subtract_working_days(date(2026, 3, 2), -1)


def test_to_dict_is_json_ready_and_complete() -> None:
    due = CAL.add_working_days(at(2025, 9, 30, 18, 0), 2)
    stored = json.loads(json.dumps(due.to_dict(), ensure_ascii=False))
    assert stored["at"] == "2025-10-11T00:00:00+08:00"
    assert stored["last_day"] == "2025-10-10"
    assert stored["unit"] == "working_day" and stored["n"] == 2
    assert stored["start"] == "2025-09-30T18:00:00+08:00"
    assert len(stored["skipped"]) == 8 and stored["skipped"][0]["reason"] == "法定节假日：国庆节"
    assert stored["assumed_years"] == [] and stored["warning_zh"] is None
    assert stored["text_zh"] == due.text_zh()


# -- properties ----------------------------------------------------------------------------------------------------

KNOWN_DAYS = st.dates(date(2005, 1, 1), date(2026, 12, 31))
FALLBACK_DAYS = st.dates(date(2027, 1, 1), date(2030, 12, 31))
DAYS = st.one_of(KNOWN_DAYS, FALLBACK_DAYS)
STARTS = st.builds(
    lambda d, h, m: datetime.combine(d, time(h, m), tzinfo=SHANGHAI), DAYS, st.integers(0, 23), st.integers(0, 59)
)
N = st.integers(0, 40)
PROPERTY = hypothesis_settings(deadline=None)  # max_examples from the profile in tests/conftest.py


@PROPERTY
@given(STARTS, N, st.integers(1, 20))
def test_working_days_are_strictly_increasing_in_n(start: datetime, n: int, more: int) -> None:
    assert CAL.add_working_days(start, n).last_day < CAL.add_working_days(start, n + more).last_day


@PROPERTY
@given(DAYS, st.integers(0, 30), N)
def test_working_days_are_monotonic_in_the_start(start: date, later_by: int, n: int) -> None:
    later = start + timedelta(days=later_by)
    assert CAL.add_working_days(start, n).last_day <= CAL.add_working_days(later, n).last_day


@PROPERTY
@given(STARTS, st.integers(1, 40))
def test_working_days_land_on_a_working_day(start: datetime, n: int) -> None:
    due = CAL.add_working_days(start, n)
    assert CAL.is_working_day(due.last_day)
    assert due.at == end_of(due.last_day)
    assert CAL.working_days_between(start.date(), due.last_day) == n


@PROPERTY
@given(DAYS, N, N)
def test_working_days_add_up(start: date, a: int, b: int) -> None:
    first = CAL.add_working_days(start, a)
    assert CAL.add_working_days(first.last_day, b).last_day == CAL.add_working_days(start, a + b).last_day


@PROPERTY
@given(DAYS, N)
def test_counting_back_agrees_with_counting_forward(later: date, n: int) -> None:
    latest = CAL.subtract_working_days(later, n).last_day
    assert CAL.add_working_days(latest, n).last_day <= later
    assert CAL.add_working_days(latest + timedelta(days=1), n).last_day > later or n == 0
    if n == 0:
        assert latest == later


@PROPERTY
@given(STARTS, st.integers(0, 400))
def test_calendar_days_without_rolling_are_plain_date_arithmetic(start: datetime, n: int) -> None:
    due = CAL.add_calendar_days(start, n)
    assert due.last_day == start.date() + timedelta(days=n)
    assert due.at == end_of(due.last_day)
    assert not due.assumed


@PROPERTY
@given(DAYS, st.integers(1, 120), st.integers(0, 100), st.integers(1, 30))
def test_excluded_days_inside_the_period_extend_it_day_for_day(start: date, n: int, offset: int, length: int) -> None:
    first = start + timedelta(days=1 + offset % n)
    period = ExcludedPeriod(first, first + timedelta(days=length - 1), "检测")
    due = CAL.add_calendar_days(start, n, excluded=[period])
    assert due.last_day == start + timedelta(days=n + length)


@PROPERTY
@given(DAYS, st.integers(0, 120))
def test_rolling_goes_to_the_first_working_day_on_or_after_the_last_day(start: date, n: int) -> None:
    plain = CAL.add_calendar_days(start, n).last_day
    rolled = CAL.add_calendar_days(start, n, roll_to_working_day=True).last_day
    assert CAL.is_working_day(rolled) and rolled >= plain
    assert all(not CAL.is_working_day(plain + timedelta(days=k)) for k in range((rolled - plain).days))


@PROPERTY
@given(STARTS, st.integers(0, 1000))
def test_hours_are_exact_elapsed_time(start: datetime, n: int) -> None:
    assert CAL.add_hours(start, n).at - start == timedelta(hours=n)


@PROPERTY
@given(DAYS, st.integers(0, 60))
def test_only_unentered_years_make_a_result_assumed(start: date, n: int) -> None:
    due = CAL.add_working_days(start, n)
    counted = {start + timedelta(days=k) for k in range(1, (due.last_day - start).days + 1)}
    assert set(due.explanation.assumed_years) == {d.year for d in counted if not 2004 <= d.year <= 2026}
