"""Self-contained proof bundle for one ledger entry — checkable offline, decades later, without the database.

A bundle is JSON::

    {"format": "lawtrace-proof-bundle/v1",
     "entry": "<base64 of the entry's exact bytes>",
     "entry_text": "<the same bytes as UTF-8, for people>",
     "tlog_proof": "<C2SP tlog-proof: index, inclusion proof hashes, the signed checkpoint>",
     "verifier_keys": ["<C2SP signed-note verifier key>", …]}

The keys inside a bundle are hints only — which of the organisation's published keys to expect. Trust comes from
outside: ``verify_bundle`` takes the trusted keys (the organisation's published key file, ``trust.py``) as an argument
and refuses a bundle whose checkpoint none of them signed, however well its own keys match its own signatures.

To check one by hand: SHA-256(0x00 ‖ entry) is the leaf hash; with the proof hashes it gives the root (RFC 9162
§2.1.3.2); the checkpoint carries that root and is signed by the log's Ed25519 key. Pure Python: no Django import.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from lawtrace.ledger import merkle, note, trust

FORMAT = "lawtrace-proof-bundle/v1"


class BundleError(ValueError):
    pass


@dataclass(frozen=True)
class VerifiedEntry:
    entry: dict[str, Any]
    checkpoint: note.SignedCheckpoint


def make_bundle(entry_bytes: bytes, tlog_proof: str, verifier_keys: list[str]) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "entry": base64.b64encode(entry_bytes).decode(),
        "entry_text": entry_bytes.decode("utf-8"),
        "tlog_proof": tlog_proof,
        "verifier_keys": verifier_keys,
    }


def verify_bundle(
    bundle: dict[str, Any], trusted: list[trust.TrustedKey], witnesses: Sequence[note.Verifier] = ()
) -> VerifiedEntry:
    """Check the bundle against keys trusted from outside it; raise ``BundleError`` naming what is wrong.

    With ``witnesses`` (their cosignature keys, also from outside), the checkpoint must carry a valid cosignature by
    one of them: a log forked by whoever holds its key can sign two histories, but the witness signs only one — two
    proofs from a split view cannot both pass this way."""
    if bundle.get("format") != FORMAT:
        raise BundleError(f"不是 {FORMAT} 格式的证明文件")
    if not trusted:
        raise BundleError("没有受信任的公钥：请用 --key 指定该组织公布的公钥文件")
    try:
        data = base64.b64decode(bundle["entry"], validate=True)
        hints = [str(k) for k in bundle.get("verifier_keys") or []]
        proof = note.parse_tlog_proof(bundle["tlog_proof"])
        signed = trust.open_trusted_checkpoint(proof.checkpoint_note, trusted)
        cp = signed.checkpoint
        merkle.verify_inclusion(merkle.leaf_hash(data), proof.index, cp.size, proof.proof, cp.root_hash)
        entry = json.loads(data)
    except (KeyError, ValueError, TypeError) as e:
        raise BundleError(f"证明文件格式错误：{e}") from e
    except trust.TrustError as e:
        unknown = trust.hints_match(hints, trusted)
        if hints and len(unknown) == len(hints):
            raise BundleError(
                f"证明文件自带的公钥都不是该组织公布的公钥，检查点也不是由受信任的公钥签署的：这是伪造的证明（{e}）"
            ) from e
        raise BundleError(str(e)) from e
    except note.NoteError as e:
        raise BundleError(f"检查点签名无效：{e}") from e
    except merkle.ProofError as e:
        raise BundleError(f"包含证明不成立：{e}") from e
    if witnesses:
        signed = _witnessed(proof.checkpoint_note, trusted, witnesses)
    if entry.get("seq") != proof.index or entry.get("log") != signed.checkpoint.origin:
        raise BundleError("条目的序号或日志与证明不符")
    if bundle.get("entry_text") not in (None, data.decode("utf-8")):
        raise BundleError("entry_text 与 entry 不一致")
    return VerifiedEntry(entry, signed)


def _witnessed(
    checkpoint_note: str, trusted: list[trust.TrustedKey], witnesses: Sequence[note.Verifier]
) -> note.SignedCheckpoint:
    opened = note.open_checkpoint(checkpoint_note, [*(k.verifier for k in trusted), *witnesses])
    if not any(w.name in opened.cosigned_at for w in witnesses):
        names = "、".join(w.name for w in witnesses)
        raise BundleError(
            f"检查点没有受信任见证方（{names}）的有效联署：不能排除日志被分叉（同一规模两种历史）的可能。"
            "请取得见证方联署后的证明"
        )
    return opened
