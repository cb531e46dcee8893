"""Case pages: list and search, registration, the case page with its approvals and ledger timeline, complaints.
Glue only: reads through selectors (scoped), writes through services; a refusal becomes a form error."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from lawtrace import params as parse
from lawtrace.cases import forms, selectors, services
from lawtrace.cases.compliance import evaluate
from lawtrace.cases.gates import next_step
from lawtrace.cases.models import (
    PHASE_ORDER,
    Approval,
    Case,
    CaseSource,
    CaseStatus,
    CaseType,
    Phase,
)
from lawtrace.errors import Refused
from lawtrace.ledger import selectors as ledger_selectors
from lawtrace.orgs.models import Organisation, User
from lawtrace.orgs.permissions import Action
from lawtrace.orgs.selectors import can, organisations_where
from lawtrace.records.models import Attachment


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


@login_required
def workbench(request: HttpRequest) -> HttpResponse:
    """The officer's workbench: my cases, what waits for me, my certificates and devices, my recent sign-ins."""
    from django.utils import timezone

    from lawtrace.leads import selectors as lead_selectors
    from lawtrace.orgs.models import CertificateStatus
    from lawtrace.orgs.selectors import roles_of

    user = _user(request)
    today = timezone.localdate()
    certificates = [
        (c, CertificateStatus(c.effective_status(today)), (c.valid_to - today).days)
        for c in user.certificates.order_by("-valid_to")
    ]
    return render(
        request,
        "cases/workbench.html",
        {
            "roles": roles_of(user),
            "certificates": certificates,
            "devices": user.devices.select_related("organisation").filter(in_service=True),
            "recent_sign_ins": user.sign_ins.all()[:5],
            "today": today,
            "my_cases": selectors.my_open_cases(user)[:10],
            "awaiting": selectors.awaiting_my_approval(user)[:10],
            "to_sign": selectors.awaiting_my_signature(user)[:10],
            "due_items": selectors.my_due_items(user),
            "due_leads": lead_selectors.my_due_leads(user),  # NHSA-LEAD: my leads waiting for a decision
        },
    )


@login_required
def compliance_dashboard(request: HttpRequest) -> HttpResponse:
    """The supervisor's view of compliance over their subtree: counts by rule and organisation, overdue items,
    case-file review scores — all read from the projection."""
    organisations = organisations_where(_user(request), Action.SUPERVISE)
    if not organisations.exists():
        raise PermissionDenied("只有监督人员可以查看合规监督。")
    order = parse.choice(request.GET, "order", ["number", "score"], label="排序") or "score"
    scores = Paginator(selectors.case_review_scores(organisations, order=order), 20).get_page(
        parse.page_number(request.GET)
    )
    context = {
        "by_rule": selectors.compliance_counts(organisations, "rule_id"),
        "by_org": selectors.compliance_counts(organisations, "organisation__name"),
        "overdue": selectors.overdue_items(organisations),
        "page": scores,
        "order": order,
        "query": f"order={order}",
    }
    return render(request, "cases/compliance_dashboard.html", context)


@login_required
def case_list(request: HttpRequest) -> HttpResponse:
    get = request.GET
    opened_from = parse.optional_date(get, "from", label="立案日期（起）")
    opened_to = parse.optional_date(get, "to", label="立案日期（止）")
    params = {
        "q": parse.text(get, "q", label="关键词"),
        "case_type": parse.choice(get, "case_type", CaseType.values, label="案件类型"),
        "phase": parse.choice(get, "phase", Phase.values, label="环节"),
        "status": parse.choice(get, "status", CaseStatus.values, label="状态"),
        "handler": parse.text(get, "handler", label="承办人", max_length=50),
        "from": opened_from.isoformat() if opened_from else "",
        "to": opened_to.isoformat() if opened_to else "",
    }
    mine = parse.choice(get, "mine", ["1"], label="我的案件") == "1"
    cases = selectors.search_cases(
        _user(request),
        q=params["q"],
        case_type=params["case_type"],
        phase=params["phase"],
        status=params["status"],
        mine=mine,
        handler=params["handler"],
        opened_from=params["from"],
        opened_to=params["to"],
    )
    page = Paginator(cases.prefetch_related("parties", "handlers__user"), 20).get_page(parse.page_number(get))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "cases/case_list.html",
        {
            "page": page,
            "params": params,
            "mine": mine,
            "query": query.urlencode(),
            "case_types": CaseType.choices,
            "phases": Phase.choices,
            "statuses": CaseStatus.choices,
            "can_register": organisations_where(_user(request), Action.HANDLE_CASE).exists(),
        },
    )


def _home_organisation(user: User) -> Organisation | None:
    return organisations_where(user, Action.HANDLE_CASE).order_by("path").first()


@login_required
def register_case(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    organisation = _home_organisation(user)
    if organisation is None:
        messages.error(request, "只有执法人员可以立案登记。")
        return redirect("case_list")
    complaint = application = None
    if complaint_id := parse.first_id([request.GET, request.POST], "complaint", label="投诉举报"):
        complaint = get_object_or_404(selectors.visible_complaints(user), pk=complaint_id)
    if application_id := parse.first_id([request.GET, request.POST], "application", label="申请"):
        from lawtrace.cases.application_views import visible_applications

        application = get_object_or_404(visible_applications(user), pk=application_id)
    initial: dict[str, Any] = {}
    if complaint:
        initial = {"source": "complaint", "title": f"{complaint.subject}涉嫌违法", "facts": complaint.content}
    if application:
        initial = {"source": "application", "title": application.matter[:100], "facts": application.matter}
    form = forms.RegisterCaseForm(request.POST or None, organisation=organisation, actor=user, initial=initial)
    if application is None:  # 依申请 only through the applications register (WS-9)
        field = form.fields["source"]
        field.choices = [c for c in field.choices if c[0] != CaseSource.APPLICATION]  # type: ignore[attr-defined]
    if request.method == "POST" and form.is_valid():
        try:
            case = services.register_case(
                actor=user,
                organisation=organisation,
                source=form.cleaned_data["source"],
                complaint=complaint,
                application=application,
                **form.registration(),
            )
        except Refused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, f"已登记案件 {case.number}。")
            return redirect("case_detail", pk=case.pk)
    context = {"form": form, "organisation": organisation, "complaint": complaint, "application": application}
    return render(request, "cases/register.html", context)


@login_required
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    case = get_object_or_404(selectors.visible_cases(user), pk=pk)
    services.record_case_view(actor=user, case=case)
    approvals = list(case.approvals.select_related("by"))
    steps = {a.step for a in approvals if a.subject == Approval.Subject.OPENING}
    pending = case.status == CaseStatus.PENDING_APPROVAL or (case.urgent and Approval.Step.BUREAU_HEAD not in steps)
    is_handler = selectors.is_handler(user, case)
    context = {
        "case": case,
        "parties": case.parties.all(),
        "handlers": case.handlers.select_related("user", "certificate"),
        "approvals": approvals,
        "phases": [(p, PHASE_ORDER.index(p) <= PHASE_ORDER.index(Phase(case.phase))) for p in PHASE_ORDER],
        "is_handler": is_handler,
        "can_request": pending and is_handler and Approval.Step.HANDLER not in steps,
        "can_opinion": pending
        and Approval.Step.HANDLER in steps
        and Approval.Step.UNIT_HEAD not in steps
        and can(user, Action.GIVE_OPINION, case.organisation),
        "can_decide": pending
        and Approval.Step.UNIT_HEAD in steps
        and Approval.Step.BUREAU_HEAD not in steps
        and can(user, Action.APPROVE, case.organisation),
        "opinion_form": forms.OpinionForm(),
        "request_form": forms.OpeningRequestForm(),
        "timeline": ledger_selectors.timeline(
            ledger_selectors.case_entries(case.number).filter(log__organisation=case.organisation), limit=100
        ),
        "timeline_title": "案件台账（全过程记录）",
        "findings": evaluate(case),
        "next_step": next_step(case) if case.status == CaseStatus.ACTIVE else None,
        "can_withdraw": case.status in (CaseStatus.ACTIVE, CaseStatus.SUSPENDED)
        and can(user, Action.APPROVE, case.organisation),
        "withdraw_form": forms.WithdrawForm(),
        "can_decide_handlers": case.status in (CaseStatus.ACTIVE, CaseStatus.SUSPENDED, CaseStatus.PENDING_APPROVAL)
        and can(user, Action.APPROVE, case.organisation),
        "recusal_form": forms.RecusalForm(case=case, prefix="recusal"),
        "add_handler_form": forms.AddHandlerForm(case=case, prefix="handler"),
        "records": case.records.select_related("created_by").order_by("occurred_at", "pk"),
        "retrievals": selectors.case_retrievals(case),  # IMR-6: who retrieved the case, when
        "attachments": Attachment.objects.filter(record__case=case).select_related("record", "stored"),
        "record_kinds": _record_kinds(case, user),
    }
    return render(request, "cases/case_detail.html", context)


def _record_kinds(case: Case, user: User) -> list[tuple[str, list[tuple[str, str]]]]:
    """The record kinds this person may make in the case, grouped by phase, current phase first ("制作记录")."""
    from lawtrace.records.services import may_make
    from lawtrace.rulebook.loader import at as rulebook_at

    rulebook = rulebook_at(case.rulebook, case.rulebook_version)
    groups: dict[str, list[tuple[str, str]]] = {}
    skip = {"case", "case_file", "complaint", "lead", "case_opening_approval", "av_record", "disclosure_item"}
    skip |= {"checklist_confirmation", "access_request"}  # their own forms: 核对事项, 阅卷申请 (ledgered services)
    for key, kind in rulebook.record_kinds.items():
        if key in skip or kind.phase is None or not may_make(user, case, key):
            continue
        groups.setdefault(str(kind.phase), []).append((key, kind.name or key))
    labels = dict(Phase.choices)
    order = sorted(groups, key=lambda p: (p != case.phase, p))
    return [(labels.get(p, p), groups[p]) for p in order]


def _act(request: HttpRequest, pk: int, action: Any, form_class: type, **extra: Any) -> HttpResponse:
    case = get_object_or_404(selectors.visible_cases(_user(request)), pk=pk)
    form = form_class(request.POST)
    if not form.is_valid():
        messages.error(request, "；".join(e for errors in form.errors.values() for e in errors))
        return redirect("case_detail", pk=case.pk)
    try:
        action(actor=_user(request), case=case, **form.cleaned_data, **extra)
    except Refused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, "已保存，并记入台账。")
    return redirect("case_detail", pk=case.pk)


def _handler_action(request: HttpRequest, pk: int, action: Any, form_class: type, prefix: str) -> HttpResponse:
    """回避 and adding a handler: the head's decisions on the case page (APL-43 / NHSA-5, APL-42)."""
    case = get_object_or_404(selectors.visible_cases(_user(request)), pk=pk)
    form = form_class(request.POST, case=case, prefix=prefix)  # two forms on the case page: distinct field ids
    if not form.is_valid():
        messages.error(request, "；".join(e for errors in form.errors.values() for e in errors))
        return redirect("case_detail", pk=case.pk)
    try:
        action(actor=_user(request), case=case, **form.cleaned_data)
    except Refused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, "已保存，并记入台账。")
    return redirect("case_detail", pk=case.pk)


@require_POST
@login_required
def recuse(request: HttpRequest, pk: int) -> HttpResponse:
    return _handler_action(request, pk, services.decide_recusal, forms.RecusalForm, "recusal")


@require_POST
@login_required
def add_handler(request: HttpRequest, pk: int) -> HttpResponse:
    return _handler_action(request, pk, services.add_handler, forms.AddHandlerForm, "handler")


@require_POST
@login_required
def advance(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_object_or_404(selectors.visible_cases(_user(request)), pk=pk)
    try:
        case = services.advance_phase(actor=_user(request), case=case)
    except Refused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, f"案件已进入“{case.get_phase_display()}”阶段，并记入台账。")
    return redirect("case_detail", pk=case.pk)


@require_POST
@login_required
def opening_request(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, services.submit_opening_request, forms.OpeningRequestForm)


@require_POST
@login_required
def unit_opinion(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, services.give_unit_opinion, forms.OpinionForm)


@require_POST
@login_required
def decide_opening(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, services.decide_opening, forms.OpinionForm)


@require_POST
@login_required
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, services.withdraw_case, forms.WithdrawForm)


@login_required
def complaint_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    complaints = selectors.visible_complaints(user)
    if q := parse.text(request.GET, "q", label="关键词"):
        complaints = complaints.filter(subject__icontains=q) | complaints.filter(number__icontains=q)
    page = Paginator(complaints.order_by("-received_at"), 20).get_page(parse.page_number(request.GET))
    return render(request, "cases/complaint_list.html", {"page": page, "q": q})


@login_required
def register_complaint(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    organisation = _home_organisation(user)
    if organisation is None:
        messages.error(request, "只有执法人员可以登记投诉举报。")
        return redirect("complaint_list")
    form = forms.ComplaintForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            complaint = services.register_complaint(actor=user, organisation=organisation, **form.cleaned_data)
        except Refused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, f"已登记 {complaint.number}。")
            return redirect("complaint_list")
    return render(request, "cases/complaint_form.html", {"form": form, "organisation": organisation})


@login_required
def decline_complaint(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    complaint = get_object_or_404(selectors.visible_complaints(user), pk=pk)
    form = forms.DeclineComplaintForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.decline_complaint(actor=user, complaint=complaint, **form.cleaned_data)
        except Refused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, f"{complaint.number} 已不予受理，告知情况已记录。")
            return redirect("complaint_list")
    return render(request, "cases/complaint_decline.html", {"form": form, "complaint": complaint})
