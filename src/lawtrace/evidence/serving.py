"""Sending evidence files: byte ranges for playback (seeking in a multi-GB video reads only what is asked), and
whole-file downloads that carry the SHA-256 and are checked as they are read back from storage.

A download is hashed while it streams; if the bytes read do not match the stored hash the stream is cut before its
end (the client sees a short body against ``Content-Length``) and the mismatch is ledgered as a fixity failure —
a corrupted file is never delivered as if it were intact, and never silently.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import re
from collections.abc import Iterator

from django.http import HttpResponse, StreamingHttpResponse

from lawtrace.evidence import store
from lawtrace.evidence.models import AVFile, StoredObject

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
        from lawtrace.evidence.fixity import report_failure

        report_failure(file.stored, actual=hasher.hexdigest())
        StoredObject.objects.filter(pk=file.stored.pk).update(fixity_ok=False)
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


def _suffix(name: str) -> str:
    """The file's extension only: the name an officer gave may hold personal data, the hash names the file."""
    dot = name.rfind(".")
    ext = name[dot:] if dot > 0 else ""
    return ext if re.fullmatch(r"\.[A-Za-z0-9]{1,8}", ext) else ""
