"""Resumable uploads (tus 1.0 semantics, independent of HTTP): create, write a chunk at an offset, complete, terminate,
clean up. ``tus.py`` speaks the protocol for the browser and the docking-station API on top of this.

An upload is never evidence. Only when its last byte is stored is the file hashed in one sequential pass
(``store.digests``), compared with the SHA-256 the client declared, moved to its content-addressed place (or dropped
if those bytes are already stored) and, in one transaction, given its StoredObject row, attached where it belongs
and ledgered. A refusal at any step discards the partial data and writes nothing else.

Races: two PATCHes of one upload on one server are serialised by a file lock (``store.locked``); across servers the
offset advances by compare-and-swap (``filter(offset=old).update(offset=new)``), so a chunk is counted once.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from datetime import timedelta
from typing import BinaryIO

from django.conf import settings
from django.db import transaction

from lawtrace import clock
from lawtrace.errors import Refused
from lawtrace.evidence import media, services, store
from lawtrace.evidence.hashing import is_sha256_hex
from lawtrace.evidence.models import AVRecord, DockingStation, StoredObject, Upload
from lawtrace.orgs.models import Organisation, User

METADATA_KEYS = {"filename", "filetype", "sha256", "av_record", "device_serial", "name", "type", "relativePath"}


class UploadGone(Refused):
    """The upload does not exist (any more), or belongs to someone else: the same answer for both."""


class OffsetConflict(Refused):
    """The client's Upload-Offset is not the stored one (tus: 409)."""


class TooLarge(Refused):
    """Beyond ``LAWTRACE_UPLOAD_MAX_BYTES`` (tus: 413)."""


class ChecksumRefused(Refused):
    """The chunk does not match its ``Upload-Checksum`` (tus checksum extension: 460); nothing of it is counted."""


class Rejected(Refused):
    """The completed file failed validation (size or declared SHA-256): discarded, never evidence."""


def parse_metadata(header: str) -> dict[str, str]:
    """tus ``Upload-Metadata``: comma-separated ``key base64value`` pairs. Unknown keys are ignored."""
    result: dict[str, str] = {}
    for pair in filter(None, (p.strip() for p in header.split(","))):
        key, _, value = pair.partition(" ")
        if key not in METADATA_KEYS:
            continue
        try:
            result[key] = base64.b64decode(value, validate=True).decode()[:300] if value else ""
        except (binascii.Error, UnicodeDecodeError) as e:
            raise Refused("Upload-Metadata 格式不正确。") from e
    return result


def create_upload(
    *,
    length: int,
    metadata: dict[str, str],
    user: User | None = None,
    station: DockingStation | None = None,
    av_record: AVRecord | None = None,
) -> Upload:
    """Start an upload into an AV record (an officer) or into a station's intake (a docking station)."""
    if length < 0:
        raise Refused("Upload-Length 不正确。")
    if length > settings.LAWTRACE_UPLOAD_MAX_BYTES:
        raise TooLarge(f"文件超过上限（{settings.LAWTRACE_UPLOAD_MAX_BYTES} 字节）。")
    declared = metadata.get("sha256", "").lower()
    if declared and not is_sha256_hex(declared):
        raise Refused("声明的 SHA-256 格式不正确（应为64位十六进制）。")
    if station is not None and not declared:
        raise Refused("采集工作站上传须在 Upload-Metadata 中声明文件的 SHA-256。")
    organisation: Organisation
    if av_record is not None:
        assert user is not None
        services.require_handler(user, av_record.case)
        organisation = av_record.case.organisation
    elif station is not None:
        organisation = station.organisation
    else:
        raise Refused("请指明文件所属的音像记录。")
    now = clock.now()
    upload = Upload(
        organisation=organisation,
        av_record=av_record,
        user=user,
        station=station,
        length=length,
        metadata={k: v for k, v in metadata.items() if k in METADATA_KEYS},
        backend=store.backend(),
        created_at=now,
        updated_at=now,
    )
    store.create(upload)
    upload.save()
    return upload


def get_upload(pk: str, *, user: User | None = None, station: DockingStation | None = None) -> Upload:
    """The caller's own upload; anyone else's is "gone", so an id reveals nothing."""
    try:
        upload = Upload.objects.get(pk=pk)
    except (Upload.DoesNotExist, ValueError, TypeError) as e:
        raise UploadGone("上传不存在或已清理。") from e
    mine = (user is not None and upload.user_id == user.pk) or (station is not None and upload.station_id == station.pk)
    if not mine or upload.state in (Upload.State.TERMINATED, Upload.State.EXPIRED):
        raise UploadGone("上传不存在或已清理。")
    return upload


@dataclass(frozen=True)
class ChunkResult:
    upload: Upload
    stored: StoredObject | None = None  # set when this chunk completed the upload


def write_chunk(
    upload: Upload, *, offset: int, body: BinaryIO, count: int, checksum: tuple[str, bytes] | None = None
) -> ChunkResult:
    """Store a chunk at ``offset`` (which must be the stored offset); complete the upload after its last byte."""
    if upload.state == Upload.State.FAILED:
        raise UploadGone(f"该上传已被拒收：{upload.failure}")
    if upload.state == Upload.State.COMPLETE:
        raise OffsetConflict("该上传已完成。")
    if count > upload.length - offset:
        raise Refused("数据超出 Upload-Length。")
    with store.locked(upload):
        upload.refresh_from_db()
        if offset != upload.offset:
            raise OffsetConflict(f"Upload-Offset 应为 {upload.offset}。")
        try:
            written = store.write(upload, body, count, checksum)
        except store.ChecksumMismatch as e:
            raise ChecksumRefused("分块校验和不符，已丢弃该分块，请重新发送。") from e
        except store.ChunkTooSmall as e:
            raise Refused("除最后一块外，每个分块不得小于 5 MiB。") from e
        now = clock.now()
        moved = Upload.objects.filter(pk=upload.pk, offset=offset, state=Upload.State.OPEN).update(
            offset=offset + written, parts=upload.parts, updated_at=now
        )
        if not moved:
            raise OffsetConflict("该上传已被另一个请求写入，请查询当前偏移量后重试。")
        upload.offset, upload.updated_at = offset + written, now
    if upload.offset == upload.length:
        return ChunkResult(upload, complete(upload))
    return ChunkResult(upload)


def complete(upload: Upload) -> StoredObject:
    """Hash the whole file once, check the declared SHA-256, store it by hash and attach it (ledgered)."""
    digests = store.digests(upload)
    declared = upload.metadata.get("sha256", "").lower()
    problem = ""
    if digests.size != upload.length:
        problem = f"收到 {digests.size} 字节，应为 {upload.length} 字节"
    elif declared and declared != digests.sha256:
        problem = f"文件的 SHA-256（{digests.sha256}）与声明的（{declared}）不符"
    if problem:
        fail(upload, problem)
        raise Rejected(f"{problem}，已拒收，未作为证据保存。")
    name = store.promote(upload, digests.sha256)
    facts = media.probe(store.media_source(name)) if upload.av_record_id else {}
    with transaction.atomic():
        stored = services.store_object(digests=digests, storage_name=name)
        filename = upload.metadata.get("filename") or upload.metadata.get("name") or digests.sha256
        if upload.av_record is not None:
            services.attach_file(
                actor=upload.user,
                av_record=upload.av_record,
                stored=stored,
                name=filename,
                content_type=upload.metadata.get("filetype") or upload.metadata.get("type", ""),
                probe=facts,
            )
        elif upload.station is not None:
            services.receive_station_file(
                station=upload.station,
                stored=stored,
                name=filename,
                device_serial=upload.metadata.get("device_serial", ""),
            )
        Upload.objects.filter(pk=upload.pk).update(state=Upload.State.COMPLETE, result=stored, updated_at=clock.now())
    upload.state, upload.result = Upload.State.COMPLETE, stored
    return stored


def fail(upload: Upload, reason: str) -> None:
    store.discard(upload)
    Upload.objects.filter(pk=upload.pk).update(state=Upload.State.FAILED, failure=reason[:200], updated_at=clock.now())
    upload.state = Upload.State.FAILED


def terminate(upload: Upload) -> None:
    """tus termination: the client gives up; its partial data goes at once."""
    if upload.state == Upload.State.COMPLETE:
        raise Refused("已完成的上传不能取消（文件已作为证据保存）。")
    store.discard(upload)
    Upload.objects.filter(pk=upload.pk).delete()


def cleanup(*, older_than: timedelta | None = None) -> int:
    """Remove uploads untouched for longer than the expiry (and staging data no upload row knows): an abandoned or
    cut-off upload never becomes evidence, and its partial data does not stay. Returns how many were removed."""
    older_than = older_than if older_than is not None else timedelta(hours=settings.LAWTRACE_UPLOAD_EXPIRY_HOURS)
    cutoff = clock.now() - older_than
    removed = 0
    for upload in Upload.objects.filter(updated_at__lt=cutoff).iterator():
        if upload.state != Upload.State.COMPLETE:
            store.discard(upload)
        Upload.objects.filter(pk=upload.pk).delete()
        removed += 1
    known = {str(pk) for pk in Upload.objects.values_list("pk", flat=True)}
    for name, multipart_id, began in store.staged():
        if name not in known and began < cutoff:  # a younger one may be an upload whose row is being written
            store.discard(Upload(pk=name, backend=store.backend(), s3_upload_id=multipart_id))
            removed += 1
    return removed
