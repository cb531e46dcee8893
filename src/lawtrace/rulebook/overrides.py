"""The working-day calendar backed by the administrator's table (rulebook.models)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from lawtrace.rulebook.calendar import DayOverride, WorkingCalendar
from lawtrace.rulebook.models import CalendarDay, DeclaredYear


class DatabaseOverrides:
    """``OverrideSource`` over the database; reads each year once per instance (one instance per request/task)."""

    def __init__(self) -> None:
        self._years: dict[int, Mapping[date, DayOverride]] = {}
        self._declared: set[int] | None = None

    def overrides_for_year(self, year: int) -> Mapping[date, DayOverride]:
        if year not in self._years:
            self._years[year] = {
                d.day: DayOverride(d.day, d.is_working_day, d.name) for d in CalendarDay.objects.filter(day__year=year)
            }
        return self._years[year]

    def year_is_declared(self, year: int) -> bool:
        if self._declared is None:
            self._declared = set(DeclaredYear.objects.values_list("year", flat=True))
        return year in self._declared


def working_calendar() -> WorkingCalendar:
    """A calendar that sees the administrator's current entries."""
    return WorkingCalendar(DatabaseOverrides())
