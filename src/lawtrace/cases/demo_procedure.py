"""Demo cases for the national procedure (行政处罚法, 行政强制法, NHSA Order No. 4): a case with a recused officer,
an appraisal period excluded, an extension and a hearing, decided after a collective discussion; and an inspection
with a sealing (封存) recorded on video and extended once. Built by the real services under a simulated clock."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from lawtrace import clock
from lawtrace.cases import services
from lawtrace.cases.demo import _at, _credit_code, _signed, _u
from lawtrace.cases.models import Case, CaseSource, CaseType, PartyKind
from lawtrace.errors import Refused
from lawtrace.orgs.models import Organisation, User

DEMO_VIDEO = Path(__file__).with_name("demo_media") / "sealing.mp4"


def load_procedure_cases(*, today: date) -> None:
    xlht = Organisation.objects.get(name="锡林浩特市医疗保障局")
    people = {k: _u("xlht", k) for k in ("officer1", "officer2", "officer4", "unithead", "reviewer", "head")}
    _hearing_case(xlht, people, today - timedelta(days=58))
    _sealing_case(xlht, people, today - timedelta(days=33))


def _opened(
    organisation: Organisation, people: dict[str, User], day: date, title: str, case_type: CaseType, **kwargs: object
) -> Case:
    o1, o2 = people["officer1"], people["officer2"]
    with clock.frozen_at(_at(day, 9)):
        case = services.register_case(
            actor=o1,
            organisation=organisation,
            case_type=case_type,
            source=CaseSource.EX_OFFICIO,
            title=title,
            handler_opinion="建议立案。",
            **kwargs,  # type: ignore[arg-type]
        )
    with clock.frozen_at(_at(day, 15)):
        opinion = f"同意，由{o1}、{o2}承办。"
        services.give_unit_opinion(actor=people["unithead"], case=case, approve=True, opinion=opinion)
    with clock.frozen_at(_at(day + timedelta(days=1), 9)):
        return services.decide_opening(actor=people["head"], case=case, approve=True, opinion="同意立案。")


def _hearing_case(organisation: Organisation, people: dict[str, User], day: date) -> None:
    """APL-43 recusal on the party's application, NHSA-TOLL appraisal excluded, NHSA-EXT extension, APL-63/64
    hearing chaired by someone who did not investigate, APL-65 chair's report, APL-57 collective discussion."""
    o1, o2, o3, head = people["officer1"], people["officer2"], people["officer4"], people["head"]
    case = _opened(
        organisation,
        people,
        day,
        "锡林浩特市某中医医院涉嫌虚构诊疗服务骗取医保基金",
        CaseType.PENALTY,
        facts="智能监控提示该院2026年上半年针灸、推拿项目结算量异常。",
        parties=[
            services.PartyInput(
                kind=PartyKind.LEGAL,
                name="锡林浩特市某中医医院有限公司",
                credit_code=_credit_code("91152502MA0P7L2Q1"),
                representative="钱某某",
                address="锡林浩特市某路",
            )
        ],
        handlers=[o1, o2, o3],
        violation_ended_on=day - timedelta(days=30),
    )
    party = str(case.parties.get().pk)
    officers = [str(o1.pk), str(o2.pk)]
    with clock.frozen_at(_at(day + timedelta(days=3), 10)):
        services.recuse_handler(
            actor=head,
            case=case,
            person=o3,
            reason="当事人书面申请：该执法人员与当事人法定代表人系近亲属。经审查，申请理由成立，决定回避。",
            applied_by_party=True,
        )
    numbers = "、".join(h.certificate.number for h in case.handlers.filter(active=True))
    inquiry = day + timedelta(days=5)
    _signed(
        o1,
        case,
        "inquiry_transcript",
        _at(inquiry, 11),
        {
            "subject": "钱某某，该院法定代表人",
            "subject_role": "party",
            "started_at": _at(inquiry, 9).isoformat(),
            "ended_at": _at(inquiry, 10, 30).isoformat(),
            "place": "锡林浩特市医疗保障局询问室一",
            "officers": officers,
            "certificate_numbers": numbers,
            "certificates_shown": True,
            "rights_told": True,
            "recorder": str(o2.pk),
            "content": "问：针灸、推拿项目的治疗记录由谁填写？答：由治疗师填写，部分记录系补记。……",
            "subject_signature": "signed",
            "officer_signatures": "signed",
        },
    )
    appraisal = day + timedelta(days=8)
    _signed(
        o1,
        case,
        "excluded_period",
        _at(appraisal + timedelta(days=6), 10),
        {
            "reason": "appraisal",
            "start_on": appraisal.isoformat(),
            "end_on": (appraisal + timedelta(days=4)).isoformat(),
            "recorded_by": str(o1.pk),
            "notified_at": _at(appraisal, 16).isoformat(),
        },
    )
    with clock.frozen_at(_at(day + timedelta(days=15), 9)):
        services.advance_phase(actor=o1, case=case)
    notice = day + timedelta(days=16)
    _signed(
        o1,
        case,
        "rights_notice",
        _at(notice, 10),
        {
            "party": party,
            "facts": "2026年1月至6月虚记针灸、推拿治疗1,260人次，医保基金支付86,400元。",
            "reasons": "违反《医疗保障基金使用监督管理条例》第十五条",
            "evidence": "询问笔录、治疗记录、结算明细、司法鉴定意见",
            "basis": "《医疗保障基金使用监督管理条例》第四十条",
            "intended_penalty": "责令退回86,400元，处罚款172,800元",
            "rights": "陈述、申辩及要求听证的权利",
            "issued_at": _at(notice, 9, 30).isoformat(),
            "served_at": _at(notice, 10).isoformat(),
            "document_number": "锡市医保告〔2026〕5号",
            "intended_fine_fen": 17_280_000,
            "hearing_right": True,
        },
    )
    _signed(
        o1,
        case,
        "hearing_application",
        _at(notice + timedelta(days=2), 11),
        {"applicant": party, "applied_at": _at(notice + timedelta(days=2), 10).isoformat(), "method": "written"},
    )
    chair = people["unithead"]  # did not investigate the case (APL-64)
    hearing = notice + timedelta(days=20)
    _signed(
        o1,
        case,
        "hearing_notice",
        _at(notice + timedelta(days=4), 10),
        {
            "party": party,
            "hearing_at": _at(hearing, 9).isoformat(),
            "place": "锡林浩特市医疗保障局听证室",
            "chair": str(chair.pk),
            "public": True,
            "issued_at": _at(notice + timedelta(days=4), 9).isoformat(),
            "served_at": _at(notice + timedelta(days=4), 10).isoformat(),
        },
    )
    _signed(
        o1,
        case,
        "hearing_transcript",
        _at(hearing, 12),
        {
            "hearing_at": _at(hearing, 9).isoformat(),
            "place": "锡林浩特市医疗保障局听证室",
            "chair": str(chair.pk),
            "recorder": str(o2.pk),
            "participants": "主持人何某；案件调查人员张某、李某；当事人委托代理人钱某、律师孙某。",
            "content": "调查人员陈述违法事实、证据和处罚建议；当事人代理人对鉴定意见提出异议，并请求从轻处罚。……",
            "party_signature": "signed",
            "notice_and_application": "当事人于告知后两日内书面申请听证；听证通知书于举行听证十六日前送达。",
        },
    )
    _signed(
        o1,  # the chair's report, entered by the handler (records are made by the case's handlers)
        case,
        "hearing_report",
        _at(hearing + timedelta(days=1), 10),
        {
            "chair": str(chair.pk),
            "opinion": "事实清楚，证据充分；当事人关于鉴定意见的异议不成立；建议在告知的数额内作出处罚。",
            "submitted_at": _at(hearing + timedelta(days=1), 9).isoformat(),
        },
    )
    _signed(
        o1,
        case,
        "statement_defence_record",
        _at(hearing + timedelta(days=1), 15),
        {
            "party": party,
            "stated_at": _at(hearing, 10).isoformat(),
            "content": "见听证笔录：对鉴定意见有异议，请求从轻处罚。",
            "adoption": "经复核，异议不成立；当事人积极退回资金，酌情从轻。",
            "review_opinion": "经复核，异议不成立；当事人积极退回资金，酌情从轻。",
            "party_signature": "signed",
        },
    )
    _signed(
        o1,
        case,
        "extension_approval",
        _at(hearing + timedelta(days=2), 10),
        {
            "reason": "案情复杂，听证后需集体讨论决定，申请延长办案期限三十日。",
            "days": 30,
            "approval": "bureau_head",
            "approved_at": _at(hearing + timedelta(days=2), 9, 30).isoformat(),
        },
        signer=head,
    )
    review = hearing + timedelta(days=3)
    _signed(
        people["reviewer"],
        case,
        "legal_review_opinion",
        _at(review, 10),
        {
            "reviewer": str(people["reviewer"].pk),
            "opinion": "事实清楚，证据确凿，适用依据正确，程序合法，同意。",
            "passed": True,
            "reviewer_qualification": "A20151100000001",
            "reviewed_at": _at(review, 9, 50).isoformat(),
        },
    )
    _signed(
        o1,
        case,
        "collective_discussion",
        _at(review + timedelta(days=1), 16),
        {
            "held_at": _at(review + timedelta(days=1), 15).isoformat(),
            "chair": str(head.pk),
            "participants": [str(head.pk), str(people["unithead"].pk), str(people["reviewer"].pk)],
            "content": "承办人汇报案情和听证情况，法制审核人员汇报审核意见，与会人员讨论。",
            "conclusion": "责令退回86,400元，处罚款150,000元。",
            "signatures": "signed",
        },
    )
    from lawtrace.rulebook.services import state_av_omission

    with clock.frozen_at(_at(review + timedelta(days=1), 17)):  # IMR-5b: written records complete, reasons given
        for record in case.records.filter(status="signed").order_by("pk"):
            try:
                state_av_omission(
                    actor=o1, record=record, reason="在询问室、听证室进行，文字记录已全面有效记录，当事人签字确认。"
                )
            except Refused:
                continue  # documents no act on a scene, or needs no statement
    from lawtrace.records import services as records

    decided = review + timedelta(days=2)
    with clock.frozen_at(_at(decided, 10)):  # drafted; waits under 待我签署 for the head (文号 given at signing)
        records.add_record(
            actor=o1,
            case=case,
            kind="penalty_decision",
            occurred_at=_at(decided, 9, 30),
            content={
                "party_name_address": "锡林浩特市某中医医院有限公司，锡林浩特市某路",
                "facts_and_evidence": "虚记针灸、推拿治疗1,260人次，医保基金支付86,400元；有询问笔录、治疗记录、"
                "结算明细、司法鉴定意见、听证笔录为证。",
                "penalty_type_and_basis": "责令退回86,400元，处罚款150,000元；《医疗保障基金使用监督管理条例》第四十条",
                "performance": "自收到本决定书之日起十五日内缴纳至指定银行",
                "remedies": "六十日内申请行政复议，或六个月内提起行政诉讼",
                "authority_name": "锡林浩特市医疗保障局",
                "decided_on": decided.isoformat(),
                "authority_seal": "sealed",
                "head_opinion": "同意，按集体讨论决定作出处罚。",
                "signed_by": str(head.pk),
                "signed_at": _at(decided, 9, 30).isoformat(),
                "fine_fen": 15_000_000,
                "outcome": "penalty",
                "publication_notice": True,
            },
        )


def _sealing_case(organisation: Organisation, people: dict[str, User], day: date) -> None:
    """CEL-18/CEL-24 sealing with its property list in two copies, recorded on video from start to end (IMR-13),
    extended once by the head with a written notice to the party (CEL-25)."""
    from lawtrace.evidence import services as evidence
    from lawtrace.evidence.hashing import digest_blocks
    from lawtrace.evidence.models import MediaType
    from lawtrace.evidence.store import object_name, save_small

    o1, o2, head = people["officer1"], people["officer2"], people["head"]
    case = _opened(
        organisation,
        people,
        day,
        "锡林浩特市某药店医保结算资料专项检查（封存账册）",
        CaseType.INSPECTION,
        facts="专项检查中发现该药店进销存账册与医保结算记录明显不符，有转移、销毁之虞。",
        parties=[
            services.PartyInput(
                kind=PartyKind.LEGAL,
                name="锡林浩特市某大药房有限公司",
                credit_code=_credit_code("91152502MA0R2D6W4"),
                representative="吴某",
                address="锡林浩特市某街",
            )
        ],
        handlers=[people["officer1"], people["officer2"]],
    )
    sealed = day + timedelta(days=2)
    with clock.frozen_at(_at(sealed, 12)):
        av = evidence.add_av_record(
            actor=o1,
            case=case,
            data=evidence.AVRecordInput(
                media_type=MediaType.VIDEO,
                act="sealing",
                started_at=_at(sealed, 9, 0),
                ended_at=_at(sealed, 12, 0),
                makers=[o1, o2],
                place="锡林浩特市某街 某大药房 财务室",
                proves="封存2026年进销存账册的全过程（清点、清单、封条、签字）",
                other_device="执法记录仪",
            ),
        )
        data = DEMO_VIDEO.read_bytes()
        digests = digest_blocks([data])
        name = object_name(digests.sha256)
        save_small(name, data)
        stored = evidence.store_object(digests=digests, storage_name=name)
        file = evidence.attach_file(
            actor=o1, av_record=av, stored=stored, name="封存现场录像.mp4", content_type="video/mp4"
        )
        evidence.set_transcript(
            actor=o1,
            av_record=av,
            text="执法人员：现在是2026年某日上午九时，我们是锡林浩特市医疗保障局执法人员张伟、李娜，"
            "依法对你店2026年进销存账册实施封存，全程录音录像。……",
        )
        from lawtrace.evidence.rules import checklist

        for offset, item in enumerate(checklist(av)):  # the officer watched the recording and confirms each item
            evidence.confirm(
                actor=o1, av_record=av, rule_id=item.rule_id, item=item.index, offset_seconds=offset, file=file
            )
    _signed(
        o1,
        case,
        "property_list",
        _at(sealed, 11, 0),
        {
            "items": "2026年1月至6月药品进销存账册6册；医保结算小票存根2盒。",
            "copies": 2,
            "copies_kept": True,
            "party_signature": "signed",
            "officer_signatures": "signed",
        },
    )
    property_list = case.records.get(kind="property_list")
    _signed(
        o1,
        case,
        "coercive_measure_decision",
        _at(sealed, 11, 20),
        {
            "party_name_address": "锡林浩特市某大药房有限公司，锡林浩特市某街",
            "reason": "账册与医保结算记录不符，有转移、销毁之虞",
            "basis": "《医疗保障基金使用监督管理条例》第二十七条",
            "period_days": 30,
            "items": "见封存清单",
            "property_list": str(property_list.pk),
            "remedies": "六十日内申请行政复议或六个月内提起行政诉讼",
            "authority_name": "锡林浩特市医疗保障局",
            "authority_seal": "sealed",
            "issued_at": _at(sealed, 9, 45).isoformat(),
            "document_number": "锡市医保封〔2026〕1号",
            "approved_by": str(head.pk),
            "approved_at": _at(sealed, 9, 30).isoformat(),
        },
    )
    _signed(
        o1,
        case,
        "coercive_measure_onsite_record",
        _at(sealed, 11, 40),
        {
            "place": "锡林浩特市某街 某大药房 财务室",
            "started_at": _at(sealed, 9, 50).isoformat(),
            "officers": [str(o1.pk), str(o2.pk)],
            "certificates_shown": True,
            "party_present": True,
            "reasons_and_rights_told": True,
            "statement_and_defence": "当事人表示配合，无异议。",
            "party_signature": "signed",
            "officer_signatures": "signed",
        },
    )
    extended = sealed + timedelta(days=27)
    _signed(
        o1,
        case,
        "coercive_measure_extension",
        _at(extended, 10),
        {
            "reason": "账册涉及的结算数据需与医保信息系统逐笔比对，情况复杂，延长封存期限三十日。",
            "days": 30,
            "approved_by": str(head.pk),
            "approved_at": _at(extended, 9).isoformat(),
            "notified_at": _at(extended, 11).isoformat(),
        },
    )
