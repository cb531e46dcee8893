"""The administrator's working-day table in the configuration site; writes go through ``services`` (ledgered)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.forms import ModelForm
from django.http import HttpRequest

from lawtrace.orgs.admin import ServiceAdmin
from lawtrace.rulebook import services
from lawtrace.rulebook.models import CalendarDay, DeclaredYear


@admin.register(CalendarDay)
class CalendarDayAdmin(ServiceAdmin):
    list_display = ["day", "is_working_day", "name", "entered_by", "entered_at"]
    list_filter = ["is_working_day"]
    date_hierarchy = "day"
    fields = ["day", "is_working_day", "name"]

    def save_model(self, request: HttpRequest, obj: Any, form: ModelForm, change: bool) -> None:
        def call() -> None:
            saved = services.set_calendar_day(
                actor=request.user,  # type: ignore[arg-type]
                day=obj.day,
                is_working_day=obj.is_working_day,
                name=obj.name,
            )
            obj.pk = saved.pk

        self.run_service(request, call)


@admin.register(DeclaredYear)
class DeclaredYearAdmin(ServiceAdmin):
    """Read-only here: a year is declared with its whole schedule (``services.declare_year``)."""

    list_display = ["year", "source", "entered_by", "entered_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
