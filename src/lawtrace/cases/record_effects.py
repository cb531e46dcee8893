"""What signing certain records does to the case: the turns real cases take are records the head signs.

- 中止调查审批表 (NHSA-SUSPEND) suspends an active case; the same form with 恢复调查日期 filled resumes it. Both
  move the APL-60 due date through the pause they record (``deadline_rules``).
- 终止调查审批表 terminates it — refused once a penalty decision is signed (NHSA-SUSPEND: no_decision_made_yet).
- 案件移送书 (APL-57 referral, IMR-25) transfers it to the judicial organs or another authority.

Called by ``records.services.sign_record`` inside the signing transaction, so the status change and its ledger
entry stand or fall with the signature.
"""

from __future__ import annotations

from datetime import date, datetime

from django.utils import timezone

from lawtrace import clock
from lawtrace.cases.models import Case, CaseStatus
from lawtrace.errors import Refused
from lawtrace.ledger.actions import LedgerAction
from lawtrace.ledger.services import append
from lawtrace.orgs.models import User


def check_content(case: Case, kind: str, content: dict[str, object], today: date, replacing: int | None = None) -> None:
    """Refuse a record whose content the rules forbid, before anything is written (NHSA-TOLL, NHSA-EXT).
    ``replacing``: the record a correction stands in for, which the new content is not compared with."""
    if kind == "excluded_period":
        _check_excluded_period(case, content, today, replacing)
    elif kind == "extension_approval":
        _check_extension(case, content)


def _day(value: object) -> date | None:
    return date.fromisoformat(str(value)[:10]) if value else None


def _check_excluded_period(case: Case, content: dict[str, object], today: date, replacing: int | None) -> None:
    """Whole days, start to end inclusive: never in the future, never before the case was opened, never ending
    before they start, never overlapping another (DESIGN § Time; NHSA-TOLL)."""
    start, end = _day(content.get("start_on")), _day(content.get("end_on"))
    if start is None:
        return
    if start > today or (end is not None and end > today):
        raise Refused("不计入期间不能在将来：开始、结束日期不得晚于今日。", rule="NHSA-TOLL")
    if end is not None and end < start:
        raise Refused("不计入期间的结束日期早于开始日期。", rule="NHSA-TOLL")
    if case.opened_at is not None and start < timezone.localtime(case.opened_at).date():
        raise Refused("不计入期间不能早于立案日。", rule="NHSA-TOLL")
    from lawtrace.cases.deadline_rules import effective_records

    for other in effective_records(case):
        if other.kind != "excluded_period" or other.pk == replacing:
            continue
        first, last = _day(other.content.get("start_on")), _day(other.content.get("end_on")) or today
        if first is not None and start <= last and first <= (end or today):
            raise Refused(
                f"与已登记的不计入期间（{first:%Y年%m月%d日}起）重叠；如需更正，请对该记录制作更正记录。",
                rule="NHSA-TOLL",
            )


def _check_extension(case: Case, content: dict[str, object]) -> None:
    """The first extension by the head, of at most the rulebook's days; a further one only by collective
    discussion (NHSA-EXT)."""
    from lawtrace.rulebook.loader import at

    rule = at(case.rulebook, case.rulebook_version).rule("NHSA-EXT")
    block = rule.extension
    if block is None:
        return
    earlier = case.records.filter(kind="extension_approval", status="signed").count()  # type: ignore[attr-defined]
    days = int(str(content.get("days") or 0))
    if days < 1:
        raise Refused("延长天数应为正整数。", rule="NHSA-EXT")
    if block.max_extensions is None or earlier < block.max_extensions:
        if days > block.length:
            raise Refused(f"延长办案期限不得超过{block.length}日。", rule="NHSA-EXT")
        if content.get("approval") != block.approval:
            raise Refused("首次延长办案期限由行政机关负责人批准。", rule="NHSA-EXT")
    elif block.further_approval is not None and content.get("approval") != block.further_approval:
        raise Refused("再次延长办案期限须经负责人集体讨论决定。", rule="NHSA-EXT")


def check_before_signing(case: Case, kind: str, content: dict[str, object]) -> None:
    """Refuse a signature whose effect the case cannot take (nothing is written)."""
    if kind == "suspension_decision":
        resuming = bool(content.get("resumed_on"))
        expected = CaseStatus.SUSPENDED if resuming else CaseStatus.ACTIVE
        if case.status != expected:
            verb = "恢复调查" if resuming else "中止调查"
            raise Refused(f"案件{case.get_status_display()}，不能{verb}。", rule="NHSA-SUSPEND")
    elif kind == "termination_decision":
        if case.status not in (CaseStatus.ACTIVE, CaseStatus.SUSPENDED):
            raise Refused(f"案件{case.get_status_display()}，不能终止调查。", rule="NHSA-SUSPEND")
        if case.records.filter(kind="penalty_decision", status="signed").exists():  # type: ignore[attr-defined]
            raise Refused("已作出行政处罚决定的案件不能终止调查。", rule="NHSA-SUSPEND")
    elif kind == "referral_letter" and case.status != CaseStatus.ACTIVE:
        raise Refused(f"案件{case.get_status_display()}，不能移送。")
    elif kind == "onsite_penalty_decision":
        _check_summary_procedure(case, content)
    elif kind == "hearing_transcript":
        _check_hearing(case, content)
    elif kind == "service_receipt" and content.get("mode") == "electronic":
        _check_electronic_service(case, content)


def _check_hearing(case: Case, content: dict[str, object]) -> None:
    """APL-64: the hearing is chaired by someone who did not investigate the case, and the party was notified at
    least the rulebook's working days before it."""
    from lawtrace.cases.deadline_rules import effective_records
    from lawtrace.rulebook.loader import at
    from lawtrace.rulebook.overrides import working_calendar

    chair = str(content.get("chair") or "")
    if case.handlers.filter(user_id=chair).exists():  # type: ignore[attr-defined]
        raise Refused("听证应当由行政机关指定的非本案调查人员主持。", rule="APL-64")
    held = _moment(content.get("hearing_at"))
    notices = [r for r in effective_records(case) if r.kind == "hearing_notice"]
    served = [m for r in notices if (m := _moment(r.content.get("served_at"))) is not None]
    if held is None:
        return
    days = int(at(case.rulebook, case.rulebook_version).param("APL-64", "notice_days"))
    latest = working_calendar().subtract_working_days(held, days)
    if not served or min(served) > latest.at:
        raise Refused(
            f"应当在举行听证的{days}个工作日前通知当事人（最迟{timezone.localtime(latest.at):%Y年%m月%d日}送达听证通知书）。",
            rule="APL-64",
        )


def _check_electronic_service(case: Case, content: dict[str, object]) -> None:
    """APL-61: service by fax or e-mail only with the party's consent, recorded in a signed address confirmation."""
    from lawtrace.cases.deadline_rules import effective_records

    if not any(r.kind == "service_address_confirmation" for r in effective_records(case)):
        raise Refused("以电子方式送达须经当事人同意并签订送达地址确认书。", rule="APL-61")


def _moment(value: object) -> datetime | None:
    if not value:
        return None
    moment = datetime.fromisoformat(str(value))
    return moment if moment.tzinfo else timezone.make_aware(moment)


def _check_summary_procedure(case: Case, content: dict[str, object]) -> None:
    """APL-51 / NHSA-SUMMARY: on the spot only a warning, or a fine up to the rulebook's limit for a citizen or for
    a legal person or other organisation; anything more goes through the general procedure."""
    from lawtrace.cases.models import PartyKind, Procedure
    from lawtrace.rulebook.loader import at

    if case.procedure != Procedure.SUMMARY:
        raise Refused("一般程序案件不能当场作出行政处罚决定。", rule="APL-51")
    rulebook = at(case.rulebook, case.rulebook_version)
    natural = case.parties.filter(kind=PartyKind.NATURAL).exists()  # type: ignore[attr-defined]
    key = "max_fine_natural_person_fen" if natural else "max_fine_legal_person_fen"
    limit = int(rulebook.param("APL-51", key))
    fine = int(str(content.get("fine_fen") or 0))
    if fine > limit:
        who = "公民" if natural else "法人或者其他组织"
        raise Refused(
            f"对{who}当场罚款不得超过{limit / 100:,.0f}元（本决定{fine / 100:,.2f}元），应当适用一般程序。",
            rule="APL-51",
        )


def apply_after_signing(actor: User, case: Case, kind: str, content: dict[str, object]) -> Case:
    """The status the signed record gives the case, with its ledger entry."""
    target = {
        "termination_decision": CaseStatus.TERMINATED,
        "referral_letter": CaseStatus.TRANSFERRED,
    }.get(kind)
    if kind == "suspension_decision":
        target = CaseStatus.ACTIVE if content.get("resumed_on") else CaseStatus.SUSPENDED
    if target is None:
        return case
    case = Case.objects.select_for_update().get(pk=case.pk)
    previous = case.status
    case.status = target
    fields = ["status"]
    if target in (CaseStatus.TERMINATED, CaseStatus.TRANSFERRED):
        case.closed_at = clock.now()
        fields.append("closed_at")
    case.save(update_fields=fields)
    append(
        action=LedgerAction.STATUS_CHANGED,
        actor=actor,
        organisation=case.organisation,
        case_number=case.number,
        payload={"case": str(case.pk), "from": previous, "to": target, "by_record": kind},
    )
    return case
