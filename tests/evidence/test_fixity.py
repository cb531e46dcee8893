"""Evidence served only when intact: a stored file with one flipped byte is refused for download and playback
(the supervisor may still fetch it, marked and ledgered), the evidence page, the case page and the supervisor's
dashboard say so, and the failure is ledgered exactly once however often it is found. Large files are served only
after a recent check, on a rolling schedule the periodic work and a supervisor's button drive."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from lawtrace import clock
from lawtrace.evidence import fixity
from lawtrace.evidence.models import Access, AVFile, StoredObject
from lawtrace.ledger.actions import LedgerAction
from lawtrace.ledger.models import Entry
from lawtrace.rulebook.calendar import SHANGHAI
from tests.evidence.conftest import MONDAY, add_av, ffmpeg_media, needs_ffmpeg, signed_in, upload_bytes

pytestmark = [pytest.mark.django_db, needs_ffmpeg]

UPLOADED = MONDAY + timedelta(hours=1)


@pytest.fixture(scope="module")
def video(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    return ffmpeg_media(tmp_path_factory.mktemp("media"), "clip.mp4", seconds=3).read_bytes()


@pytest.fixture
def stored(s: dict, video: bytes) -> AVFile:
    return upload_bytes(add_av(s), s["officer"], video, at=UPLOADED)


def flip_one_byte(file: AVFile) -> None:
    """What a failing disk or a hand in the storage folder does: one byte of the stored object changed."""
    path = Path(default_storage.path(file.stored.storage_name))
    path.chmod(0o644)
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))


def failures() -> int:
    return Entry.objects.filter(action=LedgerAction.AV_FIXITY_FAILED).count()


def _url(name: str, file: AVFile) -> str:
    return reverse(name, args=[file.pk])


def test_a_flipped_byte_is_refused_for_download_and_playback_with_a_clear_message_and_ledgered_once(
    s: dict, stored: AVFile, officer_client: Client
) -> None:
    flip_one_byte(stored)
    # when the officer downloads it, then plays it (opening and seeking), again and again
    download = officer_client.get(_url("evidence_file_download", stored))
    assert download.status_code == 409 and "完整性校验失败" in download.content.decode()
    assert download["X-Evidence-Integrity"] == "failed" and "X-Evidence-SHA256" not in download
    for range_header in ("", "bytes=0-", "bytes=1000-1999"):
        play = officer_client.get(_url("evidence_file_play", stored), HTTP_RANGE=range_header)
        assert play.status_code == 409 and "不能作为证据播放或下载" in play.content.decode()
    officer_client.get(_url("evidence_file_download", stored))
    assert officer_client.get(_url("evidence_file_poster", stored)).status_code == 409
    # and the periodic check and a full check find it too
    with clock.frozen_at(MONDAY + timedelta(days=40)):
        call_command("periodic", stdout=StringIO())
        call_command("evidence", "fixity", "--all", stdout=StringIO())
    # then nothing was served, nothing counted as a view or download, and the ledger says it once
    assert not Access.objects.filter(file=stored).exists()
    assert failures() == 1
    entry = Entry.objects.get(action=LedgerAction.AV_FIXITY_FAILED)
    assert entry.case_number == s["case"].number and stored.stored.sha256 in bytes(entry.data).decode()
    stored.stored.refresh_from_db()
    assert stored.stored.fixity_ok is False and stored.stored.fixity_failed_at is not None


def test_the_evidence_page_the_case_page_and_the_dashboard_show_the_failure(
    s: dict, stored: AVFile, officer_client: Client
) -> None:
    detail_url = reverse("evidence_av_detail", args=[stored.av_record_id])
    before = officer_client.get(detail_url).content.decode()
    assert "存储完成" in before and "完整性校验失败" not in before
    flip_one_byte(stored)
    officer_client.get(_url("evidence_file_download", stored))  # found on the way out
    detail = officer_client.get(detail_url).content.decode()
    assert 'data-testid="fixity-failed"' in detail and "完整性校验失败" in detail
    assert "存储完成" not in detail  # neither for the file nor in the storage deadline card
    assert _url("evidence_file_play", stored) not in detail  # no player for it
    case_page = officer_client.get(reverse("case_detail", args=[s["case"].pk])).content.decode()
    assert 'data-testid="fixity-banner"' in case_page and "1 个音像文件完整性校验失败" in case_page
    dashboard = signed_in(s["supervisor"]).get(reverse("compliance_dashboard")).content.decode()
    assert 'data-testid="fixity-failures"' in dashboard and s["case"].number in dashboard
    assert stored.name in dashboard and "完整性校验失败" in dashboard


def test_an_intact_file_is_hashed_before_it_is_served_and_the_dashboard_says_all_is_well(
    s: dict, stored: AVFile, officer_client: Client, video: bytes
) -> None:
    with clock.frozen_at(UPLOADED + timedelta(hours=2)):
        response = officer_client.get(_url("evidence_file_download", stored))
        assert response.status_code == 200 and b"".join(response.streaming_content) == video
    stored.stored.refresh_from_db()
    assert stored.stored.last_checked_at == UPLOADED + timedelta(hours=2)  # checked before the first byte
    dashboard = signed_in(s["supervisor"]).get(reverse("compliance_dashboard")).content.decode()
    assert "均通过完整性校验" in dashboard


def test_the_supervisor_can_still_fetch_a_failed_file_marked_as_failed_and_ledgered(
    s: dict, stored: AVFile, officer_client: Client
) -> None:
    flip_one_byte(stored)
    supervisor = signed_in(s["supervisor"])
    response = supervisor.get(_url("evidence_file_download", stored))
    assert response.status_code == 200 and response["X-Evidence-Integrity"] == "failed"
    assert "INTEGRITY-FAILED" in response["Content-Disposition"]
    assert "%E5%AE%8C%E6%95%B4%E6%80%A7%E6%A0%A1%E9%AA%8C%E5%A4%B1%E8%B4%A5" in response["Content-Disposition"]
    body = b"".join(response.streaming_content)
    assert hashlib.sha256(body).hexdigest() != stored.stored.sha256  # the damaged bytes, as they are
    entry = Entry.objects.get(action=LedgerAction.AV_DOWNLOADED, actor=s["supervisor"])
    assert '"integrity":"failed"' in bytes(entry.data).decode()
    assert failures() == 1
    # playback stays refused, for the supervisor too
    assert supervisor.get(_url("evidence_file_play", stored)).status_code == 409


def test_a_large_file_is_served_only_after_a_recent_check(
    s: dict, stored: AVFile, officer_client: Client, settings: object
) -> None:
    settings.LAWTRACE_FIXITY_HASH_ON_SERVE_BYTES = 1000  # type: ignore[attr-defined]
    # the upload's own hash pass is its first check: served at once
    with clock.frozen_at(UPLOADED + timedelta(days=1)):
        assert officer_client.get(_url("evidence_file_play", stored)).status_code == 200
    # past the cycle without a check it is not served …
    with clock.frozen_at(UPLOADED + timedelta(days=31, hours=3)):  # 12:00 in Shanghai: not the night share
        play = officer_client.get(_url("evidence_file_play", stored))
        assert play.status_code == 503 and "尚未完成完整性校验" in play.content.decode()
        page = officer_client.get(reverse("evidence_av_detail", args=[stored.av_record_id])).content.decode()
        assert 'data-testid="fixity-unchecked"' in page
        # … until the check runs (the supervisor's button)
        supervisor = signed_in(s["supervisor"])
        assert supervisor.post(_url("evidence_file_fixity", stored)).status_code == 302
        assert officer_client.get(_url("evidence_file_play", stored)).status_code == 200


def test_a_large_damaged_file_streams_until_its_hash_fails_then_is_refused(
    stored: AVFile, officer_client: Client, settings: object
) -> None:
    settings.LAWTRACE_FIXITY_HASH_ON_SERVE_BYTES = 1000  # type: ignore[attr-defined]
    flip_one_byte(stored)
    with clock.frozen_at(UPLOADED + timedelta(days=1)):  # checked a day ago: served, and hashed as it streams
        response = officer_client.get(_url("evidence_file_download", stored))
        with pytest.raises(Exception, match=stored.stored.sha256):
            b"".join(response.streaming_content)  # cut before its end: never delivered whole as intact
        assert failures() == 1
        assert officer_client.get(_url("evidence_file_download", stored)).status_code == 409


def test_only_a_supervisor_forces_a_check_and_a_failure_found_so_is_ledgered_once(
    s: dict, stored: AVFile, officer_client: Client
) -> None:
    officer_client.post(_url("evidence_file_fixity", stored))
    assert StoredObject.objects.get().last_checked_at == UPLOADED  # the officer's request changed nothing
    flip_one_byte(stored)
    supervisor = signed_in(s["supervisor"])
    page = supervisor.get(reverse("evidence_av_detail", args=[stored.av_record_id])).content.decode()
    assert 'data-testid="fixity-check"' in page
    for _ in range(2):
        response = supervisor.post(_url("evidence_file_fixity", stored), follow=True)
        assert "完整性校验失败" in response.content.decode()
    assert failures() == 1


def test_a_file_restored_from_a_copy_checks_intact_again_and_that_is_ledgered(
    stored: AVFile, officer_client: Client, video: bytes
) -> None:
    flip_one_byte(stored)
    assert officer_client.get(_url("evidence_file_play", stored)).status_code == 409
    Path(default_storage.path(stored.stored.storage_name)).write_bytes(video)
    call_command("evidence", "fixity", "--all", stdout=StringIO())
    assert Entry.objects.filter(action=LedgerAction.AV_FIXITY_RESTORED).count() == 1
    assert officer_client.get(_url("evidence_file_play", stored)).status_code == 200


def _local(day: int, hour: int) -> datetime:
    return (MONDAY + timedelta(days=day)).replace(hour=hour, tzinfo=SHANGHAI)


def test_the_rolling_schedule_checks_a_share_each_night_and_the_whole_store_within_the_cycle(
    s: dict, video: bytes
) -> None:
    av = add_av(s)
    for n in range(3):
        upload_bytes(av, s["officer"], video + bytes([n]), at=UPLOADED + timedelta(days=n), name=f"{n}.mp4")
    # by day, nothing checked within the cycle is touched
    with clock.frozen_at(_local(29, 12)):
        assert fixity.check_due() == fixity.FixityRun(checked=0, failed=0)
    # each night, the files that would pass the cycle in the next day are checked: one a night here
    with clock.frozen_at(_local(29, 2)):
        assert fixity.check_due().checked == 0
    for night in (30, 31):
        with clock.frozen_at(_local(night, 2)):
            assert fixity.check_due().checked == 1
    # a file past the full cycle (no night run happened) is checked at any hour
    with clock.frozen_at(_local(33, 12)):
        assert fixity.check_due().checked == 1
    assert all(o.last_checked_at is not None and o.last_checked_at >= _local(29, 0) for o in StoredObject.objects.all())


def test_the_fixity_command_checks_everything_when_asked(stored: AVFile) -> None:
    flip_one_byte(stored)
    out = StringIO()
    call_command("evidence", "fixity", "--all", stdout=out)
    assert "校验文件 1 个，不符 1 个" in out.getvalue()
    assert failures() == 1


def test_a_record_scan_with_a_flipped_byte_is_refused_and_ledgered_once(tmp_path: Path) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from lawtrace.records import attachments
    from lawtrace.records import services as record_services
    from tests.cases.record_content import filled
    from tests.factories import open_case_setting, register

    setting = open_case_setting()
    case = register(setting)
    now = timezone.now()
    content = filled(case, "inquiry_transcript", setting["officer"], now)
    record = record_services.add_record(
        actor=setting["officer"], case=case, kind="inquiry_transcript", occurred_at=now, content=content
    )
    scan = ffmpeg_media(tmp_path, "page.png", kind="photo").read_bytes()
    attachment = attachments.attach(
        actor=setting["officer"], record=record, upload=SimpleUploadedFile("签名页.png", scan), description="签名页"
    )
    url = f"/records/attachments/{attachment.pk}/"
    officer = signed_in(setting["officer"])
    assert officer.get(url).content == scan
    path = Path(default_storage.path(attachment.stored.storage_name))
    path.chmod(0o644)
    path.write_bytes(scan[:-1] + bytes([scan[-1] ^ 0x01]))
    for _ in range(2):
        response = officer.get(url)
        assert response.status_code == 409 and "完整性校验失败" in response.content.decode()
    entry = Entry.objects.get(action=LedgerAction.AV_FIXITY_FAILED)
    assert entry.case_number == case.number
