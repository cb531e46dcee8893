"""Inside the system: the publisher's queue, an item's redaction preview and workflow, corrections, and the
supervisors' list of overdue publications. Glue only: scoped selectors to read, services to write; a refusal
becomes a message on the page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from lawtrace import params
from lawtrace.disclosure import forms, selectors, services
from lawtrace.disclosure.models import (
    CorrectionRequest,
    CorrectionResult,
    Item,
    ItemStatus,
    Withdrawal,
    WithdrawalCause,
)
from lawtrace.disclosure.redaction import Redacted, Span, SpanKind
from lawtrace.errors import Refused
from lawtrace.orgs.models import User
from lawtrace.orgs.permissions import Action
from lawtrace.orgs.selectors import can, organisations_where


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    """The publisher's work: drafts with their due dates, open correction requests, withdrawals to make."""
    user = _user(request)
    return render(
        request,
        "disclosure/queue.html",
        {
            "items": selectors.publication_queue(user),
            "corrections": selectors.open_corrections(user),
            "withdrawals": selectors.open_withdrawals(user),
            "now": timezone.now(),
            "may_draft": organisations_where(user, Action.PUBLISH).exists(),
        },
    )


@login_required
def overdue(request: HttpRequest) -> HttpResponse:
    """For supervisors: overdue publications (IMD-10), corrections (IMD-11) and withdrawals (IMD-11, APL-48)."""
    user = _user(request)
    now = timezone.now()
    return render(
        request,
        "disclosure/overdue.html",
        {
            "items": selectors.overdue_items(user),
            "corrections": selectors.overdue_corrections(user),
            "withdrawals": selectors.open_withdrawals(user).filter(due_at__lt=now),
            "now": now,
        },
    )


def preview_segments(item: Item) -> list[tuple[str, Span | None]]:
    """The latest version's redacted text cut into plain and masked pieces (the highlighted preview)."""
    version = item.latest_version
    if version is None:
        return []
    spans = tuple(Span(s["start"], s["end"], SpanKind(s["kind"]), s["out_start"], s["out_end"]) for s in version.spans)
    return Redacted(version.redacted_text, spans).segments()


@login_required
def item_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    item = get_object_or_404(selectors.visible_items(user), pk=pk)
    version = item.latest_version
    assert version is not None
    may_publish = can(user, Action.PUBLISH, item.organisation)
    return render(
        request,
        "disclosure/item.html",
        {
            "item": item,
            "version": version,
            "versions": item.versions.order_by("-number"),
            "segments": preview_segments(item),
            "may_publish": may_publish,
            "may_review": services.may_review(user, item),
            "revise_form": forms.ReviseForm(
                initial={
                    "text": version.text,
                    "manual_terms": "\n".join(version.manual_terms),
                    "kept": "\n".join(version.kept),
                }
            ),
            "findings": services.findings_in(item, version) if version.published_at is None else [],
            "publish_form": forms.PublishForm(),
            "withhold_form": forms.WithholdForm(),
            "cause_form": forms.WithdrawalCauseForm(),
            "withdraw_form": forms.WithdrawForm(),
            "reaction_form": forms.ReactionForm(),
            "withdrawal": Withdrawal.objects.filter(item=item).first(),
            "corrections": item.corrections.order_by("-received_at"),
            "pending": item.status in (ItemStatus.DRAFT, ItemStatus.IN_REVIEW) or version.published_at is None,
            "now": timezone.now(),
        },
    )


def _act(
    request: HttpRequest, pk: int, action: Callable[[User, Item, dict[str, Any]], object], form_class: Any
) -> HttpResponse:
    user = _user(request)
    item = get_object_or_404(selectors.visible_items(user), pk=pk)
    form = form_class(request.POST) if form_class else None
    if form is not None and not form.is_valid():
        messages.error(
            request, "请检查填写的内容：" + "；".join(str(e) for errors in form.errors.values() for e in errors)
        )
        return redirect("disclosure_item", pk=pk)
    try:
        action(user, item, form.cleaned_data if form is not None else {})
    except Refused as e:
        messages.error(request, str(e))
    else:
        messages.success(request, "已保存。")
    return redirect("disclosure_item", pk=pk)


@login_required
@require_POST
def revise(request: HttpRequest, pk: int) -> HttpResponse:
    def run(user: User, item: Item, data: dict[str, Any]) -> object:
        return services.revise_item(
            actor=user,
            item=item,
            text=data["text"].replace("\r\n", "\n"),
            manual_terms=[t.strip() for t in data["manual_terms"].splitlines() if t.strip()],
            kept=[t.strip() for t in data["kept"].splitlines() if t.strip()],
            change_note=data["change_note"],
            basis_changed=data["basis_changed"],
        )

    return _act(request, pk, run, forms.ReviseForm)


@login_required
@require_POST
def submit(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, lambda user, item, _: services.submit_for_review(actor=user, item=item), None)


@login_required
@require_POST
def publish(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        lambda user, item, data: services.publish_item(
            actor=user, item=item, redaction_confirmed=data["redaction_confirmed"]
        ),
        forms.PublishForm,
    )


@login_required
@require_POST
def withhold(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        lambda user, item, data: services.withhold_item(actor=user, item=item, reason=data["reason"]),
        forms.WithholdForm,
    )


@login_required
@require_POST
def register_withdrawal(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        lambda user, item, data: services.register_withdrawal(
            actor=user, item=item, cause=WithdrawalCause(data["cause"]), cause_occurred_at=data["cause_occurred_at"]
        ),
        forms.WithdrawalCauseForm,
    )


@login_required
@require_POST
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        lambda user, item, data: services.withdraw_item(actor=user, item=item, explanation=data["explanation"]),
        forms.WithdrawForm,
    )


@login_required
@require_POST
def reaction(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        lambda user, item, data: services.confirm_reaction_followed(actor=user, item=item, note=data["note"]),
        forms.ReactionForm,
    )


@login_required
def new_before_item(request: HttpRequest) -> HttpResponse:
    """Draft a 事前公开 item (IMD-4, IMD-5) for an organisation where the person is the publisher."""
    user = _user(request)
    organisations = organisations_where(user, Action.PUBLISH)
    form = forms.BeforeItemForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        chosen = params.optional_id(request.POST, "organisation", label="机关")
        organisation = (organisations.filter(pk=chosen).first() if chosen else None) or organisations.first()
        if organisation is None:
            messages.error(request, "您没有“信息公示”的权限（需要：公示管理员）。")
        else:
            try:
                item = services.draft_before_item(
                    actor=user,
                    organisation=organisation,
                    category=form.cleaned_data["category"],
                    title=form.cleaned_data["title"],
                    text=form.cleaned_data["text"].replace("\r\n", "\n"),
                )
            except Refused as e:
                form.add_error(None, str(e))
            else:
                return redirect("disclosure_item", pk=item.pk)
    return render(request, "disclosure/before_new.html", {"form": form, "organisations": organisations})


@login_required
@require_POST
def new_annual_report(request: HttpRequest) -> HttpResponse:
    """Generate last year's figures (IMD-7.2) for the organisation where the person publishes; reviewed as usual."""
    user = _user(request)
    organisation = organisations_where(user, Action.PUBLISH).first()
    if organisation is None:
        messages.error(request, "您没有“信息公示”的权限（需要：公示管理员）。")
        return redirect("disclosure_queue")
    try:
        item = services.draft_annual_report(actor=user, organisation=organisation, year=timezone.localdate().year - 1)
    except Refused as e:
        messages.error(request, str(e))
        return redirect("disclosure_queue")
    return redirect("disclosure_item", pk=item.pk)


@login_required
def answer(request: HttpRequest, pk: int) -> HttpResponse:
    """Verify and answer a correction request (IMD-11); the requester's details are shown here only."""
    user = _user(request)
    correction = get_object_or_404(
        CorrectionRequest.objects.filter(item__in=selectors.visible_items(user)).select_related("item"), pk=pk
    )
    form = forms.AnswerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.answer_correction(
                actor=user,
                request=correction,
                verification=form.cleaned_data["verification"],
                result=CorrectionResult(form.cleaned_data["result"]),
            )
        except Refused as e:
            form.add_error(None, str(e))
        else:
            messages.success(request, "已记录处理结果。")
            return redirect("disclosure_queue")
    return render(request, "disclosure/answer.html", {"correction": correction, "form": form, "now": timezone.now()})
