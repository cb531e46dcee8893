"""Every deadline rule the rulebooks give with record events, judged from real records: one case where it is met
and one where it is not, parametrised from the rulebook itself (a new deadline rule joins these tests by existing).
Then pauses and extensions of APL-60 (NHSA-TOLL, NHSA-SUSPEND, NHSA-EXT) moving the due date, and saying so."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from lawtrace import clock
from lawtrace.cases.compliance import HAND_WRITTEN, evaluate
from lawtrace.cases.deadline_rules import judged_rule_ids
from lawtrace.records import services as records
from lawtrace.rulebook.deadlines import Status
from lawtrace.rulebook.loader import load
from tests.cases.steps import MONDAY, _opened_case, _signed, _signer

pytestmark = pytest.mark.django_db

RULEBOOKS = ("inner-mongolia-2025", "wenshang-2019")
JUDGED = [
    (name, rule_id)
    for name in RULEBOOKS
    for rule_id in judged_rule_ids(load(name))
    if rule_id not in HAND_WRITTEN  # IMR-8b: tests/cases/test_compliance.py
]


def test_the_engine_judges_the_record_deadlines_of_both_rulebooks() -> None:
    judged = {rule_id for _, rule_id in JUDGED}
    assert {"APL-56", "APL-60", "APL-61", "APL-71", "CEL-25", "IMR-23", "WS-23"} <= judged


def _finding(case: object, rule_id: str, now: datetime):  # type: ignore[no-untyped-def]
    case.refresh_from_db()  # type: ignore[attr-defined]
    return next((f for f in evaluate(case, now=now) if f.rule_id == rule_id), None)  # type: ignore[arg-type]


@pytest.mark.parametrize("in_time", [True, False], ids=["met", "not-met"])
@pytest.mark.parametrize(("rulebook", "rule_id"), JUDGED)
def test_deadline_rule_met_in_time_and_overdue_when_late(rulebook: str, rule_id: str, in_time: bool) -> None:
    rule = load(rulebook).rule(rule_id)
    deadline = rule.deadline
    assert deadline is not None and deadline.trigger is not None and deadline.satisfied_by is not None
    s, case = _opened_case(rulebook, str(rule.applies_to[0]) if rule.applies_to else "penalty")
    trigger_at = MONDAY + timedelta(days=1)
    trigger = deadline.trigger
    if trigger.record_kind != "case":
        _signed(s, case, trigger.record_kind, trigger_at, **{trigger.field or "signed_at": trigger_at.isoformat()})
    else:
        trigger_at = case.opened_at  # type: ignore[attr-defined]
    pending = _finding(case, rule_id, trigger_at + timedelta(minutes=5))
    assert pending is not None and pending.status is Status.DUE, pending
    assert pending.due is not None and rule.article in pending.article
    assert pending.explanation  # the due date explains itself
    due = pending.due.at
    satisfied_at = due - timedelta(hours=1) if in_time else due + timedelta(days=2)
    satisfy = deadline.satisfied_by
    field = satisfy.field or "signed_at"
    if satisfy.verb == "served" and field not in load(rulebook).record_kind(satisfy.record_kind).fields:
        document = case.records.get(kind=satisfy.record_kind)  # type: ignore[attr-defined]
        _signed(s, case, "service_receipt", satisfied_at, document_number=document.content["document_number"])
    elif satisfy.record_kind == trigger.record_kind:
        record = case.records.get(kind=trigger.record_kind)  # type: ignore[attr-defined]
        with clock.frozen_at(satisfied_at + timedelta(minutes=1)):
            records.correct_record(
                actor=s["officer"],
                original=record,
                content={**record.content, field: satisfied_at.isoformat()},
                occurred_at=record.occurred_at,
                reason="补记送达时间",
            )
            correction = case.records.filter(corrects=record).get()  # type: ignore[attr-defined]
            records.sign_record(actor=_signer(s, record.kind), record=correction)
    else:
        _signed(s, case, satisfy.record_kind, satisfied_at, **{field: satisfied_at.isoformat()})
    judged = _finding(case, rule_id, due + timedelta(days=10))
    assert judged is not None
    if in_time:
        assert judged.status is Status.MET and judged.met_at == satisfied_at, judged
    else:
        assert judged.status is Status.OVERDUE and judged.late.startswith("逾期"), judged


def test_APL_60_excluded_periods_and_an_approved_extension_move_the_due_date_and_say_so() -> None:
    s, case = _opened_case("inner-mongolia-2025", "penalty")
    plain = _finding(case, "APL-60", MONDAY + timedelta(days=1))
    assert plain is not None and plain.due is not None
    assert plain.due.last_day == (MONDAY + timedelta(days=90)).date()  # 90 calendar days, not rolled (从严)
    # NHSA-TOLL: an appraisal of 10 whole days, inclusive, is not counted
    start = (MONDAY + timedelta(days=20)).date()
    _signed(
        s,
        case,
        "excluded_period",
        MONDAY + timedelta(days=35),
        reason="appraisal",
        start_on=start.isoformat(),
        end_on=(start + timedelta(days=9)).isoformat(),
    )
    paused = _finding(case, "APL-60", MONDAY + timedelta(days=36))
    assert paused is not None and paused.due is not None
    assert paused.due.last_day == plain.due.last_day + timedelta(days=10)
    assert "鉴定" in paused.explanation
    # NHSA-EXT: the head approves 30 more days
    _signed(
        s,
        case,
        "extension_approval",
        MONDAY + timedelta(days=80),
        approval="bureau_head",
        days=30,
        reason="案情复杂，需进一步调查",
        approved_at=(MONDAY + timedelta(days=80)).isoformat(),
    )
    extended = _finding(case, "APL-60", MONDAY + timedelta(days=81))
    assert extended is not None and extended.due is not None
    assert extended.due.last_day == paused.due.last_day + timedelta(days=30)
    assert "案情复杂" in extended.explanation or "30" in extended.explanation


def test_APL_60_an_open_suspension_counts_to_today_and_is_flagged() -> None:
    s, case = _opened_case("inner-mongolia-2025", "penalty")
    _signed(
        s,
        case,
        "suspension_decision",
        MONDAY + timedelta(days=10),
        suspended_on=(MONDAY + timedelta(days=10)).date().isoformat(),
        ground="当事人下落不明",
        approved_by=str(s["head"].pk),
    )
    finding = _finding(case, "APL-60", MONDAY + timedelta(days=20))
    assert finding is not None and finding.due is not None
    assert finding.due.last_day == (MONDAY + timedelta(days=90 + 11)).date()  # days 10…20 inclusive not counted
    assert "尚未结束" in finding.note
