"""An organisation's parameter overlay (IMR-26 / IMD-13): the :class:`ParameterOverride` rows in force for it, applied
over the shipped rulebook version — the string a case stores names both.

A case stores ``rulebook_version`` (20 characters). With no override in force that is the shipped label
(``2025.1``); otherwise ``<label>+o<organisation>.<last row>.<rows>``, e.g. ``2025.1+o7.42.3``: the rows of
organisation 7 and its superiors on the same rulebook, numbered up to 42, taken in order of effective date, the
first 3 of them. That set is exactly the rows in force on the day the case was opened: rows are never changed or
deleted, every row in force then is numbered up to 42, and the rows up to 42 not yet in force then took effect
later — all after those that were, so they follow them in order of effective date. The string therefore names the
same rules for ever, and :func:`lawtrace.rulebook.loader.at` caches the rulebook under it.

Which row wins for one parameter: the nearest organisation's (a county's own over its 盟市's), then the latest in
force, then the last entered.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count, Max

from lawtrace.cases.rules import version_for
from lawtrace.orgs.models import Organisation
from lawtrace.rulebook.bounds import describe
from lawtrace.rulebook.loader import Rulebook, RulebookError, at
from lawtrace.rulebook.models import ParameterOverride
from lawtrace.rulebook.schema import PARAM_UNIT_ZH, Override

MAX_VERSION_LENGTH = 20  # cases.Case.rulebook_version, leads.Lead.rulebook_version
_SUFFIX_RE = re.compile(r"o([0-9]+)\.([0-9]+)\.([0-9]+)")


def _chain_ids(organisation: Organisation) -> list[int]:
    """The organisation and its superiors, the organisation first (from its materialised path ``/1/4/9/``)."""
    ids = [int(part) for part in organisation.path.strip("/").split("/") if part]
    return list(reversed(ids)) or [organisation.pk]


def _rows(organisation: Organisation, rulebook: str) -> Any:
    return ParameterOverride.objects.filter(organisation_id__in=_chain_ids(organisation), rulebook=rulebook)


def version_label(organisation: Organisation, on: date, base: str) -> str:
    """The version string of a case (or anything judged by the rules) the organisation opens on ``on``: ``base``
    (the shipped version in force), with the overlay in force that day, if any."""
    in_force = _rows(organisation, organisation.rulebook).filter(effective_from__lte=on)
    summary = in_force.aggregate(last=Max("pk"), count=Count("pk"))
    if not summary["count"]:
        return base
    label = f"{base}+o{organisation.pk}.{summary['last']}.{summary['count']}"
    if len(label) > MAX_VERSION_LENGTH:
        raise RulebookError(f"版本号 {label} 超过 {MAX_VERSION_LENGTH} 个字符 / overlay label too long")
    return label


def apply(rulebook: Rulebook, suffix: str) -> Rulebook:
    """The rulebook (at its shipped version) with the overlay ``suffix`` names (``o7.42.3``) applied."""
    match = _SUFFIX_RE.fullmatch(suffix)
    if match is None:
        raise RulebookError(f"参数覆盖版本 {suffix} 格式不正确 / malformed overlay")
    org_id, last, count = (int(group) for group in match.groups())
    organisation = Organisation.objects.get(pk=org_id)
    rows = list(_rows(organisation, rulebook.name).filter(pk__lte=last).order_by("effective_from", "pk"))
    if len(rows) < count or (len(rows) > count and rows[count].effective_from == rows[count - 1].effective_from):
        raise RulebookError(f"参数覆盖版本 {suffix} 与数据库不符 / overlay does not match the database")
    in_force = rows[:count]
    label = f"{rulebook.version.version}+{suffix}"
    sources = "；".join(dict.fromkeys(row.reason for row in in_force))
    since = max(row.effective_from for row in in_force)
    return rulebook.with_overlay(
        label, overrides(in_force, _chain_ids(organisation)), f"{organisation}：{sources}", since
    )


def _winner_order(chain: list[int]) -> Any:
    def order(row: ParameterOverride) -> tuple[int, date, int]:
        return (-chain.index(row.organisation_id), row.effective_from, row.pk)

    return order


def overrides(rows: list[ParameterOverride], chain: list[int]) -> dict[str, Override]:
    """Each rule's overrides from the rows in force: per parameter (and per unverified flag) the winning row."""
    params: dict[tuple[str, str], ParameterOverride] = {}
    flags: dict[str, ParameterOverride] = {}
    for row in sorted(rows, key=_winner_order(chain)):  # later rows in this order win
        if row.key:
            params[(row.rule_id, row.key)] = row
        if row.unverified is not None:
            flags[row.rule_id] = row
    result: dict[str, dict[str, Any]] = {}
    for (rule_id, key), row in params.items():
        result.setdefault(rule_id, {"params": {}})["params"][key] = row.value
    for rule_id, row in flags.items():
        entry = result.setdefault(rule_id, {"params": {}})
        entry["unverified"] = row.unverified
        if row.unverified:
            entry["unverified_note"] = f"{row.organisation}：{row.reason}"
    return {rule_id: Override.model_validate(data) for rule_id, data in result.items()}


# -- what the administrator's page shows ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ParameterState:
    """One parameter of the organisation's rulebook today: shipped value, value in force, the row it comes from."""

    rule_id: str
    rule_title: str
    key: str
    label: str
    unit: str
    shipped: Any
    current: Any
    unverified: bool
    source: ParameterOverride | None  # the winning row, None when the shipped value applies
    pending: list[ParameterOverride]  # rows entered for a later day
    bounds: str = ""  # the legal bounds and the article setting them (national law is a floor)
    informational: str = ""  # why a parameter no code reads is kept


def parameter_states(organisation: Organisation, on: date) -> list[ParameterState]:
    """Every parameter of the organisation's rulebook (the version in force on ``on``), with its value in force."""
    version = version_for(organisation, on)
    current = at(organisation.rulebook, version)
    shipped = at(organisation.rulebook, version.partition("+")[0])
    chain = _chain_ids(organisation)
    rows = list(_rows(organisation, organisation.rulebook).select_related("organisation"))
    winners: dict[tuple[str, str], ParameterOverride] = {}
    for row in sorted((r for r in rows if r.effective_from <= on), key=_winner_order(chain)):
        winners[(row.rule_id, row.key)] = row
    states = []
    for rule in shipped:
        in_force = current.rule(rule.id)
        keys = list(rule.params) or ([""] if rule.unverified or in_force.unverified else [])
        for key in keys:
            param = rule.params.get(key)
            states.append(
                ParameterState(
                    rule_id=rule.id,
                    rule_title=rule.title,
                    key=key,
                    label=(param.label or key) if param else "（未核实标记）",
                    unit=PARAM_UNIT_ZH[param.unit] if param and param.unit else "",
                    shipped=param.value if param else None,
                    current=in_force.params[key].value if param else None,
                    unverified=in_force.unverified,
                    source=winners.get((rule.id, key)),
                    pending=[r for r in rows if r.rule_id == rule.id and r.key == key and r.effective_from > on],
                    bounds=describe(param) if param else "",
                    informational=(param.informational or "") if param else "",
                )
            )
    return states


def history(organisation: Organisation) -> list[ParameterOverride]:
    """The rows that bind the organisation (its own and its superiors'), newest first."""
    return list(_rows(organisation, organisation.rulebook).select_related("organisation", "entered_by"))
