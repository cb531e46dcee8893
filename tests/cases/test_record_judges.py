"""What the act's own record says, judged when it is signed (``cases.record_judges``): refused with the rule's ID,
nothing written (``walk.attempt`` holds the draft a draft and the ledger unchanged), accepted once it holds."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from lawtrace import clock
from lawtrace.cases.models import Case
from lawtrace.records.models import Record
from tests.cases import steps, walk

pytestmark = pytest.mark.django_db

IM, WS = "inner-mongolia-2025", "wenshang-2019"


@pytest.fixture
def in_decision() -> tuple[dict[str, Any], Case]:
    s, case = walk.opened(IM, "penalty")
    return s, walk.investigate(s, case)


# -- WS-16 / IMR-16: the collective discussion signed by every participant ------------------------------------------


@pytest.mark.parametrize("rulebook", [IM, WS])
def test_WS_16_IMR_16_not_met_a_collective_discussion_not_signed_by_every_participant_is_refused(
    rulebook: str,
) -> None:
    s, case = walk.opened(rulebook, "penalty")
    both = [str(s["head"].pk), str(s["officer"].pk)]
    moment = walk.REVIEWED + timedelta(hours=2)
    for unsigned in (
        {"unsigned_participants": [str(s["officer"].pk)]},
        {"signatures": ["signed", "refused"]},
        {"signatures": "refused"},
    ):
        refusal = walk.attempt(s, case, "collective_discussion", moment, participants=both, **unsigned)
        assert refusal is not None and refusal.rule == ("IMR-16" if rulebook == IM else "WS-16")
        assert "全体参与讨论人员签字" in refusal.message
    assert walk.attempt(s, case, "collective_discussion", moment, participants=both, signatures=["signed"] * 2) is None


def test_IMR_16_not_met_a_decision_resting_on_a_discussion_not_everyone_signed_is_refused(
    in_decision: tuple[dict[str, Any], Case],
) -> None:
    s, case = in_decision
    walk.notify(s, case)
    walk.hear(s, case)
    walk.legal_review(s, case)
    s["by_hand"] = True
    both = [str(s["head"].pk), str(s["officer"].pk)]
    moment = walk.REVIEWED + timedelta(hours=2)
    draft = steps._drafted(s, case, "collective_discussion", moment, participants=both, signatures=["signed"])
    assert isinstance(draft, Record)
    draft.content["unsigned_participants"] = [str(s["officer"].pk)]  # as data written around the services could be
    with clock.frozen_at(moment + timedelta(minutes=2)):
        Record.objects.filter(pk=draft.pk).update(
            content=draft.content, status="signed", signed_by=s["head"], signed_at=clock.now()
        )
    refusal = walk.attempt(s, case, "penalty_decision", walk.DECIDED)
    assert refusal is not None and "IMR-16 集体讨论记录" in str(refusal.message)
    Record.objects.filter(pk=draft.pk).update(content={**draft.content, "unsigned_participants": []})
    refusal = walk.attempt(s, case, "penalty_decision", walk.DECIDED + timedelta(hours=1))
    assert refusal is None


# -- APL-55, CEL-24: the on-site records signed by every officer and by the party, or a witness --------------------


@pytest.mark.parametrize("kind", ["inquiry_transcript", "onsite_inspection_record"])
def test_APL_55_not_met_a_refused_signature_without_a_witness_is_refused_met_with_the_witness(
    in_decision: tuple[dict[str, Any], Case], kind: str
) -> None:
    s, case = in_decision
    field = "subject_signature" if kind == "inquiry_transcript" else "party_signature"
    moment = walk.INVESTIGATED + timedelta(hours=3)
    refusal = walk.attempt(s, case, kind, moment, **{field: "refused"})
    assert refusal is not None and refusal.rule == "APL-55" and "见证人" in refusal.message
    refusal = walk.attempt(s, case, kind, moment, **{field: "refused", "witness": "李某（村委会）"})
    assert refusal is not None and refusal.rule == "APL-55"  # a witness named, but not signed
    witnessed = {field: "refused", "witness": "李某（村委会）", "witness_signature": "signed"}
    assert walk.attempt(s, case, kind, moment, **witnessed) is None


def test_APL_55_not_met_an_inquiry_record_not_signed_by_every_officer_is_refused(
    in_decision: tuple[dict[str, Any], Case],
) -> None:
    s, case = in_decision
    two = [str(s["officer"].pk), str(s["officer2"].pk)]
    moment = walk.INVESTIGATED + timedelta(hours=3)
    for short in (["signed", "refused"], ["signed", "sealed", "refused"]):
        refusal = walk.attempt(s, case, "inquiry_transcript", moment, officers=two, officer_signatures=short)
        assert refusal is not None and refusal.rule == "APL-55" and "全体执法人员签名" in refusal.message
    assert walk.attempt(s, case, "inquiry_transcript", moment, officers=two, officer_signatures=["signed"] * 2) is None


def test_CEL_24_not_met_a_property_list_the_party_refused_needs_a_witness(
    in_decision: tuple[dict[str, Any], Case],
) -> None:
    s, case = in_decision
    moment = walk.INVESTIGATED + timedelta(hours=3)
    refusal = walk.attempt(s, case, "property_list", moment, copies=2, party_signature="refused")
    assert refusal is not None and refusal.rule == "CEL-24" and "见证人" in refusal.message
    witnessed = {"party_signature": "refused", "witness": "王某", "witness_signature": "signed"}
    assert walk.attempt(s, case, "property_list", moment, copies=2, **witnessed) is None


# -- WS-17.1 / IMR-17.1: a refused signature is a 留置送达, never direct service -------------------------------------


@pytest.mark.parametrize("rulebook", [IM, WS])
def test_WS_17_1_IMR_17_1_not_met_a_receipt_the_recipient_refused_is_no_direct_service(rulebook: str) -> None:
    s, case = walk.opened(rulebook, "penalty")
    case = walk.to_execution(s, case)
    cited = "IMR-17.1" if rulebook == IM else "WS-17.1"
    refusal = walk.attempt(s, case, "service_receipt", walk.SERVED, mode="direct", recipient_signature="refused")
    assert refusal is not None and refusal.rule == cited and "留置送达" in refusal.message
    two = [str(s["officer"].pk), str(s["officer2"].pk)]  # WS-17.3: a retained service by two officers
    refusal = walk.attempt(
        s, case, "service_receipt", walk.SERVED, mode="retained", recipient_signature="signed", servers=two
    )
    assert refusal is not None and refusal.rule == cited and "不是留置送达" in refusal.message
    retained = {
        "mode": "retained",
        "recipient_signature": "refused",
        "refusal_reason": "当事人法定代表人拒绝签收",
        "witness": "村委会王某",
        "witness_signature": "signed",
        "server_signature": ["signed", "signed"],
        "servers": two,
    }
    assert walk.attempt(s, case, "service_receipt", walk.SERVED, **retained) is None
    assert walk.attempt(s, case, "service_receipt", walk.SERVED, mode="direct", recipient_signature="signed") is None


# -- PUB-MASK: the party told at service that the decision will be published ---------------------------------------


@pytest.mark.parametrize("rulebook", [IM, WS])
def test_PUB_MASK_not_met_serving_a_decision_to_be_published_without_telling_the_party_is_refused(
    rulebook: str,
) -> None:
    s, case = walk.opened(rulebook, "penalty")
    case = walk.to_execution(s, case)
    refusal = walk.attempt(s, case, "service_receipt", walk.SERVED, mode="direct", publication_notice=False)
    assert refusal is not None and refusal.rule == "PUB-MASK" and "将依法公示" in refusal.message
    assert walk.attempt(s, case, "service_receipt", walk.SERVED, mode="direct", publication_notice=True) is None
    other = {"mode": "direct", "publication_notice": False, "document_number": "测医保告〔2025〕1号"}
    assert walk.attempt(s, case, "service_receipt", walk.SERVED, **other) is None  # not a decision to be published


def test_PUB_MASK_the_notice_at_service_is_needed_only_while_notify_party_at_service_is_true() -> None:
    from lawtrace.rulebook import loader

    s, case = walk.opened(IM, "penalty")
    case = walk.to_execution(s, case)
    rule = loader.at(case.rulebook, case.rulebook_version).rule("PUB-MASK")
    original = rule.params["notify_party_at_service"]
    rule.params["notify_party_at_service"] = original.model_copy(update={"value": False})
    try:
        untold = {"mode": "direct", "publication_notice": False}
        assert walk.attempt(s, case, "service_receipt", walk.SERVED, **untold) is None
    finally:
        rule.params["notify_party_at_service"] = original


# -- APL-59: the decision's stated date against its signature, a warning at signing ---------------------------------


@pytest.mark.parametrize(("days_before", "warned"), [(1, False), (5, True)], ids=["within-a-day", "five-days-apart"])
def test_APL_59_a_decision_dated_apart_from_its_signature_is_signed_with_a_warning(
    in_decision: tuple[dict[str, Any], Case], days_before: int, warned: bool
) -> None:
    from django.test import Client

    from lawtrace.cases import act_checks

    s, case = in_decision
    walk.notify(s, case)
    walk.hear(s, case)
    walk.legal_review(s, case)
    stated = (walk.DECIDED - timedelta(days=days_before)).date().isoformat()
    draft = steps._drafted(s, case, "penalty_decision", walk.DECIDED, decided_on=stated)
    assert isinstance(draft, Record)
    moment = walk.DECIDED + timedelta(minutes=2)
    assert ("APL-59" in [w.rule_id for w in act_checks.warnings(draft, now=moment)]) is warned  # shown on the draft
    client = Client()
    client.force_login(s["head"])
    with clock.frozen_at(moment):
        page = client.post(f"/records/{draft.pk}/sign/", follow=True).content.decode()
    draft.refresh_from_db()
    assert draft.status == Record.Status.SIGNED  # a warning, never a refusal
    assert ("APL-59" in page and "相差" in page) is warned
    notices = act_checks.notices(draft, now=moment)
    assert ([n.rule_id for n in notices] == ["APL-59"]) is warned and (notices == []) is not warned


# -- WS-12: questioning in a case-handling room, a registered room equipped to record ------------------------------


def test_WS_12_not_met_questioning_in_a_room_the_organisation_did_not_register_is_refused() -> None:
    from lawtrace.orgs import services as orgs
    from lawtrace.orgs.models import RecordingRoom, RoomKind
    from tests.factories import root_user

    s, case = walk.opened(WS, "penalty")
    moment = walk.INVESTIGATED
    in_room = {"place": "汶上县医疗保障局询问室一"}
    refusal = walk.attempt(s, case, "inquiry_transcript", moment, **in_room)
    assert refusal is not None and refusal.rule == "WS-12" and "尚未登记" in refusal.message
    room = RecordingRoom(organisation=s["county"], kind=RoomKind.INTERVIEW, name="询问室一", has_recording=False)
    orgs.save_room(actor=root_user(), room=room)
    refusal = walk.attempt(s, case, "inquiry_transcript", moment, **in_room)
    assert refusal is not None and refusal.rule == "WS-12" and "录音录像" in refusal.message
    room.has_recording = True
    orgs.save_room(actor=root_user(), room=room)
    refusal = walk.attempt(s, case, "inquiry_transcript", moment, place="汶上县医疗保障局询问室二")
    assert refusal is not None and refusal.rule == "WS-12" and "询问室一" in refusal.message  # names the registered
    assert walk.attempt(s, case, "inquiry_transcript", moment, **in_room) is None
    assert walk.attempt(s, case, "inquiry_transcript", moment, place="当事人经营场所") is None  # on the scene


# -- WS-3b: the records' formats confirmed by the legal reviewer before the decision -------------------------------


def test_WS_3b_not_met_a_decision_before_the_reviewer_confirmed_the_formats_is_refused_met_once_confirmed() -> None:
    s, case = walk.opened(WS, "penalty")
    case = walk.investigate(s, case)
    walk.notify(s, case)
    walk.hear(s, case)
    walk.legal_review(s, case)  # confirms the formats an hour after the review (steps.confirm_formats)
    walk.signed(s, case, "collective_discussion", walk.REVIEWED + timedelta(hours=3), signatures="signed")
    refusal = walk.attempt(s, case, "penalty_decision", walk.DECIDED)  # a record signed after the confirmation
    assert refusal is not None and refusal.rule == "WS-3b" and "重新核对确认" in refusal.message
    steps.confirm_formats(s, case, walk.REVIEWED + timedelta(hours=4))
    assert walk.attempt(s, case, "penalty_decision", walk.DECIDED + timedelta(hours=1)) is None


def test_WS_3b_not_met_never_confirmed_and_an_inner_mongolia_decision_needs_no_wenshang_checklist() -> None:
    from lawtrace.rulebook.models import Confirmation

    s, case = walk.opened(WS, "penalty")
    case = walk.investigate(s, case)
    walk.notify(s, case)
    walk.hear(s, case)
    walk.legal_review(s, case)
    Confirmation.objects.filter(case=case).delete()  # as if never confirmed
    refusal = walk.attempt(s, case, "penalty_decision", walk.DECIDED)
    assert refusal is not None and refusal.rule == "WS-3b" and "核对确认" in refusal.message
    s, case = walk.opened(IM, "penalty")
    case = walk.investigate(s, case)
    walk.notify(s, case)
    walk.hear(s, case)
    walk.legal_review(s, case)
    assert walk.attempt(s, case, "penalty_decision", walk.DECIDED) is None
