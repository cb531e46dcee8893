"""``evaluate(case)``: the case's compliance, derived from its rows and its rulebook version — never typed in.

Each finding names the rule (ID, title, article from the rulebook), its status, the explained due date where the
rule has one, when it was met, how late, and the records it looked at. Rules the case's rulebook does not contain
are not reported (a wenshang-2019 case has no IMR-8b). More rules join as their records are built.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime

from django.db import transaction
from django.db.models import Count, F
from django.utils import timezone

from lawtrace import clock
from lawtrace.cases import act_checks, coercive_measures, deadline_rules, record_rules
from lawtrace.cases.facts import facts_of
from lawtrace.cases.models import (
    Approval,
    Case,
    CaseScore,
    CaseStatus,
    CaseType,
    ComplianceCount,
    ComplianceRow,
    Procedure,
)
from lawtrace.rulebook.calendar import Due, WorkingCalendar
from lawtrace.rulebook.deadlines import STATUS_LABELS, Period, Status, due_date, judge
from lawtrace.rulebook.loader import Rulebook
from lawtrace.rulebook.loader import at as rulebook_at
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
    # The party's own period (APL-67 payment): shown and counted on the dashboards, but the party's lateness is not
    # the officers' — it does not lower the case's 案卷评查 score.
    party_side: bool = False

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
        rule = self.rulebook.rule(rule_id)
        assert rule.deadline is not None and rule.deadline.unit is not None
        return self.rulebook.period(rule, rule.deadline)

    def timed(self, rule_id: str, start: datetime, met_at: datetime | None, looked_at: list[str]) -> Finding:
        period = self.period(rule_id)
        due = due_date(period, start, self.calendar)
        judgement = judge(due, met_at, self.now)
        late = judgement.late_text(self.calendar, due, period.unit, met_at, self.now)
        return self.finding(rule_id, judgement.status, due=due, met_at=met_at, late=late, looked_at=looked_at)


def _local(moment: datetime) -> str:
    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M}"


def _handlers(ctx: _Context) -> Finding | None:
    minimum = int(ctx.rulebook.param("APL-42", "min_handlers"))
    day = timezone.localtime(ctx.now).date()  # certificate validity is judged on the Shanghai calendar day
    valid = [h for h in ctx.case.handlers.all() if h.active and h.certificate.is_valid_on(day)]
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
    if ctx.case.procedure == Procedure.SUMMARY:
        return None  # decided on the spot (APL-51): no opening approval chain
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


def _not_opening_told(ctx: _Context) -> Finding | None:
    """WS-10b: a case the head decided not to open — the party told, by a signed 不予立案告知书."""
    if "WS-10b" not in ctx.rulebook or ctx.case.status != CaseStatus.NOT_OPENED:
        return None
    told = [r for r in ctx.case.records.all() if r.kind == "not_opening_notice" and r.signed_at is not None]
    if not told:
        return ctx.finding("WS-10b", Status.DUE, looked_at=["不予立案告知书：无"], note="尚未记录告知当事人")
    first = min(told, key=lambda r: r.signed_at)  # type: ignore[arg-type, return-value]
    looked = [f"{r.kind_name}（{r.content.get('document_number') or r.pk}）" for r in told]
    return ctx.finding("WS-10b", Status.MET, met_at=first.signed_at, looked_at=looked)


CHECKS: list[Callable[[_Context], Finding | None]] = [
    _handlers,
    _limitation_date,
    _opening_approval,
    _urgent_request,
    _not_opening_told,
]

# Rules judged by the checks above; every other deadline rule goes through ``deadline_rules``.
HAND_WRITTEN = frozenset({"APL-42", "APL-36", "IMR-8", "WS-10", "IMR-8b", "CEL-19"})  # CEL-19: coercive_measures
HAND_WRITTEN |= frozenset({"WS-10b"})  # the notice of not opening: _not_opening_told
HAND_WRITTEN |= frozenset({"APL-67", "APL-72", "CEL-53", "WS-18", "IMR-18", "WS-19", "IMR-19"})  # cases.execution


# What evaluate reads, for callers that load many cases at once (a query per case otherwise).
EVALUATE_PREFETCH = (
    "handlers__certificate",
    "handlers__user",
    "parties",
    "approvals__by",
    "records",
    "av_records__device",
    "av_records__files__stored",
    "av_records__gaps",
    "av_records__confirmations",
    "checklist_confirmations",
    "lead__extensions__approved_by",
    "confidentiality_review__by",
)


def evaluate(case: Case, *, now: datetime | None = None, calendar: WorkingCalendar | None = None) -> list[Finding]:
    """Every finding for the case under the rulebook version it was opened with."""
    rulebook = rulebook_at(case.rulebook, case.rulebook_version)
    ctx = _Context(case, rulebook, calendar or working_calendar(), now or clock.now())
    found = [f for check in CHECKS if (f := check(ctx)) is not None]
    # Audio/video rules (WS-12/13/21/22, IMR-10…13/21/22) are judged by the evidence app.
    from lawtrace.evidence.rules import evidence_findings

    av_findings = evidence_findings(case, rulebook=rulebook, calendar=ctx.calendar, now=ctx.now)
    from lawtrace.rulebook.checklists import checklist_findings  # IMR-5 confirmed, IMR-5b, options (WS-5, WS-9b)

    av_findings += checklist_findings(case, rulebook=rulebook)
    found += deadline_rules.findings(ctx, skip=HAND_WRITTEN)
    found += record_rules.findings(ctx, skip=set(HAND_WRITTEN))
    found += coercive_measures.findings(ctx)  # CEL-19, CEL-24 (merged with record_rules' CEL-24)
    from lawtrace.cases import execution  # 执行: APL-67, APL-72, CEL-53, WS-18/IMR-18, WS-19/IMR-19

    found += execution.findings(ctx)
    from lawtrace.cases.case_file import findings as case_file_findings  # NHSA-ONECASE, IMR-5c, once ended

    found += case_file_findings(ctx)
    # The lead the case was opened from (NHSA-LEAD, APL-54: events of kind "lead") is judged by the leads app.
    from lawtrace.leads.rules import case_lead_findings

    found += case_lead_findings(case, calendar=ctx.calendar, now=ctx.now)
    # Each act already performed, judged as of its own moment by the judges that refuse it at signing.
    found += act_checks.findings(ctx, facts_of(case, now=ctx.now))
    return _one_per_rule(found + av_findings)


SEVERITY = {Status.OVERDUE: 4, Status.MISSING: 3, Status.DUE: 2, Status.WAIVED: 1, Status.MET: 0}


def _one_per_rule(found: list[Finding]) -> list[Finding]:
    """A rule judged twice (its deadline and its record's fields) is reported once: the worse status, both notes."""
    by_rule: dict[str, Finding] = {}
    for finding in found:
        first = by_rule.get(finding.rule_id)
        if first is None:
            by_rule[finding.rule_id] = finding
            continue
        if SEVERITY.get(finding.status, 0) > SEVERITY.get(first.status, 0):
            worse, other = finding, first
        else:
            worse, other = first, finding
        note = "；".join(n for n in (worse.note, other.note) if n)
        by_rule[finding.rule_id] = replace(worse, note=note, looked_at=[*worse.looked_at, *other.looked_at])
    return list(by_rule.values())


def _projection(case: Case, findings: list[Finding], moment: datetime) -> tuple[list[ComplianceRow], CaseScore]:
    """The rows ``refresh`` and ``rebuild_all`` write for one case: one per finding, and the case's score."""
    rows = [
        ComplianceRow(
            case=case,
            organisation_id=case.organisation_id,
            rule_id=f.rule_id,
            title=f.title,
            status=str(f.status),
            due_at=f.due.at if f.due else None,
            met_at=f.met_at,
            late=f.late,
            explanation=f.explanation,
            computed_at=moment,
        )
        for f in findings
    ]
    tally = Counter(str(f.status) for f in findings if not f.party_side)
    score = CaseScore(
        case=case,
        organisation_id=case.organisation_id,
        number=case.number,
        score=review_score(tally[str(Status.OVERDUE)], tally[str(Status.MISSING)]),
        overdue=tally[str(Status.OVERDUE)],
        missing=tally[str(Status.MISSING)],
        met=tally[str(Status.MET)],
        computed_at=moment,
    )
    return rows, score


def review_score(overdue: int, missing: int) -> int:
    """案卷评查 score: 100, less 10 per overdue and 15 per missing item, never below 0."""
    return max(0, 100 - 10 * overdue - 15 * missing)


def refresh(case: Case, *, now: datetime | None = None) -> list[Finding]:
    """Rebuild the case's projection rows from ``evaluate`` (the only writer of the projection), its score, and
    the organisation's counts by difference. The case row is locked so two actions on one case cannot both apply
    the same difference."""
    moment = now or clock.now()
    with transaction.atomic():
        case = Case.objects.select_for_update().prefetch_related(*EVALUATE_PREFETCH).get(pk=case.pk)
        findings = evaluate(case, now=moment)
        rows, score = _projection(case, findings, moment)
        old = list(ComplianceRow.objects.filter(case=case).values_list("organisation_id", "rule_id", "status"))
        difference = Counter((r.organisation_id, r.rule_id, r.status) for r in rows)
        difference.subtract(Counter(old))
        ComplianceRow.objects.filter(case=case).delete()
        ComplianceRow.objects.bulk_create(rows)
        CaseScore.objects.update_or_create(case=case, defaults=_score_fields(score))
        _apply_counts(difference)
    return findings


def _score_fields(score: CaseScore) -> dict[str, object]:
    return {f.attname: getattr(score, f.attname) for f in CaseScore._meta.concrete_fields if not f.primary_key}


def _apply_counts(difference: Counter[tuple[int, str, str]]) -> None:
    for (organisation_id, rule_id, status), change in difference.items():
        if change == 0:
            continue
        key = {"organisation_id": organisation_id, "rule_id": rule_id, "status": status}
        if not ComplianceCount.objects.filter(**key).update(count=F("count") + change):
            ComplianceCount.objects.create(**key, count=change)


def rebuild_all(*, open_only: bool = False, chunk: int = 1000) -> int:
    """Rebuild every case's rows (``lawtrace compliance rebuild``; ``lawtrace periodic`` with ``open_only``), in
    chunks of prefetched cases with one calendar, then recount the dashboard's counts from the rows."""
    cases = Case.objects.order_by("pk")
    if open_only:
        cases = cases.exclude(status__in=[CaseStatus.CLOSED, CaseStatus.NOT_OPENED, CaseStatus.WITHDRAWN])
    ids = list(cases.values_list("pk", flat=True))
    moment = clock.now()
    calendar = working_calendar()
    for start in range(0, len(ids), chunk):
        batch = ids[start : start + chunk]
        with transaction.atomic():
            loaded = Case.objects.filter(pk__in=batch).select_for_update().prefetch_related(*EVALUATE_PREFETCH)
            rows: list[ComplianceRow] = []
            scores: list[CaseScore] = []
            for case in loaded:
                case_rows, score = _projection(case, evaluate(case, now=moment, calendar=calendar), moment)
                rows += case_rows
                scores.append(score)
            ComplianceRow.objects.filter(case_id__in=batch).delete()
            CaseScore.objects.filter(case_id__in=batch).delete()
            ComplianceRow.objects.bulk_create(rows, batch_size=2000)
            CaseScore.objects.bulk_create(scores, batch_size=2000)
    recount()
    return len(ids)


def recount() -> None:
    """Recompute the (organisation, rule, status) counts from the projection rows."""
    with transaction.atomic():
        ComplianceCount.objects.all().delete()
        grouped = ComplianceRow.objects.values("organisation_id", "rule_id", "status").annotate(n=Count("pk"))
        ComplianceCount.objects.bulk_create(
            [
                ComplianceCount(
                    organisation_id=g["organisation_id"], rule_id=g["rule_id"], status=g["status"], count=g["n"]
                )
                for g in grouped
            ],
            batch_size=2000,
        )
