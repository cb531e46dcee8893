"""Pages of the applications register (依申请, WS-9): list and search, register, and one page per application with
its review steps — the one-time correction notice, the corrected submission, rejection, or 受理 by opening a case."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from lawtrace import params
from lawtrace.cases import applications, forms
from lawtrace.cases.models import Application
from lawtrace.errors import Refused
from lawtrace.orgs.models import User
from lawtrace.orgs.selectors import visible_organisations


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def visible_applications(user: User) -> QuerySet[Application]:
    return Application.objects.filter(organisation__in=visible_organisations(user)).select_related("organisation")


@login_required
def application_list(request: HttpRequest) -> HttpResponse:
    found = visible_applications(_user(request))
    if q := params.text(request.GET, "q", label="关键词"):
        found = found.filter(Q(number__icontains=q) | Q(applicant__icontains=q) | Q(matter__icontains=q))
    if status := params.choice(request.GET, "status", Application.Status.values, label="状态"):
        found = found.filter(status=status)
    page = Paginator(found.order_by("-received_at"), 20).get_page(params.page_number(request.GET))
    context = {"page": page, "q": q, "status": status, "statuses": Application.Status.choices}
    return render(request, "cases/application_list.html", context)


@login_required
def register_application(request: HttpRequest) -> HttpResponse:
    from lawtrace.cases.views import _home_organisation

    user = _user(request)
    organisation = _home_organisation(user)
    if organisation is None:
        messages.error(request, "只有执法人员可以登记申请。")
        return redirect("application_list")
    form = forms.ApplicationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            application = applications.register_application(actor=user, organisation=organisation, **form.cleaned_data)
        except Refused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, f"已登记 {application.number}。")
            return redirect("application_detail", pk=application.pk)
    return render(request, "cases/application_form.html", {"form": form, "organisation": organisation})


@login_required
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    application = get_object_or_404(visible_applications(_user(request)), pk=pk)
    context = {
        "application": application,
        "correction_form": forms.CorrectionRequestForm(),
        "received_form": forms.CorrectionReceivedForm(),
        "reject_form": forms.RejectApplicationForm(),
        "cases": application.cases.all(),
    }
    return render(request, "cases/application_detail.html", context)


def _step(request: HttpRequest, pk: int, form_class: type, act: object, **convert: object) -> HttpResponse:
    application = get_object_or_404(visible_applications(_user(request)), pk=pk)
    form = form_class(request.POST)
    if not form.is_valid():
        messages.error(request, "；".join(e for errors in form.errors.values() for e in errors))
        return redirect("application_detail", pk=application.pk)
    data = dict(form.cleaned_data)
    if "items" in data:
        data["items"] = str(data["items"]).splitlines()
    try:
        act(actor=_user(request), application=application, **data)  # type: ignore[operator]
    except Refused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, "已保存，并记入台账。")
    return redirect("application_detail", pk=application.pk)


@require_POST
@login_required
def request_correction(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(request, pk, forms.CorrectionRequestForm, applications.request_correction)


@require_POST
@login_required
def correction_received(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(request, pk, forms.CorrectionReceivedForm, applications.record_correction)


@require_POST
@login_required
def reject(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(request, pk, forms.RejectApplicationForm, applications.reject_application)
