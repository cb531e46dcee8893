"""The case file page (案卷目录, NHSA-ONECASE), printable; on it the confidentiality marking (IMR-5c) and the
party's reading of the records (WS-24 / IMR-24). Glue only: reads through selectors, writes through services; a
refusal becomes a message naming the rule."""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from lawtrace import params
from lawtrace.cases import selectors, services
from lawtrace.cases.case_file import table_of_contents
from lawtrace.cases.models import Case, Party
from lawtrace.errors import Refused
from lawtrace.forms import StyledForm
from lawtrace.orgs.models import User
from lawtrace.records import access, confidentiality
from lawtrace.records.models import AccessRequest, ConfidentialCategory, ConfidentialityReview, Record


class MarkForm(StyledForm):
    category = forms.ChoiceField(label="涉密类别", choices=ConfidentialCategory.choices)
    reason = forms.CharField(label="理由", max_length=200)


class AccessRequestForm(StyledForm):
    party: forms.ModelChoiceField = forms.ModelChoiceField(label="申请人（当事人）", queryset=Party.objects.none())
    requested_at = forms.DateTimeField(
        label="申请时间",
        initial=lambda: timezone.localtime().replace(second=0, microsecond=0),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    scope = forms.CharField(label="申请查阅的记录", widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: object, case: Case, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["party"].queryset = case.parties.all()  # type: ignore[attr-defined]


class DecisionForm(StyledForm):
    approve = forms.TypedChoiceField(
        label="结论", choices=[("1", "同意查阅"), ("0", "不同意")], coerce=lambda v: v == "1", initial="1"
    )
    opinion = forms.CharField(label="负责人意见", widget=forms.Textarea(attrs={"rows": 2}))


class ReviewForm(StyledForm):
    note = forms.CharField(label="说明", max_length=200, required=False)


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


@login_required
def case_file(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    case = get_object_or_404(selectors.visible_cases(user), pk=pk)
    services.record_case_view(actor=user, case=case)  # IMR-6: opening the file is a retrieval too
    requests = list(
        AccessRequest.objects.filter(case=case).select_related("party", "decided_by").prefetch_related("readings")
    )
    context = {
        "case": case,
        "toc": table_of_contents(case),
        "may_mark": confidentiality.may_mark(user, case),
        "mark_form": MarkForm(),
        "review": ConfidentialityReview.objects.filter(case=case).select_related("by").first(),
        "can_review": confidentiality.may_mark(user, case) and case.status in confidentiality.ENDED,
        "review_form": ReviewForm(),
        "access_requests": requests,
        "may_keep": access.may_keep(user, case),
        "may_decide": access.may_decide(user, case),
        "request_form": AccessRequestForm(case=case),
        "decision_form": DecisionForm(),
        "offerable": access.offerable_records(case),
    }
    return render(request, "cases/case_file.html", context)


def _act(request: HttpRequest, pk: int, action: Callable[[Case], object]) -> HttpResponse:
    case = get_object_or_404(selectors.visible_cases(_user(request)), pk=pk)
    try:
        action(case)
    except Refused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, "已保存，并记入台账。")
    return redirect("case_file", pk=case.pk)


def _invalid(request: HttpRequest, form: forms.Form, pk: int) -> HttpResponse:
    messages.error(request, "；".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect("case_file", pk=pk)


@require_POST
@login_required
def mark(request: HttpRequest, pk: int, record_pk: int) -> HttpResponse:
    form = MarkForm(request.POST)
    if not form.is_valid():
        return _invalid(request, form, pk)

    def act(case: Case) -> object:
        record = get_object_or_404(Record.objects.filter(case=case), pk=record_pk)
        return confidentiality.mark_confidential(actor=_user(request), record=record, **form.cleaned_data)

    return _act(request, pk, act)


@require_POST
@login_required
def review(request: HttpRequest, pk: int) -> HttpResponse:
    form = ReviewForm(request.POST)
    if not form.is_valid():
        return _invalid(request, form, pk)
    return _act(
        request,
        pk,
        lambda case: confidentiality.confirm_confidentiality_review(
            actor=_user(request), case=case, **form.cleaned_data
        ),
    )


@require_POST
@login_required
def access_request(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_object_or_404(selectors.visible_cases(_user(request)), pk=pk)
    form = AccessRequestForm(request.POST, case=case)
    if not form.is_valid():
        return _invalid(request, form, pk)
    return _act(
        request, pk, lambda case: access.register_access_request(actor=_user(request), case=case, **form.cleaned_data)
    )


@require_POST
@login_required
def access_decision(request: HttpRequest, pk: int, request_pk: int) -> HttpResponse:
    form = DecisionForm(request.POST)
    if not form.is_valid():
        return _invalid(request, form, pk)

    def act(case: Case) -> object:
        asked = get_object_or_404(AccessRequest.objects.filter(case=case), pk=request_pk)
        return access.decide_access_request(actor=_user(request), request=asked, **form.cleaned_data)

    return _act(request, pk, act)


@require_POST
@login_required
def reading(request: HttpRequest, pk: int, request_pk: int) -> HttpResponse:
    ids = [params.integer(i, label="文书编号", minimum=1) for i in request.POST.getlist("records") if i.strip()]

    def act(case: Case) -> object:
        asked = get_object_or_404(AccessRequest.objects.filter(case=case), pk=request_pk)
        shown = list(Record.objects.filter(case=case, pk__in=ids))
        return access.record_reading(actor=_user(request), request=asked, records=shown)

    return _act(request, pk, act)
