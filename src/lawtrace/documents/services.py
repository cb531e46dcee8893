"""The final document of a signed record, made once.

It is rendered right after the signature commits (``on_signed``; a failure there does not undo the signature), or —
when that did not happen (rendering deferred while the demo loads, a crash) — by the next ``lawtrace periodic``
pass or the first download, whichever comes first. The record row is locked while it is made, so two requests
cannot both store one; rendering is deterministic, so the bytes are those the signature would have produced.
"""

from __future__ import annotations

import contextlib
import io
import logging
import secrets
import threading
from collections.abc import Iterator

from django.db import transaction

from lawtrace import clock
from lawtrace.documents import kinds, pades, rendering
from lawtrace.documents.models import FinalDocument
from lawtrace.errors import Refused
from lawtrace.evidence import store
from lawtrace.evidence.hashing import digest_blocks
from lawtrace.evidence.services import store_object
from lawtrace.ledger.actions import LedgerAction
from lawtrace.ledger.services import append
from lawtrace.records.models import Record

log = logging.getLogger(__name__)
_deferred = threading.local()


@contextlib.contextmanager
def deferred() -> Iterator[None]:
    """Signatures inside leave their documents to ``periodic`` or the first download (the demo loads hundreds)."""
    previous = getattr(_deferred, "on", False)
    _deferred.on = True
    try:
        yield
    finally:
        _deferred.on = previous


def on_signed(record: Record) -> None:
    """Called inside the signing transaction: the document is made once it has committed."""
    if not kinds.is_document(record.kind) or getattr(_deferred, "on", False):
        return
    pk = record.pk

    def make() -> None:
        try:
            final_document(Record.objects.get(pk=pk))
        except Exception:  # the signature stands; periodic or the first download makes the document
            log.exception("final document of record %s not made", pk)

    transaction.on_commit(make)


CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read off paper and typed in


def new_code() -> str:
    """A verification code like ``7KQ4-M2XH-P9``: 10 random characters, 50 bits — not guessable, short to type."""
    chars = "".join(secrets.choice(CODE_ALPHABET) for _ in range(10))
    return f"{chars[:4]}-{chars[4:8]}-{chars[8:]}"


def normalised_code(text: str) -> str:
    """What a person typed, as stored: any case, separators anywhere; empty when it cannot be a code."""
    chars = "".join(c for c in text.upper() if c.isalnum())
    return f"{chars[:4]}-{chars[4:8]}-{chars[8:]}" if len(chars) == 10 else ""


def page_count(pdf: bytes) -> int:
    import pikepdf

    with pikepdf.open(io.BytesIO(pdf)) as document:
        return len(document.pages)


@transaction.atomic
def final_document(record: Record) -> FinalDocument:
    """The signed record's final document: the stored one, or rendered, stored and ledgered now."""
    record = Record.objects.select_for_update().select_related("case__organisation").get(pk=record.pk)
    if record.status != Record.Status.SIGNED:
        raise Refused("记录尚未签署，只能预览草稿。")
    if not kinds.is_document(record.kind):
        raise Refused(f"“{record.kind_name}”是登记信息，不是文书。")
    existing = FinalDocument.objects.filter(record=record).select_related("stored").first()
    if existing is not None:
        return existing
    template = rendering.chosen_template(record)
    code = new_code()
    pdf = rendering.render_pdf(record, draft=False, code=code)
    reason = f"{record.kind_name} {record.content.get('document_number') or ''}".strip()
    pdf = pades.sign(pdf, record.case.organisation, reason=reason)  # where the authority has a certificate
    digests = digest_blocks([pdf])
    name = store.object_name(digests.sha256)
    store.save_small(name, pdf)
    stored = store_object(digests=digests, storage_name=name)
    entry = append(
        action=LedgerAction.DOCUMENT_FINALISED,
        actor=record.signed_by,
        organisation=record.case.organisation,
        case_number=record.case.number,
        payload={
            "record": str(record.pk),
            "content": record.content_hash,
            "sha256": stored.sha256,
            "sm3": stored.sm3,
            "size": stored.size,
            "template": template,
            "code": code,
        },
        evidence=[stored.sha256],
    )
    return FinalDocument.objects.create(
        record=record,
        stored=stored,
        template=template,
        rendered_at=clock.now(),
        pages=page_count(pdf),
        code=code,
        ledger_seq=entry.seq,
    )


def make_pending(limit: int = 20) -> int:
    """``lawtrace periodic``: the documents of signed records that have none yet, oldest first, a few per pass."""
    made = 0
    pending = (
        Record.objects.filter(status=Record.Status.SIGNED, final_document__isnull=True)
        .exclude(kind__in=kinds.NOT_DOCUMENTS)
        .order_by("signed_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    for pk in list(pending):
        try:
            final_document(Record.objects.get(pk=pk))
            made += 1
        except Exception:
            log.exception("final document of record %s not made", pk)
    return made
