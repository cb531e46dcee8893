"""Trust roots: which verifier keys a checker believes, and for how long each key was allowed to sign.

A checkpoint is believed only when it is signed by a key the checker got from *outside* what it checks — the
organisation's published key file (on the public portal, in its annual report), ``--key``, or the log's key folder —
never by a key carried inside a proof bundle, which anyone forging a bundle would simply put there.

Each key has a validity period: ``created`` (when it was made) and, after a rotation, ``retired``. A checkpoint's time
is the log's own cosignature/v1 timestamp (``note.py``); a checkpoint dated after the retirement of the key that signed
it is refused, so a key that leaked after it was rotated out cannot sign new history.

The published key file is plain UTF-8 text, one key a line, ``#`` comments allowed::

    # lawtrace 台账公钥 lawtrace.local/lawtrace/11150000MB0000001X/…
    <C2SP verifier key> created=2026-11-23T08:15:02Z retired=2026-12-01T00:00:00Z
    <C2SP verifier key> created=2026-12-01T00:00:00Z

Pure Python: no Django import, so an offline verifier needs only this module, ``note`` and ``merkle``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from lawtrace.ledger import note


class TrustError(note.NoteError):
    """A checkpoint is not signed by a trusted key, or was signed outside the key's validity period."""


@dataclass(frozen=True)
class TrustedKey:
    verifier: note.Verifier
    created: datetime | None = None
    retired: datetime | None = None

    @property
    def label(self) -> str:
        return f"{self.verifier.name}+{self.verifier.key_id:08x}"

    def to_line(self) -> str:
        text = self.verifier_key_text
        if self.created:
            text += f" created={format_second(self.created)}"
        if self.retired:
            text += f" retired={format_second(self.retired)}"
        return text

    @property
    def verifier_key_text(self) -> str:
        return str(self.verifier.verifier_key)  # type: ignore[attr-defined]


def format_second(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_second(text: str) -> datetime:
    try:
        return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    except ValueError:
        raise note.FormatError(f"时间 {text!r} 不是 RFC 3339 UTC 格式（如 2026-12-01T00:00:00Z）") from None


def format_key_file(origin: str, keys: Iterable[TrustedKey]) -> str:
    lines = [f"# lawtrace 台账公钥 {origin}", "# 每行：C2SP 验证公钥 created=启用时间 retired=停用时间（UTC）"]
    lines += [k.to_line() for k in keys]
    return "\n".join(lines) + "\n"


def parse_key_file(text: str) -> list[TrustedKey]:
    """Every key in a published key file (or a bare verifier key per line); a malformed line is refused."""
    keys = []
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        vkey, *attributes = line.split()
        try:
            verifier = note.parse_verifier_key(vkey)
            period: dict[str, datetime] = {}
            for attribute in attributes:
                name, _, value = attribute.partition("=")
                if name not in ("created", "retired"):
                    raise note.FormatError(f"未知属性 {name!r}")
                period[name] = parse_second(value)
        except note.NoteError as e:
            raise note.FormatError(f"公钥文件第 {number} 行无法解析：{e}") from e
        keys.append(TrustedKey(verifier, period.get("created"), period.get("retired")))
    if not keys:
        raise note.FormatError("公钥文件中没有任何公钥")
    return keys


def open_trusted_checkpoint(signed_note: str, trusted: Sequence[TrustedKey]) -> note.SignedCheckpoint:
    """Open a checkpoint with trusted keys only and check the signing keys' validity periods.

    Raises ``TrustError`` (or another ``NoteError``) with a message fit for the person checking.
    """
    try:
        opened = note.open_checkpoint(signed_note, [k.verifier for k in trusted])
    except note.SignatureError as e:
        raise TrustError(f"检查点不是由受信任的公钥签署的（{e}）") from e
    origin = opened.checkpoint.origin
    by_id = {(k.verifier.name, k.verifier.key_id): k for k in trusted}
    signing = [
        by_id[(sig.name, sig.key_id)]
        for sig in note.parse_note(signed_note).signatures
        if sig.name == origin and (sig.name, sig.key_id) in by_id
    ]
    when = opened.time
    if when is None:
        raise TrustError("检查点没有受信任的时间签名（cosignature/v1），无法判断签名密钥是否在有效期内")
    for key in signing:
        if key.retired is not None and when > key.retired:
            raise TrustError(
                f"检查点签署于 {format_second(when)}，晚于密钥 {key.label} 的停用时间 {format_second(key.retired)}："
                "已停用的密钥不能再签署"
            )
        if key.created is not None and when < key.created:
            raise TrustError(
                f"检查点签署于 {format_second(when)}，早于密钥 {key.label} 的启用时间 {format_second(key.created)}"
            )
    return opened


def hints_match(hints: Iterable[str], trusted: Sequence[TrustedKey]) -> list[str]:
    """The key hints (e.g. a bundle's ``verifier_keys``) that are *not* among the trusted keys."""
    known = {k.verifier_key_text for k in trusted}
    return [h for h in hints if h.strip() not in known]
