"""Completion is idempotent and resumable: an upload whose last byte is stored but whose completion was cut off
(the state a crash leaves, at each step) is finished by the next HEAD, PATCH or periodic run — attached and
ledgered once — is never reported done before that, and is never thrown away by the cleanup."""

from __future__ import annotations

import hashlib
import os
import socket
from datetime import timedelta
from io import BytesIO, StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from lawtrace import clock
from lawtrace.evidence import store, uploads
from lawtrace.evidence.models import AVFile, AVRecord, Upload
from lawtrace.ledger.actions import LedgerAction
from lawtrace.ledger.models import Entry
from tests.evidence.conftest import MONDAY, add_av, ffmpeg_media, needs_ffmpeg, tus_head

pytestmark = [pytest.mark.django_db, needs_ffmpeg]

AT = MONDAY + timedelta(hours=1)
DEAD = f"{socket.gethostname()}:999999999:1"  # a process of this host that no longer exists


@pytest.fixture(scope="module")
def video(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    return ffmpeg_media(tmp_path_factory.mktemp("media"), "clip.mp4").read_bytes()


def cut_off(s: dict, av: AVRecord, data: bytes, *, hashed_and_moved: bool = False, by: str = DEAD) -> Upload:
    """What a crash leaves: every byte stored and counted, the completion begun by a process, then nothing more
    (``hashed_and_moved``: cut off later, after the hash pass and the move into place)."""
    with clock.frozen_at(AT):
        upload = uploads.create_upload(
            length=len(data), metadata={"filename": "clip.mp4", "sha256": hashlib.sha256(data).hexdigest()},
            user=s["officer"], av_record=av,
        )  # fmt: skip
        store.write(upload, BytesIO(data), len(data), None)
        Upload.objects.filter(pk=upload.pk).update(offset=len(data), completing_since=clock.now(), completing_by=by)
        upload.refresh_from_db()
        if hashed_and_moved:
            uploads._hash_and_check(upload)
            store.promote(upload, upload.sha256)
    return upload


def _location(upload: Upload) -> str:
    return reverse("evidence_tus_item", args=[upload.pk])


def stored_entries() -> int:
    return Entry.objects.filter(action=LedgerAction.AV_FILE_STORED).count()


@pytest.mark.parametrize("hashed_and_moved", [False, True], ids=["before-the-hash", "after-the-move"])
def test_the_next_head_completes_an_upload_whose_completion_was_cut_off(
    s: dict, officer_client: Client, video: bytes, hashed_and_moved: bool
) -> None:
    upload = cut_off(s, add_av(s), video, hashed_and_moved=hashed_and_moved)
    assert not AVFile.objects.exists()
    with clock.frozen_at(AT + timedelta(minutes=1)):
        head = tus_head(officer_client, _location(upload))
        assert head.status_code == 200 and head["Upload-Sha256"] == hashlib.sha256(video).hexdigest()
        assert tus_head(officer_client, _location(upload))["Upload-Sha256"] == head["Upload-Sha256"]
    assert AVFile.objects.count() == 1 and stored_entries() == 1
    assert Upload.objects.get().state == Upload.State.COMPLETE


def test_a_patch_at_the_full_length_completes_it_too(s: dict, officer_client: Client, video: bytes) -> None:
    upload = cut_off(s, add_av(s), video)
    with clock.frozen_at(AT + timedelta(minutes=1)):
        done = officer_client.generic(  # an empty body: the test client would drop the Content-Type otherwise
            "PATCH",
            _location(upload),
            b"",
            CONTENT_TYPE="application/offset+octet-stream",
            CONTENT_LENGTH="0",
            HTTP_TUS_RESUMABLE="1.0.0",
            HTTP_UPLOAD_OFFSET=str(len(video)),
        )
    assert done.status_code == 204 and done["Upload-Sha256"] == hashlib.sha256(video).hexdigest()
    assert stored_entries() == 1


def test_while_a_live_process_completes_it_head_says_wait_never_done(
    s: dict, officer_client: Client, video: bytes
) -> None:
    parent = os.getppid()
    start = Path(f"/proc/{parent}/stat").read_text().rsplit(")", 1)[1].split()[19]
    upload = cut_off(s, add_av(s), video, by=f"{socket.gethostname()}:{parent}:{start}")
    with clock.frozen_at(AT + timedelta(seconds=10)):
        head = tus_head(officer_client, _location(upload))
    assert head.status_code == 423 and head["Retry-After"] and "Upload-Sha256" not in head
    assert not AVFile.objects.exists() and stored_entries() == 0
    # a claim older than its allowance lapses (the process may be on another host, stuck or gone)
    with clock.frozen_at(AT + timedelta(hours=1)):
        assert tus_head(officer_client, _location(upload)).status_code == 200
    assert stored_entries() == 1


def test_periodic_completes_it_and_the_cleanup_never_throws_it_away(s: dict, video: bytes) -> None:
    upload = cut_off(s, add_av(s), video)
    with clock.frozen_at(AT + timedelta(days=3)):  # long past the 24-hour expiry of untouched uploads
        assert uploads.cleanup() == 0
        assert Upload.objects.get().offset == len(video) and store.staging_exists(upload)
        call_command("periodic", stdout=StringIO())
    assert Upload.objects.get().state == Upload.State.COMPLETE
    assert AVFile.objects.count() == 1 and stored_entries() == 1


def test_an_upload_whose_data_is_gone_is_rejected_not_reported_done(
    s: dict, officer_client: Client, video: bytes
) -> None:
    upload = cut_off(s, add_av(s), video)
    store.discard(upload)
    with clock.frozen_at(AT + timedelta(minutes=1)):
        head = tus_head(officer_client, _location(upload))
        assert head.status_code == 422 and "Upload-Sha256" not in head
        again = tus_head(officer_client, _location(upload))
    assert again.status_code == 410 and "Upload-Sha256" not in again
    assert not AVFile.objects.exists() and stored_entries() == 0


def test_head_with_an_id_that_is_not_an_upload_id_is_404(officer_client: Client) -> None:
    for pk in ("not-a-uuid", "1", "00000000-0000-0000-0000-000000000000"):
        assert tus_head(officer_client, reverse("evidence_tus_item", args=[pk])).status_code == 404
