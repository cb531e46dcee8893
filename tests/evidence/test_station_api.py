"""The docking-station API: token per station, the same resumable upload, idempotent on hash, and a receipt that
confirms the stored hash before the station may erase the camera's copy."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.test import Client

from lawtrace import clock
from lawtrace.errors import PermissionRefused
from lawtrace.evidence import services
from lawtrace.evidence.models import AVFile, StationFile, StoredObject
from lawtrace.ledger.actions import LedgerAction
from lawtrace.ledger.models import Entry
from lawtrace.orgs.models import Role
from tests.evidence.conftest import MONDAY, add_av, b64, ffmpeg_media, needs_ffmpeg, playable, sha256_checksum
from tests.factories import make_person, root_user

pytestmark = pytest.mark.django_db

BASE = "/api/evidence"


@pytest.fixture
def station(s: dict) -> tuple[object, str]:
    admin = make_person(s["county"], Role.ADMINISTRATOR)
    return services.save_station(actor=admin, organisation=s["county"], name="一号采集站")


def _auth(token: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}", "HTTP_TUS_RESUMABLE": "1.0.0"}


def _send(token: str, data: bytes, *, chunk: int = 40_000, sha: str | None = None) -> str:
    client = Client()
    sha = sha or hashlib.sha256(data).hexdigest()
    metadata = f"filename {b64('20251110_0900.mp4')},sha256 {b64(sha)},device_serial {b64('DSJ-001')}"
    created = client.post(
        f"{BASE}/tus/", HTTP_UPLOAD_LENGTH=str(len(data)), HTTP_UPLOAD_METADATA=metadata, **_auth(token)
    )
    assert created.status_code == 201, created.content
    location = created["Location"]
    offset, last = 0, None
    while offset < len(data):
        part = data[offset : offset + chunk]
        last = client.generic(
            "PATCH",
            location,
            part,
            content_type="application/offset+octet-stream",
            HTTP_UPLOAD_OFFSET=str(offset),
            HTTP_UPLOAD_CHECKSUM=sha256_checksum(part),
            **_auth(token),
        )
        assert last.status_code == 204, last.content
        offset = int(last["Upload-Offset"])
    assert last is not None
    return last["Upload-Sha256"]


def test_a_station_uploads_in_chunks_and_gets_a_receipt_with_the_stored_hash(s: dict, station: tuple) -> None:
    _, token = station
    data = playable(100_000)
    sha = hashlib.sha256(data).hexdigest()
    assert Client().get(f"{BASE}/receipts/{sha}", **_auth(token)).status_code == 404  # not yet: must upload
    assert _send(token, data) == sha
    receipt = Client().get(f"{BASE}/receipts/{sha}", **_auth(token))
    assert receipt.status_code == 200
    body = receipt.json()
    assert body["sha256"] == sha and body["size"] == len(data) and body["verified"] is True
    assert body["sm3"] == hashlib.new("sm3", data).hexdigest()
    entry = Entry.objects.get(action=LedgerAction.AV_STATION_RECEIVED)
    assert sha in bytes(entry.data).decode()


def test_sending_the_same_file_again_stores_it_once(s: dict, station: tuple) -> None:
    _, token = station
    data = playable(50_000)
    _send(token, data)
    _send(token, data)
    assert StoredObject.objects.count() == 1 and StationFile.objects.count() == 1
    assert Entry.objects.filter(action=LedgerAction.AV_STATION_RECEIVED).count() == 1


def test_a_station_must_declare_the_hash_and_a_wrong_one_is_refused(s: dict, station: tuple) -> None:
    _, token = station
    response = Client().post(f"{BASE}/tus/", HTTP_UPLOAD_LENGTH="10", **_auth(token))
    assert response.status_code == 400 and "SHA-256" in response.content.decode()
    data = playable(1000)
    client = Client()
    wrong = hashlib.sha256(b"other").hexdigest()
    created = client.post(
        f"{BASE}/tus/", HTTP_UPLOAD_LENGTH=str(len(data)), HTTP_UPLOAD_METADATA=f"sha256 {b64(wrong)}", **_auth(token)
    )
    patched = client.generic(
        "PATCH", created["Location"], data, content_type="application/offset+octet-stream", HTTP_UPLOAD_OFFSET="0",
        **_auth(token),
    )  # fmt: skip
    assert patched.status_code == 422
    assert not StoredObject.objects.exists() and not Entry.objects.filter(action=LedgerAction.AV_STATION_RECEIVED)


def test_without_a_valid_token_nothing_is_accepted(s: dict, station: tuple) -> None:
    assert Client().post(f"{BASE}/tus/", HTTP_UPLOAD_LENGTH="10", **_auth("wrong")).status_code == 401
    assert Client().get(f"{BASE}/receipts/{'0' * 64}").status_code == 401


def test_a_station_sees_only_its_own_organisations_receipts_and_uploads(s: dict, station: tuple) -> None:
    _, token = station
    data = playable(20_000)
    _send(token, data)
    admin = make_person(s["other"], Role.ADMINISTRATOR)
    _, other_token = services.save_station(actor=admin, organisation=s["other"], name="邻县采集站")
    sha = hashlib.sha256(data).hexdigest()
    assert Client().get(f"{BASE}/receipts/{sha}", **_auth(other_token)).status_code == 404


def test_only_an_administrator_registers_a_station(s: dict) -> None:
    with pytest.raises(PermissionRefused):
        services.save_station(actor=s["officer"], organisation=s["county"], name="私设采集站")
    assert root_user() is not None


def test_an_officer_assigns_a_station_file_to_an_av_record_and_the_deadline_uses_the_reception_time(
    s: dict, station: tuple
) -> None:
    from lawtrace.cases.compliance import evaluate
    from lawtrace.rulebook.deadlines import Status

    _, token = station
    av = add_av(s)
    with clock.frozen_at(MONDAY + timedelta(hours=5)):
        _send(token, playable(10_000))
    received = StationFile.objects.get()
    with clock.frozen_at(MONDAY + timedelta(hours=40)):
        services.assign_station_file(actor=s["officer"], av_record=av, station_file=received)
    file = AVFile.objects.get(av_record=av)
    assert file.stored_at == MONDAY + timedelta(hours=5) and file.station is not None
    finding = next(f for f in evaluate(s["case"], now=MONDAY + timedelta(days=3)) if f.rule_id == "IMR-22")
    assert finding.status is Status.MET


def test_the_openapi_document_lists_the_station_endpoints(s: dict) -> None:
    paths = Client().get("/api/openapi.json").json()["paths"]
    assert "/api/evidence/tus/" in paths and "/api/evidence/receipts/{sha256}" in paths


@needs_ffmpeg
def test_a_receipt_says_verified_only_while_the_stored_file_is_intact(s: dict, station: tuple, tmp_path: Path) -> None:
    _, token = station
    data = ffmpeg_media(tmp_path, "cam.mp4").read_bytes()
    sha = _send(token, data)
    assert Client().get(f"{BASE}/receipts/{sha}", **_auth(token)).json()["verified"] is True
    stored = StoredObject.objects.get(sha256=sha)
    path = Path(default_storage.path(stored.storage_name))
    path.chmod(0o644)
    path.write_bytes(data[:-1] + bytes([data[-1] ^ 0x01]))
    call_command("evidence", "fixity", "--all", stdout=StringIO())
    body = Client().get(f"{BASE}/receipts/{sha}", **_auth(token)).json()
    assert body["verified"] is False and body["integrity"] == "failed" and body["last_checked_at"]
    # no case holds it yet: the failure goes to the station's organisation's log, once
    entry = Entry.objects.get(action=LedgerAction.AV_FIXITY_FAILED)
    assert entry.case_number in ("", None) and sha in bytes(entry.data).decode()
