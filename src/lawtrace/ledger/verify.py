"""Recompute a log from its entries and check it against itself and against its signed checkpoints.

What is checked, entry by entry, stopping at the first problem: the sequence number ``lawtrace ledger verify`` names
is the first position at which the log stops being consistent with itself or with a signed checkpoint.

- sequence numbers run 0, 1, 2, … without gaps (a deleted entry leaves a gap);
- each entry's stored bytes hash to its stored leaf hash (a changed payload);
- the entry's own ``seq`` and ``log`` fields match its row (a renumbered, moved or reordered entry);
- its ``prev`` equals the leaf hash of the entry before (an entry changed *and* re-hashed, inserted or removed);
- ledger time never goes backwards;
- with ``deep``, the bytes are exactly the RFC 8785 canonical form of what they say (a hand-made entry).

Then against checkpoints: every checkpoint in the database and the largest one kept in storage (outside the
database) must be signed by a trusted key of the log (key files, never the database) and its root must equal the
root recomputed at its size. A checkpoint larger than the log means the log was truncated below a signed size.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field

import rfc8785
from django.core.files.storage import default_storage
from django.db import connection

from lawtrace import clock
from lawtrace.ledger import keys, merkle, note
from lawtrace.ledger.entry import ZERO_HASH_HEX, parse_time
from lawtrace.ledger.models import Checkpoint, Log, Verification

BATCH = 20_000


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


def _rows(log_id: int, start: int) -> Iterator[tuple[int, bytes, bytes]]:
    """(seq, data, leaf_hash) in seq order, in batches so memory stays flat for millions of entries."""
    with connection.cursor() as cursor:
        low = start
        while True:
            cursor.execute(
                "SELECT seq, data, leaf_hash FROM ledger_entry WHERE log_id = %s AND seq >= %s ORDER BY seq LIMIT %s",
                [log_id, low, BATCH],
            )
            rows = cursor.fetchall()
            for seq, data, leaf in rows:
                yield seq, bytes(data), bytes(leaf)
            if len(rows) < BATCH:
                return
            low = rows[-1][0] + 1


def _stored_leaves(log_id: int, below: int) -> Iterator[tuple[int, bytes]]:
    with connection.cursor() as cursor:
        low = 0
        while low < below:
            cursor.execute(
                "SELECT seq, leaf_hash FROM ledger_entry WHERE log_id = %s AND seq >= %s AND seq < %s ORDER BY seq",
                [log_id, low, min(below, low + BATCH)],
            )
            rows = cursor.fetchall()
            yield from ((s, bytes(h)) for s, h in rows)
            low += BATCH


def _storage_checkpoint(origin: str) -> tuple[int, str] | None:
    """The largest checkpoint kept outside the database, as (size, signed note)."""
    folder = f"checkpoints/{origin}"
    try:
        _, files = default_storage.listdir(folder)
    except FileNotFoundError:
        return None
    sizes = sorted((int(name) for name in files if name.isdigit()), reverse=True)
    if not sizes:
        return None
    with default_storage.open(f"{folder}/{sizes[0]}", "rb") as f:
        return sizes[0], f.read().decode()


def verify_log(log: Log, *, since: int = 0, deep: bool = False) -> Report:
    report = Report(origin=log.origin)
    verifiers = keys.verifiers_for(log.organisation.code)
    expected_roots: dict[int, list[tuple[str, bytes]]] = {}
    for cp in Checkpoint.objects.filter(log=log).order_by("size"):
        expected_roots.setdefault(cp.size, []).append((f"数据库检查点（{cp.size}条）", bytes(cp.root_hash)))
        _check_signature(report, log, cp.note, cp.size, bytes(cp.root_hash), verifiers)
    if stored := _storage_checkpoint(log.origin):
        size, signed = stored
        try:
            cp_text = note.Checkpoint.parse(note.parse_note(signed).text)
            expected_roots.setdefault(size, []).append((f"存储中的签名检查点（{size}条）", cp_text.root_hash))
            _check_signature(report, log, signed, size, cp_text.root_hash, verifiers)
        except note.NoteError as e:
            report.fail(None, f"存储中的签名检查点（{size}条）格式错误：{e}")
    report.checkpoints = sum(len(v) for v in expected_roots.values())

    tree = merkle.CompactRange()
    prev = ZERO_HASH_HEX
    for seq, leaf in _stored_leaves(log.id, since):
        if seq != tree.size:
            report.fail(tree.size, f"序号 {tree.size} 缺失（条目被删除或重新编号）")
            return report
        tree.append(leaf)
        prev = leaf.hex()
    last_time = ""
    for seq, data, stored_leaf in _rows(log.id, since):
        if report.problem:
            break
        obj_time = _check_entry(report, log, seq, data, stored_leaf, tree.size, prev, last_time, deep)
        if obj_time is None:
            break
        tree.append(stored_leaf)
        prev, last_time = stored_leaf.hex(), obj_time
        report.entries += 1
        for label, root in expected_roots.get(tree.size, []):
            if tree.root() != root:
                report.fail(seq, f"重新计算的根哈希与{label}不符：此前的条目被修改、删除、插入或重排")
    if not report.problem:
        for size, labels in sorted(expected_roots.items()):
            if size > tree.size:
                report.fail(tree.size, f"日志被截断：{labels[0][0]}签署了 {size} 条，数据库中只有 {tree.size} 条")
                break
    if not report.problem and (log.size != tree.size or (tree.size and bytes(log.head) != bytes.fromhex(prev))):
        report.notes.append("日志头指针与条目不一致（已按条目重新计算）")
    return report


def _check_entry(
    report: Report,
    log: Log,
    seq: int,
    data: bytes,
    stored_leaf: bytes,
    expected_seq: int,
    prev: str,
    last_time: str,
    deep: bool,
) -> str | None:
    """Check one entry; return its time, or None after recording the problem."""
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
    if deep and rfc8785.dumps(obj) != data:
        report.fail(seq, f"序号 {seq} 的字节不是规范 JSON（RFC 8785）")
        return None
    return str(obj_time)


def _check_signature(
    report: Report, log: Log, signed: str, size: int, root: bytes, verifiers: list[note.Verifier]
) -> None:
    try:
        opened = note.open_checkpoint(signed, verifiers)
    except note.NoteError as e:
        report.fail(None, f"检查点（{size}条）签名无效或密钥不受信任：{e}")
        return
    cp = opened.checkpoint
    if cp.origin != log.origin or cp.size != size or cp.root_hash != root:
        report.fail(None, f"检查点（{size}条）签名的内容与记录的大小或根哈希不符")


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
