"""Demo cases, built by the real services in chronological order under a simulated clock (DESIGN: the demo's
ledger times lie in the past and stay monotonic)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from lawtrace import clock
from lawtrace.cases import services
from lawtrace.cases.models import Case, CaseSource, CaseType, PartyKind
from lawtrace.identifiers import credit_code_check_char, id_number_check_digit
from lawtrace.orgs.demo import username
from lawtrace.orgs.models import Organisation, User
from lawtrace.records.models import Record
from lawtrace.rulebook.calendar import SHANGHAI


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=SHANGHAI)


def _credit_code(first17: str) -> str:
    return first17 + credit_code_check_char(first17)


def _id_number(first17: str) -> str:
    return first17 + id_number_check_digit(first17)


def _u(slug: str, suffix: str) -> User:
    return User.objects.get(username=username(slug, suffix))


def load_cases(*, today: date) -> None:
    """A handful of cases per phase reached so far by the implemented services (later issues add more)."""
    xlht = Organisation.objects.get(name="锡林浩特市医疗保障局")
    ws = Organisation.objects.get(name="汶上县医疗保障局")
    o1, o2, unit, head = _u("xlht", "officer1"), _u("xlht", "officer2"), _u("xlht", "unithead"), _u("xlht", "head")
    start = today - timedelta(days=40)

    with clock.frozen_at(_at(start, 9, 10)):
        complaint = services.register_complaint(
            actor=o1,
            organisation=xlht,
            received_at=_at(start, 8, 40),
            channel="phone",
            real_name=True,
            complainant_name="刘某某",
            complainant_contact="13904790001",
            subject="锡林浩特市康宁大药房",
            content="反映该药店将保健品、日用品串换为医保目录内药品进行刷卡结算。",
        )
    with clock.frozen_at(_at(start + timedelta(days=1), 10)):
        case = services.register_case(
            actor=o1,
            organisation=xlht,
            case_type=CaseType.PENALTY,
            source=CaseSource.COMPLAINT,
            title="锡林浩特市康宁大药房涉嫌串换药品骗取医保基金",
            complaint=complaint,
            facts="经初步核查，该药店2026年1月至3月间存在将非医保目录商品串换为目录内药品结算的情形。",
            parties=[
                services.PartyInput(
                    kind=PartyKind.LEGAL,
                    name="锡林浩特市康宁大药房有限公司",
                    credit_code=_credit_code("91152502MA0N3K8X2"),
                    representative="赵某某",
                    address="锡林浩特市锡林大街某号",
                    phone="04798234567",
                )
            ],
            handlers=[o1, o2],
            handler_opinion="投诉举报线索具体，建议立案调查。",
            violation_ended_on=start - timedelta(days=20),
        )
    with clock.frozen_at(_at(start + timedelta(days=1), 15)):
        services.give_unit_opinion(actor=unit, case=case, approve=True, opinion="同意立案，由张伟、李娜承办。")
    with clock.frozen_at(_at(start + timedelta(days=2), 9, 30)):
        services.decide_opening(actor=head, case=case, approve=True, opinion="同意立案。")

    _investigate_and_decide(case, o1, o2, head, _u("xlht", "reviewer"), start + timedelta(days=3))

    with clock.frozen_at(_at(start + timedelta(days=10), 11)):
        services.register_case(
            actor=o2,
            organisation=xlht,
            case_type=CaseType.INSPECTION,
            source=CaseSource.EX_OFFICIO,
            title="锡林浩特市某民营医院住院病历专项检查",
            facts="按年度监督检查计划开展住院病历抽查。",
            parties=[
                services.PartyInput(
                    kind=PartyKind.LEGAL,
                    name="锡林浩特市仁和医院有限公司",
                    representative="孙某",
                    address="锡林浩特市某路",
                )
            ],
            handlers=[o2, o1],
            handler_opinion="建议立案检查。",
        )
    with clock.frozen_at(_at(start + timedelta(days=20), 16)):
        services.register_case(
            actor=o1,
            organisation=xlht,
            case_type=CaseType.PENALTY,
            source=CaseSource.EX_OFFICIO,
            urgent=True,
            title="某诊所涉嫌伪造医疗文书骗取医保基金（紧急先行启动）",
            facts="检查中发现该诊所正在销毁门诊登记簿，情况紧急，先行启动调查并补报审批。",
            parties=[
                services.PartyInput(
                    kind=PartyKind.NATURAL,
                    name="周某某",
                    id_number=_id_number("15250219800315001"),
                    address="锡林浩特市某小区",
                    phone="13847900002",
                )
            ],
            handlers=[o1, o2],
            handler_opinion="",
            violation_ended_on=start + timedelta(days=19),
        )
    _retained_without_witness(xlht, o1, o2, unit, head, start + timedelta(days=12))
    _application_awaiting_correction(ws, start + timedelta(days=30))
    with clock.frozen_at(_at(start + timedelta(days=25), 9)):
        declined = services.register_complaint(
            actor=_u("ws", "officer1"),
            organisation=ws,
            received_at=_at(start + timedelta(days=25), 8, 30),
            channel="visit",
            real_name=True,
            complainant_name="孔某",
            complainant_contact="13605370003",
            subject="汶上县某养老院",
            content="反映养老院护理费用问题。",
        )
        services.decline_complaint(
            actor=_u("ws", "officer1"),
            complaint=declined,
            reason="不属于医疗保障行政执法事项",
            notice="已当面告知投诉人向民政部门反映，投诉人表示知悉。",
        )
    with clock.frozen_at(_at(start + timedelta(days=26), 10)):
        ws_case = services.register_case(
            actor=_u("ws", "officer1"),
            organisation=ws,
            case_type=CaseType.PENALTY,
            source=CaseSource.EX_OFFICIO,
            title="汶上县某卫生室涉嫌虚构诊疗项目",
            facts="智能监控提示该卫生室2026年度诊疗频次异常。",
            parties=[services.PartyInput(kind=PartyKind.NATURAL, name="颜某某", address="汶上县某村")],
            handlers=[_u("ws", "officer1"), _u("ws", "officer2")],
            handler_opinion="建议立案调查。",
            violation_ended_on=start,
        )
    _close_wenshang_case(ws_case, today)
    _unpaid_fine_to_court(xlht, o1, o2, unit, head, today)
    from lawtrace.cases.demo_procedure import load_procedure_cases

    load_procedure_cases(today=today)


def _signed(
    actor: User, case: Case, kind: str, when: datetime, content: dict[str, object], signer: User | None = None
) -> Record:
    from lawtrace.records import services as records

    spec = records.record_kind(case, kind)
    content = {k: v for k, v in content.items() if k in spec.required_fields or k in spec.optional_fields}
    with clock.frozen_at(when):
        record = records.add_record(
            actor=actor,
            case=case,
            kind=kind,
            occurred_at=when - timedelta(minutes=30),
            content=content,  # type: ignore[arg-type]
        )
    if signer is None and kind in records.SIGNERS:  # decisions and approvals are signed by the head the draft names
        named = next(content[f] for f in records.SIGNER_FIELDS if content.get(f))
        signer = User.objects.get(pk=str(named))
    with clock.frozen_at(when + timedelta(minutes=5)):
        return records.sign_record(actor=signer or actor, record=record)


def _investigate_and_decide(
    case: Case, o1: User, o2: User, head: User, reviewer: User, day: date, *, number: int = 3, retained: bool = False
) -> None:
    """The 康宁 case: questioning, on-site inspection, rights notice, statement, legal review, decision, service,
    payment — then it waits in 送达执行 for its closing report. ``retained``: the decision is left at the party's
    premises after a refusal, and the officers record no witness (a finding: IMR-17.3)."""
    party = str(case.parties.get().pk)
    officers = [str(o1.pk), str(o2.pk)]
    numbers = "、".join(h.certificate.number for h in case.handlers.all())
    _signed(
        o1,
        case,
        "onsite_inspection_record",
        _at(day, 11),
        {
            "place": "锡林浩特市锡林大街某号康宁大药房营业场所",
            "started_at": _at(day, 9).isoformat(),
            "ended_at": _at(day, 10, 30).isoformat(),
            "officers": officers,
            "certificate_numbers": numbers,
            "certificates_shown": True,
            "identity_told": True,
            "inspected_party": party,
            "findings": "调取2026年1月至3月医保结算明细及进销存台账，发现保健品销售记录与医保结算药品不符。",
            "party_signature": "signed",
            "officer_signatures": "signed",
        },
    )
    _signed(
        o1,
        case,
        "inquiry_transcript",
        _at(day + timedelta(days=2), 11),
        {
            "subject": "赵某某，男，康宁大药房店长",
            "subject_role": "party",
            "started_at": _at(day + timedelta(days=2), 9).isoformat(),
            "ended_at": _at(day + timedelta(days=2), 10).isoformat(),
            "place": "锡林浩特市医疗保障局询问室一",
            "officers": officers,
            "certificate_numbers": numbers,
            "certificates_shown": True,
            "rights_told": True,
            "recorder": str(o2.pk),
            "content": "问：你店是否存在将保健品按药品刷医保卡结算的情况？答：有，今年一季度约两百笔。……",
            "subject_signature": "signed",
            "officer_signatures": "signed",
        },
    )
    with clock.frozen_at(_at(day + timedelta(days=3), 9)):
        from lawtrace.cases import services

        services.advance_phase(actor=o1, case=case)
    notice_day = day + timedelta(days=4)
    _signed(
        o1,
        case,
        "rights_notice",
        _at(notice_day, 10),
        {
            "party": party,
            "facts": "2026年1月至3月将保健品串换为医保目录内药品结算共计198笔，金额12,640元。",
            "reasons": "违反《医疗保障基金使用监督管理条例》第十五条",
            "evidence": "现场检查笔录、询问笔录、结算明细",
            "basis": "《医疗保障基金使用监督管理条例》第三十八条",
            "intended_penalty": "责令退回12,640元，处罚款25,280元",
            "rights": "陈述、申辩及要求听证的权利",
            "issued_at": _at(notice_day, 9, 30).isoformat(),
            "served_at": _at(notice_day, 10).isoformat(),
            "document_number": f"锡市医保告〔2026〕{number + 2}号",
            "intended_fine_fen": 2528000,
            "hearing_right": True,
        },
    )
    _signed(
        o1,
        case,
        "statement_defence_record",
        _at(notice_day + timedelta(days=2), 15),
        {
            "party": party,
            "stated_at": _at(notice_day + timedelta(days=2), 14).isoformat(),
            "content": "当事人承认违法事实，请求从轻处理。",
            "adoption": "经复核，当事人已主动退回部分资金，予以采纳，按下限处罚。",
            "review_opinion": "经复核，当事人已主动退回部分资金，予以采纳，按下限处罚。",
            "party_signature": "signed",
        },
    )
    review_day = notice_day + timedelta(days=9)
    _signed(
        reviewer,
        case,
        "legal_review_opinion",
        _at(review_day, 10),
        {
            "reviewer": str(reviewer.pk),
            "opinion": "事实清楚，证据确凿，适用依据正确，程序合法，同意。",
            "passed": True,
            "reviewer_qualification": "A20151100000001",
            "reviewed_at": _at(review_day, 9, 50).isoformat(),
        },
    )
    _signed(
        o1,
        case,
        "collective_discussion",
        _at(review_day, 16),
        {
            "held_at": _at(review_day, 15).isoformat(),
            "chair": str(head.pk),
            "participants": [str(head.pk)],
            "content": "对拟处罚款数额进行讨论。",
            "conclusion": "同意按告知内容作出处罚决定。",
            "signatures": "signed",
        },
    )
    decided = review_day + timedelta(days=1)
    _confirm_formats(reviewer, case, _at(review_day, 17))  # WS-3b: before the decision, where the rulebook has it
    decision = _signed(
        o1,
        case,
        "penalty_decision",
        _at(decided, 16),
        {
            "party_name_address": "锡林浩特市康宁大药房有限公司，锡林浩特市锡林大街某号",
            "facts_and_evidence": "见告知书",
            "penalty_type_and_basis": "依据条例第三十八条，责令退回并处罚款",
            "performance": "自收到本决定书之日起十五日内缴纳",
            "remedies": "六十日内申请行政复议或六个月内提起行政诉讼",
            "authority_name": "锡林浩特市医疗保障局",
            "decided_on": decided.isoformat(),
            "authority_seal": "sealed",
            "head_opinion": "同意",
            "signed_by": str(head.pk),
            "signed_at": _at(decided, 15).isoformat(),
            "fine_fen": 2528000,
        },
    )
    with clock.frozen_at(_at(decided, 17)):
        from lawtrace.cases import services

        services.advance_phase(actor=o1, case=case)
    service: dict[str, object] = {
        "document_name": "行政处罚决定书",
        "document_number": decision.content["document_number"],  # given at signing (APL-59)
        "mode": "direct",
        "recipient": party,
        "served_at": _at(decided + timedelta(days=1), 9, 40).isoformat(),
        "servers": officers,
        "recipient_signature": "signed",
        "server_signature": ["signed"],
        "place": "当事人经营场所",
        "authority_seal": "sealed",
        "publication_notice": True,  # PUB-MASK: told at service that the decision will be published
    }
    if retained:  # refused at the door and left there; the officers wrote down no witness
        del service["recipient_signature"]
        service |= {
            "mode": "retained",
            "refusal_reason": "当事人法定代表人拒绝签收",
            "retained_at": _at(decided + timedelta(days=1), 9, 40).isoformat(),
        }
    _signed(o1, case, "service_receipt", _at(decided + timedelta(days=1), 10), service)


def _retained_without_witness(
    organisation: Organisation, o1: User, o2: User, unit: User, head: User, day: date
) -> None:
    """A case with a finding: the decision was left at the premises after a refusal, with no witness recorded."""
    with clock.frozen_at(_at(day, 10)):
        case = services.register_case(
            actor=o2,
            organisation=organisation,
            case_type=CaseType.PENALTY,
            source=CaseSource.EX_OFFICIO,
            title="锡林浩特市某骨科医院涉嫌分解住院骗取医保基金",
            facts="智能监控提示该院2026年第一季度15日内再入院比例异常。",
            parties=[
                services.PartyInput(
                    kind=PartyKind.LEGAL,
                    name="锡林浩特市安康骨科医院有限公司",
                    credit_code=_credit_code("91152502MA0N4P2Q7"),
                    representative="钱某某",
                    address="锡林浩特市某大街",
                )
            ],
            handlers=[o2, o1],
            handler_opinion="建议立案调查。",
            violation_ended_on=day - timedelta(days=30),
        )
    with clock.frozen_at(_at(day, 15)):
        services.give_unit_opinion(actor=unit, case=case, approve=True, opinion="同意立案。")
    with clock.frozen_at(_at(day + timedelta(days=1), 9)):
        services.decide_opening(actor=head, case=case, approve=True, opinion="同意立案。")
    _investigate_and_decide(
        case, o2, o1, head, _u("xlht", "reviewer"), day + timedelta(days=2), number=4, retained=True
    )


def _application_awaiting_correction(organisation: Organisation, day: date) -> None:
    """依申请 (WS-9): an application told once of everything it lacks, waiting for the applicant's correction."""
    from lawtrace.cases import applications

    officer = _u("ws", "officer1")
    with clock.frozen_at(_at(day, 9, 30)):
        application = applications.register_application(
            actor=officer,
            organisation=organisation,
            received_at=_at(day, 9),
            applicant="汶上县某社区卫生服务站",
            applicant_contact="0537-7200000",
            matter="申请对本站被冒名刷卡结算的费用进行核查处理",
            materials="申请书一份",
        )
    with clock.frozen_at(_at(day, 10)):
        applications.request_correction(
            actor=officer,
            application=application,
            items=["被冒名人员名单及身份证明复印件", "相关结算明细（加盖公章）", "申请人营业执照复印件"],
            notice="当场书面告知，申请人签收。",
        )


def _confirm_formats(reviewer: User, case: Case, moment: datetime) -> None:
    """WS-3b: the legal reviewer confirms that the records follow the national and provincial formats."""
    from lawtrace.rulebook import services as rulebook_services
    from lawtrace.rulebook.loader import at

    if "WS-3b" not in at(case.rulebook, case.rulebook_version):
        return
    with clock.frozen_at(moment):
        rulebook_services.confirm(actor=reviewer, rule_id="WS-3b", organisation=case.organisation, case=case)


def _close_wenshang_case(case: Case, today: date) -> None:
    """The 汶上 case: approved, investigated, decided, served, executed and closed (a case in the last phase)."""
    from lawtrace.cases import services

    o1, o2 = _u("ws", "officer1"), _u("ws", "officer2")
    unit, head, reviewer = _u("ws", "unithead"), _u("ws", "head"), _u("ws", "reviewer")
    day = timezone_date(case) + timedelta(days=1)
    with clock.frozen_at(_at(day, 9)):
        services.give_unit_opinion(actor=unit, case=case, approve=True, opinion="同意立案。")
    with clock.frozen_at(_at(day, 11)):
        services.decide_opening(actor=head, case=case, approve=True, opinion="同意立案。")
    _investigate_and_decide(case, o1, o2, head, reviewer, day + timedelta(days=1))
    last = day + timedelta(days=16)
    _signed(
        o1,
        case,
        "fine_payment",
        _at(last, 9, 55),
        {"amount_fen": 2528000, "paid_at": _at(last, 9, 50).isoformat(), "channel": "electronic"},
    )
    _signed(
        o1,
        case,
        "execution_record",
        _at(last, 10),
        {
            "content": "当事人已于期限内缴纳罚款并退回医保基金。",
            "recorded_at": _at(last, 9, 30).isoformat(),
            "result": "complied",
        },
    )
    _signed(
        o1,
        case,
        "closing_report",
        _at(last, 15),
        {
            "ground": "executed",
            "summary": "违法事实清楚，处罚已执行完毕，建议结案。",
            "approved_by": str(head.pk),
            "approved_at": _at(last, 14).isoformat(),
        },
    )
    _confirm_formats(reviewer, case, _at(last, 15, 30))  # WS-3b: the whole file checked again before closing
    with clock.frozen_at(_at(last, 16)):
        services.advance_phase(actor=head, case=case)


def _unpaid_fine_to_court(organisation: Organisation, o1: User, o2: User, unit: User, head: User, today: date) -> None:
    """执行 (APL-67, APL-72, CEL-54, CEL-53): the fine is not paid within the period, the surcharge runs, a reminder
    is served and, once its 10 working days and the party's periods for review (60 days) and for a lawsuit (6 months
    from service) have run out, the head signs the application to the court; the court's result is not in yet. The
    case began some nine months ago so that the application falls inside the CEL-53 window by today."""
    from django.utils import timezone

    from lawtrace.cases import execution
    from lawtrace.rulebook.overrides import working_calendar

    day = today - timedelta(days=266)
    with clock.frozen_at(_at(day, 10)):
        case = services.register_case(
            actor=o1,
            organisation=organisation,
            case_type=CaseType.PENALTY,
            source=CaseSource.EX_OFFICIO,
            title="锡林浩特市某门诊部涉嫌虚记诊疗费用骗取医保基金",
            facts="智能监控提示该门诊部上一季度理疗项目结算量异常。",
            parties=[
                services.PartyInput(
                    kind=PartyKind.LEGAL,
                    name="锡林浩特市德康门诊部有限公司",
                    credit_code=_credit_code("91152502MA0N5R3T1"),
                    representative="吴某某",
                    address="锡林浩特市某街",
                )
            ],
            handlers=[o1, o2],
            handler_opinion="建议立案调查。",
            violation_ended_on=day - timedelta(days=30),
        )
    with clock.frozen_at(_at(day, 15)):
        services.give_unit_opinion(actor=unit, case=case, approve=True, opinion="同意立案。")
    with clock.frozen_at(_at(day + timedelta(days=1), 9)):
        services.decide_opening(actor=head, case=case, approve=True, opinion="同意立案。")
    _investigate_and_decide(case, o1, o2, head, _u("xlht", "reviewer"), day + timedelta(days=2), number=5)
    party = str(case.parties.get().pk)
    x = execution.state(case, now=_at(today, 0))
    assert x is not None and x.payment_due is not None
    reminded = x.payment_due.last_day + timedelta(days=1)  # the party let the payment period (APL-67) pass
    _signed(
        o1,
        case,
        "enforcement_reminder",
        _at(reminded, 11),
        {
            "party": party,
            "obligations": "自收到本催告书之日起十日内缴纳罚款25,280元及加处罚款",
            "rights": "当事人有权进行陈述和申辩",
            "issued_at": _at(reminded, 9).isoformat(),
            "document_number": "锡市医保催〔2026〕1号",
            "served_at": _at(reminded, 10, 30).isoformat(),
        },
    )
    assert x.court_window is not None
    waited = working_calendar().add_working_days(reminded, 10).last_day + timedelta(days=1)  # CEL-54
    opens = timezone.localtime(x.court_window.opens_after).date()  # the party's periods run out (CEL-54)
    applied = max(waited, opens + timedelta(days=1))
    if applied >= today:
        return  # a long holiday in the periods: the application is not due yet
    _signed(
        o1,
        case,
        "court_enforcement_application",
        _at(applied, 10),
        {
            "court": "锡林浩特市人民法院",
            "applied_at": _at(applied, 9, 30).isoformat(),
            "content": "当事人在法定期限内未申请行政复议或者提起行政诉讼，又不缴纳罚款，经催告仍未履行，申请强制执行。",
            "document_number": "锡市医保执申〔2026〕1号",
            "decision_number": x.decision.content["document_number"],
            "reminder_number": "锡市医保催〔2026〕1号",
            "party_opinion": "当事人收到催告书后未提出陈述、申辩意见。",
            "amount_fen": x.outstanding_fen,
        },
        signer=head,
    )


def timezone_date(case: Case) -> date:
    from django.utils import timezone

    return timezone.localtime(case.created_at).date()
