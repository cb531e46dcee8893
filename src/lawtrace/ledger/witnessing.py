"""The log's side of witnessing: send a checkpoint with its consistency proof to the parent's witness, keep the
cosignature with the checkpoint, and publish the latest cosigned checkpoint.

Where each organisation's witness is: ``settings.LAWTRACE_WITNESSES``, by the *parent* organisation's code, a pair
(URL of the witness process, its C2SP verifier key) — the higher bureau witnesses its children's logs. ``periodic``
sends every new checkpoint of those logs; ``lawtrace ledger witness URL --witness-key KEY`` sends one log's by hand.
"""

from __future__ import annotations

import urllib.error
import urllib.request
from datetime import UTC, datetime

from django.conf import settings

from lawtrace.ledger import merkle, note
from lawtrace.ledger.models import Checkpoint, Cosignature, Log
from lawtrace.ledger.services import LedgerError, leaf_hashes
from lawtrace.ledger.witness import SIZE_CONTENT_TYPE, format_request


class WitnessRefused(LedgerError):
    pass


def _post(url: str, body: bytes) -> tuple[int, str, str]:
    if not url.startswith(("http://", "https://")):
        raise WitnessRefused(f"见证方地址须以 http:// 或 https:// 开头：{url}")
    request = urllib.request.Request(  # noqa: S310 — scheme checked above
        url.rstrip("/") + "/add-checkpoint", data=body, method="POST", headers={"Content-Type": "text/plain"}
    )
    try:
        with urllib.request.urlopen(request, timeout=15) as response:  # noqa: S310 — a configured witness URL
            return response.status, response.headers.get("Content-Type", ""), response.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.headers.get("Content-Type", ""), e.read().decode("utf-8", "replace")
    except OSError as e:
        raise WitnessRefused(f"无法连接见证方 {url}：{e}") from e


def witnessed_size(log: Log, witness_name: str) -> int:
    """The largest size this witness has cosigned for the log (what it should say it saw)."""
    cosignature = (
        Cosignature.objects.filter(checkpoint__log=log, witness=witness_name).order_by("-checkpoint__size").first()
    )
    return cosignature.checkpoint.size if cosignature else 0


def submit(checkpoint: Checkpoint, url: str, witness_key: str) -> Cosignature:
    """Have the witness cosign ``checkpoint``; verify and keep its cosignature. Raises ``WitnessRefused``."""
    verifier = note.parse_verifier_key(witness_key)
    log = checkpoint.log
    old = witnessed_size(log, verifier.name)
    for _attempt in range(2):
        if old > checkpoint.size:
            raise WitnessRefused(f"见证方已见过 {old} 条，大于本检查点的 {checkpoint.size} 条")
        proof = (
            merkle.consistency_proof(leaf_hashes(log, checkpoint.size), old, checkpoint.size)
            if 0 < old < checkpoint.size
            else []
        )
        status, content_type, body = _post(url, format_request(old, proof, checkpoint.note))
        if status == 409 and content_type.startswith(SIZE_CONTENT_TYPE):
            old = int(body.strip())  # the witness saw another size (a lost answer): prove from there
            continue
        break
    if status != 200:
        raise WitnessRefused(
            f"见证方拒绝了 {log.origin} 的 {checkpoint.size} 条检查点（HTTP {status}）：{body.strip()}"
        )
    cosigned = checkpoint.note + body
    try:
        note.open_note(cosigned, [verifier])
    except note.NoteError as e:
        raise WitnessRefused(f"见证方的签名无法验证：{e}") from e
    signature = next(s for s in note.parse_note(cosigned).signatures if s.name == verifier.name)
    line = signature.to_line()
    when = datetime.fromtimestamp(note.CosignatureV1Verifier.timestamp(signature.signature), UTC)
    cosignature, _ = Cosignature.objects.get_or_create(
        checkpoint=checkpoint,
        witness=verifier.name,
        key_id=f"{verifier.key_id:08x}",
        defaults={"time": when, "line": line},
    )
    return cosignature


def witness_for(log: Log) -> tuple[str, str] | None:
    parent = log.organisation.parent
    if parent is None:
        return None
    witnesses: dict[str, tuple[str, str]] = getattr(settings, "LAWTRACE_WITNESSES", {}) or {}
    return witnesses.get(parent.code)


def submit_all(refused: list[str] | None = None) -> list[Cosignature]:
    """Send each witnessed log's latest checkpoint that its witness has not cosigned yet (``periodic``)."""
    made = []
    for log in Log.objects.select_related("organisation__parent"):
        if (witness := witness_for(log)) is None:
            continue
        latest = log.checkpoints.order_by("-size").first()
        if latest is None or latest.cosignatures.exists():
            continue
        try:
            made.append(submit(latest, *witness))
        except (WitnessRefused, note.NoteError) as e:
            if refused is None:
                raise
            refused.append(str(e))
    return made


def published_checkpoint(log: Log) -> str | None:
    """The log's latest cosigned checkpoint (else its latest checkpoint) as a C2SP signed note with every
    cosignature line: what the public portal serves and ``ledger monitor`` reads."""
    cosigned = log.checkpoints.filter(cosignatures__isnull=False).order_by("-size").first()
    checkpoint = cosigned or log.checkpoints.order_by("-size").first()
    if checkpoint is None:
        return None
    return checkpoint.note + "".join(c.line for c in checkpoint.cosignatures.order_by("witness"))
