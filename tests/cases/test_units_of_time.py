"""Units of time (APL-85, CEL-69): the penalty law's 二日、三日、五日、七日 and the coercion law's periods of ten
days or less are working days. Every such deadline of the national rulebook counts working days, and its due date
says so, citing the article that makes it so — in the rulebook's period and on the case page (the finding's
explanation). A 15-day period of the penalty law (APL-67) and the coercion law's 30 days (CEL-25) are calendar days,
untouched."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from lawtrace.cases.compliance import evaluate
from lawtrace.rulebook.calendar import SHANGHAI, Unit, WorkingCalendar
from lawtrace.rulebook.deadlines import due_date
from lawtrace.rulebook.loader import load
from lawtrace.rulebook.schema import Deadline, Rule
from tests.cases.steps import MONDAY, _opened_case, _signed

BOOK = load("prc-apl-2021")
START = datetime(2025, 9, 30, 10, 0, tzinfo=SHANGHAI)  # before the National Day holidays: working days skip them
LAWS = {
    "APL-85": ("《中华人民共和国行政处罚法》", "第八十五条"),
    "CEL-69": ("《中华人民共和国行政强制法》", "第六十九条"),
}


def _short_periods(unit_rule: str) -> list[tuple[str, int, Rule, Deadline]]:
    law = LAWS[unit_rule][0]
    units = BOOK.rule(unit_rule).time_units
    assert units is not None
    return [
        (rule.id, index, rule, deadline)
        for rule in BOOK
        if rule.article.startswith(law)
        for index, deadline in enumerate(rule.deadlines)
        if deadline.length is not None
        and deadline.unit in (Unit.WORKING_DAY, Unit.CALENDAR_DAY)
        and units.requires_working_days(deadline.length)
    ]


PENALTY_LAW = _short_periods("APL-85")
COERCION_LAW = _short_periods("CEL-69")


def test_the_short_periods_of_both_laws_are_found() -> None:
    assert {"APL-56", "APL-61", "APL-64", "APL-71", "APL-48"} <= {rule_id for rule_id, *_ in PENALTY_LAW}
    assert {"CEL-54"} <= {rule_id for rule_id, *_ in COERCION_LAW}


def _id(unit_rule: str, rule_id: str, index: int) -> str:
    """A parameter id naming the unit rule only: the deadline's own rule is not shown met or not met here."""
    return f"{unit_rule}-{rule_id.lower().replace('-', '')}-{index}"


def _check(unit_rule: str, rule: Rule, deadline: Deadline) -> None:
    assert deadline.unit is Unit.WORKING_DAY, f"{rule.id}: {deadline.length}日按{unit_rule}应为工作日"
    period = BOOK.period(rule, deadline)
    assert BOOK.unit_rule(rule, deadline) is BOOK.rule(unit_rule)
    due = due_date(period, START, WorkingCalendar())
    text = due.text_zh()
    assert "工作日" in text and LAWS[unit_rule][1] in text and unit_rule in text, text
    assert due.last_day > (START + timedelta(days=deadline.length or 0)).date()  # the holidays were skipped


@pytest.mark.parametrize(
    ("rule_id", "index", "rule", "deadline"), PENALTY_LAW, ids=[_id("APL_85", r, i) for r, i, *_ in PENALTY_LAW]
)
def test_APL_85_the_penalty_laws_short_periods_count_working_days_and_say_so(
    rule_id: str, index: int, rule: Rule, deadline: Deadline
) -> None:
    _check("APL-85", rule, deadline)


@pytest.mark.parametrize(
    ("rule_id", "index", "rule", "deadline"), COERCION_LAW, ids=[_id("CEL_69", r, i) for r, i, *_ in COERCION_LAW]
)
def test_CEL_69_the_coercion_laws_periods_of_ten_days_or_less_count_working_days_and_say_so(
    rule_id: str, index: int, rule: Rule, deadline: Deadline
) -> None:
    _check("CEL-69", rule, deadline)


@pytest.mark.parametrize(
    ("unit_rule", "rule_id"),
    [("APL-85", "APL-67"), ("CEL-69", "CEL-25")],
    ids=["APL_85-apl67-15-days", "CEL_69-cel25-30-days"],
)
def test_APL_85_CEL_69_longer_periods_are_calendar_days_and_not_affected(unit_rule: str, rule_id: str) -> None:
    rule = BOOK.rule(rule_id)
    assert rule.deadline is not None and rule.deadline.unit is Unit.CALENDAR_DAY
    assert BOOK.unit_rule(rule, rule.deadline) is None
    text = due_date(BOOK.period(rule, rule.deadline), START, WorkingCalendar()).text_zh()
    assert "工作日" not in text and LAWS[unit_rule][1] not in text, text


@pytest.mark.django_db
def test_APL_85_the_case_page_explains_a_working_day_due_date_with_the_article() -> None:
    """APL-56: the decision on preserved evidence within 7 working days — the finding the case page shows."""
    s, case = _opened_case("inner-mongolia-2025", "penalty")
    issued = MONDAY + timedelta(days=1)
    _signed(s, case, "evidence_preservation_notice", issued, issued_at=issued.isoformat())
    case.refresh_from_db()  # type: ignore[attr-defined]
    finding = next(f for f in evaluate(case, now=issued + timedelta(hours=1)) if f.rule_id == "APL-56")  # type: ignore[arg-type]
    assert "7个工作日" in finding.explanation and "第八十五条" in finding.explanation, finding.explanation
