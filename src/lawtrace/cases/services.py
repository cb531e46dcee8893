"""Actions on cases: the only writers of cases, parties, handlers, approvals and complaints.

Each action: permission (the permission table), the rule gates (refusing with the rule ID and a Chinese message),
the rows, and one ledger entry — in one transaction. A refused action writes nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from django.db import transaction
from django.utils import timezone

from lawtrace import clock
from lawtrace.cases import compliance, rules
from lawtrace.cases.models import (
    Application,
    Approval,
    Case,
    CaseSource,
    CaseStatus,
    CaseType,
    Complaint,
    Counter,
    Handler,
    Party,
    PartyKind,
    Phase,
    Procedure,
)
from lawtrace.errors import PermissionRefused, Refused
from lawtrace.identifiers import certificate_number, is_valid_credit_code, is_valid_id_number
from lawtrace.ledger.actions import LedgerAction
from lawtrace.ledger.entry import commitment
from lawtrace.ledger.services import append
from lawtrace.orgs.models import Certificate, Organisation, User
from lawtrace.orgs.permissions import Action
from lawtrace.orgs.selectors import require
from lawtrace.orgs.services import check_can_handle


@dataclass(frozen=True)
class PartyInput:
    kind: PartyKind
    name: str
    id_number: str = ""
    credit_code: str = ""
    representative: str = ""
    address: str = ""
    phone: str = ""
    is_minor: bool = False


def allocate_number(organisation: Organisation, series: str, year: int) -> int:
    """The next number of a series, gap-free. The counter row is locked (PostgreSQL) — the race it prevents: two
    app servers reading the same ``last`` and both giving number N. On SQLite the IMMEDIATE transaction already
    holds the write lock."""
    Counter.objects.get_or_create(organisation=organisation, series=series, year=year)
    counter = Counter.objects.select_for_update().get(organisation=organisation, series=series, year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return counter.last


def case_number(organisation: Organisation, year: int, serial: int) -> str:
    return f"{organisation.short_name}立〔{year}〕{serial}号"


def _party_content(p: Party) -> dict[str, object]:
    return {
        "kind": p.kind,
        "name": p.name,
        "id_number": p.id_number,
        "credit_code": p.credit_code,
        "representative": p.representative,
        "address": p.address,
        "phone": p.phone,
        "is_minor": p.is_minor,
    }


def _validate_party(p: PartyInput) -> None:
    if not p.name.strip():
        raise Refused("当事人姓名或名称不能为空。")
    if p.kind == PartyKind.NATURAL:
        if p.id_number and not is_valid_id_number(p.id_number):
            raise Refused(f"当事人“{p.name}”的身份证号无效（位数、出生日期或校验位不正确）。")
    elif p.credit_code and not is_valid_credit_code(p.credit_code):
        raise Refused(f"当事人“{p.name}”的统一社会信用代码无效（校验位不正确）。")


def _check_handlers(
    handlers: Sequence[User], organisation: Organisation, rulebook: str, version: str, day: date
) -> list[tuple[User, Certificate]]:
    """APL-42 / FUND-29: at least the rulebook's number of distinct handlers, each with a distinct valid certificate,
    each an officer of the organisation."""
    minimum = int(rules.param(rulebook, version, "APL-42", "min_handlers"))
    distinct = list(dict.fromkeys(handlers))
    if len(distinct) < minimum:
        raise Refused(f"执法人员不得少于{minimum}人（当前{len(distinct)}人）。", rule="APL-42")
    qualified = []
    for person in distinct:
        require(person, Action.HANDLE_CASE, organisation)
        qualified.append((person, check_can_handle(person, on=day)))
    numbers = [certificate_number(c.number) for _, c in qualified]  # NFKC, trimmed: as typed is not two
    if len(set(numbers)) != len(numbers):
        raise Refused("承办人须持各自不同的执法证。", rule="APL-42")
    return qualified


def _discovered_on(day: date, complaint: Complaint | None, discovered_at: datetime | None) -> tuple[date, str]:
    """APL-36 counts to the violation's *discovery*, not to the opening: the day the complaint was received or the
    lead found or received (the earliest of them), else the day the case is registered — with what it was."""
    found = [(day, "立案登记")]
    if complaint is not None:
        found.append((timezone.localtime(complaint.received_at).date(), f"收到投诉举报（{complaint.number}）"))
    if discovered_at is not None:
        found.append((timezone.localtime(discovered_at).date(), "发现或收到线索"))
    return min(found, key=lambda f: f[0])


def _check_limitation(
    case_type: str, ended: date | None, harms: bool, day: date, rulebook: str, version: str, found_by: str = ""
) -> None:
    """APL-36: no penalty for a violation not discovered within 2 years (5 where life, health or finance was harmed).
    ``day`` is the day of discovery (``_discovered_on``), ``found_by`` what discovered it."""
    if case_type != CaseType.PENALTY:
        return
    if ended is None:
        raise Refused("行政处罚案件立案须填写违法行为发生（或终了）日期，以判断追责时效。", rule="APL-36")
    years = int(rules.param(rulebook, version, "APL-36", "years_harm" if harms else "years"))
    try:
        limit = ended.replace(year=ended.year + years)
    except ValueError:  # 29 February
        limit = ended.replace(year=ended.year + years, day=28)
    if day > limit:
        when = f"，{found_by}于{day:%Y年%m月%d日}" if found_by else ""
        raise Refused(
            f"违法行为终了于{ended:%Y年%m月%d日}{when}，已超过{years}年追责时效（至{limit:%Y年%m月%d日}），"
            "不得给予行政处罚。",
            rule="APL-36",
        )


@transaction.atomic
def register_complaint(
    *,
    actor: User,
    organisation: Organisation,
    received_at: datetime,
    channel: str,
    real_name: bool,
    complainant_name: str,
    complainant_contact: str,
    subject: str,
    content: str,
) -> Complaint:
    """登记投诉举报 (WS-8, IMR-7): the complainant, the content, who recorded it."""
    require(actor, Action.HANDLE_CASE, organisation)
    if real_name and not complainant_name.strip():
        raise Refused("实名投诉举报须登记投诉举报人姓名。", rule="WS-8")
    if not content.strip() or not subject.strip():
        raise Refused("请填写被投诉举报对象和投诉举报内容。", rule="WS-8")
    year = timezone.localtime(received_at).year
    serial = allocate_number(organisation, "complaint", year)
    complaint = Complaint.objects.create(
        organisation=organisation,
        number=f"{organisation.short_name}投〔{year}〕{serial}号",
        received_at=received_at,
        channel=channel,
        real_name=real_name,
        complainant_name=complainant_name,
        complainant_contact=complainant_contact,
        subject=subject,
        content=content,
        recorded_by=actor,
    )
    append(
        action=LedgerAction.COMPLAINT_REGISTERED,
        actor=actor,
        organisation=organisation,
        payload={
            "complaint": str(complaint.pk),
            "number": complaint.number,
            "real_name": real_name,
            "content": commitment(
                complaint.salt,
                {
                    "complainant_name": complainant_name,
                    "complainant_contact": complainant_contact,
                    "subject": subject,
                    "content": content,
                    "received_at": received_at.isoformat(),
                    "channel": channel,
                },
            ),
        },
    )
    return complaint


@transaction.atomic
def decline_complaint(*, actor: User, complaint: Complaint, reason: str, notice: str) -> Complaint:
    """不予受理 (WS-8b, IMR-7b): a real-name complainant is told, and what they were told is recorded."""
    require(actor, Action.HANDLE_CASE, complaint.organisation)
    complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
    if complaint.handling != Complaint.Handling.PENDING:
        raise Refused(f"该投诉举报已处理（{complaint.get_handling_display()}）。")
    from lawtrace.rulebook.loader import load

    rule = "IMR-7b" if "IMR-7b" in load(complaint.organisation.rulebook) else "WS-8b"  # the organisation's own
    if not reason.strip():
        raise Refused("请填写不予受理的理由。", rule=rule)
    if complaint.real_name and not notice.strip():
        raise Refused("实名投诉举报不予受理的，应当告知投诉举报人并记录告知情况。", rule=rule)
    complaint.handling, complaint.handling_note = Complaint.Handling.NOT_TAKEN_UP, reason
    complaint.notice_to_complainant = notice
    complaint.notified_at = clock.now() if notice.strip() else None
    complaint.save()
    append(
        action=LedgerAction.COMPLAINT_DECLINED,
        actor=actor,
        organisation=complaint.organisation,
        payload={
            "complaint": str(complaint.pk),
            "notified": bool(notice.strip()),
            "content": commitment(complaint.salt, {"reason": reason, "notice": notice}),
        },
    )
    return complaint


@transaction.atomic
def register_case(
    *,
    actor: User,
    organisation: Organisation,
    case_type: CaseType,
    source: CaseSource,
    title: str,
    facts: str,
    parties: Sequence[PartyInput],
    handlers: Sequence[User],
    handler_opinion: str,
    violation_ended_on: date | None = None,
    harms_life_or_finance: bool = False,
    urgent: bool = False,
    complaint: Complaint | None = None,
    procedure: Procedure = Procedure.GENERAL,
    application: Application | None = None,
    discovered_at: datetime | None = None,
) -> Case:
    """立案登记 (WS-10, IMR-8): the reason, source, parties, facts and the handler's opinion, for approval.

    ``discovered_at``: when the violation was discovered, where the case comes from a lead (its ``received_at``);
    a complaint's own ``received_at`` counts too — APL-36's limitation runs to the earliest of them.

    Gates: two handlers with valid certificates (APL-42), the limitation period for penalties (APL-36). An urgent
    case (IMR-8b) starts at once; its approval request must follow within the rulebook's hours. A summary-procedure
    case (简易程序, APL-51) is a penalty decided on the spot: it starts at once in 审查决定, without the opening
    approval chain, and its on-the-spot decision is checked against the rulebook's limits when signed.
    """
    require(actor, Action.HANDLE_CASE, organisation)
    now = clock.now()
    day = timezone.localtime(now).date()
    version = rules.version_for(organisation, day)
    rules.check_scope(organisation, case_type, version)  # WS-2, WS-25, IMR-2 / IMD-3, IMR-27
    if actor not in handlers:
        raise PermissionRefused("立案登记人须是本案承办人之一。", rule="APL-42")
    qualified = _check_handlers(handlers, organisation, organisation.rulebook, version, day)
    discovered, found_by = _discovered_on(day, complaint, discovered_at)  # APL-36: to discovery
    _check_limitation(
        case_type, violation_ended_on, harms_life_or_finance, discovered, organisation.rulebook, version, found_by
    )
    if (source == CaseSource.APPLICATION) != (application is not None):
        raise Refused("依申请的案件须从申请登记受理后立案（申请登记中“受理并立案”）。", rule="WS-9")
    if not parties:
        raise Refused("请至少填写一名当事人的基本情况。", rule="WS-10")
    for p in parties:
        _validate_party(p)
    if not title.strip() or not facts.strip():
        raise Refused("请填写案由和基本案情。", rule="WS-10")
    summary = procedure == Procedure.SUMMARY
    if summary and (case_type != CaseType.PENALTY or urgent):
        raise Refused("简易程序只适用于当场作出的行政处罚。", rule="APL-51")
    if not urgent and not summary and not handler_opinion.strip():
        raise Refused("请填写承办人意见。", rule="WS-10")
    if complaint is not None:
        complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
        if complaint.organisation_id != organisation.pk or complaint.handling != Complaint.Handling.PENDING:
            raise Refused("该投诉举报不能再立案（已处理或不属于本机关）。")
    if application is not None:  # 受理 (WS-9): the case opens from the application, which is then accepted
        application = Application.objects.select_for_update().get(pk=application.pk)
        if application.organisation_id != organisation.pk or application.status != Application.Status.RECEIVED:
            raise Refused("该申请不能受理立案（已处理、待补正或不属于本机关）。", rule="WS-9")
    serial = allocate_number(organisation, "case", day.year)
    case = Case.objects.create(
        organisation=organisation,
        number=case_number(organisation, day.year, serial),
        year=day.year,
        serial=serial,
        case_type=case_type,
        source=source,
        title=title,
        facts=facts,
        violation_ended_on=violation_ended_on,
        harms_life_or_finance=harms_life_or_finance,
        urgent=urgent,
        rulebook=organisation.rulebook,
        rulebook_version=version,
        complaint=complaint,
        application=application,
        created_by=actor,
        created_at=now,
        procedure=procedure,
        status=CaseStatus.ACTIVE if urgent or summary else CaseStatus.PENDING_APPROVAL,
        phase=Phase.DECISION if summary else Phase.INVESTIGATION if urgent else Phase.OPENING,
        opened_at=now if urgent or summary else None,
    )
    party_rows = [Party.objects.create(case=case, **p.__dict__) for p in parties]
    handler_rows = [
        Handler.objects.create(case=case, user=u, certificate=c, is_lead=(u == actor), assigned_at=now)
        for u, c in qualified
    ]
    if handler_opinion.strip():
        Approval.objects.create(
            case=case,
            subject=Approval.Subject.OPENING,
            step=Approval.Step.HANDLER,
            approve=True,
            opinion=handler_opinion,
            by=actor,
            at=now,
        )
    if complaint is not None:
        complaint.handling = Complaint.Handling.TAKEN_UP
        complaint.save(update_fields=["handling"])
    if application is not None:
        application.status, application.decided_at = Application.Status.ACCEPTED, now
        application.save(update_fields=["status", "decided_at"])
    append(
        action=LedgerAction.CASE_REGISTERED,
        actor=actor,
        organisation=organisation,
        case_number=case.number,
        payload={
            "case": str(case.pk),
            "type": case_type,
            "source": source,
            "urgent": urgent,
            "procedure": procedure,
            "rulebook": f"{case.rulebook}@{version}",
            "complaint": str(complaint.pk) if complaint else None,
            "application": str(application.pk) if application else None,
            "parties": [{"party": str(p.pk), "content": commitment(p.salt, _party_content(p))} for p in party_rows],
            "handlers": [{"person": str(h.user_id), "certificate": h.certificate.number} for h in handler_rows],
            "content": commitment(case.salt, {"title": title, "facts": facts, "opinion": handler_opinion}),
        },
    )
    compliance.refresh(case)
    return case


def _pending_opening(case: Case) -> Case:
    case = Case.objects.select_for_update().get(pk=case.pk)
    if case.status not in (CaseStatus.PENDING_APPROVAL, CaseStatus.ACTIVE) or (case.opened_at and not case.urgent):
        raise Refused("该案件不在立案审批中。")
    return case


def _opening_opinion(
    *,
    actor: User,
    case: Case,
    step: Approval.Step,
    needs: Approval.Step | None,
    approve: bool,
    opinion: str,
    missing_previous: str,
    rule: str,
) -> tuple[Case, Approval]:
    """One opinion in the opening chain, in order: the previous step must exist and this one must not."""
    case = _pending_opening(case)
    steps = set(case.approvals.filter(subject=Approval.Subject.OPENING).values_list("step", flat=True))
    if needs is not None and needs not in steps:
        raise Refused(missing_previous, rule=rule)
    if step in steps:
        raise Refused(f"{step.label}已签署。")
    if not opinion.strip():
        raise Refused(f"请填写{step.label}。", rule=rule)
    approval = Approval.objects.create(
        case=case,
        subject=Approval.Subject.OPENING,
        step=step,
        approve=approve,
        opinion=opinion,
        by=actor,
        at=clock.now(),
    )
    return case, approval


def _ledger_opinion(actor: User, case: Case, action: LedgerAction, approval: Approval) -> None:
    append(
        action=action,
        actor=actor,
        organisation=case.organisation,
        case_number=case.number,
        payload={"case": str(case.pk), "approval": str(approval.pk), "approve": approval.approve},
    )
    compliance.refresh(case)


@transaction.atomic
def submit_opening_request(*, actor: User, case: Case, opinion: str) -> Approval:
    """补报立案审批 (IMR-8b): the handler's opinion for an urgent case started before approval."""
    if not case.handlers.filter(user=actor, active=True).exists():
        raise PermissionRefused("只有本案承办人可以提交立案审批。")
    case, approval = _opening_opinion(
        actor=actor,
        case=case,
        step=Approval.Step.HANDLER,
        needs=None,
        approve=True,
        opinion=opinion,
        missing_previous="",
        rule="IMR-8",
    )
    _ledger_opinion(actor, case, LedgerAction.OPENING_REQUESTED, approval)
    return approval


@transaction.atomic
def give_unit_opinion(*, actor: User, case: Case, approve: bool, opinion: str) -> Approval:
    """承办机构负责人意见 (WS-10)."""
    require(actor, Action.GIVE_OPINION, case.organisation)
    case, approval = _opening_opinion(
        actor=actor,
        case=case,
        step=Approval.Step.UNIT_HEAD,
        needs=Approval.Step.HANDLER,
        approve=approve,
        opinion=opinion,
        missing_previous="承办人尚未提交立案审批。",
        rule="WS-10",
    )
    _ledger_opinion(actor, case, LedgerAction.OPINION_GIVEN, approval)
    return approval


@transaction.atomic
def decide_opening(*, actor: User, case: Case, approve: bool, opinion: str) -> Case:
    """机关负责人批准（或不批准）立案 (WS-10, IMR-8). Not approved: the case is not opened (WS-10b: the party is
    told — recorded as a record of that kind)."""
    require(actor, Action.APPROVE, case.organisation)
    case, approval = _opening_opinion(
        actor=actor,
        case=case,
        step=Approval.Step.BUREAU_HEAD,
        needs=Approval.Step.UNIT_HEAD,
        approve=approve,
        opinion=opinion,
        missing_previous="须先有承办机构意见，再由机关负责人审批。",
        rule="WS-10",
    )
    if approve:
        if not case.urgent:
            case.status, case.phase, case.opened_at = CaseStatus.ACTIVE, Phase.INVESTIGATION, approval.at
    else:
        case.status = CaseStatus.NOT_OPENED
    case.save(update_fields=["status", "phase", "opened_at"])
    _ledger_opinion(actor, case, LedgerAction.OPENING_APPROVED if approve else LedgerAction.OPENING_REFUSED, approval)
    return case


@transaction.atomic
def add_handler(*, actor: User, case: Case, person: User) -> Handler:
    """Add a handler (APL-42: a valid certificate, distinct from the others')."""
    require(actor, Action.APPROVE, case.organisation)
    require(person, Action.HANDLE_CASE, case.organisation)
    certificate = check_can_handle(person)
    if case.handlers.filter(user=person).exists():
        raise Refused(f"{person}已是本案承办人。")
    held = {
        certificate_number(h.certificate.number)
        for h in case.handlers.filter(active=True).select_related("certificate")
    }
    if certificate_number(certificate.number) in held:
        raise Refused("承办人须持各自不同的执法证。", rule="APL-42")
    handler = Handler.objects.create(case=case, user=person, certificate=certificate, assigned_at=clock.now())
    append(
        action=LedgerAction.HANDLER_ADDED,
        actor=actor,
        organisation=case.organisation,
        case_number=case.number,
        payload={"case": str(case.pk), "person": str(person.pk), "certificate": certificate.number},
    )
    compliance.refresh(case)
    return handler


@transaction.atomic
def recuse_handler(*, actor: User, case: Case, person: User, reason: str, applied_by_party: bool) -> Handler:
    """回避 (APL-43 / NHSA-5): decided by the head and recorded; refused if fewer than the minimum would remain."""
    require(actor, Action.APPROVE, case.organisation)
    handler = Handler.objects.select_for_update().get(case=case, user=person, active=True)
    if not reason.strip():
        raise Refused("请填写回避理由。", rule="APL-43")
    minimum = int(rules.param(case.rulebook, case.rulebook_version, "APL-42", "min_handlers"))
    remaining = case.handlers.filter(active=True).exclude(pk=handler.pk).count()
    if remaining < minimum:
        raise Refused(f"回避后承办人将少于{minimum}人，请先增加承办人。", rule="APL-43")
    handler.active, handler.removed_reason = False, reason
    handler.save(update_fields=["active", "removed_reason"])
    append(
        action=LedgerAction.HANDLER_RECUSED,
        actor=actor,
        organisation=case.organisation,
        case_number=case.number,
        payload={"case": str(case.pk), "person": str(person.pk), "applied_by_party": applied_by_party},
    )
    compliance.refresh(case)
    return handler


@transaction.atomic
def refuse_recusal(*, actor: User, case: Case, person: User, reason: str, applied_by_party: bool) -> Handler:
    """不予回避 (APL-43 / NHSA-5): the head, having examined the application (or the officer's own request), decides
    that the officer does not withdraw. "No" is a decision like "yes": it is the head's, it states its grounds, and it
    is recorded — the officer stays a handler and the investigation goes on."""
    require(actor, Action.APPROVE, case.organisation)
    handler = Handler.objects.select_for_update().get(case=case, user=person, active=True)
    if not reason.strip():
        raise Refused("请填写申请回避的事实和不予回避的理由。", rule="NHSA-5")
    append(
        action=LedgerAction.RECUSAL_REFUSED,
        actor=actor,
        organisation=case.organisation,
        case_number=case.number,
        payload={
            "case": str(case.pk),
            "person": str(person.pk),
            "applied_by_party": applied_by_party,
            "granted": False,
            "reason": commitment(case.salt, {"reason": reason.strip()}),
        },
    )
    compliance.refresh(case)
    return handler


def decide_recusal(
    *, actor: User, case: Case, person: User, reason: str, applied_by_party: bool, granted: bool
) -> Handler:
    """回避决定 on the case page (APL-43 / NHSA-5): the head grants the recusal (the officer withdraws) or not."""
    decide = recuse_handler if granted else refuse_recusal
    return decide(actor=actor, case=case, person=person, reason=reason, applied_by_party=applied_by_party)


@transaction.atomic
def record_case_view(*, actor: User, case: Case) -> bool:
    """IMR-6: a retrieval by anyone not handling the case is ledgered (at most once per person, case and hour).
    Returns whether an entry was written."""
    from lawtrace.cases.selectors import is_handler, viewed_recently

    if is_handler(actor, case) or viewed_recently(actor, case):
        return False
    append(
        action=LedgerAction.CASE_VIEWED,
        actor=actor,
        organisation=case.organisation,
        case_number=case.number,
        payload={"case": str(case.pk)},
    )
    return True


@transaction.atomic
def advance_phase(*, actor: User, case: Case) -> Case:
    """Move the case to its next phase (调查取证 → 审查决定 → 送达执行 → 结案), if every gate the rulebook attaches
    to that step holds; else refuse with each unmet rule. Closing is approved by the bureau head (NHSA-CLOSE)."""
    from lawtrace.cases.gates import next_step
    from lawtrace.cases.selectors import is_handler

    case = Case.objects.select_for_update().get(pk=case.pk)
    if case.status != CaseStatus.ACTIVE:
        raise Refused(f"案件{case.get_status_display()}，不能进入下一阶段。")
    step = next_step(case)
    if step is None:
        raise Refused("案件已在最后阶段。")
    target, blocking = step
    if target == Phase.CLOSED:
        require(actor, Action.APPROVE, case.organisation)
    elif not is_handler(actor, case):
        raise PermissionRefused("只有本案承办人可以推进办案阶段。")
    if blocking:
        raise Refused("；".join(str(b) for b in blocking), rule=blocking[0].rule_id)
    previous = case.phase
    case.phase = target
    fields = ["phase"]
    if target == Phase.CLOSED:
        case.status, case.closed_at = CaseStatus.CLOSED, clock.now()
        fields += ["status", "closed_at"]
    case.save(update_fields=fields)
    append(
        action=LedgerAction.PHASE_CHANGED,
        actor=actor,
        organisation=case.organisation,
        case_number=case.number,
        payload={"case": str(case.pk), "from": previous, "to": target},
    )
    compliance.refresh(case)
    return case


@transaction.atomic
def withdraw_case(*, actor: User, case: Case, reason: str) -> Case:
    """撤销立案: the head withdraws an opened case that should not have been opened (no violation, not ours, …),
    with the reason; refused once a decision is signed — after that only the decision's own remedies apply."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    require(actor, Action.APPROVE, case.organisation)
    if case.status not in (CaseStatus.ACTIVE, CaseStatus.SUSPENDED):
        raise Refused(f"案件{case.get_status_display()}，不能撤销立案。")
    if case.records.filter(kind__in=["penalty_decision", "onsite_penalty_decision"], status="signed").exists():  # type: ignore[attr-defined]
        raise Refused("已作出行政处罚决定的案件不能撤销立案。")
    if not reason.strip():
        raise Refused("请填写撤销立案的理由。")
    previous = case.status
    case.status, case.closed_at = CaseStatus.WITHDRAWN, clock.now()
    case.save(update_fields=["status", "closed_at"])
    append(
        action=LedgerAction.STATUS_CHANGED,
        actor=actor,
        organisation=case.organisation,
        case_number=case.number,
        payload={
            "case": str(case.pk),
            "from": previous,
            "to": CaseStatus.WITHDRAWN,
            "reason": commitment(case.salt, {"reason": reason.strip()}),
        },
    )
    compliance.refresh(case)
    return case
