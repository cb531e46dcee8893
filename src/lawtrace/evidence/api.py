"""The docking-station API (采集工作站) under ``/api/evidence/``: a station pulls files off body cameras in bulk and
uploads them with the same resumable protocol as the browser (tus 1.0, declared SHA-256 required), authenticated
by its own bearer token. Idempotent on hash: a file this organisation already holds is not sent again — the station
asks for its receipt first. Only a receipt (the stored SHA-256, verified by the server's own pass) allows the
station to erase the camera's copy.
"""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from ninja import Router, Schema, Status
from ninja.security import HttpBearer

from lawtrace.errors import Refused
from lawtrace.evidence import tus, uploads
from lawtrace.evidence.hashing import is_sha256_hex
from lawtrace.evidence.models import DockingStation, StationFile, Upload
from lawtrace.evidence.services import token_hash


class StationToken(HttpBearer):
    """``Authorization: Bearer <token>``; the token is compared by its SHA-256 (only the hash is stored)."""

    def authenticate(self, request: HttpRequest, token: str) -> DockingStation | None:
        station = (
            DockingStation.objects.filter(token_hash=token_hash(token), is_active=True)
            .select_related("organisation")
            .first()
        )
        if station is not None:
            request.station = station  # type: ignore[attr-defined]
        return station


router = Router(tags=["采集工作站"], auth=StationToken())


class Receipt(Schema):
    """What the server knows of the file: stored, with these digests, and whether its bytes still hash to
    ``sha256`` — ``verified`` is true only while its last fixity check (the upload's own hash pass, then the
    periodic ones) found it intact; a station keeps the camera's copy unless it is."""

    sha256: str
    sm3: str
    size: int
    stored_at: datetime
    received_at: datetime
    station: str
    verified: bool
    last_checked_at: datetime | None
    integrity: str  # "ok" or "failed" (完整性校验失败)


class Problem(Schema):
    detail: str


def _station(request: HttpRequest) -> DockingStation:
    return request.station  # type: ignore[attr-defined, no-any-return]


def _location(upload: Upload) -> str:
    return reverse("api:evidence_station_upload", args=[str(upload.pk)])


@router.api_operation(["POST", "OPTIONS"], "/tus/", url_name="evidence_station_uploads", include_in_schema=True)
def create_upload(request: HttpRequest) -> HttpResponse:
    """tus creation: ``Upload-Length`` and ``Upload-Metadata`` with ``filename``, ``sha256`` (required) and
    ``device_serial``. Answers 201 with the upload's ``Location``."""
    if request.method == "OPTIONS":
        return tus.options()
    return tus.create(request, _location, station=_station(request))


@router.api_operation(["HEAD", "PATCH", "DELETE", "OPTIONS"], "/tus/{upload_id}", url_name="evidence_station_upload")
def upload_item(request: HttpRequest, upload_id: str) -> HttpResponse:
    """tus: HEAD for the stored offset, PATCH a chunk (``Upload-Checksum`` honoured), DELETE to give up."""
    if request.method == "OPTIONS":
        return tus.options()
    try:
        upload = uploads.get_upload(upload_id, station=_station(request))
    except Refused as error:
        return tus.refusal(error)
    return tus.item(request, upload)


@router.get("/receipts/{sha256}", response={200: Receipt, 404: Problem, 400: Problem})
def receipt(request: HttpRequest, sha256: str) -> Status[Receipt | Problem]:
    """The receipt for a file this station's organisation holds; 404 when it must (still) be uploaded."""
    sha256 = sha256.lower()
    if not is_sha256_hex(sha256):
        return Status(400, Problem(detail="SHA-256 应为64位十六进制。"))
    station = _station(request)
    received = (
        StationFile.objects.filter(station__organisation=station.organisation, stored__sha256=sha256)
        .select_related("stored", "station")
        .order_by("received_at")
        .first()
    )
    if received is None:
        return Status(404, Problem(detail="本单位尚未收到该文件，请上传。"))
    return Status(
        200,
        Receipt(
            sha256=received.stored.sha256,
            sm3=received.stored.sm3,
            size=received.stored.size,
            stored_at=received.stored.stored_at,
            received_at=received.received_at,
            station=received.station.name,
            verified=received.stored.fixity_ok and received.stored.last_checked_at is not None,
            last_checked_at=received.stored.last_checked_at,
            integrity="ok" if received.stored.fixity_ok else "failed",
        ),
    )
