"""Administrator actions on the working-day table — checked and ledgered like every other configuration change."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from django.db import transaction

from lawtrace import clock
from lawtrace.errors import PermissionRefused, Refused
from lawtrace.ledger.actions import LedgerAction
from lawtrace.ledger.services import append
from lawtrace.orgs.models import User
from lawtrace.orgs.permissions import Action
from lawtrace.orgs.selectors import organisations_where
from lawtrace.rulebook.models import CalendarDay, DeclaredYear


def _require_administrator(actor: User) -> None:
    if not actor.is_superuser and not organisations_where(actor, Action.CONFIGURE).exists():
        raise PermissionRefused("只有系统管理员可以维护工作日日历。")


@transaction.atomic
def set_calendar_day(*, actor: User, day: date, is_working_day: bool, name: str) -> CalendarDay:
    """Enter or change one day (a holiday, a make-up working day, a local holiday)."""
    _require_administrator(actor)
    if not name.strip():
        raise Refused("请填写名称或事由（如“春节”“调休上班”）。")
    entry, _ = CalendarDay.objects.update_or_create(
        day=day,
        defaults={"is_working_day": is_working_day, "name": name, "entered_by": actor, "entered_at": clock.now()},
    )
    append(
        action=LedgerAction.CALENDAR_CHANGED,
        actor=actor,
        organisation=None,
        payload={"day": day.isoformat(), "is_working_day": is_working_day, "name": name},
    )
    return entry


@transaction.atomic
def declare_year(
    *,
    actor: User,
    year: int,
    source: str,
    holidays: Sequence[tuple[date, str]],
    working_days: Sequence[tuple[date, str]],
) -> DeclaredYear:
    """Enter a whole year's official schedule (from the State Council notice) in one action."""
    _require_administrator(actor)
    if not source.strip():
        raise Refused("请填写依据（国务院办公厅通知的名称和文号）。")
    for day, _ in [*holidays, *working_days]:
        if day.year != year:
            raise Refused(f"{day:%Y-%m-%d}不在{year}年内。")
    now = clock.now()
    for day, name in holidays:
        CalendarDay.objects.update_or_create(
            day=day, defaults={"is_working_day": False, "name": name, "entered_by": actor, "entered_at": now}
        )
    for day, name in working_days:
        CalendarDay.objects.update_or_create(
            day=day, defaults={"is_working_day": True, "name": name, "entered_by": actor, "entered_at": now}
        )
    declared, _ = DeclaredYear.objects.update_or_create(
        year=year, defaults={"source": source, "entered_by": actor, "entered_at": now}
    )
    append(
        action=LedgerAction.CALENDAR_YEAR_DECLARED,
        actor=actor,
        organisation=None,
        payload={
            "year": year,
            "source": source,
            "holidays": [d.isoformat() for d, _ in holidays],
            "working_days": [d.isoformat() for d, _ in working_days],
        },
    )
    return declared
