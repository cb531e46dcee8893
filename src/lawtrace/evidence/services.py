"""Actions on audio/video evidence. Each checks who may act and what the rules require, writes its rows and appends
one ledger entry — with the SHA-256 of every file it concerns — in the same transaction.

Only the case's handlers register AV records, add files and confirm what a recording shows (the permission table:
"upload evidence — officer, own cases"). Typed free text (place, 证明对象, transcripts, explanations) reaches the
ledger only as a salted hash.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction

from lawtrace import clock
from lawtrace.cases.models import Case, CaseStatus
from lawtrace.cases.selectors import is_handler
from lawtrace.errors import PermissionRefused, Refused
from lawtrace.evidence.hashing import Digests
from lawtrace.evidence.models import (
    Access,
    AccessKind,
    AVFile,
    AVRecord,
    AwayReason,
    Confirmation,
    DockingStation,
    Gap,
    GapReason,
    MediaType,
    StationFile,
    StoredObject,
)
from lawtrace.ledger.actions import LedgerAction
from lawtrace.ledger.entry import commitment
from lawtrace.ledger.services import append
from lawtrace.orgs.models import Organisation, RecordingDevice, User
from lawtrace.orgs.permissions import Action
from lawtrace.orgs.selectors import require
from lawtrace.rulebook.loader import at as rulebook_at

CLOSED = (CaseStatus.CLOSED, CaseStatus.WITHDRAWN, CaseStatus.NOT_OPENED, CaseStatus.TERMINATED)


def require_handler(actor: User, case: Case) -> None:
    if not is_handler(actor, case):
        raise PermissionRefused("只有本案承办人可以登记音像记录、上传文件或确认记录内容。")
    if case.status in CLOSED:
        raise Refused(f"案件{case.get_status_display()}，不能再登记音像记录。")


def may_handle(actor: User, case: Case) -> bool:
    try:
        require_handler(actor, case)
    except Refused:
        return False
    return True


@dataclass(frozen=True)
class AVRecordInput:
    """What the officer enters for an AV record (WS-21 / IMR-21: how made, when, by whom, where, what it proves)."""

    media_type: MediaType
    act: str
    started_at: datetime
    ended_at: datetime
    makers: Sequence[User]
    place: str
    proves: str
    device: RecordingDevice | None = None
    other_device: str = ""
    has_speech: bool = True
    away_reason: str = ""
    returned_at: datetime | None = None


def _content(av: AVRecord) -> dict[str, Any]:
    return {
        "media_type": av.media_type,
        "act": av.act,
        "started_at": av.started_at.isoformat(),
        "ended_at": av.ended_at.isoformat(),
        "place": av.place,
        "proves": av.proves,
        "device": av.device_id and str(av.device_id),
        "other_device": av.other_device,
        "transcript": av.transcript,
        "away_reason": av.away_reason,
        "returned_at": av.returned_at.isoformat() if av.returned_at else None,
    }


@transaction.atomic
def add_av_record(*, actor: User, case: Case, data: AVRecordInput) -> AVRecord:
    """Register an AV record of an act of the case (音像记录登记). Files are added by upload afterwards."""
    require_handler(actor, case)
    rulebook = rulebook_at(case.rulebook, case.rulebook_version)
    rule = "IMR-21" if "IMR-21" in rulebook else "WS-21"
    if data.act not in rulebook.acts:
        raise Refused(f"规则集中没有“{data.act}”这种执法行为。")
    if data.device is None and not data.other_device.strip():
        raise Refused("请选择登记的记录设备，或注明所用的其他设备。", rule=rule)
    if data.device is not None and data.device.organisation_id != case.organisation_id:
        raise Refused("记录设备不属于本案办案机关。")
    if data.ended_at < data.started_at:
        raise Refused("结束时间不能早于开始时间。")
    now = clock.now()
    if data.ended_at > now + timedelta(minutes=5):
        raise Refused("结束时间不能晚于现在。")
    if not data.makers:
        raise Refused("请填写制作人。", rule=rule)
    if not data.place.strip() or not data.proves.strip():
        raise Refused("请填写地点和证明对象。", rule=rule)
    if data.away_reason and data.away_reason not in AwayReason.values:
        raise Refused("未能及时存储的情形不在列表中。", rule="IMR-22")
    av = AVRecord(
        case=case,
        media_type=data.media_type,
        act=data.act,
        device=data.device,
        other_device=data.other_device.strip(),
        started_at=data.started_at,
        ended_at=data.ended_at,
        place=data.place.strip(),
        proves=data.proves.strip(),
        has_speech=data.has_speech if data.media_type == MediaType.VIDEO else data.media_type == MediaType.AUDIO,
        away_reason=data.away_reason,
        returned_at=data.returned_at,
        created_by=actor,
        created_at=now,
    )
    av.content_hash = commitment(av.salt, _content(av))
    av.save()
    av.makers.set(data.makers)
    _ledger(LedgerAction.AV_RECORD_ADDED, actor, av, {"act": av.act, "media_type": av.media_type})
    return av


def _ledger(
    action: LedgerAction, actor: User | None, av: AVRecord, extra: dict[str, Any], evidence: Sequence[str] = ()
) -> None:
    append(
        action=action,
        actor=actor,
        organisation=av.case.organisation,
        case_number=av.case.number,
        payload={"av_record": str(av.pk), "content": av.content_hash, **extra},
        evidence=list(evidence),
    )


def _recommit(av: AVRecord, fields: list[str]) -> None:
    av.content_hash = commitment(av.salt, _content(av))
    av.save(update_fields=[*fields, "content_hash"])


def store_object(*, digests: Digests, storage_name: str) -> StoredObject:
    """The stored object for these bytes (created once; a duplicate upload finds the existing row)."""
    now = clock.now()
    stored, _ = StoredObject.objects.get_or_create(
        sha256=digests.sha256,
        defaults={
            "sm3": digests.sm3,
            "size": digests.size,
            "storage_name": storage_name,
            "stored_at": now,
            "last_checked_at": now,  # the hash pass that just read these bytes is the first fixity check
        },
    )
    return stored


@transaction.atomic
def attach_file(
    *,
    actor: User | None,
    av_record: AVRecord,
    stored: StoredObject,
    name: str,
    content_type: str = "",
    probe: dict[str, Any] | None = None,
    started_at: datetime | None = None,
    ended_at: datetime | None = None,
    stored_at: datetime | None = None,
    station: DockingStation | None = None,
) -> AVFile:
    """Add a verified, stored file to an AV record. ``stored_at`` (when its verified upload completed) is what
    the storage deadline (WS-22 / IMR-22) is judged by."""
    from lawtrace.evidence.media import media_span

    if actor is not None:
        require_handler(actor, av_record.case)
    existing = AVFile.objects.filter(av_record=av_record, stored=stored).first()
    if existing is not None:
        return existing  # the same bytes again: stored once, attached once
    probe = probe or {}
    span = media_span(probe)
    file = AVFile.objects.create(
        av_record=av_record,
        stored=stored,
        name=name[:200],
        content_type=content_type[:100],
        probe=probe,
        started_at=started_at or (span.start if span else None),
        ended_at=ended_at or (span.end if span else None),
        stored_at=stored_at or clock.now(),
        uploaded_by=actor,
        station=station,
    )
    _ledger(
        LedgerAction.AV_FILE_STORED,
        actor,
        av_record,
        {"file": str(file.pk), "sha256": stored.sha256, "sm3": stored.sm3, "size": stored.size},
        evidence=[stored.sha256],
    )
    return file


@transaction.atomic
def assign_station_file(*, actor: User, av_record: AVRecord, station_file: StationFile) -> AVFile:
    """Put a file a docking station delivered into an AV record; it counts as stored when the station's verified
    upload completed."""
    if station_file.station.organisation_id != av_record.case.organisation_id:
        raise PermissionRefused("该文件不属于本案办案机关的采集工作站。")
    from lawtrace.evidence.media import probe as read_probe
    from lawtrace.evidence.store import media_source

    return attach_file(
        actor=actor,
        av_record=av_record,
        stored=station_file.stored,
        name=station_file.name,
        probe=read_probe(media_source(station_file.stored.storage_name)),
        stored_at=station_file.received_at,
        station=station_file.station,
    )


@transaction.atomic
def set_transcript(*, actor: User, av_record: AVRecord, text: str, file: StoredObject | None = None) -> AVRecord:
    """Enter (or upload) the written record of what is said (WS-21, IMR-21)."""
    require_handler(actor, av_record.case)
    if not text.strip() and file is None:
        raise Refused("文字记录不能为空。", rule="WS-21")
    av_record.transcript, av_record.transcript_file = text.strip(), file
    _recommit(av_record, ["transcript", "transcript_file"])
    evidence = [file.sha256] if file else []
    _ledger(LedgerAction.AV_TRANSCRIPT_SET, actor, av_record, {}, evidence=evidence)
    return av_record


@transaction.atomic
def record_return(*, actor: User, av_record: AVRecord, away_reason: str, returned_at: datetime) -> AVRecord:
    """IMR-22: for continuous work, work away from base or in remote areas, the period runs from the return."""
    require_handler(actor, av_record.case)
    if away_reason not in AwayReason.values:
        raise Refused("请选择未能及时存储的情形。", rule="IMR-22")
    if returned_at < av_record.ended_at or returned_at > clock.now():
        raise Refused("返回单位时间应在录制结束之后、现在之前。", rule="IMR-22")
    av_record.away_reason, av_record.returned_at = away_reason, returned_at
    _recommit(av_record, ["away_reason", "returned_at"])
    _ledger(LedgerAction.AV_RETURN_RECORDED, actor, av_record, {"away_reason": away_reason})
    return av_record


@transaction.atomic
def explain_gap(
    *,
    actor: User,
    av_record: AVRecord,
    starts_at: datetime,
    ends_at: datetime | None,
    reason: str,
    explanation: str,
    explained_aloud: bool = False,
    could_not_resume: bool = False,
    reported_to: User | None = None,
    reported_at: datetime | None = None,
    written_report: str = "",
) -> Gap:
    """IMR-13: explain an interruption of a continuous recording; one that could not resume needs the report to
    the unit head (whom, when) and the written explanation afterwards."""
    require_handler(actor, av_record.case)
    if reason not in GapReason.values:
        raise Refused("请从列表中选择中止原因。", rule="IMR-13")
    if not explanation.strip():
        raise Refused("请说明中止情况。", rule="IMR-13")
    if could_not_resume and (reported_to is None or reported_at is None or not written_report.strip()):
        raise Refused("确实无法继续记录的，应立即向本单位负责人报告，并在事后书面说明情况。", rule="IMR-13")
    gap = Gap.objects.create(
        av_record=av_record,
        starts_at=starts_at,
        ends_at=None if could_not_resume else ends_at,
        reason=reason,
        explanation=explanation.strip(),
        explained_aloud=explained_aloud,
        could_not_resume=could_not_resume,
        reported_to=reported_to,
        reported_at=reported_at,
        written_report=written_report.strip(),
        by=actor,
        at=clock.now(),
    )
    text = commitment(gap.salt, {"explanation": gap.explanation, "report": gap.written_report})
    _ledger(
        LedgerAction.AV_GAP_EXPLAINED,
        actor,
        av_record,
        {"gap": str(gap.pk), "reason": reason, "could_not_resume": could_not_resume, "text": text},
    )
    return gap


@transaction.atomic
def confirm(
    *, actor: User, av_record: AVRecord, rule_id: str, item: int, offset_seconds: int, file: AVFile | None = None
) -> Confirmation:
    """Confirm that the recording shows a checklist item (WS-13 / IMR-10), the notice that everything is recorded
    (IMR-11) or the spoken statement (IMR-12), at a time offset in the recording."""
    from lawtrace.evidence.rules import checklist

    require_handler(actor, av_record.case)
    items = {(i.rule_id, i.index): i for i in checklist(av_record)}
    if (rule_id, item) not in items:
        raise Refused("该确认事项不适用于此音像记录。", rule=rule_id)
    if offset_seconds < 0:
        raise Refused("时间位置不能为负。", rule=rule_id)
    if file is not None and file.av_record_id != av_record.pk:
        raise Refused("该文件不属于此音像记录。")
    if Confirmation.objects.filter(av_record=av_record, rule_id=rule_id, item=item).exists():
        raise Refused("该事项已确认。", rule=rule_id)
    confirmation = Confirmation.objects.create(
        av_record=av_record,
        rule_id=rule_id,
        item=item,
        label=items[(rule_id, item)].label[:200],
        file=file,
        offset_seconds=offset_seconds,
        by=actor,
        at=clock.now(),
    )
    _ledger(
        LedgerAction.AV_CONFIRMED,
        actor,
        av_record,
        {"rule": rule_id, "item": item, "offset_seconds": offset_seconds, "file": file and str(file.pk)},
        evidence=[file.stored.sha256] if file else [],
    )
    return confirmation


@transaction.atomic
def record_access(*, actor: User, file: AVFile, kind: AccessKind, integrity_failed: bool = False) -> None:
    """Every view and download is kept (who, when). The ledger gets every download, and views by anyone not
    handling the case, at most one an hour per person and file (DESIGN: access events; IMR-6). A supervisor's
    download of a file whose fixity failed says so in its entry."""
    now = clock.now()
    case = file.av_record.case
    if kind == AccessKind.VIEW:
        recent = Access.objects.filter(file=file, user=actor, kind=kind, at__gte=now - timedelta(hours=1)).exists()
        Access.objects.create(file=file, user=actor, kind=kind, at=now)
        if recent or is_handler(actor, case):
            return
        action = LedgerAction.AV_VIEWED
    else:
        Access.objects.create(file=file, user=actor, kind=kind, at=now)
        action = LedgerAction.AV_DOWNLOADED
    extra = {"file": str(file.pk), **({"integrity": "failed"} if integrity_failed else {})}
    _ledger(action, actor, file.av_record, extra, evidence=[file.stored.sha256])


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def save_station(*, actor: User, organisation: Organisation, name: str) -> tuple[DockingStation, str]:
    """Register a docking station (采集工作站) and issue its token, shown once; only its hash is kept."""
    require(actor, Action.CONFIGURE, organisation)
    token = secrets.token_urlsafe(32)
    station = DockingStation.objects.create(
        organisation=organisation, name=name.strip(), token_hash=token_hash(token), created_at=clock.now()
    )
    append(
        action=LedgerAction.AV_STATION_SAVED,
        actor=actor,
        organisation=organisation,
        payload={"station": str(station.pk), "name": station.name},
    )
    return station, token


@transaction.atomic
def receive_station_file(
    *, station: DockingStation, stored: StoredObject, name: str, device_serial: str = ""
) -> StationFile:
    """A docking station's verified upload: kept for an officer to assign to an AV record (idempotent on hash)."""
    found = StationFile.objects.filter(station=station, stored=stored).first()
    if found is not None:
        return found
    received = StationFile.objects.create(
        station=station, stored=stored, name=name[:200], device_serial=device_serial[:60], received_at=clock.now()
    )
    append(
        action=LedgerAction.AV_STATION_RECEIVED,
        actor=None,
        organisation=station.organisation,
        payload={"station": str(station.pk), "file": str(received.pk), "sha256": stored.sha256, "size": stored.size},
        evidence=[stored.sha256],
    )
    return received
