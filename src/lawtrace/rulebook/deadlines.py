"""From a rule's deadline block and the facts of a case to an explained due date and a status.

Pure: the caller gathers the facts (when the trigger happened, when the satisfying act happened, excluded periods,
extensions) and passes them in; this module knows the kinds of period, never a rule number. Every result carries the
calendar's explanation (start, unit, days skipped, pauses, extensions) and the rule's article, so a due date shown
anywhere can explain itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum

from lawtrace.rulebook.calendar import SHANGHAI, Due, ExcludedPeriod, Extension, Unit, WorkingCalendar


class Status(StrEnum):
    MET = "met"
    DUE = "due"
    OVERDUE = "overdue"
    MISSING = "missing"
    WAIVED = "waived"
    NOT_APPLICABLE = "not_applicable"


STATUS_LABELS = {
    Status.MET: "已满足",
    Status.DUE: "期限内",
    Status.OVERDUE: "已逾期",
    Status.MISSING: "缺失",
    Status.WAIVED: "已豁免",
    Status.NOT_APPLICABLE: "不适用",
}


@dataclass(frozen=True)
class Period:
    """A resolved period: the numbers of one deadline (or one of its alternatives) after parameter substitution."""

    length: int | None
    unit: Unit
    roll_to_working_day: bool = False
    fixed_month: int | None = None
    fixed_day: int | None = None
    fixed_year_offset: int = 1
    basis: str = ""  # the rule that fixes the unit, shown in the explanation ("…第八十五条：期限以工作日计算")


def due_date(
    period: Period,
    start: datetime,
    calendar: WorkingCalendar,
    *,
    excluded: Sequence[ExcludedPeriod] = (),
    extensions: Sequence[Extension] = (),
) -> Due:
    """The instant a period that began at ``start`` ends; the explanation names the period's ``basis``, if any."""
    due = _due_date(period, start, calendar, excluded=excluded, extensions=extensions)
    if not period.basis:
        return due
    explanation = replace(due.explanation, notes=(*due.explanation.notes, period.basis))
    return replace(due, explanation=explanation)


def _due_date(
    period: Period,
    start: datetime,
    calendar: WorkingCalendar,
    *,
    excluded: Sequence[ExcludedPeriod],
    extensions: Sequence[Extension],
) -> Due:
    if period.unit is Unit.HOUR:
        assert period.length is not None
        return calendar.add_hours(start, period.length)
    if period.unit is Unit.WORKING_DAY:
        assert period.length is not None
        return calendar.add_working_days(start, period.length, excluded=excluded, extensions=extensions)
    if period.unit is Unit.CALENDAR_DAY:
        assert period.length is not None
        return calendar.add_calendar_days(
            start,
            period.length,
            roll_to_working_day=period.roll_to_working_day,
            excluded=excluded,
            extensions=extensions,
        )
    if period.unit is Unit.MONTH:
        assert period.length is not None
        return calendar.add_months(start, period.length, roll_to_working_day=period.roll_to_working_day)
    if period.unit is Unit.FIXED_DATE:
        assert period.fixed_month and period.fixed_day
        local_year = start.astimezone(SHANGHAI).year
        return calendar.fixed_date(local_year + period.fixed_year_offset, period.fixed_month, period.fixed_day)
    raise ValueError(f"unknown unit {period.unit}")


@dataclass(frozen=True)
class Judgement:
    status: Status
    late_by: timedelta | None = None

    def late_text(self, calendar: WorkingCalendar, due: Due, unit: Unit, met_at: datetime | None, now: datetime) -> str:
        """Chinese lateness in the rule's own unit: "逾期 3 小时", "逾期 2 个工作日", "逾期 5 日"."""
        if self.late_by is None or self.late_by <= timedelta(0):
            return ""
        end = met_at or now
        if unit is Unit.HOUR:
            hours = max(1, int(-(-self.late_by.total_seconds() // 3600)))
            return f"逾期 {hours} 小时"
        last = due.last_day
        day = end.astimezone(SHANGHAI).date()
        if unit is Unit.WORKING_DAY:
            return f"逾期 {max(1, calendar.working_days_between(last, day))} 个工作日"
        return f"逾期 {max(1, (day - last).days)} 日"


def judge(due: Due, met_at: datetime | None, now: datetime, *, waived: bool = False) -> Judgement:
    """Met in time, met late, still running, or overdue — a late act is a finding, never a silent pass."""
    if waived:
        return Judgement(Status.WAIVED)
    if met_at is not None:
        return Judgement(Status.MET) if met_at <= due.at else Judgement(Status.OVERDUE, met_at - due.at)
    if now <= due.at:
        return Judgement(Status.DUE)
    return Judgement(Status.OVERDUE, now - due.at)
