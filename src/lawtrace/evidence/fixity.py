"""Fixity: re-read stored files and check their SHA-256, and say whether a file may be served as evidence.

- A check's result is kept on the row (``last_checked_at``, ``fixity_ok``, ``fixity_failed_at``). The change from
  intact to failed is a compare-and-swap on ``fixity_ok``, in the same transaction as its ledger entries, so a
  failure is ledgered exactly once however many downloads, playbacks and periodic runs find it (and from however
  many servers). A file that checks intact again (restored from a copy) is ledgered too, as restored.
- The rolling schedule (``check_due``): the whole store is re-hashed every ``LAWTRACE_FIXITY_CYCLE_DAYS``. At night
  (01:00–05:00 Asia/Shanghai) ``lawtrace periodic`` checks the files whose last check is older than the cycle less
  a day, oldest first, a share per run; at any hour it catches up on files past the full cycle or never checked.
- Serving (``problem``): a file that failed is never served as evidence; a small file
  (≤ ``LAWTRACE_FIXITY_HASH_ON_SERVE_BYTES``) is hashed before its first byte is sent; a larger one is served only
  after a successful check within the cycle (its upload's own hash pass counts as the first).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import Q

from lawtrace import clock
from lawtrace.cases.models import Case
from lawtrace.evidence import store
from lawtrace.evidence.hashing import digest_blocks
from lawtrace.evidence.models import AVFile, AVRecord, StationFile, StoredObject
from lawtrace.ledger.actions import LedgerAction
from lawtrace.ledger.services import append

SHANGHAI = ZoneInfo("Asia/Shanghai")
NIGHT_HOURS = range(1, 5)  # 01:00–04:59 local time
PER_RUN = 100  # files per periodic run at most
PER_RUN_BYTES = 4 * 1024**3  # and bytes (a run every minute: ~1 TiB a night)

FAILED = (
    "该文件完整性校验失败（与入库时的 SHA-256 不符或文件缺失），不能作为证据播放或下载。"
    "此情况已记入台账，请联系监督人员核查。"
)


def cycle() -> timedelta:
    return timedelta(days=settings.LAWTRACE_FIXITY_CYCLE_DAYS)


def hash_on_serve_limit() -> int:
    return int(settings.LAWTRACE_FIXITY_HASH_ON_SERVE_BYTES)


def not_checked_message(stored: StoredObject) -> str:
    return (
        f"该文件较大（{stored.size / 1024**2:,.0f} MiB），近 {settings.LAWTRACE_FIXITY_CYCLE_DAYS} 天内尚未完成"
        "完整性校验，暂不提供播放或下载；校验完成后即可使用（监督人员可在音像记录页面发起校验）。"
    )


def cases_holding(stored: StoredObject) -> list[Case]:
    """Every case that relies on the file: as an AV file, an AV record's transcript, or a record's attachment."""
    from lawtrace.documents.models import FinalDocument
    from lawtrace.records.models import Attachment

    ids = set(AVFile.objects.filter(stored=stored).values_list("av_record__case_id", flat=True))
    ids |= set(AVRecord.objects.filter(transcript_file=stored).values_list("case_id", flat=True))
    ids |= set(Attachment.objects.filter(stored=stored).values_list("record__case_id", flat=True))
    ids |= set(FinalDocument.objects.filter(stored=stored).values_list("record__case_id", flat=True))
    return list(Case.objects.filter(pk__in=ids).select_related("organisation").order_by("pk"))


def _ledger(stored: StoredObject, action: LedgerAction, payload: dict[str, str]) -> int:
    """One entry per case holding the file; a file no case holds yet (a docking station's intake) goes to the
    station's organisation's log."""
    body = {"stored": str(stored.pk), "sha256": stored.sha256, **payload}
    cases = cases_holding(stored)
    for case in cases:
        append(
            action=action,
            actor=None,
            organisation=case.organisation,
            case_number=case.number,
            payload=body,
            evidence=[stored.sha256],
        )
    if cases:
        return len(cases)
    organisations = {
        f.station.organisation for f in StationFile.objects.filter(stored=stored).select_related("station")
    }
    for organisation in sorted(organisations, key=lambda o: o.pk):
        append(action=action, actor=None, organisation=organisation, payload=body, evidence=[stored.sha256])
    return len(organisations)


def record_result(stored: StoredObject, *, actual: str | None) -> bool:
    """Keep the result of a check (``actual``: the SHA-256 read, or None for a missing file); True when intact.
    The failure (or the recovery) is ledgered only by the check that changed the row."""
    ok = actual == stored.sha256
    now = clock.now()
    with transaction.atomic():
        if ok:
            restored = StoredObject.objects.filter(pk=stored.pk, fixity_ok=False).update(
                fixity_ok=True, last_checked_at=now
            )
            if restored:
                _ledger(stored, LedgerAction.AV_FIXITY_RESTORED, {})
            else:
                StoredObject.objects.filter(pk=stored.pk).update(last_checked_at=now)
        else:
            failed = StoredObject.objects.filter(pk=stored.pk, fixity_ok=True).update(
                fixity_ok=False, fixity_failed_at=now, last_checked_at=now
            )
            if failed:
                _ledger(
                    stored, LedgerAction.AV_FIXITY_FAILED, {"expected": stored.sha256, "actual": actual or "missing"}
                )
                stored.fixity_failed_at = now
            else:
                StoredObject.objects.filter(pk=stored.pk).update(last_checked_at=now)
    stored.fixity_ok, stored.last_checked_at = ok, now
    return ok


def verify(stored: StoredObject) -> bool:
    """Read the whole file once; True when it is there and matches its SHA-256."""
    name = stored.storage_name
    actual = digest_blocks(store.read_range(name)).sha256 if store.exists(name) else None
    return record_result(stored, actual=actual)


def intact_small(stored: StoredObject) -> bytes | None:
    """A small file's bytes (a scan, a final document) if they still hash to its SHA-256 — checked before anything
    is sent — else None; a mismatch is kept and ledgered once, as for any stored file."""
    if not stored.fixity_ok:
        return None
    data = b"".join(store.read_range(stored.storage_name)) if store.exists(stored.storage_name) else None
    actual = digest_blocks([data]).sha256 if data is not None else None
    return data if record_result(stored, actual=actual) else None


def problem(stored: StoredObject, *, trust_check_within: timedelta | None = None) -> str | None:
    """Why the file may not be served as evidence now (a Chinese message), or None when it may.

    ``trust_check_within``: a small file checked that recently is not hashed again (a player's range requests
    after the opening one, which hashed it)."""
    if not stored.fixity_ok:
        return FAILED
    now = clock.now()
    recent = stored.last_checked_at is not None and (
        trust_check_within is not None and stored.last_checked_at >= now - trust_check_within
    )
    if stored.size <= hash_on_serve_limit():
        return None if recent or verify(stored) else FAILED
    if stored.last_checked_at is None or stored.last_checked_at < now - cycle():
        return not_checked_message(stored)
    return None


def state(stored: StoredObject) -> str:
    """For the pages: "failed", "unchecked" (a large file not checked within the cycle, not served) or "ok"."""
    if not stored.fixity_ok:
        return "failed"
    if stored.size > hash_on_serve_limit() and (
        stored.last_checked_at is None or stored.last_checked_at < clock.now() - cycle()
    ):
        return "unchecked"
    return "ok"


@dataclass(frozen=True)
class FixityRun:
    checked: int
    failed: int


def due(now: datetime) -> Q:
    """Files due now: never checked or past the cycle at any hour; at night also those within a day of it."""
    overdue = Q(last_checked_at__isnull=True) | Q(last_checked_at__lt=now - cycle())
    if now.astimezone(SHANGHAI).hour in NIGHT_HOURS:
        return overdue | Q(last_checked_at__lt=now - cycle() + timedelta(days=1))
    return overdue


def check_due(*, limit: int = PER_RUN, byte_budget: int = PER_RUN_BYTES) -> FixityRun:
    """One periodic run's share of the rolling schedule, oldest check first; at least one file when one is due."""
    checked = failed = spent = 0
    for stored in StoredObject.objects.filter(due(clock.now())).order_by("last_checked_at", "pk")[:limit]:
        if checked and spent + stored.size > byte_budget:
            break
        checked, spent = checked + 1, spent + stored.size
        failed += 0 if verify(stored) else 1
    return FixityRun(checked, failed)


def check_all() -> FixityRun:
    """Every stored file, now (``lawtrace evidence fixity --all``)."""
    checked = failed = 0
    for stored in StoredObject.objects.order_by("pk").iterator():
        checked += 1
        failed += 0 if verify(stored) else 1
    return FixityRun(checked, failed)
