"""The rulebook a case is judged by: its organisation's, at the version in force when the case was opened."""

from __future__ import annotations

from datetime import date
from typing import Any

from lawtrace.orgs.models import Organisation


def version_for(organisation: Organisation, on: date) -> str:
    """The version in force on the day (WS-26 / IMR-28 / IMD-14: a case is judged by the version in force when
    it was opened), with the organisation's parameter overlay in force that day (IMR-26 / IMD-13), if any:
    ``2025.1`` or ``2025.1+o7.42.3`` (``lawtrace.rulebook.overlays``); refused when the organisation's rulebook was
    not yet in force."""
    from lawtrace.errors import Refused
    from lawtrace.rulebook.loader import NotInForce, load
    from lawtrace.rulebook.overlays import version_label

    try:
        return version_label(organisation, on, load(organisation.rulebook).version_in_force(on).version)
    except NotInForce as e:
        rule = "WS-26" if organisation.rulebook.startswith("wenshang") else "IMR-28"
        raise Refused(f"{organisation}适用的规则集于{on:%Y年%m月%d日}尚未施行。", rule=rule) from e


def check_scope(organisation: Organisation, case_type: str, version: str) -> None:
    """Refuse a case type the organisation's rulebook does not govern for its kind of organisation, citing the scope
    rule (the scope rules' ``case_types`` × ``org_kinds``). WS-2: the county bureau's 检查、处罚、强制、给付; WS-25:
    the agency's 稽核检查、协议管理; IMR-2 / IMD-3: 监督检查、处罚、强制 at banner/county level and above; IMR-27: the
    same by an entrusted organisation. Nothing is written on refusal."""
    from lawtrace.cases.models import CaseType
    from lawtrace.errors import Refused
    from lawtrace.orgs.models import OrgKind
    from lawtrace.rulebook.loader import at

    rule = at(organisation.rulebook, version).scope_refusal(case_type, organisation.kind)
    if rule is not None:
        assert rule.scope is not None
        kind, what = OrgKind(organisation.kind).label, CaseType(case_type).label
        governed = "、".join(str(CaseType(t).label) for t in rule.scope.case_types)
        raise Refused(
            f"{rule.article}：{organisation}（{kind}）适用的规则集不适用于“{what}”案件（适用：{governed}）。",
            rule=rule.id,
        )


def param(rulebook: str, version: str, rule_id: str, key: str) -> Any:
    """A rule's parameter in the given rulebook version (e.g. APL-42 ``min_handlers``)."""
    from lawtrace.rulebook.loader import at

    return at(rulebook, version).param(rule_id, key)
