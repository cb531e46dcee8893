"""The second half of a long log, checked by a helper process while `verify_log` checks the first.

Verification is bound by hashing (each entry's leaf, its MAC, its tree node) and by reading rows; one process uses one
CPU. For a log of a million entries `verify_log` forks a helper that opens its own database connection and runs the
fast path (`verify._FastPath`) over ``[mid, end)``, assuming the entry before ``mid`` as stored. It hands back how far
it vouched, the tree's subtrees over that part (`merkle.SubtreeRange`, at every checkpoint size inside it and at its
end) and the state it ended in. The main process, having checked ``[first, mid)`` itself, takes that over only if
its own pass ended exactly in the state the helper assumed, and from where the helper stopped goes on one entry at a
time as before — so the report, first bad sequence number and message included, is the one a single pass gives.

The helper is forked, not spawned (no second Django start-up); it never touches the connection it inherited (the
parent's socket or file handle) — it keeps it referenced so that nothing closes it — and leaves with ``os._exit``.
"""

from __future__ import annotations

import multiprocessing
import os
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import TYPE_CHECKING, Any

from django.db import connection, connections

from lawtrace.ledger import keys, merkle
from lawtrace.ledger.models import Log

if TYPE_CHECKING:  # verify imports this module at run time
    from lawtrace.ledger.verify import _FastPath, _State


@dataclass
class Result:
    """What the helper vouched for: entries ``[begin, end)``, assuming ``prev_leaf`` and ``prev_time`` of the entry
    before ``begin``."""

    begin: int
    end: int
    prev_leaf: bytes
    prev_time: str
    last_leaf: bytes
    last_time: str
    subtrees: list[tuple[int, bytes]]  # the tree over [begin, end)
    at_sizes: list[tuple[int, list[tuple[int, bytes]]]]  # (checkpoint size, the tree over [begin, size))


class Helper:
    def __init__(self, process: multiprocessing.process.BaseProcess, pipe: Connection, begin: int) -> None:
        self.process, self.pipe, self.begin = process, pipe, begin

    def result(self) -> Result | None:
        """The helper's result; None if it failed (the caller then checks that part itself)."""
        try:
            outcome = self.pipe.recv()
        except EOFError:
            outcome = None
        self.process.join()
        self.pipe.close()
        return outcome if isinstance(outcome, Result) else None

    def abandon(self) -> None:
        """The first part already failed: what the helper found no longer matters."""
        self.process.kill()
        self.process.join()
        self.pipe.close()


def start(log: Log, *, mid: int, sizes: list[int]) -> Helper | None:
    """Fork a helper for the entries from ``mid``; None when there is nothing before ``mid`` to assume."""
    if mid <= 0:
        return None
    receiving, sending = multiprocessing.get_context("fork").Pipe(duplex=False)
    process = multiprocessing.get_context("fork").Process(
        target=_run,
        args=(sending, dict(connection.settings_dict), connection.alias, log.pk, log.origin, mid, sizes),
        daemon=True,
    )
    process.start()
    sending.close()
    return Helper(process, receiving, mid)


_INHERITED: list[Any] = []  # the parent's connection wrappers, kept alive in the helper so nothing closes them


def _run(
    pipe: Connection, settings: dict[str, Any], alias: str, log_id: int, origin: str, mid: int, sizes: list[int]
) -> None:
    from lawtrace.ledger.verify import without_gc  # verify imports this module

    own = None
    try:
        _INHERITED.extend(connections.all(initialized_only=True))
        own = type(connections[alias])(settings, alias)  # a new connection of the same kind; the inherited one unused
        with without_gc():
            result = _check(own, log_id, origin, mid, [s for s in sizes if s > mid])
        pipe.send(result)
    except Exception as e:  # any failure: the parent checks this part itself
        pipe.send(repr(e))
    finally:
        if own is not None:
            own.close()
        pipe.close()
        os._exit(0)


def _check(db: Any, log_id: int, origin: str, mid: int, sizes: list[int]) -> Result | None:
    """Vouch for what the fast path can from ``mid``, assuming the stored entry before it."""
    from lawtrace.ledger.verify import _TAIL_END, _TIME_SIZE, _FastPath, _State

    with db.cursor() as cursor:
        cursor.execute("SELECT data, leaf_hash FROM ledger_entry WHERE log_id = %s AND seq = %s", [log_id, mid - 1])
        row = cursor.fetchone()
    if row is None:
        return None
    data, leaf = bytes(row[0]), bytes(row[1])
    time_at = len(data) - len(_TAIL_END) - _TIME_SIZE
    prev_time = data[time_at : time_at + _TIME_SIZE].decode("ascii", "replace")
    state = _State(size=mid, prev_leaf=leaf, last_time=prev_time)
    fast = _FastPath(origin, keys.EntryMacChecker(keys.mac_keys(origin)))
    tree = merkle.SubtreeRange(mid)
    at_sizes = _vouch(db, log_id, fast, state, tree, sizes)
    return Result(
        begin=mid,
        end=state.size,
        prev_leaf=leaf,
        prev_time=prev_time,
        last_leaf=state.prev_leaf,
        last_time=state.last_time,
        subtrees=tree.subtrees,
        at_sizes=at_sizes,
    )


def _vouch(
    db: Any, log_id: int, fast: _FastPath, state: _State, tree: merkle.SubtreeRange, sizes: list[int]
) -> list[tuple[int, list[tuple[int, bytes]]]]:
    """Run the fast path along the rows until the first entry it cannot vouch for (or the end), growing ``tree`` and
    advancing ``state``; the tree's subtrees at each checkpoint size passed."""
    from lawtrace.ledger.verify import _batches

    at_sizes: list[tuple[int, list[tuple[int, bytes]]]] = []
    pending: list[bytes] = []
    for rows in _batches(db, log_id, state.size, False):
        i = 0
        while i < len(rows):
            next_size = sizes[0] if sizes else None
            limit = len(rows) if next_size is None else min(len(rows), i + next_size - state.size)
            i = fast.run(rows, i, limit, state, pending)
            tree.extend(pending)
            pending.clear()
            if state.size == next_size:
                at_sizes.append((sizes.pop(0), list(tree.subtrees)))
            if i < limit:
                return at_sizes
    return at_sizes
