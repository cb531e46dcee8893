"""Confirming checklist items (on the case page and the organisation page) and stating why an act was not recorded
on audio/video (IMR-5b). Glue only: scoped lookups, the services decide; a refusal becomes a message."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from lawtrace.cases.selectors import visible_cases
from lawtrace.errors import Refused
from lawtrace.orgs.models import User
from lawtrace.orgs.selectors import visible_organisations
from lawtrace.records.models import Record
from lawtrace.rulebook import services
from lawtrace.rulebook.forms import AVOmissionForm, ConfirmForm


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _errors(form: ConfirmForm | AVOmissionForm) -> str:
    return "；".join(str(e) for errors in form.errors.values() for e in errors)


@require_POST
@login_required
def case_confirm(request: HttpRequest, pk: int, rule_id: str) -> HttpResponse:
    case = get_object_or_404(visible_cases(_user(request)), pk=pk)
    form = ConfirmForm(request.POST)
    if not form.is_valid():
        messages.error(request, _errors(form))
        return redirect("case_detail", pk=case.pk)
    try:
        services.confirm(
            actor=_user(request),
            rule_id=rule_id,
            organisation=case.organisation,
            case=case,
            note=form.cleaned_data["note"],
        )
    except Refused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, f"{rule_id} 已确认，并记入台账。")
    return redirect("case_detail", pk=case.pk)


@require_POST
@login_required
def av_omission(request: HttpRequest, pk: int) -> HttpResponse:
    record = get_object_or_404(Record.objects.filter(case__in=visible_cases(_user(request))), pk=pk)
    form = AVOmissionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _errors(form))
        return redirect("case_detail", pk=record.case_id)
    try:
        services.state_av_omission(actor=_user(request), record=record, reason=form.cleaned_data["reason"])
    except Refused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, "已说明不进行音像记录的理由，并记入台账。")
    return redirect("case_detail", pk=record.case_id)


@require_POST
@login_required
def organisation_confirm(request: HttpRequest, pk: int, rule_id: str) -> HttpResponse:
    organisation = get_object_or_404(visible_organisations(_user(request)), pk=pk)
    form = ConfirmForm(request.POST)
    if not form.is_valid():
        messages.error(request, _errors(form))
        return redirect("organisation_detail", pk=organisation.pk)
    try:
        services.confirm(
            actor=_user(request), rule_id=rule_id, organisation=organisation, note=form.cleaned_data["note"]
        )
    except Refused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, f"{rule_id} 已确认，并记入台账。")
    return redirect("organisation_detail", pk=organisation.pk)
