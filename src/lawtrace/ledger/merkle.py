"""RFC 6962 / RFC 9162 Merkle tree hashing, proofs and their verification.

The ledger's leaves form the Certificate Transparency Merkle tree, so that any
tool that speaks RFC 6962 can check it decades from now::

    leaf hash   = SHA-256(0x00 || entry bytes)
    node hash   = SHA-256(0x01 || left || right)
    empty root  = SHA-256("")

    MTH(D[n]) = NODE(MTH(D[0:k]), MTH(D[k:n]))   k = largest power of 2 < n

Generation (`inclusion_proof`, `consistency_proof`) follows RFC 9162 §2.1.3.1
and §2.1.4.1. It hashes only the sibling subtrees of the path, which together
cover the tree once: O(n) per proof and no cache. A caller producing many
proofs over a large log should keep perfect-subtree hashes (they never change).

Verification follows RFC 9162 §2.1.3.2 and §2.1.4.2 and is strict, because the
proof usually comes from someone we do not trust: every hash must be exactly 32
bytes, a proof with a hash too many or too few fails (the expected count is a
function of index and sizes, and we state it), a consistency proof from the
empty tree is refused (it proves nothing), and equal sizes need an empty proof
and equal roots. Every refusal is a `ProofError` saying what was expected and
what was found. Roots are compared in constant time.

`CompactRange` keeps only the roots of the perfect subtrees of a prefix of the
log (one per set bit of its size), so a verifier can stream any number of
entries in O(log n) memory and read the root at any size on the way.

This module is pure: no Django, no I/O.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Sequence

HASH_SIZE = 32
LEAF_PREFIX = b"\x00"
NODE_PREFIX = b"\x01"
EMPTY_ROOT = hashlib.sha256(b"").digest()

_sha256 = hashlib.sha256


class ProofError(Exception):
    """A Merkle proof, hash or root did not check out."""


def leaf_hash(data: bytes) -> bytes:
    """RFC 6962 hash of a leaf's bytes (the domain prefix keeps a leaf from posing as a node)."""
    return _sha256(LEAF_PREFIX + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """RFC 6962 hash of an interior node from its two children."""
    return _sha256(NODE_PREFIX + left + right).digest()


def root_from_leaf_hashes(leaf_hashes: Sequence[bytes]) -> bytes:
    """Merkle tree hash of a whole list of leaf hashes.

    Hashes level by level, pairing neighbours and carrying an odd last node up
    unchanged; this builds exactly RFC 6962's left-balanced tree. No recursion,
    one pass per level, about n node hashes in all.
    """
    if not leaf_hashes:
        return EMPTY_ROOT
    if set(map(len, leaf_hashes)) != {HASH_SIZE}:  # one C-speed pass; find the culprit only on failure
        i = next(i for i, h in enumerate(leaf_hashes) if len(h) != HASH_SIZE)
        raise ValueError(f"leaf hash {i} is {len(leaf_hashes[i])} bytes, expected {HASH_SIZE}")
    level: Sequence[bytes] = leaf_hashes
    sha, prefix = _sha256, NODE_PREFIX
    while len(level) > 1:
        pairs = iter(level)
        nxt = [sha(prefix + left + right).digest() for left, right in zip(pairs, pairs, strict=False)]
        if len(level) % 2:
            nxt.append(level[-1])
        level = nxt
    return level[0]


class CompactRange:
    """The right border of a growing tree: roots of its perfect subtrees, largest first.

    A tree of size n = 2^a + 2^b + … (a > b > …) is fully summarised by the roots
    of the perfect subtrees of sizes 2^a, 2^b, …; appending a leaf merges equal
    sizes like carrying in binary addition. Memory is O(log n); `root()` costs
    O(log n) hashes at any size, so a streaming verifier can compare against a
    checkpoint as soon as it reaches the checkpoint's size.
    """

    __slots__ = ("_hashes", "_size")

    def __init__(self) -> None:
        self._size = 0
        self._hashes: list[bytes] = []

    @classmethod
    def from_state(cls, size: int, hashes: Sequence[bytes]) -> CompactRange:
        """Resume from a stored (size, hashes) pair, as returned by `size` and `hashes`."""
        if size < 0 or len(hashes) != size.bit_count():
            raise ValueError(f"a tree of size {size} has {max(size, 0).bit_count()} border hashes, got {len(hashes)}")
        if any(len(h) != HASH_SIZE for h in hashes):
            raise ValueError(f"border hashes must be {HASH_SIZE} bytes")
        compact = cls()
        compact._size = size
        compact._hashes = list(hashes)
        return compact

    @property
    def size(self) -> int:
        return self._size

    @property
    def hashes(self) -> tuple[bytes, ...]:
        return tuple(self._hashes)

    def append(self, leaf_hash: bytes) -> None:
        if len(leaf_hash) != HASH_SIZE:
            raise ValueError(f"leaf hash is {len(leaf_hash)} bytes, expected {HASH_SIZE}")
        h, size, hashes = leaf_hash, self._size, self._hashes
        while size & 1:  # each trailing 1 bit is a perfect subtree of our size to merge with
            h = _sha256(NODE_PREFIX + hashes.pop() + h).digest()
            size >>= 1
        hashes.append(h)
        self._size += 1

    def extend(self, leaf_hashes: Sequence[bytes]) -> None:
        """Append many leaves at once; the same border as calling `append` for each, with fewer Python steps.

        The leaves are cut into the largest perfect subtrees that start at an aligned position (the lowest set bit of
        the current size bounds each one), each is hashed level by level in C-speed list passes, and its root is
        merged into the border as `append` merges a single leaf one level higher. A verifier streaming millions of
        entries spends one node hash per leaf either way; this spends almost nothing else.
        """
        if set(map(len, leaf_hashes)) - {HASH_SIZE}:
            i = next(i for i, h in enumerate(leaf_hashes) if len(h) != HASH_SIZE)
            raise ValueError(f"leaf hash {i} is {len(leaf_hashes[i])} bytes, expected {HASH_SIZE}")
        for block, root in _aligned_subtrees(self._size, leaf_hashes):
            self.append_subtree(block, root)

    def append_subtree(self, size: int, root: bytes) -> None:
        """Append a perfect subtree of ``size`` leaves (a power of two) given by its root; the tree's size must be a
        multiple of ``size``, as it is for each subtree of a `SubtreeRange` that starts where this tree ends."""
        if size <= 0 or size & (size - 1) or self._size % size:
            raise ValueError(f"a subtree of {size} leaves cannot follow a tree of {self._size}")
        sha, prefix, hashes = _sha256, NODE_PREFIX, self._hashes
        h, position = root, self._size // size
        while position & 1:  # as `append` merges a leaf, one level higher
            h = sha(prefix + hashes.pop() + h).digest()
            position >>= 1
        hashes.append(h)
        self._size += size

    def root(self) -> bytes:
        if not self._hashes:
            return EMPTY_ROOT
        hashes = self._hashes
        r = hashes[-1]
        for h in reversed(hashes[:-1]):
            r = node_hash(h, r)
        return r


class SubtreeRange:
    """The leaves ``[begin, end)`` of a log as their largest aligned perfect subtrees, in order.

    What a helper process checking the second part of a log hands back: appended with
    `CompactRange.append_subtree` to the border of ``[0, begin)``, the subtrees give the border of ``[0, end)`` —
    the same hashes as appending every leaf, in O(log n) values to pass between processes.
    """

    __slots__ = ("begin", "end", "subtrees")

    def __init__(self, begin: int) -> None:
        self.begin = self.end = begin
        self.subtrees: list[tuple[int, bytes]] = []  # (size, root)

    def extend(self, leaf_hashes: Sequence[bytes]) -> None:
        sha, prefix, subtrees = _sha256, NODE_PREFIX, self.subtrees
        for block, root in _aligned_subtrees(self.end, leaf_hashes):
            self.end += block
            size, h = block, root
            # Two neighbours of one size merge when together they form an aligned subtree inside the range.
            while subtrees and subtrees[-1][0] == size and (self.end - 2 * size) % (2 * size) == 0:
                h = sha(prefix + subtrees.pop()[1] + h).digest()
                size *= 2
            subtrees.append((size, h))


def _aligned_subtrees(position: int, leaf_hashes: Sequence[bytes]) -> list[tuple[int, bytes]]:
    """Cut leaves that follow ``position`` into the largest perfect subtrees that start at an aligned position (the
    lowest set bit of the position bounds each one), each hashed level by level in C-speed list passes."""
    if set(map(len, leaf_hashes)) - {HASH_SIZE}:
        i = next(i for i, h in enumerate(leaf_hashes) if len(h) != HASH_SIZE)
        raise ValueError(f"leaf hash {i} is {len(leaf_hashes[i])} bytes, expected {HASH_SIZE}")
    sha, prefix = _sha256, NODE_PREFIX
    out: list[tuple[int, bytes]] = []
    done, total = 0, len(leaf_hashes)
    while done < total:
        block = 1 << ((total - done).bit_length() - 1)  # the largest power of two that fits in what is left …
        if position:
            block = min(block, position & -position)  # … and keeps the subtree aligned
        level = list(leaf_hashes[done : done + block])
        while len(level) > 1:
            pairs = iter(level)
            level = [sha(prefix + a + b).digest() for a, b in zip(pairs, pairs, strict=True)]
        out.append((block, level[0]))
        position += block
        done += block
    return out


def inclusion_proof(leaf_hashes: Sequence[bytes], index: int, size: int) -> list[bytes]:
    """PATH(index, D[0:size]) of RFC 9162 §2.1.3.1: sibling hashes from the leaf up."""
    if not 0 <= index < size <= len(leaf_hashes):
        raise ValueError(f"need 0 <= index ({index}) < size ({size}) <= leaves ({len(leaf_hashes)})")
    top_down: list[bytes] = []
    lo, hi, m = 0, size, index
    while hi - lo > 1:
        k = _split(hi - lo)
        if m < k:
            top_down.append(root_from_leaf_hashes(leaf_hashes[lo + k : hi]))
            hi = lo + k
        else:
            top_down.append(root_from_leaf_hashes(leaf_hashes[lo : lo + k]))
            lo, m = lo + k, m - k
    return top_down[::-1]


def consistency_proof(leaf_hashes: Sequence[bytes], size1: int, size2: int) -> list[bytes]:
    """PROOF(size1, D[0:size2]) of RFC 9162 §2.1.4.1 (SUBPROOF unrolled into a loop)."""
    if not 0 < size1 <= size2 <= len(leaf_hashes):
        raise ValueError(f"need 0 < size1 ({size1}) <= size2 ({size2}) <= leaves ({len(leaf_hashes)})")
    top_down: list[bytes] = []
    lo, hi, m, whole_old_tree = 0, size2, size1, True
    while hi - lo != m:
        k = _split(hi - lo)
        if m <= k:
            top_down.append(root_from_leaf_hashes(leaf_hashes[lo + k : hi]))
            hi = lo + k
        else:
            top_down.append(root_from_leaf_hashes(leaf_hashes[lo : lo + k]))
            lo, m, whole_old_tree = lo + k, m - k, False
    if not whole_old_tree:  # the verifier knows the old root, but not this inner subtree's
        top_down.append(root_from_leaf_hashes(leaf_hashes[lo:hi]))
    return top_down[::-1]


def root_from_inclusion_proof(leaf_hash: bytes, index: int, size: int, proof: Sequence[bytes]) -> bytes:
    """The root that `proof` implies for `leaf_hash` at `index` (RFC 9162 §2.1.3.2 steps 1–4)."""
    if not 0 <= index < size:
        raise ProofError(f"leaf index {index} is outside a tree of size {size}")
    _check_hash("leaf hash", leaf_hash)
    _check_proof(proof, _inclusion_proof_length(index, size), f"inclusion of leaf {index} in a tree of size {size}")
    fn, sn, r = index, size - 1, leaf_hash
    for p in proof:
        if sn == 0:
            raise ProofError("inclusion proof continues past the root")
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while fn and not fn & 1:  # skip levels where our node has no right sibling
                fn, sn = fn >> 1, sn >> 1
        else:
            r = node_hash(r, p)
        fn, sn = fn >> 1, sn >> 1
    if sn != 0:
        raise ProofError("inclusion proof ends below the root")
    return r


def verify_inclusion(leaf_hash: bytes, index: int, size: int, proof: Sequence[bytes], root: bytes) -> None:
    """Raise `ProofError` unless `proof` shows `leaf_hash` at `index` in the tree of `size` with `root`."""
    _check_hash("root", root)
    calculated = root_from_inclusion_proof(leaf_hash, index, size, proof)
    _check_match(calculated, root)


def root_from_consistency_proof(size1: int, size2: int, proof: Sequence[bytes], root1: bytes) -> bytes:
    """The new root that `proof` implies when extending `root1` (RFC 9162 §2.1.4.2).

    Checks the half of the proof that rebuilds `root1`; the caller compares the
    returned root with the one it was given (as `verify_consistency` does).
    """
    if size2 < size1:
        raise ProofError(f"size2 ({size2}) must not be smaller than size1 ({size1})")
    if size1 <= 0:
        raise ProofError(f"a consistency proof from a tree of size {size1} proves nothing")
    if size1 == size2:
        if proof:
            raise ProofError(f"equal sizes need an empty proof, got {len(proof)} hashes")
        return root1
    _check_hash("root1", root1)
    _check_proof(proof, _consistency_proof_length(size1, size2), f"consistency of {size1} with {size2}")
    path = list(proof)
    if size1 & (size1 - 1) == 0:  # the old tree is a perfect subtree: its root starts the path
        path.insert(0, root1)
    fn, sn = size1 - 1, size2 - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            raise ProofError("consistency proof continues past the root")
        if fn & 1 or fn == sn:
            fr, sr = node_hash(c, fr), node_hash(c, sr)
            while fn and not fn & 1:
                fn, sn = fn >> 1, sn >> 1
        else:
            sr = node_hash(sr, c)
        fn, sn = fn >> 1, sn >> 1
    if sn != 0:
        raise ProofError("consistency proof ends below the root")
    _check_match(fr, root1, what="old root")
    return sr


def verify_consistency(size1: int, size2: int, proof: Sequence[bytes], root1: bytes, root2: bytes) -> None:
    """Raise `ProofError` unless `proof` shows the tree (size2, root2) extends (size1, root1)."""
    if 0 < size1 < size2:
        _check_hash("root2", root2)
    calculated = root_from_consistency_proof(size1, size2, proof, root1)
    _check_match(calculated, root2, what="new root")


def _split(n: int) -> int:
    """The largest power of two smaller than n (n >= 2): where RFC 6962 splits a tree."""
    return 1 << ((n - 1).bit_length() - 1)


def _inclusion_proof_length(index: int, size: int) -> int:
    # Levels below the point where the paths to `index` and to the last leaf
    # part ("inner"), plus one left sibling per 1 bit above it ("border").
    inner = (index ^ (size - 1)).bit_length()
    return inner + (index >> inner).bit_count()


def _consistency_proof_length(size1: int, size2: int) -> int:
    # The inclusion path of leaf size1-1 in size2, minus the levels inside the
    # old tree's last perfect subtree, plus that subtree's root unless it is the
    # whole old tree (which the verifier already holds as root1).
    inner = ((size1 - 1) ^ (size2 - 1)).bit_length()
    border = ((size1 - 1) >> inner).bit_count()
    shift = (size1 & -size1).bit_length() - 1
    return (size1 & (size1 - 1) != 0) + inner - shift + border


def _check_hash(what: str, h: bytes) -> None:
    if len(h) != HASH_SIZE:
        raise ProofError(f"{what} is {len(h)} bytes, expected {HASH_SIZE}")


def _check_proof(proof: Sequence[bytes], expected: int, what: str) -> None:
    if len(proof) != expected:
        raise ProofError(f"proof of {what} needs {expected} hashes, got {len(proof)}")
    for i, p in enumerate(proof):
        _check_hash(f"proof hash {i}", p)


def _check_match(calculated: bytes, expected: bytes, what: str = "root") -> None:
    if not hmac.compare_digest(calculated, expected):
        raise ProofError(f"calculated {what} {calculated.hex()} does not match expected {expected.hex()}")
