"""Display of due dates: a period ends at 24:00 of its last day (DESIGN § Time), stored as 00:00 of the next."""

from __future__ import annotations

from datetime import datetime, timedelta

from django import template
from django.utils import timezone

register = template.Library()


@register.filter
def due(moment: datetime | None) -> str:
    """``2026年3月9日24时`` for a period's end; other instants as ``2026年3月9日 15:30``."""
    if moment is None:
        return "—"
    local = timezone.localtime(moment)
    if (local.hour, local.minute, local.second, local.microsecond) == (0, 0, 0, 0):
        day = (local - timedelta(days=1)).date()
        return f"{day.year}年{day.month}月{day.day}日24时"
    return f"{local.year}年{local.month}月{local.day}日 {local:%H:%M}"
