"""Records against the ledger (WS-20 / IMR-20: every act traceable): a record changed behind the application's back
is caught.

``ledger verify`` proves the ledger itself unchanged; this proves each record still holds what the ledger committed
to when it was made. Each record's ``record.added`` / ``record.corrected`` entry carries the salted SHA-256 of its
kind, time and content (``ledger.entry.commitment``); the record is recomputed from its row and compared. An UPDATE
of the content (or kind, or time) leaves the hash wrong; one that also rewrites ``content_hash`` still disagrees with
the ledger, which cannot be rewritten unnoticed.

The time went into the commitment as the service received it (``isoformat()`` in the caller's zone); the row gives
it back in UTC, so both renderings a service can have used (UTC, Asia/Shanghai) are tried.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from lawtrace.ledger.actions import LedgerAction
from lawtrace.ledger.entry import commitment
from lawtrace.ledger.models import Entry
from lawtrace.records.models import Record
from lawtrace.rulebook.calendar import SHANGHAI

# The entries that commit to a record's content; the signature's entry is the last word where signing gave the
# document its 文号 (APL-59, ``records.numbering``) and so changed the content.
MADE = (LedgerAction.RECORD_ADDED, LedgerAction.RECORD_CORRECTED, LedgerAction.RECORD_SIGNED)


@dataclass(frozen=True)
class Mismatch:
    record: Record
    problem: str

    def __str__(self) -> str:
        return f"{self.record.case.number} {self.record.kind_name}（记录 {self.record.pk}）：{self.problem}"


def committed_hashes(case_numbers: Iterable[str] | None = None) -> dict[int, str]:
    """Record id → the content hash last ledgered for it (made, corrected or signed)."""
    entries = Entry.objects.filter(action__in=[str(a) for a in MADE]).order_by("pk")
    if case_numbers is not None:
        entries = entries.filter(case_number__in=list(case_numbers))
    committed = {}
    for data in entries.values_list("data", flat=True).iterator():
        payload = json.loads(bytes(data))["payload"]
        committed[int(payload["record"])] = str(payload["content"])
    return committed


def _renderings(moment: datetime) -> list[str]:
    return [moment.astimezone(UTC).isoformat(), moment.astimezone(SHANGHAI).isoformat()]


def recomputed_matches(record: Record, expected: str) -> bool:
    return any(
        commitment(record.salt, {"kind": record.kind, "occurred_at": when, **record.content}) == expected
        for when in _renderings(record.occurred_at)
    )


def check_records(records: Iterable[Record]) -> list[Mismatch]:
    """Every record whose row no longer matches what the ledger committed to, with the reason."""
    records = list(records)
    committed = committed_hashes({r.case.number for r in records})
    found = []
    for record in records:
        expected = committed.get(record.pk)
        if expected is None:
            found.append(Mismatch(record, "台账中没有制作该记录的条目"))
        elif record.content_hash != expected:
            found.append(Mismatch(record, "内容哈希已被改写，与台账不符"))
        elif not recomputed_matches(record, expected):
            found.append(Mismatch(record, "记录内容已被改动，与台账承诺的哈希不符"))
    return found


def check_all(case_number: str | None = None) -> list[Mismatch]:
    records = Record.objects.select_related("case").order_by("pk")
    if case_number:
        records = records.filter(case__number=case_number)
    return check_records(records)
