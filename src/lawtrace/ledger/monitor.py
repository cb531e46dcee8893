"""``lawtrace ledger monitor URL``: anyone outside can watch an organisation's published checkpoints.

It fetches the latest (cosigned) checkpoint the public portal publishes, checks it with the organisation's published
key file, and compares it with what it saw last time, kept in its own state file: a smaller tree, another root for
the same size, or a larger tree the portal cannot prove consistent (RFC 6962, ``consistency.txt``) is reported as an
inconsistency — the public becomes a witness too. Every checkpoint seen is appended to ``<state>.log``.
"""

from __future__ import annotations

import hashlib
import urllib.request
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from lawtrace.ledger import merkle, note, trust


class MonitorError(RuntimeError):
    pass


def fetch_text(source: str) -> str:
    if source.startswith(("http://", "https://")):
        try:
            with urllib.request.urlopen(source, timeout=15) as response:  # noqa: S310 — the URL the user gave
                return str(response.read().decode("utf-8"))
        except OSError as e:
            raise MonitorError(f"无法读取 {source}：{e}") from e
    return Path(source).read_text(encoding="utf-8")


def default_state(url: str) -> Path:
    from django.conf import settings

    return Path(settings.VAR_DIR) / "monitor" / f"{hashlib.sha256(url.encode()).hexdigest()[:24]}.txt"


def watch(url: str, key_source: str, state: str | Path | None = None, fetch: Callable[[str], str] | None = None) -> str:
    """Check the published checkpoint against the last one seen; return what was found, raise ``MonitorError``."""
    _fetch = fetch or fetch_text
    state_path = Path(state) if state else default_state(url)
    keys = trust.parse_key_file(_fetch(key_source))
    signed = _fetch(url)
    try:
        current = trust.open_trusted_checkpoint(signed, keys).checkpoint
    except note.NoteError as e:
        raise MonitorError(f"公布的检查点不是由该组织的公钥签署的：{e}") from e
    witnesses = sorted({s.name for s in note.parse_note(signed).signatures} - {current.origin})
    previous = None
    if state_path.exists():
        previous = note.Checkpoint.parse(note.parse_note(state_path.read_text(encoding="utf-8")).text)
    if previous is not None:
        _compare(url, previous, current, _fetch)
    state_path.parent.mkdir(parents=True, exist_ok=True)
    state_path.write_text(signed, encoding="utf-8")
    with state_path.with_suffix(".log").open("a", encoding="utf-8") as history:
        history.write(f"{datetime.now(UTC):%Y-%m-%dT%H:%M:%SZ} {current.size} {current.root_hash.hex()}\n")
    seen = f"（联署：{'、'.join(witnesses)}）" if witnesses else "（尚无见证方联署）"
    if previous is None:
        return f"首次记录：{current.origin} {current.size} 条{seen}"
    return f"一致：{current.origin} 从 {previous.size} 条到 {current.size} 条{seen}"


def _compare(url: str, previous: note.Checkpoint, current: note.Checkpoint, _fetch: Callable[[str], str]) -> None:
    if previous.origin != current.origin:
        raise MonitorError(f"公布的是另一日志：此前为 {previous.origin}，现在为 {current.origin}")
    if current.size < previous.size:
        raise MonitorError(f"{current.origin} 回退：此前已见 {previous.size} 条，现在只公布 {current.size} 条")
    if current.size == previous.size:
        if current.root_hash != previous.root_hash:
            raise MonitorError(
                f"{current.origin} 分叉：同为 {current.size} 条，此前根哈希 {previous.root_hash.hex()}，"
                f"现在 {current.root_hash.hex()}"
            )
        return
    proof_url = f"{url.rsplit('/', 1)[0]}/consistency.txt?old={previous.size}&new={current.size}"
    try:
        proof = [note._unb64(line, "proof hash") for line in _fetch(proof_url).split()]
        merkle.verify_consistency(previous.size, current.size, proof, previous.root_hash, current.root_hash)
    except (note.NoteError, merkle.ProofError) as e:
        raise MonitorError(
            f"{current.origin} 的 {current.size} 条与此前所见的 {previous.size} 条不一致（历史被改写）：{e}"
        ) from e
