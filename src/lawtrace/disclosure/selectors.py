"""Reads: what the public may see, the publisher's queue, and what is overdue for supervisors.

The public sees only published items still within their time online (PUB-MASK), and withdrawal notices (which stay).
Inside the system every list goes through the one scoping rule (``orgs.selectors``).
"""

from __future__ import annotations

from datetime import date

from django.db.models import Q, QuerySet

from lawtrace import clock
from lawtrace.disclosure.models import AFTER_KINDS, CorrectionRequest, Item, ItemKind, ItemStatus, Withdrawal
from lawtrace.orgs.models import Certificate, CertificateStatus, Organisation, Role, User
from lawtrace.orgs.permissions import Action
from lawtrace.orgs.selectors import organisations_where, subtree, visible_organisations

OPEN_STATUSES = (ItemStatus.DRAFT, ItemStatus.IN_REVIEW, ItemStatus.PUBLISHED)


def public_items(organisation: Organisation | None = None, *, hierarchy: bool = False) -> QuerySet[Item]:
    """Items on the public site: published, within their time online; for one organisation (IMD-9: each publishes
    its own) or, with ``hierarchy``, for it and every organisation below it."""
    now = clock.now()
    items = Item.objects.filter(
        status=ItemStatus.PUBLISHED, published_version__isnull=False, organisation__is_active=True
    )
    items = items.filter(Q(online_until__isnull=True) | Q(online_until__gt=now))
    if organisation is not None:
        items = (
            items.filter(organisation__in=subtree(organisation))
            if hierarchy
            else items.filter(organisation=organisation)
        )
    return items.select_related("organisation", "published_version")


def public_item(pk: int) -> Item | None:
    """One item as the public may open it: published and online, or withdrawn (its notice explains why)."""
    now = clock.now()
    return (
        Item.objects.filter(pk=pk, published_version__isnull=False, organisation__is_active=True)
        .filter(
            Q(status=ItemStatus.WITHDRAWN)
            | Q(status=ItemStatus.PUBLISHED) & (Q(online_until__isnull=True) | Q(online_until__gt=now))
        )
        .select_related("organisation", "published_version")
        .first()
    )


def search_public(
    items: QuerySet[Item], *, q: str = "", kind: str = "", year: int | None = None, organisation: int | None = None
) -> QuerySet[Item]:
    """Search in the public title, parties as published and text; filter by kind, year and organisation (the
    parameters already read by ``lawtrace.params``)."""
    if q:
        items = items.filter(
            Q(published_version__title__icontains=q)
            | Q(published_version__party_display__icontains=q)
            | Q(published_version__redacted_text__icontains=q)
        )
    if kind in ItemKind.values:
        items = items.filter(kind=kind)
    if year is not None:
        items = items.filter(first_published_at__year=year)
    if organisation is not None:
        items = items.filter(organisation_id=organisation)
    return items


def after_items(items: QuerySet[Item]) -> QuerySet[Item]:
    return items.filter(kind__in=AFTER_KINDS).order_by("-first_published_at", "-pk")


def qualified_officers(organisation: Organisation, on: date) -> list[tuple[User, Certificate]]:
    """IMD-4 执法人员资格清单: the organisation's officers with a certificate valid today, straight from the register
    (an expired, suspended or revoked certificate drops out by itself)."""
    people = (
        User.objects.filter(
            roles__organisation=organisation, roles__is_active=True, roles__role=Role.OFFICER, is_active=True
        )
        .distinct()
        .order_by("full_name")
    )
    certificates = Certificate.objects.filter(holder__in=people, status=CertificateStatus.VALID).select_related(
        "holder"
    )
    return [(c.holder, c) for c in certificates.order_by("holder__full_name", "number") if c.is_valid_on(on)]


# -- inside the system ---------------------------------------------------------------------------------------------


def publication_queue(user: User) -> QuerySet[Item]:
    """What the publisher has to do: drafts and items in review, and published items with an unpublished version."""
    organisations = organisations_where(user, Action.PUBLISH) | organisations_where(user, Action.APPROVE)
    return (
        Item.objects.filter(organisation__in=organisations)
        .filter(
            Q(status__in=(ItemStatus.DRAFT, ItemStatus.IN_REVIEW))
            | Q(status=ItemStatus.PUBLISHED, due_met_at__isnull=True)
        )
        .select_related("organisation", "case")
        .order_by("due_at", "pk")
    )


def overdue_items(user: User) -> QuerySet[Item]:
    """IMD-10 overdue publications in the organisations the person supervises (or publishes for)."""
    organisations = visible_organisations(user)
    return (
        Item.objects.filter(
            organisation__in=organisations,
            status__in=OPEN_STATUSES,
            due_met_at__isnull=True,
            due_at__lt=clock.now(),
        )
        .select_related("organisation", "case")
        .order_by("due_at")
    )


def open_corrections(user: User) -> QuerySet[CorrectionRequest]:
    organisations = visible_organisations(user)
    return (
        CorrectionRequest.objects.filter(item__organisation__in=organisations, handled_at__isnull=True)
        .select_related("item", "item__organisation", "item__published_version")
        .order_by("due_at")
    )


def overdue_corrections(user: User) -> QuerySet[CorrectionRequest]:
    return open_corrections(user).filter(due_at__lt=clock.now())


def open_withdrawals(user: User) -> QuerySet[Withdrawal]:
    organisations = visible_organisations(user)
    return (
        Withdrawal.objects.filter(item__organisation__in=organisations, withdrawn_at__isnull=True)
        .select_related("item", "item__organisation", "item__published_version")
        .order_by("due_at")
    )


def visible_items(user: User) -> QuerySet[Item]:
    return Item.objects.filter(organisation__in=visible_organisations(user)).select_related("organisation", "case")
