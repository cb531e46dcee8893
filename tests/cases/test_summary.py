"""简易程序 (APL-51, NHSA-SUMMARY, APL-52): a small penalty decided on the spot — registered without the opening
approval chain, its on-the-spot decision refused above the rulebook's limits (nothing written), then executed and
closed without a separate service."""

from __future__ import annotations

from datetime import timedelta

import pytest

from lawtrace import clock
from lawtrace.cases import services
from lawtrace.cases.compliance import evaluate
from lawtrace.cases.models import CaseStatus, CaseType, PartyKind, Phase, Procedure
from lawtrace.errors import Refused
from lawtrace.ledger.models import Entry
from lawtrace.records import services as records
from tests.cases.record_content import filled
from tests.cases.steps import MONDAY
from tests.factories import open_case_setting, register

pytestmark = pytest.mark.django_db


@pytest.fixture
def s() -> dict:
    setting = open_case_setting()
    person = services.PartyInput(kind=PartyKind.NATURAL, name="周某某", id_number="11010519491231002X")
    with clock.frozen_at(MONDAY):
        setting["case"] = register(
            setting,
            procedure=Procedure.SUMMARY,
            parties=[person],
            handler_opinion="",
            violation_ended_on=MONDAY.date(),
        )
    return setting


def _onsite(s: dict, fine_fen: int):  # type: ignore[no-untyped-def]
    moment = MONDAY + timedelta(minutes=30)
    content = filled(
        s["case"], "onsite_penalty_decision", s["officer"], moment, fine_fen=fine_fen, filed_at=moment.isoformat()
    )
    with clock.frozen_at(moment):
        return records.add_record(
            actor=s["officer"], case=s["case"], kind="onsite_penalty_decision", occurred_at=moment, content=content
        )


def test_APL_51_a_summary_case_starts_at_once_without_the_opening_chain(s: dict) -> None:
    case = s["case"]
    assert (case.status, case.phase, case.procedure) == (CaseStatus.ACTIVE, Phase.DECISION, Procedure.SUMMARY)
    assert case.opened_at is not None
    assert not [f for f in evaluate(case) if f.rule_id in ("IMR-8", "WS-10")]


def test_APL_51_a_fine_above_the_on_the_spot_limit_is_refused_and_writes_nothing(s: dict) -> None:
    draft = _onsite(s, 30000)  # 300 元 for a citizen: over 200 元
    before = Entry.objects.count()
    with pytest.raises(Refused, match="应当适用一般程序") as refusal:
        records.sign_record(actor=s["officer"], record=draft)
    assert refusal.value.rule == "APL-51" and Entry.objects.count() == before


def test_APL_52_within_the_limit_decided_on_the_spot_executed_and_closed(s: dict) -> None:
    draft = _onsite(s, 15000)
    with clock.frozen_at(MONDAY + timedelta(hours=1)):
        records.sign_record(actor=s["officer"], record=draft)
        case = services.advance_phase(actor=s["officer"], case=s["case"])
    assert case.phase == Phase.EXECUTION
    moment = MONDAY + timedelta(hours=2)
    with clock.frozen_at(moment):
        payment = filled(case, "fine_payment", s["officer"], moment, amount_fen=15000, channel="onsite")
        paid = records.add_record(
            actor=s["officer"], case=case, kind="fine_payment", occurred_at=moment, content=payment
        )
        records.sign_record(actor=s["officer"], record=paid)
        for kind in ("execution_record", "closing_report"):
            content = filled(case, kind, s["officer"], moment)
            content |= {f: str(s["head"].pk) for f in records.SIGNER_FIELDS if f in content}
            draft = records.add_record(actor=s["officer"], case=case, kind=kind, occurred_at=moment, content=content)
            records.sign_record(actor=s["head"] if kind in records.SIGNERS else s["officer"], record=draft)
        case = services.advance_phase(actor=s["head"], case=case)
    assert case.status == CaseStatus.CLOSED
    judged = {f.rule_id: f for f in evaluate(case)}
    assert judged["APL-52"].status == "met"


def test_the_summary_procedure_is_for_penalties_only(s: dict) -> None:
    with pytest.raises(Refused, match="简易程序") as refusal:
        register(s, procedure=Procedure.SUMMARY, case_type=CaseType.INSPECTION)
    assert refusal.value.rule == "APL-51"


def test_the_register_form_offers_the_summary_procedure(s: dict) -> None:
    from django.test import Client

    officer = Client()
    officer.force_login(s["officer"])
    page = officer.get("/cases/new/").content.decode()
    assert "简易程序" in page and "APL-51" in page
