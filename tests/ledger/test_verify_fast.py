"""`verify`'s fast path agrees with its entry-by-entry checks (without a database).

The fast path (``verify._FastPath``) vouches for runs of entries by comparing bytes, without parsing JSON; the slow
path (``verify._slow_entry``) parses each entry and names what is wrong. Properties:

- every canonical entry the ledger writes — any payload (Chinese text, integers up to ±(2^53−1), nested objects),
  any actor name or case number (quotes, backslashes, controls, characters outside the BMP), evidence or none — is
  taken by the fast path, which ends in the same state (size, last leaf hash, last time) as the slow path;
- an entry changed and re-authenticated as a key holder could (any field's value, its key order, whitespace,
  escapes — anything that is still JSON without duplicate keys) is taken by the fast path only if the slow path
  takes it too;
- an entry changed by someone without the key stops the fast path exactly there;
- the MAC checker computes entry MAC v1 exactly as ``keys.entry_mac`` does.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime, timedelta
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from lawtrace.ledger import keys, merkle
from lawtrace.ledger.actions import LedgerAction
from lawtrace.ledger.entry import ZERO_HASH_HEX, EntryFields, canonical_bytes
from lawtrace.ledger.models import Log
from lawtrace.ledger.verify import Report, Row, _FastPath, _slow_entry, _State

ORIGIN = "lawtrace.local/lawtrace/11150000MB0000001X/20261203-0123456789ab"
KEY_ID, SECRET = bytes.fromhex("0a0b0c0d"), hashlib.sha256(b"test entry key").digest()
START = datetime(2026, 12, 3, 8, 0, tzinfo=UTC)

odd_texts = st.sampled_from(['a"b', "a\\b", "\x00\x1f\x7f", "\u2028\u2029", "😀𝄞", "内医保罚〔2026〕12号", "", " "])
texts = st.text(max_size=12) | odd_texts
json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53) + 1, 2**53 - 1) | texts,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(texts, inner, max_size=4),
    max_leaves=12,
)
entry_specs = st.fixed_dictionaries(
    {
        "actor_id": st.none() | st.integers(1, 10**9),
        "actor_name": texts,
        "case": st.sampled_from(["", "内医保罚〔2026〕12号"]) | texts,
        "action": st.sampled_from(sorted(LedgerAction.values)),
        "payload": st.dictionaries(texts, json_values, max_size=5),
        "evidence": st.lists(st.binary(max_size=4).map(lambda b: hashlib.sha256(b).hexdigest()), max_size=3),
        "step_us": st.integers(0, 10**9),
    }
)


def _mac(leaf: bytes) -> bytes:
    return keys.entry_mac(KEY_ID, SECRET, leaf)


def _rows(specs: list[dict[str, Any]]) -> list[Row]:
    rows: list[Row] = []
    prev, when = ZERO_HASH_HEX, START
    for seq, spec in enumerate(specs):
        when += timedelta(microseconds=spec["step_us"])
        data = canonical_bytes(
            EntryFields(
                log=ORIGIN,
                seq=seq,
                time=when,
                actor_id=None if spec["actor_id"] is None else str(spec["actor_id"]),
                actor_name=None if spec["actor_id"] is None else spec["actor_name"],
                org="11150000MB0000001X",
                case=spec["case"] or None,
                action=spec["action"],
                payload=spec["payload"],
                evidence=spec["evidence"],
                prev=prev,
            )
        )
        leaf = merkle.leaf_hash(data)
        rows.append((seq, data, leaf, _mac(leaf), spec["action"], spec["actor_id"], spec["case"], None))
        prev = leaf.hex()
    return rows


def _walk(rows: list[Row]) -> tuple[int, _State, int, _State, Report]:
    """(entries the fast path took, its state, entries the slow path took, its state, the slow path's report)."""
    fast_state, leaves = _State(size=0, prev_leaf=b""), []
    fast = _FastPath(ORIGIN, keys.EntryMacChecker({KEY_ID: SECRET})).run(rows, 0, len(rows), fast_state, leaves)
    assert leaves == [row[2] for row in rows[:fast]]
    slow_state, report, log = _State(size=0, prev_leaf=b""), Report(origin=ORIGIN), Log(origin=ORIGIN)
    slow = 0
    for row in rows:
        if not _slow_entry(report, log, row, slow_state, {KEY_ID: SECRET}, 0, False):
            break
        slow += 1
    return fast, fast_state, slow, slow_state, report


@settings(max_examples=100, deadline=None)
@given(st.lists(entry_specs, min_size=1, max_size=8))
def test_the_fast_path_takes_every_canonical_entry_and_ends_where_the_slow_path_does(specs: list[dict]) -> None:
    rows = _rows(specs)
    fast, fast_state, slow, slow_state, report = _walk(rows)
    assert report.ok, report.problem
    assert fast == slow == len(rows)
    assert (fast_state.size, fast_state.prev_leaf, fast_state.last_time) == (
        slow_state.size,
        slow_state.prev_leaf,
        slow_state.last_time,
    )


def _edit(obj: dict[str, Any], how: str, value: Any) -> None:
    if how == "seq":
        obj["seq"] = obj["seq"] + (value if isinstance(value, int) and value else 1)
    elif how == "log":
        obj["log"] = obj["log"] + "x"
    elif how == "prev":
        obj["prev"] = "f" * 64 if obj["prev"] != "f" * 64 else "e" * 64
    elif how == "time":
        obj["time"] = "2020-01-01T00:00:00.000000Z" if value else obj["time"].replace("Z", "+00:00")
    elif how == "action":
        obj["action"] = "org.saved" if obj["action"] != "org.saved" else "role.granted"
    elif how == "actor":
        obj["actor"] = {"id": "999999999999", "name": "x"} if value else None
    elif how == "case":
        obj["case"] = "伪造案号" if value else None
    elif how == "v":
        obj["v"] = 2
    elif how == "payload":
        obj["payload"] = {"forged": value}


@settings(max_examples=200, deadline=None)
@given(
    st.lists(entry_specs, min_size=2, max_size=5),
    st.data(),
    st.sampled_from(["none", "seq", "log", "prev", "time", "action", "actor", "case", "v", "payload"]),
    st.booleans(),
    st.booleans(),
    st.sampled_from([(",", ":"), (", ", ": ")]),
)
def test_an_entry_changed_and_re_authenticated_is_taken_fast_only_if_the_slow_path_takes_it(
    specs: list[dict], data: st.DataObject, how: str, sort_keys: bool, ensure_ascii: bool, separators: tuple[str, str]
) -> None:
    rows = _rows(specs)
    k = data.draw(st.integers(0, len(rows) - 1))
    obj = json.loads(rows[k][1])
    _edit(obj, how, data.draw(st.integers(0, 3)))
    changed = json.dumps(obj, sort_keys=sort_keys, ensure_ascii=ensure_ascii, separators=separators).encode()
    leaf = merkle.leaf_hash(changed)
    rows[k] = (rows[k][0], changed, leaf, _mac(leaf), *rows[k][4:])
    fast, fast_state, slow, slow_state, _ = _walk(rows)
    assert fast <= slow
    assert fast >= k  # the entries before the changed one are still taken
    if fast == slow:
        assert (fast_state.prev_leaf, fast_state.last_time) == (slow_state.prev_leaf, slow_state.last_time)


@settings(max_examples=100, deadline=None)
@given(st.lists(entry_specs, min_size=2, max_size=5), st.data())
def test_an_entry_changed_without_the_key_stops_the_fast_path_there(specs: list[dict], data: st.DataObject) -> None:
    rows = _rows(specs)
    k = data.draw(st.integers(0, len(rows) - 1))
    at = data.draw(st.integers(0, len(rows[k][1]) - 1))
    changed = bytearray(rows[k][1])
    changed[at] ^= data.draw(st.integers(1, 255))
    rehashed = data.draw(st.booleans())  # with the leaf hash recomputed, or not
    leaf = merkle.leaf_hash(bytes(changed)) if rehashed else rows[k][2]
    rows[k] = (rows[k][0], bytes(changed), leaf, rows[k][3], *rows[k][4:])
    fast, _, slow, _, report = _walk(rows)
    assert fast == slow == k and report.first_bad_seq == k


@given(st.binary(min_size=1, max_size=100), st.binary(min_size=32, max_size=32))
def test_the_mac_checker_is_entry_mac_v1(secret: bytes, leaf: bytes) -> None:
    checker = keys.EntryMacChecker({KEY_ID: secret})
    mac = keys.entry_mac(KEY_ID, secret, leaf)
    assert checker.check(leaf, mac)
    inner, outer = checker.pads[KEY_ID]
    assert hashlib.sha256(outer + hashlib.sha256(inner + leaf).digest()).digest() == mac[4:]
    assert not checker.check(leaf, mac[:-1] + bytes([mac[-1] ^ 1]))
    assert not checker.check(leaf, b"\xff\xff\xff\xff" + mac[4:])
