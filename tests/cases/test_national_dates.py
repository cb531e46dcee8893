"""The national procedure's periods on real calendars, in cases: the party's hearing request and the preservation
decision across the 2026 Spring Festival (02-15…02-23 off, 02-14 and 02-28 worked), and the 90-day case period with
an appraisal excluded and an extension approved. Each date is worked out by hand in the test from the State
Council's 2026 schedule, then asked of the case — the gate or the due date the officer sees."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from lawtrace.cases.compliance import evaluate
from lawtrace.rulebook.calendar import SHANGHAI
from lawtrace.rulebook.deadlines import Status
from tests.cases.steps import _opened_case, _signed, decision_warnings

pytestmark = pytest.mark.django_db


def at(y: int, m: int, d: int, hour: int = 10, minute: int = 0) -> datetime:
    return datetime(y, m, d, hour, minute, tzinfo=SHANGHAI)


def _finding(case: object, rule_id: str, now: datetime):  # type: ignore[no-untyped-def]
    case.refresh_from_db()  # type: ignore[attr-defined]
    return next(f for f in evaluate(case, now=now) if f.rule_id == rule_id)  # type: ignore[arg-type]


def test_APL_64_hearing_request_period_runs_five_working_days_across_the_2026_spring_festival() -> None:
    # Notice 02-12 (Thu): 02-13 (Fri) 1, 02-14 (Sat, worked) 2, [02-15…02-23 off], 02-24 3, 02-25 4, 02-26 5.
    s, case = _opened_case("inner-mongolia-2025", "penalty", opened_at=at(2026, 2, 2, 9, 30))
    notified = at(2026, 2, 12)
    _signed(
        s,
        case,
        "rights_notice",
        notified,
        intended_fine_fen=20_000_000,
        hearing_right=True,
        served_at=notified.isoformat(),  # the period runs from the service (APL-64)
    )

    def waiting_for_the_party(moment: datetime) -> bool:
        return "APL-64" in decision_warnings(s, case, moment)

    assert waiting_for_the_party(at(2026, 2, 24, 9))  # ten calendar days on, only three working days have run
    assert waiting_for_the_party(at(2026, 2, 26, 23, 59))  # the fifth working day, to its end
    assert not waiting_for_the_party(at(2026, 2, 27, 0, 1))  # the party did not ask: the decision may follow


def test_APL_56_preservation_decision_due_seven_working_days_later_across_the_2026_spring_festival() -> None:
    # Preserved 02-11 (Wed): 02-12 1, 02-13 2, 02-14 (Sat, worked) 3, [02-15…02-23 off], 02-24 4 … 02-27 7.
    s, case = _opened_case("inner-mongolia-2025", "penalty", opened_at=at(2026, 2, 2, 9, 30))
    preserved = at(2026, 2, 11, 15)
    _signed(s, case, "evidence_preservation_notice", preserved, issued_at=preserved.isoformat())
    due = _finding(case, "APL-56", at(2026, 2, 12)).due
    assert due is not None and due.last_day == date(2026, 2, 27)
    assert "2月15日–2月23日（春节假期）" in due.text_zh() and "2月14日（周六）为调休上班日" in due.text_zh()

    decided = at(2026, 2, 27, 16)
    _signed(s, case, "evidence_preservation_decision", decided, decided_at=decided.isoformat())
    assert _finding(case, "APL-56", at(2026, 3, 2)).status is Status.MET
    late, day_after = _opened_case("inner-mongolia-2025", "penalty", opened_at=at(2026, 2, 2, 9, 30))
    _signed(late, day_after, "evidence_preservation_notice", preserved, issued_at=preserved.isoformat())
    _signed(late, day_after, "evidence_preservation_decision", decided + timedelta(days=1))
    assert _finding(day_after, "APL-56", at(2026, 3, 2)).status is Status.OVERDUE  # 02-28 was a working day too


def test_APL_60_ninety_days_with_a_five_day_appraisal_excluded_and_thirty_days_extended() -> None:
    # Opened 03-02: 90 days → 05-31; appraisal 03-10…03-14 (5 whole days) → 06-05; 30 days more → 07-05, a Sunday,
    # not moved (the case period is the authority's own: 从严, as the rulebook's note says).
    s, case = _opened_case("inner-mongolia-2025", "penalty", opened_at=at(2026, 3, 2, 9, 30))
    assert _finding(case, "APL-60", at(2026, 3, 3)).due.last_day == date(2026, 5, 31)
    _signed(s, case, "excluded_period", at(2026, 3, 16), reason="appraisal", start_on="2026-03-10", end_on="2026-03-14")
    assert _finding(case, "APL-60", at(2026, 3, 17)).due.last_day == date(2026, 6, 5)
    approved = at(2026, 5, 20)
    _signed(
        s,
        case,
        "extension_approval",
        approved,
        approval="bureau_head",
        days=30,
        reason="案情复杂，需进一步调查",
        approved_at=approved.isoformat(),
    )
    finding = _finding(case, "APL-60", at(2026, 5, 21))
    assert finding.due.last_day == date(2026, 7, 5) and finding.status is Status.DUE
    text = finding.explanation
    assert "3月10日–3月14日" in text and "30日" in text, text
    assert _finding(case, "APL-60", at(2026, 7, 6, 0, 1)).status is Status.OVERDUE
