"""The party reading its case records (阅卷, WS-24 / IMR-24): a request registered for the party, approved or
refused by the bureau head only, and — only after approval — each reading recorded: which records were shown,
when, by whom. Confidential records (IMR-5c) are never shown. Each action is ledgered; a refused one writes nothing.

The party has no account: the handler or the archivist registers the request and shows the records.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.db import transaction
from django.db.models import QuerySet

from lawtrace import clock
from lawtrace.cases.models import Case, Party
from lawtrace.cases.selectors import is_handler
from lawtrace.errors import PermissionRefused, Refused
from lawtrace.ledger.actions import LedgerAction
from lawtrace.ledger.entry import commitment
from lawtrace.ledger.services import append
from lawtrace.orgs.models import User
from lawtrace.orgs.permissions import Action
from lawtrace.orgs.selectors import can
from lawtrace.records.confidentiality import confidentiality_rule
from lawtrace.records.models import AccessRequest, Reading, Record
from lawtrace.rulebook.loader import at as rulebook_at


def access_rule(case: Case) -> str:
    """The rule the case's rulebook governs the party's reading by (IMR-24; Wenshang: WS-24)."""
    return "IMR-24" if "IMR-24" in rulebook_at(case.rulebook, case.rulebook_version) else "WS-24"


def may_keep(actor: User, case: Case) -> bool:
    """Who registers requests and shows the records: a handler of the case or an archivist of its organisation."""
    return is_handler(actor, case) or can(actor, Action.KEEP_CASE_FILES, case.organisation)


def may_decide(actor: User, case: Case) -> bool:
    return can(actor, Action.APPROVE, case.organisation)


def offerable_records(case: Case) -> QuerySet[Record]:
    """What may be shown to the party: the case's signed records, never a confidential one (IMR-5c)."""
    return Record.objects.filter(case=case, status=Record.Status.SIGNED, confidential=False).order_by(
        "occurred_at", "pk"
    )


@transaction.atomic
def register_access_request(
    *, actor: User, case: Case, party: Party, requested_at: datetime, scope: str
) -> AccessRequest:
    """登记当事人查阅申请: the party (of this case) asks to read the records it names."""
    rule = access_rule(case)
    if not may_keep(actor, case):
        raise PermissionRefused("只有本案承办人或档案管理员可以登记查阅申请。", rule=rule)
    if party.case_id != case.pk:
        raise Refused("申请人不是本案当事人，不能查阅本案执法记录。", rule=rule)
    if not scope.strip():
        raise Refused("请填写申请查阅的记录。", rule=rule)
    if requested_at > clock.now():
        raise Refused("申请时间不能晚于现在。", rule=rule)
    request = AccessRequest.objects.create(
        case=case, party=party, requested_at=requested_at, scope=scope.strip(), registered_by=actor
    )
    append(
        action=LedgerAction.ACCESS_REQUESTED,
        actor=actor,
        organisation=case.organisation,
        case_number=case.number,
        payload={
            "request": str(request.pk),
            "party": str(party.pk),
            "content": commitment(request.salt, {"scope": request.scope, "requested_at": requested_at.isoformat()}),
        },
    )
    return request


@transaction.atomic
def decide_access_request(*, actor: User, request: AccessRequest, approve: bool, opinion: str) -> AccessRequest:
    """负责人同意（或不同意）当事人查阅 (WS-24 / IMR-24): the bureau head's decision, with the opinion."""
    request = AccessRequest.objects.select_for_update().select_related("case__organisation").get(pk=request.pk)
    case = request.case
    rule = access_rule(case)
    if not may_decide(actor, case):
        raise PermissionRefused("当事人查阅执法记录须经行政机关负责人同意。", rule=rule)
    if request.status != AccessRequest.Status.PENDING:
        raise Refused(f"该查阅申请已审批（{request.get_status_display()}）。", rule=rule)
    if not opinion.strip():
        raise Refused("请填写负责人意见。", rule=rule)
    request.status = AccessRequest.Status.APPROVED if approve else AccessRequest.Status.REFUSED
    request.decided_by, request.decided_at, request.opinion = actor, clock.now(), opinion.strip()
    request.save(update_fields=["status", "decided_by", "decided_at", "opinion"])
    append(
        action=LedgerAction.ACCESS_APPROVED if approve else LedgerAction.ACCESS_REFUSED,
        actor=actor,
        organisation=case.organisation,
        case_number=case.number,
        payload={"request": str(request.pk), "opinion": commitment(request.salt, {"opinion": request.opinion})},
    )
    return request


@transaction.atomic
def record_reading(*, actor: User, request: AccessRequest, records: Sequence[Record]) -> Reading:
    """记录当事人查阅: the records shown to the party, now, by the person showing them. Only under a request the
    head approved (WS-24 / IMR-24); never a confidential record (IMR-5c)."""
    request = AccessRequest.objects.select_for_update().select_related("case__organisation").get(pk=request.pk)
    case = request.case
    rule = access_rule(case)
    if not may_keep(actor, case):
        raise PermissionRefused("只有本案承办人或档案管理员可以提供查阅。", rule=rule)
    if request.status != AccessRequest.Status.APPROVED:
        raise Refused("未经行政机关负责人同意，当事人不得查阅执法记录。", rule=rule)
    if not records:
        raise Refused("请选择提供查阅的记录。", rule=rule)
    shown = list(Record.objects.filter(pk__in=[r.pk for r in records]).order_by("occurred_at", "pk"))
    if len(shown) != len({r.pk for r in records}) or any(r.case_id != case.pk for r in shown):
        raise Refused("只能提供本案的执法记录。", rule=rule)
    if secret := [r for r in shown if r.confidential]:
        names = "、".join(f"{r.kind_name}（{r.get_confidential_category_display()}）" for r in secret)
        raise Refused(f"涉密记录不得提供当事人查阅：{names}。", rule=confidentiality_rule(case))
    if drafts := [r for r in shown if r.status != Record.Status.SIGNED]:
        raise Refused(f"草稿不能提供查阅：{'、'.join(r.kind_name for r in drafts)}。", rule=rule)
    reading = Reading.objects.create(request=request, read_at=clock.now(), shown_by=actor)
    reading.records.set(shown)
    append(
        action=LedgerAction.RECORDS_READ,
        actor=actor,
        organisation=case.organisation,
        case_number=case.number,
        payload={"request": str(request.pk), "reading": str(reading.pk), "records": [str(r.pk) for r in shown]},
    )
    return reading
