"""Resumable uploads (tus 1.0 semantics, independent of HTTP): create, write a chunk at an offset, complete, terminate,
clean up. ``tus.py`` speaks the protocol for the browser and the docking-station API on top of this.

An upload is never evidence. Only when its last byte is stored is the file hashed in one sequential pass
(``store.digests``), compared with the SHA-256 the client declared, moved to its content-addressed place (or dropped
if those bytes are already stored) and, in one transaction, given its StoredObject row, attached where it belongs
and ledgered. A refusal at any step discards the partial data and writes nothing else.

Races: two PATCHes of one upload on one server are serialised by a file lock (``store.locked``); across servers the
offset advances by compare-and-swap (``filter(offset=old).update(offset=new)``), so a chunk is counted once.

Crashes: completion is idempotent and resumable. Its progress is kept on the row (the multipart upload assembled,
the digests once the hash pass is done) and every step can be repeated (``store.promote`` finds the file already
moved; the rows are written in one transaction that first moves the state from open to complete by compare-and-swap,
so a file is attached and ledgered once). An upload whose last byte is stored but which is not complete is finished
by the next HEAD or PATCH, or by ``lawtrace periodic`` — unless a live process is completing it (it claimed it:
host, pid and process start), when the answer is 423 Locked, try again. HEAD reports success only for a completed
upload; a rejected one answers 410 with its reason, and the cleanup never removes one that can still complete.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import logging
import os
import socket
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import BinaryIO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F

from lawtrace import clock
from lawtrace.errors import Refused
from lawtrace.evidence import fixity, media, services, store
from lawtrace.evidence.hashing import Digests, is_sha256_hex
from lawtrace.evidence.models import AVRecord, DockingStation, MediaType, StoredObject, Upload
from lawtrace.orgs.models import Organisation, User

log = logging.getLogger("lawtrace.evidence")
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


class UploadRejected(Refused):
    """An upload refused earlier, asked about again (tus: 410 Gone, with the reason)."""


class Completing(Refused):
    """Another live process is completing the upload (tus: 423 Locked): ask again shortly."""


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
    except (Upload.DoesNotExist, ValidationError, ValueError, TypeError) as e:
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
    """Store a chunk at ``offset`` (which must be the stored offset); complete the upload after its last byte.
    A PATCH at the full length (no bytes left) resumes a completion that was cut off."""
    if upload.state == Upload.State.FAILED:
        raise UploadRejected(f"该上传已被拒收：{upload.failure}")
    if upload.state == Upload.State.COMPLETE:
        raise OffsetConflict("该上传已完成。")
    if count > upload.length - offset:
        raise Refused("数据超出 Upload-Length。")
    if upload.offset == upload.length:
        if offset != upload.length:
            raise OffsetConflict(f"Upload-Offset 应为 {upload.offset}。")
        return ChunkResult(upload, finish(upload))
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
        last = offset + written == upload.length
        claim = {"completing_since": now, "completing_by": _me()} if last else {}
        moved = Upload.objects.filter(pk=upload.pk, offset=offset, state=Upload.State.OPEN).update(
            offset=offset + written, parts=upload.parts, updated_at=now, **claim
        )
        if not moved:
            raise OffsetConflict("该上传已被另一个请求写入，请查询当前偏移量后重试。")
        upload.offset, upload.updated_at = offset + written, now
    if upload.offset == upload.length:
        return ChunkResult(upload, complete(upload))
    return ChunkResult(upload)


# -- completion ------------------------------------------------------------------------------------------------


def _process_start(pid: int) -> str | None:
    """The kernel's start time of a process (clock ticks since boot), None when it does not exist: with the pid,
    it tells a process apart from a later one that reuses the number."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat.rsplit(")", 1)[1].split()
    if fields[0] in ("Z", "X"):  # a killed process nobody has reaped yet (a zombie) is not alive
        return None
    return fields[19]


def _me() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{_process_start(os.getpid()) or ''}"[:120]


def _allowance(upload: Upload) -> timedelta:
    """How long a completion may take before its claim lapses: one hash pass at a slow 20 MiB/s (SM3 is the slower
    of the two digests), plus two minutes."""
    return timedelta(seconds=120 + upload.length / (20 * 1024**2))


def claim_alive(upload: Upload) -> bool:
    """Is a live process completing this upload? Its claim lapses when the process is gone (same host) or after
    the allowance (another host, which cannot be asked)."""
    if upload.completing_since is None or clock.now() - upload.completing_since > _allowance(upload):
        return False
    host, _, rest = upload.completing_by.partition(":")
    pid, _, started = rest.partition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return True
    return int(pid) != os.getpid() and _process_start(int(pid)) == started


def finish(upload: Upload) -> StoredObject:
    """Complete an upload whose last byte is stored, unless that is done (its result), refused (410) or another live
    process is doing it (423)."""
    upload.refresh_from_db()
    if upload.state == Upload.State.COMPLETE and upload.result is not None:
        return upload.result
    if upload.state == Upload.State.FAILED:
        raise UploadRejected(f"该上传已被拒收：{upload.failure}")
    if upload.state != Upload.State.OPEN or upload.offset != upload.length:
        raise UploadGone("上传不存在或已清理。")
    if claim_alive(upload):
        raise Completing("文件已全部收到，正在核验（计算 SHA-256 与 SM3），请稍后再查询。")
    return complete(upload)


def complete(upload: Upload) -> StoredObject:
    """Hash the whole file once, check it, store it by hash and attach it (ledgered) — resuming where a crash
    stopped a previous attempt. A refusal discards the data and raises ``Rejected``."""
    me = _me()
    Upload.objects.filter(pk=upload.pk, state=Upload.State.OPEN).update(completing_since=clock.now(), completing_by=me)
    try:
        return _complete(upload)
    except Refused:
        raise
    except BaseException:
        with contextlib.suppress(Exception):  # let the next HEAD or periodic run resume at once
            Upload.objects.filter(pk=upload.pk, completing_by=me).update(completing_since=None, completing_by="")
        raise


def _complete(upload: Upload) -> StoredObject:
    if not upload.sha256:
        _hash_and_check(upload)
    replace = StoredObject.objects.filter(sha256=upload.sha256, fixity_ok=False).exists()
    try:
        name = store.promote(upload, upload.sha256, replace=replace)
    except store.StagingGone:
        _refuse(upload, "上传的数据已不在暂存区")
    facts = media.probe(store.media_source(name)) if upload.av_record_id else {}
    with transaction.atomic():
        now = clock.now()
        moved = Upload.objects.filter(pk=upload.pk, state=Upload.State.OPEN).update(
            state=Upload.State.COMPLETE, completing_since=None, completing_by="", updated_at=now
        )
        if not moved:  # another process completed it meanwhile
            upload.refresh_from_db()
            if upload.state == Upload.State.COMPLETE and upload.result is not None:
                return upload.result
            raise UploadRejected(f"该上传已被拒收：{upload.failure}")
        stored = services.store_object(digests=Digests(upload.sha256, upload.sm3, upload.length), storage_name=name)
        filename = upload.metadata.get("filename") or upload.metadata.get("name") or upload.sha256
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
        Upload.objects.filter(pk=upload.pk).update(result=stored)
    upload.state, upload.result = Upload.State.COMPLETE, stored
    if replace:  # the stored copy had failed its fixity check; these bytes hash right and took its place
        fixity.record_result(stored, actual=upload.sha256)
    return stored


def _hash_and_check(upload: Upload) -> None:
    """The one hash pass and the checks on the whole file; keeps the digests on the row (resumable from here)."""
    if upload.backend != "local":
        store.assemble(upload)
        Upload.objects.filter(pk=upload.pk).update(s3_upload_id="")
    if not store.staging_exists(upload):
        _refuse(upload, "上传的数据已不在暂存区")
    digests = store.digests(upload)
    declared = upload.metadata.get("sha256", "").lower()
    if digests.size != upload.length:
        _refuse(upload, f"收到 {digests.size} 字节，应为 {upload.length} 字节")
    if declared and declared != digests.sha256:
        _refuse(upload, f"文件的 SHA-256（{digests.sha256}）与声明的（{declared}）不符")
    if problem := unplayable(upload):
        _refuse(upload, problem)
    Upload.objects.filter(pk=upload.pk).update(sha256=digests.sha256, sm3=digests.sm3)
    upload.sha256, upload.sm3 = digests.sha256, digests.sm3


def unplayable(upload: Upload) -> str | None:
    """Why the file cannot be evidence that plays, read before it is stored: an empty file never; into an audio or
    video record, what ffprobe cannot read as audio or video; from a docking station, what ffprobe cannot read at
    all (a camera's photos are images). Photos uploaded into a photo record keep their own rules."""
    if upload.length == 0:
        return "文件为空（0 字节）"
    if upload.av_record is not None and upload.av_record.media_type == MediaType.PHOTO:
        return None
    if not media.available():
        log.warning("ffprobe is not installed: upload %s stored without checking that it plays", upload.pk)
        return None
    facts = media.probe(store.staged_source(upload))
    if upload.av_record is None:
        return None if facts.get("format") else "ffprobe 无法识别该文件的格式（不是音频、视频或照片），不能播放"
    if facts.get("has_audio") or facts.get("has_video"):
        return None
    return "ffprobe 无法将该文件读作音频或视频，不能播放"


def _refuse(upload: Upload, problem: str) -> None:
    fail(upload, problem)
    raise Rejected(f"{problem}，已拒收，未作为证据保存。")


def fail(upload: Upload, reason: str) -> None:
    store.discard(upload)
    Upload.objects.filter(pk=upload.pk, state=Upload.State.OPEN).update(
        state=Upload.State.FAILED, failure=reason[:200], completing_since=None, completing_by="", updated_at=clock.now()
    )
    upload.state, upload.failure = Upload.State.FAILED, reason[:200]


def resume_stalled() -> int:
    """Finish uploads whose last byte is stored but whose completion was cut off (a crash, a killed worker) and
    that no live process is completing; returns how many became evidence (a refused one is failed, as always)."""
    done = 0
    for upload in Upload.objects.filter(state=Upload.State.OPEN, offset=F("length")).order_by("updated_at"):
        if claim_alive(upload):
            continue
        try:
            complete(upload)
        except Refused:
            continue
        done += 1
    return done


def terminate(upload: Upload) -> None:
    """tus termination: the client gives up; its partial data goes at once."""
    if upload.state == Upload.State.COMPLETE:
        raise Refused("已完成的上传不能取消（文件已作为证据保存）。")
    store.discard(upload)
    Upload.objects.filter(pk=upload.pk).delete()


def cleanup(*, older_than: timedelta | None = None) -> int:
    """Remove uploads untouched for longer than the expiry (and staging data no upload row knows): an abandoned or
    cut-off upload never becomes evidence, and its partial data does not stay. An upload with all its bytes is
    kept (it can still complete). Returns how many were removed."""
    older_than = older_than if older_than is not None else timedelta(hours=settings.LAWTRACE_UPLOAD_EXPIRY_HOURS)
    cutoff = clock.now() - older_than
    removed = 0
    for upload in Upload.objects.filter(updated_at__lt=cutoff).iterator():
        if upload.state == Upload.State.OPEN and upload.offset == upload.length:
            continue  # every byte is here: it can still complete (resume_stalled), never thrown away
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
