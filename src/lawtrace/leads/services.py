"""Actions on leads (线索): register, extend the checking period, decide not to open, open a case from it.

Each action: permission (the permission table), the rule's checks (refusing with the rule ID and a Chinese message),
the rows, and one ledger entry in the organisation's log — in one transaction. A refused action writes nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from django.db import transaction
from django.utils import timezone

from lawtrace import clock
from lawtrace.cases import compliance, rules
from lawtrace.cases import services as cases
from lawtrace.cases.models import Case, CaseSource, CaseType, Complaint, Procedure
from lawtrace.errors import PermissionRefused, Refused
from lawtrace.leads.models import UNDECIDED, Decision, Lead, LeadExtension, LeadSource, LeadStatus
from lawtrace.ledger.actions import LedgerAction
from lawtrace.ledger.entry import commitment
from lawtrace.ledger.services import append
from lawtrace.orgs.models import Organisation, User
from lawtrace.orgs.permissions import Action
from lawtrace.orgs.selectors import can, require
from lawtrace.rulebook.loader import at as rulebook_at
from lawtrace.rulebook.schema import Approval, Extension

RULE = "NHSA-LEAD"

# The case source a lead's source becomes when a case is opened from it.
CASE_SOURCE = {
    LeadSource.INSPECTION: CaseSource.EX_OFFICIO,
    LeadSource.COMPLAINT: CaseSource.COMPLAINT,
    LeadSource.REFERRAL: CaseSource.REFERRAL,
    LeadSource.ASSIGNED: CaseSource.ASSIGNED,
    LeadSource.MONITORING: CaseSource.EX_OFFICIO,
}

# Who the rulebook's ``approval`` names, as an action of the permission table.
APPROVER = {
    Approval.BUREAU_HEAD: Action.APPROVE,
    Approval.UNIT_HEAD: Action.GIVE_OPINION,
    Approval.COLLECTIVE_DISCUSSION: Action.APPROVE,
}


def lead_number(organisation: Organisation, year: int, serial: int) -> str:
    return f"{organisation.short_name}线〔{year}〕{serial}号"


def extension_block(lead: Lead) -> Extension | None:
    """NHSA-LEAD's extension block in the rulebook version the lead was registered under (None: not extendable)."""
    rulebook = rulebook_at(lead.rulebook, lead.rulebook_version)
    if RULE not in rulebook:
        return None
    deadline = rulebook.rule(RULE).deadline
    return deadline.extension if deadline is not None and deadline.extendable else None


def _undecided(lead: Lead) -> Lead:
    """The lead, locked — the race it prevents: two officers deciding the same lead at once (two cases, or a case
    and a refusal), or two extensions both counted against the same limit."""
    lead = Lead.objects.select_for_update().get(pk=lead.pk)
    if lead.status not in UNDECIDED:
        raise Refused(f"该线索已处理（{lead.get_status_display()}）。")
    return lead


@transaction.atomic
def register_lead(
    *,
    actor: User,
    organisation: Organisation,
    source: LeadSource | str,
    received_at: datetime,
    summary: str,
    suspect_name: str,
    complaint: Complaint | None = None,
) -> Lead:
    """登记线索: where it came from, when it was found or received, what it says, whom it concerns. The checking
    period (NHSA-LEAD) runs from ``received_at`` under the rulebook version in force today."""
    require(actor, Action.HANDLE_CASE, organisation)
    now = clock.now()
    version = rules.version_for(organisation, timezone.localtime(now).date())
    if source not in LeadSource.values:
        raise Refused("请选择线索来源。", rule=RULE)
    if not summary.strip() or not suspect_name.strip():
        raise Refused("请填写线索内容和涉嫌违法的单位或个人。", rule=RULE)
    if timezone.is_naive(received_at) or received_at > now:
        raise Refused("发现或收到线索的时间不能晚于登记时间。", rule=RULE)
    if complaint is not None:
        if complaint.organisation_id != organisation.pk:
            raise Refused("该投诉举报不属于本机关。")
        if source != LeadSource.COMPLAINT:
            raise Refused("关联投诉举报的线索，来源应为“投诉举报”。", rule=RULE)
    year = timezone.localtime(received_at).year
    serial = cases.allocate_number(organisation, "lead", year)
    lead = Lead.objects.create(
        organisation=organisation,
        number=lead_number(organisation, year, serial),
        source=source,
        received_at=received_at,
        summary=summary.strip(),
        suspect_name=suspect_name.strip(),
        complaint=complaint,
        registered_by=actor,
        registered_at=now,
        rulebook=organisation.rulebook,
        rulebook_version=version,
    )
    append(
        action=LedgerAction.LEAD_REGISTERED,
        actor=actor,
        organisation=organisation,
        payload={
            "lead": str(lead.pk),
            "number": lead.number,
            "source": str(source),
            "rulebook": f"{lead.rulebook}@{version}",
            "complaint": str(complaint.pk) if complaint else None,
            "content": commitment(
                lead.salt,
                {"summary": lead.summary, "suspect_name": lead.suspect_name, "received_at": received_at.isoformat()},
            ),
        },
    )
    return lead


@transaction.atomic
def extend_lead(*, actor: User, lead: Lead, reason: str) -> LeadExtension:
    """延长核查期限: approved by whom the rulebook names (the bureau head), with a reason, by the rulebook's number of
    working days, at most its number of times (NHSA-LEAD)."""
    lead = _undecided(lead)
    block = extension_block(lead)
    if block is None:
        raise Refused("适用的规则集不允许延长线索核查期限。", rule=RULE)
    if not can(actor, APPROVER[block.approval], lead.organisation):
        raise PermissionRefused("延长线索核查期限须经机关负责人批准。", rule=RULE)
    if block.reason_required and not reason.strip():
        raise Refused("请填写延长核查期限的理由。", rule=RULE)
    used = lead.extensions.count()
    if block.max_extensions is not None and used >= block.max_extensions:
        raise Refused(f"线索核查期限只能延长{block.max_extensions}次，已延长{used}次。", rule=RULE)
    extension = LeadExtension.objects.create(
        lead=lead, days=block.length, reason=reason.strip(), approved_by=actor, at=clock.now()
    )
    lead.status = LeadStatus.EXTENDED
    lead.save(update_fields=["status"])
    append(
        action=LedgerAction.LEAD_EXTENDED,
        actor=actor,
        organisation=lead.organisation,
        payload={
            "lead": str(lead.pk),
            "extension": str(extension.pk),
            "days": extension.days,
            "unit": str(block.unit),
            "reason": commitment(lead.salt, {"reason": extension.reason}),
        },
    )
    return extension


@transaction.atomic
def decide_not_to_open(*, actor: User, lead: Lead, reason: str) -> Lead:
    """不予立案: the check found no ground to open a case; the reason is recorded (NHSA-LEAD's decision, WS-10b).

    Not opening ends the matter for the party and the complainant, so it is the head's decision (负责人, the same
    who approves opening — WS-10 / IMR-8), not the checking officer's: an officer proposes it in the reason field of
    the lead page, the head decides."""
    lead = _undecided(lead)
    if not can(actor, Action.APPROVE, lead.organisation):
        raise PermissionRefused("不予立案须由行政机关负责人决定。", rule=RULE)
    if not reason.strip():
        raise Refused("请填写核查情况及不予立案的理由。", rule=RULE)
    lead.status, lead.decision = LeadStatus.NOT_OPENED, Decision.NOT_OPEN
    lead.decided_at, lead.decided_by, lead.reason = clock.now(), actor, reason.strip()
    lead.save(update_fields=["status", "decision", "decided_at", "decided_by", "reason"])
    append(
        action=LedgerAction.LEAD_NOT_OPENED,
        actor=actor,
        organisation=lead.organisation,
        payload={"lead": str(lead.pk), "reason": commitment(lead.salt, {"reason": lead.reason})},
    )
    return lead


def _discovered_at(lead: Lead) -> datetime:
    """When the violation was discovered (APL-36): the lead found or received — or the complaint it came from,
    received earlier, even when that complaint was already taken up."""
    moments = [lead.received_at]
    if lead.complaint is not None:
        moments.append(lead.complaint.received_at)
    return min(moments)


@transaction.atomic
def open_case_from_lead(
    *,
    actor: User,
    lead: Lead,
    case_type: CaseType,
    title: str,
    facts: str,
    parties: Sequence[cases.PartyInput],
    handlers: Sequence[User],
    handler_opinion: str,
    violation_ended_on: date | None = None,
    harms_life_or_finance: bool = False,
    urgent: bool = False,
    procedure: Procedure = Procedure.GENERAL,
) -> Case:
    """立案: the decision to open a case on the lead (NHSA-LEAD met when taken in time). The case is registered by
    ``cases.services.register_case`` with every gate it has (APL-42 handlers, APL-36 limitation, WS-10 contents)
    and goes through the normal opening approval; the lead records the decision and links the case (APL-54 is met
    when the case is opened)."""
    lead = _undecided(lead)
    require(actor, Action.HANDLE_CASE, lead.organisation)
    complaint = lead.complaint if lead.complaint and lead.complaint.handling == Complaint.Handling.PENDING else None
    case = cases.register_case(
        actor=actor,
        organisation=lead.organisation,
        case_type=case_type,
        source=CASE_SOURCE[LeadSource(lead.source)],
        title=title,
        facts=facts,
        parties=parties,
        handlers=handlers,
        handler_opinion=handler_opinion,
        violation_ended_on=violation_ended_on,
        harms_life_or_finance=harms_life_or_finance,
        urgent=urgent,
        complaint=complaint,
        procedure=procedure,
        discovered_at=_discovered_at(lead),  # APL-36: the limitation runs to the lead's discovery
    )
    lead.status, lead.decision, lead.case = LeadStatus.OPENED, Decision.OPEN, case
    lead.decided_at, lead.decided_by, lead.reason = case.created_at, actor, handler_opinion.strip()
    lead.save(update_fields=["status", "decision", "case", "decided_at", "decided_by", "reason"])
    append(
        action=LedgerAction.LEAD_CASE_OPENED,
        actor=actor,
        organisation=lead.organisation,
        case_number=case.number,
        payload={"lead": str(lead.pk), "number": lead.number, "case": str(case.pk)},
    )
    compliance.refresh(case)  # the case's projection now carries the lead's findings (NHSA-LEAD, APL-54)
    return case
