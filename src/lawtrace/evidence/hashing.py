"""SHA-256 and SM3 of a file in one sequential pass, in constant memory.

A hash state cannot be carried across requests or app servers, so the whole-file digests are computed once, when an
upload completes, by reading the assembled file from start to end in blocks (DESIGN § Decisions, Evidence upload).
SM3 comes from OpenSSL through ``hashlib.new("sm3")`` (hundreds of MiB/s); a pure-Python SM3 would be unusably slow.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import BinaryIO

BLOCK = 1024 * 1024


@dataclass(frozen=True)
class Digests:
    sha256: str
    sm3: str
    size: int


def sm3_available() -> bool:
    try:
        hashlib.new("sm3")
    except ValueError:
        return False
    return True


def digest_blocks(blocks: Iterable[bytes]) -> Digests:
    sha, size = hashlib.sha256(), 0
    sm3 = hashlib.new("sm3") if sm3_available() else None
    for block in blocks:
        sha.update(block)
        if sm3 is not None:
            sm3.update(block)
        size += len(block)
    return Digests(sha.hexdigest(), sm3.hexdigest() if sm3 else "", size)


def read_blocks(f: BinaryIO, limit: int | None = None) -> Iterable[bytes]:
    """Blocks of at most 1 MiB, up to ``limit`` bytes (all when None)."""
    remaining = limit
    while remaining is None or remaining > 0:
        block = f.read(BLOCK if remaining is None else min(BLOCK, remaining))
        if not block:
            return
        if remaining is not None:
            remaining -= len(block)
        yield block


def digest_file(f: BinaryIO) -> Digests:
    return digest_blocks(read_blocks(f))


def is_sha256_hex(value: str) -> bool:
    return len(value) == 64 and all(c in "0123456789abcdef" for c in value)
