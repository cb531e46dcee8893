"""``{% av_card case %}``: the case page's "音像记录" card, with each AV record's storage deadline status."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.inclusion_tag("evidence/_av_card.html", takes_context=True)
def av_card(context: dict[str, Any], case: Any) -> dict[str, Any]:
    from lawtrace.evidence.views import card_context

    request = context.get("request")
    user = getattr(request, "user", None)
    return {"case": case, **card_context(case, user)}  # type: ignore[arg-type]


@register.inclusion_tag("evidence/_fixity_failures.html", takes_context=True)
def fixity_failures(context: dict[str, Any]) -> dict[str, Any]:
    """The supervisor's dashboard card: evidence files of the supervised organisations whose fixity failed."""
    from lawtrace.evidence.selectors import failed_files
    from lawtrace.orgs.permissions import Action
    from lawtrace.orgs.selectors import organisations_where

    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"failed": []}
    return {"failed": list(failed_files(organisations_where(user, Action.SUPERVISE))[:50])}


@register.filter
def clock_offset(seconds: int) -> str:
    return f"{seconds // 60}:{seconds % 60:02d}"
