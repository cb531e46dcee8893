"""The rulebook a case is judged by: its organisation's, at the version in force when the case was opened."""

from __future__ import annotations

from datetime import date
from typing import Any

from lawtrace.orgs.models import Organisation


def version_for(organisation: Organisation, on: date) -> str:
    """The version in force on the day (WS-26 / IMR-28 / IMD-14: a case is judged by the version in force when
    it was opened); refused when the organisation's rulebook was not yet in force."""
    from lawtrace.errors import Refused
    from lawtrace.rulebook.loader import NotInForce, load

    try:
        return load(organisation.rulebook).version_in_force(on).version
    except NotInForce as e:
        rule = "WS-26" if organisation.rulebook.startswith("wenshang") else "IMR-28"
        raise Refused(f"{organisation}适用的规则集于{on:%Y年%m月%d日}尚未施行。", rule=rule) from e


def param(rulebook: str, version: str, rule_id: str, key: str) -> Any:
    """A rule's parameter in the given rulebook version (e.g. APL-42 ``min_handlers``)."""
    from lawtrace.rulebook.loader import at

    return at(rulebook, version).param(rule_id, key)
