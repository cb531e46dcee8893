"""The Merkle core against the RFC 6962 vectors and against itself (hypothesis)."""

from __future__ import annotations

import base64
import hashlib
import json
import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lawtrace.ledger.merkle import (
    EMPTY_ROOT,
    CompactRange,
    ProofError,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    node_hash,
    root_from_consistency_proof,
    root_from_inclusion_proof,
    root_from_leaf_hashes,
    verify_consistency,
    verify_inclusion,
)

VECTORS = Path(
    # A copy of transparency-dev/merkle's testdata (Apache-2.0; see vectors/rfc6962/README.md).
    os.environ.get("LAWTRACE_VECTORS") or Path(__file__).resolve().parent / "vectors" / "rfc6962"
)
EXPECTED_VECTOR_COUNT = 196  # transparency-dev/merkle testdata/{inclusion,consistency}

# RFC 6962's classic test tree, and its roots at every size (transparency-dev/merkle testonly/constants.go).
RFC6962_LEAVES = [
    bytes.fromhex(h)
    for h in ("", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f")
]
RFC6962_ROOTS = [
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]


def _load(kind: str) -> list[Any]:
    files = sorted((VECTORS / kind).rglob("*.json"))
    return [pytest.param(json.loads(f.read_text()), id=str(f.relative_to(VECTORS))) for f in files]


INCLUSION_VECTORS = _load("inclusion")
CONSISTENCY_VECTORS = _load("consistency")


def _b64(value: str) -> bytes:
    return base64.b64decode(value)


def _proof(vector: dict[str, Any]) -> list[bytes]:
    return [_b64(p) for p in vector["proof"] or []]  # "proof": null is the empty proof


def test_all_rfc6962_vectors_are_found() -> None:
    assert len(INCLUSION_VECTORS) + len(CONSISTENCY_VECTORS) == EXPECTED_VECTOR_COUNT, VECTORS


@pytest.mark.parametrize("vector", INCLUSION_VECTORS)
def test_inclusion_vector(vector: dict[str, Any]) -> None:
    args = (_b64(vector["leafHash"]), vector["leafIdx"], vector["treeSize"], _proof(vector), _b64(vector["root"]))
    if vector["wantErr"]:
        with pytest.raises(ProofError):
            verify_inclusion(*args)
    else:
        verify_inclusion(*args)


@pytest.mark.parametrize("vector", CONSISTENCY_VECTORS)
def test_consistency_vector(vector: dict[str, Any]) -> None:
    args = (vector["size1"], vector["size2"], _proof(vector), _b64(vector["root1"]), _b64(vector["root2"]))
    if vector["wantErr"]:
        with pytest.raises(ProofError):
            verify_consistency(*args)
    else:
        verify_consistency(*args)


def test_rfc6962_classic_tree_roots_at_every_size() -> None:
    hashes = [leaf_hash(d) for d in RFC6962_LEAVES]
    compact = CompactRange()
    assert compact.root() == EMPTY_ROOT == hashlib.sha256(b"").digest()
    for size, expected in enumerate(RFC6962_ROOTS):
        assert root_from_leaf_hashes(hashes[:size]).hex() == expected
        assert compact.size == size and compact.root().hex() == expected
        if size < len(hashes):
            compact.append(hashes[size])


def test_leaf_and_node_hashes_use_the_domain_prefixes() -> None:
    assert leaf_hash(b"x") == hashlib.sha256(b"\x00x").digest()
    assert node_hash(b"l", b"r") == hashlib.sha256(b"\x01lr").digest()


def test_compact_range_resumes_from_stored_state() -> None:
    hashes = [leaf_hash(d) for d in RFC6962_LEAVES]
    first = CompactRange()
    for h in hashes[:7]:
        first.append(h)
    assert len(first.hashes) == 3  # 7 = 4 + 2 + 1
    resumed = CompactRange.from_state(first.size, first.hashes)
    resumed.append(hashes[7])
    assert resumed.root().hex() == RFC6962_ROOTS[8]
    with pytest.raises(ValueError, match="border hashes"):
        CompactRange.from_state(7, first.hashes[:2])


def test_proof_generation_refuses_sizes_outside_the_leaves() -> None:
    hashes = [leaf_hash(d) for d in RFC6962_LEAVES]
    with pytest.raises(ValueError):
        inclusion_proof(hashes, 8, 8)
    with pytest.raises(ValueError):
        inclusion_proof(hashes, 0, 9)
    with pytest.raises(ValueError):
        consistency_proof(hashes, 0, 4)
    with pytest.raises(ValueError):
        consistency_proof(hashes, 5, 4)
    assert consistency_proof(hashes, 4, 4) == []


def test_wrong_proof_length_names_expected_and_actual_counts() -> None:
    hashes = [leaf_hash(d) for d in RFC6962_LEAVES]
    proof = inclusion_proof(hashes, 3, 8)
    with pytest.raises(ProofError, match="needs 3 hashes, got 4"):
        verify_inclusion(hashes[3], 3, 8, [*proof, proof[0]], root_from_leaf_hashes(hashes))


def test_root_mismatch_names_both_roots() -> None:
    hashes = [leaf_hash(d) for d in RFC6962_LEAVES]
    with pytest.raises(ProofError, match=f"calculated root {hashes[0].hex()} does not match expected {'00' * 32}"):
        verify_inclusion(hashes[0], 0, 1, [], bytes(32))


def test_every_proof_in_every_tree_up_to_70_leaves_verifies() -> None:
    hashes = [leaf_hash(i.to_bytes(2, "big")) for i in range(70)]
    roots = [root_from_leaf_hashes(hashes[:size]) for size in range(71)]
    for size2 in range(1, 71):
        for i in range(1, size2 + 1):
            verify_inclusion(hashes[i - 1], i - 1, size2, inclusion_proof(hashes, i - 1, size2), roots[size2])
            verify_consistency(i, size2, consistency_proof(hashes, i, size2), roots[i], roots[size2])


leaf_lists = st.lists(st.binary(max_size=16), min_size=1, max_size=200).map(lambda ds: [leaf_hash(d) for d in ds])


def _flip(h: bytes, pos: int, mask: int) -> bytes:
    return h[:pos] + bytes([h[pos] ^ mask]) + h[pos + 1 :]


@settings(deadline=None)
@given(leaf_lists)
def test_every_inclusion_proof_verifies(hashes: list[bytes]) -> None:
    for size in {1, len(hashes) // 2 or 1, len(hashes)}:
        root = root_from_leaf_hashes(hashes[:size])
        for index in range(size):
            proof = inclusion_proof(hashes, index, size)
            verify_inclusion(hashes[index], index, size, proof, root)
            assert root_from_inclusion_proof(hashes[index], index, size, proof) == root


@settings(deadline=None)
@given(leaf_lists)
def test_every_consistency_proof_verifies(hashes: list[bytes]) -> None:
    n = min(len(hashes), 64)  # all pairs up to 64 leaves: 2,080 proofs at most
    roots = [root_from_leaf_hashes(hashes[:size]) for size in range(n + 1)]
    for size2 in range(1, n + 1):
        for size1 in range(1, size2 + 1):
            proof = consistency_proof(hashes, size1, size2)
            verify_consistency(size1, size2, proof, roots[size1], roots[size2])
            assert root_from_consistency_proof(size1, size2, proof, roots[size1]) == roots[size2]


@settings(deadline=None)
@given(leaf_lists, st.data(), st.integers(1, 255))
def test_flipping_any_byte_breaks_inclusion(hashes: list[bytes], data: st.DataObject, mask: int) -> None:
    size = len(hashes)
    index = data.draw(st.integers(0, size - 1))
    proof = inclusion_proof(hashes, index, size)
    root = root_from_leaf_hashes(hashes)
    for pos in range(32):
        with pytest.raises(ProofError):
            verify_inclusion(_flip(hashes[index], pos, mask), index, size, proof, root)
        with pytest.raises(ProofError):
            verify_inclusion(hashes[index], index, size, proof, _flip(root, pos, mask))
        for i in range(len(proof)):
            bad = [*proof[:i], _flip(proof[i], pos, mask), *proof[i + 1 :]]
            with pytest.raises(ProofError):
                verify_inclusion(hashes[index], index, size, bad, root)


@settings(deadline=None)
@given(leaf_lists, st.data(), st.integers(1, 255))
def test_flipping_any_byte_breaks_consistency(hashes: list[bytes], data: st.DataObject, mask: int) -> None:
    size2 = len(hashes)
    size1 = data.draw(st.integers(1, size2))
    proof = consistency_proof(hashes, size1, size2)
    root1, root2 = root_from_leaf_hashes(hashes[:size1]), root_from_leaf_hashes(hashes)
    for pos in range(32):
        with pytest.raises(ProofError):
            verify_consistency(size1, size2, proof, _flip(root1, pos, mask), root2)
        with pytest.raises(ProofError):
            verify_consistency(size1, size2, proof, root1, _flip(root2, pos, mask))
        for i in range(len(proof)):
            bad = [*proof[:i], _flip(proof[i], pos, mask), *proof[i + 1 :]]
            with pytest.raises(ProofError):
                verify_consistency(size1, size2, bad, root1, root2)


@settings(deadline=None)
@given(leaf_lists, st.data())
def test_extra_or_missing_proof_hashes_are_refused(hashes: list[bytes], data: st.DataObject) -> None:
    size = len(hashes)
    index = data.draw(st.integers(0, size - 1))
    proof = inclusion_proof(hashes, index, size)
    root = root_from_leaf_hashes(hashes)
    with pytest.raises(ProofError):
        verify_inclusion(hashes[index], index, size, [*proof, root], root)
    if proof:
        with pytest.raises(ProofError):
            verify_inclusion(hashes[index], index, size, proof[:-1], root)


@given(leaf_lists)
def test_compact_range_root_equals_full_root_at_every_size(hashes: list[bytes]) -> None:
    compact = CompactRange()
    for size, h in enumerate(hashes, start=1):
        compact.append(h)
        assert len(compact.hashes) == size.bit_count()
        assert compact.root() == root_from_leaf_hashes(hashes[:size])


@given(leaf_lists, st.data())
def test_compact_range_extend_equals_appending_one_by_one(hashes: list[bytes], data: st.DataObject) -> None:
    """Extending in arbitrary pieces gives the same border (and so the same root) as appending each leaf."""
    one_by_one, extended = CompactRange(), CompactRange()
    for h in hashes:
        one_by_one.append(h)
    done = 0
    while done < len(hashes):
        step = data.draw(st.integers(min_value=1, max_value=len(hashes) - done))
        extended.extend(hashes[done : done + step])
        done += step
        assert extended.root() == root_from_leaf_hashes(hashes[:done])
    assert (extended.size, extended.hashes) == (one_by_one.size, one_by_one.hashes)


def test_compact_range_extend_at_scale_and_refuses_short_hashes() -> None:
    hashes = [hashlib.sha256(i.to_bytes(4, "big")).digest() for i in range(5000)]
    compact = CompactRange()
    compact.extend(hashes[:1234])
    compact.extend(hashes[1234:4097])
    compact.extend(hashes[4097:])
    assert compact.root() == root_from_leaf_hashes(hashes)
    with pytest.raises(ValueError, match="leaf hash 1"):
        compact.extend([hashes[0], b"short"])
