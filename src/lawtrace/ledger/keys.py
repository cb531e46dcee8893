"""Signing keys of the logs, kept in files outside the database.

Layout under ``$LAWTRACE_KEY_DIR`` (default ``$LAWTRACE_VAR_DIR/keys``), one folder per log::

    <org code>/active.key          PRIVATE+KEY+<origin>+… Ed25519 log key        (0600)
    <org code>/active-time.key     PRIVATE+KEY+<origin>+… cosignature/v1 key      (0600, the checkpoint's time)
    <org code>/verifiers/<id>.vkey public verifier keys, every one ever used, kept forever

Rotation writes new private keys and keeps the old *public* keys, so checkpoints signed before the rotation still
verify. Whoever controls the database alone cannot forge a checkpoint: ``verify`` trusts only these files.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from lawtrace.ledger import note


@dataclass(frozen=True)
class LogKeys:
    signer: note.Signer
    time_signer: note.Signer


def key_root() -> Path:
    configured = getattr(settings, "LAWTRACE_KEY_DIR", None)
    return Path(configured) if configured else Path(settings.VAR_DIR) / "keys"


def _folder(org_code: str) -> Path:
    return key_root() / org_code


def _write_private(path: Path, text: str) -> None:
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(text + "\n")
    tmp.replace(path)


def _new_pair(origin: str, folder: Path) -> LogKeys:
    (folder / "verifiers").mkdir(parents=True, exist_ok=True)
    keys = []
    for kind, filename in ((note.ED25519, "active.key"), (note.COSIGNATURE_V1, "active-time.key")):
        signer_key, verifier_key = note.generate_key(origin, kind)
        signer = note.parse_signer_key(signer_key)
        (folder / "verifiers" / f"{signer.key_id:08x}.vkey").write_text(verifier_key + "\n")
        _write_private(folder / filename, signer_key)
        keys.append(signer)
    return LogKeys(keys[0], keys[1])


def signers_for(origin: str, org_code: str) -> LogKeys:
    """The log's active keys, created on first use."""
    folder = _folder(org_code)
    try:
        signer = note.parse_signer_key((folder / "active.key").read_text().strip())
        time_signer = note.parse_signer_key((folder / "active-time.key").read_text().strip())
    except FileNotFoundError:
        return _new_pair(origin, folder)
    if signer.name != origin:
        raise note.FormatError(f"key file in {folder} is for {signer.name}, not {origin}")
    return LogKeys(signer, time_signer)


def rotate(origin: str, org_code: str) -> LogKeys:
    """New active keys; the old public keys stay in ``verifiers/``."""
    return _new_pair(origin, _folder(org_code))


def verifiers_for(org_code: str) -> list[note.Verifier]:
    folder = _folder(org_code) / "verifiers"
    if not folder.is_dir():
        return []
    return [note.parse_verifier_key(p.read_text().strip()) for p in sorted(folder.glob("*.vkey"))]


def verifier_keys_text(org_code: str) -> list[str]:
    folder = _folder(org_code) / "verifiers"
    return [p.read_text().strip() for p in sorted(folder.glob("*.vkey"))] if folder.is_dir() else []
