"""Record pages: make a record of a kind the rulebook defines, read it, sign it, correct it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from lawtrace import clock, params
from lawtrace.cases import act_checks
from lawtrace.cases.selectors import visible_cases
from lawtrace.documents.kinds import is_document
from lawtrace.errors import Refused
from lawtrace.orgs.models import User
from lawtrace.records import services
from lawtrace.records.forms import RecordForm, display
from lawtrace.records.models import Record
from lawtrace.rulebook.loader import at as rulebook_at


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


@login_required
def new_record(request: HttpRequest, case_pk: int, kind: str) -> HttpResponse:
    case = get_object_or_404(visible_cases(_user(request)), pk=case_pk)
    corrects = None
    if original := params.first_id([request.GET, request.POST], "corrects", label="被更正的文书"):
        corrects = get_object_or_404(Record.objects.filter(case=case, kind=kind), pk=original)
    try:
        spec = services.record_kind(case, kind)
    except Refused as refusal:
        messages.error(request, str(refusal))
        return redirect("case_detail", pk=case.pk)
    initial = {}
    if corrects:
        initial = {k: v for k, v in corrects.content.items() if not isinstance(v, list)}
    modes = rulebook_at(case.rulebook, case.rulebook_version).service_modes
    form = RecordForm(request.POST or None, spec=spec, case=case, initial=initial, modes=modes)
    reason = request.POST.get("correction_reason", "")
    if request.method == "POST" and form.is_valid():
        try:
            if corrects:
                record = services.correct_record(
                    actor=_user(request),
                    original=corrects,
                    content=form.content(),
                    occurred_at=form.cleaned_data["occurred_at"],
                    reason=reason,
                )
            else:
                record = services.add_record(
                    actor=_user(request),
                    case=case,
                    kind=kind,
                    occurred_at=form.cleaned_data["occurred_at"],
                    content=form.content(),
                )
        except Refused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, f"已制作{record.kind_name}，请核对后签署。")
            return redirect("record_detail", pk=record.pk)
    return render(
        request,
        "records/record_form.html",
        {
            "case": case,
            "spec": spec,
            "form": form,
            "corrects": corrects,
            "reason": reason,
        },
    )


@login_required
def record_detail(request: HttpRequest, pk: int) -> HttpResponse:
    record = get_object_or_404(Record.objects.filter(case__in=visible_cases(_user(request))), pk=pk)
    spec = services.record_kind(record.case, record.kind)
    fields = dict(spec.fields)
    if mode := record.content.get("mode"):  # a service mode's own fields (留置送达: 见证人…)
        modes = rulebook_at(record.case.rulebook, record.case.rulebook_version).service_modes
        if mode in modes:
            fields = {**modes[mode].fields, **fields}
    labels = {k: str(v.label) for k, v in fields.items()}
    rows = [(labels.get(k, k), display(fields.get(k), v, record.case)) for k, v in record.content.items()]
    return render(
        request,
        "records/record_detail.html",
        {
            "record": record,
            "rows": rows,
            "can_act": services.may_make(_user(request), record.case, record.kind),
            "can_sign": services.may_sign(_user(request), record),
            "signer_needed": record.kind in services.SIGNERS and record.status == Record.Status.DRAFT,
            "corrections": record.corrections.all(),
            "attachments": record.attachments.select_related("stored", "uploaded_by"),
            "is_document": is_document(record.kind),
        },
    )


@require_POST
@login_required
def sign(request: HttpRequest, pk: int) -> HttpResponse:
    record = get_object_or_404(Record.objects.filter(case__in=visible_cases(_user(request))), pk=pk)
    try:
        signed = services.sign_record(actor=_user(request), record=record)
    except Refused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, "已签署，并记入台账。")
        for notice in act_checks.notices(signed, now=signed.signed_at or clock.now()):  # APL-59: told, not refused
            messages.warning(request, f"请核对：{notice}")
    return redirect("record_detail", pk=record.pk)


@require_POST
@login_required
def add_attachment(request: HttpRequest, pk: int) -> HttpResponse:
    from lawtrace.records import attachments

    record = get_object_or_404(Record.objects.filter(case__in=visible_cases(_user(request))), pk=pk)
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, "请选择要上传的文件。")
        return redirect("record_detail", pk=record.pk)
    try:
        attachments.attach(
            actor=_user(request), record=record, upload=upload, description=request.POST.get("description", "")
        )
    except Refused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, "附件已上传，并记入台账。")
    return redirect("record_detail", pk=record.pk)


@login_required
def attachment_file(request: HttpRequest, pk: int) -> HttpResponse:
    """The attached file, checked against its SHA-256 as it is read (a file changed in storage is not served)."""
    from django.http import HttpResponse as Plain

    from lawtrace.records import attachments
    from lawtrace.records.models import Attachment

    attachment = get_object_or_404(
        Attachment.objects.filter(record__case__in=visible_cases(_user(request))).select_related("stored"), pk=pk
    )
    data = attachments.intact(attachment)
    if data is None:
        return Plain(
            "附件完整性校验失败（与入库时的 SHA-256 不符或文件缺失），已停止提供，并已记入台账；请联系监督人员。",
            status=409,
            content_type="text/plain; charset=utf-8",
        )
    response = Plain(data, content_type=attachment.content_type)
    response["X-Content-SHA256"] = attachment.stored.sha256
    response["Content-Disposition"] = "inline"
    response["X-Content-Type-Options"] = "nosniff"
    return response
