"""The public portal under ``/gongshi/`` — no sign-in. Glue only: reads through ``selectors`` (which show nothing
but published, redacted versions within their time online), writes through ``services``.

Nothing here reads an original text, a party row or a correction's contact details: the leak test crawls every page.
"""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.cache import cache_control
from django.views.decorators.csrf import csrf_protect
from django_ratelimit.core import is_ratelimited

from lawtrace import params
from lawtrace.cases.models import PHASE_ORDER, Phase
from lawtrace.disclosure import rules, selectors, services
from lawtrace.disclosure.forms import CorrectionForm
from lawtrace.disclosure.models import AFTER_KINDS, BeforeCategory, Item, ItemKind, ItemStatus
from lawtrace.errors import Refused
from lawtrace.orgs.models import Organisation
from lawtrace.pagination import CappedPaginator

PAGE_SIZE = 20
# A text search counts at most this many matches (a LIKE over every item's text otherwise dominates the page).
SEARCH_COUNT_CAP = 1000
# The public form: at most 5 requests an hour from one address (django-ratelimit; no captcha service, DESIGN).
CORRECTION_RATE = "5/h"

REMEDIES = [
    "对行政处罚、行政强制等行政执法决定不服的，可以自知道该行为之日起六十日内依法申请行政复议，"
    "或者自知道或者应当知道该行为之日起六个月内依法提起行政诉讼（摘要）。",
    "认为公示的行政执法决定信息不准确的，可以通过本平台提交书面更正要求，我们将在5个工作日内核实处理（IMD-11）。",
    "对行政执法人员的违法违纪行为，可以向本机关或上级医疗保障部门投诉举报。",
]


def _organisations() -> list[Organisation]:
    return list(Organisation.objects.filter(is_active=True).order_by("path"))


def _org_or_404(pk: int) -> Organisation:
    return get_object_or_404(Organisation, pk=pk, is_active=True)


@cache_control(public=True, max_age=60)
def index(request: HttpRequest) -> HttpResponse:
    """The portal's front page: the organisations (each publishes its own, IMD-9) and the latest 事后公示."""
    latest = selectors.after_items(selectors.public_items())[:10]
    return render(
        request,
        "disclosure/public/index.html",
        {"organisations": _organisations(), "latest": latest, "kinds": [(k.value, k.label) for k in AFTER_KINDS]},
    )


def _before_sections(organisation: Organisation) -> list[tuple[str, str, list[Item]]]:
    items = list(
        selectors.public_items(organisation).filter(kind=ItemKind.BEFORE).order_by("category", "-first_published_at")
    )
    return [
        (category.value, str(category.label), [i for i in items if i.category == category])
        for category in BeforeCategory
    ]


@cache_control(public=True, max_age=60)
def organisation(request: HttpRequest, pk: int) -> HttpResponse:
    """事前公开 for one organisation (IMD-4, IMD-5): the body, its qualified officers (live from the certificate
    register), 权责清单, 事项清单, bases, procedures (with the steps), supervision and remedies; then 事后公示."""
    org = _org_or_404(pk)
    today = timezone.localdate()
    rulebook = rules.rulebook_of(org, today)
    bases = [f"{source.title}" for source in rulebook.sources.values()]
    return render(
        request,
        "disclosure/public/organisation.html",
        {
            "org": org,
            "children": org.children.filter(is_active=True).order_by("name"),
            "officers": selectors.qualified_officers(org, today),
            "today": today,
            "sections": _before_sections(org),
            "bases": bases,
            "steps": [Phase(p).label for p in PHASE_ORDER],
            "remedies": REMEDIES,
            "latest": selectors.after_items(selectors.public_items(org, hierarchy=True))[:10],
            "annual": selectors.public_items(org).filter(kind=ItemKind.ANNUAL).order_by("-year"),
        },
    )


@cache_control(public=True, max_age=60)
def decisions(request: HttpRequest) -> HttpResponse:
    """事后公示 (IMD-7): search and filter by kind, year and organisation; an organisation's own, or its whole
    hierarchy (``scope=tree``, IMD-9)."""
    get = request.GET
    org_id = params.optional_id(get, "org", label="机关")
    org = Organisation.objects.filter(pk=org_id, is_active=True).first() if org_id else None
    q = params.text(get, "q", label="关键词", max_length=50)
    kind = params.choice(get, "kind", ItemKind.values, label="类别")
    year = params.optional_year(get)
    scope = params.choice(get, "scope", ["tree"], label="范围")
    items = selectors.public_items(org, hierarchy=scope == "tree")
    items = selectors.after_items(selectors.search_public(items, q=q, kind=kind, year=year))
    paginator = CappedPaginator(items, PAGE_SIZE, SEARCH_COUNT_CAP) if q else Paginator(items, PAGE_SIZE)
    page = paginator.get_page(params.page_number(get))
    query = get.copy()
    query.pop("page", None)
    this_year = timezone.localdate().year
    return render(
        request,
        "disclosure/public/decisions.html",
        {
            "page": page,
            "org": org,
            "organisations": _organisations(),
            "kinds": [(k.value, k.label) for k in AFTER_KINDS],
            "years": list(range(this_year, this_year - 5, -1)),
            "query": query.urlencode(),
            "q": q,
            "kind": kind,
            "year": str(year or ""),
            "scope": scope,
        },
    )


@cache_control(public=True, max_age=60)
def item(request: HttpRequest, pk: int, number: int | None = None) -> HttpResponse:
    """One published item (or an earlier published version of it). A withdrawn decision shows only its title and
    the withdrawal explanation (IMD-11, APL-48)."""
    found = selectors.public_item(pk)
    if found is None:
        raise Http404("该信息不存在或已过公示期")
    history = list(found.versions.filter(published_at__isnull=False).order_by("-number"))
    version = found.published_version
    if number is not None:
        version = next((v for v in history if v.number == number), None)
        if version is None or found.status == ItemStatus.WITHDRAWN:
            raise Http404("没有该版本")
    notice = found.withdrawal_notices.filter(status=ItemStatus.PUBLISHED).first()
    return render(
        request,
        "disclosure/public/item.html",
        {
            "item": found,
            "version": version,
            "history": history,
            "withdrawn": found.status == ItemStatus.WITHDRAWN,
            "notice": notice,
            "correctable": found.status == ItemStatus.PUBLISHED and found.kind != ItemKind.WITHDRAWAL,
        },
    )


@csrf_protect
def correction(request: HttpRequest, pk: int) -> HttpResponse:
    """The public correction form (IMD-11): rate-limited per address, a honeypot instead of a captcha."""
    found = selectors.public_item(pk)
    if found is None or found.status != ItemStatus.PUBLISHED or found.kind == ItemKind.WITHDRAWAL:
        raise Http404("该信息不在公示中")
    form = CorrectionForm(request.POST or None)
    context: dict[str, Any] = {"item": found, "form": form}
    if request.method == "POST":
        limited = is_ratelimited(
            request, group="disclosure.correction", key="ip", rate=CORRECTION_RATE, method="POST", increment=True
        )
        if limited:
            context["error"] = "提交过于频繁，请稍后再试。"
            return render(request, "disclosure/public/correction.html", context, status=429)
        if form.is_valid():
            if form.is_robot():
                return redirect("disclosure_public_item", pk=found.pk)
            try:
                filed = services.file_correction(
                    item=found,
                    requester=form.cleaned_data["requester"],
                    contact=form.cleaned_data["contact"],
                    content=form.cleaned_data["content"],
                )
            except Refused as e:
                form.add_error(None, str(e))
            else:
                return render(request, "disclosure/public/correction_done.html", {"item": found, "request_": filed})
    return render(request, "disclosure/public/correction.html", context)


def _annual(pk: int, year: int) -> Item:
    found = selectors.public_items(_org_or_404(pk)).filter(kind=ItemKind.ANNUAL, year=year).order_by("-pk").first()
    if found is None or found.published_version is None:
        raise Http404("该年度数据尚未公开")
    return found


@cache_control(public=True, max_age=300)
def annual_report(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    """IMD-7.2: the previous year's figures with charts (ECharts, vendored) and CSV/JSON downloads."""
    found = _annual(pk, year)
    version = found.published_version
    assert version is not None
    return render(request, "disclosure/public/annual.html", {"item": found, "version": version, "data": version.data})


@cache_control(public=True, max_age=300)
def annual_csv(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    from lawtrace.disclosure.annual import as_csv

    found = _annual(pk, year)
    assert found.published_version is not None
    response = HttpResponse("\ufeff" + as_csv(found.published_version.data), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="annual-{pk}-{year}.csv"'
    return response


@cache_control(public=True, max_age=300)
def annual_json(request: HttpRequest, pk: int, year: int) -> JsonResponse:
    found = _annual(pk, year)
    assert found.published_version is not None
    return JsonResponse(found.published_version.data, json_dumps_params={"ensure_ascii": False})
