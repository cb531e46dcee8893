"""Keys of the logs, kept in files outside the database.

Layout under ``$LAWTRACE_KEY_DIR`` (default ``$LAWTRACE_VAR_DIR/keys``), one folder per log, named by the part of the
log's origin after ``/lawtrace/`` (``<org code>/<log id>``; logs made before log ids existed use ``<org code>``)::

    active.key               PRIVATE+KEY+<origin>+… Ed25519 log key                 (0600)
    active-time.key          PRIVATE+KEY+<origin>+… cosignature/v1 key               (0600, the checkpoint's time)
    verifiers/<id>.vkey      public verifier keys, every one ever used, kept forever
    verifiers/<id>.valid     its validity period: ``created <UTC>`` and, once rotated out, ``retired <UTC>``
    mac/<id>.key             entry authentication keys (HMAC-SHA256, 32 random bytes, hex; 0600), kept forever
    mac/active               the id of the one new entries use

Rotation writes new private keys, marks the old public keys retired and keeps them, so checkpoints signed before the
rotation still verify and none signed after it with the old key does. Whoever controls the database alone can forge
neither a checkpoint nor an entry's authentication code: ``verify`` trusts only these files.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.conf import settings

from lawtrace.ledger import note
from lawtrace.ledger.trust import TrustedKey, format_key_file, format_second, parse_second
from lawtrace.ledger.trust import TrustError as TrustError  # re-exported for services

MAC_DOMAIN = b"lawtrace-entry-mac/v1\n"
MAC_SIZE = 4 + 32  # key id ‖ HMAC-SHA256


class LogKeys:
    def __init__(self, signer: note.Signer, time_signer: note.Signer) -> None:
        self.signer = signer
        self.time_signer = time_signer


def key_root() -> Path:
    configured = getattr(settings, "LAWTRACE_KEY_DIR", None)
    return Path(configured) if configured else Path(settings.VAR_DIR) / "keys"


def folder_for(origin: str) -> Path:
    """The log's key folder: the origin's path after ``/lawtrace/`` (``<org code>`` or ``<org code>/<log id>``)."""
    _, sep, tail = origin.partition("/lawtrace/")
    if not sep or not tail or ".." in tail.split("/"):
        raise note.FormatError(f"日志标识 {origin!r} 不是 <主机>/lawtrace/<组织代码>[/<日志编号>]")
    return key_root() / tail


def _now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def _write_private(path: Path, text: str) -> None:
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(text + "\n")
    tmp.replace(path)


def _read_period(path: Path) -> dict[str, datetime]:
    if not path.exists():
        return {}
    period = {}
    for line in path.read_text().splitlines():
        name, _, value = line.partition(" ")
        if name in ("created", "retired"):
            period[name] = parse_second(value.strip())
    return period


def _write_period(path: Path, period: dict[str, datetime]) -> None:
    path.write_text(
        "".join(f"{name} {format_second(period[name])}\n" for name in ("created", "retired") if name in period)
    )


def _new_pair(origin: str, folder: Path) -> LogKeys:
    (folder / "verifiers").mkdir(parents=True, exist_ok=True)
    now = _now()
    keys = []
    for kind, filename in ((note.ED25519, "active.key"), (note.COSIGNATURE_V1, "active-time.key")):
        signer_key, verifier_key = note.generate_key(origin, kind)
        signer = note.parse_signer_key(signer_key)
        (folder / "verifiers" / f"{signer.key_id:08x}.vkey").write_text(verifier_key + "\n")
        _write_period(folder / "verifiers" / f"{signer.key_id:08x}.valid", {"created": now})
        _write_private(folder / filename, signer_key)
        keys.append(signer)
    return LogKeys(keys[0], keys[1])


def _active(folder: Path) -> LogKeys | None:
    try:
        signer = note.parse_signer_key((folder / "active.key").read_text().strip())
        time_signer = note.parse_signer_key((folder / "active-time.key").read_text().strip())
    except FileNotFoundError:
        return None
    return LogKeys(signer, time_signer)


def signers_for(origin: str) -> LogKeys:
    """The log's active keys, created on first use. A key marked retired is refused: it may not sign any more."""
    folder = folder_for(origin)
    active = _active(folder)
    if active is None:
        return _new_pair(origin, folder)
    if active.signer.name != origin:
        raise note.FormatError(f"{folder} 中的密钥属于 {active.signer.name}，不是 {origin}")
    for signer in (active.signer, active.time_signer):
        retired = _read_period(folder / "verifiers" / f"{signer.key_id:08x}.valid").get("retired")
        if retired is not None:
            raise TrustError(f"密钥 {signer.name}+{signer.key_id:08x} 已于 {format_second(retired)} 停用，不能再签署")
    return active


def rotate(origin: str) -> LogKeys:
    """New active keys; the old ones are marked retired now, their public halves kept in ``verifiers/``."""
    folder = folder_for(origin)
    old = _active(folder)
    if old is not None:
        now = _now()
        for signer in (old.signer, old.time_signer):
            path = folder / "verifiers" / f"{signer.key_id:08x}.valid"
            period = _read_period(path)
            period.setdefault("retired", now)
            _write_period(path, period)
    return _new_pair(origin, folder)


def trusted_keys(origin: str) -> list[TrustedKey]:
    """Every public key the log ever used, with its validity period (the key folder: never the database)."""
    folder = folder_for(origin) / "verifiers"
    if not folder.is_dir():
        return []
    found = []
    for path in sorted(folder.glob("*.vkey")):
        period = _read_period(path.with_suffix(".valid"))
        verifier = note.parse_verifier_key(path.read_text().strip())
        found.append(TrustedKey(verifier, period.get("created"), period.get("retired")))
    return found


def verifiers_for(origin: str) -> list[note.Verifier]:
    return [k.verifier for k in trusted_keys(origin)]


def verifier_keys_text(origin: str) -> list[str]:
    return [k.verifier_key_text for k in trusted_keys(origin)]


def published_key_file(origin: str) -> str:
    """The text an organisation publishes (portal, annual report) for offline verifiers: ``--key FILE``. The log's
    keys are made now if it has signed nothing yet, so that what is published is what will sign."""
    if not trusted_keys(origin):
        signers_for(origin)
    return format_key_file(origin, trusted_keys(origin))


# Entry authentication codes: the tail of a log (entries not yet inside a signed checkpoint) cannot be forged by
# someone who has the database but not the key folder.

_mac_cache: dict[tuple[Any, str, str], tuple[bytes, bytes]] = {}


def _mac_key_id(secret: bytes) -> bytes:
    return hashlib.sha256(b"lawtrace-mac-key-id\n" + secret).digest()[:4]


def active_mac_key(origin: str) -> tuple[bytes, bytes]:
    """(key id, secret) of the log's entry authentication key, created on first use; cached per process."""
    # What key_root() depends on, without building a Path: this runs on every append.
    cache_key = (getattr(settings, "LAWTRACE_KEY_DIR", None), str(settings.VAR_DIR), origin)
    cached = _mac_cache.get(cache_key)
    if cached is not None:
        return cached
    folder = folder_for(origin) / "mac"
    try:
        key_id = bytes.fromhex((folder / "active").read_text().strip())
        secret = bytes.fromhex((folder / f"{key_id.hex()}.key").read_text().strip())
    except FileNotFoundError:
        folder.mkdir(parents=True, exist_ok=True)
        secret = secrets.token_bytes(32)
        key_id = _mac_key_id(secret)
        _write_private(folder / f"{key_id.hex()}.key", secret.hex())
        (folder / "active").write_text(key_id.hex() + "\n")
    _mac_cache[cache_key] = (key_id, secret)
    return key_id, secret


def mac_keys(origin: str) -> dict[bytes, bytes]:
    """Every entry authentication key the log ever used, by key id."""
    folder = folder_for(origin) / "mac"
    if not folder.is_dir():
        return {}
    return {bytes.fromhex(p.stem): bytes.fromhex(p.read_text().strip()) for p in folder.glob("*.key")}


def entry_mac(key_id: bytes, secret: bytes, leaf_hash: bytes) -> bytes:
    """Entry MAC v1: key id (4 bytes) ‖ HMAC-SHA256(key, "lawtrace-entry-mac/v1\\n" ‖ leaf hash).

    The leaf hash covers the entry's bytes, which name the log and the sequence number and hold the previous leaf
    hash, so the code binds the entry to its place in the chain.
    """
    return key_id + hmac.digest(secret, MAC_DOMAIN + leaf_hash, "sha256")


def forget_cached_keys() -> None:
    _mac_cache.clear()


class EntryMacChecker:
    """Checks entry MAC v1 codes for a verifier that checks millions of them with the same few keys.

    HMAC-SHA256 (RFC 2104) is ``H((K ⊕ opad) ‖ H((K ⊕ ipad) ‖ m))`` with K zero-padded to SHA-256's 64-byte block;
    the two padded keys are made once per key, and each code is then two plain SHA-256 calls. That is the same
    function as :func:`entry_mac` (``tests/ledger/test_verify_fast.py`` checks it) at less than half the cost of
    ``hmac.digest``, which sets the key up again for every call, and it can run as C-speed passes over many codes.
    """

    __slots__ = ("pads",)

    def __init__(self, secrets_by_id: dict[bytes, bytes]) -> None:
        # key id → (K ⊕ ipad ‖ MAC_DOMAIN, K ⊕ opad): the bytes each entry's leaf hash and inner hash are appended to
        self.pads: dict[bytes, tuple[bytes, bytes]] = {}
        for key_id, secret in secrets_by_id.items():
            key = (hashlib.sha256(secret).digest() if len(secret) > 64 else secret).ljust(64, b"\0")
            inner = bytes(b ^ 0x36 for b in key) + MAC_DOMAIN
            outer = bytes(b ^ 0x5C for b in key)
            self.pads[key_id] = (inner, outer)

    def check(self, leaf_hash: bytes, mac: bytes) -> bool:
        """True when ``mac`` (key id ‖ code) is the entry MAC v1 of ``leaf_hash`` by one of the keys."""
        pads = self.pads.get(mac[:4])
        if pads is None:
            return False
        inner = hashlib.sha256(pads[0] + leaf_hash).digest()
        return hmac.compare_digest(hashlib.sha256(pads[1] + inner).digest(), mac[4:])
