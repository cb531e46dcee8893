"""Records against the ledger (WS-20 / IMR-20: every act traceable): a record changed behind the application's back
is caught.

``ledger verify`` proves the ledger itself unchanged; this proves each record row still holds everything the ledger
committed to when it was made and signed:

- content, kind and time (``occurred_at``): the ``record.added`` / ``record.corrected`` entry (and the
  ``record.signed`` one, where signing gave the document its 文号) carries the salted SHA-256 of them
  (``ledger.entry.commitment``); the row is recomputed and compared, and its stored ``content_hash`` too;
- the kind named in the making entry's payload;
- the case: the case number in the entry's bytes;
- the parties to the record: its maker (``created_by``) is the making entry's actor, and what it corrects;
- the status and the signer: a signed record has a ``record.signed`` entry whose actor is ``signed_by``, a draft has
  none; ``created_at`` / ``signed_at`` are the times those entries recorded;
- and every record the ledger says was made still exists.

A correction is a record of its own (``corrects``), made and signed like any other, so it is checked the same way.

The time went into the commitment as the service received it (``isoformat()`` in the caller's zone); the row gives
it back in UTC, so both renderings a service can have used (UTC, Asia/Shanghai) are tried.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from lawtrace.ledger.actions import LedgerAction
from lawtrace.ledger.entry import commitment, format_time, parse_time
from lawtrace.ledger.models import Entry
from lawtrace.records.models import Record
from lawtrace.rulebook.calendar import SHANGHAI

MAKING = (LedgerAction.RECORD_ADDED, LedgerAction.RECORD_CORRECTED)
# The entries that commit to a record's content; the signature's entry is the last word where signing gave the
# document its 文号 (APL-59, ``records.numbering``) and so changed the content.
MADE = (*MAKING, LedgerAction.RECORD_SIGNED)
# Ledger time is at or after the service's clock.now() (nudged forward when entries share one instant).
TIME_TOLERANCE = timedelta(minutes=1)


@dataclass(frozen=True)
class Mismatch:
    record: Record
    problem: str

    def __str__(self) -> str:
        return f"{self.record.case.number} {self.record.kind_name}（记录 {self.record.pk}）：{self.problem}"


@dataclass(frozen=True)
class MissingRecord:
    """A record the ledger says was made, whose row is gone."""

    record_id: int
    case_number: str

    @property
    def problem(self) -> str:
        return "台账记载了该记录的制作，但记录已不存在（被删除）"

    def __str__(self) -> str:
        return f"{self.case_number}（记录 {self.record_id}）：{self.problem}"


@dataclass
class Committed:
    """What the ledger says about one record: its making entry, its signing entry, the last content hash."""

    made: dict[str, Any] | None = None
    signed: dict[str, Any] | None = None
    content: str = ""
    extra: list[dict[str, Any]] = field(default_factory=list)


def committed(case_numbers: Iterable[str] | None = None) -> dict[int, Committed]:
    """Record id → what the ledger committed to for it, read from the entries' bytes (not their index columns)."""
    entries = Entry.objects.filter(action__in=[str(a) for a in MADE]).order_by("log_id", "seq")
    if case_numbers is not None:
        entries = entries.filter(case_number__in=list(case_numbers))
    found: dict[int, Committed] = {}
    for data in entries.values_list("data", flat=True).iterator():
        obj = json.loads(bytes(data))
        payload = obj["payload"]
        c = found.setdefault(int(payload["record"]), Committed())
        if obj["action"] == LedgerAction.RECORD_SIGNED:
            c.signed = obj
        elif c.made is None:
            c.made = obj
        else:
            c.extra.append(obj)
        c.content = str(payload["content"])
    return found


def committed_hashes(case_numbers: Iterable[str] | None = None) -> dict[int, str]:
    """Record id → the content hash last ledgered for it (made, corrected or signed)."""
    return {pk: c.content for pk, c in committed(case_numbers).items()}


def _renderings(moment: datetime) -> list[str]:
    return [moment.astimezone(UTC).isoformat(), moment.astimezone(SHANGHAI).isoformat()]


def recomputed_matches(record: Record, expected: str) -> bool:
    return any(
        commitment(record.salt, {"kind": record.kind, "occurred_at": when, **record.content}) == expected
        for when in _renderings(record.occurred_at)
    )


def _actor(obj: dict[str, Any]) -> int | None:
    actor = obj.get("actor")
    return int(actor["id"]) if actor else None


def _same_time(moment: datetime | None, obj: dict[str, Any], name: str) -> bool:
    """The row's time equals the one its entry recorded (``created_at`` / ``signed_at`` in the payload); entries from
    before those were recorded give only the ledger time, which a row's time can never be later than."""
    if moment is None:
        return False
    if name in obj["payload"]:
        return format_time(moment) == obj["payload"][name]
    return moment.astimezone(UTC) <= parse_time(obj["time"]) + TIME_TOLERANCE


def _problems(record: Record, c: Committed) -> list[str]:
    made, signed = c.made, c.signed
    if made is None:
        return ["台账中没有制作该记录的条目"]
    problems = []
    if record.content_hash != c.content:
        problems.append("内容哈希已被改写，与台账不符")
    elif not recomputed_matches(record, c.content):
        problems.append("记录内容已被改动，与台账承诺的哈希不符")
    payload = made["payload"]
    if payload.get("kind", record.kind) != record.kind:
        problems.append(f"记录种类被改为 {record.kind}，台账记载为 {payload['kind']}")
    if made.get("case") != record.case.number or (signed and signed.get("case") != record.case.number):
        problems.append(f"记录被移到案件 {record.case.number}，台账记载为 {made.get('case')}")
    if _actor(made) != record.created_by_id:
        problems.append("制作人与台账记载的不符")
    if not _same_time(record.created_at, made, "created_at"):
        problems.append("制作时间与台账记载的不符")
    corrects = payload.get("corrects")
    if (str(record.corrects_id) if record.corrects_id else None) != corrects:
        problems.append("所更正的记录与台账记载的不符")
    if record.status == Record.Status.SIGNED:
        if signed is None:
            problems.append("记录标为已签署，但台账中没有签署条目")
        else:
            if _actor(signed) != record.signed_by_id:
                problems.append("签署人与台账记载的不符")
            if not _same_time(record.signed_at, signed, "signed_at"):
                problems.append("签署时间与台账记载的不符")
    elif signed is not None:
        problems.append(f"台账记载该记录已签署，但记录状态为「{record.get_status_display()}」")
    return problems


def check_records(records: Iterable[Record], *, missing: bool = False) -> list[Mismatch | MissingRecord]:
    """Every record whose row no longer matches what the ledger committed to, with the reasons; with ``missing``,
    also every record the ledger knows of whose row is gone."""
    records = list(records)
    case_numbers = {r.case.number for r in records}
    found_committed = committed(None if missing else case_numbers)
    found: list[Mismatch | MissingRecord] = []
    for record in records:
        if problems := _problems(record, found_committed.get(record.pk, Committed())):
            found.append(Mismatch(record, "；".join(problems)))
    if missing:
        present = {r.pk for r in records}
        for pk, c in sorted(found_committed.items()):
            if pk not in present and c.made is not None:
                found.append(MissingRecord(pk, str(c.made.get("case") or "")))
    return found


def check_all(case_number: str | None = None) -> list[Mismatch | MissingRecord]:
    records = Record.objects.select_related("case").order_by("pk")
    if case_number:
        return check_records(records.filter(case__number=case_number))
    return check_records(records, missing=True)
