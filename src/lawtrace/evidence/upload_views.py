"""The browser's tus endpoints: session sign-in, CSRF token in the ``X-CSRFToken`` header (tus-js-client sends it
with every request), and the upload tied to an AV record of a case the person handles."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from lawtrace.cases.selectors import visible_cases
from lawtrace.errors import Refused
from lawtrace.evidence import tus, uploads
from lawtrace.evidence.models import AVRecord, Upload
from lawtrace.orgs.models import User


def _signed_in(request: HttpRequest) -> User | None:
    user = request.user
    return user if user.is_authenticated and user.is_active else None  # type: ignore[return-value]


def _location(upload: Upload) -> str:
    return reverse("evidence_tus_item", args=[upload.pk])


@require_http_methods(["OPTIONS", "POST"])
def collection(request: HttpRequest, av_pk: int) -> HttpResponse:
    if request.method == "OPTIONS":
        return tus.options()
    user = _signed_in(request)
    if user is None:
        return tus.refusal(uploads.UploadGone("请先登录。"))
    av_record = AVRecord.objects.filter(pk=av_pk, case__in=visible_cases(user)).select_related("case").first()
    if av_record is None:
        return tus.refusal(uploads.UploadGone("音像记录不存在。"))
    return tus.create(request, _location, user=user, av_record=av_record)


@require_http_methods(["OPTIONS", "HEAD", "PATCH", "DELETE"])
def item(request: HttpRequest, pk: str) -> HttpResponse:
    if request.method == "OPTIONS":
        return tus.options()
    user = _signed_in(request)
    try:
        if user is None:
            raise uploads.UploadGone("请先登录。")
        upload = uploads.get_upload(pk, user=user)
    except Refused as error:
        return tus.refusal(error)
    return tus.item(request, upload)
