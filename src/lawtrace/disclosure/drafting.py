"""From a signed record to the text of a publication item, and what the redaction must know about its case.

Which records draft which item (``TRIGGERS``) and how the text reads: the fields of the rulebook's record kind, in
its order, with its Chinese labels — except fields that are never published (signatures, seals, people's ids,
attachments, internal opinions).
"""

from __future__ import annotations

import re
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


# Text fields of record kinds (every rulebook) that name natural persons who are not officers: witnesses,
# interviewees, representatives, people who signed for a document, hearing participants, experts, applicants.
# ``first`` fields start with the person's name and go on about them (被询问人基本情况: 王秀英，女，1985年生…);
# the others are lists of names (参加人员: 调查人员李娜、郑永刚；证人孙丽华).
PERSON_FIELDS_FIRST = frozenset({"subject", "applicant", "complainant_name", "party_info", "interviewee"})
PERSON_FIELDS_LIST = frozenset(
    {"witness", "representatives", "representative", "signatory", "participants", "experts", "requester", "relatives"}
)
_NAME_SPLIT_RE = re.compile(r"[，,、；;：:\s（）()/和及与]+")
_ROLE_PREFIXES = (
    "同住成年家属 委托代理人 法定代表人 被询问人 调查人员 执法人员 听证主持人 主持人 记录人 见证人 签收人 代理人"
    " 当事人 申请人 投诉人 举报人 证人 专家 律师 家属 亲属"
).split()
_NOT_PERSONS = frozenset("汉族 男性 女性 无业 农民 职工 个体 退休 本人 其妻 其夫 其子 其女 患者 医生 护士".split())
_ORG_ENDINGS = tuple("公司 医院 诊所 药店 药房 中心 局 站 所 店 部 处 室 队 院 会 委 厅 社 村 组 办 族".split())
_CJK_NAME_RE = re.compile(r"^[\u4e00-\u9fff·]{2,6}$")


def names_in(value: str, *, first_only: bool = False) -> list[str]:
    """Natural persons' names in a record field: tokens of two to six Chinese characters, without a role word in
    front (证人孙丽华 → 孙丽华), that are no organisation and no common word. Cheap, and only for the fields above."""
    names = []
    for token in _NAME_SPLIT_RE.split(value.strip()):
        for prefix in sorted(_ROLE_PREFIXES, key=len, reverse=True):
            if token.startswith(prefix) and len(token) > len(prefix):
                token = token[len(prefix) :]
                break
        if (
            _CJK_NAME_RE.match(token)
            and "某" not in token
            and token not in _NOT_PERSONS
            and token not in _ROLE_PREFIXES
            and not token.endswith(_ORG_ENDINGS)
        ):
            names.append(token)
        if first_only and token:
            break
    return names


@dataclass(frozen=True)
class CaseFacts:
    """What the redaction must know about a case: its natural persons, addresses and personal numbers, and the
    officers' names (published on purpose, IMD-4: the name detector leaves them alone)."""

    people: tuple[Person, ...]
    addresses: tuple[str, ...]
    known: tuple[tuple[str, SpanKind], ...]
    party_minor: bool
    public_names: tuple[str, ...] = ()

    def names(self) -> tuple[str, ...]:
        return tuple(sorted({p.name for p in self.people}))


def _record_people(case: Case, officers: set[str]) -> list[Person]:
    people: list[Person] = []
    for content in case.records.values_list("content", flat=True):
        if not isinstance(content, dict):
            continue
        for field_name, value in content.items():
            if not isinstance(value, str) or not value.strip():
                continue
            if field_name in PERSON_FIELDS_FIRST or field_name in PERSON_FIELDS_LIST:
                for name in names_in(value, first_only=field_name in PERSON_FIELDS_FIRST):
                    if name not in officers:
                        people.append(Person(name))
    return people


def case_facts(case: Case | None) -> CaseFacts:
    """Everyone the case records as a natural person — parties, representatives, complainants, and the witnesses,
    interviewees, representatives and others named in its records' fields — with its addresses and numbers."""
    if case is None:
        return CaseFacts((), (), (), False)
    from lawtrace.orgs.models import User

    officers = {
        name
        for name in User.objects.filter(roles__organisation=case.organisation).values_list("full_name", flat=True)
        if name
    }
    officers |= {name for name in case.handlers.values_list("user__full_name", flat=True) if name}
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
            people.extend(
                Person(n) for n in names_in(case.complaint.complainant_name) or [case.complaint.complainant_name]
            )
        if case.complaint.complainant_contact:
            known.append((case.complaint.complainant_contact, SpanKind.MOBILE))
    party_names = {p.name for p in people if p.is_party}
    people.extend(p for p in _record_people(case, officers) if p.name not in party_names)
    unique = list({(p.name, p.is_party): p for p in people}.values())
    return CaseFacts(tuple(unique), tuple(addresses), tuple(known), minor, tuple(sorted(officers)))


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
