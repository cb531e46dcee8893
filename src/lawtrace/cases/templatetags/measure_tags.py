"""``{% coercive_measures_panel case findings %}``: the case page's 行政强制措施 panel — the sealing decision, when its
period ends and why (CEL-25), the extension with its written notice, the lifting, and an emergency measure's report
and the head's approval afterwards (CEL-19)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from lawtrace.cases import coercive_measures

register = template.Library()


@register.inclusion_tag("cases/_coercive_measures_panel.html")
def coercive_measures_panel(case: Any, findings: Any) -> dict[str, Any]:
    return {"case": case, "m": coercive_measures.measures(case, findings or [])}


@register.filter
def moment(value: Any) -> str:
    """An ISO time stored in a record's content, as the officer reads it (Asia/Shanghai, to the minute)."""
    parsed = parse_datetime(str(value or ""))
    if parsed is None:
        return "—"
    return f"{timezone.localtime(parsed if parsed.tzinfo else timezone.make_aware(parsed)):%Y-%m-%d %H:%M}"
