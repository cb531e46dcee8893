"""The printed document of a record: a watermarked preview while it is a draft, the stored final once signed."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404

from lawtrace.cases.selectors import visible_cases
from lawtrace.documents import kinds, rendering, services
from lawtrace.evidence import fixity
from lawtrace.orgs.models import User
from lawtrace.records.models import Record


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _pdf(data: bytes, filename: str, *, sha256: str | None = None) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f"inline; filename*=UTF-8''{_quoted(filename)}"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    if sha256:
        response["X-Content-SHA256"] = sha256
    return response


def _quoted(name: str) -> str:
    from urllib.parse import quote

    return quote(name, safe="")


@login_required
def case_documents(request: HttpRequest, pk: int) -> HttpResponse:
    """All final documents of the case as one PDF, in 卷内目录 order (批量打印)."""
    from django.contrib import messages
    from django.shortcuts import redirect

    from lawtrace.documents.batch import case_documents_pdf
    from lawtrace.errors import Refused

    case = get_object_or_404(visible_cases(_user(request)).select_related("organisation"), pk=pk)
    try:
        data = case_documents_pdf(case)
    except Refused as refusal:
        messages.error(request, str(refusal))
        return redirect("case_file", pk=case.pk)
    return _pdf(data, f"{case.number}-全部文书.pdf")


@login_required
def document_docx(request: HttpRequest, pk: int) -> HttpResponse:
    """The document as DOCX, to edit a draft offline; the record in the system stays what is signed and served."""
    record = get_object_or_404(
        Record.objects.filter(case__in=visible_cases(_user(request))).select_related("case__organisation"), pk=pk
    )
    if not kinds.is_document(record.kind):
        raise Http404("该记录是登记信息，没有文书格式。")
    response = HttpResponse(
        rendering.render_docx(record),
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    name = f"{record.case.number}-{record.kind_name}.docx"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{_quoted(name)}"
    response["Cache-Control"] = "no-store"
    return response


@login_required
def document_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    record = get_object_or_404(
        Record.objects.filter(case__in=visible_cases(_user(request))).select_related("case__organisation"), pk=pk
    )
    if not kinds.is_document(record.kind):
        raise Http404("该记录是登记信息，没有文书格式。")
    filename = f"{record.case.number}-{record.kind_name}.pdf"
    if record.status != Record.Status.SIGNED:
        return _pdf(rendering.render_pdf(record, draft=True), f"草稿-{filename}")
    final = services.final_document(record)
    data = fixity.intact_small(final.stored)
    if data is None:
        return HttpResponse(
            "文书定稿完整性校验失败（与生成时的 SHA-256 不符或文件缺失），已停止提供，并已记入台账；请联系监督人员。",
            status=409,
            content_type="text/plain; charset=utf-8",
        )
    return _pdf(data, filename, sha256=final.stored.sha256)
