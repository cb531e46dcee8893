"""Where evidence bytes live: the staging area of uploads in progress, and stored objects named by their SHA-256.

Two backends, chosen by the default storage (Django's storage API; DESIGN § Principles 5):

- a local folder (``FileSystemStorage``): an upload is one staging file under ``<location>/uploads/``, written at the
  client's offsets and fsynced before ``Upload-Offset`` advances; on completion it is hashed in one pass and renamed
  into place (same file system: no second copy);
- S3-compatible storage (django-storages ``S3Storage``): an upload is an S3 multipart upload written with boto3
  directly (the storage API has no multipart); parts are at least 5 MiB except the last (S3 refuses smaller ones);
  on completion the parts are assembled, the object is read once to hash it, then copied to its final key.

Stored objects are content-addressed (``evidence/ab/cd/<sha256>``) and never rewritten. Reads for playback go
through :func:`read_range` so that a seek in a multi-GB video reads only the bytes asked for.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from django.conf import settings
from django.core.files.storage import default_storage

from lawtrace.evidence.hashing import BLOCK, Digests, digest_blocks, read_blocks

if TYPE_CHECKING:
    from lawtrace.evidence.models import Upload

MIN_PART = 5 * 1024 * 1024  # S3's smallest part (except the last)


class ChecksumMismatch(Exception):
    """The chunk's bytes do not match the client's ``Upload-Checksum``: nothing of it counts."""


class ChunkTooSmall(Exception):
    """On S3, a chunk other than the last must be at least 5 MiB."""


def object_name(sha256: str) -> str:
    return f"evidence/{sha256[:2]}/{sha256[2:4]}/{sha256}"


def backend() -> str:
    return "local" if _location() is not None else "s3"


def _location() -> Path | None:
    """The local folder of the default storage, or None for object storage (whose ``path`` is not implemented)."""
    try:
        return Path(default_storage.path(""))
    except NotImplementedError:
        return None


# -- S3 helpers ------------------------------------------------------------------------------------------------


def _s3() -> tuple[Any, str]:
    storage: Any = default_storage
    return storage.connection.meta.client, storage.bucket_name


def _key(name: str) -> str:
    storage: Any = default_storage
    return str(storage._normalize_name(name))


def _staging_key(upload: Upload) -> str:
    return _key(f"uploads/{upload.pk}")


def _spool_dir() -> Path:
    folder = Path(settings.VAR_DIR) / "upload-spool"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


# -- staging -----------------------------------------------------------------------------------------------------


def staging_path(upload: Upload) -> Path:
    location = _location()
    assert location is not None
    return location / "uploads" / str(upload.pk)


def create(upload: Upload) -> None:
    """Prepare the staging area for a new upload (an empty file, or an S3 multipart upload)."""
    if upload.backend == "local":
        path = staging_path(upload)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch(exist_ok=False)
    elif upload.length > 0:
        client, bucket = _s3()
        upload.s3_upload_id = client.create_multipart_upload(Bucket=bucket, Key=_staging_key(upload))["UploadId"]


@contextlib.contextmanager
def locked(upload: Upload) -> Iterator[None]:
    """Serialise writers of one upload on this server (two PATCHes of the same bytes racing each other; the
    offset compare-and-swap in the database decides between servers)."""
    if upload.backend != "local":
        yield
        return
    with open(staging_path(upload), "rb") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


def write(upload: Upload, body: BinaryIO, count: int, checksum: tuple[str, bytes] | None) -> int:
    """Store up to ``count`` bytes of ``body`` at ``upload.offset``; return how many are now stored durably.

    A body cut off early keeps what arrived (tus: the client resumes from there) unless a checksum was sent, which
    cannot be checked on a part. Bytes past the returned count may sit in the staging file; the offset ignores them.
    """
    import hashlib

    hasher = hashlib.new(checksum[0]) if checksum else None
    if upload.backend == "local":
        received = 0
        with open(staging_path(upload), "r+b") as f:
            f.seek(upload.offset)
            for block in _body_blocks(body, count):
                f.write(block)
                received += len(block)
                if hasher:
                    hasher.update(block)
            f.flush()
            os.fsync(f.fileno())
        return _checked(received, count, hasher, checksum)
    with tempfile.TemporaryFile(dir=_spool_dir()) as spool:
        received = 0
        for block in _body_blocks(body, count):
            spool.write(block)
            received += len(block)
            if hasher:
                hasher.update(block)
        stored = _checked(received, count, hasher, checksum)
        final = upload.offset + stored == upload.length
        if stored == 0 or (stored < MIN_PART and not final):
            if received == count:
                raise ChunkTooSmall
            return 0  # a cut-off fragment too small to be a part: the client sends it again
        spool.seek(0)
        client, bucket = _s3()
        number = len(upload.parts) + 1
        etag = client.upload_part(
            Bucket=bucket,
            Key=_staging_key(upload),
            UploadId=upload.s3_upload_id,
            PartNumber=number,
            Body=spool,
            ContentLength=stored,
        )["ETag"]
        upload.parts = [*upload.parts, {"PartNumber": number, "ETag": etag, "Size": stored}]
        return stored


def _body_blocks(body: BinaryIO, count: int) -> Iterator[bytes]:
    try:
        yield from read_blocks(body, count)
    except OSError:  # the client went away mid-chunk: keep what arrived
        return


def _checked(received: int, count: int, hasher: Any, checksum: tuple[str, bytes] | None) -> int:
    if checksum is None:
        return received
    if received != count:
        return 0
    if hasher.digest() != checksum[1]:
        raise ChecksumMismatch
    return received


def assemble(upload: Upload) -> None:
    """S3: join the multipart upload's parts into the staging object (local: nothing to do). Safe to repeat after a
    crash: when the multipart upload is already gone but its staging object is there, that is the assembled file."""
    if upload.backend == "local":
        return
    client, bucket = _s3()
    key = _staging_key(upload)
    if upload.s3_upload_id:
        parts = [{"PartNumber": p["PartNumber"], "ETag": p["ETag"]} for p in upload.parts]
        try:
            client.complete_multipart_upload(
                Bucket=bucket, Key=key, UploadId=upload.s3_upload_id, MultipartUpload={"Parts": parts}
            )
        except client.exceptions.NoSuchUpload:
            if not staging_exists(upload):
                raise
        upload.s3_upload_id = ""
    elif upload.length == 0 and not staging_exists(upload):
        client.put_object(Bucket=bucket, Key=key, Body=b"")


def staging_exists(upload: Upload) -> bool:
    if upload.backend == "local":
        return staging_path(upload).exists()
    from botocore.exceptions import ClientError

    client, bucket = _s3()
    try:
        client.head_object(Bucket=bucket, Key=_staging_key(upload))
    except ClientError:
        return False
    return True


def digests(upload: Upload) -> Digests:
    """Hash the assembled upload in one sequential pass (the only whole-file read before it is evidence)."""
    if upload.backend == "local":
        with open(staging_path(upload), "rb") as f:
            return digest_blocks(read_blocks(f, upload.length))
    client, bucket = _s3()
    body = client.get_object(Bucket=bucket, Key=_staging_key(upload))["Body"]
    return digest_blocks(body.iter_chunks(BLOCK))


def staged_source(upload: Upload) -> str:
    """A path or URL ffprobe can read the assembled upload from, before it is stored."""
    if upload.backend == "local":
        return str(staging_path(upload))
    client, bucket = _s3()
    return str(
        client.generate_presigned_url(
            "get_object", Params={"Bucket": bucket, "Key": _staging_key(upload)}, ExpiresIn=3600
        )
    )


class StagingGone(Exception):
    """Neither the staged upload nor the stored object is there: the bytes are lost, the upload cannot complete."""


def promote(upload: Upload, sha256: str, *, replace: bool = False) -> str:
    """Put the hashed upload in its content-addressed place, or drop it if those bytes are already stored
    (``replace``: put it there anyway — the stored copy failed its fixity check and these bytes hash right).
    Idempotent: after a crash that already moved it, the stored object is found in place."""
    name = object_name(sha256)
    if upload.backend == "local":
        final = Path(default_storage.path(name))
        staged = staging_path(upload)
        if not staged.exists():
            if final.exists():
                return name
            raise StagingGone(name)
        if final.exists() and not replace:
            staged.unlink()
        else:
            final.parent.mkdir(parents=True, exist_ok=True)
            os.replace(staged, final)
            final.chmod(0o444)
        return name
    client, bucket = _s3()
    key = _staging_key(upload)
    if not staging_exists(upload):
        if exists(name):
            return name
        raise StagingGone(name)
    if replace or not exists(name):
        client.copy({"Bucket": bucket, "Key": key}, bucket, _key(name))
    client.delete_object(Bucket=bucket, Key=key)
    return name


def discard(upload: Upload) -> None:
    """Remove an upload's partial data (refused, terminated or abandoned). Safe to call twice."""
    if upload.backend == "local":
        with contextlib.suppress(FileNotFoundError):
            staging_path(upload).unlink()
        return
    client, bucket = _s3()
    if upload.s3_upload_id:
        with contextlib.suppress(Exception):
            client.abort_multipart_upload(Bucket=bucket, Key=_staging_key(upload), UploadId=upload.s3_upload_id)
    with contextlib.suppress(Exception):
        client.delete_object(Bucket=bucket, Key=_staging_key(upload))


def staged() -> list[tuple[str, str, datetime]]:
    """(upload id, S3 multipart upload id or "", when it began) of everything in the staging area, for the cleanup
    of orphans."""
    if backend() == "local":
        folder = (_location() or Path()) / "uploads"
        if not folder.exists():
            return []
        return [(p.name, "", datetime.fromtimestamp(p.stat().st_mtime, UTC)) for p in folder.iterdir()]
    client, bucket = _s3()
    prefix = _key("uploads/")
    found = []
    for page in client.get_paginator("list_multipart_uploads").paginate(Bucket=bucket, Prefix=prefix):
        found += [(u["Key"].rsplit("/", 1)[-1], u["UploadId"], u["Initiated"]) for u in page.get("Uploads", [])]
    return found


# -- stored objects ----------------------------------------------------------------------------------------------


def exists(name: str) -> bool:
    return bool(default_storage.exists(name))


def read_range(name: str, start: int = 0, end: int | None = None) -> Iterator[bytes]:
    """Bytes ``start``…``end`` (inclusive; None: to the end) of a stored object, in blocks, reading only those."""
    if backend() == "local":
        with open(default_storage.path(name), "rb") as f:
            f.seek(start)
            yield from read_blocks(f, None if end is None else end - start + 1)
        return
    client, bucket = _s3()
    wanted = f"bytes={start}-{'' if end is None else end}"
    body = client.get_object(Bucket=bucket, Key=_key(name), Range=wanted)["Body"]
    yield from body.iter_chunks(BLOCK)


def media_source(name: str) -> str:
    """A path or URL ffprobe/ffmpeg can read (a presigned URL on S3)."""
    if backend() == "local":
        return str(default_storage.path(name))
    return str(default_storage.url(name))


def save_small(name: str, data: bytes) -> None:
    """Write a small derived file (a poster frame) unless it is already there."""
    from django.core.files.base import ContentFile

    if not exists(name):
        default_storage.save(name, ContentFile(data))
