"""C2SP signed notes, checkpoints and tlog proofs — the ledger's open, offline formats.

All are UTF-8 text whose lines end in U+000A. A checkpoint (c2sp.org/tlog-checkpoint)
is the text of a signed note (c2sp.org/signed-note)::

    lawtrace.example.gov.cn/lawtrace/11150000MB0000000X      origin
    20852163                                                 tree size, decimal
    CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=             RFC 6962 root, base64
                                                             blank line, then signatures
    — <key name> base64(key ID, 4 bytes big-endian || signature)

    key ID        = SHA-256(key name || 0x0A || signature type || public key)[:4]
    verifier key  = <name>+<hex key ID>+base64(signature type || public key)
    signer key    = PRIVATE+KEY+<name>+<hex key ID>+base64(signature type || 32-byte seed)

(the signer key is golang.org/x/mod/sumdb/note's encoding). A tlog proof (c2sp.org/tlog-proof)::

    c2sp.org/tlog-proof@v1
    extra <base64>                    optional, unauthenticated
    index <leaf index>
    <base64 proof hash>               zero or more, leaf's sibling first
                                      blank line
    <the signed checkpoint, verbatim>

Signature types: 0x01 Ed25519 over the note text; 0x04 timestamped Ed25519
cosignature (c2sp.org/tlog-cosignature), 8-byte big-endian POSIX time followed
by an Ed25519 signature over ``cosignature/v1\\ntime <t>\\n`` plus the note text.
Others (SM2 under 0xff plus an identifier) fit the `Signer`/`Verifier` protocols
and the `_SIGNERS`/`_VERIFIERS` tables.

Time. A checkpoint carries its time as a cosignature/v1 signature by the log
itself (a second Ed25519 key under the log's name, type 0x04; signed-note asks
that one key not serve two types), not as an extension line. The spec marks
extension lines NOT RECOMMENDED (monitors cannot audit them; ML-DSA cosignatures
do not cover them), while a cosignature's timestamp has public, fixed meaning —
"as of this time, my largest tree is this one" — and the checkpoint body stays
the three lines every witness expects. Verifiers that do not know the time key
ignore that line, as the spec requires.

Parsing is strict (canonical base64, decimals without leading zeros, exact line
structure); every refusal is a `FormatError` or a `SignatureError`, both `NoteError`.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Protocol

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from lawtrace.ledger import merkle

ED25519 = 0x01
COSIGNATURE_V1 = 0x04
MAX_SIGNATURES = 100  # the spec says accept at least 16; Go's reference accepts 100
TLOG_PROOF_HEADER = "c2sp.org/tlog-proof@v1"
_DECIMAL = re.compile(r"0|[1-9][0-9]*")
_HEX_KEY_ID = re.compile(r"[0-9a-f]{8}")
_UINT64_LIMIT = 1 << 64


class NoteError(Exception):
    """A note, checkpoint, key or proof was refused."""


class FormatError(NoteError, ValueError):
    """The text is not well-formed."""


class SignatureError(NoteError):
    """No signature from a known key verified, or one from a known key did not."""


class Signer(Protocol):
    """Signs note text under a key name and 32-bit key ID (Ed25519 here; SM2 under type 0xff later)."""

    @property
    def name(self) -> str: ...
    @property
    def key_id(self) -> int: ...
    def sign(self, message: bytes) -> bytes: ...


class Verifier(Protocol):
    """Checks one key's signatures; a note's signature line is routed to it by (name, key ID)."""

    @property
    def name(self) -> str: ...
    @property
    def key_id(self) -> int: ...
    def verify(self, message: bytes, signature: bytes) -> bool: ...


def key_id(name: str, key_material: bytes) -> int:
    """The signed-note key ID of a key: `key_material` is the type byte followed by the public key."""
    return int.from_bytes(hashlib.sha256(name.encode() + b"\n" + key_material).digest()[:4], "big")


def _now() -> datetime:
    return datetime.now(UTC)


class _Ed25519Key:
    signature_type = ED25519

    def __init__(self, name: str, public_key: Ed25519PublicKey) -> None:
        _check_name(name)
        self.name = name
        self.public_key = public_key
        self.key_id = key_id(name, self._material())

    def _material(self) -> bytes:
        return bytes([self.signature_type]) + self.public_key.public_bytes_raw()

    @property
    def verifier_key(self) -> str:
        return f"{self.name}+{self.key_id:08x}+{_b64(self._material())}"


class Ed25519Verifier(_Ed25519Key):
    """Checks type 0x01 signatures: plain Ed25519 over the note text."""

    def verify(self, message: bytes, signature: bytes) -> bool:
        try:
            self.public_key.verify(signature, message)
        except InvalidSignature:
            return False
        return True


class CosignatureV1Verifier(Ed25519Verifier):
    """Checks type 0x04 signatures: timestamped Ed25519 cosignatures of a checkpoint."""

    signature_type = COSIGNATURE_V1

    def verify(self, message: bytes, signature: bytes) -> bool:
        if len(signature) != 8 + 64 or signature[0] & 0x80:  # the time must not exceed 2^63 - 1
            return False
        return super().verify(_cosigned_message(self.timestamp(signature), message), signature[8:])

    @staticmethod
    def timestamp(signature: bytes) -> int:
        """The POSIX time inside a cosignature (meaningful only once it has verified)."""
        return int.from_bytes(signature[:8], "big")


class Ed25519Signer(_Ed25519Key):
    verifier_type: type[Ed25519Verifier] = Ed25519Verifier

    def __init__(self, name: str, private_key: Ed25519PrivateKey) -> None:
        super().__init__(name, private_key.public_key())
        self._private_key = private_key

    @property
    def signer_key(self) -> str:
        seed = bytes([self.signature_type]) + self._private_key.private_bytes_raw()
        return f"PRIVATE+KEY+{self.name}+{self.key_id:08x}+{_b64(seed)}"

    @property
    def verifier(self) -> Ed25519Verifier:
        return self.verifier_type(self.name, self.public_key)

    def sign(self, message: bytes) -> bytes:
        return self._private_key.sign(message)


class CosignatureV1Signer(Ed25519Signer):
    """Signs checkpoints with the current time (type 0x04); `clock` is a seam for tests."""

    signature_type = COSIGNATURE_V1
    verifier_type = CosignatureV1Verifier

    def __init__(self, name: str, private_key: Ed25519PrivateKey, clock: Callable[[], datetime] = _now) -> None:
        super().__init__(name, private_key)
        self._clock = clock

    def sign(self, message: bytes) -> bytes:
        Checkpoint.parse(message.decode())  # a cosignature states something about a checkpoint, nothing else
        now = self._clock()
        if now.tzinfo is None:
            raise ValueError("the clock must return an aware datetime")
        t = int(now.timestamp())
        return t.to_bytes(8, "big") + super().sign(_cosigned_message(t, message))


def _cosigned_message(timestamp: int, message: bytes) -> bytes:
    return f"cosignature/v1\ntime {timestamp}\n".encode() + message


def _ed25519_verifier(key_type: type[Ed25519Verifier]) -> Callable[[str, bytes], Verifier]:
    def build(name: str, public_key: bytes) -> Verifier:
        if len(public_key) != 32:
            raise FormatError(f"an Ed25519 public key is 32 bytes, got {len(public_key)}")
        try:
            return key_type(name, Ed25519PublicKey.from_public_bytes(public_key))
        except ValueError as e:  # cryptography's refusal of a key it cannot load
            raise FormatError(f"invalid Ed25519 public key: {e}") from None

    return build


def _ed25519_signer(key_type: type[Ed25519Signer]) -> Callable[[str, bytes], Signer]:
    def build(name: str, seed: bytes) -> Signer:
        if len(seed) != 32:
            raise FormatError(f"an Ed25519 seed is 32 bytes, got {len(seed)}")
        return key_type(name, Ed25519PrivateKey.from_private_bytes(seed))

    return build


# Key types by signature type byte; each builder gets the key name and the bytes after the type byte.
_VERIFIERS: dict[int, Callable[[str, bytes], Verifier]] = {
    ED25519: _ed25519_verifier(Ed25519Verifier),
    COSIGNATURE_V1: _ed25519_verifier(CosignatureV1Verifier),
}
_SIGNERS: dict[int, Callable[[str, bytes], Signer]] = {
    ED25519: _ed25519_signer(Ed25519Signer),
    COSIGNATURE_V1: _ed25519_signer(CosignatureV1Signer),
}


def parse_verifier_key(vkey: str) -> Verifier:
    """A `Verifier` from ``<name>+<hex key ID>+<base64(type || public key)>``."""
    name, hex_id, material = _split_key(vkey.split("+", 2), 3)
    _check_key_id(key_id(name, material), hex_id)
    build = _VERIFIERS.get(material[0])
    if build is None:
        raise FormatError(f"unsupported signature type {material[0]:#04x}")
    return build(name, material[1:])


def parse_signer_key(skey: str) -> Signer:
    """A `Signer` from ``PRIVATE+KEY+<name>+<hex key ID>+<base64(type || seed)>``."""
    parts = skey.split("+", 4)
    if parts[:2] != ["PRIVATE", "KEY"]:
        raise FormatError("a signer key starts with PRIVATE+KEY+")
    name, hex_id, material = _split_key(parts[2:], 3)
    build = _SIGNERS.get(material[0])
    if build is None:
        raise FormatError(f"unsupported signature type {material[0]:#04x}")
    signer = build(name, material[1:])
    _check_key_id(signer.key_id, hex_id)  # the ID hashes the public key, so this also checks the seed
    return signer


def generate_key(name: str, signature_type: int = ED25519) -> tuple[str, str]:
    """A new Ed25519 (signer key, verifier key) pair of type 0x01 or 0x04; keep the first secret."""
    key_type = {ED25519: Ed25519Signer, COSIGNATURE_V1: CosignatureV1Signer}[signature_type]
    signer = key_type(name, Ed25519PrivateKey.generate())
    return signer.signer_key, signer.verifier.verifier_key


def _split_key(parts: list[str], count: int) -> tuple[str, str, bytes]:
    if len(parts) != count:
        raise FormatError("a key has the form <name>+<hex key ID>+<base64 key>")
    name, hex_id, encoded = parts
    _check_name(name)
    if not _HEX_KEY_ID.fullmatch(hex_id):
        raise FormatError(f"key ID {hex_id!r} is not 8 lowercase hex digits")
    material = _unb64(encoded, "key")
    if not material:
        raise FormatError("key material is empty")
    return name, hex_id, material


def _check_key_id(actual: int, hex_id: str) -> None:
    if f"{actual:08x}" != hex_id:
        raise FormatError(f"key ID {hex_id} does not match the key, which has {actual:08x}")


@dataclass(frozen=True)
class NoteSignature:
    """One signature line, as written; whether it verifies is `open_note`'s business."""

    name: str
    key_id: int
    signature: bytes  # without the key ID

    def to_line(self) -> str:
        return f"— {self.name} {_b64(self.key_id.to_bytes(4, 'big') + self.signature)}\n"


@dataclass(frozen=True)
class Note:
    """A parsed, unverified signed note."""

    text: str  # ends in a newline; excludes the blank line
    signatures: tuple[NoteSignature, ...]


def parse_note(note_text: str | bytes) -> Note:
    """Split a signed note into its text and signatures; nothing is verified here."""
    message = _decode(note_text)
    split = message.rfind("\n\n")  # the spec: the text ends at the last blank line
    if split < 0:
        raise FormatError("a signed note needs a blank line before its signatures")
    text, block = message[: split + 1], message[split + 2 :]
    if not block.endswith("\n"):
        raise FormatError("a signed note ends with signature lines, each ending in a newline")
    lines = block[:-1].split("\n")
    if len(lines) > MAX_SIGNATURES:
        raise FormatError(f"{len(lines)} signatures, at most {MAX_SIGNATURES} accepted")
    return Note(text, tuple(_parse_signature_line(line) for line in lines))


def _parse_signature_line(line: str) -> NoteSignature:
    name, space, encoded = line.removeprefix("— ").partition(" ")
    if not line.startswith("— ") or not space:
        raise FormatError(f"not a signature line: {line[:80]!r}")
    _check_name(name)
    raw = _unb64(encoded, "signature")
    if len(raw) < 5:
        raise FormatError(f"signature by {name} is too short")
    return NoteSignature(name, int.from_bytes(raw[:4], "big"), raw[4:])


def sign_note(text: str, signers: Sequence[Signer]) -> str:
    """The signed note: `text` (ending in a newline), a blank line, one signature line per signer."""
    if not text.endswith("\n"):
        raise FormatError("note text must end in a newline")
    if not signers:
        raise ValueError("a signed note needs at least one signer")
    for s in signers:
        _check_name(s.name)
    message = _decode(text).encode()
    lines = [NoteSignature(s.name, s.key_id, s.sign(message)).to_line() for s in signers]
    return text + "\n" + "".join(lines)


def open_note(note_text: str | bytes, verifiers: Iterable[Verifier]) -> tuple[str, list[str]]:
    """The note's text and the key names of its verified signatures.

    Signatures from unknown keys (name and ID not both known) are ignored, as the
    spec requires — that is how keys rotate and witnesses add cosignatures. Every
    signature from a known key must verify, and at least one must be present.
    """
    note = parse_note(note_text)
    return note.text, [sig.name for sig, _ in _verified(note, verifiers)]


def _verified(note: Note, verifiers: Iterable[Verifier]) -> list[tuple[NoteSignature, Verifier]]:
    known: dict[tuple[str, int], Verifier] = {}
    for v in verifiers:
        if (v.name, v.key_id) in known:
            raise ValueError(f"two verifiers for key {v.name}+{v.key_id:08x}")
        known[v.name, v.key_id] = v
    message, verified, seen = note.text.encode(), [], set()
    for sig in note.signatures:
        verifier = known.get((sig.name, sig.key_id))
        if verifier is None:
            continue  # someone else's key: ignored, not an error
        if not verifier.verify(message, sig.signature):  # every signature by a known key is checked, repeats too
            raise SignatureError(f"signature by known key {sig.name}+{sig.key_id:08x} does not verify")
        if (sig.name, sig.key_id) not in seen:
            seen.add((sig.name, sig.key_id))
            verified.append((sig, verifier))
    if not verified:
        names = ", ".join(f"{n}+{k:08x}" for n, k in known) or "none"
        raise SignatureError(f"no signature from a known key (known: {names})")
    return verified


@dataclass(frozen=True)
class Checkpoint:
    """A tree head: the log's origin, its size and its RFC 6962 root, plus opaque extension lines."""

    origin: str
    size: int
    root_hash: bytes
    extensions: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        for line in (self.origin, *self.extensions):
            if not line or any(c < " " for c in line):
                raise FormatError(f"checkpoint line {line!r} must be non-empty, without control characters")
        if not 0 <= self.size < _UINT64_LIMIT:
            raise FormatError(f"tree size {self.size} is not a 64-bit unsigned integer")
        if len(self.root_hash) != merkle.HASH_SIZE:
            raise FormatError(f"root hash is {len(self.root_hash)} bytes, expected {merkle.HASH_SIZE}")

    def to_text(self) -> str:
        lines = (self.origin, str(self.size), _b64(self.root_hash), *self.extensions)
        return "".join(line + "\n" for line in lines)

    @classmethod
    def parse(cls, text: str) -> Checkpoint:
        if not text.endswith("\n"):
            raise FormatError("checkpoint text must end in a newline")
        lines = text[:-1].split("\n")
        if len(lines) < 3:
            raise FormatError(f"checkpoint has {len(lines)} lines, at least 3 expected")
        origin, size, root, *extensions = lines
        return cls(origin, _parse_decimal(size, "tree size"), _unb64(root, "root hash"), tuple(extensions))


@dataclass(frozen=True)
class SignedCheckpoint:
    """A checkpoint whose log signature verified, with the verified cosignature times by key name."""

    checkpoint: Checkpoint
    signed_by: tuple[str, ...]
    cosigned_at: dict[str, datetime] = field(default_factory=dict)

    @property
    def time(self) -> datetime | None:
        """When the log itself said this was its tree (its own cosignature/v1), if that key was given."""
        return self.cosigned_at.get(self.checkpoint.origin)


def open_checkpoint(note_text: str | bytes, verifiers: Iterable[Verifier]) -> SignedCheckpoint:
    """Open a signed checkpoint; a verified signature by a key named as the origin (the log's) is required."""
    note = parse_note(note_text)
    checkpoint = Checkpoint.parse(note.text)
    verified = _verified(note, verifiers)
    names = tuple(sig.name for sig, _ in verified)
    if checkpoint.origin not in names:
        raise SignatureError(f"no verified signature by the log {checkpoint.origin}; verified: {', '.join(names)}")
    times = {
        sig.name: datetime.fromtimestamp(CosignatureV1Verifier.timestamp(sig.signature), UTC)
        for sig, v in verified
        if isinstance(v, CosignatureV1Verifier)
    }
    return SignedCheckpoint(checkpoint, names, times)


@dataclass(frozen=True)
class TlogProof:
    """A parsed tlog proof: well-formed, not yet verified (see `verify_tlog_proof`)."""

    index: int
    proof: tuple[bytes, ...]
    checkpoint_note: str  # the signed checkpoint, verbatim
    extra_data: bytes | None = None

    def to_text(self) -> str:
        return format_tlog_proof(self.index, self.proof, self.checkpoint_note, self.extra_data)


def format_tlog_proof(
    index: int, proof_hashes: Sequence[bytes], signed_checkpoint_text: str, extra_data: bytes | None = None
) -> str:
    """The c2sp.org/tlog-proof@v1 text; `extra_data` is carried along unauthenticated."""
    if not 0 <= index < _UINT64_LIMIT:
        raise FormatError(f"index {index} is not a 64-bit unsigned integer")
    if any(len(h) != merkle.HASH_SIZE for h in proof_hashes):
        raise FormatError(f"proof hashes must be {merkle.HASH_SIZE} bytes")
    if extra_data is not None and not extra_data:
        raise FormatError("extra data, when present, must not be empty")
    Checkpoint.parse(parse_note(signed_checkpoint_text).text)
    lines = [TLOG_PROOF_HEADER]
    if extra_data is not None:
        lines.append(f"extra {_b64(extra_data)}")
    lines += [f"index {index}", *(_b64(h) for h in proof_hashes), ""]
    return "\n".join(lines) + "\n" + signed_checkpoint_text


def parse_tlog_proof(text: str | bytes) -> TlogProof:
    """Parse a tlog proof strictly; its checkpoint must be a well-formed signed checkpoint."""
    head, blank, checkpoint_note = _decode(text).partition("\n\n")  # proof lines are never empty
    lines = head.split("\n")
    if not blank or lines[0] != TLOG_PROOF_HEADER:
        raise FormatError(f"a tlog proof starts with {TLOG_PROOF_HEADER} and has a blank line before its checkpoint")
    extra = None
    if len(lines) > 1 and lines[1].startswith("extra "):
        extra = _unb64(lines.pop(1).removeprefix("extra "), "extra data")
        if not extra:
            raise FormatError("extra data, when present, must not be empty")
    if len(lines) < 2 or not lines[1].startswith("index "):
        raise FormatError("a tlog proof needs an index line after its header")
    index = _parse_decimal(lines[1].removeprefix("index "), "index")
    hashes = tuple(_unb64(line, "proof hash") for line in lines[2:])
    if any(len(h) != merkle.HASH_SIZE for h in hashes):
        raise FormatError(f"proof hashes must be {merkle.HASH_SIZE} bytes")
    Checkpoint.parse(parse_note(checkpoint_note).text)
    return TlogProof(index, hashes, checkpoint_note, extra)


def verify_tlog_proof(
    proof: TlogProof,
    verifiers: Iterable[Verifier],
    *,
    leaf_data: bytes | None = None,
    leaf_hash: bytes | None = None,
) -> SignedCheckpoint:
    """Check a tlog proof for an entry given by its bytes or its leaf hash (exactly one).

    Raises `NoteError` if the checkpoint is not signed by the log (a key named as
    its origin) and `merkle.ProofError` if the entry is not in the signed tree.
    """
    if leaf_hash is None and leaf_data is not None:
        leaf_hash = merkle.leaf_hash(leaf_data)
    elif leaf_hash is None or leaf_data is not None:
        raise ValueError("give exactly one of leaf_data and leaf_hash")
    signed = open_checkpoint(proof.checkpoint_note, verifiers)
    cp = signed.checkpoint
    merkle.verify_inclusion(leaf_hash, proof.index, cp.size, proof.proof, cp.root_hash)
    return signed


def _check_name(name: str) -> None:
    if not name or "+" in name or any(c.isspace() or c < " " for c in name):
        raise FormatError(f"key name {name!r} must be non-empty, without spaces or '+'")


def _decode(text: str | bytes) -> str:
    """Text as str after the signed-note rules: valid UTF-8, no control characters but newline."""
    try:
        decoded = text.decode() if isinstance(text, bytes) else text
        decoded.encode()  # a str may hold lone surrogates, which are not UTF-8
    except UnicodeError as e:
        raise FormatError(f"not valid UTF-8: {e}") from None
    if any(c < " " and c != "\n" for c in decoded):
        raise FormatError("control characters other than newline are not allowed")
    return decoded


def _parse_decimal(value: str, what: str) -> int:
    if len(value) > 20 or not _DECIMAL.fullmatch(value) or int(value) >= _UINT64_LIMIT:
        raise FormatError(f"{what} {value[:30]!r} is not a decimal without leading zeros below 2^64")
    return int(value)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(value: str, what: str) -> bytes:
    """Standard base64 with padding, canonical only: one text per byte string."""
    try:
        data = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise FormatError(f"{what} is not valid base64") from None
    if _b64(data) != value:
        raise FormatError(f"{what} is not canonical base64")
    return data
