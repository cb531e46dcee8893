"""``{% execution_panel case %}``: the case page's 执行 panel — the fine, when it is due and why, whether it was paid,
the surcharge so far and why, the reminder, the court application with its deadline, and the result."""

from __future__ import annotations

from typing import Any

from django import template

from lawtrace.cases import execution

register = template.Library()


@register.inclusion_tag("cases/_execution_panel.html")
def execution_panel(case: Any) -> dict[str, Any]:
    return {"case": case, "x": execution.state(case)}


@register.filter
def yuan(fen: int | None) -> str:
    return execution.yuan(int(fen or 0))
