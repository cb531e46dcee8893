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
    elif kind == "not_opening_notice":
        _check_not_opening_notice(case, content)
    else:
        from lawtrace.cases import coercive_measures  # CEL-19, CEL-24, CEL-25

        coercive_measures.check_content(case, kind, content, replacing)


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


def _check_extension_in_time(case: Case) -> None:
    """NHSA-EXT: a period is extended while it runs. Signed after the case period (APL-60, with its excluded periods
    and the extensions already approved) ran out, an extension is refused — a late extension would make an overdue
    decision look timely, and the overdue finding stands. Checked at the head's signature, under the case's lock."""
    from lawtrace.cases.compliance import _Context
    from lawtrace.cases.deadline_rules import running_due
    from lawtrace.rulebook.loader import at
    from lawtrace.rulebook.overrides import working_calendar

    rulebook = at(case.rulebook, case.rulebook_version)
    if "NHSA-EXT" not in rulebook or (block := rulebook.rule("NHSA-EXT").extension) is None:
        return
    now = clock.now()
    ctx = _Context(case, rulebook, working_calendar(), now)
    for target in block.applies_to:
        due = running_due(ctx, target)
        if due is not None and now > due.at:
            last = due.last_day
            raise Refused(
                f"办案期限已于{last.year}年{last.month}月{last.day}日24时届满（{target}），届满后不得再批准延长；"
                "逾期作出决定的，如实记录逾期。",
                rule="NHSA-EXT",
            )


def _check_not_opening_notice(case: Case, content: dict[str, object]) -> None:
    """WS-10b: the notice tells the party of the head's decision not to open — so it names that head and is not
    dated before the decision."""
    from lawtrace.cases.facts import as_moment
    from lawtrace.cases.models import Approval

    refusal = (
        case.approvals.filter(subject=Approval.Subject.OPENING, step=Approval.Step.BUREAU_HEAD, approve=False)  # type: ignore[attr-defined]
        .order_by("-at")
        .first()
    )
    if refusal is None:
        return  # not yet decided: refused by the records service (the case is not 不予立案)
    if str(content.get("decided_by") or "") != str(refusal.by_id):
        raise Refused(f"不予立案告知书载明的决定人应为作出不予立案决定的负责人（{refusal.by}）。", rule="WS-10b")
    told = as_moment(content.get("notified_at"))
    if told is not None and told < refusal.at:
        raise Refused(
            f"告知时间不能早于不予立案的决定（{timezone.localtime(refusal.at):%Y年%m月%d日 %H:%M}）。", rule="WS-10b"
        )


def check_before_signing(case: Case, kind: str, content: dict[str, object]) -> None:
    """Refuse a signature whose effect the case cannot take (nothing is written)."""
    from lawtrace.cases import execution

    execution.check_before_signing(case, kind, content)  # APL-66 deferral; APL-73 review stops no enforcement
    _check_answers(case, kind, content)
    _check_case_handling_room(case, kind, content)  # WS-12: questioning in a registered, recorded room
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
    elif kind == "service_receipt" and content.get("mode") == "retained":
        _check_retained_service(case, content)
    elif kind in ("onsite_inspection_record", "coercive_measure_onsite_record"):
        _check_officers_present(case, kind, content)
    elif kind == "onspot_collection":
        _check_onspot_collection(case, content)
    elif kind == "extension_approval":
        _check_extension_in_time(case)


def _check_answers(case: Case, kind: str, content: dict[str, object]) -> None:
    """The "no" answers the law does not allow at the act: certificates not shown (APL-55 / IMR-9), a hearing not
    public without its reason (APL-64: only state or trade secrets or privacy)."""
    from lawtrace.rulebook.loader import at

    rulebook = at(case.rulebook, case.rulebook_version)
    if content.get("certificates_shown") is False:
        rule = next((r for r in ("APL-55", "IMR-9", "WS-11") if r in rulebook), "")
        raise Refused("执法人员应当主动出示执法证件；未出示的，不得作出该执法行为。", rule=rule)
    if kind == "hearing_notice" and content.get("public") is False and not str(content.get("not_public_reason") or ""):
        raise Refused("听证公开举行；不公开的，须载明涉及国家秘密、商业秘密或者个人隐私的理由。", rule="APL-64")


# What a questioning record's place says when it was held in a case-handling room rather than on the scene.
ROOM_WORDS = ("询问室", "讯问室", "办案场所", "办案区")


def _check_case_handling_room(case: Case, kind: str, content: dict[str, object]) -> None:
    """WS-12 (with WS-6 / IMR-4): questioning held in a case-handling room (询问室、执法办案场所) is held in a room
    the organisation registered — equipped to record it from start to end; the record's place names that room."""
    if kind != "inquiry_transcript":
        return
    place = str(content.get("place") or "")
    if not any(word in place for word in ROOM_WORDS):
        return  # questioned on the scene or elsewhere: no room to register
    from lawtrace.orgs.models import RecordingRoom, RoomKind
    from lawtrace.rulebook.loader import at

    rulebook = at(case.rulebook, case.rulebook_version)
    rule = next((r for r in ("WS-12", "IMR-4", "WS-6") if r in rulebook), "")
    rooms = list(
        RecordingRoom.objects.filter(organisation=case.organisation, kind__in=[RoomKind.INTERVIEW, RoomKind.OTHER])
    )
    named = [r for r in rooms if r.name and r.name in place]
    if not named:
        registered = "、".join(r.name for r in rooms) or "尚未登记"
        raise Refused(
            f"在执法办案场所询问的，询问地点须载明本机关登记的询问室（本机关登记的询问室：{registered}）。", rule=rule
        )
    if not any(r.has_recording for r in named):
        raise Refused(f"{named[0].name}未配备录音录像，执法办案场所应当全程音像记录。", rule=rule)


def _check_officers_present(case: Case, kind: str, content: dict[str, object]) -> None:
    """APL-42 / FUND-29: at least two officers with valid certificates present; CEL-18: a coercive measure's
    on-the-spot record is signed by the party, or — refused or absent — by a witness, and follows the head's
    approval of the measure."""
    from lawtrace.orgs.models import Certificate
    from lawtrace.rulebook.loader import at

    listed = content.get("officers")
    officers = {int(str(p)) for p in listed if str(p).isdigit()} if isinstance(listed, list) else set()
    rulebook = at(case.rulebook, case.rulebook_version)
    # A fund inspection counts its inspectors by FUND-29's own number; any other act by APL-42's.
    fund = kind == "onsite_inspection_record" and "FUND-29" in rulebook
    minimum = int(rulebook.param("FUND-29", "min_inspectors") if fund else rulebook.param("APL-42", "min_handlers"))
    day = timezone.localdate()
    valid = {c.holder_id for c in Certificate.objects.filter(holder_id__in=officers) if c.is_valid_on(day)}
    if len(valid & officers) < minimum:
        raise Refused(f"执法人员不得少于{minimum}人，且均须持有效执法证件。", rule="FUND-29" if fund else "APL-42")
    if kind != "coercive_measure_onsite_record":
        return
    _check_party_or_witness(content)
    if content.get("emergency"):
        return  # CEL-19: taken on the spot in an emergency, reported within 24 hours and approved afterwards
    if not case.records.filter(kind="coercive_measure_decision", status="signed").exists():  # type: ignore[attr-defined]
        raise Refused("实施行政强制措施须事先经行政机关负责人批准（先签发实施行政强制措施决定书）。", rule="CEL-18")


def _check_party_or_witness(content: dict[str, object]) -> None:
    """CEL-18: the 现场笔录 is signed by the party present, who was heard; a party who refuses to sign has it
    noted; a party absent (当事人到场: 否 — an answer, not a gap) neither signs nor states, and a witness signs
    instead — as one who refused must have too (REQUIREMENTS CEL-18)."""
    present = content.get("party_present")
    party_signature = content.get("party_signature")
    witnessed = bool(str(content.get("witness") or "").strip()) and content.get("witness_signature") in (
        "signed",
        "sealed",
    )
    if present is False:
        if party_signature in ("signed", "sealed"):
            raise Refused("笔录载明当事人不到场，却有当事人签名，请核对。", rule="CEL-18")
        if not witnessed:
            raise Refused("当事人不到场的，应当邀请见证人到场，由见证人签名或盖章。", rule="CEL-18")
        return
    if not party_signature:
        raise Refused("当事人到场的，现场笔录由当事人签名或盖章；拒绝的，应当注明。", rule="CEL-18")
    if not str(content.get("statement_and_defence") or "").strip():
        raise Refused("当事人到场的，应当听取并记录其陈述和申辩（未陈述的注明）。", rule="CEL-18")
    if party_signature not in ("signed", "sealed") and not witnessed:
        raise Refused("当事人拒绝签名或不到场的，应当注明，并由见证人签名或盖章。", rule="CEL-18")


def _check_onspot_collection(case: Case, content: dict[str, object]) -> None:
    """APL-68: collected on the spot only in the summary procedure and on one of the law's grounds; a fine of at
    most the rulebook's amount on the ground of its size."""
    from lawtrace.cases.models import Procedure
    from lawtrace.rulebook.loader import at

    rulebook = at(case.rulebook, case.rulebook_version)
    if case.procedure != Procedure.SUMMARY and content.get("ground") == "small_fine":
        raise Refused("以数额较小为由当场收缴，只适用于简易程序当场作出的罚款。", rule="APL-68")
    limit = int(rulebook.param("APL-68", "max_onsite_collection_fen"))
    amount = int(str(content.get("amount_fen") or 0))
    if content.get("ground") == "small_fine" and amount > limit:
        raise Refused(f"以数额较小为由当场收缴的罚款不得超过{limit / 100:,.0f}元。", rule="APL-68")
    decided = [
        int(str(r.content.get("fine_fen") or 0))
        for r in case.records.filter(  # type: ignore[attr-defined]
            kind__in=["penalty_decision", "onsite_penalty_decision"], status="signed"
        )
    ]
    if decided and amount > (fine := max(decided)):
        raise Refused(
            f"当场收缴的数额（{amount / 100:,.2f}元）不得超过已作出的罚款决定数额（{fine / 100:,.2f}元）。",
            rule="APL-68",
        )


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

    if not any(
        r.kind == "service_address_confirmation" and r.content.get("consents_to_electronic") is not False
        for r in effective_records(case)
    ):
        raise Refused("以电子方式送达须经当事人同意并签订送达地址确认书。", rule="APL-61")


def _check_retained_service(case: Case, content: dict[str, object]) -> None:
    """WS-17.3: a retained service (留置送达) is made by at least the rulebook's number of officers."""
    from lawtrace.rulebook.loader import at

    rulebook = at(case.rulebook, case.rulebook_version)
    if "WS-17.3" not in rulebook:
        return
    minimum = int(rulebook.param("WS-17.3", "min_servers"))
    servers = content.get("servers")
    count = len({str(p) for p in servers}) if isinstance(servers, list) else (1 if servers else 0)
    if count < minimum:
        raise Refused(f"留置送达应当由{minimum}名以上执法人员进行（本回证载明{count}名）。", rule="WS-17.3")


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
