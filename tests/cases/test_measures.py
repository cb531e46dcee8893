"""Gates checked when their record is signed (APL-42/FUND-29, CEL-18, APL-56, APL-68): refused with the rule and
nothing written when the law's condition fails; signed when it holds. (CEL-54 / CEL-53, the court application of a
penalty decision, are judged at the act in test_execution.py.)"""

from __future__ import annotations

from datetime import timedelta

import pytest

from lawtrace import clock
from lawtrace.errors import PermissionRefused, Refused
from lawtrace.ledger.models import Entry
from lawtrace.records import services as records
from tests.cases.record_content import filled
from tests.cases.steps import MONDAY, _opened_case, _recorded_on_video, _signed

pytestmark = pytest.mark.django_db


@pytest.fixture
def s() -> dict:
    setting, case = _opened_case("inner-mongolia-2025", "coercion")
    setting["case"] = case
    return setting


def _refused(s: dict, kind: str, rule: str, signer: str = "officer", **given: object) -> None:
    moment = MONDAY + timedelta(days=2)
    content = filled(s["case"], kind, s["officer"], moment, **given)
    with clock.frozen_at(moment + timedelta(minutes=5)):
        draft = records.add_record(actor=s["officer"], case=s["case"], kind=kind, occurred_at=moment, content=content)
        before = Entry.objects.count()
        with pytest.raises(Refused) as refusal:
            records.sign_record(actor=s[signer], record=draft)
    assert refusal.value.rule == rule, refusal.value
    s["refusal"] = str(refusal.value)
    assert Entry.objects.count() == before


def test_FUND_29_an_inspection_with_one_certified_officer_is_refused(s: dict) -> None:
    _refused(s, "onsite_inspection_record", "FUND-29", officers=[str(s["officer"].pk)])


PRESENT = {"party_signature": "signed", "statement_and_defence": "当事人无异议。"}
WITNESSED = {"witness": "社区工作人员王某", "witness_signature": "signed"}


def test_CEL_18_the_measure_needs_the_heads_decision_first_and_a_party_or_witness_signature(s: dict) -> None:
    two = [str(s["officer"].pk), str(s["officer2"].pk)]
    _refused(s, "coercive_measure_onsite_record", "CEL-18", officers=two, **PRESENT)  # no decision approved yet
    assert "负责人批准" in s["refusal"]
    _signed(s, s["case"], "coercive_measure_decision", MONDAY + timedelta(days=1))
    refused = {**PRESENT, "party_signature": "refused"}
    _refused(s, "coercive_measure_onsite_record", "CEL-18", officers=two, **refused)  # refused, no witness
    _refused(s, "coercive_measure_onsite_record", "CEL-18", officers=two)  # present: neither signed nor heard
    assert "由当事人签名或盖章" in s["refusal"]
    record = _signed(s, s["case"], "coercive_measure_onsite_record", MONDAY + timedelta(days=2), **refused, **WITNESSED)
    assert record.status == "signed"  # type: ignore[attr-defined]


def test_CEL_18_not_met_the_party_absent_and_no_witness_signing_is_refused(s: dict) -> None:
    two = [str(s["officer"].pk), str(s["officer2"].pk)]
    _signed(s, s["case"], "coercive_measure_decision", MONDAY + timedelta(days=1))
    _refused(s, "coercive_measure_onsite_record", "CEL-18", officers=two, party_present=False)
    assert "邀请见证人到场" in s["refusal"]
    _refused(s, "coercive_measure_onsite_record", "CEL-18", officers=two, party_present=False, **PRESENT, **WITNESSED)
    assert "不到场，却有当事人签名" in s["refusal"]


def test_CEL_18_met_the_party_absent_a_witness_signing_is_recorded_false_is_a_value(s: dict) -> None:
    """当事人到场: 否 is an answer: the record is made without the party's signature or statement, the witness signs."""
    two = [str(s["officer"].pk), str(s["officer2"].pk)]
    _signed(s, s["case"], "coercive_measure_decision", MONDAY + timedelta(days=1))
    moment = MONDAY + timedelta(days=2)
    content = filled(s["case"], "coercive_measure_onsite_record", s["officer"], moment, officers=two)
    content |= {"party_present": False, "reasons_and_rights_told": False, **WITNESSED}
    _recorded_on_video(s, s["case"], "coercive_measure_onsite_record", moment)  # IMR-13: sealing on video
    with clock.frozen_at(moment + timedelta(minutes=5)):
        draft = records.add_record(
            actor=s["officer"],
            case=s["case"],
            kind="coercive_measure_onsite_record",
            occurred_at=moment,
            content=content,
        )
        record = records.sign_record(actor=s["officer"], record=draft)
    assert record.status == "signed" and record.content["party_present"] is False
    assert "party_signature" not in record.content and "statement_and_defence" not in record.content


def test_APL_56_the_preservation_notice_is_signed_by_the_head_not_the_officer(s: dict) -> None:
    moment = MONDAY + timedelta(days=2)
    content = filled(s["case"], "evidence_preservation_notice", s["officer"], moment, approved_by=str(s["head"].pk))
    with clock.frozen_at(moment):
        draft = records.add_record(
            actor=s["officer"], case=s["case"], kind="evidence_preservation_notice", occurred_at=moment, content=content
        )
        with pytest.raises(PermissionRefused, match="负责人"):
            records.sign_record(actor=s["officer"], record=draft)


def test_APL_68_the_small_fine_ground_is_for_the_summary_procedure_only(s: dict) -> None:
    _refused(s, "onspot_collection", "APL-68", ground="small_fine", amount_fen=5000)


def test_FUND_29_the_inspection_counts_its_inspectors_by_its_own_parameter_not_APL_42s() -> None:
    """A province that asks three inspectors for a fund inspection (an override of FUND-29's min_inspectors) refuses
    an inspection by two certified officers, citing FUND-29; a questioning by the same two stays within APL-42."""
    from lawtrace.rulebook import loader

    setting, case = _opened_case("inner-mongolia-2025", "penalty")
    setting["case"] = case
    rulebook = loader.at(case.rulebook, case.rulebook_version)
    original = rulebook.rule("FUND-29").params["min_inspectors"]
    rulebook.rule("FUND-29").params["min_inspectors"] = original.model_copy(update={"value": 3})
    try:
        two = [str(setting["officer"].pk), str(setting["officer2"].pk)]
        _refused(setting, "onsite_inspection_record", "FUND-29", officers=two)
    finally:
        rulebook.rule("FUND-29").params["min_inspectors"] = original


@pytest.mark.parametrize(("servers", "signed"), [(1, False), (2, True)], ids=["not-met-one-server", "met-two"])
def test_WS_17_3_a_retained_service_is_made_by_two_officers(servers: int, signed: bool) -> None:
    setting, case = _opened_case("wenshang-2019", "penalty")
    setting["case"] = case
    people = [str(setting["officer"].pk), str(setting["officer2"].pk)][:servers]
    given = {"mode": "retained", "servers": people, "refusal_reason": "拒绝签收", "witness": "村委会王某"}
    if not signed:
        _refused(setting, "service_receipt", "WS-17.3", **given)
    else:
        assert _signed(setting, case, "service_receipt", MONDAY + timedelta(days=2), **given).status == "signed"  # type: ignore[attr-defined]


def test_false_is_a_value_a_review_that_did_not_pass_is_recorded_and_refuses_the_decision() -> None:
    """A required yes/no answered "no" is recorded, not refused as missing; the rule then judges the answer
    (APL-58: a review that did not pass refuses the decision)."""
    from tests.cases import walk

    s, case = walk.opened("inner-mongolia-2025", "penalty")
    case = walk.investigate(s, case)
    walk.notify(s, case)
    walk.hear(s, case)
    reviewer = walk.make_person(s["county"], walk.Role.LEGAL_REVIEWER)
    content = filled(case, "legal_review_opinion", reviewer, walk.REVIEWED, passed=False)
    with clock.frozen_at(walk.REVIEWED + timedelta(minutes=1)):
        review = records.add_record(
            actor=reviewer, case=case, kind="legal_review_opinion", occurred_at=walk.REVIEWED, content=content
        )
        records.sign_record(actor=reviewer, record=review)
    assert review.content["passed"] is False
    refusal = walk.attempt(s, case, "penalty_decision", walk.DECIDED)
    assert refusal is not None and refusal.rule == "APL-58" and "审核未通过" in refusal.message


def test_APL_55_certificates_not_shown_is_recorded_as_no_and_refuses_the_signature(s: dict) -> None:
    two = [str(s["officer"].pk), str(s["officer2"].pk)]
    _refused(s, "onsite_inspection_record", "APL-55", officers=two, certificates_shown=False)


def test_APL_64_a_hearing_not_in_public_needs_its_reason() -> None:
    setting, case = _opened_case("inner-mongolia-2025", "penalty")
    setting["case"] = case
    _refused(setting, "hearing_notice", "APL-64", public=False, chair=str(setting["head"].pk))
    moment = MONDAY + timedelta(days=2)
    record = _signed(
        setting,
        case,
        "hearing_notice",
        moment,
        public=False,
        not_public_reason="涉及商业秘密",
        chair=str(setting["head"].pk),
    )
    assert record.status == "signed"  # type: ignore[attr-defined]
