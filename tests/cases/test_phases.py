"""A penalty case walked through every phase; each gate refuses with its rule ID and writes nothing until its
records exist (IMR-9/WS-11, APL-62, APL-64, APL-58, APL-45, IMR-16, APL-57, NHSA-CLOSE)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from lawtrace import clock
from lawtrace.cases import services
from lawtrace.cases.gates import next_step
from lawtrace.cases.models import CaseStatus, Phase
from lawtrace.errors import PermissionRefused, Refused
from lawtrace.ledger.models import Entry
from lawtrace.ledger.services import log_for
from lawtrace.ledger.verify import verify_log
from lawtrace.orgs.models import Role
from lawtrace.records import services as records
from tests.factories import make_person, open_case_setting, register

pytestmark = pytest.mark.django_db


def _record(s: dict, kind: str, content: dict, when=None, actor=None):  # type: ignore[no-untyped-def]
    actor = actor or (s["reviewer"] if kind == "legal_review_opinion" else s["officer"])
    record = records.add_record(
        actor=actor, case=s["case"], kind=kind, occurred_at=when or clock.now() - timedelta(minutes=5), content=content
    )
    signer = s["head"] if kind in records.SIGNERS else actor  # decisions and approvals: the head's signature
    return records.sign_record(actor=signer, record=record)


def _signature_refused(s: dict, kind: str, content: dict, rule: str):  # type: ignore[no-untyped-def]
    """The act itself refused: the draft is made, its signature refused with the rule, nothing ledgered by it."""
    draft = records.add_record(
        actor=s["officer"], case=s["case"], kind=kind, occurred_at=clock.now() - timedelta(minutes=5), content=content
    )
    before = Entry.objects.count()
    with pytest.raises(Refused) as refusal:
        records.sign_record(actor=s["head"] if kind in records.SIGNERS else s["officer"], record=draft)
    assert rule in str(refusal.value), str(refusal.value)
    assert Entry.objects.count() == before
    return draft


def _refused_with(s: dict, rule: str) -> None:
    before = Entry.objects.count()
    with pytest.raises(Refused) as refusal:
        services.advance_phase(actor=s["officer"], case=s["case"])
    assert rule in str(refusal.value), str(refusal.value)
    assert Entry.objects.count() == before


@pytest.fixture
def s() -> dict:
    setting = open_case_setting()
    setting["reviewer"] = make_person(setting["county"], Role.LEGAL_REVIEWER)
    with clock.frozen_at(clock.now() - timedelta(days=25)):  # room for the notice, 20 days before the decision
        case = register(setting)
    services.give_unit_opinion(actor=setting["unit_head"], case=case, approve=True, opinion="同意")
    setting["case"] = services.decide_opening(actor=setting["head"], case=case, approve=True, opinion="同意立案")
    return setting


def test_penalty_case_through_every_phase(s: dict) -> None:
    o1, o2 = str(s["officer"].pk), str(s["officer2"].pk)
    assert s["case"].phase == Phase.INVESTIGATION
    _refused_with(s, "IMR-9")

    _record(
        s,
        "inquiry_transcript",
        {
            "subject": "赵某某",
            "subject_role": "party",
            "started_at": "2026-11-20T09:00:00+08:00",
            "ended_at": "2026-11-20T10:00:00+08:00",
            "place": "当事人经营场所",
            "officers": [o1, o2],
            "certificate_numbers": "1、2",
            "certificates_shown": True,
            "recorder": o2,
            "content": "问答",
            "subject_signature": "signed",
            "officer_signatures": "signed",
        },
    )
    assert services.advance_phase(actor=s["officer"], case=s["case"]).phase == Phase.DECISION

    _refused_with(s, "IMR-16")  # no decision yet
    notice_time = clock.now() - timedelta(days=20)
    _record(
        s,
        "rights_notice",
        {
            "party": str(s["case"].parties.get().pk),
            "facts": "串换药品",
            "reasons": "违反条例",
            "evidence": "笔录等",
            "basis": "《医疗保障基金使用监督管理条例》第三十八条",
            "intended_penalty": "罚款",
            "rights": "陈述申辩听证",
            "issued_at": notice_time.isoformat(),
            "document_number": "锡市医保告〔2026〕1号",
            "intended_fine_fen": 5000000,
            "served_at": notice_time.isoformat(),
        },
        when=notice_time,
    )
    _record(
        s,
        "statement_defence_record",
        {
            "party": str(s["case"].parties.get().pk),
            "stated_at": clock.now().isoformat(),
            "content": "无异议",
            "adoption": "不予采纳",
            "review_opinion": "经复核，不予采纳",
            "party_signature": "signed",
        },
    )
    _record(
        s,
        "legal_review_opinion",
        {
            "reviewer": str(s["reviewer"].pk),
            "opinion": "事实清楚，同意",
            "passed": True,
            "reviewed_at": clock.now().isoformat(),
            "reviewer_qualification": "A20151100000001",
        },
    )
    _refused_with(s, "IMR-16")  # the step only collects: no decision signed yet
    decision = {
        "party_name_address": "康宁大药房，某路1号",
        "facts_and_evidence": "……",
        "penalty_type_and_basis": "罚款……",
        "performance": "十五日内缴纳",
        "remedies": "六十日内复议，六个月内诉讼",
        "authority_name": "锡林浩特市医疗保障局",
        "decided_on": timezone.localdate().isoformat(),
        "authority_seal": "sealed",
        "head_opinion": "同意",
        "signed_by": str(s["head"].pk),
        "signed_at": clock.now().isoformat(),
    }
    _signature_refused(s, "penalty_decision", {**decision, "fine_fen": 6000000}, "APL-45")  # heavier than notified
    _signature_refused(s, "penalty_decision", {**decision, "fine_fen": 20000000}, "APL-45")
    _record(s, "penalty_decision", {**decision, "fine_fen": 5000000})
    assert services.advance_phase(actor=s["officer"], case=s["case"]).phase == Phase.EXECUTION

    with pytest.raises(PermissionRefused):
        services.advance_phase(actor=s["officer"], case=s["case"])  # closing is the head's
    before = Entry.objects.count()
    with pytest.raises(Refused) as refusal:
        services.advance_phase(actor=s["head"], case=s["case"])
    assert "NHSA-CLOSE" in str(refusal.value) and Entry.objects.count() == before
    _record(
        s,
        "service_receipt",
        {
            "document_name": "行政处罚决定书",
            "document_number": s["case"]
            .records.filter(kind="penalty_decision")
            .latest("pk")
            .content["document_number"],
            "mode": "direct",
            "recipient": "赵某某",
            "served_at": clock.now().isoformat(),
            "servers": [o1, o2],
            "publication_notice": True,
        },
    )
    _record(s, "fine_payment", {"amount_fen": 5000000, "paid_at": clock.now().isoformat(), "channel": "bank"})
    _record(
        s, "execution_record", {"content": "已缴纳罚款", "recorded_at": clock.now().isoformat(), "result": "complied"}
    )
    _record(
        s,
        "closing_report",
        {
            "ground": "executed",
            "summary": "……",
            "approved_by": str(s["head"].pk),
            "approved_at": clock.now().isoformat(),
        },
    )
    case = services.advance_phase(actor=s["head"], case=s["case"])
    assert (case.phase, case.status) == (Phase.CLOSED, CaseStatus.CLOSED) and next_step(case) is None
    assert verify_log(log_for(case.organisation)).ok


def _decision(s: dict, **content: object) -> dict:
    return {
        "party_name_address": "某",
        "facts_and_evidence": "某",
        "penalty_type_and_basis": "罚款",
        "performance": "缴纳",
        "remedies": "复议诉讼",
        "authority_name": "某局",
        "decided_on": timezone.localdate().isoformat(),
        "authority_seal": "sealed",
        "head_opinion": "同意",
        "signed_by": str(s["head"].pk),
        "signed_at": clock.now().isoformat(),
        **content,
    }


def test_APL_57_large_fine_needs_collective_discussion(s: dict) -> None:
    from lawtrace.cases import act_checks
    from tests.cases.steps import _decision_chain

    later = clock.now() + timedelta(days=15)
    _decision_chain(s, s["case"], later)
    with clock.frozen_at(later):
        draft = _signature_refused(s, "penalty_decision", _decision(s, fine_fen=20000000), "APL-57")
        _record(
            s,
            "collective_discussion",
            {
                "held_at": clock.now().isoformat(),
                "chair": str(s["head"].pk),
                "participants": [str(s["head"].pk)],
                "content": "讨论",
                "conclusion": "同意",
                "signatures": "signed",
            },
        )
        assert "APL-57" not in [v.rule_id for v in act_checks.warnings(draft, now=clock.now())]


def test_APL_57_not_met_a_complicated_case_needs_collective_discussion_whatever_the_fine(s: dict) -> None:
    from tests.cases.steps import _decision_chain

    later = clock.now() + timedelta(days=15)
    _decision_chain(s, s["case"], later)
    with clock.frozen_at(later):
        _signature_refused(s, "penalty_decision", _decision(s, fine_fen=100000, complex_or_serious=True), "APL-57")
        _record(s, "penalty_decision", _decision(s, fine_fen=100000, complex_or_serious=False))


def test_APL_58_a_reviewer_who_handles_the_case_is_refused(s: dict) -> None:
    from lawtrace.orgs import services as org_services
    from lawtrace.orgs.models import User
    from tests.factories import root_user

    org_services.grant_role(actor=root_user(), user=s["officer2"], organisation=s["county"], role=Role.LEGAL_REVIEWER)
    reviewer = User.objects.get(pk=s["officer2"].pk)  # a fresh object: roles are cached per object
    before = Entry.objects.count()
    review = {"reviewer": str(reviewer.pk), "opinion": "同意", "passed": True, "reviewed_at": clock.now().isoformat()}
    with pytest.raises(Refused) as refusal:
        _record(s, "legal_review_opinion", review, actor=reviewer)
    assert refusal.value.rule == "APL-58" and Entry.objects.count() == before


def test_APL_58_only_a_legal_reviewer_makes_the_review(s: dict) -> None:
    review = {
        "reviewer": str(s["officer"].pk),
        "opinion": "同意",
        "passed": True,
        "reviewed_at": clock.now().isoformat(),
    }
    with pytest.raises(PermissionRefused):
        _record(s, "legal_review_opinion", review, actor=s["officer"])


def test_APL_60_is_met_once_the_decision_is_signed(s: dict) -> None:
    from lawtrace.cases.compliance import evaluate
    from lawtrace.rulebook.deadlines import Status
    from tests.cases.steps import _decision_chain

    assert next(f for f in evaluate(s["case"]) if f.rule_id == "APL-60").status is Status.DUE
    later = clock.now() + timedelta(days=15)
    _decision_chain(s, s["case"], later)
    with clock.frozen_at(later):
        _record(s, "penalty_decision", _decision(s, fine_fen=100000))
        assert next(f for f in evaluate(s["case"]) if f.rule_id == "APL-60").status is Status.MET
