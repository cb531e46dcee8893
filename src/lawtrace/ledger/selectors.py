"""Reads of the ledger for pages: timelines and the status of each log."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import QuerySet

from lawtrace.ledger.actions import LedgerAction
from lawtrace.ledger.models import Checkpoint, Cosignature, Entry, Log, Verification
from lawtrace.orgs.models import Organisation


@dataclass(frozen=True)
class TimelineItem:
    seq: int
    time: datetime
    action: str
    action_label: str
    actor: str
    payload: dict[str, Any]
    leaf_hash: str
    covered: bool  # inside the latest signed checkpoint


def timeline(entries: QuerySet[Entry], limit: int = 50) -> list[TimelineItem]:
    """The newest entries first, each with whether a signed checkpoint already covers it."""
    rows = list(entries.select_related("log").order_by("-time", "-seq")[:limit])
    signed: dict[int, int] = {}
    for row in rows:
        if row.log_id not in signed:
            latest = Checkpoint.objects.filter(log_id=row.log_id).order_by("-size").first()
            signed[row.log_id] = latest.size if latest else 0
    items = []
    for row in rows:
        data = json.loads(bytes(row.data))
        actor = data.get("actor") or {}
        items.append(
            TimelineItem(
                seq=row.seq,
                time=row.time,
                action=row.action,
                action_label=str(LedgerAction(row.action).label) if row.action in LedgerAction.values else row.action,
                actor=actor.get("name") or "系统",
                payload=data.get("payload", {}),
                leaf_hash=bytes(row.leaf_hash).hex(),
                covered=row.seq < signed[row.log_id],
            )
        )
    return items


def organisation_entries(organisation: Organisation) -> QuerySet[Entry]:
    return Entry.objects.filter(log__organisation=organisation)


def case_entries(case_number: str) -> QuerySet[Entry]:
    return Entry.objects.filter(case_number=case_number)


@dataclass(frozen=True)
class LogStatus:
    log: Log
    last_checkpoint: Checkpoint | None
    last_verification: Verification | None
    cosignatures: list[Cosignature]  # of the latest cosigned checkpoint
    cosigned_size: int | None

    @property
    def unsigned(self) -> int:
        return self.log.size - (self.last_checkpoint.size if self.last_checkpoint else 0)


def log_statuses(organisations: QuerySet[Organisation]) -> list[LogStatus]:
    statuses = []
    for log in (
        Log.objects.filter(organisation__in=organisations).select_related("organisation").order_by("organisation__path")
    ):
        cosigned = log.checkpoints.filter(cosignatures__isnull=False).order_by("-size").first()
        statuses.append(
            LogStatus(
                log=log,
                last_checkpoint=log.checkpoints.order_by("-size").first(),
                last_verification=log.verifications.order_by("-finished_at").first(),
                cosignatures=list(cosigned.cosignatures.order_by("witness")) if cosigned else [],
                cosigned_size=cosigned.size if cosigned else None,
            )
        )
    return statuses
