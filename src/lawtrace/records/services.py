"""Actions on records: make, sign, correct — checked against the rulebook's record kind, ledgered."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from lawtrace import clock
from lawtrace.cases import act_checks, compliance, record_effects
from lawtrace.cases.models import Case, CaseStatus
from lawtrace.cases.selectors import is_handler
from lawtrace.errors import PermissionRefused, Refused
from lawtrace.evidence.gates import require_full_recording
from lawtrace.ledger.actions import LedgerAction
from lawtrace.ledger.entry import commitment, format_time
from lawtrace.ledger.services import append
from lawtrace.orgs.models import User
from lawtrace.orgs.permissions import Action
from lawtrace.orgs.selectors import require
from lawtrace.records import numbering
from lawtrace.records.models import Record
from lawtrace.rulebook.calendar import SHANGHAI
from lawtrace.rulebook.loader import at as rulebook_at
from lawtrace.rulebook.schema import FieldSpec, FieldType, RecordKind

CLOSED = (CaseStatus.CLOSED, CaseStatus.WITHDRAWN, CaseStatus.NOT_OPENED, CaseStatus.TERMINATED)


def record_kind(case: Case, kind: str) -> RecordKind:
    rulebook = rulebook_at(case.rulebook, case.rulebook_version)
    try:
        return rulebook.record_kind(kind)
    except KeyError as e:
        raise Refused(f"规则集 {case.rulebook} 中没有“{kind}”这种记录。") from e


def missing_fields(spec: RecordKind, content: dict[str, Any]) -> list[str]:
    """Labels of required fields left empty. A yes/no field answered "no" is not empty: a review that did not pass,
    a hearing not held in public, a party absent — the rules judge the answer (``record_effects``, the judges)."""
    missing = []
    for name, field in spec.required_fields.items():
        value = content.get(name)
        if value is False and field.type is FieldType.BOOLEAN:
            continue
        if value in (None, "", [], False):
            missing.append(str(field.label))
    return missing


def invalid_fields(spec: RecordKind, content: dict[str, Any]) -> list[str]:
    """What a filled field holds that its type does not allow: a choice outside its list, a negative or non-integer
    amount, a date that is no date — so a record never carries a value the rules cannot read (e.g. an execution
    result that is none of the results the closing gate knows)."""
    problems = []
    for name, field in spec.fields.items():
        value = content.get(name)
        if value in (None, "", []):
            continue
        for one in value if field.many and isinstance(value, list) else [value]:
            if (problem := _invalid(field, one)) is not None:
                problems.append(f"{field.label}{problem}")
                break
    return problems


def _invalid(field: FieldSpec, value: Any) -> str | None:
    kind = field.type
    if kind is FieldType.CHOICE and str(value) not in (field.choices or {}):
        return f"只能选择：{'、'.join((field.choices or {}).values())}"
    if kind in (FieldType.INTEGER, FieldType.MONEY):
        if isinstance(value, bool) or not (isinstance(value, int) or str(value).isdigit()):
            return "须为不小于0的整数" if kind is FieldType.INTEGER else "须为以分计的非负整数金额"
    if kind in (FieldType.DATE, FieldType.DATETIME):
        try:
            (date if kind is FieldType.DATE else datetime).fromisoformat(str(value))
        except ValueError:
            return "不是有效的日期" if kind is FieldType.DATE else "不是有效的日期时间"
    return None


# Records made by someone other than the handlers: the legal review opinion is the reviewer's, who must not be a
# handler of the case (APL-58; NHSA: the reviewer is not a handler).
MAKERS = {"legal_review_opinion": Action.LEGAL_REVIEW}


# Records the handlers draft and a head signs: the decision is signed by a head with the power to decide (APL-57,
# IMR-16/WS-16: the head's signature with its time), approvals of extension, suspension, termination and closing
# by a head who approves (NHSA-EXT, NHSA-SUSPEND, NHSA-CLOSE). The signature is the head's own act in the system.
SIGNERS = {
    "penalty_decision": Action.SIGN_DECISION,
    "extension_approval": Action.APPROVE,
    "suspension_decision": Action.APPROVE,
    "termination_decision": Action.APPROVE,
    "closing_report": Action.APPROVE,
    "deferred_payment_approval": Action.APPROVE,
    "evidence_preservation_notice": Action.APPROVE,  # APL-56: preservation approved by the head
    "coercive_measure_decision": Action.APPROVE,  # CEL-18: the measure approved beforehand by the head
    "emergency_measure_report": Action.APPROVE,  # CEL-19: an emergency measure approved (or refused) afterwards
    "coercive_measure_extension": Action.APPROVE,  # CEL-25: the sealing extended with the head's approval
    "no_penalty_decision": Action.SIGN_DECISION,  # APL-57: not to punish is the head's decision too
    "penalty_approval_form": Action.APPROVE,  # 行政处罚决定审批表: the head's approval of the proposed decision
    "recusal_decision": Action.APPROVE,  # APL-43 / NHSA-5: the head decides a recusal
    "referral_letter": Action.APPROVE,  # APL-57 / IMR-25: a case leaves the bureau only by the head's decision
    # 《行政强制法》第五十五条: the application to the court is signed by the head (cited under the CEL-54 gate).
    "court_enforcement_application": Action.SIGN_DECISION,
}
# The rule a signer refusal cites: the one that makes the signature the head's (the first the case's rulebook has).
SIGNER_RULES: dict[str, tuple[str, ...]] = {
    "penalty_decision": ("WS-16", "IMR-16"),
    "penalty_approval_form": ("WS-16", "IMR-16"),
    "no_penalty_decision": ("APL-57",),
    "referral_letter": ("APL-57",),
    "extension_approval": ("NHSA-EXT",),
    "suspension_decision": ("NHSA-SUSPEND",),
    "termination_decision": ("NHSA-SUSPEND",),
    "closing_report": ("NHSA-CLOSE",),
    "deferred_payment_approval": ("APL-66",),
    "evidence_preservation_notice": ("APL-56",),
    "coercive_measure_decision": ("CEL-18",),
    "emergency_measure_report": ("CEL-19",),
    "coercive_measure_extension": ("CEL-25",),
    "recusal_decision": ("NHSA-5", "APL-43"),
    "court_enforcement_application": ("CEL-54",),
}


def _signer_rule(case: Case, kind: str) -> str:
    rulebook = rulebook_at(case.rulebook, case.rulebook_version)
    return next((rule for rule in SIGNER_RULES.get(kind, ()) if rule in rulebook), "")


# Fields where the draft names the head who is to sign; the signature must be that person's.
SIGNER_FIELDS = ("signed_by", "approved_by")


def _require_signer(actor: User, record: Record) -> None:
    case = record.case
    if (action := SIGNERS.get(record.kind)) is None:
        _require_maker(actor, case, record.kind)
        return
    if case.status in CLOSED:
        raise Refused(f"案件{case.get_status_display()}，不能再签署记录。")
    try:
        require(actor, action, case.organisation)
    except PermissionRefused:
        raise PermissionRefused(
            f"{record.kind_name}须由行政机关负责人签署。", rule=_signer_rule(case, record.kind)
        ) from None
    named = next((record.content[f] for f in SIGNER_FIELDS if record.content.get(f)), None)
    if named is not None and str(named) != str(actor.pk):
        person = User.objects.filter(pk=named).first()
        raise Refused(
            f"{record.kind_name}载明的签发（批准）人为{person or named}，应由其本人签署。",
            rule=_signer_rule(case, record.kind),
        )


def may_sign(actor: User, record: Record) -> bool:
    """Whether the person may sign this draft (for the button)."""
    try:
        _require_signer(actor, record)
    except Refused:
        return False
    return record.status == Record.Status.DRAFT


# Kinds made once the case has ended in a status closed to every other record, and only then: the notice that the
# case is not opened (WS-10b) follows the head's decision not to open it.
RECORDED_AFTER: dict[str, tuple[CaseStatus, ...]] = {"not_opening_notice": (CaseStatus.NOT_OPENED,)}


def _require_maker(actor: User, case: Case, kind: str) -> None:
    if (action := MAKERS.get(kind)) is not None:
        require(actor, action, case.organisation)
        if is_handler(actor, case):
            raise Refused("法制审核人员不得为本案承办人。", rule="APL-58")
    elif not is_handler(actor, case):
        raise PermissionRefused("只有本案承办人可以制作、签署或更正记录。")
    if kind in RECORDED_AFTER:
        _require_recorded_after(case, kind)
    elif case.status in CLOSED:
        raise Refused(f"案件{case.get_status_display()}，不能再制作记录。")


def _require_recorded_after(case: Case, kind: str) -> None:
    """WS-10b: the notice of not opening exists only for a case the head decided not to open."""
    if case.status not in RECORDED_AFTER[kind]:
        raise Refused(
            f"案件{case.get_status_display()}：行政机关负责人决定不予立案后，方可制作不予立案告知书。",
            rule=_rule_for(case, kind) or "WS-10b",
        )


@transaction.atomic
def add_record(
    *,
    actor: User,
    case: Case,
    kind: str,
    occurred_at: datetime,
    content: dict[str, Any],
    corrects: Record | None = None,
    correction_reason: str = "",
) -> Record:
    """Make a record (draft). Every required field of the rulebook's record kind must be filled (WS-11, IMR-9…)."""
    _require_maker(actor, case, kind)
    spec = record_kind(case, kind)
    if missing := missing_fields(spec, content):
        raise Refused(f"{spec.name}缺少必填内容：{'、'.join(missing)}。", rule=_rule_for(case, kind))
    if invalid := invalid_fields(spec, content):
        raise Refused(f"{spec.name}的内容有误：{'；'.join(invalid)}。")
    content = numbering.check_draft(spec, content, corrects)
    now = clock.now()
    if occurred_at > now:
        raise Refused("发生时间不能晚于现在。")
    _check_dates(case, occurred_at, content)
    today = timezone.localtime(now).date()
    record_effects.check_content(case, kind, content, today, replacing=corrects.pk if corrects else None)
    record = Record(
        case=case,
        kind=kind,
        kind_name=spec.name or kind,
        occurred_at=occurred_at,
        content=content,
        created_by=actor,
        created_at=now,
        corrects=corrects,
        correction_reason=correction_reason,
    )
    record.content_hash = commitment(record.salt, {"kind": kind, "occurred_at": occurred_at.isoformat(), **content})
    record.save()
    append(
        action=LedgerAction.RECORD_CORRECTED if corrects else LedgerAction.RECORD_ADDED,
        actor=actor,
        organisation=case.organisation,
        case_number=case.number,
        payload={
            "record": str(record.pk),
            "kind": kind,
            "content": record.content_hash,
            "corrects": str(corrects.pk) if corrects else None,
            "created_at": format_time(now),  # the row's own time, which ``records verify`` holds it to
        },
    )
    return record


@transaction.atomic
def sign_record(*, actor: User, record: Record) -> Record:
    """Sign a draft; from then on it can only be corrected by a new record."""
    # The case row first: two drafts of one case signed at once are judged one after the other, each on the facts
    # the other left (two extensions cannot both be "the first", two decisions cannot both precede the notice).
    case = Case.objects.select_for_update().get(pk=record.case_id)
    record = Record.objects.select_for_update().get(pk=record.pk)
    record.case = case
    _require_signer(actor, record)
    if record.status == Record.Status.SIGNED:
        raise Refused("该记录已签署，不能再次签署；如有错误请制作更正记录。")
    now = clock.now()
    # Every content rule again at the signature, on the facts as they stand now (NHSA-TOLL, NHSA-EXT, CEL-25…).
    record_effects.check_content(
        case, record.kind, record.content, timezone.localtime(now).date(), replacing=record.corrects_id
    )
    record_effects.check_before_signing(case, record.kind, record.content)
    act_checks.check_signing(record, now=now, signer_id=actor.pk)  # the act's rules, judged as of now
    require_full_recording(record)  # WS-12 / IMR-13: preservation and sealing recorded from start to end
    record.status, record.signed_by, record.signed_at = Record.Status.SIGNED, actor, now
    fields = ["status", "signed_by", "signed_at"]
    if number := numbering.assign(record, record_kind(record.case, record.kind)):  # APL-59: 文号 at signing
        record.content_hash = commitment(
            record.salt, {"kind": record.kind, "occurred_at": record.occurred_at.isoformat(), **record.content}
        )
        fields += ["content", "content_hash"]
    record.save(update_fields=fields)
    append(
        action=LedgerAction.RECORD_SIGNED,
        actor=actor,
        organisation=record.case.organisation,
        case_number=record.case.number,
        payload={"record": str(record.pk), "content": record.content_hash, "signed_at": format_time(record.signed_at)}
        | ({"document_number": number} if number else {}),
    )
    case = record_effects.apply_after_signing(actor, record.case, record.kind, record.content)
    from lawtrace.disclosure.services import record_signed  # a signed decision drafts its publication (IMD-10)

    record_signed(record=record, actor=actor)
    from lawtrace.documents.services import on_signed  # the final document, once the signature has committed

    on_signed(record)
    compliance.refresh(case)  # a signed record can meet (or miss) a rule: the dashboards follow at once
    return record


# Pairs of content fields where the second may not come before the first (an end never before its start).
# (Excluded periods, emergency reports and deferrals have their own rule's check: NHSA-TOLL, CEL-19, APL-66.)
ORDERED_FIELDS = (
    ("started_at", "ended_at"),
    ("suspended_on", "resumed_on"),
    ("issued_at", "served_at"),
)


EARLIEST = datetime(1949, 10, 1, tzinfo=SHANGHAI)


def matter_began(case: Case) -> tuple[datetime, str]:
    """When the matter came to the bureau, and how: the earliest of the case's registration and the complaint,
    application or lead it came from. Nothing done in the case can have happened before that."""
    began = [(case.created_at, "立案登记")]
    if case.complaint is not None:
        began.append((case.complaint.received_at, f"收到投诉举报（{case.complaint.number}）"))
    if case.application is not None:
        began.append((case.application.received_at, f"收到申请（{case.application.number}）"))
    lead = getattr(case, "lead", None)  # the reverse of Lead.case; absent for a case registered directly
    if lead is not None:
        began.append((lead.received_at, f"发现或收到线索（{lead.number}）"))
    return min(began, key=lambda b: b[0])


def _check_dates(case: Case, occurred_at: datetime, content: dict[str, Any]) -> None:
    """No date a person could not mean (before 1949-10-01), nothing before the matter came to the bureau (a day's
    grace, for a record dated by the day), and no end before its start."""
    from lawtrace.cases.facts import as_moment

    if occurred_at < EARLIEST or any(
        (m := as_moment(v)) is not None and m < EARLIEST for v in content.values() if isinstance(v, str)
    ):
        raise Refused("日期不能早于1949年10月1日，请核对。")
    began, how = matter_began(case)
    if timezone.localtime(occurred_at).date() < timezone.localtime(began).date() - timedelta(days=1):
        raise Refused(f"发生时间早于本案来源的登记（{how}，{timezone.localtime(began):%Y年%m月%d日}），请核对日期。")
    for first, last in ORDERED_FIELDS:
        start, end = as_moment(content.get(first)), as_moment(content.get(last))
        if start is not None and end is not None and end < start:
            raise Refused("记录中的结束（或后一）时间早于开始（或前一）时间，请核对。")


def correct_record(
    *, actor: User, original: Record, content: dict[str, Any], occurred_at: datetime, reason: str
) -> Record:
    """A correction is a new record referring to the original; both stay visible."""
    original = Record.objects.select_related("case").get(pk=original.pk)
    if original.status != Record.Status.SIGNED:
        raise Refused("草稿可直接重做；只有已签署的记录需要更正。")
    if not reason.strip():
        raise Refused("请填写更正理由。")
    return add_record(
        actor=actor,
        case=original.case,
        kind=original.kind,
        occurred_at=occurred_at,
        content=content,
        corrects=original,
        correction_reason=reason,
    )


def may_make(actor: User, case: Case, kind: str) -> bool:
    """Whether the person may make, sign or correct records of this kind in the case (for buttons)."""
    try:
        _require_maker(actor, case, kind)
    except Refused:
        return False
    return True


def _rule_for(case: Case, kind: str) -> str:
    """The rule that requires this kind of record, for the refusal's citation."""
    rulebook = rulebook_at(case.rulebook, case.rulebook_version)
    for rule in rulebook:
        if rule.record is not None and rule.record.kind == kind:
            return rule.id
    return ""
