"""Scans of signed pages attached to records: stored once by hash and ledgered; a file that is not a JPG, PNG or
PDF (whatever its name says) is refused and leaves no file and no entry; another organisation cannot fetch it."""

from __future__ import annotations

import hashlib
import struct
import zlib
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from lawtrace.errors import Refused
from lawtrace.ledger.actions import LedgerAction
from lawtrace.ledger.models import Entry
from lawtrace.orgs.models import Role
from lawtrace.records import attachments, services
from lawtrace.records.models import Attachment
from tests.cases.record_content import filled
from tests.factories import make_person, open_case_setting, register

pytestmark = pytest.mark.django_db


def png(width: int = 2, height: int = 2) -> bytes:
    """A real (tiny) PNG image."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


@pytest.fixture
def s() -> dict:
    setting = open_case_setting()
    case = register(setting)
    now = timezone.now()
    officers = [str(setting["officer"].pk), str(setting["officer2"].pk)]  # APL-42: questioned by two
    content = filled(case, "inquiry_transcript", setting["officer"], now, officers=officers)
    record = services.add_record(
        actor=setting["officer"], case=case, kind="inquiry_transcript", occurred_at=now, content=content
    )
    setting["record"] = services.sign_record(actor=setting["officer"], record=record)
    return setting


def _files() -> list[Path]:
    root = Path(settings.STORAGES["default"]["OPTIONS"]["location"])
    return [p for p in root.rglob("*") if p.is_file() and "keys" not in p.parts and "checkpoints" not in p.parts]


def test_a_signed_page_scan_is_stored_once_ledgered_and_served_with_its_hash(s: dict) -> None:
    data = png()
    officer = Client()
    officer.force_login(s["officer"])
    for _ in range(2):  # the same page twice: one stored object, two attachments
        response = officer.post(
            f"/records/{s['record'].pk}/attachments/",
            {"description": "被询问人签名页", "file": SimpleUploadedFile("签名页.png", data, content_type="image/png")},
        )
        assert response.status_code == 302
    assert Attachment.objects.filter(record=s["record"]).count() == 2
    assert len({a.stored_id for a in Attachment.objects.all()}) == 1
    entry = Entry.objects.filter(action=LedgerAction.ATTACHMENT_ADDED).last()
    assert entry is not None and hashlib.sha256(data).hexdigest() in entry.data.decode()
    page = officer.get(f"/records/{s['record'].pk}/").content.decode()
    assert "被询问人签名页" in page and hashlib.sha256(data).hexdigest() in page
    case_page = officer.get(f"/cases/{s['record'].case_id}/").content.decode()
    assert "附件（签名页扫描件等）" in case_page and "被询问人签名页" in case_page  # listed on the case page too
    served = officer.get(f"/records/attachments/{Attachment.objects.first().pk}/")  # type: ignore[union-attr]
    assert served.content == data and served["X-Content-SHA256"] == hashlib.sha256(data).hexdigest()


def test_a_file_that_is_not_a_scan_is_refused_and_leaves_nothing(s: dict) -> None:
    before_files, before_entries = _files(), Entry.objects.count()
    fake = SimpleUploadedFile("签名页.png", b"MZ\x90\x00 not an image at all", content_type="image/png")
    with pytest.raises(Refused, match="JPG、PNG 或 PDF"):
        attachments.attach(actor=s["officer"], record=s["record"], upload=fake, description="签名页")
    assert _files() == before_files and Entry.objects.count() == before_entries
    assert not Attachment.objects.exists()


def test_another_organisation_cannot_fetch_an_attachment(s: dict) -> None:
    attachment = attachments.attach(
        actor=s["officer"],
        record=s["record"],
        upload=SimpleUploadedFile("p.png", png(), content_type="image/png"),
        description="签名页",
    )
    stranger = Client()
    stranger.force_login(make_person(s["other"], Role.OFFICER, certificate="valid"))
    assert stranger.get(f"/records/attachments/{attachment.pk}/").status_code == 404
    assert stranger.post(f"/records/{s['record'].pk}/attachments/", {"description": "x"}).status_code == 404
