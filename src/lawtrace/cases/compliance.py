"""``evaluate(case)``: the case's compliance, derived from its rows and its rulebook version — never typed in.

Each finding names the rule (ID, title, article from the rulebook), its status, the explained due date where the
rule has one, when it was met, how late, and the records it looked at. Rules the case's rulebook does not contain
are not reported (a wenshang-2019 case has no IMR-8b). More rules join as their records are built.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from django.utils import timezone

from lawtrace import clock
from lawtrace.cases.models import Approval, Case, CaseStatus, CaseType
from lawtrace.rulebook.calendar import Due, WorkingCalendar
from lawtrace.rulebook.deadlines import STATUS_LABELS, Period, Status, due_date, judge
from lawtrace.rulebook.loader import Rulebook, load
from lawtrace.rulebook.overrides import working_calendar


@dataclass(frozen=True)
class Finding:
    rule_id: str
    title: str
    article: str
    status: Status
    due: Due | None = None
    met_at: datetime | None = None
    late: str = ""
    looked_at: list[str] = field(default_factory=list)
    note: str = ""

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def explanation(self) -> str:
        return self.due.text_zh() if self.due else ""


@dataclass
class _Context:
    case: Case
    rulebook: Rulebook
    calendar: WorkingCalendar
    now: datetime

    def finding(self, rule_id: str, status: Status, **kwargs: object) -> Finding:
        rule = self.rulebook.rule(rule_id)
        return Finding(rule_id, rule.title, rule.article, status, **kwargs)  # type: ignore[arg-type]

    def period(self, rule_id: str) -> Period:
        deadline = self.rulebook.rule(rule_id).deadline
        assert deadline is not None and deadline.unit is not None
        return Period(deadline.length, deadline.unit, deadline.roll_to_working_day)

    def timed(self, rule_id: str, start: datetime, met_at: datetime | None, looked_at: list[str]) -> Finding:
        period = self.period(rule_id)
        due = due_date(period, start, self.calendar)
        judgement = judge(due, met_at, self.now)
        late = judgement.late_text(self.calendar, due, period.unit, met_at, self.now)
        return self.finding(rule_id, judgement.status, due=due, met_at=met_at, late=late, looked_at=looked_at)


def _local(moment: datetime) -> str:
    from django.utils import timezone

    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M}"


def _handlers(ctx: _Context) -> Finding | None:
    minimum = int(ctx.rulebook.param("APL-42", "min_handlers"))
    day = timezone.localtime(ctx.now).date()  # certificate validity is judged on the Shanghai calendar day
    valid = [
        h
        for h in ctx.case.handlers.select_related("certificate", "user")
        if h.active and h.certificate.is_valid_on(day)
    ]
    looked = [f"承办人 {h.user} 执法证 {h.certificate.number}" for h in valid]
    status = Status.MET if len(valid) >= minimum else Status.MISSING
    note = "" if status is Status.MET else f"持有效执法证的承办人 {len(valid)} 名，少于 {minimum} 名"
    return ctx.finding("APL-42", status, looked_at=looked, note=note)


def _limitation_date(ctx: _Context) -> Finding | None:
    if ctx.case.case_type != CaseType.PENALTY:
        return None
    ended = ctx.case.violation_ended_on
    return ctx.finding(
        "APL-36",
        Status.MET if ended else Status.MISSING,
        looked_at=["立案审批表：违法行为发生（终了）日期"],
        note="" if ended else "未记录违法行为发生（终了）日期",
    )


def _opening_approval(ctx: _Context) -> Finding | None:
    rule_id = "IMR-8" if "IMR-8" in ctx.rulebook else "WS-10"
    if rule_id not in ctx.rulebook or ctx.case.status == CaseStatus.NOT_OPENED:
        return None
    steps = {a.step: a for a in ctx.case.approvals.all() if a.subject == Approval.Subject.OPENING}
    looked = [f"{a.get_step_display()}（{a.by}，{_local(a.at)}）" for a in steps.values()]
    if Approval.Step.BUREAU_HEAD in steps:
        return ctx.finding(rule_id, Status.MET, met_at=steps[Approval.Step.BUREAU_HEAD].at, looked_at=looked)
    missing = [label for step, label in Approval.Step.choices if step not in steps]
    return ctx.finding(rule_id, Status.DUE, looked_at=looked, note="尚缺：" + "、".join(missing))


def _urgent_request(ctx: _Context) -> Finding | None:
    if not ctx.case.urgent or "IMR-8b" not in ctx.rulebook or ctx.case.opened_at is None:
        return None
    request = next(
        (
            a
            for a in ctx.case.approvals.all()
            if a.subject == Approval.Subject.OPENING and a.step == Approval.Step.HANDLER
        ),
        None,
    )
    looked = [f"补报立案审批（{_local(request.at)}）"] if request else ["补报立案审批：无"]
    return ctx.timed("IMR-8b", ctx.case.opened_at, request.at if request else None, looked)


def _case_period(ctx: _Context) -> Finding | None:
    if ctx.case.case_type != CaseType.PENALTY or ctx.case.opened_at is None or "APL-60" not in ctx.rulebook:
        return None
    decision = ctx.case.records.filter(kind="penalty_decision", status="signed").order_by("signed_at").first()  # type: ignore[attr-defined]
    if decision is None or decision.signed_at is None:
        return ctx.timed("APL-60", ctx.case.opened_at, None, ["行政处罚决定书：尚无"])
    looked = [f"行政处罚决定书（签署于 {_local(decision.signed_at)}）"]
    return ctx.timed("APL-60", ctx.case.opened_at, decision.signed_at, looked)


CHECKS: list[Callable[[_Context], Finding | None]] = [
    _handlers,
    _limitation_date,
    _opening_approval,
    _urgent_request,
    _case_period,
]


def evaluate(case: Case, *, now: datetime | None = None, calendar: WorkingCalendar | None = None) -> list[Finding]:
    """Every finding for the case under the rulebook version it was opened with."""
    rulebook = load(case.rulebook).at_version(case.rulebook_version)
    ctx = _Context(case, rulebook, calendar or working_calendar(), now or clock.now())
    return [f for check in CHECKS if (f := check(ctx)) is not None]


def refresh(case: Case, *, now: datetime | None = None) -> list[Finding]:
    """Rebuild the case's projection rows from ``evaluate`` (the only writer of ComplianceRow)."""
    from lawtrace.cases.models import ComplianceRow

    findings = evaluate(case, now=now)
    moment = now or clock.now()
    ComplianceRow.objects.filter(case=case).exclude(rule_id__in=[f.rule_id for f in findings]).delete()
    for f in findings:
        ComplianceRow.objects.update_or_create(
            case=case,
            rule_id=f.rule_id,
            defaults={
                "organisation_id": case.organisation_id,
                "title": f.title,
                "status": str(f.status),
                "due_at": f.due.at if f.due else None,
                "met_at": f.met_at,
                "late": f.late,
                "explanation": f.explanation,
                "computed_at": moment,
            },
        )
    return findings


def rebuild_all(*, open_only: bool = False) -> int:
    """Rebuild every case's rows (``lawtrace compliance rebuild``; ``lawtrace periodic`` with ``open_only``)."""
    cases = Case.objects.all()
    if open_only:
        cases = cases.exclude(status__in=[CaseStatus.CLOSED, CaseStatus.NOT_OPENED, CaseStatus.WITHDRAWN])
    count = 0
    for case in cases.iterator():
        refresh(case)
        count += 1
    return count
