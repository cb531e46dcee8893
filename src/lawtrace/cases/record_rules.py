"""Record rules judged from the records the case has: a record a rule governs must hold the fields that rule
requires — including a service mode's own fields (留置送达: 拒收事由, 见证人…; 邮寄送达: 付邮凭证…).

A record is accepted when its *kind's* required fields are filled (``records.services.add_record``), because the
record must say what really happened; what a *rule* further requires of it (a witness for a retained service,
IMR-17.3/WS-17.3) is judged here and shown as missing, citing the rule. Whether a record that does not exist was
needed depends on the course of the case, and is left to the gates of the phase and to the deadline rules.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

from lawtrace.cases.deadline_rules import effective_records
from lawtrace.rulebook.deadlines import Status
from lawtrace.rulebook.loader import Rulebook
from lawtrace.rulebook.schema import FieldSpec, RecordRequirement, Rule

if TYPE_CHECKING:
    from lawtrace.cases.compliance import Finding, _Context
    from lawtrace.records.models import Record


def findings(ctx: _Context, skip: set[str]) -> list[Finding]:
    records = effective_records(ctx.case)
    present = {r.kind for r in records}
    out = []
    for rule, kinds in _rules_with_records(ctx.rulebook):
        if not kinds & present or rule.id in skip or not _applies(rule, ctx):
            continue  # a rule governs no record of this case: nothing to judge (``_judge`` would say None)
        if (finding := _judge(ctx, rule, records)) is not None:
            out.append(finding)
    return out


@functools.lru_cache(maxsize=64)
def _rules_with_records(rulebook: Rulebook) -> tuple[tuple[Rule, frozenset[str]], ...]:
    """The rulebook's rules that speak of records, with the record kinds they speak of — once per rulebook version
    (a rulebook is compared by identity, and ``loader.at`` keeps one per version)."""
    return tuple((rule, frozenset(r.kind for r in rule.records)) for rule in rulebook if rule.records)


def _applies(rule: Rule, ctx: _Context) -> bool:
    if rule.applies_to and ctx.case.case_type not in rule.applies_to:
        return False
    return not rule.procedures or ctx.case.procedure in rule.procedures


def required_fields(rulebook: Rulebook, requirement: RecordRequirement) -> dict[str, FieldSpec]:
    """The fields the rule requires of a record (its own list, plus the service mode's required fields)."""
    kind = rulebook.record_kind(requirement.kind)
    known = dict(kind.fields)
    if requirement.service_mode is not None:
        mode = rulebook.service_mode(requirement.service_mode)
        known = {**mode.fields, **known}
        wanted = {name: known[name] for name in requirement.required_fields if name in known}
        return wanted | dict(mode.required_fields)
    return {name: known[name] for name in requirement.required_fields if name in known}


def judged_requirements(rulebook: Rulebook) -> list[tuple[str, int]]:
    """(rule ID, index in ``rule.records``) of every record requirement this module judges — for tests
    parametrised from the rulebook."""
    return [
        (rule.id, i)
        for rule in rulebook
        for i, requirement in enumerate(rule.records)
        if required_fields(rulebook, requirement) and (requirement.condition is None or requirement.service_mode)
    ]


def governed(requirement: RecordRequirement, records: list[Record]) -> list[Record]:
    """The case's records this requirement speaks of (of its kind, and of its service mode if it names one)."""
    if requirement.condition is not None and requirement.service_mode is None:
        return []  # a condition this module cannot judge: not guessed
    return [
        r
        for r in records
        if r.kind == requirement.kind
        and (requirement.service_mode is None or r.content.get("mode") == requirement.service_mode)
    ]


def _judge(ctx: _Context, rule: Rule, records: list[Record]) -> Finding | None:
    looked: list[str] = []
    gaps: list[str] = []
    for requirement in rule.records:
        records_governed = governed(requirement, records)
        if not records_governed:
            continue  # cheap test first: most rules govern no record of a given case
        wanted = required_fields(ctx.rulebook, requirement)
        if not wanted:
            continue
        for record in records_governed:
            looked.append(f"{record.kind_name}（{record.content.get('document_number') or record.pk}）")
            empty = [str(f.label) for name, f in wanted.items() if record.content.get(name) in (None, "", [], False)]
            if empty:
                gaps.append(f"{record.kind_name}缺少：{'、'.join(empty)}")
    if not looked:
        return None
    if gaps:
        return ctx.finding(rule.id, Status.MISSING, looked_at=looked, note="；".join(gaps))
    return ctx.finding(rule.id, Status.MET, looked_at=looked)
