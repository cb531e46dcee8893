"""Gates checked when their record is signed (APL-42/FUND-29, CEL-18, APL-56, APL-68, CEL-54): refused with the rule
and nothing written when the law's condition fails; signed when it holds."""

from __future__ import annotations

from datetime import timedelta

import pytest

from lawtrace import clock
from lawtrace.errors import PermissionRefused, Refused
from lawtrace.ledger.models import Entry
from lawtrace.records import services as records
from tests.cases.record_content import filled
from tests.cases.steps import MONDAY, _opened_case, _signed

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
    assert Entry.objects.count() == before


def test_FUND_29_an_inspection_with_one_certified_officer_is_refused(s: dict) -> None:
    _refused(s, "onsite_inspection_record", "FUND-29", officers=[str(s["officer"].pk)])


def test_CEL_18_the_measure_needs_the_heads_decision_first_and_a_party_or_witness_signature(s: dict) -> None:
    two = [str(s["officer"].pk), str(s["officer2"].pk)]
    _refused(s, "coercive_measure_onsite_record", "CEL-18", officers=two)  # no decision approved yet
    _signed(s, s["case"], "coercive_measure_decision", MONDAY + timedelta(days=1))
    _refused(s, "coercive_measure_onsite_record", "CEL-18", officers=two, party_signature="refused")  # no witness
    record = _signed(
        s,
        s["case"],
        "coercive_measure_onsite_record",
        MONDAY + timedelta(days=2),
        party_signature="refused",
        witness="社区工作人员王某",
        witness_signature="signed",
    )
    assert record.status == "signed"  # type: ignore[attr-defined]


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


def test_CEL_54_the_court_is_applied_to_only_after_the_reminders_period(s: dict) -> None:
    _refused(s, "court_enforcement_application", "CEL-54")  # no reminder at all
    served = MONDAY + timedelta(days=3)
    _signed(s, s["case"], "enforcement_reminder", served, served_at=served.isoformat())
    too_soon = served + timedelta(days=5)
    _refused(s, "court_enforcement_application", "CEL-54", applied_at=too_soon.isoformat())
    in_time = served + timedelta(days=20)
    record = _signed(s, s["case"], "court_enforcement_application", in_time, applied_at=in_time.isoformat())
    assert record.status == "signed"  # type: ignore[attr-defined]
