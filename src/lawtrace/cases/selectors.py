"""Reads of cases, always through the one scoping rule (orgs.selectors.visible_organisations)."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Q, QuerySet

from lawtrace import clock
from lawtrace.cases.models import Case, Complaint
from lawtrace.orgs.models import User
from lawtrace.orgs.selectors import visible_organisations


def visible_cases(user: User) -> QuerySet[Case]:
    return Case.objects.filter(organisation__in=visible_organisations(user)).select_related("organisation")


def visible_complaints(user: User) -> QuerySet[Complaint]:
    return Complaint.objects.filter(organisation__in=visible_organisations(user)).select_related("organisation")


def search_cases(
    user: User,
    *,
    q: str = "",
    case_type: str = "",
    phase: str = "",
    status: str = "",
    mine: bool = False,
    handler: str = "",
    opened_from: str = "",
    opened_to: str = "",
) -> QuerySet[Case]:
    """The case list: search by number, title or party; filter by type, phase, status, handler and dates."""
    cases = visible_cases(user)
    if q:
        cases = cases.filter(Q(number__icontains=q) | Q(title__icontains=q) | Q(parties__name__icontains=q))
    if case_type:
        cases = cases.filter(case_type=case_type)
    if phase:
        cases = cases.filter(phase=phase)
    if status:
        cases = cases.filter(status=status)
    if mine:
        cases = cases.filter(handlers__user=user, handlers__active=True)
    if handler:
        cases = cases.filter(handlers__user__full_name__icontains=handler)
    if opened_from:
        cases = cases.filter(created_at__date__gte=opened_from)
    if opened_to:
        cases = cases.filter(created_at__date__lte=opened_to)
    return cases.distinct().order_by("-created_at")


def is_handler(user: User, case: Case) -> bool:
    return case.handlers.filter(user=user, active=True).exists()


def viewed_recently(user: User, case: Case) -> bool:
    """Whether this person's view of the case was ledgered in the last hour (IMR-6: at most one entry an hour)."""
    from lawtrace.ledger.actions import LedgerAction
    from lawtrace.ledger.models import Entry

    since = clock.now() - timedelta(hours=1)
    return Entry.objects.filter(
        case_number=case.number,
        action=LedgerAction.CASE_VIEWED,
        actor=user,
        time__gte=since,
        log__organisation=case.organisation,
    ).exists()


def my_open_cases(user: User) -> QuerySet[Case]:
    return (
        visible_cases(user)
        .filter(handlers__user=user, handlers__active=True)
        .exclude(status__in=["closed", "withdrawn", "not_opened", "terminated", "transferred"])
        .distinct()
        .order_by("-created_at")
    )


def awaiting_my_approval(user: User) -> list[Case]:
    """Cases whose opening waits for this person: a unit head's opinion or a bureau head's decision."""
    from lawtrace.cases.models import Approval
    from lawtrace.orgs.permissions import Action
    from lawtrace.orgs.selectors import organisations_where

    waiting = []
    opinion_orgs = set(organisations_where(user, Action.GIVE_OPINION).values_list("pk", flat=True))
    approve_orgs = set(organisations_where(user, Action.APPROVE).values_list("pk", flat=True))
    if not opinion_orgs and not approve_orgs:
        return []
    candidates = (
        Case.objects.filter(organisation__in=opinion_orgs | approve_orgs)
        .exclude(status__in=["closed", "withdrawn", "not_opened", "terminated", "transferred"])
        .prefetch_related("approvals")
    )
    for case in candidates.filter(approvals__step=Approval.Step.HANDLER).distinct():
        steps = {a.step for a in case.approvals.all() if a.subject == Approval.Subject.OPENING}
        if Approval.Step.UNIT_HEAD not in steps and case.organisation_id in opinion_orgs:
            waiting.append(case)
        elif (
            Approval.Step.UNIT_HEAD in steps
            and Approval.Step.BUREAU_HEAD not in steps
            and case.organisation_id in approve_orgs
        ):
            waiting.append(case)
    return waiting


def compliance_rows(organisations: QuerySet) -> QuerySet:  # type: ignore[type-arg]
    from lawtrace.cases.models import ComplianceRow

    return ComplianceRow.objects.filter(organisation__in=organisations)


def case_review_scores(organisations: QuerySet, *, order: str = "score") -> list[dict]:  # type: ignore[type-arg]
    """案卷评查 score per case, derived from its findings: 100, less 10 per overdue and 15 per missing item."""
    from django.db.models import Count, Q

    rows = (
        compliance_rows(organisations)
        .values("case_id", "case__number", "case__title", "organisation__name")
        .annotate(
            overdue=Count("pk", filter=Q(status="overdue")),
            missing=Count("pk", filter=Q(status="missing")),
            met=Count("pk", filter=Q(status="met")),
        )
    )
    scored = [dict(r, score=max(0, 100 - 10 * r["overdue"] - 15 * r["missing"])) for r in rows]
    key = {"score": lambda r: (r["score"], r["case__number"]), "number": lambda r: r["case__number"]}[order]
    return sorted(scored, key=key)


def my_due_items(user: User, *, within_working_days: int = 3) -> list:  # type: ignore[type-arg]
    """The officer's due items in the next N working days, and every overdue one, from the projection."""
    from lawtrace.cases.models import ComplianceRow
    from lawtrace.rulebook.overrides import working_calendar

    horizon = working_calendar().add_working_days(clock.now(), within_working_days).at
    return list(
        ComplianceRow.objects.filter(case__in=my_open_cases(user))
        .filter(Q(status="overdue") | Q(status="due", due_at__lte=horizon))
        .select_related("case")
        .order_by("due_at")
    )
