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


def case_retrievals(case: Case, *, limit: int = 50) -> list:  # type: ignore[type-arg]
    """IMR-6: the ledgered retrievals of the case — views by anyone not handling it, audio/video views and
    downloads — newest first (who, what, when)."""
    from lawtrace.ledger.actions import LedgerAction
    from lawtrace.ledger.models import Entry

    actions = [LedgerAction.CASE_VIEWED, LedgerAction.AV_VIEWED, LedgerAction.AV_DOWNLOADED]
    entries = Entry.objects.filter(case_number=case.number, log__organisation=case.organisation, action__in=actions)
    return list(entries.select_related("actor").order_by("-time", "-seq")[:limit])


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


def awaiting_my_signature(user: User) -> list:  # type: ignore[type-arg]
    """Drafts waiting for this head's signature: decisions and approvals the handlers prepared (records.SIGNERS),
    naming this person as the one to sign or naming nobody."""
    from lawtrace.orgs.selectors import organisations_where
    from lawtrace.records.models import Record
    from lawtrace.records.services import SIGNER_FIELDS, SIGNERS

    drafts: list[Record] = []
    for kind, action in SIGNERS.items():
        organisations = organisations_where(user, action)
        drafts += (
            Record.objects.filter(kind=kind, status=Record.Status.DRAFT, case__organisation__in=organisations)
            .exclude(case__status__in=["closed", "withdrawn", "not_opened", "terminated", "transferred"])
            .select_related("case")
        )
    mine = [r for r in drafts if all(str(r.content.get(f, user.pk)) == str(user.pk) for f in SIGNER_FIELDS)]
    return sorted(mine, key=lambda r: r.created_at)


def compliance_rows(organisations: QuerySet) -> QuerySet:  # type: ignore[type-arg]
    from lawtrace.cases.models import ComplianceRow

    return ComplianceRow.objects.filter(organisation__in=organisations)


def case_review_scores(organisations: QuerySet, *, order: str = "score") -> QuerySet:  # type: ignore[type-arg]
    """案卷评查 score per case (``compliance.review_score`` of its findings), lowest first or by 案号."""
    from lawtrace.cases.models import CaseScore

    ordering = ["score", "number"] if order == "score" else ["number"]
    return (
        CaseScore.objects.filter(organisation__in=organisations)
        .select_related("case", "organisation")
        .order_by(*ordering)
    )


def compliance_counts(organisations: QuerySet, by: str) -> QuerySet:  # type: ignore[type-arg]
    """Counts of findings by status, grouped by ``rule_id`` or ``organisation__name``, from the count table."""
    from django.db.models import Sum

    from lawtrace.cases.models import ComplianceCount

    def total(status: str) -> Sum:
        return Sum("count", filter=Q(status=status), default=0)

    return (
        ComplianceCount.objects.filter(organisation__in=organisations)
        .values(by)
        .annotate(overdue=total("overdue"), missing=total("missing"), due=total("due"), met=total("met"))
        .order_by(by)
    )


def overdue_items(organisations: QuerySet, *, limit: int = 50) -> list:  # type: ignore[type-arg]
    """Overdue items (earliest due first), then missing ones: each status asked for on its own so the
    (status, due_at) index serves it."""
    rows = compliance_rows(organisations).select_related("case", "organisation")
    overdue = list(rows.filter(status="overdue").order_by("due_at")[:limit])
    missing = list(rows.filter(status="missing").order_by("due_at", "pk")[: max(0, limit - len(overdue))])
    return overdue + missing


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
