"""Sending evidence files: byte ranges for playback (seeking in a multi-GB video reads only what is asked), and
whole-file downloads that carry the SHA-256 and are checked as they are read back from storage.

Before anything is sent, ``fixity.problem`` decides whether the file may be served as evidence (a failed file
never; a small one is hashed first; a large one needs a recent successful check) — a refusal is a 409 (failed) or
503 (not yet checked) with the Chinese reason. A download is also hashed while it streams; if the bytes read do not
match the stored hash the stream is cut before its end (the client sees a short body against ``Content-Length``)
and the mismatch is ledgered — a corrupted file is never delivered as if it were intact, and never silently. The
one exception is a supervisor's download of a failed file, for the inquiry: sent as it is, marked as failed in its
name and headers (and ledgered as such by the view).
"""

from __future__ import annotations

import base64
import hashlib
import logging
import re
from collections.abc import Iterator
from urllib.parse import quote

from django.http import HttpResponse, StreamingHttpResponse

from lawtrace.evidence import fixity, store
from lawtrace.evidence.models import AVFile

log = logging.getLogger("lawtrace.evidence")
RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


class IntegrityError(Exception):
    """A stored file's bytes no longer match its SHA-256."""


def parse_range(header: str, size: int) -> tuple[int, int] | None:
    """One ``bytes=a-b`` range (inclusive) clipped to the file; None when absent or not satisfiable as one range.
    Raises ValueError for a syntactically valid range that lies outside the file (416)."""
    match = RANGE.match(header.strip())
    if not match or not any(match.groups()):
        return None
    first, last = match.groups()
    if not first:  # suffix: the last N bytes
        n = int(last)
        if n == 0:
            raise ValueError("empty suffix range")
        return max(0, size - n), size - 1
    start = int(first)
    end = min(int(last), size - 1) if last else size - 1
    if start >= size or end < start:
        raise ValueError("range outside the file")
    return start, end


def _content_type(file: AVFile) -> str:
    if file.content_type:
        return file.content_type
    kind = file.av_record.media_type
    return {"video": "video/mp4", "audio": "audio/mpeg", "photo": "image/jpeg"}.get(kind, "application/octet-stream")


def refusal(message: str) -> HttpResponse:
    """Why a file is not served: 409 when its fixity failed, 503 (try later) while a large one awaits its check."""
    status = 409 if message == fixity.FAILED else 503
    response = HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")
    response["Cache-Control"] = "private, no-store"
    if status == 409:
        response["X-Evidence-Integrity"] = "failed"
    return response


def play(file: AVFile, range_header: str) -> HttpResponse | StreamingHttpResponse:
    size = file.stored.size
    try:
        wanted = parse_range(range_header, size) if range_header else None
    except ValueError:
        refused = HttpResponse(status=416)
        refused["Content-Range"] = f"bytes */{size}"
        return refused
    start, end = wanted if wanted else (0, size - 1)
    stream = store.read_range(file.stored.storage_name, start, end) if size else iter([b""])
    response = StreamingHttpResponse(stream, status=206 if wanted else 200, content_type=_content_type(file))
    response["Content-Length"] = str(end - start + 1 if size else 0)
    response["Accept-Ranges"] = "bytes"
    if wanted:
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
    response["Cache-Control"] = "private, no-store"
    return response


def _verified(file: AVFile) -> Iterator[bytes]:
    hasher = hashlib.sha256()
    for block in store.read_range(file.stored.storage_name, 0, None):
        hasher.update(block)
        yield block
    if hasher.hexdigest() != file.stored.sha256:
        fixity.record_result(file.stored, actual=hasher.hexdigest())
        log.error("evidence file %s failed its SHA-256 check during download", file.stored.pk)
        raise IntegrityError(file.stored.sha256)


def download(file: AVFile) -> StreamingHttpResponse:
    sha = file.stored.sha256
    response = StreamingHttpResponse(_verified(file), content_type=_content_type(file))
    response["Content-Length"] = str(file.stored.size)
    response["Content-Disposition"] = f'attachment; filename="{sha[:16]}{_suffix(file.name)}"'
    response["X-Evidence-SHA256"] = sha
    response["X-Evidence-SM3"] = file.stored.sm3
    response["Repr-Digest"] = f"sha-256=:{base64.b64encode(bytes.fromhex(sha)).decode()}:"  # RFC 9530
    response["Cache-Control"] = "private, no-store"
    return response


def download_failed(file: AVFile) -> StreamingHttpResponse:
    """A supervisor's copy of a file whose fixity failed: the bytes as stored, never presented as intact (no
    digest header, the name and ``X-Evidence-Integrity`` say 完整性校验失败)."""
    sha = file.stored.sha256
    stream = store.read_range(file.stored.storage_name, 0, None) if store.exists(file.stored.storage_name) else []
    response = StreamingHttpResponse(stream, content_type="application/octet-stream")
    name = f"INTEGRITY-FAILED-{sha[:16]}{_suffix(file.name)}"
    marked = quote(f"完整性校验失败-{sha[:16]}{_suffix(file.name)}")
    response["Content-Disposition"] = f"attachment; filename=\"{name}\"; filename*=UTF-8''{marked}"
    response["X-Evidence-Integrity"] = "failed"
    response["X-Evidence-Expected-SHA256"] = sha
    response["Cache-Control"] = "private, no-store"
    return response


def _suffix(name: str) -> str:
    """The file's extension only: the name an officer gave may hold personal data, the hash names the file."""
    dot = name.rfind(".")
    ext = name[dot:] if dot > 0 else ""
    return ext if re.fullmatch(r"\.[A-Za-z0-9]{1,8}", ext) else ""
