"""A lead's deadlines as compliance findings (``cases.compliance.evaluate`` adds them to the case opened from it).

* NHSA-LEAD: the decision whether to open a case within the rulebook's working days of the lead being found or
  received (``received_at``), plus each approved extension — explained like every due date (start, unit, holidays
  skipped, make-up days counted, extensions, article). Met by the decision (``decided_at``): opened or not opened.
* APL-54 (及时立案): a ``prompt`` deadline with no number of days — due while the lead waits for its decision (the
  note points at NHSA-LEAD's due date), met when the case opened from it is opened (approved, or started urgently).
  Not reported for a lead decided not to be opened, a case whose opening was refused, or a case the rule does not
  apply to (APL-54 applies to penalties under the general procedure).

The lead is judged under the rulebook version in force when it was registered.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.utils import timezone

from lawtrace.cases.models import CaseStatus
from lawtrace.leads.models import Lead, LeadStatus
from lawtrace.rulebook.calendar import Extension, WorkingCalendar
from lawtrace.rulebook.deadlines import Period, Status, due_date, judge
from lawtrace.rulebook.loader import Rulebook
from lawtrace.rulebook.loader import at as rulebook_at
from lawtrace.rulebook.overrides import working_calendar

if TYPE_CHECKING:
    from lawtrace.cases.compliance import Finding
    from lawtrace.cases.models import Case


def _local(moment: datetime) -> str:
    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M}"


def _finding(rulebook: Rulebook, rule_id: str, status: Status, **kwargs: object) -> Finding:
    from lawtrace.cases.compliance import Finding

    rule = rulebook.rule(rule_id)
    return Finding(rule_id, rule.title, rule.article, status, **kwargs)  # type: ignore[arg-type]


def check_finding(lead: Lead, rulebook: Rulebook, calendar: WorkingCalendar, now: datetime) -> Finding | None:
    """NHSA-LEAD: checked and decided within the period, extensions counted on after it."""
    if "NHSA-LEAD" not in rulebook:
        return None
    deadline = rulebook.rule("NHSA-LEAD").deadline
    assert deadline is not None and deadline.unit is not None and deadline.length is not None
    unit = deadline.extension.unit if deadline.extension is not None else deadline.unit
    extensions = [Extension(e.days, unit, f"{e.approved_by}批准：{e.reason}") for e in lead.extensions.all()]
    period = Period(deadline.length, deadline.unit, deadline.roll_to_working_day)
    due = due_date(period, lead.received_at, calendar, extensions=extensions)
    met_at = lead.decided_at
    judgement = judge(due, met_at, now)
    late = judgement.late_text(calendar, due, period.unit, met_at, now)
    looked = [f"线索登记 {lead.number}（收到 {_local(lead.received_at)}）"]
    looked += [f"延长核查期限 {e.days} 个工作日（{e.approved_by}，{_local(e.at)}）" for e in lead.extensions.all()]
    looked.append(f"{lead.get_decision_display()}（{_local(met_at)}）" if met_at else "处理决定：尚无")
    return _finding(rulebook, "NHSA-LEAD", judgement.status, due=due, met_at=met_at, late=late, looked_at=looked)


def prompt_finding(lead: Lead, rulebook: Rulebook, check: Finding | None) -> Finding | None:
    """APL-54: opened promptly — shown, never overdue by itself (the number of days is NHSA-LEAD's)."""
    if "APL-54" not in rulebook or lead.status == LeadStatus.NOT_OPENED:
        return None
    rule = rulebook.rule("APL-54")
    case = lead.case
    if case is None:
        note = "尚未作出是否立案的决定"
        if check is not None and check.due is not None:
            note += f"；核查并决定期限至 {check.due.last_day:%Y年%m月%d日}24时（NHSA-LEAD）"
        return _finding(rulebook, "APL-54", Status.DUE, looked_at=[f"线索 {lead.number}"], note=note)
    if case.status == CaseStatus.NOT_OPENED:
        return None
    if (rule.applies_to and case.case_type not in rule.applies_to) or (
        rule.procedures and case.procedure not in rule.procedures
    ):
        return None
    looked = [f"线索 {lead.number}", f"案件 {case.number}"]
    if case.opened_at is not None:
        return _finding(rulebook, "APL-54", Status.MET, met_at=case.opened_at, looked_at=looked)
    return _finding(rulebook, "APL-54", Status.DUE, looked_at=looked, note="已登记立案，待机关负责人批准")


def lead_findings(lead: Lead, now: datetime, *, calendar: WorkingCalendar | None = None) -> list[Finding]:
    """Every finding of the lead: NHSA-LEAD, then APL-54 where it applies."""
    rulebook = rulebook_at(lead.rulebook, lead.rulebook_version)
    calendar = calendar or working_calendar()
    check = check_finding(lead, rulebook, calendar, now)
    return [f for f in (check, prompt_finding(lead, rulebook, check)) if f is not None]


def case_lead_findings(case: Case, *, calendar: WorkingCalendar, now: datetime) -> list[Finding]:
    """The findings of the lead a case was opened from, for the case's compliance panel — the rules that apply to
    the case's type and procedure only (empty when the case did not come from a lead)."""
    try:
        found = case.lead  # prefetched with the case where many are evaluated (EVALUATE_PREFETCH)
    except Lead.DoesNotExist:
        return []
    found.case = case  # the case as the caller loaded it
    rulebook = rulebook_at(found.rulebook, found.rulebook_version)
    applies = {r.id for r in rulebook.rules_for(case.case_type, case.procedure)}
    return [f for f in lead_findings(found, now, calendar=calendar) if f.rule_id in applies]
