"""Playback, download and the pages: exact byte ranges, SHA-256 on the way out, every view and download logged,
and nobody outside the case's organisation (or above it) can fetch a file by guessing its URL or hash."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import reverse

from lawtrace import clock
from lawtrace.evidence.models import Access, AVFile, AVRecord
from lawtrace.ledger.actions import LedgerAction
from lawtrace.ledger.models import Entry
from lawtrace.orgs.models import User
from tests.evidence.conftest import MONDAY, add_av, ffmpeg_media, needs_ffmpeg, playable, signed_in, upload_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def stored(s: dict) -> tuple[AVFile, bytes]:
    av = add_av(s)
    data = playable(300_000)
    return upload_bytes(av, s["officer"], data, at=MONDAY + timedelta(hours=1)), data


def _play(file: AVFile) -> str:
    return reverse("evidence_file_play", args=[file.pk])


def _body(response) -> bytes:  # type: ignore[no-untyped-def]
    return b"".join(response.streaming_content)


def test_range_requests_return_exactly_the_bytes_asked_for(
    stored: tuple[AVFile, bytes], officer_client: Client
) -> None:
    file, data = stored
    response = officer_client.get(_play(file), HTTP_RANGE="bytes=1000-1999")
    assert response.status_code == 206
    assert response["Content-Range"] == f"bytes 1000-1999/{len(data)}" and response["Content-Length"] == "1000"
    assert _body(response) == data[1000:2000]
    tail = officer_client.get(_play(file), HTTP_RANGE="bytes=-500")
    assert _body(tail) == data[-500:]
    open_ended = officer_client.get(_play(file), HTTP_RANGE=f"bytes={len(data) - 10}-")
    assert _body(open_ended) == data[-10:]
    whole = officer_client.get(_play(file))
    assert whole.status_code == 200 and whole["Accept-Ranges"] == "bytes" and _body(whole) == data


def test_a_range_outside_the_file_is_416(stored: tuple[AVFile, bytes], officer_client: Client) -> None:
    file, data = stored
    response = officer_client.get(_play(file), HTTP_RANGE=f"bytes={len(data)}-")
    assert response.status_code == 416 and response["Content-Range"] == f"bytes */{len(data)}"


def test_a_download_carries_its_sha256_and_is_logged_and_ledgered(
    s: dict, stored: tuple[AVFile, bytes], officer_client: Client
) -> None:
    file, data = stored
    response = officer_client.get(reverse("evidence_file_download", args=[file.pk]))
    body = _body(response)
    assert body == data
    assert response["X-Evidence-SHA256"] == hashlib.sha256(body).hexdigest()
    assert response["Repr-Digest"].startswith("sha-256=:")
    assert "attachment" in response["Content-Disposition"]
    assert Access.objects.filter(file=file, user=s["officer"], kind="download").count() == 1
    entry = Entry.objects.get(action=LedgerAction.AV_DOWNLOADED)
    assert entry.actor == s["officer"] and file.stored.sha256 in bytes(entry.data).decode()


def test_the_periodic_fixity_check_finds_a_missing_file(stored: tuple[AVFile, bytes]) -> None:
    from lawtrace.evidence.fixity import FixityRun, check_due

    file, _ = stored
    with clock.frozen_at(MONDAY + timedelta(days=1)):
        assert check_due() == FixityRun(checked=0, failed=0)  # the upload's hash pass was its first check
    Path(default_storage.path(file.stored.storage_name)).unlink()
    with clock.frozen_at(MONDAY + timedelta(days=40)):
        run = check_due()
    assert run.failed == 1
    assert '"actual":"missing"' in bytes(Entry.objects.get(action=LedgerAction.AV_FIXITY_FAILED).data).decode()


def test_a_handlers_views_are_logged_but_not_ledgered_a_supervisors_are(
    s: dict, stored: tuple[AVFile, bytes], officer_client: Client
) -> None:
    file, _ = stored
    officer_client.get(_play(file))
    officer_client.get(_play(file), HTTP_RANGE="bytes=5000-")  # seeking: not a new view
    assert Access.objects.filter(user=s["officer"], kind="view").count() == 1
    assert not Entry.objects.filter(action=LedgerAction.AV_VIEWED).exists()
    supervisor = signed_in(s["supervisor"])  # city level, above the county
    assert supervisor.get(_play(file)).status_code == 200
    supervisor.get(_play(file))
    assert Entry.objects.filter(action=LedgerAction.AV_VIEWED, actor=s["supervisor"]).count() == 1  # once an hour


def test_another_organisation_cannot_fetch_a_file_by_guessing_its_url_or_hash(
    s: dict, stored: tuple[AVFile, bytes], outsider: User
) -> None:
    file, _ = stored
    client = signed_in(outsider)
    for name in ("evidence_file_play", "evidence_file_download", "evidence_file_poster"):
        assert client.get(reverse(name, args=[file.pk])).status_code == 404
    assert client.get(reverse("evidence_av_detail", args=[file.av_record.pk])).status_code == 404
    assert client.get(f"/media/{file.stored.storage_name}").status_code == 404
    assert client.get(f"/evidence/{file.stored.sha256}").status_code == 404
    assert not Access.objects.filter(user=outsider).exists()


def test_signed_out_visitors_are_sent_to_sign_in(stored: tuple[AVFile, bytes]) -> None:
    file, _ = stored
    response = Client().get(_play(file))
    assert response.status_code == 302 and "login" in response["Location"]


@needs_ffmpeg
def test_a_video_has_a_poster_frame_and_a_photo_a_preview(s: dict, officer_client: Client, tmp_path: Path) -> None:
    av = add_av(s)
    video = upload_bytes(av, s["officer"], ffmpeg_media(tmp_path, "v.mp4").read_bytes(), at=MONDAY + timedelta(hours=1))
    photo_av = add_av(s, start=MONDAY + timedelta(hours=1), media_type=AVRecord.media_type.field.choices[0][0])
    photo = upload_bytes(
        photo_av,
        s["officer"],
        ffmpeg_media(tmp_path, "p.png", kind="photo").read_bytes(),
        at=MONDAY + timedelta(hours=2),
        name="p.png",
    )
    for file in (video, photo):
        response = officer_client.get(reverse("evidence_file_poster", args=[file.pk]))
        assert response.status_code == 200 and response.content[:2] == b"\xff\xd8"


def test_the_case_page_shows_the_av_card_with_the_deadline_status(s: dict, officer_client: Client) -> None:
    av = add_av(s)
    upload_bytes(av, s["officer"], playable(), at=MONDAY + timedelta(hours=30))
    page = officer_client.get(reverse("case_detail", args=[s["case"].pk])).content.decode()
    assert "音像记录" in page and reverse("evidence_av_detail", args=[av.pk]) in page
    assert "逾期存储" in page and "逾期 6 小时" in page
    detail = officer_client.get(reverse("evidence_av_detail", args=[av.pk])).content.decode()
    assert "存储期限" in detail and "SHA-256" in detail


def test_registering_an_av_record_through_the_page_is_ledgered(s: dict, officer_client: Client) -> None:
    from tests.evidence.conftest import device

    camera = device(s["county"])
    response = officer_client.post(
        reverse("evidence_av_new", args=[s["case"].pk]),
        {
            "media_type": "video",
            "act": "onsite_inspection",
            "device": camera.pk,
            "started_at": "2025-11-10T09:00",
            "ended_at": "2025-11-10T09:30",
            "makers": [s["officer"].pk],
            "place": "某药店",
            "proves": "现场检查情况",
            "has_speech": "on",
        },
    )
    av = AVRecord.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("evidence_av_upload", args=[av.pk])
    assert Entry.objects.filter(action=LedgerAction.AV_RECORD_ADDED, case_number=s["case"].number).count() == 1
    upload_page = officer_client.get(response["Location"]).content.decode()
    assert "tus-js-client/tus.min.js" in upload_page and "lawtrace/av-upload.js" in upload_page
    assert 'data-csrf="' in upload_page  # the script (no inline code: CSP) sends it as X-CSRFToken


def test_the_ledger_holds_no_typed_free_text(s: dict) -> None:
    add_av(s)
    data = b"".join(bytes(e.data) for e in Entry.objects.filter(action=LedgerAction.AV_RECORD_ADDED))
    assert "锡林浩特市某大药房".encode() not in data and "串换".encode() not in data
