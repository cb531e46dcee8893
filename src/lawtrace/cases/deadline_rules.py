"""Deadline rules judged from the case's own records — one engine for every rulebook deadline whose trigger and
satisfying act are records of the case (or its opening), so a new province's deadline is a rulebook entry.

The rulebook names events as ``<record kind>.<verb>`` with the record's time field (``penalty_decision.signed``,
``signed_at``). Only signed records count, and a signed correction replaces its original. A document is *served*
when its own ``served_at`` is filled or a 送达回证 names its 文号. Excluded periods (``pause`` blocks: 不计入期限的
期间, 中止调查) and approved extensions (``extension`` blocks) move the due date, and the explanation says so.

Rules with a hand-written check (``compliance.HAND_WRITTEN``), rules whose events live outside the records (音像记录,
公示, 投诉举报, 线索 — judged by their own apps), party-side periods (a right lapses, nobody is late) and rules whose
condition this module cannot judge are left out rather than guessed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime, time
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from lawtrace.rulebook.calendar import SHANGHAI, Due, ExcludedPeriod, Extension, Unit
from lawtrace.rulebook.deadlines import Period, Status, due_date, judge
from lawtrace.rulebook.schema import Deadline, EventRef, Relation, Rule

if TYPE_CHECKING:
    from lawtrace.cases.compliance import Finding, _Context
    from lawtrace.records.models import Record

# Events that are not records of the case: their apps judge them.
EXTERNAL_KINDS = frozenset(
    {"av_record", "disclosure_item", "disclosure_correction", "disclosure_withdrawal", "annual_statistics", "lead"}
    | {"complaint"}
)

# Conditions a deadline block may carry, as this module can judge them from the case.
CONDITIONS: dict[str, Callable[[_Context], bool]] = {
    # APL-61: handed over on the spot, or served within the period — either way served within it.
    "party_absent_when_announced": lambda ctx: True,
    "urgent_start": lambda ctx: ctx.case.urgent,
}

# Where a pause record keeps its first and last day.
PAUSE_FIELDS = {"excluded_period": ("start_on", "end_on"), "suspension_decision": ("suspended_on", "resumed_on")}

SEVERITY = {Status.OVERDUE: 3, Status.MISSING: 2, Status.DUE: 1, Status.MET: 0}


@dataclass(frozen=True)
class Moment:
    at: datetime
    label: str


def effective_records(case: Any) -> list[Record]:
    """Signed records, a signed correction standing in for its original."""
    signed = [r for r in case.records.all() if r.status == "signed"]
    replaced = {r.corrects_id for r in signed if r.corrects_id}
    return [r for r in signed if r.pk not in replaced]


def findings(ctx: _Context, skip: Iterable[str]) -> list[Finding]:
    records = effective_records(ctx.case)
    skipped = set(skip)
    out = []
    for rule in ctx.rulebook:
        if rule.deadline is None or rule.id in skipped or not _applies(rule, ctx):
            continue
        if (finding := _judge_rule(ctx, rule, rule.deadline, records)) is not None:
            out.append(finding)
    return out


def judged_rule_ids(rules: Iterable[Rule]) -> list[str]:
    """The rules this engine can judge (for tests parametrised from the rulebook)."""
    return [r.id for r in rules if r.deadline is not None and _judgeable(r.deadline)]


def _applies(rule: Rule, ctx: _Context) -> bool:
    case = ctx.case
    if rule.applies_to and case.case_type not in rule.applies_to:
        return False
    return not rule.procedures or case.procedure in rule.procedures


def _judgeable(deadline: Deadline) -> bool:
    if deadline.prompt or deadline.obligor == "party" or deadline.unit in (None, Unit.FIXED_DATE):
        return False
    if deadline.starts_after is not None or deadline.relation is Relation.NOT_BEFORE:
        return False
    if deadline.condition is not None and deadline.condition not in CONDITIONS:
        return False
    refs = [deadline.trigger, deadline.satisfied_by]
    return all(ref is not None and ref.record_kind not in EXTERNAL_KINDS for ref in refs)


def _judge_rule(ctx: _Context, rule: Rule, deadline: Deadline, records: list[Record]) -> Finding | None:
    if not _judgeable(deadline):
        return None
    if deadline.condition is not None and not CONDITIONS[deadline.condition](ctx):
        return None
    assert deadline.trigger is not None and deadline.satisfied_by is not None
    triggers = _moments(ctx, deadline.trigger, records)
    if not triggers:
        return None  # not triggered yet: nothing is due
    satisfied = _moments(ctx, deadline.satisfied_by, records)
    period = ctx.rulebook.period(rule, deadline)  # its explanation names APL-85 / CEL-69 where they fix the unit
    excluded, open_pause = (
        _excluded(ctx, rule.id, records) if deadline.pausable or _paused_by(ctx, rule.id) else ((), False)
    )
    extensions = _extensions(ctx, rule, deadline, records)
    worst = None
    used: set[int] = set()
    for trigger in triggers:
        match = next((i for i, m in enumerate(satisfied) if i not in used and m.at >= trigger.at), None)
        if match is not None:
            used.add(match)
        met = satisfied[match] if match is not None else None
        finding = _one(ctx, rule, deadline, period, trigger, met, excluded, extensions)
        if worst is None or SEVERITY[finding.status] > SEVERITY[worst.status]:
            worst = finding
    assert worst is not None
    if open_pause:
        worst = replace(
            worst, note=(worst.note + "；" if worst.note else "") + "不计入期间尚未结束，按今日计算最早届满时间"
        )
    return worst


def _one(
    ctx: _Context,
    rule: Rule,
    deadline: Deadline,
    period: Period,
    trigger: Moment,
    met: Moment | None,
    excluded: tuple[ExcludedPeriod, ...],
    extensions: tuple[Extension, ...],
) -> Finding:
    looked = [trigger.label, met.label if met else _missing_label(ctx, deadline.satisfied_by)]
    if deadline.relation is Relation.AT_LEAST_BEFORE:
        due = ctx.calendar.subtract_working_days(trigger.at, period.length or 0)
    else:
        due = due_date(period, trigger.at, ctx.calendar, excluded=excluded, extensions=extensions)
    judgement = judge(due, met.at if met else None, ctx.now)
    late = judgement.late_text(ctx.calendar, due, period.unit, met.at if met else None, ctx.now)
    return ctx.finding(rule.id, judgement.status, due=due, met_at=met.at if met else None, late=late, looked_at=looked)


def _missing_label(ctx: _Context, ref: EventRef | None) -> str:
    if ref is None:
        return ""
    try:
        name = ctx.rulebook.record_kind(ref.record_kind).name
    except KeyError:
        name = ref.record_kind
    return f"{name}：尚无"


# -- events --------------------------------------------------------------------------------------------------------


def _moments(ctx: _Context, ref: EventRef, records: list[Record]) -> list[Moment]:
    kind, field = ref.record_kind, ref.field
    if kind == "case":
        value = getattr(ctx.case, field or f"{ref.verb}_at", None)
        return [Moment(value, f"立案（{_local(value)}）")] if isinstance(value, datetime) else []
    found = []
    for record in records:
        if record.kind == kind and (at := _record_time(record, field)) is not None:
            found.append(Moment(at, f"{record.kind_name}（{_local(at)}）"))
    if ref.verb == "served":
        numbers = {r.content.get("document_number") for r in records if r.kind == kind} - {None, ""}
        for receipt in records:
            if receipt.kind == "service_receipt" and receipt.content.get("document_number") in numbers:
                if (at := _record_time(receipt, "served_at")) is not None:
                    found.append(Moment(at, f"送达回证 {receipt.content.get('document_number')}（{_local(at)}）"))
    return sorted(found, key=lambda m: m.at)


def _record_time(record: Record, field: str | None) -> datetime | None:
    value = record.content.get(field) if field else None
    if value in (None, ""):
        value = getattr(record, field, None) if field in ("signed_at", "occurred_at") else None
    if field is None:
        value = record.signed_at
    return _as_moment(value)


def _as_moment(value: object) -> datetime | None:
    if isinstance(value, datetime):
        return value
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    if len(value) == 10:  # a date: the day's start in Shanghai
        return datetime.combine(parsed.date(), time(0), SHANGHAI)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=SHANGHAI)


def _as_date(value: object) -> date | None:
    moment = _as_moment(value)
    return moment.astimezone(SHANGHAI).date() if moment else None


def _local(moment: datetime) -> str:
    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M}"


# -- pauses and extensions -----------------------------------------------------------------------------------------


def _pause_blocks(ctx: _Context, rule_id: str) -> list[Any]:
    return [r.pause for r in ctx.rulebook if r.pause is not None and rule_id in r.pause.applies_to]


def _paused_by(ctx: _Context, rule_id: str) -> bool:
    return bool(_pause_blocks(ctx, rule_id))


def _excluded(ctx: _Context, rule_id: str, records: list[Record]) -> tuple[tuple[ExcludedPeriod, ...], bool]:
    """The rule's excluded periods from pause records; an open one is closed at today (earliest possible due)."""
    today = timezone.localtime(ctx.now).date()
    periods, still_open = [], False
    periods_by_start: dict[tuple[str, date], tuple[str, date | None]] = {}
    for block in _pause_blocks(ctx, rule_id):
        kind = block.record or "excluded_period"
        first_field, last_field = PAUSE_FIELDS.get(kind, ("start_on", "end_on"))
        for record in records:
            if record.kind != kind:
                continue
            reason = record.content.get("reason") or next(iter(block.reasons))
            if reason not in block.reasons:
                continue
            start = _as_date(record.content.get(first_field))
            if start is None:
                continue
            end = _as_date(record.content.get(last_field))
            known = periods_by_start.get((kind, start))
            if known is not None and known[1] is not None and end is None:
                continue  # the resumption (the same pause with its end) stands for the open one
            periods_by_start[(kind, start)] = (block.reasons[reason], end)
    for (_, start), (label, end) in periods_by_start.items():
        still_open = still_open or end is None
        periods.append(ExcludedPeriod(start, max(start, end or today), label))
    return tuple(sorted(periods, key=lambda p: p.start)), still_open


def _extensions(ctx: _Context, rule: Rule, deadline: Deadline, records: list[Record]) -> tuple[Extension, ...]:
    """Approved extensions: the records of the rule that carries the extension block for this deadline."""
    sources: list[tuple[Any, str]] = []
    if deadline.extension is not None and rule.record is not None:
        sources.append((deadline.extension, rule.record.kind))
    for other in ctx.rulebook:
        if other.extension is not None and rule.id in other.extension.applies_to and other.record is not None:
            sources.append((other.extension, other.record.kind))
    out = []
    for block, kind in sources:
        for record in records:
            if record.kind == kind:
                days = record.content.get("days") or block.length
                reason = str(record.content.get("reason") or record.kind_name)
                out.append(Extension(int(days), block.unit, reason))
    return tuple(out)


# -- a running period as of now (NHSA-EXT: nothing is extended after it ran out) ------------------------------------


def running_due(ctx: _Context, rule_id: str) -> Due | None:
    """The due date of ``rule_id``'s period as the case's signed records stand at ``ctx.now`` — its excluded
    periods and the extensions already approved counted — or None when it has not started or was already met."""
    if rule_id not in ctx.rulebook:
        return None
    rule = ctx.rulebook.rule(rule_id)
    deadline = rule.deadline
    if deadline is None or not _judgeable(deadline) or not _applies(rule, ctx):
        return None
    assert deadline.trigger is not None and deadline.satisfied_by is not None
    records = effective_records(ctx.case)
    triggers = _moments(ctx, deadline.trigger, records)
    if not triggers or _moments(ctx, deadline.satisfied_by, records):
        return None
    excluded, _ = _excluded(ctx, rule.id, records) if deadline.pausable or _paused_by(ctx, rule.id) else ((), False)
    extensions = _extensions(ctx, rule, deadline, records)
    period = ctx.rulebook.period(rule, deadline)
    return due_date(period, triggers[0].at, ctx.calendar, excluded=excluded, extensions=extensions)
