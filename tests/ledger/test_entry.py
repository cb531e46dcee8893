"""Property: any sequence of entries gives a chain whose inclusion proofs verify, and any single-byte change of an
entry breaks its proof (the ledger format and the Merkle core together, without a database)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from lawtrace.ledger import merkle
from lawtrace.ledger.entry import ZERO_HASH_HEX, EntryFields, canonical_bytes, decode

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53) + 1, 2**53 - 1) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=10,
)
payloads = st.dictionaries(st.text(max_size=10), json_values, max_size=5)


def _chain(payload_list: list[dict]) -> list[bytes]:
    entries, prev = [], ZERO_HASH_HEX
    start = datetime(2026, 1, 1, tzinfo=UTC)
    for seq, payload in enumerate(payload_list):
        data = canonical_bytes(
            EntryFields(
                log="lawtrace.local/lawtrace/TEST",
                seq=seq,
                time=start + timedelta(seconds=seq),
                actor_id="1",
                actor_name="测试",
                org="TEST",
                case=None,
                action="org.saved",
                payload=payload,
                evidence=[],
                prev=prev,
            )
        )
        entries.append(data)
        prev = merkle.leaf_hash(data).hex()
    return entries


@given(st.lists(payloads, min_size=1, max_size=30), st.data())
def test_any_appends_give_proofs_that_verify_and_any_byte_change_breaks_them(payload_list, data) -> None:
    entries = _chain(payload_list)
    leaves = [merkle.leaf_hash(e) for e in entries]
    root = merkle.root_from_leaf_hashes(leaves)
    index = data.draw(st.integers(0, len(entries) - 1))
    proof = merkle.inclusion_proof(leaves, index, len(leaves))
    merkle.verify_inclusion(leaves[index], index, len(leaves), proof, root)
    assert decode(entries[index])["payload"] == payload_list[index]

    position = data.draw(st.integers(0, len(entries[index]) - 1))
    tampered = bytearray(entries[index])
    tampered[position] ^= data.draw(st.integers(1, 255))
    try:
        merkle.verify_inclusion(merkle.leaf_hash(bytes(tampered)), index, len(leaves), proof, root)
    except merkle.ProofError:
        pass
    else:
        raise AssertionError("a changed byte still verified")


@given(st.lists(payloads, min_size=2, max_size=10))
def test_the_same_values_always_give_the_same_bytes(payload_list) -> None:
    assert _chain(payload_list) == _chain([dict(reversed(list(p.items()))) for p in payload_list])
