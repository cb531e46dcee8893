"""Working days and legal time limits (期间计算), pure and explained.

Every rule of time the system knows is computed here, on fixed inputs, with no clock and no database. A result is a
:class:`Due`: the instant the period ends, its last day, and an :class:`Explanation` that says how it was reached
(shown to officers as ``Due.text_zh()`` and stored as ``Due.to_dict()``)::

    自2025年9月30日起算（当日不计），2个工作日；跳过：10月1日–10月8日（国庆节、中秋节假期）；届满：2025年10月10日24时

Conventions (DESIGN.md § Decisions → Time), after 《民法典》第二百零一条至第二百零三条:

* The start day is not counted; counting begins the next day (第二百零一条).
* A period counted in days or months ends at 24:00 Asia/Shanghai of its last day (第二百零三条第二款); ``Due.at`` holds
  that instant as the next day's 00:00 and ``Due.last_day`` the day itself.
* "N 小时" runs from the minute: the exact instant ``start + N hours`` (第二百零一条第二款).
* Months add by calendar: the same day number, or the month's last day where the month has none (第二百零二条).
* Working days (行政处罚法第八十五条: 二日、三日、五日、七日; 行政强制法第六十九条: 十日以内) skip weekends and
  holidays and count make-up working days (调休上班). Which periods count working days is the caller's (rulebook's)
  business; this module has no rule numbers in it.
* A calendar-day or month period whose last day is not a working day moves to the next working day only when the
  caller asks (``roll_to_working_day``; 第二百零三条第一款 is the civil-law default, a rule may say otherwise).
* Fixed dates ("by 31 January") never move.
* Counting backwards subtracts from the later date (:meth:`WorkingCalendar.subtract_working_days`).
* Excluded periods (pauses: testing, appraisal, suspension) are whole days, inclusive, never overlapping; their days
  are not counted, so the period is extended by them. Extensions are added after the base period.

Which days are working days: an administrator's entry for the date, then ``chinese-calendar`` for the years it knows
(2004–2026 in 1.11.0), then a fallback (Monday–Friday without the fixed-date statutory holidays) that is marked
*assumed*: every result that relied on it says "暂按常规工作日计算：2027年放假安排尚未录入" until the year is entered.
"""

from __future__ import annotations

import calendar as _gregorian
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from itertools import pairwise
from typing import Any, Protocol
from zoneinfo import ZoneInfo

import chinese_calendar

SHANGHAI = ZoneInfo("Asia/Shanghai")
_ONE_DAY = timedelta(days=1)
_WEEKDAYS_ZH = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")

# chinese-calendar's English holiday names → the names used in the State Council notices.
_HOLIDAY_ZH = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日",
}
_LIBRARY_YEARS = range(min(chinese_calendar.holidays).year, max(chinese_calendar.holidays).year + 1)

# Fixed-date holidays of 《全国年节及纪念日放假办法》 for the fallback, by the first year each version applies.
# Lunar holidays (春节, 端午节, 中秋节) and 清明节 (a solar term) are not computable here and are left out; so are the
# State Council's yearly adjustments (调休, make-up days for holidays on a weekend). Hence "assumed".
_NEW_YEAR = {(1, 1): "元旦"}
_NATIONAL_DAY = {(10, d): "国庆节" for d in (1, 2, 3)}
_FIXED_HOLIDAYS: tuple[tuple[int, Mapping[tuple[int, int], str]], ...] = (
    # 2024年11月10日修订（国务院令第795号），2025年1月1日起施行：元旦1天，劳动节2天（5月1日、2日），国庆节3天。
    (2025, _NEW_YEAR | {(5, d): "劳动节" for d in (1, 2)} | _NATIONAL_DAY),
    # 2007年修订，2008年起（2013年修订未改这些日期）：元旦1天，劳动节1天，国庆节3天。
    (2008, _NEW_YEAR | {(5, 1): "劳动节"} | _NATIONAL_DAY),
    # 1999年修订：元旦1天，劳动节3天，国庆节3天。更早的年份也按此推定（系统中不会出现）。
    (1, _NEW_YEAR | {(5, d): "劳动节" for d in (1, 2, 3)} | _NATIONAL_DAY),
)


class Unit(StrEnum):
    WORKING_DAY = "working_day"
    CALENDAR_DAY = "calendar_day"
    HOUR = "hour"
    FIXED_DATE = "fixed_date"
    MONTH = "month"


class DaySource(StrEnum):
    """Where a day's status came from, in order of precedence."""

    OVERRIDE = "override"  # the administrator's entry for that date
    LIBRARY = "chinese_calendar"  # the State Council schedule as shipped in chinese-calendar
    DECLARED = "declared_year"  # a year the administrator entered in full: plain weekdays/weekends, not assumed
    FALLBACK = "fallback"  # nobody knows the year: Monday–Friday minus fixed-date holidays — assumed


@dataclass(frozen=True)
class DayOverride:
    """An administrator's entry from a State Council notice: this day is (not) a working day, and why."""

    day: date
    is_working_day: bool
    name: str  # e.g. "春节", "春节调休上班"


class OverrideSource(Protocol):
    """The administrator's holiday table. The Django model plugs in here; the calendar never imports it."""

    def overrides_for_year(self, year: int) -> Mapping[date, DayOverride]: ...

    def year_is_declared(self, year: int) -> bool:
        """True when the whole year's State Council schedule has been entered (dates not listed are ordinary)."""
        ...


class StaticOverrides:
    """An in-memory :class:`OverrideSource` (tests, fixtures, the demo)."""

    def __init__(self, overrides: Iterable[DayOverride] = (), declared_years: Iterable[int] = ()) -> None:
        self._by_day: dict[date, DayOverride] = {}
        for override in overrides:
            if override.day in self._by_day:
                raise ValueError(f"同一日期重复设定：{override.day.isoformat()}")
            self._by_day[override.day] = override
        self._declared = frozenset(declared_years)

    def overrides_for_year(self, year: int) -> Mapping[date, DayOverride]:
        return {d: o for d, o in self._by_day.items() if d.year == year}

    def year_is_declared(self, year: int) -> bool:
        return year in self._declared


@dataclass(frozen=True)
class DayInfo:
    """One day's status and the reason, e.g. ``法定节假日：国庆节``, ``调休上班（春节）``, ``周末``, ``工作日``."""

    day: date
    is_working_day: bool
    reason: str
    source: DaySource
    holiday_name: str | None = None  # the holiday the day belongs to (or, for a make-up day, compensates)

    @property
    def assumed(self) -> bool:
        return self.source is DaySource.FALLBACK

    @property
    def is_makeup_working_day(self) -> bool:
        """A Saturday or Sunday that is a working day (调休上班)."""
        return self.is_working_day and self.day.weekday() >= 5

    def to_dict(self) -> dict[str, Any]:
        return {
            "day": self.day.isoformat(),
            "is_working_day": self.is_working_day,
            "reason": self.reason,
            "source": self.source.value,
            "holiday_name": self.holiday_name,
            "assumed": self.assumed,
        }


@dataclass(frozen=True)
class ExcludedPeriod:
    """Whole days, ``start`` to ``end`` inclusive, that a period does not count (testing, appraisal, suspension…).

    An open pause (end not entered yet) has no deadline; the caller, who knows today, passes it closed at today to
    show the earliest possible due date. That it never starts in the future is the caller's check too.
    """

    start: date
    end: date
    reason: str

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"不计入期间的结束日期（{self.end.isoformat()}）早于开始日期（{self.start.isoformat()}）")

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day <= self.end


@dataclass(frozen=True)
class Extension:
    """An approved extension of ``days`` working or calendar days, counted after the base period."""

    days: int
    unit: Unit
    reason: str

    def __post_init__(self) -> None:
        if self.unit not in (Unit.WORKING_DAY, Unit.CALENDAR_DAY):
            raise ValueError(f"延长期限只能按工作日或自然日计算，不能按{self.unit.value}")
        if self.days < 1:
            raise ValueError(f"延长天数必须为正数：{self.days}")


@dataclass(frozen=True)
class ExcludedSpan:
    """The part of an excluded period that fell inside the counted range, and how many days it added."""

    start: date
    end: date
    reason: str
    days: int


@dataclass(frozen=True)
class Explanation:
    """How a due date was reached: everything needed to show it, store it, and check it by hand."""

    unit: Unit
    n: int | None  # None for a fixed date
    start: datetime | date | None  # the instant (or day) counted from; None for a fixed date or counting back
    reference_day: date  # day counting starts after (forward), or counts back from (backward); the fixed date
    last_day: date
    ends_at: datetime
    backward: bool = False
    skipped: tuple[DayInfo, ...] = ()  # non-working days passed over while counting working days
    makeup_days: tuple[DayInfo, ...] = ()  # weekend working days (调休上班) that were counted
    excluded: tuple[ExcludedSpan, ...] = ()
    extensions: tuple[Extension, ...] = ()
    roll_to_working_day: bool = False
    rolled_from: date | None = None  # the period's own last day, when it was not a working day and was moved
    rolled_over: tuple[DayInfo, ...] = ()  # the non-working days moved over
    clamped: bool = False  # months: the target month has no such day number, its last day was used
    notes: tuple[str, ...] = ()
    assumed_years: tuple[int, ...] = ()  # years counted with the fallback (no schedule entered)

    @property
    def assumed(self) -> bool:
        return bool(self.assumed_years)

    @property
    def rolled(self) -> bool:
        """Whether the last day was moved to the next working day."""
        return self.rolled_from is not None

    def warning_zh(self) -> str | None:
        """``暂按常规工作日计算：2027年放假安排尚未录入`` when any day came from the fallback, else None."""
        if not self.assumed_years:
            return None
        return "暂按常规工作日计算：" + "、".join(f"{y}年" for y in self.assumed_years) + "放假安排尚未录入"

    def text_zh(self) -> str:
        """A short Chinese account; dates omit the year when it is the reference day's year."""
        year = self.reference_day.year
        parts = [self._head_zh()]
        holidays = [r for r in _runs(self.skipped) if not _is_plain_weekend(r)]
        weekend_days = sum(len(r) for r in _runs(self.skipped) if _is_plain_weekend(r))
        skipped = [f"{_span_zh(r[0].day, r[-1].day, year)}（{_label_zh(r)}）" for r in holidays]
        if weekend_days:
            skipped.append(f"周末{weekend_days}日")
        if skipped:
            parts.append("跳过：" + "、".join(skipped))
        if self.makeup_days:
            days = "、".join(f"{_day_zh(i.day, year)}（{_WEEKDAYS_ZH[i.day.weekday()]}）" for i in self.makeup_days)
            parts.append(f"{days}为调休上班日，计入")
        if self.excluded:
            spans = (f"{_span_zh(s.start, s.end, year)}（{s.reason}，{s.days}日）" for s in self.excluded)
            parts.append("不计入：" + "、".join(spans))
        if self.extensions:
            units = {Unit.WORKING_DAY: "个工作日", Unit.CALENDAR_DAY: "日"}
            parts.append("延长：" + "、".join(f"{e.days}{units[e.unit]}（{e.reason}）" for e in self.extensions))
        if self.rolled_from is not None:
            runs = "、".join(f"{_span_zh(r[0].day, r[-1].day, year)}为{_label_zh(r)}" for r in _runs(self.rolled_over))
            parts.append(f"{runs}，顺延至{_day_zh(self.last_day, year)}")
        parts.extend(self.notes)
        if self.unit is Unit.HOUR:
            parts.append(f"届满：{_instant_zh(self.ends_at)}")
        else:
            parts.append(f"{'最迟' if self.backward else '届满'}：{_day_zh(self.last_day)}24时")
        text = "；".join(parts)
        warning = self.warning_zh()
        return f"{text}。{warning}" if warning else text

    def _head_zh(self) -> str:
        ref = _day_zh(self.reference_day)
        if self.unit is Unit.FIXED_DATE:
            return "固定日期，不顺延"
        if self.unit is Unit.HOUR:
            assert isinstance(self.start, datetime)
            return f"自{_instant_zh(self.start)}起算，{self.n}小时"
        if self.backward:
            return f"自{ref}向前倒算{self.n}个工作日（该日计入，所得日期加{self.n}个工作日不晚于该日）"
        amount = {Unit.WORKING_DAY: "个工作日", Unit.CALENDAR_DAY: "日", Unit.MONTH: "个月"}[self.unit]
        qualifiers = []
        if self.unit is Unit.WORKING_DAY and self.n == 0:
            qualifiers.append("即当日")
        if self.clamped:
            qualifiers.append("到期月无对应日，以月末日为最后一日")
        if self.unit is not Unit.WORKING_DAY:
            qualifiers.append("最后一日遇节假日顺延" if self.roll_to_working_day else "最后一日遇节假日不顺延")
        head = f"自{ref}起算（当日不计），{self.n}{amount}"
        return head + (f"（{'；'.join(qualifiers)}）" if qualifiers else "")

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form (ISO dates and times), for storing beside a finding and rendering in HTML."""
        return {
            "unit": self.unit.value,
            "n": self.n,
            "start": self.start.isoformat() if self.start is not None else None,
            "reference_day": self.reference_day.isoformat(),
            "backward": self.backward,
            "last_day": self.last_day.isoformat(),
            "ends_at": self.ends_at.isoformat(),
            "skipped": [i.to_dict() for i in self.skipped],
            "makeup_days": [i.to_dict() for i in self.makeup_days],
            "excluded": [
                {"start": s.start.isoformat(), "end": s.end.isoformat(), "reason": s.reason, "days": s.days}
                for s in self.excluded
            ],
            "extensions": [{"days": e.days, "unit": e.unit.value, "reason": e.reason} for e in self.extensions],
            "roll_to_working_day": self.roll_to_working_day,
            "rolled": self.rolled,
            "rolled_from": self.rolled_from.isoformat() if self.rolled_from else None,
            "rolled_over": [i.to_dict() for i in self.rolled_over],
            "clamped": self.clamped,
            "notes": list(self.notes),
            "assumed_years": list(self.assumed_years),
            "warning_zh": self.warning_zh(),
            "text_zh": self.text_zh(),
        }


@dataclass(frozen=True)
class Due:
    """When a period ends: ``at`` (aware, Asia/Shanghai), ``last_day``, and how it was reached."""

    at: datetime
    last_day: date
    explanation: Explanation

    @property
    def assumed(self) -> bool:
        """True when a year without an entered schedule was counted: show the warning, recompute once entered."""
        return self.explanation.assumed

    def is_met_by(self, done_at: datetime) -> bool:
        """Whether something done at ``done_at`` (aware) is within the period: at or before ``at``."""
        return _local(done_at) <= self.at

    def text_zh(self) -> str:
        return self.explanation.text_zh()

    def to_dict(self) -> dict[str, Any]:
        return {"at": self.at.isoformat(), "last_day": self.last_day.isoformat(), **self.explanation.to_dict()}


@dataclass
class _Count:
    """What a walk over the days collected (internal)."""

    day: date
    skipped: list[DayInfo] = field(default_factory=list)
    makeup: list[DayInfo] = field(default_factory=list)
    rolled_over: list[DayInfo] = field(default_factory=list)
    rolled_from: date | None = None
    excluded_hits: dict[int, list[date]] = field(default_factory=dict)
    assumed_years: set[int] = field(default_factory=set)


class WorkingCalendar:
    """Which days are working days, and the period arithmetic built on them.

    A day's status is decided, first match wins:

    1. the administrator's override for that date (``管理员设定：…``);
    2. chinese-calendar, if it knows the year (``法定节假日：国庆节``, ``调休上班（国庆节）``, ``周末``, ``工作日``);
    3. if the administrator declared the whole year: Monday–Friday, minus the fixed-date statutory holidays — not
       assumed (the declaration says nothing else changes);
    4. otherwise the same rule, marked *assumed*: Monday–Friday working, minus the fixed-date holidays of
       《全国年节及纪念日放假办法》 in force that year (since 2025: 元旦 1-1, 劳动节 5-1 and 5-2, 国庆节 10-1 to
       10-3). The lunar holidays (春节, 端午节, 中秋节), 清明节 (a solar term), 调休 and the make-up for holidays
       falling on a weekend cannot be computed and are left out. Never raises for any date.

    Overrides are read once per year per instance: make a new calendar after the table changes.
    """

    def __init__(self, overrides: OverrideSource | None = None) -> None:
        self._overrides = overrides
        self._years: dict[int, tuple[Mapping[date, DayOverride], bool]] = {}

    # -- days ---------------------------------------------------------------------------------------------------

    def is_working_day(self, day: date) -> bool:
        return self.day_info(day).is_working_day

    def day_info(self, day: date) -> DayInfo:
        """The status of ``day`` (a datetime is taken as its Asia/Shanghai day) and why, per the order above."""
        day = _day_of(day)
        overrides, declared = self._year(day.year)
        override = overrides.get(day)
        if override is not None:
            state = "上班" if override.is_working_day else "放假"
            reason = f"管理员设定：{override.name}（{state}）"
            return DayInfo(day, override.is_working_day, reason, DaySource.OVERRIDE, override.name)
        if day.year in _LIBRARY_YEARS:
            try:
                on_holiday, name = chinese_calendar.get_holiday_detail(day)
            except NotImplementedError:  # defensive: the library refused the date, so treat the year as unknown
                pass
            else:
                zh = _HOLIDAY_ZH.get(name, name) if name else None
                if on_holiday:
                    return DayInfo(day, False, f"法定节假日：{zh}" if zh else "周末", DaySource.LIBRARY, zh)
                return DayInfo(day, True, f"调休上班（{zh}）" if zh else "工作日", DaySource.LIBRARY, zh)
        source = DaySource.DECLARED if declared else DaySource.FALLBACK
        fixed = _fixed_holiday(day)
        if fixed is not None:
            return DayInfo(day, False, f"法定节假日：{fixed}", source, fixed)
        if day.weekday() >= 5:
            return DayInfo(day, False, "周末", source)
        return DayInfo(day, True, "工作日", source)

    def working_days_between(self, a: date, b: date) -> int:
        """Working days in (a, b] — a not counted, b counted — or minus those in (b, a] when b < a; 0 when equal.

        So ``working_days_between(s, add_working_days(s, n).last_day) == n`` for n ≥ 1, and "how late" is
        ``working_days_between(due.last_day, done_day)`` (positive: late by that many working days).
        """
        a, b = _day_of(a), _day_of(b)
        if b < a:
            return -self.working_days_between(b, a)
        return sum(1 for k in range(1, (b - a).days + 1) if self.is_working_day(a + timedelta(days=k)))

    # -- periods --------------------------------------------------------------------------------------------------

    def add_working_days(
        self,
        start: datetime | date,
        n: int,
        *,
        excluded: Sequence[ExcludedPeriod] = (),
        extensions: Sequence[Extension] = (),
    ) -> Due:
        """N working days after ``start``: the start day is not counted; ends 24:00 of the n-th working day.

        * n ≥ 1: the last day is the n-th working day after the start day — always a working day. Weekends and
          holidays are skipped (listed), make-up working days (调休上班) are counted (listed).
        * n = 0: ends 24:00 of the start day itself, whatever that day is ("adding 0 returns the date itself").
        * ``excluded`` days are not counted (listed with how many days they added); ``extensions`` are counted on
          after the base period, each in its own unit, skipping excluded days too.
        * ``start`` is an aware datetime (naive → ValueError) or a date; only its Asia/Shanghai day matters.
        * Days from a year with no known schedule make the result *assumed* (see the class docstring).
        """
        return self._forward(Unit.WORKING_DAY, start, n, excluded, extensions, roll=False)

    def add_calendar_days(
        self,
        start: datetime | date,
        n: int,
        *,
        roll_to_working_day: bool = False,
        excluded: Sequence[ExcludedPeriod] = (),
        extensions: Sequence[Extension] = (),
    ) -> Due:
        """N calendar days after ``start``: the start day is not counted; ends 24:00 of day start + n.

        * Without ``roll_to_working_day`` the last day is exactly ``start day + n (+ excluded days + extensions)``,
          holiday or not, and the calendar is not consulted (never assumed).
        * With it, a last day that is not a working day moves to the next working day (民法典第二百零三条), and the
          days moved over are listed. Whether a rule rolls is the rulebook's choice.
        * n = 0 ends 24:00 of the start day (rolled forward if asked and it is not a working day).
        * ``excluded`` and ``extensions`` as in :meth:`add_working_days`.
        """
        return self._forward(Unit.CALENDAR_DAY, start, n, excluded, extensions, roll=roll_to_working_day)

    def add_hours(self, start: datetime, n: int) -> Due:
        """N hours from the minute: the exact instant ``start + n`` hours (seconds kept, not truncated or rounded up).

        Computed on absolute time (UTC), then shown in Asia/Shanghai. Holidays do not matter and nothing moves.
        ``last_day`` is the local day the instant falls on, except that an instant at exactly 00:00 is the previous
        day's 24:00.
        """
        if n < 0:
            raise ValueError(f"小时数不能为负数：{n}")
        begin = _local(start)
        at = (begin.astimezone(UTC) + timedelta(hours=n)).astimezone(SHANGHAI)
        last_day = at.date() - _ONE_DAY if at.time() == time(0) else at.date()
        return _due(Explanation(Unit.HOUR, n, begin, begin.date(), last_day, at))

    def add_months(self, start: datetime | date, n: int, *, roll_to_working_day: bool = False) -> Due:
        """N months after ``start``: the same day number in the target month, or that month's last day if it has
        no such day (民法典第二百零二条: 2026-01-31 + 1 month → 2026-02-28); ends 24:00 of it. n = 0 is the start
        day. Years are ``add_months(start, 12 * years)``. ``roll_to_working_day`` as in :meth:`add_calendar_days`.
        """
        if n < 0:
            raise ValueError(f"月数不能为负数：{n}")
        begin = _start_day(start)
        year, month0 = divmod(begin.month - 1 + n, 12)
        year += begin.year
        day = min(begin.day, _gregorian.monthrange(year, month0 + 1)[1])
        count = _Count(date(year, month0 + 1, day))
        if roll_to_working_day:
            self._roll(count, ())
        return self._finish(Unit.MONTH, n, start, begin, count, (), (), roll_to_working_day, day != begin.day)

    def fixed_date(self, year: int, month: int, day: int) -> Due:
        """A fixed date such as "by 31 January": ends 24:00 that day and never moves, even on a weekend or holiday
        (the explanation says so where it is one). Never assumed: the answer does not depend on any schedule.
        """
        last_day = date(year, month, day)
        info = self.day_info(last_day)
        weekday = _WEEKDAYS_ZH[last_day.weekday()]
        note = f"该日为{weekday}（{_label_zh([info])}）" if not info.is_working_day else f"该日为{weekday}，工作日"
        if info.assumed:
            note += "（按常规推定）"
        explanation = Explanation(Unit.FIXED_DATE, None, None, last_day, last_day, _end_of(last_day), notes=(note,))
        return _due(explanation)

    def subtract_working_days(self, later: datetime | date, n: int) -> Due:
        """The last day D on which something may happen so that it is at least n working days before ``later``.

        Reading chosen (for "notified at least 7 working days before the hearing"): D + n working days ≤ the later
        day, i.e. D is the greatest day with ``add_working_days(D, n).last_day <= later day``. Equivalently, count n
        working days back from the later day, **counting the later day itself if it is a working day**, and take the
        day before the n-th. D itself may be a weekend or holiday (the explanation notes it). For the stricter
        reading (n working days strictly between D and the later day) pass the day before the later day.

        * n = 0: D is the later day itself.
        * ``later`` is an aware datetime (its Asia/Shanghai day) or a date. Ends 24:00 of D; may be assumed.
        """
        if n < 0:
            raise ValueError(f"天数不能为负数：{n}")
        reference = _start_day(later)
        count = _Count(reference)
        found = 0
        day = reference
        while found < n:
            info = self._consult(day, count)
            if info.is_working_day:
                found += 1
                if info.is_makeup_working_day:
                    count.makeup.append(info)
            else:
                count.skipped.append(info)
            day -= _ONE_DAY
        count.day = day
        count.skipped.reverse()
        count.makeup.reverse()
        notes: tuple[str, ...] = ()
        if n > 0:
            info = self.day_info(day)  # for the note only: D need not be a working day
            if not info.is_working_day:
                weekday = _WEEKDAYS_ZH[day.weekday()]
                assumed = "（按常规推定）" if info.assumed else ""
                notes = (f"{_day_zh(day, reference.year)}为{weekday}（{_label_zh([info])}）{assumed}，非工作日",)
        explanation = Explanation(
            Unit.WORKING_DAY,
            n,
            None,
            reference,
            day,
            _end_of(day),
            backward=True,
            skipped=tuple(count.skipped),
            makeup_days=tuple(count.makeup),
            notes=notes,
            assumed_years=tuple(sorted(count.assumed_years)),
        )
        return _due(explanation)

    # -- internals ------------------------------------------------------------------------------------------------

    def _year(self, year: int) -> tuple[Mapping[date, DayOverride], bool]:
        if year not in self._years:
            if self._overrides is None:
                self._years[year] = ({}, False)
            else:
                self._years[year] = (self._overrides.overrides_for_year(year), self._overrides.year_is_declared(year))
        return self._years[year]

    def _consult(self, day: date, count: _Count) -> DayInfo:
        info = self.day_info(day)
        if info.assumed:
            count.assumed_years.add(day.year)
        return info

    def _forward(
        self,
        unit: Unit,
        start: datetime | date,
        n: int,
        excluded: Sequence[ExcludedPeriod],
        extensions: Sequence[Extension],
        *,
        roll: bool,
    ) -> Due:
        if n < 0:
            raise ValueError(f"天数不能为负数：{n}")
        begin = _start_day(start)
        periods = _checked_periods(excluded)
        count = _Count(begin)
        for step_unit, days in [(unit, n), *((e.unit, e.days) for e in extensions)]:
            remaining = days
            while remaining > 0:
                count.day += _ONE_DAY
                if self._is_excluded(count.day, periods, count):
                    continue
                if step_unit is Unit.WORKING_DAY:
                    info = self._consult(count.day, count)
                    if not info.is_working_day:
                        count.skipped.append(info)
                        continue
                    if info.is_makeup_working_day:
                        count.makeup.append(info)
                remaining -= 1
        if roll:
            self._roll(count, periods)
        return self._finish(unit, n, start, begin, count, periods, extensions, roll, False)

    def _roll(self, count: _Count, periods: Sequence[ExcludedPeriod]) -> None:
        """Move a last day that is not a working day (or is excluded) to the next working day."""
        nominal = count.day
        while True:
            if not self._is_excluded(count.day, periods, count):
                info = self._consult(count.day, count)
                if info.is_working_day:
                    break
                count.rolled_over.append(info)
            count.day += _ONE_DAY
        if count.day != nominal:
            count.rolled_from = nominal

    @staticmethod
    def _is_excluded(day: date, periods: Sequence[ExcludedPeriod], count: _Count) -> bool:
        for index, period in enumerate(periods):
            if day in period:
                count.excluded_hits.setdefault(index, []).append(day)
                return True
        return False

    @staticmethod
    def _finish(
        unit: Unit,
        n: int,
        start: datetime | date,
        begin: date,
        count: _Count,
        periods: Sequence[ExcludedPeriod],
        extensions: Sequence[Extension],
        roll: bool,
        clamped: bool,
    ) -> Due:
        spans = tuple(
            ExcludedSpan(hits[0], hits[-1], periods[index].reason, len(hits))
            for index, hits in sorted(count.excluded_hits.items())
        )
        explanation = Explanation(
            unit,
            n,
            _local(start) if isinstance(start, datetime) else start,
            begin,
            count.day,
            _end_of(count.day),
            skipped=tuple(count.skipped),
            makeup_days=tuple(count.makeup),
            excluded=spans,
            extensions=tuple(extensions),
            roll_to_working_day=roll,
            rolled_from=count.rolled_from,
            rolled_over=tuple(count.rolled_over),
            clamped=clamped,
            assumed_years=tuple(sorted(count.assumed_years)),
        )
        return _due(explanation)


# -- helpers ------------------------------------------------------------------------------------------------------


def _local(moment: datetime) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"时间必须带时区（aware datetime）：{moment.isoformat()}")
    return moment.astimezone(SHANGHAI)


def _start_day(start: datetime | date) -> date:
    if isinstance(start, datetime):
        return _local(start).date()
    return start


def _day_of(day: date) -> date:
    return _local(day).date() if isinstance(day, datetime) else day


def _end_of(day: date) -> datetime:
    """24:00 of ``day`` in Asia/Shanghai, i.e. the next day's 00:00."""
    return datetime.combine(day + _ONE_DAY, time(0), tzinfo=SHANGHAI)


def _due(explanation: Explanation) -> Due:
    return Due(explanation.ends_at, explanation.last_day, explanation)


def _fixed_holiday(day: date) -> str | None:
    for first_year, holidays in _FIXED_HOLIDAYS:
        if day.year >= first_year:
            return holidays.get((day.month, day.day))
    return None


def _checked_periods(excluded: Sequence[ExcludedPeriod]) -> tuple[ExcludedPeriod, ...]:
    periods = tuple(sorted(excluded, key=lambda p: p.start))
    for before, after in pairwise(periods):
        if after.start <= before.end:
            raise ValueError(
                f"不计入期间重叠：{before.start.isoformat()}至{before.end.isoformat()}（{before.reason}）与"
                f"{after.start.isoformat()}至{after.end.isoformat()}（{after.reason}）"
            )
    return periods


def _runs(infos: Sequence[DayInfo]) -> list[list[DayInfo]]:
    """Group days into runs of consecutive dates."""
    runs: list[list[DayInfo]] = []
    for info in sorted(infos, key=lambda i: i.day):
        if runs and info.day - runs[-1][-1].day == _ONE_DAY:
            runs[-1].append(info)
        else:
            runs.append([info])
    return runs


def _is_plain_weekend(run: Sequence[DayInfo]) -> bool:
    return all(i.holiday_name is None and i.day.weekday() >= 5 for i in run)


def _label_zh(run: Sequence[DayInfo]) -> str:
    """What a run of non-working days is, in order of appearance: ``国庆节、中秋节假期``, ``元旦假期、周末``."""
    labels: list[str] = []
    names: list[str] = []
    for info in run:
        if info.holiday_name:
            if not names:
                labels.append("")  # where the holidays go
            if info.holiday_name not in names:
                names.append(info.holiday_name)
        else:
            label = "周末" if info.day.weekday() >= 5 else info.reason
            if label not in labels:
                labels.append(label)
    return "、".join(label or "、".join(names) + "假期" for label in labels)


def _day_zh(day: date, same_year: int | None = None) -> str:
    prefix = "" if day.year == same_year else f"{day.year}年"
    return f"{prefix}{day.month}月{day.day}日"


def _span_zh(first: date, last: date, same_year: int) -> str:
    if first == last:
        return _day_zh(first, same_year)
    return f"{_day_zh(first, same_year)}–{_day_zh(last, same_year if first.year == same_year else first.year)}"


def _instant_zh(moment: datetime) -> str:
    local = moment.astimezone(SHANGHAI)
    seconds = f"{local.second}秒" if local.second or local.microsecond else ""
    return f"{_day_zh(local.date())}{local.hour}时{local.minute:02d}分{seconds}"
