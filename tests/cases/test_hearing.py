"""Hearings and service (APL-61, APL-63, APL-64, APL-65): each gate met in one case and refusing — with its rule and
nothing written — in another."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from lawtrace import clock
from lawtrace.errors import Refused
from lawtrace.ledger.models import Entry
from lawtrace.orgs.models import Role
from lawtrace.records import services as records
from tests.cases.record_content import filled
from tests.cases.steps import MONDAY, _opened_case, _signed, decision_warnings
from tests.factories import make_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def s() -> dict:
    setting, case = _opened_case("inner-mongolia-2025", "penalty")
    setting["case"] = case
    setting["chair"] = make_person(setting["county"], Role.OFFICER, certificate="valid")  # not investigating
    return setting


def _rules(s: dict, moment: datetime = MONDAY + timedelta(days=30)) -> list[str]:
    return decision_warnings(s, s["case"], moment)


@pytest.mark.parametrize(
    ("fine_fen", "hearing_right", "blocked"), [(500000, False, False), (20000000, False, True), (20000000, True, False)]
)
def test_APL_63_a_large_fine_needs_the_hearing_right_in_the_notice(
    s: dict, fine_fen: int, hearing_right: bool, blocked: bool
) -> None:
    _signed(
        s,
        s["case"],
        "rights_notice",
        MONDAY + timedelta(days=2),
        intended_fine_fen=fine_fen,
        hearing_right=hearing_right,
    )
    assert ("APL-63" in _rules(s)) is blocked


def _draft_transcript(s: dict, chair: object, hearing_at):  # type: ignore[no-untyped-def]
    content = filled(s["case"], "hearing_transcript", s["officer"], hearing_at, chair=str(chair.pk))  # type: ignore[attr-defined]
    with clock.frozen_at(hearing_at + timedelta(hours=3)):
        return records.add_record(
            actor=s["officer"], case=s["case"], kind="hearing_transcript", occurred_at=hearing_at, content=content
        )


def _notice(s: dict, served_at, hearing_at) -> None:  # type: ignore[no-untyped-def]
    _signed(
        s,
        s["case"],
        "hearing_notice",
        served_at,
        served_at=served_at.isoformat(),
        hearing_at=hearing_at.isoformat(),
        chair=str(s["chair"].pk),
    )


def test_APL_64_a_hearing_chaired_by_an_investigator_is_refused_and_writes_nothing(s: dict) -> None:
    hearing_at = MONDAY + timedelta(days=21)
    _notice(s, MONDAY + timedelta(days=2), hearing_at)
    draft = _draft_transcript(s, s["officer"], hearing_at)
    before = Entry.objects.count()
    with clock.frozen_at(hearing_at + timedelta(hours=4)), pytest.raises(Refused, match="非本案调查人员") as refusal:
        records.sign_record(actor=s["officer"], record=draft)
    assert refusal.value.rule == "APL-64" and Entry.objects.count() == before


def test_APL_64_notice_served_too_late_is_refused_and_in_time_is_signed(s: dict) -> None:
    hearing_at = MONDAY + timedelta(days=21)  # Monday 1 December 2025; 7 working days before: Thursday 20 November
    _notice(s, hearing_at - timedelta(days=5), hearing_at)
    late = _draft_transcript(s, s["chair"], hearing_at)
    with clock.frozen_at(hearing_at + timedelta(hours=4)), pytest.raises(Refused, match="7个工作日前") as refusal:
        records.sign_record(actor=s["officer"], record=late)
    assert refusal.value.rule == "APL-64"
    _notice(s, hearing_at - timedelta(days=12), hearing_at)
    with clock.frozen_at(hearing_at + timedelta(hours=4)):
        assert records.sign_record(actor=s["officer"], record=late).status == "signed"


def test_APL_65_after_a_hearing_the_decision_waits_for_the_chairs_report(s: dict) -> None:
    hearing_at = MONDAY + timedelta(days=21)
    _notice(s, MONDAY + timedelta(days=2), hearing_at)
    with clock.frozen_at(hearing_at + timedelta(hours=4)):
        records.sign_record(actor=s["officer"], record=_draft_transcript(s, s["chair"], hearing_at))
    assert "APL-65" in _rules(s)
    _signed(s, s["case"], "hearing_report", hearing_at + timedelta(days=1), chair=str(s["chair"].pk))
    assert "APL-65" not in _rules(s)


def test_APL_61_electronic_service_needs_the_partys_address_confirmation(s: dict) -> None:
    moment = MONDAY + timedelta(days=3)
    content = filled(
        s["case"], "service_receipt", s["officer"], moment, mode="electronic", document_number="测罚〔2025〕9号"
    )
    with clock.frozen_at(moment):
        draft = records.add_record(
            actor=s["officer"], case=s["case"], kind="service_receipt", occurred_at=moment, content=content
        )
        with pytest.raises(Refused, match="送达地址确认书") as refusal:
            records.sign_record(actor=s["officer"], record=draft)
    assert refusal.value.rule == "APL-61"
    _signed(s, s["case"], "service_address_confirmation", moment - timedelta(hours=1))
    with clock.frozen_at(moment + timedelta(minutes=5)):
        assert records.sign_record(actor=s["officer"], record=draft).status == "signed"


def test_every_gate_the_rulebooks_name_is_checked_somewhere_or_listed_as_not_yet() -> None:
    """A gate condition no code checks would pass silently: each is a blockers() check, checked where its action
    happens (named), or listed as not yet checked — and the lists do not overlap."""
    from lawtrace.cases.gates import CHECKED_ELSEWHERE, CONDITIONS, NOT_YET_CHECKED
    from lawtrace.cases.judges import JUDGES
    from lawtrace.rulebook.loader import available, load

    named = {
        gate.condition
        for name in available()
        for rule in load(name)
        for gate in [rule.gate, *rule.additional_gates]
        if gate is not None
    }
    checked, elsewhere = set(CONDITIONS) | set(JUDGES), set(CHECKED_ELSEWHERE)
    assert not (checked & elsewhere) and not (checked & NOT_YET_CHECKED) and not (elsewhere & NOT_YET_CHECKED)
    assert named - checked - elsewhere - NOT_YET_CHECKED == set()
    assert NOT_YET_CHECKED <= named  # a condition checked since must leave the list


def test_APL_63_a_hearing_the_party_asked_for_must_be_held_before_the_decision(s: dict) -> None:
    _signed(s, s["case"], "rights_notice", MONDAY + timedelta(days=2), hearing_right=True)
    _signed(s, s["case"], "hearing_application", MONDAY + timedelta(days=3))
    assert "APL-63" in _rules(s)
    hearing_at = MONDAY + timedelta(days=21)
    _notice(s, MONDAY + timedelta(days=4), hearing_at)
    with clock.frozen_at(hearing_at + timedelta(hours=4)):
        records.sign_record(actor=s["officer"], record=_draft_transcript(s, s["chair"], hearing_at))
    _signed(s, s["case"], "hearing_report", hearing_at + timedelta(days=1), chair=str(s["chair"].pk))
    assert "APL-63" not in _rules(s)
