"""The principles of the recording measures, on cases walked through the real services:

- WS-3 / IMR-2c: every phase — 程序启动, 调查取证, 审查决定, 送达执行 — leaves its written records and ledger entries;
  a phase without its written record cannot be left, and the case page says why.
- WS-4 / IMR-3: every step leaves a trace that cannot be changed unnoticed — one ledger entry per action, the
  ledger refuses UPDATE, and a record changed behind the services disagrees with the ledger.
- WS-3b: written records follow the national formats and the jurisdiction's own: the record kinds come from the
  case's rulebook, and a record missing a field of its format is refused.
- WS-11: the written record of each act of investigation (询问笔录, 现场检查笔录 naming the officers and their
  certificates, 限期提供材料通知书), met and not met.
"""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.db import DatabaseError, transaction

from lawtrace import clock
from lawtrace.cases import services
from lawtrace.cases.gates import next_step
from lawtrace.cases.models import Case, CaseStatus, Phase
from lawtrace.errors import Refused
from lawtrace.ledger.actions import LedgerAction
from lawtrace.ledger.models import Entry
from lawtrace.ledger.services import log_for
from lawtrace.ledger.verify import verify_log
from lawtrace.records import services as records
from lawtrace.records.integrity import check_all
from lawtrace.records.models import Record
from lawtrace.rulebook.loader import at, load
from tests.cases import walk
from tests.cases.record_content import filled
from tests.cases.steps import MONDAY
from tests.ledger.test_verify import drop_triggers, sql

pytestmark = pytest.mark.django_db

IM, WS, BASE = "inner-mongolia-2025", "wenshang-2019", "prc-apl-2021"
BOTH = pytest.mark.parametrize("rulebook", [IM, WS], ids=["IMR", "WS"])
WRITTEN_PHASES = (Phase.INVESTIGATION, Phase.DECISION, Phase.EXECUTION)


def _closed(rulebook: str) -> tuple[dict, Case]:
    s, case = walk.opened(rulebook, "penalty")
    case = walk.to_execution(s, case)
    walk.serve_and_execute(s, case)
    walk.signed(s, case, "closing_report", walk.CLOSED)
    return s, walk.advance(s, case, walk.CLOSED + timedelta(hours=1), s["head"])


def _entries(case: Case) -> list[Entry]:
    return list(Entry.objects.filter(case_number=case.number).order_by("log", "seq"))


def _entries_by_phase(case: Case) -> dict[str, list[str]]:
    """The case's ledger entries grouped by the phase the case was in when each was written."""
    phase, grouped = str(Phase.OPENING), dict[str, list[str]]()
    for entry in _entries(case):
        grouped.setdefault(phase, []).append(entry.action)
        if entry.action == LedgerAction.OPENING_APPROVED:
            phase = str(Phase.INVESTIGATION)
        elif entry.action == LedgerAction.PHASE_CHANGED:
            phase = json.loads(bytes(entry.data))["payload"]["to"]
    return grouped


def _record_phases(case: Case) -> set[str]:
    rulebook = at(case.rulebook, case.rulebook_version)
    signed = case.records.filter(status=Record.Status.SIGNED).values_list("kind", flat=True)
    return {str(rulebook.record_kind(kind).phase) for kind in signed}


# -- WS-3 / IMR-2c: every phase recorded ---------------------------------------------------------------------------


@BOTH
def test_WS_3_IMR_2c_met_every_phase_of_a_closed_case_has_its_written_records_and_ledger_entries(
    rulebook: str,
) -> None:
    _, case = _closed(rulebook)
    assert case.status == CaseStatus.CLOSED
    assert {str(p) for p in WRITTEN_PHASES} <= _record_phases(case)
    by_phase = _entries_by_phase(case)
    assert by_phase[Phase.OPENING] == [
        LedgerAction.CASE_REGISTERED,
        LedgerAction.OPINION_GIVEN,
        LedgerAction.OPENING_APPROVED,
    ]
    for phase in WRITTEN_PHASES:
        assert LedgerAction.RECORD_SIGNED in by_phase[phase], (phase, by_phase[phase])
    assert by_phase[Phase.EXECUTION][-1] == LedgerAction.PHASE_CHANGED and Phase.CLOSED not in by_phase  # closed last


@BOTH
def test_WS_3_IMR_2c_not_met_a_phase_without_its_written_record_cannot_be_left_and_says_why(rulebook: str) -> None:
    s, case = walk.opened(rulebook, "penalty")
    cited = "IMR-9" if rulebook == IM else "WS-11"
    target, blocking = next_step(case)  # type: ignore[misc]
    assert target == Phase.DECISION and [b.rule_id for b in blocking] == [cited]  # shown on the case page
    before = Entry.objects.count()
    with clock.frozen_at(walk.INVESTIGATED), pytest.raises(Refused) as refusal:
        services.advance_phase(actor=s["officer"], case=case)
    assert refusal.value.rule == cited and Entry.objects.count() == before
    case = walk.to_execution(s, case)  # the written records of 调查取证 and 审查决定 made: now in 送达执行
    target, blocking = next_step(case)  # type: ignore[misc]
    assert target == Phase.CLOSED and "NHSA-CLOSE" in [b.rule_id for b in blocking]  # no service, no execution yet
    assert str(Phase.EXECUTION) not in _record_phases(case)


# -- WS-4 / IMR-3: a trace that cannot be changed unnoticed ---------------------------------------------------------


@BOTH
def test_WS_4_IMR_3_met_every_action_leaves_its_ledger_entry_and_the_ledger_verifies(rulebook: str) -> None:
    s, case = walk.opened(rulebook, "penalty")
    before = len(_entries(case))
    moment = MONDAY + timedelta(days=1)
    content = filled(
        case, "inquiry_transcript", s["officer"], moment, officers=[str(s["officer"].pk), str(s["officer2"].pk)]
    )
    with clock.frozen_at(moment + timedelta(minutes=1)):
        draft = records.add_record(
            actor=s["officer"], case=case, kind="inquiry_transcript", occurred_at=moment, content=content
        )
        assert [e.action for e in _entries(case)[before:]] == [LedgerAction.RECORD_ADDED]
        records.sign_record(actor=s["officer"], record=draft)
        assert [e.action for e in _entries(case)[before + 1 :]] == [LedgerAction.RECORD_SIGNED]
        services.advance_phase(actor=s["officer"], case=case)
    assert [e.action for e in _entries(case)[before + 2 :]] == [LedgerAction.PHASE_CHANGED]
    added = json.loads(bytes(_entries(case)[before].data))["payload"]
    draft.refresh_from_db()
    assert added["content"] == draft.content_hash  # the ledger commits to what the record holds
    assert verify_log(log_for(case.organisation)).ok and check_all(case.number) == []


@BOTH
def test_WS_4_IMR_3_not_met_a_trace_changed_behind_the_services_is_refused_or_caught(rulebook: str) -> None:
    s, case = walk.opened(rulebook, "penalty")
    record = walk.signed(s, case, "inquiry_transcript", MONDAY + timedelta(days=1))
    entry = Entry.objects.filter(case_number=case.number, action=LedgerAction.RECORD_ADDED).get()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        Entry.objects.filter(pk=entry.pk).update(case_number="改写")  # the ledger refuses UPDATE
    # a record edited outside the services no longer matches what the ledger committed to
    Record.objects.filter(pk=record.pk).update(content={**record.content, "content": "改写后的问答"})
    assert [m.record.pk for m in check_all(case.number)] == [record.pk]
    # rewriting the ledger's commitment to match (triggers dropped: the attacker owns the database) breaks the log
    drop_triggers()
    forged = bytes(entry.data).replace(record.content_hash.encode(), b"0" * 64)
    sql("UPDATE ledger_entry SET data = %s WHERE id = %s", [forged, entry.pk])
    report = verify_log(log_for(case.organisation))
    assert not report.ok and report.first_bad_seq == entry.seq


# -- WS-3b: national and local formats ------------------------------------------------------------------------------


def test_WS_3b_met_a_wenshang_record_follows_the_national_format_and_the_rulebooks_own_kinds() -> None:
    wenshang, national = load(WS), load(BASE)
    for kind in ("inquiry_transcript", "onsite_inspection_record", "material_request_notice", "penalty_decision"):
        assert wenshang.record_kind(kind) == national.record_kind(kind), kind  # the national format, unchanged
    assert "application" in wenshang.record_kinds and "application" not in national.record_kinds  # its own (WS-9)
    s, case = walk.opened(WS, "inspection")
    # the national on-site inspection record, without the Inner Mongolia format's extra field (identity_told)
    assert "identity_told" not in filled(case, "onsite_inspection_record", s["officer"], MONDAY)
    signed = walk.signed(s, case, "onsite_inspection_record", MONDAY + timedelta(days=1))
    assert signed.status == Record.Status.SIGNED


@pytest.mark.parametrize(
    ("rulebook", "dropped"),
    [(WS, "certificate_numbers"), (IM, "identity_told")],
    ids=["national-field", "inner-mongolia-field"],
)
def test_WS_3b_not_met_a_record_missing_a_field_of_its_format_is_refused(rulebook: str, dropped: str) -> None:
    s, case = walk.opened(rulebook, "inspection")
    moment = MONDAY + timedelta(days=1)
    content = filled(case, "onsite_inspection_record", s["officer"], moment)
    label = at(case.rulebook, case.rulebook_version).record_kind("onsite_inspection_record").fields[dropped].label
    content.pop(dropped)
    before = (Record.objects.count(), Entry.objects.count())
    with clock.frozen_at(moment + timedelta(minutes=1)), pytest.raises(Refused, match=str(label)):
        records.add_record(
            actor=s["officer"], case=case, kind="onsite_inspection_record", occurred_at=moment, content=content
        )
    assert (Record.objects.count(), Entry.objects.count()) == before


# -- WS-11: the written record of each act of investigation ---------------------------------------------------------

WS_11_ACTS = ("inquiry_transcript", "onsite_inspection_record", "material_request_notice")


def test_WS_11_met_each_act_has_its_written_record_and_the_investigation_can_end() -> None:
    rule = load(WS).rule("WS-11")
    assert [r.kind for r in rule.records][:3] == list(WS_11_ACTS)
    s, case = walk.opened(WS, "penalty")
    for hours, kind in enumerate(WS_11_ACTS, start=1):
        walk.signed(s, case, kind, MONDAY + timedelta(days=1, hours=hours))
    inspection = case.records.get(kind="onsite_inspection_record")
    officers = {str(s["officer"].pk), str(s["officer2"].pk)}
    assert set(inspection.content["officers"]) == officers and inspection.content["certificates_shown"] is True
    assert inspection.content["certificate_numbers"]
    assert next_step(case) == (Phase.DECISION, [])
    case = walk.advance(s, case, MONDAY + timedelta(days=1, hours=6))
    assert case.phase == Phase.DECISION


@pytest.mark.parametrize("dropped", ["certificate_numbers", "certificates_shown", "officers"])
def test_WS_11_not_met_an_inquiry_transcript_without_the_officers_and_their_certificates_is_refused(
    dropped: str,
) -> None:
    s, case = walk.opened(WS, "penalty")
    moment = MONDAY + timedelta(days=1)
    content = filled(case, "inquiry_transcript", s["officer"], moment)
    content.pop(dropped)
    before = (Record.objects.count(), Entry.objects.count())
    with clock.frozen_at(moment + timedelta(minutes=1)), pytest.raises(Refused) as refusal:
        records.add_record(
            actor=s["officer"], case=case, kind="inquiry_transcript", occurred_at=moment, content=content
        )
    assert refusal.value.rule == "WS-11" and (Record.objects.count(), Entry.objects.count()) == before
    with clock.frozen_at(moment + timedelta(hours=1)), pytest.raises(Refused) as step:
        services.advance_phase(actor=s["officer"], case=case)  # no written record of the investigation: no decision
    assert step.value.rule == "WS-11"
