"""The tus 1.0 protocol (core, creation, termination, checksum) over ``uploads.py``, shared by the browser views and
the docking-station API. Only the headers live here; what an upload is and when it becomes evidence is
``uploads.py``'s.

Responses: 201 + ``Location`` on creation; 204 + ``Upload-Offset`` after a chunk (and ``Upload-Sha256`` once the
file is stored); HEAD 200 + ``Upload-Offset`` (``Upload-Sha256`` once stored — an upload at full length that is not
yet complete is completed first, or answers 423 while another process completes it); 404 for an upload that is not
the caller's; 409 for a wrong offset; 410 for an upload refused earlier; 412 for another protocol version; 413 too
large; 415 wrong content type; 423 being completed (``Retry-After``); 460 chunk checksum mismatch; 422 a completed
file refused. Refusals carry the Chinese message as plain text (and, percent-encoded, in ``Upload-Problem``).
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable
from typing import Any, BinaryIO, cast
from urllib.parse import quote

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from lawtrace.errors import PermissionRefused, Refused
from lawtrace.evidence import uploads
from lawtrace.evidence.models import Upload

VERSION = "1.0.0"
EXTENSIONS = "creation,termination,checksum"
CHECKSUMS = {"sha1": "sha1", "sha256": "sha256", "md5": "md5"}


def _headers(response: HttpResponse) -> HttpResponse:
    response["Tus-Resumable"] = VERSION
    response["Cache-Control"] = "no-store"
    return response


def options() -> HttpResponse:
    response = HttpResponse(status=204)
    response["Tus-Version"] = VERSION
    response["Tus-Extension"] = EXTENSIONS
    response["Tus-Max-Size"] = str(settings.LAWTRACE_UPLOAD_MAX_BYTES)
    response["Tus-Checksum-Algorithm"] = ",".join(CHECKSUMS)
    return _headers(response)


def refusal(error: Refused) -> HttpResponse:
    status = 400
    if isinstance(error, uploads.UploadGone):
        status = 404
    elif isinstance(error, PermissionRefused):
        status = 403
    elif isinstance(error, uploads.OffsetConflict):
        status = 409
    elif isinstance(error, uploads.TooLarge):
        status = 413
    elif isinstance(error, uploads.ChecksumRefused):
        status = 460
    elif isinstance(error, uploads.Rejected):
        status = 422
    elif isinstance(error, uploads.UploadRejected):
        status = 410
    elif isinstance(error, uploads.Completing):
        status = 423
    response = HttpResponse(str(error), status=status, content_type="text/plain; charset=utf-8")
    response["Upload-Problem"] = quote(str(error))  # a HEAD answer has no body to carry it
    if status == 423:
        response["Retry-After"] = "5"
    return _headers(response)


def _version_problem(request: HttpRequest) -> HttpResponse | None:
    if request.method != "OPTIONS" and request.headers.get("Tus-Resumable") != VERSION:
        response = HttpResponse("仅支持 tus 1.0.0。", status=412, content_type="text/plain; charset=utf-8")
        response["Tus-Version"] = VERSION
        return _headers(response)
    return None


def _int_header(request: HttpRequest, name: str) -> int:
    try:
        value = int(request.headers.get(name, ""))
    except ValueError:
        raise Refused(f"缺少或无效的 {name}。") from None
    if value < 0:
        raise Refused(f"{name} 不能为负。")
    return value


def create(request: HttpRequest, location: Callable[[Upload], str], **owner: Any) -> HttpResponse:
    """POST: a new upload. ``owner``: ``user`` + ``av_record``, or ``station``."""
    if problem := _version_problem(request):
        return problem
    try:
        if request.headers.get("Upload-Defer-Length"):
            raise Refused("不支持延后声明文件长度。")
        metadata = uploads.parse_metadata(request.headers.get("Upload-Metadata", ""))
        upload = uploads.create_upload(length=_int_header(request, "Upload-Length"), metadata=metadata, **owner)
    except Refused as error:
        return refusal(error)
    response = HttpResponse(status=201)
    response["Location"] = request.build_absolute_uri(location(upload))
    return _headers(response)


def head(upload: Upload) -> HttpResponse:
    """Where the upload stands — success (``Upload-Sha256``) only once it is complete."""
    if upload.state == Upload.State.FAILED:
        return refusal(uploads.UploadRejected(f"该上传已被拒收：{upload.failure}"))
    if upload.state == Upload.State.OPEN and upload.offset == upload.length:
        try:
            uploads.finish(upload)
        except Refused as error:
            return refusal(error)
    response = HttpResponse(status=200)
    response["Upload-Offset"] = str(upload.offset)
    response["Upload-Length"] = str(upload.length)
    if upload.state == Upload.State.COMPLETE and upload.result is not None:
        response["Upload-Sha256"] = upload.result.sha256
    return _headers(response)


def _checksum(request: HttpRequest) -> tuple[str, bytes] | None:
    header = request.headers.get("Upload-Checksum", "").strip()
    if not header:
        return None
    algorithm, _, encoded = header.partition(" ")
    if algorithm not in CHECKSUMS:
        raise Refused(f"不支持的校验算法：{algorithm}。")
    try:
        return CHECKSUMS[algorithm], base64.b64decode(encoded, validate=True)
    except binascii.Error:
        raise Refused("Upload-Checksum 格式不正确。") from None


def patch(request: HttpRequest, upload: Upload) -> HttpResponse:
    """PATCH: a chunk at ``Upload-Offset``, streamed from the request in 1 MiB blocks (never read whole)."""
    if problem := _version_problem(request):
        return problem
    if request.content_type != "application/offset+octet-stream":
        return _headers(HttpResponse("Content-Type 应为 application/offset+octet-stream。", status=415))
    try:
        offset = _int_header(request, "Upload-Offset")
        count = _int_header(request, "Content-Length")
        result = uploads.write_chunk(
            upload, offset=offset, body=cast(BinaryIO, request), count=count, checksum=_checksum(request)
        )
    except Refused as error:
        return refusal(error)
    response = HttpResponse(status=204)
    response["Upload-Offset"] = str(result.upload.offset)
    if result.stored is not None:
        response["Upload-Sha256"] = result.stored.sha256
    return _headers(response)


def delete(request: HttpRequest, upload: Upload) -> HttpResponse:
    if problem := _version_problem(request):
        return problem
    try:
        uploads.terminate(upload)
    except Refused as error:
        return refusal(error)
    return _headers(HttpResponse(status=204))


def item(request: HttpRequest, upload: Upload) -> HttpResponse:
    """Dispatch HEAD / PATCH / DELETE on one upload."""
    if request.method == "HEAD":
        if problem := _version_problem(request):
            return problem
        return head(upload)
    if request.method == "PATCH":
        return patch(request, upload)
    if request.method == "DELETE":
        return delete(request, upload)
    if request.method == "OPTIONS":
        return options()
    return _headers(HttpResponse(status=405))
