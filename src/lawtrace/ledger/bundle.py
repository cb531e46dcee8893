"""Self-contained proof bundle for one ledger entry — checkable offline, decades later, without the database.

A bundle is JSON::

    {"format": "lawtrace-proof-bundle/v1",
     "entry": "<base64 of the entry's exact bytes>",
     "entry_text": "<the same bytes as UTF-8, for people>",
     "tlog_proof": "<C2SP tlog-proof: index, inclusion proof hashes, the signed checkpoint>",
     "verifier_keys": ["<C2SP signed-note verifier key>", …]}

To check one by hand: SHA-256(0x00 ‖ entry) is the leaf hash; with the proof hashes it gives the root (RFC 9162
§2.1.3.2); the checkpoint carries that root and is signed by the log's Ed25519 key. Pure Python: no Django import.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from typing import Any

from lawtrace.ledger import merkle, note

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


def verify_bundle(bundle: dict[str, Any]) -> VerifiedEntry:
    """Check the bundle; raise ``BundleError`` naming what is wrong."""
    if bundle.get("format") != FORMAT:
        raise BundleError(f"不是 {FORMAT} 格式的证明文件")
    try:
        data = base64.b64decode(bundle["entry"], validate=True)
        verifiers = [note.parse_verifier_key(k) for k in bundle["verifier_keys"]]
        proof = note.parse_tlog_proof(bundle["tlog_proof"])
        signed = note.verify_tlog_proof(proof, verifiers, leaf_data=data)
        entry = json.loads(data)
    except (KeyError, ValueError, TypeError) as e:
        raise BundleError(f"证明文件格式错误：{e}") from e
    except note.NoteError as e:
        raise BundleError(f"检查点签名无效：{e}") from e
    except merkle.ProofError as e:
        raise BundleError(f"包含证明不成立：{e}") from e
    if entry.get("seq") != proof.index or entry.get("log") != signed.checkpoint.origin:
        raise BundleError("条目的序号或日志与证明不符")
    if bundle.get("entry_text") not in (None, data.decode("utf-8")):
        raise BundleError("entry_text 与 entry 不一致")
    return VerifiedEntry(entry, signed)
