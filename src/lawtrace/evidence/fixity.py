"""Fixity: re-read stored files and check their SHA-256. A mismatch or a missing file is a ledger entry in every
case that relies on the file (so the supervisors' views show it), never a silent pass."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction

from lawtrace import clock
from lawtrace.evidence import store
from lawtrace.evidence.hashing import digest_blocks
from lawtrace.evidence.models import AVFile, StoredObject
from lawtrace.ledger.actions import LedgerAction
from lawtrace.ledger.services import append


@transaction.atomic
def report_failure(stored: StoredObject, *, actual: str) -> int:
    """Ledger the failure once per case holding the file; returns how many entries were written."""
    written = 0
    files = AVFile.objects.filter(stored=stored).select_related("av_record__case__organisation")
    for case in {f.av_record.case for f in files}:
        append(
            action=LedgerAction.AV_FIXITY_FAILED,
            actor=None,
            organisation=case.organisation,
            case_number=case.number,
            payload={"stored": str(stored.pk), "expected": stored.sha256, "actual": actual},
            evidence=[stored.sha256],
        )
        written += 1
    return written


def verify(stored: StoredObject) -> bool:
    """Read the whole file once; True when it is there and matches its SHA-256. The check is recorded on the row
    (a failed file is re-checked on the normal cycle, not every minute, so one failure is not a flood of entries)."""
    actual = digest_blocks(store.read_range(stored.storage_name)).sha256 if store.exists(stored.storage_name) else None
    ok = actual == stored.sha256
    if not ok:
        report_failure(stored, actual=actual or "missing")
    StoredObject.objects.filter(pk=stored.pk).update(last_checked_at=clock.now(), fixity_ok=ok)
    return ok


@dataclass(frozen=True)
class FixityRun:
    checked: int
    failed: int


def check_due(*, every: timedelta = timedelta(days=30), limit: int = 100) -> FixityRun:
    """Check the files not verified for ``every`` (oldest first), at most ``limit`` per run."""
    cutoff = clock.now() - every
    due = StoredObject.objects.filter(last_checked_at__isnull=True) | StoredObject.objects.filter(
        last_checked_at__lt=cutoff
    )
    checked = failed = 0
    for stored in due.order_by("last_checked_at", "pk")[:limit]:
        checked += 1
        failed += 0 if verify(stored) else 1
    return FixityRun(checked, failed)
