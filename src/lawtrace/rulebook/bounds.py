"""National law is a floor: whether a parameter's value lies within its legal bounds (:class:`~.schema.Bounds`).

One pure function, :func:`violation`, used where a value is entered — an organisation's provision (IMR-26 /
IMD-13, ``lawtrace.rulebook.services.check_override``) and a rulebook file's own values and later versions
(``lawtrace rulebook check``) — so that what the page refuses and what the check reports are the same judgement.
Values already stored are not judged again: a case keeps the rules it was opened under.

The refusal reads like an officer would say it: the parameter, the bound, the article that sets it, and which way
the parameter is stricter — e.g.
``最少执法人员人数不得低于2人（拟改为1人）（《中华人民共和国行政处罚法》第四十二条）；调高为从严。``
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from lawtrace.rulebook.schema import PARAM_UNIT_ZH, TIGHTER_ZH, Bounds, Param, ParamUnit, Rule, Tighter


@dataclass(frozen=True)
class Violation:
    """Why a value is outside the law's bounds: the rule to cite and the Chinese sentence saying so."""

    rule: str
    message: str


def shown(param: Param, value: Any) -> str:
    """A value as the administrator reads it: money in yuan, rates in per cent, units in Chinese."""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list):
        return "、".join(str(v) for v in value) or "（空）"
    if isinstance(value, int) and param.unit is ParamUnit.FEN:
        return f"{value / 100:g}元"
    if isinstance(value, int) and param.unit is ParamUnit.BASIS_POINT:
        return f"{value / 100:g}%"
    if param.unit is not None:
        return f"{value}{PARAM_UNIT_ZH[param.unit]}"
    return str(value)


def describe(param: Param) -> str:
    """The bounds in one line for the parameters page: ``不低于2人；调高为从严（《…》第四十二条）``."""
    bounds = param.bounds
    if bounds is None:
        return "未声明法定界限"
    parts = []
    if bounds.tighter is Tighter.FIXED:
        parts.append(f"法定为{shown(param, bounds.law_value)}")
    if bounds.min is not None:
        parts.append(f"不低于{shown(param, bounds.min)}")
    if bounds.max is not None:
        parts.append(f"不高于{shown(param, bounds.max)}")
    if isinstance(bounds.law_value, list) and bounds.tighter is Tighter.HIGHER:
        parts.append(f"须包含：{shown(param, bounds.law_value)}")
    if isinstance(bounds.law_value, list) and bounds.tighter is Tighter.LOWER:
        parts.append(f"只能从中选择：{shown(param, bounds.law_value)}")
    if bounds.items is not None:
        parts.append(f"可选：{shown(param, bounds.items)}")
    if bounds.tighter is not Tighter.FIXED:
        parts.append(direction(param))
    return f"{'；'.join(parts)}（{bounds.article}）"


def violation(rule: Rule, key: str, value: Any) -> Violation | None:
    """None when ``value`` may stand for ``rule``'s parameter ``key``; else what to refuse with. The value has the
    parameter's type already (``Rulebook.override_problems``); a parameter without bounds is not judged here — the
    rulebook check reports it."""
    param = rule.params[key]
    bounds = param.bounds
    if bounds is None:
        return None
    cited = bounds.rule or rule.id
    label = param.label or key
    reason = _reason(param, bounds, value)
    if reason is None:
        return None
    if bounds.tighter is Tighter.FIXED:
        return Violation(cited, f"{label}{reason}（{bounds.article}）。")
    return Violation(cited, f"{label}{reason}（{bounds.article}）；{direction(param)}。")


def direction(param: Param) -> str:
    """Which way is stricter, in the words of the parameter's type."""
    assert param.bounds is not None
    tighter, value = param.bounds.tighter, param.value
    if isinstance(value, list) and tighter in (Tighter.HIGHER, Tighter.LOWER):
        return "增加为从严" if tighter is Tighter.HIGHER else "减少为从严"
    if isinstance(value, bool) and tighter in (Tighter.HIGHER, Tighter.LOWER):
        return "“是”为从严" if tighter is Tighter.HIGHER else "“否”为从严"
    return TIGHTER_ZH[tighter]


def _reason(param: Param, bounds: Bounds, value: Any) -> str | None:
    law = bounds.law_value
    if bounds.tighter is Tighter.FIXED:
        same = sorted(value) == sorted(law) if isinstance(value, list) and isinstance(law, list) else value == law
        return None if same else f"法定为{shown(param, law)}，不能改为{shown(param, value)}"
    if isinstance(value, bool):
        if bounds.tighter is Tighter.HIGHER and law is True and value is False:
            return "依法须为“是”，不能改为“否”"
        if bounds.tighter is Tighter.LOWER and law is False and value is True:
            return "依法须为“否”，不能改为“是”"
        return None
    if isinstance(value, int):
        if bounds.min is not None and value < bounds.min:
            return f"不得低于{shown(param, bounds.min)}（拟改为{shown(param, value)}）"
        if bounds.max is not None and value > bounds.max:
            return f"不得高于{shown(param, bounds.max)}（拟改为{shown(param, value)}）"
        return None
    if isinstance(value, list):
        given, lawful = [str(v) for v in value], [str(v) for v in law] if isinstance(law, list) else []
        if bounds.tighter is Tighter.HIGHER and (dropped := [v for v in lawful if v not in given]):
            return f"须包含法定的各项，不能删去：{'、'.join(dropped)}"
        if bounds.tighter is Tighter.LOWER and (added := [v for v in given if v not in lawful]):
            return f"只能在法定的{'、'.join(lawful)}中选择，不能增加：{'、'.join(added)}"
        if bounds.items is not None and (unknown := [v for v in given if v not in bounds.items]):
            return f"只能从{'、'.join(bounds.items)}中选择，不能为：{'、'.join(unknown)}"
        return None
    if bounds.items is not None and str(value) not in bounds.items:
        return f"只能为{'、'.join(bounds.items)}之一，不能为{value}"
    return None
