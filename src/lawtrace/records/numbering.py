"""文号 given by the system (APL-59): a document whose kind names a numbering pattern gets its number when it is
signed — not when drafted, so an abandoned draft leaves no hole — from a counter per organisation, kind and year
that is locked while a number is given (the same counter as 案号). A correction keeps its original's number: it is
the same document, corrected."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from lawtrace import clock
from lawtrace.errors import Refused
from lawtrace.records.models import Record
from lawtrace.rulebook.schema import RecordKind

FIELD = "document_number"


def check_draft(spec: RecordKind, content: dict[str, Any], corrects: Record | None) -> dict[str, Any]:
    """The draft's content with the number it may carry: none for a new document of a numbered kind (the system
    gives it at signing), the original's for a correction."""
    if spec.numbering is None:
        return content
    typed = str(content.get(FIELD) or "")
    if corrects is not None:
        number = str(corrects.content.get(FIELD) or "")
        if typed and typed != number:
            raise Refused(f"更正不改变文号：{spec.name}的文号仍为{number}。", rule="APL-59")
        return {**content, FIELD: number} if number else content
    if typed:
        raise Refused(f"{spec.name}的文号由系统在签发时按本机关编号规则自动编排，请勿填写。", rule="APL-59")
    return content


def assign(record: Record, spec: RecordKind) -> str | None:
    """Give the signed document its number (inside the signing transaction: a refused signature gives none)."""
    from lawtrace.cases.services import allocate_number

    if spec.numbering is None or record.content.get(FIELD):
        return None
    organisation = record.case.organisation
    year = timezone.localtime(clock.now()).year
    serial = allocate_number(organisation, f"文号:{record.kind}"[:20], year)
    number = spec.numbering.format_map({"简称": organisation.short_name, "年": year, "n": serial})
    record.content = {**record.content, FIELD: number}
    return number
