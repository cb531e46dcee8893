"""Recompute a log from its entries and check it against itself, its authentication codes and its signed checkpoints.

What is checked, entry by entry, stopping at the first problem: the sequence number ``lawtrace ledger verify`` names
is the first position at which the log stops being consistent with itself or with a signed checkpoint.

- sequence numbers run 0, 1, 2, … without gaps (a deleted entry leaves a gap);
- each entry's stored bytes hash to its stored leaf hash (a changed payload);
- the entry's own ``seq`` and ``log`` fields match its row and log (a renumbered, moved or reordered entry);
- its ``prev`` equals the leaf hash of the entry before (an entry changed *and* re-hashed, inserted or removed);
- ledger time never goes backwards;
- its index columns (``action``, ``actor_id``, ``case_number``; with ``deep`` also ``time``) say what its bytes say:
  pages and permissions read those columns;
- its entry MAC (``keys.entry_mac``) verifies with a key from the key folder; an entry outside every signed checkpoint
  must have one, so the unsigned tail cannot be forged or edited with database access alone;
- with ``deep``, the bytes are exactly the RFC 8785 canonical form of what they say (a hand-made entry).

Then against checkpoints: every checkpoint that can be found (database rows and every file in storage, outside the
database) must be signed by a trusted key of the log (key files, never the database), within that key's validity
period, and its root must equal the root recomputed at its size — so all of them are pairwise consistent; two
different roots for one size (a split view) fail naming both. A checkpoint larger than the log means the log was
truncated below a signed size. The log's head pointer must agree with the entries.
"""

from __future__ import annotations

import gc
import hashlib
import hmac
import json
import multiprocessing
import os
import re
from binascii import b2a_hex
from collections import deque
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import repeat
from operator import add, eq, ge, getitem, sub
from typing import Any

import rfc8785
from django.core.files.storage import default_storage
from django.db import connection

from lawtrace import clock
from lawtrace.ledger import keys, merkle, note, trust, verify_helper
from lawtrace.ledger.entry import ZERO_HASH_HEX, format_time, parse_time
from lawtrace.ledger.models import Log, Verification

BATCH = 20_000
PARALLEL_FROM = 200_000  # entries to check; below this a second process costs about what it saves


@dataclass
class Report:
    origin: str
    entries: int = 0
    checkpoints: int = 0
    first_bad_seq: int | None = None
    problem: str = ""
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problem

    def fail(self, seq: int | None, message: str) -> None:
        if not self.problem:
            self.first_bad_seq, self.problem = seq, message


Row = tuple[int, bytes, bytes, bytes | None, str, int | None, str, Any]


def _batches(db: Any, log_id: int, start: int, with_time: bool, stop: int | None = None) -> Iterator[list[Row]]:
    """Lists of (seq, data, leaf_hash, mac, action, actor_id, case_number, time) in seq order from ``start`` (below
    ``stop``), ``BATCH`` rows each, so memory stays flat for millions of entries. One plain cursor on ``db`` (a
    database connection), no model instances. ``time`` only when asked (``deep``): converting it costs as much as
    hashing the entry."""
    time_column = "time" if with_time else "NULL"
    raw_bytes = db.vendor == "sqlite"
    below = "" if stop is None else f" AND seq < {int(stop)}"
    with db.cursor() as cursor:
        low = start
        while True:
            cursor.execute(
                "SELECT seq, data, leaf_hash, mac, action, actor_id, case_number, "  # noqa: S608 — constants
                f"{time_column} FROM ledger_entry WHERE log_id = %s AND seq >= %s{below} ORDER BY seq LIMIT %s",
                [log_id, low, BATCH],
            )
            rows = cursor.fetchall()
            if not rows:
                return
            if raw_bytes:  # SQLite gives bytes already: no per-row repacking on the hot path
                yield rows
            else:  # PostgreSQL gives memoryview for bytea
                yield [
                    (
                        seq,
                        bytes(data),
                        bytes(leaf),
                        None if mac is None else bytes(mac),
                        action,
                        actor_id,
                        case_number,
                        time,
                    )
                    for seq, data, leaf, mac, action, actor_id, case_number, time in rows
                ]
            if len(rows) < BATCH:
                return
            low = rows[-1][0] + 1


def _stored_leaves(log_id: int, below: int) -> Iterator[list[tuple[int, bytes]]]:
    with connection.cursor() as cursor:
        low = 0
        while low < below:
            cursor.execute(
                "SELECT seq, leaf_hash FROM ledger_entry WHERE log_id = %s AND seq >= %s AND seq < %s ORDER BY seq",
                [log_id, low, min(below, low + BATCH)],
            )
            yield [(s, bytes(h)) for s, h in cursor.fetchall()]
            low += BATCH


def _other_logs(log: Log) -> list[str]:
    """Origins of other logs of the same organisation whose checkpoints lie in storage (an earlier database)."""
    host, _, tail = log.origin.partition("/lawtrace/")
    code = tail.split("/", 1)[0]
    base = f"checkpoints/{host}/lawtrace/{code}"
    found = []
    try:
        dirs, files = default_storage.listdir(base)
    except FileNotFoundError:
        return []
    legacy = f"{host}/lawtrace/{code}"
    if legacy != log.origin and any(f.isdigit() for f in files):
        found.append(legacy)
    found += [f"{legacy}/{d}" for d in sorted(dirs) if f"{legacy}/{d}" != log.origin]
    return found


def _checkpoint_roots(report: Report, log: Log) -> dict[int, list[tuple[str, bytes]]]:
    """Every checkpoint found, opened with the trusted keys only; size → [(where, root)]."""
    from lawtrace.ledger.services import known_checkpoints

    trusted = keys.trusted_keys(log.origin)
    roots: dict[int, list[tuple[str, bytes]]] = {}
    db_roots = {cp.size: bytes(cp.root_hash) for cp in log.checkpoints.all()}
    for where, size, signed in known_checkpoints(log):
        try:
            cp = trust.open_trusted_checkpoint(signed, trusted).checkpoint
        except note.NoteError as e:
            report.fail(None, f"{where}签名无效或密钥不受信任：{e}")
            continue
        if (
            cp.origin != log.origin
            or cp.size != size
            or (where.startswith("数据库") and db_roots[size] != cp.root_hash)
        ):
            report.fail(None, f"{where}签名的内容与记录的大小或根哈希不符")
            continue
        roots.setdefault(size, []).append((where, cp.root_hash))
    for size, found in sorted(roots.items()):
        distinct = {root for _, root in found}
        if len(distinct) > 1:
            (where1, root1), (where2, root2) = found[0], next(f for f in found if f[1] != found[0][1])
            report.fail(
                size - 1,
                f"同一大小 {size} 条有两个不同的签名根哈希：{where1} {root1.hex()} 与 {where2} {root2.hex()}"
                "（分叉：同一日志签署了两套历史）",
            )
    return roots


def verify_log(log: Log, *, since: int = 0, deep: bool = False, parallel_from: int = PARALLEL_FROM) -> Report:
    """Check the log; a log with at least ``parallel_from`` entries to check is split in two and its second part
    checked by a helper process at the same time (`verify_helper`), with the same outcome, first bad entry included."""
    log = Log.objects.select_related("organisation").get(pk=log.pk)  # the head as it is now, not as the caller saw it
    report = Report(origin=log.origin)
    expected_roots = _checkpoint_roots(report, log)
    report.checkpoints = sum(len(v) for v in expected_roots.values())
    signed_size = max(expected_roots, default=0)
    mac_secrets = keys.mac_keys(log.origin)
    for other in _other_logs(log):
        report.notes.append(f"存储中有另一日志（{other}）的检查点：它们属于另一个数据库的日志，不是本日志被篡改")

    tree = merkle.CompactRange()
    prev_leaf = b""
    for stored in _stored_leaves(log.id, since):
        expected_seqs = range(tree.size, tree.size + len(stored))
        bad = next((want for (seq, _), want in zip(stored, expected_seqs, strict=True) if seq != want), None)
        if bad is not None:
            report.fail(bad, f"序号 {bad} 缺失（条目被删除或重新编号）")
            return report
        tree.extend([leaf for _, leaf in stored])
        prev_leaf = stored[-1][1]
    walk = _Walk(
        report=report,
        log=log,
        tree=tree,
        state=_State(size=tree.size, prev_leaf=prev_leaf),
        sizes=sorted(s for s in expected_roots if s > tree.size),
        expected_roots=expected_roots,
        fast=None if deep else _FastPath(log.origin, keys.EntryMacChecker(mac_secrets)),
        mac_secrets=mac_secrets,
        signed_size=signed_size,
        deep=deep,
    )
    first = tree.size
    helper = None
    if not deep and log.size - first >= parallel_from and _may_fork():
        helper = verify_helper.start(log, mid=first + (log.size - first) // 2, sizes=walk.sizes)
    with without_gc():
        if helper is None:
            walk.rows_from(first)
        else:
            walk.rows_from(first, stop=helper.begin)
            if report.problem:
                helper.abandon()
            elif (result := helper.result()) is not None:
                walk.rows_from(walk.join(result))
            else:  # the helper failed: this part too, here
                walk.rows_from(walk.state.size)
    walk.finish()
    report.entries = walk.state.size - first
    prev = walk.state.prev_leaf.hex() if walk.state.size else ZERO_HASH_HEX
    if not report.problem:
        for size, labels in sorted(expected_roots.items()):
            if size > tree.size:
                report.fail(tree.size, f"日志被截断：{labels[0][0]}签署了 {size} 条，数据库中只有 {tree.size} 条")
                break
    if not report.problem:
        _check_head(report, log, tree.size, prev)
    return report


@contextmanager
def without_gc() -> Iterator[None]:
    """The cyclic garbage collector paused: the walk makes millions of short-lived tuples (rows, and the columns cut
    from them) and no cycles, and each collection would traverse them all — a quarter of the time of a long check
    (bench/ledger.py). Memory stays bounded by one batch; the previous state is restored."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _may_fork() -> bool:
    """A helper process sees only committed rows of a database it can open itself: not inside a transaction (a test,
    a caller's atomic block), not an in-memory SQLite database, and only with a second CPU to run on."""
    return (
        len(os.sched_getaffinity(0)) > 1
        and "fork" in multiprocessing.get_all_start_methods()
        and not connection.in_atomic_block
        and not (connection.vendor == "sqlite" and connection.is_in_memory_db())  # type: ignore[attr-defined]
    )


@dataclass
class _Walk:
    """One pass along the log in seq order: each entry checked (fast where it can, one by one where it must), its
    leaf added to the tree, and the tree's root compared with every checkpoint as the pass reaches its size."""

    report: Report
    log: Log
    tree: merkle.CompactRange
    state: _State
    sizes: list[int]  # checkpoint sizes still ahead
    expected_roots: dict[int, list[tuple[str, bytes]]]
    fast: _FastPath | None
    mac_secrets: dict[bytes, bytes]
    signed_size: int
    deep: bool
    pending: list[bytes] = field(default_factory=list)  # leaves checked, not yet in the tree

    def rows_from(self, start: int, stop: int | None = None) -> None:
        """Check the entries from ``start`` (below ``stop``), stopping at the first problem."""
        if self.report.problem:
            return
        for rows in _batches(connection, self.log.id, start, self.deep, stop):
            if not self.rows(rows):
                return

    def rows(self, rows: list[Row]) -> bool:
        report, state, i = self.report, self.state, 0
        while i < len(rows) and not report.problem:
            next_size = self.sizes[0] if self.sizes else None
            limit = len(rows) if next_size is None else min(len(rows), i + next_size - state.size)
            if self.fast is not None:
                i = self.fast.run(rows, i, limit, state, self.pending)
            if i < limit:  # the fast path could not vouch for this entry: every check, one by one, with its message
                if not _slow_entry(report, self.log, rows[i], state, self.mac_secrets, self.signed_size, self.deep):
                    return False
                self.pending.append(rows[i][2])
                i += 1
            if state.size == next_size:
                self.sizes.pop(0)
                self.finish()
                self.compare(next_size, self.tree.root())
        return not report.problem

    def compare(self, size: int, root: bytes) -> None:
        for label, expected in self.expected_roots[size]:
            if root != expected:
                self.report.fail(size - 1, f"重新计算的根哈希与{label}不符：此前的条目被修改、删除、插入或重排")

    def join(self, result: verify_helper.Result) -> int:
        """Take over what the helper vouched for, if it started from where this pass ended (it assumed the entry
        before its part, which this pass has now checked); return where to go on one by one."""
        state = self.state
        if (state.size, state.prev_leaf, state.last_time) != (result.begin, result.prev_leaf, result.prev_time):
            return state.size
        self.finish()
        for size, subtrees in result.at_sizes:  # the checkpoints inside its part, in order
            tree = merkle.CompactRange.from_state(self.tree.size, self.tree.hashes)
            for block, root in subtrees:
                tree.append_subtree(block, root)
            self.sizes.remove(size)
            self.compare(size, tree.root())
            if self.report.problem:
                return state.size
        for block, root in result.subtrees:
            self.tree.append_subtree(block, root)
        state.size, state.prev_leaf, state.last_time = result.end, result.last_leaf, result.last_time
        return state.size

    def finish(self) -> None:
        self.tree.extend(self.pending)
        self.pending.clear()


@dataclass
class _State:
    """Where the walk along the log stands: entries checked so far, the last one's leaf hash and time."""

    size: int
    prev_leaf: bytes
    last_time: str = ""


def _slow_entry(
    report: Report,
    log: Log,
    row: Row,
    state: _State,
    mac_secrets: dict[bytes, bytes],
    signed_size: int,
    deep: bool,
) -> bool:
    """Every check of one entry, one by one, parsing its JSON: the reference the fast path must agree with, and the
    one that names what is wrong. Advances ``state`` and returns True when the entry is sound."""
    seq, stored_leaf, mac = row[0], row[2], row[3]
    prev = state.prev_leaf.hex() if state.size else ZERO_HASH_HEX
    obj_time = _check_entry(report, log, row, state.size, prev, state.last_time, deep)
    if obj_time is None:
        return False
    if not _check_mac(report, seq, stored_leaf, mac, mac_secrets, required=seq >= signed_size):
        return False
    state.size, state.prev_leaf, state.last_time = seq + 1, stored_leaf, obj_time
    return True


_TIME_BYTES = re.compile(rb"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z")
_TAIL_END = b'","v":1}'  # the entry's last bytes: the time string closed, then "v"
_TIME_SIZE = 27  # 2026-11-23T08:15:02.123456Z


def _json_string(text: str) -> bytes:
    r"""A string as RFC 8785 writes it (as ``JSON.stringify`` does: only ``"``, ``\`` and controls escaped). Should
    this ever differ from the package for some character, the fast path finds no match and the slow path decides."""
    return json.dumps(text, ensure_ascii=False).encode()


class _FastPath:
    """Vouches for runs of sound entries without parsing them, comparing their bytes with what they must be.

    An entry is taken here only when its MAC verifies with a key from the key folder, so its bytes are the canonical
    bytes ``append`` wrote (RFC 8785: top-level keys sorted — ``action, actor, case, evidence, log, org, payload,
    prev, seq, time, v`` —, no whitespace, no duplicate keys, every ``"`` inside a string escaped). Of such bytes the
    checks need:

    - ``prev``, ``seq`` and ``v``: the fixed-shape tail ``,"prev":"<hex>","seq":<n>,"time":"<27 chars>","v":1}``,
      compared with the bytes the expected previous leaf hash and sequence number make;
    - ``time``: its format (one regular expression over the batch) and its order;
    - ``action`` and the actor id: the head ``{"action":"<a>","actor":`` + ``null`` or ``{"id":"<id>","name":"``,
      compared with the bytes the index columns make;
    - ``case``: the first ``,"case":`` after the head (it cannot occur inside the actor's name, where its quotes would
      be escaped), followed by the value the index column makes and ``,"evidence":[``;
    - ``log``: right after the evidence list (64-hex strings, so its end is the first ``]``) comes
      ``],"log":"<this log's origin>","org":"``.

    Each check runs over the whole run of rows in C (``map`` over bytes methods), not in a Python loop per entry:
    that is what brings ``verify`` near the cost of reading and hashing the entries. Anything unexpected — no MAC, a
    wrong MAC, an entry of an unusual shape, one byte out of place — stops the run at that entry, and
    ``_slow_entry`` checks it the old way and names what is wrong. So the fast path accepts only a subset of what
    the slow path accepts, reading the same values from the same bytes (``tests/ledger/test_verify_fast.py``).
    """

    def __init__(self, origin: str, macs: keys.EntryMacChecker) -> None:
        self.macs = macs
        self.log_part = b'],"log":' + _json_string(origin) + b',"org":"'
        self.heads: dict[tuple[str, int | None], bytes] = {}
        self.cases: dict[str, bytes] = {}

    def head(self, key: tuple[str, int | None]) -> bytes:
        """The entry's first bytes, up to its actor's name (or ``null`` without an actor)."""
        action, actor_id = key
        head = b'{"action":' + _json_string(action) + b',"actor":'
        head += b"null" if actor_id is None else b'{"id":' + _json_string(str(actor_id)) + b',"name":"'
        if len(self.heads) >= _CACHE_LIMIT:
            self.heads.clear()
        self.heads[key] = head
        return head

    def case(self, case_number: str) -> bytes:
        """The ``case`` value as the index column says, and the start of ``evidence``."""
        part = (_json_string(case_number) if case_number else b"null") + b',"evidence":['
        if len(self.cases) >= _CACHE_LIMIT:
            self.cases.clear()
        self.cases[case_number] = part
        return part

    def run(self, rows: list[Row], i: int, limit: int, state: _State, leaves: list[bytes]) -> int:
        """Check ``rows[i:limit]``; append the leaf hashes of the sound run at its start to ``leaves``, advance
        ``state`` past it and return the index of the first row it could not vouch for (``limit`` when none)."""
        chunk = rows[i:limit]
        if not chunk:
            return i
        seqs, datas, leafs, macs, actions, actor_ids, case_numbers, _ = zip(*chunk, strict=True)
        # Rows the vectorised checks cannot take at all end the run before they start.
        n = len(chunk)
        lengths = list(map(len, datas))
        short = n if min(lengths) >= _MIN_SIZE else next(k for k, size in enumerate(lengths) if size < _MIN_SIZE)
        no_mac = n if all(macs) else next(k for k, mac in enumerate(macs) if not mac)
        n = min(short, no_mac)
        if n < len(chunk):
            seqs, datas, leafs, macs = seqs[:n], datas[:n], leafs[:n], macs[:n]
            actions, actor_ids, case_numbers, lengths = actions[:n], actor_ids[:n], case_numbers[:n], lengths[:n]
        if not n:
            return i
        size = state.size
        checks: list[list[bool]] = [
            list(map(eq, seqs, range(size, size + n))),
            list(map(eq, _hashes_after(_LEAF_START, datas), leafs)),
            self._macs_ok(leafs, macs),
            list(map(bytes.endswith, datas, repeat(_TAIL_END))),
        ]
        # The tail: ,"prev":"<hex of the previous leaf>","seq":<seq>,"time":"
        prev_hexes = list(map(b2a_hex, (state.prev_leaf, *leafs[:-1])))
        if not size:
            prev_hexes[0] = _ZERO_HEX
        mids = list(map(_MID.__mod__, zip(prev_hexes, seqs, strict=True)))
        time_at = list(map(sub, lengths, repeat(len(_TAIL_END) + _TIME_SIZE)))
        mid_slices = map(slice, map(sub, time_at, map(len, mids)), time_at)
        checks.append(list(map(eq, map(getitem, datas, mid_slices), mids)))
        times: list[bytes] = list(map(getitem, datas, map(slice, time_at, map(add, time_at, repeat(_TIME_SIZE)))))
        if b"".join(times).translate(_DIGITS_AS_ZERO) == _TIME_SHAPE * n:  # every time's shape in one C pass
            checks.append([True] * n)
        else:
            checks.append([bool(_TIME_BYTES.fullmatch(t)) for t in times])
        checks.append(list(map(ge, times, (state.last_time.encode(), *times[:-1]))))
        # The head, the case and the log.
        heads, cases = self.heads, self.cases
        head_keys = list(zip(actions, actor_ids, strict=True))
        head_bytes = [heads.get(key) or self.head(key) for key in head_keys]
        checks.append(list(map(bytes.startswith, datas, head_bytes)))
        case_at = list(map(bytes.find, datas, repeat(b',"case":'), map(len, head_bytes)))
        case_parts = [cases.get(c) or self.case(c) for c in map(_or_empty, case_numbers)]
        checks.append(list(map(ge, case_at, repeat(0))))
        value_at = list(map(add, case_at, repeat(len(b',"case":'))))
        checks.append(list(map(bytes.startswith, datas, case_parts, value_at)))
        evidence_at = map(add, value_at, map(len, case_parts))
        evidence_end = map(bytes.find, datas, repeat(b"]"), evidence_at)
        checks.append(list(map(bytes.startswith, datas, repeat(self.log_part), evidence_end)))

        sound = n
        for check in checks:
            if not all(check):
                sound = min(sound, check.index(False))
        if sound:
            leaves.extend(leafs[:sound])
            state.size = size + sound
            state.prev_leaf = leafs[sound - 1]
            state.last_time = times[sound - 1].decode("ascii")
        return i + sound

    def _macs_ok(self, leafs: tuple[bytes, ...], macs: tuple[bytes, ...]) -> list[bool]:
        """Entry MAC v1 of every row; with one key (the usual case) as C-speed passes over the padded keys."""
        key_ids: set[bytes] = set(map(getitem, macs, repeat(slice(0, 4))))  # type: ignore[arg-type]
        pads = self.macs.pads.get(next(iter(key_ids))) if len(key_ids) == 1 else None
        if pads is None:  # several keys (a rotation inside the batch) or an unknown one: one by one
            return list(map(self.macs.check, leafs, macs))
        inner_pad, outer_pad = pads
        inner = _hashes_after(_sha256(inner_pad), leafs)
        codes = _hashes_after(_sha256(outer_pad), inner)
        stored: Iterator[bytes] = map(getitem, macs, repeat(slice(4, None)))  # type: ignore[arg-type]
        return list(map(eq, codes, stored))


def _hashes_after(start: Any, parts: Sequence[bytes]) -> list[bytes]:
    """SHA-256 of ``prefix + part`` for each part, ``start`` being a hash object fed the prefix: copying its state
    saves hashing the prefix again (the HMAC pads' whole block) and joining bytes, for every entry, in C passes."""
    hashers = list(map(_HASH_TYPE.copy, repeat(start, len(parts))))
    deque(map(_HASH_TYPE.update, hashers, parts), maxlen=0)  # update returns None: run the pass, keep nothing
    return list(map(_digest, hashers))


def _or_empty(value: str | None) -> str:
    return value or ""


_HASH_TYPE = type(hashlib.sha256())
_LEAF_START = hashlib.sha256(merkle.LEAF_PREFIX)
_sha256 = hashlib.sha256
_digest = _HASH_TYPE.digest
_MID = b',"prev":"%b","seq":%d,"time":"'
_DIGITS_AS_ZERO = bytes(ord("0") if chr(b).isdigit() and b < 128 else b for b in range(256))
_TIME_SHAPE = b"0000-00-00T00:00:00.000000Z"  # what _TIME_BYTES matches, its digits made 0
_MIN_SIZE = 150  # shorter than any v1 entry: the fixed-offset slices stay inside the bytes
_CACHE_LIMIT = 10_000
_ZERO_HEX = ZERO_HASH_HEX.encode()


def _check_head(report: Report, log: Log, size: int, prev: str) -> None:
    head = bytes(log.head or b"")
    if log.size == size and (not size or head == bytes.fromhex(prev)):
        return
    if log.size > size:
        report.fail(size, f"日志头记载 {log.size} 条，实有 {size} 条：序号 {size} 起的条目被删除")
    elif log.size < size:
        report.fail(log.size, f"日志头记载 {log.size} 条，实有 {size} 条：序号 {log.size} 起的条目不是由系统追加的")
    else:
        report.fail(size - 1, f"日志头的末条叶哈希与序号 {size - 1} 不符（日志头或末条被改动）")


def _check_mac(
    report: Report, seq: int, leaf: bytes, mac: bytes | None, secrets: dict[bytes, bytes], *, required: bool
) -> bool:
    if mac is None or len(mac) == 0:
        if required:
            report.fail(seq, f"序号 {seq} 不在任何签名检查点内，且没有台账密钥的认证码（条目不是由系统写入的）")
            return False
        return True
    secret = secrets.get(mac[:4])
    if secret is None or not hmac.compare_digest(keys.entry_mac(mac[:4], secret, leaf), mac):
        report.fail(seq, f"序号 {seq} 的认证码与台账密钥不符（条目被伪造或改动后重算了哈希）")
        return False
    return True


def _stored_time_text(value: Any) -> str:
    """The ``time`` column as the entry format writes it (SQLite gives text or a naive UTC datetime, PostgreSQL an
    aware datetime)."""
    if isinstance(value, datetime) and value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    if isinstance(value, str):
        text = value.replace(" ", "T")
        if "." not in text:
            text += ".000000"
        return text.split("+")[0][:26] + "Z"
    return format_time(value)


def _check_entry(
    report: Report,
    log: Log,
    row: Row,
    expected_seq: int,
    prev: str,
    last_time: str,
    deep: bool,
) -> str | None:
    """Check one entry; return its time, or None after recording the problem."""
    seq, data, stored_leaf, _, action, actor_id, case_number, stored_time = row
    if seq != expected_seq:
        report.fail(expected_seq, f"序号 {expected_seq} 缺失（条目被删除或重新编号）")
        return None
    if merkle.leaf_hash(data) != stored_leaf:
        report.fail(seq, f"序号 {seq} 的内容与其叶哈希不符（条目内容被修改）")
        return None
    try:
        obj = json.loads(data.decode("utf-8"))
        fields_ok = obj["v"] == 1 and obj["seq"] == seq and obj["log"] == log.origin
        obj_prev, obj_time = obj["prev"], obj["time"]
        parse_time(obj_time)
        actor = obj["actor"]
        indexed = (obj["action"], None if actor is None else actor["id"], obj["case"] or "")
    except (ValueError, KeyError, TypeError, UnicodeDecodeError):
        report.fail(seq, f"序号 {seq} 不是合法的 v1 台账条目")
        return None
    if not fields_ok:
        report.fail(seq, f"序号 {seq} 的条目自身记载的序号或日志与其位置不符（条目被移动、重排或插入）")
        return None
    if obj_prev != prev:
        report.fail(
            seq,
            f"序号 {seq} 记载的前序哈希与序号 {seq - 1} 的叶哈希不符"
            f"（序号 {seq - 1} 被修改后重算了哈希，或序号 {seq} 是被插入、移动的条目）",
        )
        return None
    if last_time and obj_time < last_time:
        report.fail(seq, f"序号 {seq} 的记账时间早于前一条（时间倒流）")
        return None
    columns = (action, None if actor_id is None else str(actor_id), case_number or "")
    if columns != indexed:
        names = ("action", "actor_id", "case_number")
        wrong = "、".join(n for n, a, b in zip(names, columns, indexed, strict=True) if a != b)
        report.fail(seq, f"序号 {seq} 的索引列（{wrong}）与条目字节不符（数据库中的列被改动）")
        return None
    if deep and _stored_time_text(stored_time) != obj_time:
        report.fail(seq, f"序号 {seq} 的索引列（time）与条目字节不符（数据库中的列被改动）")
        return None
    if deep and rfc8785.dumps(obj) != data:
        report.fail(seq, f"序号 {seq} 的字节不是规范 JSON（RFC 8785）")
        return None
    return str(obj_time)


def verify_all(*, since: int = 0, deep: bool = False, log: Log | None = None, record: bool = True) -> list[Report]:
    reports = []
    for each in [log] if log else Log.objects.select_related("organisation").order_by("pk"):
        started = clock.now()
        report = verify_log(each, since=since, deep=deep)
        reports.append(report)
        if record:
            Verification.objects.create(
                started_at=started,
                finished_at=clock.now(),
                log=each,
                since=since,
                entries=report.entries,
                ok=report.ok,
                first_bad_seq=report.first_bad_seq,
                message=report.problem,
            )
    return reports
