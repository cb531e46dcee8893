"""文书核验 on the public portal: the QR code on a final document leads here. The page says which document the code
belongs to (kind, 文号, authority, date), whether the copy kept by the authority is intact, what its hashes are, and
lets anyone check a PDF they hold against them or take the ledger proof to check offline with the published key.
Nothing about the party is shown: the page is as public as the code printed on paper."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_protect
from django_ratelimit.core import is_ratelimited

from lawtrace.documents.models import FinalDocument
from lawtrace.documents.services import normalised_code
from lawtrace.evidence import fixity

VERIFY_RATE = "120/h"  # per address: enough for a counter clerk, too few to walk the code space
MAX_CHECK_BYTES = 20 * 1024 * 1024


def _found(code: str) -> FinalDocument | None:
    normal = normalised_code(code)
    if not normal:
        return None
    return FinalDocument.objects.filter(code=normal).select_related("record__case__organisation", "stored").first()


def _limited(request: HttpRequest) -> bool:
    return bool(is_ratelimited(request, group="documents.verify", key="ip", rate=VERIFY_RATE, increment=True))


def lookup(request: HttpRequest) -> HttpResponse:
    """The form where a code read off the paper is typed in."""
    code = request.GET.get("code", "")
    if code and (normal := normalised_code(code)):
        return redirect("document_verify", code=normal)
    error = "核验码应为 10 位字母和数字（例如 7KQ4-M2XH-P9）。" if code else ""
    return render(request, "documents/verify.html", {"code": code[:40], "error": error}, status=400 if error else 200)


@csrf_protect
def verify(request: HttpRequest, code: str) -> HttpResponse:
    if _limited(request):
        return render(request, "documents/verify.html", {"error": "查询过于频繁，请稍后再试。"}, status=429)
    final = _found(code)
    if final is None:
        context: dict[str, Any] = {"code": code[:40], "error": "未找到该核验码对应的文书。请核对核验码后重试。"}
        return render(request, "documents/verify.html", context, status=404)
    record = final.record
    context = {
        "final": final,
        "record": record,
        "organisation": record.case.organisation,
        "number": record.content.get("document_number") or "",
        "intact": fixity.intact_small(final.stored) is not None,
    }
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None or not upload.size:
            context["check_error"] = "请选择要比对的 PDF 文件。"
        elif upload.size > MAX_CHECK_BYTES:
            context["check_error"] = "文件超过 20 MB，不是本系统生成的文书。"
        else:
            digest = hashlib.sha256()
            for chunk in upload.chunks():
                digest.update(chunk)
            context["checked"] = digest.hexdigest() == final.stored.sha256
    return render(request, "documents/verify.html", context)


def proof(request: HttpRequest, code: str) -> HttpResponse:
    """The ledger proof of the document's entry, for ``lawtrace ledger verify-proof`` with the published key."""
    from lawtrace.ledger.services import log_for, proof_bundle

    if _limited(request):
        return HttpResponse("查询过于频繁，请稍后再试。", status=429, content_type="text/plain; charset=utf-8")
    final = _found(code)
    if final is None:
        return HttpResponse("未找到该核验码对应的文书。", status=404, content_type="text/plain; charset=utf-8")
    bundle = proof_bundle(log_for(final.record.case.organisation), final.ledger_seq)
    response = HttpResponse(json.dumps(bundle, ensure_ascii=False, indent=1), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="proof-{final.code}.json"'
    return response
