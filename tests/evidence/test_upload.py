"""Resumable upload (tus 1.0) into an AV record: what an officer and an auditor rely on — a cut-off upload resumes
to the right hash, an abandoned or refused one leaves nothing, the same bytes are stored once."""

from __future__ import annotations

import hashlib
import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import unquote

import pytest
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import reverse

from lawtrace import clock
from lawtrace.evidence import store, uploads
from lawtrace.evidence.models import AVFile, AVRecord, StoredObject, Upload
from lawtrace.ledger.actions import LedgerAction
from lawtrace.ledger.models import Entry
from tests.evidence.conftest import (
    MONDAY,
    add_av,
    ffmpeg_media,
    needs_ffmpeg,
    playable,
    sha256_checksum,
    signed_in,
    tus_create,
    tus_head,
    tus_patch,
)

pytestmark = pytest.mark.django_db


def _collection(av_pk: int) -> str:
    return reverse("evidence_tus_collection", args=[av_pk])


def _evidence_files(root: Path) -> list[Path]:
    return [p for p in (root / "evidence").rglob("*") if p.is_file()] if (root / "evidence").exists() else []


def test_options_announce_tus_1_0_with_creation_termination_checksum(s: dict, officer_client: Client) -> None:
    av = add_av(s)
    response = officer_client.options(_collection(av.pk))
    assert response.status_code == 204
    assert response["Tus-Version"] == "1.0.0"
    assert set(response["Tus-Extension"].split(",")) == {"creation", "termination", "checksum"}
    assert "sha256" in response["Tus-Checksum-Algorithm"]


@needs_ffmpeg
def test_interrupted_upload_resumes_after_reload_and_completes_with_the_right_hash(
    s: dict, officer_client: Client, tmp_path: Path
) -> None:
    # given a real video, declared with its SHA-256
    av = add_av(s)
    data = ffmpeg_media(tmp_path, "clip.mp4", seconds=3, creation_time=MONDAY).read_bytes()
    sha = hashlib.sha256(data).hexdigest()
    status, location = tus_create(officer_client, _collection(av.pk), len(data), filename="clip.mp4", sha256=sha)
    assert status == 201 and location
    # when the connection drops after the first part …
    first = len(data) // 3
    assert tus_patch(officer_client, location, 0, data[:first]).status_code == 204
    assert not AVFile.objects.filter(av_record=av).exists()  # a partial upload is never evidence
    # … and the page is reloaded (a new session asks where it stopped) and sends the rest
    again = signed_in(s["officer"])
    head = tus_head(again, location)
    assert head.status_code == 200 and head["Upload-Offset"] == str(first) and head["Cache-Control"] == "no-store"
    done = tus_patch(again, location, first, data[first:])
    # then the file is stored under its hash, attached to the AV record, with SHA-256 and SM3
    assert done.status_code == 204 and done["Upload-Sha256"] == sha
    file = AVFile.objects.get(av_record=av)
    assert file.stored.sha256 == sha and file.stored.size == len(data)
    assert file.stored.sm3 == hashlib.new("sm3", data).hexdigest()
    assert Path(default_storage.path(file.stored.storage_name)).read_bytes() == data
    # the media facts are read by ffprobe and kept beside what the officer typed
    assert file.probe["video_codec"] == "h264" and file.probe["has_audio"] is True
    assert 2900 <= file.probe["duration_ms"] <= 3200
    assert file.started_at == MONDAY
    # and the ledger entry names the file's hash
    entry = Entry.objects.get(action=LedgerAction.AV_FILE_STORED)
    assert sha in bytes(entry.data).decode()


def test_a_wrong_offset_is_refused_with_409_and_changes_nothing(s: dict, officer_client: Client) -> None:
    av = add_av(s)
    data = playable(1000)
    _, location = tus_create(officer_client, _collection(av.pk), len(data))
    assert tus_patch(officer_client, location, 0, data[:400]).status_code == 204
    response = tus_patch(officer_client, location, 100, data[100:])
    assert response.status_code == 409 and "400" in response.content.decode()
    assert Upload.objects.get().offset == 400


def test_a_corrupted_chunk_is_refused_and_can_be_sent_again(s: dict, officer_client: Client) -> None:
    av = add_av(s)
    data = playable(50_000)
    _, location = tus_create(officer_client, _collection(av.pk), len(data))
    corrupted = bytearray(data[:20_000])
    corrupted[5] ^= 0xFF
    # the checksum is of the real chunk; the bytes arriving were damaged on the way
    response = tus_patch(officer_client, location, 0, bytes(corrupted), sha256_checksum(data[:20_000]))
    assert response.status_code == 460
    assert "校验和不符" in response.content.decode()
    assert tus_head(officer_client, location)["Upload-Offset"] == "0"
    assert tus_patch(officer_client, location, 0, data[:20_000], sha256_checksum(data[:20_000])).status_code == 204
    assert tus_patch(officer_client, location, 20_000, data[20_000:]).status_code == 204
    assert AVFile.objects.get(av_record=av).stored.sha256 == hashlib.sha256(data).hexdigest()


def test_a_file_whose_hash_differs_from_the_declared_one_leaves_no_file_and_no_ledger_entry(
    s: dict, officer_client: Client, tmp_path: Path
) -> None:
    av = add_av(s)
    entries = Entry.objects.count()
    data = os.urandom(10_000)
    declared = hashlib.sha256(b"something else").hexdigest()
    _, location = tus_create(officer_client, _collection(av.pk), len(data), sha256=declared)
    response = tus_patch(officer_client, location, 0, data)
    assert response.status_code == 422 and "与声明的" in response.content.decode()
    assert not StoredObject.objects.exists() and not AVFile.objects.exists()
    assert Entry.objects.count() == entries
    assert _evidence_files(tmp_path) == []
    assert not list((tmp_path / "uploads").iterdir())  # the partial data went too
    head = tus_head(officer_client, location)  # asked again, it is an error with its reason, never "done"
    assert head.status_code == 410 and "Upload-Sha256" not in head
    assert "拒收" in unquote(head["Upload-Problem"]) and "与声明的" in unquote(head["Upload-Problem"])
    again = tus_patch(officer_client, location, len(data), b"x")
    assert again.status_code == 410 and "拒收" in again.content.decode()
    assert tus_patch(officer_client, location, 0, data).status_code == 410


def test_an_abandoned_upload_is_cleaned_up_and_never_becomes_evidence(s: dict, officer_client: Client) -> None:
    av = add_av(s)
    data = playable(30_000)
    with clock.frozen_at(MONDAY + timedelta(hours=1)):
        _, location = tus_create(officer_client, _collection(av.pk), len(data))
        tus_patch(officer_client, location, 0, data[:10_000])
    upload = Upload.objects.get()
    staging = store.staging_path(upload)
    assert staging.exists()
    entries = Entry.objects.count()
    # a day later the periodic cleanup runs
    with clock.frozen_at(MONDAY + timedelta(hours=26)):
        assert uploads.cleanup() == 1
    assert not staging.exists() and not Upload.objects.exists()
    assert not AVFile.objects.exists() and not StoredObject.objects.exists()
    assert Entry.objects.count() == entries
    assert tus_head(officer_client, location).status_code == 404


def test_cleanup_keeps_uploads_still_in_progress(s: dict, officer_client: Client) -> None:
    av = add_av(s)
    with clock.frozen_at(MONDAY + timedelta(hours=1)):
        tus_create(officer_client, _collection(av.pk), 100)
    with clock.frozen_at(MONDAY + timedelta(hours=2)):
        assert uploads.cleanup() == 0
    assert Upload.objects.count() == 1


def test_termination_removes_the_partial_data(s: dict, officer_client: Client) -> None:
    av = add_av(s)
    _, location = tus_create(officer_client, _collection(av.pk), 100)
    tus_patch(officer_client, location, 0, b"x" * 50)
    staging = store.staging_path(Upload.objects.get())
    response = officer_client.delete(location, HTTP_TUS_RESUMABLE="1.0.0")
    assert response.status_code == 204
    assert not staging.exists() and not Upload.objects.exists()


def test_the_same_file_twice_is_stored_once(s: dict, officer_client: Client, tmp_path: Path) -> None:
    first, second = add_av(s), add_av(s, start=MONDAY + timedelta(hours=1))
    data = playable(20_000)
    for av in (first, second, first):
        _, location = tus_create(officer_client, _collection(av.pk), len(data))
        assert tus_patch(officer_client, location, 0, data).status_code == 204
    assert StoredObject.objects.count() == 1
    assert AVFile.objects.count() == 2  # attached to both records, once each
    assert len(_evidence_files(tmp_path)) == 1


def test_only_a_handler_may_upload_and_a_refusal_leaves_no_staging_file(s: dict, tmp_path: Path) -> None:
    av = add_av(s)
    head = signed_in(s["head"])  # the bureau head sees the case but does not handle it
    status, _ = tus_create(head, _collection(av.pk), 100)
    assert status == 403
    assert not Upload.objects.exists()
    assert not (tmp_path / "uploads").exists() or not list((tmp_path / "uploads").iterdir())


def test_someone_elses_upload_cannot_be_continued(s: dict, officer_client: Client) -> None:
    av = add_av(s)
    _, location = tus_create(officer_client, _collection(av.pk), 100)
    other = signed_in(s["officer2"])  # a co-handler, but not the one who started this upload
    assert tus_head(other, location).status_code == 404
    assert tus_patch(other, location, 0, b"x" * 100).status_code == 404


def test_the_upload_endpoints_need_the_csrf_token(s: dict) -> None:
    av = add_av(s)
    client = Client(enforce_csrf_checks=True)
    client.force_login(s["officer"])
    status, _ = tus_create(client, _collection(av.pk), 100)
    assert status == 403
    client.get(reverse("evidence_av_upload", args=[av.pk]))
    token = client.cookies["csrftoken"].value
    response = client.post(
        _collection(av.pk), HTTP_TUS_RESUMABLE="1.0.0", HTTP_UPLOAD_LENGTH="100", HTTP_X_CSRFTOKEN=token
    )
    assert response.status_code == 201


def test_another_protocol_version_is_refused(s: dict, officer_client: Client) -> None:
    av = add_av(s)
    response = officer_client.post(_collection(av.pk), HTTP_TUS_RESUMABLE="0.2.2", HTTP_UPLOAD_LENGTH="10")
    assert response.status_code == 412 and response["Tus-Version"] == "1.0.0"


def test_the_cleanup_command_runs_and_reports(s: dict) -> None:
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("evidence", "cleanup", stdout=out)
    assert "清理过期上传 0 个" in out.getvalue()


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [("clip.mp4", os.urandom(40_000), "不能播放"), ("empty.mp4", b"", "0 字节")],
    ids=["random-bytes-named-mp4", "zero-bytes"],
)
def test_a_file_that_does_not_play_is_refused_at_completion_and_nothing_is_stored(
    s: dict, officer_client: Client, tmp_path: Path, name: str, data: bytes, reason: str
) -> None:
    av = add_av(s)
    entries = Entry.objects.count()
    _, location = tus_create(officer_client, _collection(av.pk), len(data), filename=name, filetype="video/mp4")
    if data:
        response = tus_patch(officer_client, location, 0, data)
    else:  # nothing to send: the client asks where it stands, which completes it
        response = tus_head(officer_client, location)
    assert response.status_code == 422
    if data:
        assert reason in response.content.decode() and "未作为证据保存" in response.content.decode()
    assert not StoredObject.objects.exists() and not AVFile.objects.exists()
    assert Entry.objects.count() == entries and _evidence_files(tmp_path) == []
    head = tus_head(officer_client, location)
    assert head.status_code == 410 and reason in unquote(head["Upload-Problem"])


def test_a_photo_record_keeps_the_rules_for_images(s: dict, officer_client: Client, tmp_path: Path) -> None:
    photo_av = add_av(s, media_type=AVRecord.media_type.field.choices[0][0])
    data = ffmpeg_media(tmp_path, "p.png", kind="photo").read_bytes()
    _, location = tus_create(officer_client, _collection(photo_av.pk), len(data), filename="p.png")
    assert tus_patch(officer_client, location, 0, data).status_code == 204
    assert AVFile.objects.filter(av_record=photo_av).count() == 1
