"""Pages of the leads register (线索登记, NHSA-LEAD): list and search, register, and one page per lead with its
deadline, the head's extension, and the decision — a case opened from it, or not opened with the reason.
Glue only: reads through selectors (scoped: another organisation's lead is a 404), writes through services."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from lawtrace import clock, params
from lawtrace.errors import Refused
from lawtrace.leads import forms, selectors, services
from lawtrace.leads.models import Lead, LeadStatus
from lawtrace.leads.rules import lead_findings
from lawtrace.orgs.models import Organisation, User
from lawtrace.orgs.permissions import Action
from lawtrace.orgs.selectors import can, organisations_where


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _home_organisation(user: User) -> Organisation | None:
    return organisations_where(user, Action.HANDLE_CASE).order_by("path").first()


@login_required
def lead_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    q = params.text(request.GET, "q", label="关键词")
    status = params.choice(request.GET, "status", LeadStatus.values, label="状态")
    page = Paginator(selectors.search_leads(user, q=q, status=status), 20).get_page(params.page_number(request.GET))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "page": page,
        "rows": selectors.with_deadlines(list(page)),
        "q": q,
        "status": status,
        "statuses": LeadStatus.choices,
        "query": query.urlencode(),
        "can_register": organisations_where(user, Action.HANDLE_CASE).exists(),
    }
    return render(request, "leads/lead_list.html", context)


@login_required
def register_lead(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    organisation = _home_organisation(user)
    if organisation is None:
        messages.error(request, "只有执法人员可以登记线索。")
        return redirect("lead_list")
    form = forms.LeadForm(request.POST or None, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        try:
            lead = services.register_lead(actor=user, organisation=organisation, **form.cleaned_data)
        except Refused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, f"已登记线索 {lead.number}。")
            return redirect("lead_detail", pk=lead.pk)
    return render(request, "leads/lead_form.html", {"form": form, "organisation": organisation})


@login_required
def lead_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    lead = get_object_or_404(selectors.visible_leads(user), pk=pk)
    block = services.extension_block(lead)
    used = len(lead.extensions.all())
    undecided = lead.undecided
    context = {
        "lead": lead,
        "findings": lead_findings(lead, clock.now()),
        "extensions": lead.extensions.all(),
        "extension_block": block,
        "can_extend": undecided
        and block is not None
        and (block.max_extensions is None or used < block.max_extensions)
        and can(user, services.APPROVER[block.approval], lead.organisation),
        "can_decide": undecided and can(user, Action.HANDLE_CASE, lead.organisation),
        "can_not_open": undecided and can(user, Action.APPROVE, lead.organisation),  # NHSA-LEAD: the head's
        "extend_form": forms.ExtendLeadForm(),
        "not_open_form": forms.NotOpenForm(),
    }
    return render(request, "leads/lead_detail.html", context)


def _step(request: HttpRequest, pk: int, form_class: type, act: Any) -> HttpResponse:
    lead = get_object_or_404(selectors.visible_leads(_user(request)), pk=pk)
    form = form_class(request.POST)
    if not form.is_valid():
        messages.error(request, "；".join(e for errors in form.errors.values() for e in errors))
        return redirect("lead_detail", pk=lead.pk)
    try:
        act(actor=_user(request), lead=lead, **form.cleaned_data)
    except Refused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, "已保存，并记入台账。")
    return redirect("lead_detail", pk=lead.pk)


@require_POST
@login_required
def extend(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(request, pk, forms.ExtendLeadForm, services.extend_lead)


@require_POST
@login_required
def not_open(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(request, pk, forms.NotOpenForm, services.decide_not_to_open)


@login_required
def open_case(request: HttpRequest, pk: int) -> HttpResponse:
    """立案: the case registration form, filled from the lead; the case then goes through its opening approval."""
    user = _user(request)
    lead: Lead = get_object_or_404(selectors.visible_leads(user), pk=pk)
    if not lead.undecided:
        messages.error(request, f"该线索已处理（{lead.get_status_display()}）。")
        return redirect("lead_detail", pk=lead.pk)
    initial = {"title": f"{lead.suspect_name}涉嫌违法", "facts": lead.summary, "party_name": lead.suspect_name}
    form = forms.OpenCaseForm(request.POST or None, organisation=lead.organisation, actor=user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            case = services.open_case_from_lead(actor=user, lead=lead, **form.registration())
        except Refused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, f"已由线索 {lead.number} 登记案件 {case.number}，待立案审批。")
            return redirect("case_detail", pk=case.pk)
    return render(request, "leads/open_case.html", {"form": form, "lead": lead})
