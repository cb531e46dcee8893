"""Complete content for any record kind of a rulebook, filled from its field specs — for tests parametrised from
the rulebook, where the record's kind is data and only its time fields matter."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from lawtrace.cases.models import Case
from lawtrace.orgs.models import User
from lawtrace.rulebook.loader import at
from lawtrace.rulebook.schema import FieldSpec, FieldType


def filled(
    case: Case, kind: str, person: User, moment: datetime, *, also: Mapping[str, FieldSpec] | None = None, **given: Any
) -> dict[str, Any]:
    """Every required field of ``kind`` filled (times at ``moment``), the fields ``also`` names (a rule's or a
    service mode's), then ``given`` on top."""
    spec = at(case.rulebook, case.rulebook_version).record_kind(kind)
    party = case.parties.first()
    fields = {**spec.required_fields, **(also or {})}
    content = {name: _value(field, person, party.pk if party else None, moment) for name, field in fields.items()}
    return {**content, **given}


def _value(field: FieldSpec, person: User, party_id: int | None, moment: datetime) -> Any:
    kind = field.type
    value: Any
    if kind is FieldType.DATETIME:
        value = moment.isoformat()
    elif kind is FieldType.DATE:
        value = moment.date().isoformat()
    elif kind is FieldType.INTEGER:
        value = 1
    elif kind is FieldType.MONEY:
        value = 100_00
    elif kind is FieldType.BOOLEAN:
        value = True
    elif kind is FieldType.CHOICE:
        value = next(iter(field.choices or {"x": ""}))
    elif kind is FieldType.PERSON:
        value = str(person.pk)
    elif kind is FieldType.PARTY:
        value = str(party_id)
    elif kind is FieldType.SIGNATURE:
        value = "signed"
    else:
        value = f"{field.label}（测试）"
    return [value] if field.many and not isinstance(value, list) else value
