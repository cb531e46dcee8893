"""The facts of a case as of a moment: a plain object the judges read, built once per check.

A judge (``cases.judges``) decides a rule from these facts alone — which records exist, signed or not, of which kind,
when they happened and were signed, by whom, what they say — so the same function can refuse an act when its record
is signed and give the finding on the case page, and can be tested on fixed dates without a database.

``facts_of(case)`` reads the case's rows (prefetched by ``compliance.EVALUATE_PREFETCH`` where many cases are
evaluated); ``as_of(moment, act)`` narrows them to what had been signed by the moment of an act and happened before
it — a record the law wants first must be *signed, and dated*, before the act that depends on it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time
from functools import cached_property
from typing import TYPE_CHECKING, Any

from lawtrace.rulebook.calendar import SHANGHAI

if TYPE_CHECKING:
    from lawtrace.cases.models import Case
    from lawtrace.records.models import Record


@dataclass(frozen=True)
class RecordFact:
    """One record as the judges see it. ``signed_at`` is None for a draft."""

    pk: int
    kind: str
    name: str
    occurred_at: datetime
    created_by: int
    content: Mapping[str, Any]
    signed_at: datetime | None = None
    signed_by: int | None = None
    corrects: int | None = None

    @property
    def signed(self) -> bool:
        return self.signed_at is not None

    @property
    def number(self) -> str:
        return str(self.content.get("document_number") or "")

    def moment(self, name: str) -> datetime | None:
        """A date or datetime field of the content as an aware moment (a date: the day's start in Shanghai);
        None when empty or unreadable — stored data never makes a judge raise."""
        return as_moment(self.content.get(name))

    def flag(self, name: str) -> bool | None:
        """A yes/no field: True, False (answered no) or None (not answered). False is a value, not a gap."""
        value = self.content.get(name)
        if value in (None, ""):
            return None
        if isinstance(value, str):
            return value.strip().lower() in ("true", "1", "yes", "on", "是")
        return bool(value)

    def amount(self, name: str) -> int | None:
        value = self.content.get(name)
        if isinstance(value, bool) or value in (None, ""):
            return None
        try:
            return int(str(value))
        except ValueError:
            return None

    def when(self) -> datetime:
        """When the act the record performs took effect: its signature, or for a draft its stated time."""
        return self.signed_at or self.occurred_at

    def label(self) -> str:
        return f"{self.name}（{self.number or self.pk}）"


@dataclass(frozen=True)
class CaseFacts:
    """What a case holds at a moment. ``records`` are the effective signed ones (a signed correction stands in for
    its original) — drafts never count for a rule; ``history`` every signed record, corrected originals included."""

    case_id: int
    number: str
    case_type: str
    procedure: str
    status: str
    registered_at: datetime | None
    opened_at: datetime | None
    urgent: bool
    handlers: frozenset[int]
    party_kinds: frozenset[str]
    records: tuple[RecordFact, ...]
    moment: datetime
    # Every signed record, corrected originals included: what stood at an earlier moment is rebuilt from it.
    history: tuple[RecordFact, ...] = field(default=())
    # The case's checklist confirmations (rule ID, when confirmed): what a person checked, e.g. WS-3b's formats.
    confirmations: tuple[tuple[str, datetime], ...] = field(default=())

    # -- reading -----------------------------------------------------------------------------------------------------

    def of_kind(self, *kinds: str) -> list[RecordFact]:
        return [r for r in self.records if r.kind in kinds]

    def latest(self, kind: str) -> RecordFact | None:
        """The latest signed record of a kind."""
        found = self.of_kind(kind)
        return max(found, key=lambda r: (r.when(), r.pk)) if found else None

    def has(self, kind: str) -> bool:
        return any(r.kind == kind for r in self.records)

    @property
    def natural_parties_only(self) -> bool:
        return self.party_kinds == {"natural"}

    @property
    def any_natural_party(self) -> bool:
        return "natural" in self.party_kinds

    @cached_property
    def _receipts(self) -> dict[str, list[datetime]]:
        by_number: dict[str, list[datetime]] = {}
        for receipt in self.of_kind("service_receipt"):
            number, at = str(receipt.content.get("document_number") or ""), receipt.moment("served_at")
            if number and at is not None:
                by_number.setdefault(number, []).append(at)
        return by_number

    def served_at(self, record: RecordFact) -> datetime | None:
        """When the document was served, by the facts' moment: its own 送达时间, or the first 送达回证 that names
        its 文号. A service dated after the moment has not happened yet."""
        moments = [m for m in (record.moment("served_at"),) if m is not None]
        if record.number:
            moments += self._receipts.get(record.number, [])
        moments = [m for m in moments if m <= self.moment]
        return min(moments) if moments else None

    # -- narrowing ---------------------------------------------------------------------------------------------------

    def as_of(self, moment: datetime, act: RecordFact | None = None) -> CaseFacts:
        """The facts an act at ``moment`` could rely on: records signed, and dated, no later than it. The act
        itself is not among them."""
        kept = [
            r
            for r in (self.history or self.records)
            if r.signed_at is not None
            and r.signed_at <= moment
            and r.occurred_at <= moment
            and (act is None or r.pk != act.pk)
        ]
        # A correction stands for its original only from its own signature: before it, the original stood.
        return replace(self, records=effective(kept), moment=moment, history=tuple(kept))


def as_moment(value: object) -> datetime | None:
    """A stored date or datetime (ISO text or a datetime) as an aware moment; None for anything unreadable."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=SHANGHAI)
    if isinstance(value, date):
        return datetime.combine(value, time(0), SHANGHAI)
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    if len(value.strip()) == 10:
        return datetime.combine(parsed.date(), time(0), SHANGHAI)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=SHANGHAI)


def record_fact(record: Record, *, signed_at: datetime | None = None, signed_by: int | None = None) -> RecordFact:
    """A record as a fact; ``signed_at``/``signed_by`` describe a draft as it would be signed now."""
    return RecordFact(
        pk=record.pk,
        kind=record.kind,
        name=record.kind_name or record.kind,
        occurred_at=record.occurred_at,
        created_by=record.created_by_id,
        content=dict(record.content or {}),
        signed_at=record.signed_at if record.signed_at is not None else signed_at,
        signed_by=record.signed_by_id if record.signed_by_id is not None else signed_by,
        corrects=record.corrects_id,
    )


def effective(records: Iterable[RecordFact]) -> tuple[RecordFact, ...]:
    """Signed records, a signed correction standing in for its original."""
    signed = [r for r in records if r.signed]
    replaced = {r.corrects for r in signed if r.corrects}
    return tuple(r for r in signed if r.pk not in replaced)


def facts_of(case: Case, *, now: datetime) -> CaseFacts:
    """The case's facts now. Reads ``records``, ``handlers`` and ``parties`` through ``.all()`` so prefetched rows
    are used when the caller loaded many cases at once."""
    facts = [record_fact(r) for r in case.records.all()]
    return CaseFacts(
        case_id=case.pk,
        number=case.number,
        case_type=case.case_type,
        procedure=case.procedure,
        status=case.status,
        registered_at=case.created_at,
        opened_at=case.opened_at,
        urgent=case.urgent,
        handlers=frozenset(h.user_id for h in case.handlers.all() if h.active),
        party_kinds=frozenset(p.kind for p in case.parties.all()),
        records=effective(facts),
        history=tuple(r for r in facts if r.signed),
        moment=now,
        confirmations=tuple((c.rule_id, c.confirmed_at) for c in case.checklist_confirmations.all()),  # type: ignore[attr-defined]
    )
