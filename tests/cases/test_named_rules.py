"""Rules exercised elsewhere under other names (test_opening.py, test_phases.py, test_summary.py), each shown here
met and not met under its own ID: IMR-7b (a real-name complaint not taken up), NHSA-5 (recusal), WS-14b (the
statement record and its waiver), APL-45 (never heavier than notified), APL-62 (no decision without the notice and
hearing the party), NHSA-SUMMARY (the on-the-spot limits), NHSA-CLOSE (what closing needs)."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest

from lawtrace import clock
from lawtrace.cases import services
from lawtrace.cases.compliance import evaluate
from lawtrace.cases.gates import blockers
from lawtrace.cases.models import Case, CaseStatus, Complaint, PartyKind, Phase, Procedure
from lawtrace.errors import PermissionRefused, Refused
from lawtrace.ledger.actions import LedgerAction
from lawtrace.ledger.models import Entry
from lawtrace.orgs.models import Role
from lawtrace.records import services as records
from lawtrace.records.models import Record
from tests.cases import steps, walk
from tests.cases.record_content import filled
from tests.cases.steps import MONDAY
from tests.cases.test_summary import _onsite
from tests.factories import make_person, open_case_setting, register

pytestmark = pytest.mark.django_db

IM, WS = "inner-mongolia-2025", "wenshang-2019"


def _written() -> tuple[int, int]:
    return Record.objects.count(), Entry.objects.count()


def _payload(entry: Entry) -> dict[str, Any]:
    return json.loads(bytes(entry.data))["payload"]


# -- IMR-7b: a real-name complaint not taken up ---------------------------------------------------------------------


def _complaint(s: dict[str, Any], *, real_name: bool) -> Complaint:
    with clock.frozen_at(MONDAY):
        return services.register_complaint(
            actor=s["officer"],
            organisation=s["county"],
            received_at=MONDAY - timedelta(hours=2),
            channel="phone",
            real_name=real_name,
            complainant_name="王某" if real_name else "",
            complainant_contact="13800000000" if real_name else "",
            subject="某诊所",
            content="挂床住院",
        )


def test_IMR_7b_met_the_notice_to_the_complainant_and_the_circumstances_are_recorded() -> None:
    s = open_case_setting()
    complaint = _complaint(s, real_name=True)
    told = MONDAY + timedelta(days=2)
    with clock.frozen_at(told):
        services.decline_complaint(
            actor=s["officer"], complaint=complaint, reason="不属于医保部门职责", notice="已电话告知向卫健部门反映"
        )
    complaint.refresh_from_db()
    assert complaint.handling == Complaint.Handling.NOT_TAKEN_UP
    assert (complaint.handling_note, complaint.notice_to_complainant) == (
        "不属于医保部门职责",
        "已电话告知向卫健部门反映",
    )
    assert complaint.notified_at == told
    declined = Entry.objects.filter(action=LedgerAction.COMPLAINT_DECLINED).get()
    assert _payload(declined)["notified"] is True and b"\xe5\x8d\xab\xe5\x81\xa5" not in bytes(declined.data)  # 卫健


def test_IMR_7b_not_met_declining_a_real_name_complaint_without_the_notice_is_refused() -> None:
    s = open_case_setting()
    complaint = _complaint(s, real_name=True)
    before = _written()
    with pytest.raises(Refused) as refusal:
        services.decline_complaint(actor=s["officer"], complaint=complaint, reason="不属于医保部门职责", notice="")
    assert refusal.value.rule == "IMR-7b" and _written() == before
    complaint.refresh_from_db()
    assert complaint.handling == Complaint.Handling.PENDING and complaint.notified_at is None
    anonymous = _complaint(s, real_name=False)  # no one to tell: declined with its reason alone
    services.decline_complaint(actor=s["officer"], complaint=anonymous, reason="线索不具体", notice="")
    anonymous.refresh_from_db()
    assert anonymous.handling == Complaint.Handling.NOT_TAKEN_UP and anonymous.notified_at is None


# -- NHSA-5: recusal decided by the head and recorded ---------------------------------------------------------------


@pytest.fixture
def three_handlers() -> tuple[dict[str, Any], Case]:
    s, case = walk.opened(IM, "penalty")
    s["third"] = make_person(s["county"], Role.OFFICER, certificate="valid")
    services.add_handler(actor=s["head"], case=case, person=s["third"])
    return s, case


def test_NHSA_5_met_the_head_decides_the_recusal_it_is_recorded_and_the_investigation_goes_on(
    three_handlers: tuple[dict[str, Any], Case],
) -> None:
    s, case = three_handlers
    handler = services.recuse_handler(
        actor=s["head"], case=case, person=s["officer2"], reason="与当事人法定代表人系近亲属", applied_by_party=True
    )
    assert not handler.active and handler.removed_reason == "与当事人法定代表人系近亲属"
    recused = Entry.objects.filter(case_number=case.number, action=LedgerAction.HANDLER_RECUSED).get()
    assert recused.actor == s["head"]
    assert _payload(recused) == {"case": str(case.pk), "person": str(s["officer2"].pk), "applied_by_party": True}
    case.refresh_from_db()
    assert case.status == CaseStatus.ACTIVE  # the investigation does not stop
    with pytest.raises(PermissionRefused):  # the recused officer no longer writes in the case
        walk.signed({**s, "officer": s["officer2"]}, case, "inquiry_transcript", MONDAY + timedelta(days=1))
    walk.signed(s, case, "inquiry_transcript", MONDAY + timedelta(days=1))


def test_NHSA_5_not_met_a_recusal_not_decided_by_the_head_or_leaving_fewer_than_two_is_refused(
    three_handlers: tuple[dict[str, Any], Case],
) -> None:
    s, case = three_handlers
    before = _written()
    with pytest.raises(PermissionRefused):
        services.recuse_handler(
            actor=s["officer"], case=case, person=s["officer2"], reason="近亲属", applied_by_party=True
        )
    with pytest.raises(Refused) as unreasoned:
        services.recuse_handler(actor=s["head"], case=case, person=s["officer2"], reason=" ", applied_by_party=True)
    assert unreasoned.value.rule == "APL-43"
    services.recuse_handler(actor=s["head"], case=case, person=s["third"], reason="近亲属", applied_by_party=False)
    after_first = _written()
    with pytest.raises(Refused) as too_few:
        services.recuse_handler(
            actor=s["head"], case=case, person=s["officer2"], reason="近亲属", applied_by_party=True
        )
    assert too_few.value.rule == "APL-43" and "少于2人" in too_few.value.message
    assert _written() == after_first and after_first[1] == before[1] + 1
    assert case.handlers.filter(active=True).count() == 2


def test_NHSA_5_met_a_refused_recusal_is_the_heads_decision_recorded_and_the_officer_stays(
    three_handlers: tuple[dict[str, Any], Case],
) -> None:
    s, case = three_handlers
    before = _written()
    with pytest.raises(PermissionRefused):  # not the head's: refused, nothing written
        services.refuse_recusal(
            actor=s["officer"], case=case, person=s["officer2"], reason="申请理由不成立", applied_by_party=True
        )
    with pytest.raises(Refused) as unreasoned:  # a refusal states its grounds
        services.decide_recusal(
            actor=s["head"], case=case, person=s["officer2"], reason=" ", applied_by_party=True, granted=False
        )
    assert unreasoned.value.rule == "NHSA-5" and _written() == before
    handler = services.decide_recusal(
        actor=s["head"],
        case=case,
        person=s["officer2"],
        reason="当事人称其与执法人员有过节，经审查无直接利害关系，不予回避。",
        applied_by_party=True,
        granted=False,
    )
    assert handler.active and case.handlers.filter(active=True).count() == 3
    refused = Entry.objects.filter(case_number=case.number, action=LedgerAction.RECUSAL_REFUSED).get()
    assert refused.actor == s["head"] and _written() == (before[0], before[1] + 1)
    payload = _payload(refused)
    assert (payload["person"], payload["applied_by_party"], payload["granted"]) == (str(s["officer2"].pk), True, False)
    assert len(payload["reason"]) == 64 and "过节".encode() not in bytes(refused.data)  # committed, not written out
    officers = [str(s["officer2"].pk), str(s["third"].pk)]  # the officer goes on questioning (APL-42: with another)
    walk.signed(
        {**s, "officer": s["officer2"]}, case, "inquiry_transcript", MONDAY + timedelta(days=1), officers=officers
    )


# -- WS-14b: the statement record, and the waiver -------------------------------------------------------------------


@pytest.fixture
def wenshang_decision() -> tuple[dict[str, Any], Case]:
    s, case = walk.opened(WS, "penalty")
    case = walk.investigate(s, case)
    walk.signed(s, case, "rights_notice", walk.NOTIFIED)
    return s, case


def test_WS_14b_met_the_statement_with_its_adoption_and_a_waiver_are_recorded(
    wenshang_decision: tuple[dict[str, Any], Case],
) -> None:
    s, case = wenshang_decision
    stated = walk.signed(
        s,
        case,
        "statement_defence_record",
        walk.HEARD,
        content="称系收银员操作失误",
        adoption="不予采纳：有监控录像为证",
    )
    assert stated.content["adoption"].startswith("不予采纳")
    waived = walk.signed(
        s,
        case,
        "statement_defence_record",
        walk.HEARD + timedelta(hours=2),
        content="当事人书面表示放弃陈述、申辩",
        adoption="不适用",
        waived=True,
    )
    assert waived.status == Record.Status.SIGNED and waived.content["waived"] is True
    assert "APL-62" not in [b.rule_id for b in blockers(case, "sign_decision")]


@pytest.mark.parametrize("dropped", ["content", "adoption"])
def test_WS_14b_not_met_a_statement_record_without_its_content_or_adoption_is_refused(
    wenshang_decision: tuple[dict[str, Any], Case], dropped: str
) -> None:
    s, case = wenshang_decision
    content = filled(case, "statement_defence_record", s["officer"], walk.HEARD)
    content.pop(dropped)
    before = _written()
    with clock.frozen_at(walk.HEARD + timedelta(minutes=1)), pytest.raises(Refused) as refusal:
        records.add_record(
            actor=s["officer"], case=case, kind="statement_defence_record", occurred_at=walk.HEARD, content=content
        )
    assert refusal.value.rule == "WS-14b" and _written() == before


# -- APL-45 and APL-62: before the decision -------------------------------------------------------------------------


@pytest.fixture
def in_decision() -> tuple[dict[str, Any], Case]:
    s, case = walk.opened(IM, "penalty")
    return s, walk.investigate(s, case)


@pytest.mark.parametrize(
    ("decided_fen", "blocked"), [(500000, False), (500001, True)], ids=["met-as-notified", "not-met-heavier"]
)
def test_APL_45_the_decided_fine_is_not_heavier_than_the_notified_one(
    in_decision: tuple[dict[str, Any], Case], decided_fen: int, blocked: bool
) -> None:
    s, case = in_decision
    walk.notify(s, case, intended_fine_fen=500000)
    walk.hear(s, case, content="请求减轻处罚", adoption="部分采纳")
    walk.legal_review(s, case)
    refusal = walk.attempt(s, case, "penalty_decision", walk.DECIDED, fine_fen=decided_fen)
    if blocked:  # refused at the signature itself, with the rule, nothing written
        assert refusal is not None and refusal.rule == "APL-45" and "重于事先告知" in refusal.message
    else:
        assert refusal is None
        assert walk.advance(s, case, walk.DECIDED + timedelta(hours=2)).phase == Phase.EXECUTION
        assert {f.rule_id: f.status for f in evaluate(case)}["APL-45"] == "met"


def test_APL_45_not_met_a_statement_without_its_review_refuses_the_decision(
    in_decision: tuple[dict[str, Any], Case],
) -> None:
    s, case = in_decision
    walk.notify(s, case)
    walk.signed(s, case, "statement_defence_record", walk.HEARD, content="请求减轻处罚", adoption="未采纳")
    walk.legal_review(s, case)
    refusal = walk.attempt(s, case, "penalty_decision", walk.DECIDED)
    assert refusal is not None and refusal.rule == "APL-45" and "复核意见" in refusal.message


@pytest.mark.parametrize(
    ("notified", "statement", "blocked"),
    [
        (True, {"content": "无异议", "adoption": "无需采纳", "review_opinion": "无需复核"}, False),
        (True, {"content": "明确放弃", "adoption": "不适用", "waived": True}, False),
        (True, None, True),
        (False, None, True),
    ],
    ids=["met-heard", "met-waived", "not-met-not-heard", "not-met-not-notified"],
)
def test_APL_62_no_decision_without_the_notice_and_hearing_the_party_unless_waived(
    in_decision: tuple[dict[str, Any], Case], notified: bool, statement: dict[str, Any] | None, blocked: bool
) -> None:
    s, case = in_decision
    if notified:
        walk.notify(s, case)
    if statement is not None:
        walk.signed(s, case, "statement_defence_record", walk.HEARD, **statement)
    walk.legal_review(s, case)
    refusal = walk.attempt(s, case, "penalty_decision", walk.DECIDED)
    assert (refusal is not None and refusal.rule == "APL-62") is blocked
    if not blocked:
        assert walk.advance(s, case, walk.DECIDED + timedelta(hours=2)).phase == Phase.EXECUTION


def test_APL_62_not_met_a_notice_signed_but_never_served_refuses_the_decision(
    in_decision: tuple[dict[str, Any], Case],
) -> None:
    s, case = in_decision
    walk.signed(s, case, "rights_notice", walk.NOTIFIED)  # no 送达时间, no 送达回证
    walk.hear(s, case)
    walk.legal_review(s, case)
    refusal = walk.attempt(s, case, "penalty_decision", walk.DECIDED)
    assert refusal is not None and refusal.rule == "APL-62" and "尚未送达" in refusal.message


def test_APL_62_the_records_signed_after_a_decision_do_not_carry_it_forward(
    in_decision: tuple[dict[str, Any], Case],
) -> None:
    """The mechanism: a decision signed too early (as data written around the services could be) stays a finding
    and keeps the case from moving on, even once the notice and the statement are signed afterwards."""
    s, case = in_decision
    walk.legal_review(s, case)
    s["by_hand"] = True
    draft = steps._drafted(s, case, "penalty_decision", walk.DECIDED)
    assert isinstance(draft, Record)
    with clock.frozen_at(walk.DECIDED + timedelta(minutes=2)):  # what a write around the checks would leave
        Record.objects.filter(pk=draft.pk).update(status="signed", signed_by=s["head"], signed_at=clock.now())
    walk.notify(s, case, walk.DECIDED + timedelta(days=1))
    walk.hear(s, case, walk.DECIDED + timedelta(days=2))
    with clock.frozen_at(walk.DECIDED + timedelta(days=3)):
        judged = {f.rule_id: f for f in evaluate(case)}
        assert judged["APL-62"].status == "missing" and "签署时" in judged["APL-62"].note
        with pytest.raises(Refused) as refusal:
            services.advance_phase(actor=s["officer"], case=case)
    assert refusal.value.rule == "APL-62"


# -- NHSA-SUMMARY: the on-the-spot limits ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("party_kind", "fine_fen", "allowed"),
    [
        (PartyKind.NATURAL, 20000, True),
        (PartyKind.NATURAL, 20001, False),
        (PartyKind.LEGAL, 300000, True),
        (PartyKind.LEGAL, 300001, False),
    ],
    ids=["met-citizen-200-yuan", "not-met-citizen-above", "met-company-3000-yuan", "not-met-company-above"],
)
def test_NHSA_SUMMARY_on_the_spot_only_up_to_200_yuan_for_citizens_and_3000_otherwise(
    party_kind: PartyKind, fine_fen: int, allowed: bool
) -> None:
    s = open_case_setting()
    party = services.PartyInput(kind=party_kind, name="周某某" if party_kind == PartyKind.NATURAL else "某药店有限公司")
    with clock.frozen_at(MONDAY):
        s["case"] = register(
            s, procedure=Procedure.SUMMARY, parties=[party], handler_opinion="", violation_ended_on=MONDAY.date()
        )
    draft = _onsite(s, fine_fen)
    if allowed:
        assert records.sign_record(actor=s["officer"], record=draft).status == Record.Status.SIGNED
        return
    before = _written()
    with pytest.raises(Refused, match="应当适用一般程序") as refusal:
        records.sign_record(actor=s["officer"], record=draft)
    assert refusal.value.rule == "APL-51" and _written() == before  # NHSA-SUMMARY takes APL-51's numbers


# -- NHSA-CLOSE: service, execution, the head's approval ------------------------------------------------------------


@pytest.fixture
def in_execution() -> tuple[dict[str, Any], Case]:
    s, case = walk.opened(IM, "penalty")
    return s, walk.to_execution(s, case)


def test_NHSA_CLOSE_met_served_executed_and_the_closing_report_approved_by_the_head(
    in_execution: tuple[dict[str, Any], Case],
) -> None:
    s, case = in_execution
    walk.serve_and_execute(s, case)
    report = walk.signed(s, case, "closing_report", walk.CLOSED)
    assert report.signed_by == s["head"] and report.content["approved_by"] == str(s["head"].pk)
    with pytest.raises(PermissionRefused):
        walk.advance(s, case, walk.CLOSED + timedelta(hours=1))  # closing is the head's
    case = walk.advance(s, case, walk.CLOSED + timedelta(hours=1), s["head"])
    assert (case.phase, case.status) == (Phase.CLOSED, CaseStatus.CLOSED)
    closed = Entry.objects.filter(case_number=case.number).latest("seq")
    assert closed.action == LedgerAction.PHASE_CHANGED and closed.actor == s["head"]


@pytest.mark.parametrize("result", ["not_complied", "partly"])
def test_NHSA_CLOSE_not_met_while_the_fine_is_unpaid_and_no_court_applied_to(
    in_execution: tuple[dict[str, Any], Case], result: str
) -> None:
    s, case = in_execution
    walk.signed(s, case, "service_receipt", walk.SERVED, mode="direct")
    walk.signed(s, case, "execution_record", walk.EXECUTED, result=result)
    refusal = walk.attempt(s, case, "closing_report", walk.CLOSED)  # the head approving the closing is the act
    assert refusal is not None and refusal.rule == "NHSA-CLOSE" and "执行尚未完毕" in refusal.message


@pytest.mark.parametrize("missing", ["service_receipt", "execution_record", "closing_report"])
def test_NHSA_CLOSE_not_met_closing_without_service_execution_or_the_approved_report_is_refused(
    in_execution: tuple[dict[str, Any], Case], missing: str
) -> None:
    s, case = in_execution
    times = {"service_receipt": walk.SERVED, "execution_record": walk.EXECUTED}
    given = {"service_receipt": {"mode": "direct"}, "execution_record": {"result": "complied"}}
    for kind, moment in times.items():
        if kind != missing:
            walk.signed(s, case, kind, moment, **given[kind])
    if missing != "closing_report":
        refusal = walk.attempt(s, case, "closing_report", walk.CLOSED)
        assert refusal is not None and refusal.rule == "NHSA-CLOSE"
    before = _written()
    with clock.frozen_at(walk.CLOSED + timedelta(hours=1)), pytest.raises(Refused) as closing:
        services.advance_phase(actor=s["head"], case=case)
    assert closing.value.rule == "NHSA-CLOSE" and _written() == before
    case.refresh_from_db()
    assert case.status == CaseStatus.ACTIVE


def test_NHSA_CLOSE_not_met_executed_is_not_the_ground_while_the_payments_fall_short_of_the_fine(
    in_decision: tuple[dict[str, Any], Case],
) -> None:
    s, case = in_decision
    walk.notify(s, case)
    walk.hear(s, case)
    walk.legal_review(s, case)
    walk.decide(s, case, fine_fen=10000)
    case = walk.advance(s, case, walk.DECIDED + timedelta(hours=2))
    walk.signed(s, case, "service_receipt", walk.SERVED, mode="direct")
    walk.signed(s, case, "fine_payment", walk.EXECUTED, amount_fen=5000)  # half the 100-yuan fine
    walk.signed(s, case, "execution_record", walk.EXECUTED, result="complied")
    refusal = walk.attempt(s, case, "closing_report", walk.CLOSED, ground="executed")
    assert refusal is not None and refusal.rule == "NHSA-CLOSE" and "已缴纳50.00元" in refusal.message
    walk.signed(s, case, "fine_payment", walk.EXECUTED + timedelta(hours=1), amount_fen=5000)
    assert walk.attempt(s, case, "closing_report", walk.CLOSED, ground="executed") is None


def test_NHSA_CLOSE_not_met_a_closing_report_is_approved_by_the_head_not_the_officer(
    in_execution: tuple[dict[str, Any], Case],
) -> None:
    s, case = in_execution
    content = filled(case, "closing_report", s["officer"], walk.CLOSED)  # names the officer as the approver
    with clock.frozen_at(walk.CLOSED + timedelta(minutes=1)):
        draft = records.add_record(
            actor=s["officer"], case=case, kind="closing_report", occurred_at=walk.CLOSED, content=content
        )
        with pytest.raises(PermissionRefused):
            records.sign_record(actor=s["officer"], record=draft)
        with pytest.raises(Refused, match="应由其本人签署"):
            records.sign_record(actor=s["head"], record=draft)  # the head may not sign as someone else
    draft.refresh_from_db()
    assert draft.status == Record.Status.DRAFT
