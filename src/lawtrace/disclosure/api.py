"""Open data (JSON, django-ninja): organisations, qualified officers and published items — the same redacted
versions the public pages show, never an original text."""

from __future__ import annotations

from datetime import datetime

from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils import timezone
from ninja import Field, Path, Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate

from lawtrace import params
from lawtrace.disclosure import selectors
from lawtrace.disclosure.models import Item, ItemKind
from lawtrace.orgs.models import Organisation

router = Router(tags=["公示开放数据"])

# The open-data list: 100 items a request unless asked for more, at most 1,000; an offset no larger than 2^53 − 1.
DEFAULT_LIMIT = 100
MAX_LIMIT = 1000


class BoundedPagination(LimitOffsetPagination):
    """``limit`` 1–1000 and ``offset`` 0 … 2^53 − 1: a larger number is a 400, not a database overflow."""

    class Input(Schema):
        limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="每次最多返回的条数（1–1000）")
        offset: int = Field(0, ge=0, le=params.MAX_INTEGER, description="跳过的条数")

    def __init__(self, **kwargs: object) -> None:
        super().__init__(max_limit=MAX_LIMIT, **kwargs)  # type: ignore[arg-type]


class OrganisationOut(Schema):
    id: int
    name: str
    kind: str
    parent_id: int | None
    credit_code: str


class OfficerOut(Schema):
    name: str
    certificate_number: str
    certificate_status: str
    valid_to: str


class ItemOut(Schema):
    """A published item as open data: the published (redacted) version; a withdrawn decision keeps only its title."""

    id: int
    organisation_id: int
    organisation: str
    kind: str
    kind_label: str
    category: str
    title: str
    party: str
    text: str
    version: int
    status: str
    published_at: datetime | None
    updated_at: datetime | None
    url: str

    @staticmethod
    def resolve_id(obj: Item) -> int:
        return obj.pk

    @staticmethod
    def resolve_organisation(obj: Item) -> str:
        return obj.organisation.name

    @staticmethod
    def resolve_kind_label(obj: Item) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_title(obj: Item) -> str:
        return obj.published_version.title if obj.published_version else ""

    @staticmethod
    def resolve_party(obj: Item) -> str:
        return obj.published_version.party_display if obj.published_version else ""

    @staticmethod
    def resolve_text(obj: Item) -> str:
        if obj.status == "withdrawn" or obj.published_version is None:
            return ""
        return obj.published_version.redacted_text

    @staticmethod
    def resolve_version(obj: Item) -> int:
        return obj.published_version.number if obj.published_version else 0

    @staticmethod
    def resolve_published_at(obj: Item) -> datetime | None:
        return obj.first_published_at

    @staticmethod
    def resolve_updated_at(obj: Item) -> datetime | None:
        return obj.published_version.published_at if obj.published_version else None

    @staticmethod
    def resolve_url(obj: Item) -> str:
        return reverse("disclosure_public_item", args=[obj.pk])


@router.get("/organisations", response=list[OrganisationOut], summary="公示机关")
def organisations(request: HttpRequest) -> list[OrganisationOut]:
    return [
        OrganisationOut(id=o.pk, name=o.name, kind=o.kind, parent_id=o.parent_id, credit_code=o.credit_code)
        for o in Organisation.objects.filter(is_active=True).order_by("path")
    ]


@router.get("/organisations/{org_id}/officers", response=list[OfficerOut], summary="执法人员资格清单（IMD-4）")
def officers(request: HttpRequest, org_id: int = Path(..., ge=1, le=params.MAX_INTEGER)) -> list[OfficerOut]:
    org = Organisation.objects.filter(pk=org_id, is_active=True).first()
    if org is None:
        raise Http404
    today = timezone.localdate()
    return [
        OfficerOut(
            name=user.get_full_name(),
            certificate_number=cert.number,
            certificate_status=str(cert.effective_status(today).label),
            valid_to=cert.valid_to.isoformat(),
        )
        for user, cert in selectors.qualified_officers(org, today)
    ]


@router.get("/items", response=list[ItemOut], summary="公示信息（已公开、在公示期内）")
@paginate(BoundedPagination)
def items(
    request: HttpRequest,
    q: str = "",
    kind: str = "",
    year: str = "",
    org: str = "",
    tree: bool = False,
) -> QuerySet[Item]:
    query = {"q": q, "kind": kind, "year": year, "org": org}
    org_id = params.optional_id(query, "org", label="机关")
    organisation = Organisation.objects.filter(pk=org_id, is_active=True).first() if org_id else None
    found = selectors.search_public(
        selectors.public_items(organisation, hierarchy=tree),
        q=params.text(query, "q", label="关键词", max_length=50),
        kind=params.choice(query, "kind", ItemKind.values, label="类别"),
        year=params.optional_year(query),
    )
    return found.order_by("-first_published_at", "-pk")


@router.get("/items/{item_id}", response=ItemOut, summary="一条公示信息")
def item(request: HttpRequest, item_id: int = Path(..., ge=1, le=params.MAX_INTEGER)) -> Item:
    found = selectors.public_item(item_id)
    if found is None:
        raise Http404
    return found
