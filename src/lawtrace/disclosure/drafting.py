"""From a signed record to the text of a publication item, and what the redaction must know about its case.

Which records draft which item (``TRIGGERS``) and how the text reads: the fields of the rulebook's record kind, in
its order, with its Chinese labels — except fields that are never published (signatures, seals, people's ids,
attachments, internal opinions).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.utils import timezone

from lawtrace.cases.models import Case, CaseType, PartyKind
from lawtrace.disclosure.models import ItemKind
from lawtrace.disclosure.redaction import NameDisplay, Person, SpanKind, masked_name
from lawtrace.records.models import Record
from lawtrace.rulebook.schema import FieldType, RecordKind

# record kind → item kind (an inspection result is drafted when an inspection case's closing report is signed)
TRIGGERS: dict[str, ItemKind] = {
    "penalty_decision": ItemKind.PENALTY,
    "onsite_penalty_decision": ItemKind.PENALTY,
    "coercive_measure_decision": ItemKind.COERCION,
    "execution_record": ItemKind.EXECUTION,
}
INSPECTION_CASE_TYPES = (CaseType.INSPECTION, CaseType.AUDIT)

_NEVER_SHOWN_TYPES = {
    FieldType.SIGNATURE,
    FieldType.PERSON,
    FieldType.ATTACHMENT,
    FieldType.EVIDENCE,
    FieldType.RECORD,
    FieldType.BOOLEAN,
    FieldType.PARTY,
}
_NEVER_SHOWN_FIELDS = {"head_opinion", "signed_at", "served_at", "approved_at", "filed_at", "refusal_note"}


def item_kind_for(record: Record) -> ItemKind | None:
    if record.confidential:  # IMR-5c / IMD-8: a record marked confidential is never drafted for publication
        return None
    if record.kind in TRIGGERS:
        return TRIGGERS[record.kind]
    if record.kind == "closing_report" and record.case.case_type in INSPECTION_CASE_TYPES:
        return ItemKind.INSPECTION
    return None


def _value_text(spec_type: FieldType, value: Any, choices: dict[str, str] | None) -> str:
    if value in (None, "", []):
        return ""
    if spec_type is FieldType.MONEY:
        return f"{int(value) / 100:,.2f}元"
    if spec_type is FieldType.DATETIME:
        moment = datetime.fromisoformat(str(value))
        return f"{timezone.localtime(moment):%Y年%m月%d日}"
    if spec_type is FieldType.DATE:
        return f"{date.fromisoformat(str(value)):%Y年%m月%d日}"
    if spec_type is FieldType.CHOICE and choices:
        return choices.get(str(value), str(value))
    return str(value)


def record_text(spec: RecordKind, content: dict[str, Any]) -> str:
    """The record's publishable fields, one line each: ``label：value``."""
    lines = []
    for name, field in {**spec.required_fields, **spec.optional_fields}.items():
        if field.type in _NEVER_SHOWN_TYPES or name in _NEVER_SHOWN_FIELDS:
            continue
        text = _value_text(field.type, content.get(name), field.choices)
        if text:
            lines.append(f"{field.label}：{text}")
    return "\n".join(lines)


def record_title(spec: RecordKind, content: dict[str, Any], case: Case) -> str:
    number = content.get("document_number") or content.get("form_number") or ""
    name = spec.name or "执法信息"
    return f"{name}（{number}）" if number else f"{name}（{case.number}）"


def is_minor_penalty(content: dict[str, Any]) -> bool:
    """A warning or 通报批评 without a fine: PUB-MASK keeps it online for the shorter period."""
    kinds = str(content.get("penalty_type_and_basis", ""))
    return not content.get("fine_fen") and ("警告" in kinds or "通报批评" in kinds)


@dataclass(frozen=True)
class CaseFacts:
    """What the redaction must know about a case: its natural persons, addresses and personal numbers."""

    people: tuple[Person, ...]
    addresses: tuple[str, ...]
    known: tuple[tuple[str, SpanKind], ...]
    party_minor: bool


def case_facts(case: Case | None) -> CaseFacts:
    if case is None:
        return CaseFacts((), (), (), False)
    people: list[Person] = []
    addresses: list[str] = []
    known: list[tuple[str, SpanKind]] = []
    minor = False
    for party in case.parties.all():
        if party.kind == PartyKind.NATURAL:
            people.append(Person(party.name, is_party=True))
        elif party.representative:
            people.append(Person(party.representative))  # a natural person who is not the party
        if party.address:
            addresses.append(party.address)  # cut to county level, a legal person's too
        if party.id_number:
            known.append((party.id_number, SpanKind.ID_NUMBER))
        if party.phone:
            known.append((party.phone, SpanKind.MOBILE))
        minor = minor or party.is_minor
    if case.complaint is not None:
        if case.complaint.complainant_name:
            people.append(Person(case.complaint.complainant_name))
        if case.complaint.complainant_contact:
            known.append((case.complaint.complainant_contact, SpanKind.MOBILE))
    return CaseFacts(tuple(people), tuple(addresses), tuple(known), minor)


def party_display(case: Case | None, name_display: str) -> str:
    """The parties as the public sees them: legal persons by name, natural persons masked (PUB-MASK)."""
    if case is None:
        return ""
    names = []
    for party in case.parties.all():
        if party.kind == PartyKind.NATURAL and name_display != NameDisplay.FULL:
            names.append(masked_name(party.name))
        else:
            names.append(party.name)
    return "、".join(names)
