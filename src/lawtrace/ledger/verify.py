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

import hmac
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import rfc8785
from django.core.files.storage import default_storage
from django.db import connection

from lawtrace import clock
from lawtrace.ledger import keys, merkle, note, trust
from lawtrace.ledger.entry import ZERO_HASH_HEX, format_time, parse_time
from lawtrace.ledger.keys import MAC_DOMAIN
from lawtrace.ledger.models import Log, Verification

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


Row = tuple[int, bytes, bytes, bytes | None, str, int | None, str, Any]


def _rows(log_id: int, start: int, with_time: bool) -> Iterator[Row]:
    """(seq, data, leaf_hash, mac, action, actor_id, case_number, time) in seq order, in batches so memory stays flat
    for millions of entries. ``time`` only when asked (``deep``): converting it costs as much as hashing the entry."""
    time_column = "time" if with_time else "NULL"
    raw_bytes = connection.vendor == "sqlite"
    with connection.cursor() as cursor:
        low = start
        while True:
            cursor.execute(
                "SELECT seq, data, leaf_hash, mac, action, actor_id, case_number, "  # noqa: S608 — a constant
                f"{time_column} FROM ledger_entry WHERE log_id = %s AND seq >= %s ORDER BY seq LIMIT %s",
                [log_id, low, BATCH],
            )
            rows = cursor.fetchall()
            if raw_bytes:  # SQLite gives bytes already: no per-row repacking on the hot path
                yield from rows
            else:  # PostgreSQL gives memoryview for bytea
                for seq, data, leaf, mac, action, actor_id, case_number, time in rows:
                    yield (
                        seq,
                        bytes(data),
                        bytes(leaf),
                        None if mac is None else bytes(mac),
                        action,
                        actor_id,
                        case_number,
                        time,
                    )
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


def verify_log(log: Log, *, since: int = 0, deep: bool = False) -> Report:
    log = Log.objects.select_related("organisation").get(pk=log.pk)  # the head as it is now, not as the caller saw it
    report = Report(origin=log.origin)
    expected_roots = _checkpoint_roots(report, log)
    report.checkpoints = sum(len(v) for v in expected_roots.values())
    signed_size = max(expected_roots, default=0)
    mac_secrets = keys.mac_keys(log.origin)
    for other in _other_logs(log):
        report.notes.append(f"存储中有另一日志（{other}）的检查点：它们属于另一个数据库的日志，不是本日志被篡改")

    tree = merkle.CompactRange()
    prev = ZERO_HASH_HEX
    for seq, leaf in _stored_leaves(log.id, since):
        if seq != tree.size:
            report.fail(tree.size, f"序号 {tree.size} 缺失（条目被删除或重新编号）")
            return report
        tree.append(leaf)
        prev = leaf.hex()
    last_time = ""
    for row in _rows(log.id, since, deep):
        if report.problem:
            break
        seq, stored_leaf = row[0], row[2]
        obj_time = _check_entry(report, log, row, tree.size, prev, last_time, deep)
        if obj_time is None:
            break
        mac = row[3]
        if mac:  # the common case inline: one HMAC, no calls
            secret = mac_secrets.get(mac[:4])
            good = secret is not None and hmac.compare_digest(
                hmac.digest(secret, MAC_DOMAIN + stored_leaf, "sha256"), mac[4:]
            )
        else:
            good = seq < signed_size
        if not good and not _check_mac(report, seq, stored_leaf, mac, mac_secrets, required=seq >= signed_size):
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
    if not report.problem:
        _check_head(report, log, tree.size, prev)
    return report


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
