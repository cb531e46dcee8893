"""Coercive measures (行政强制措施: 封存) judged from the case's records, where the generic engines cannot say it.

- CEL-19: a measure taken on the spot in an emergency — a 现场笔录 marked 情况紧急, or the 报告及补办批准 itself — is
  reported to the head within 24 hours, counted from the minute (a marked 现场笔录 with no report is due, then
  overdue: never a silent pass). The head signs the report, approving the measure afterwards (补办批准) or refusing
  it; refused, the measure is lifted at once (立即): missing until a 解除行政强制措施决定书 is signed. A measure that is
  not an emergency still needs the head's decision first (CEL-18, ``record_effects._check_officers_present``).
- CEL-24: a sealing decision names its 财物清单, which is signed, in two copies, one handed to the party and one kept
  by the authority (the list's fields, judged by ``record_rules``; the copies checked here before it is written).
- CEL-25: an extension is written once per sealing (the decision it names, or the case's only one), by at most the
  rulebook's days, for a sealing decided — with the head's approval (``records.SIGNERS``) and the written notice to
  the party (the kind's required ``notified_at``). The testing or appraisal periods not counted are the
  检测鉴定期间告知书 (its 事由 are exactly the CEL-25 pause reasons; the rulebook check holds them equal).

``findings`` is called by ``compliance.evaluate``; ``check_content`` by ``record_effects.check_content``, before
anything is written.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from django.utils import timezone

from lawtrace.cases.deadline_rules import effective_records
from lawtrace.cases.models import Case
from lawtrace.errors import Refused
from lawtrace.rulebook.deadlines import Status

if TYPE_CHECKING:
    from lawtrace.cases.compliance import Finding, _Context
    from lawtrace.records.models import Record

REPORT = "emergency_measure_report"
ONSITE = "coercive_measure_onsite_record"
LIFTING = "coercive_measure_lifting"
DECISION = "coercive_measure_decision"
PROPERTY_LIST = "property_list"
EXTENSION = "coercive_measure_extension"

SEVERITY = {Status.OVERDUE: 3, Status.MISSING: 2, Status.DUE: 1, Status.MET: 0}


def findings(ctx: _Context) -> list[Finding]:
    records = effective_records(ctx.case)
    found = [_reported_within_hours(ctx, records), _lifted_when_refused(ctx, records), _property_list(ctx, records)]
    return [f for f in found if f is not None]


# -- CEL-19 ----------------------------------------------------------------------------------------------------------


def _reported_within_hours(ctx: _Context, records: list[Record]) -> Finding | None:
    """Each emergency measure reported within the rule's hours. Reports are matched to the marked on-the-spot
    records in time order; marked records beyond the reports are measures nobody has reported yet."""
    if "CEL-19" not in ctx.rulebook:
        return None
    reports = sorted((r for r in records if r.kind == REPORT), key=lambda r: _taken_at(r) or r.occurred_at)
    onsite = sorted(
        at
        for r in records
        if r.kind == ONSITE and r.content.get("emergency")
        if (at := _moment(r.content.get("started_at"))) is not None
    )
    judged: list[Finding] = []
    for report in reports:
        taken, reported = _taken_at(report), _moment(report.content.get("reported_at"))
        if taken is None:
            continue
        looked = [
            f"当场实施行政强制措施（{_local(taken)}）",
            f"向负责人报告（{_local(reported) if reported else '无'}）",
        ]
        judged.append(ctx.timed("CEL-19", taken, reported, looked))
    for taken in onsite[len(reports) :]:
        looked = [f"行政强制措施现场笔录：情况紧急，当场实施（{_local(taken)}）", "当场实施行政强制措施报告：尚无"]
        judged.append(ctx.timed("CEL-19", taken, None, looked))
    if not judged:
        return None
    return max(judged, key=lambda f: SEVERITY.get(f.status, 0))


def _lifted_when_refused(ctx: _Context, records: list[Record]) -> Finding | None:
    """A measure the head refused to approve afterwards is lifted at once: a signed lifting after the measure."""
    if "CEL-19" not in ctx.rulebook:
        return None
    refused = [r for r in records if r.kind == REPORT and r.content.get("approval") == "refused"]
    if not refused:
        return None
    block = next(
        (d for d in ctx.rulebook.rule("CEL-19").additional_deadlines if d.condition == "approval_refused"), None
    )
    label = block.label if block is not None and block.label else "负责人不予批准的，立即解除"
    lifted = sorted(m for r in records if r.kind == LIFTING if (m := _moment(r.content.get("lifted_at"))) is not None)
    looked, missing, met_at = [], [], None
    for report in refused:
        decided = _moment(report.content.get("approved_at")) or report.signed_at or report.occurred_at
        taken = _taken_at(report) or decided
        looked.append(f"{report.kind_name}：不予批准（{_local(decided)}）")
        lifting = next((m for m in lifted if m >= taken), None)
        if lifting is None:
            missing.append(f"{label}：尚无解除行政强制措施决定书（不予批准于{_local(decided)}）")
        else:
            looked.append(f"解除行政强制措施决定书（{_local(lifting)}）")
            met_at = max(met_at or lifting, lifting)
    if missing:
        return ctx.finding("CEL-19", Status.MISSING, looked_at=looked, note="；".join(missing))
    return ctx.finding("CEL-19", Status.MET, met_at=met_at, looked_at=looked)


def _taken_at(report: Record) -> datetime | None:
    return _moment(report.content.get("measure_taken_at"))


# -- CEL-24 ----------------------------------------------------------------------------------------------------------


def _property_list(ctx: _Context, records: list[Record]) -> Finding | None:
    """A signed sealing decision names a signed property list of the case (清单, CEL-24)."""
    if "CEL-24" not in ctx.rulebook:
        return None
    decisions = [r for r in records if r.kind == DECISION]
    if not decisions:
        return None
    signed_lists = {str(r.pk) for r in ctx.case.records.all() if r.kind == PROPERTY_LIST and r.status == "signed"}
    looked, gaps = [], []
    for decision in decisions:
        named = str(decision.content.get(PROPERTY_LIST) or "")
        number = decision.content.get("document_number") or decision.pk
        looked.append(f"{decision.kind_name}（{number}）：财物清单" + ("已签署" if named in signed_lists else "未签署"))
        if named not in signed_lists:
            gaps.append(f"{decision.kind_name}（{number}）所附财物清单（一式二份）尚未签署")
    if gaps:
        return ctx.finding("CEL-24", Status.MISSING, looked_at=looked, note="；".join(gaps))
    return ctx.finding("CEL-24", Status.MET, looked_at=looked)


# -- the case page ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Measures:
    """What the case page shows of its coercive measures: the signed records and the findings that judge them."""

    decisions: list[Record]
    emergencies: list[Record]
    extensions: list[Record]
    liftings: list[Record]
    period: Finding | None  # CEL-25: the sealing period's end, explained
    reported: Finding | None  # CEL-19


def measures(case: Case, found: Iterable[Finding]) -> Measures | None:
    """The case's coercive measures for display (None when it has none), from the findings already evaluated."""
    records = effective_records(case)
    by_kind: dict[str, list[Record]] = {}
    for record in records:
        by_kind.setdefault(record.kind, []).append(record)
    if not any(by_kind.get(k) for k in (DECISION, REPORT, ONSITE, EXTENSION, LIFTING)):
        return None
    findings_by_rule = {f.rule_id: f for f in found}
    return Measures(
        decisions=by_kind.get(DECISION, []),
        emergencies=by_kind.get(REPORT, []),
        extensions=by_kind.get(EXTENSION, []),
        liftings=by_kind.get(LIFTING, []),
        period=findings_by_rule.get("CEL-25"),
        reported=findings_by_rule.get("CEL-19"),
    )


# -- before a record is written ----------------------------------------------------------------------------------------


def check_content(case: Case, kind: str, content: dict[str, object], replacing: int | None) -> None:
    """Refuse content the coercion law forbids (CEL-19, CEL-24, CEL-25); nothing is written."""
    if kind == REPORT:
        taken, reported = _moment(content.get("measure_taken_at")), _moment(content.get("reported_at"))
        if taken is not None and reported is not None and reported < taken:
            raise Refused("向负责人报告的时间不能早于当场实施行政强制措施的时间。", rule="CEL-19")
    elif kind == PROPERTY_LIST:
        if int(str(content.get("copies") or 0)) != 2 or content.get("copies_kept") is False:
            raise Refused("财物清单一式二份，由当事人和行政机关分别保存。", rule="CEL-24")
    elif kind == EXTENSION:
        _check_extension(case, content, replacing)


def _check_extension(case: Case, content: dict[str, object], replacing: int | None) -> None:
    from lawtrace.rulebook.loader import at

    rule = at(case.rulebook, case.rulebook_version).rule("CEL-25")
    block = rule.deadline.extension if rule.deadline is not None else None
    if block is None:
        return
    signed = [r for r in effective_records(case) if r.pk != replacing]
    decisions = [r for r in signed if r.kind == DECISION]
    if not decisions:
        raise Refused("尚无已签发的实施行政强制措施决定书，无可延长的封存期限。", rule="CEL-25")
    measure = _measure_of(content, decisions)
    if measure is None:
        named = str(content.get("measure") or "")
        why = "所载封存决定书不是本案已签发的决定书" if named else "本案有多份封存决定书，请载明延长的是哪一份"
        raise Refused(f"{why}。", rule="CEL-25")
    days = int(str(content.get("days") or 0))
    if not 1 <= days <= block.length:
        raise Refused(f"封存期限延长不得超过{block.length}日。", rule="CEL-25")
    earlier = sum(1 for r in signed if r.kind == EXTENSION and _measure_of(r.content, decisions) == measure)
    if block.max_extensions is not None and earlier >= block.max_extensions:
        number = measure.content.get("document_number") or measure.pk
        raise Refused(f"同一封存决定（{number}）的期限只能延长{block.max_extensions}次。", rule="CEL-25")


def _measure_of(content: Mapping[str, object], decisions: list[Record]) -> Record | None:
    """The sealing an extension extends: the decision it names, or the case's only one when it names none."""
    named = str(content.get("measure") or "")
    if named:
        return next((d for d in decisions if str(d.pk) == named), None)
    return decisions[0] if len(decisions) == 1 else None


# -- helpers --------------------------------------------------------------------------------------------------------


def _moment(value: object) -> datetime | None:
    if isinstance(value, datetime):
        return value
    if not isinstance(value, str) or not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo else timezone.make_aware(moment)


def _local(moment: datetime) -> str:
    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M}"
