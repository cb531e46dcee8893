"""Attaching a scan to a record: the signed page of a signature made on paper (party, witness), a photo of a
posted notice. The file is checked before anything is written — its kind from its first bytes, not its name — then
stored once by hash in the evidence store, and the attachment is ledgered with that hash."""

from __future__ import annotations

import re

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from lawtrace import clock
from lawtrace.errors import PermissionRefused, Refused
from lawtrace.evidence import store
from lawtrace.evidence.hashing import digest_blocks
from lawtrace.evidence.services import store_object
from lawtrace.ledger.actions import LedgerAction
from lawtrace.ledger.entry import commitment
from lawtrace.ledger.services import append
from lawtrace.orgs.models import User
from lawtrace.records.models import Attachment, Record

MAX_BYTES = 20 * 1024 * 1024
# What a scan may be, told by its first bytes.
SIGNATURES = ((b"\xff\xd8\xff", "image/jpeg"), (b"\x89PNG\r\n\x1a\n", "image/png"), (b"%PDF-", "application/pdf"))


def sniff(head: bytes) -> str | None:
    return next((kind for magic, kind in SIGNATURES if head.startswith(magic)), None)


def page_count(data: bytes, content_type: str) -> int | None:
    """Pages for the case file's page numbers (NHSA-ONECASE): an image is one; a PDF's page objects are counted
    where they are readable (``None`` when they sit in compressed object streams — unknown, not guessed)."""
    if content_type.startswith("image/"):
        return 1
    return len(re.findall(rb"/Type\s*/Page(?![A-Za-z])", data)) or None


@transaction.atomic
def attach(*, actor: User, record: Record, upload: UploadedFile, description: str) -> Attachment:
    """Attach a scan (JPG, PNG or PDF, at most 20 MB) to a record of a case the person handles or signs."""
    from lawtrace.records.services import may_make, may_sign

    record = Record.objects.select_related("case").get(pk=record.pk)
    if not (may_make(actor, record.case, record.kind) or may_sign(actor, record)):
        raise PermissionRefused("只有本案承办人或签署人可以上传附件。")
    if not description.strip():
        raise Refused("请说明附件内容（例如：当事人签名页）。")
    if upload.size is None or upload.size == 0:
        raise Refused("文件为空。")
    if upload.size > MAX_BYTES:
        raise Refused(f"附件不得超过 {MAX_BYTES // (1024 * 1024)} MB。")
    data = upload.read()
    content_type = sniff(data[:8])
    if content_type is None:
        raise Refused("只接受 JPG、PNG 或 PDF 格式的扫描件。")
    digests = digest_blocks([data])
    name = store.object_name(digests.sha256)
    store.save_small(name, data)  # content-addressed: the same bytes are written once
    stored = store_object(digests=digests, storage_name=name)
    now = clock.now()
    attachment = Attachment.objects.create(
        record=record,
        stored=stored,
        name=(upload.name or "scan")[:200],
        content_type=content_type,
        description=description.strip()[:200],
        uploaded_by=actor,
        uploaded_at=now,
        pages=page_count(data, content_type),
    )
    append(
        action=LedgerAction.ATTACHMENT_ADDED,
        actor=actor,
        organisation=record.case.organisation,
        case_number=record.case.number,
        payload={
            "record": str(record.pk),
            "attachment": str(attachment.pk),
            "sha256": stored.sha256,
            "size": stored.size,
            "description": commitment(record.salt, {"description": attachment.description}),
        },
        evidence=[stored.sha256],
    )
    return attachment


def intact(attachment: Attachment) -> bytes | None:
    """The scan's bytes if they still hash to its SHA-256 (``fixity.intact_small``), else None."""
    from lawtrace.evidence import fixity

    return fixity.intact_small(attachment.stored)
