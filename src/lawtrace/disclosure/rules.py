"""What the organisation's rulebook says about disclosure: due dates, time online, masking, what is withheld.

Every number comes from the rulebook (never from here): IMD-10 (or GOV-118 where a rulebook has no IMD) for
publishing, IMD-11 for corrections and withdrawals, APL-48 for withdrawing penalty decisions, IMD-7.2 for the
annual report, PUB-MASK for masking and time online. Every due date carries its calendar explanation.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.utils import timezone

from lawtrace.errors import Refused
from lawtrace.orgs.models import Organisation
from lawtrace.rulebook.calendar import SHANGHAI, Due, WorkingCalendar
from lawtrace.rulebook.deadlines import Period, due_date
from lawtrace.rulebook.loader import NotInForce, Rulebook, load
from lawtrace.rulebook.loader import at as rulebook_at
from lawtrace.rulebook.overlays import version_label
from lawtrace.rulebook.overrides import working_calendar
from lawtrace.rulebook.schema import Alternative, Deadline, RuleKind


@dataclass(frozen=True)
class RuledDue:
    """A due date and the rule it comes from (``rule`` is what a finding or a refusal cites)."""

    rule: str
    due: Due

    @property
    def at(self) -> datetime:
        return self.due.at

    def explanation(self) -> str:
        return f"{self.rule}：{self.due.text_zh()}"


def rulebook_of(organisation: Organisation, on: date | None = None) -> Rulebook:
    """The organisation's rulebook at the version in force on ``on`` (today by default); refused, citing the
    rulebook's effective-date rule (IMD-14, WS-26), for a day before it was issued."""
    on = on or timezone.localdate()
    rulebook = load(organisation.rulebook)
    try:
        version = rulebook.version_in_force(on)
    except NotInForce as e:
        dated = [r.id for r in rulebook.rules_of_kind(RuleKind.SCOPE) if r.scope and r.scope.effective_from]
        rule = "IMD-14" if "IMD-14" in dated else next(iter(dated), "")
        raise Refused(f"{organisation}适用的规则集于{on:%Y年%m月%d日}尚未施行。", rule=rule) from e
    return rulebook_at(organisation.rulebook, version_label(organisation, on, version.version))  # IMD-13 overlay


def _period(deadline: Deadline, alternative: Alternative | None = None) -> Period:
    length = deadline.length
    unit = deadline.unit
    roll = deadline.roll_to_working_day
    if alternative is not None:
        length = alternative.length if alternative.length is not None else length
        unit = alternative.unit or unit
        roll = alternative.roll_to_working_day if alternative.roll_to_working_day is not None else roll
    assert unit is not None
    fixed = deadline.fixed
    return Period(
        length,
        unit,
        roll,
        fixed_month=fixed.month if fixed else None,
        fixed_day=fixed.day if fixed else None,
        fixed_year_offset=fixed.year_offset if fixed else 1,
    )


def _alternative(deadline: Deadline, condition: str) -> Alternative | None:
    return next((a for a in deadline.alternatives if a.condition == condition), None)


def _named(rulebook: Rulebook, rule_id: str, name: str) -> Deadline | None:
    return next((d for d in rulebook.rule(rule_id).additional_deadlines if d.name == name), None)


def _calendar(calendar: WorkingCalendar | None) -> WorkingCalendar:
    return calendar or working_calendar()


def publish_due(
    organisation: Organisation,
    start: datetime,
    *,
    penalty_decision: bool,
    basis_changed: bool = False,
    calendar: WorkingCalendar | None = None,
) -> RuledDue | None:
    """IMD-10: 20 working days from the information's creation or change; 7 working days from a penalty decision;
    7 days after a change of legal basis or functions. GOV-118 where the rulebook has no IMD-10."""
    rulebook = rulebook_of(organisation, start.astimezone(SHANGHAI).date())
    rule_id = next((r for r in ("IMD-10", "GOV-118") if r in rulebook), None)
    if rule_id is None:
        return None
    deadline = rulebook.rule(rule_id).deadline
    assert deadline is not None
    period = _period(deadline)
    if basis_changed and (update := _named(rulebook, rule_id, "update_after_basis_change")) is not None:
        period = _period(update)
    elif penalty_decision and (alternative := _alternative(deadline, "penalty_decision_item")) is not None:
        period = _period(deadline, alternative)
    return RuledDue(rule_id, due_date(period, start, _calendar(calendar)))


def correction_due(
    organisation: Organisation, received_at: datetime, calendar: WorkingCalendar | None = None
) -> RuledDue | None:
    """IMD-11: a written request to correct is verified and handled within 5 working days of receipt."""
    rulebook = rulebook_of(organisation, received_at.astimezone(SHANGHAI).date())
    if "IMD-11" not in rulebook:
        return None
    deadline = rulebook.rule("IMD-11").deadline
    assert deadline is not None
    return RuledDue("IMD-11", due_date(_period(deadline), received_at, _calendar(calendar)))


def withdrawal_due(
    organisation: Organisation,
    cause_occurred_at: datetime,
    *,
    penalty_decision: bool,
    calendar: WorkingCalendar | None = None,
) -> RuledDue:
    """IMD-11: withdrawn within 3 days of the revocation (or finding of illegality, or order to remake); for a
    penalty decision 3 working days (APL-48 with APL-85). APL-48 alone where the rulebook has no IMD-11."""
    rulebook = rulebook_of(organisation, cause_occurred_at.astimezone(SHANGHAI).date())
    calendar = _calendar(calendar)
    withdrawal = _named(rulebook, "IMD-11", "withdrawal") if "IMD-11" in rulebook else None
    if withdrawal is not None:
        alternative = _alternative(withdrawal, "penalty_decision_item") if penalty_decision else None
        rule_id = (alternative.cite or "IMD-11") if alternative else "IMD-11"
        return RuledDue(rule_id, due_date(_period(withdrawal, alternative), cause_occurred_at, calendar))
    deadline = rulebook.rule("APL-48").deadline
    assert deadline is not None
    return RuledDue("APL-48", due_date(_period(deadline), cause_occurred_at, calendar))


def annual_report_due(organisation: Organisation, year: int, calendar: WorkingCalendar | None = None) -> RuledDue:
    """IMD-7.2: the previous year's figures are published by 31 January (a fixed date: never moved)."""
    rulebook = rulebook_of(organisation, date(year + 1, 1, 1))
    rule_id = "IMD-7.2" if "IMD-7.2" in rulebook else ""
    if not rule_id:
        raise LookupError(f"规则集 {rulebook.name} 没有年度数据公开的规定")
    deadline = rulebook.rule(rule_id).deadline
    assert deadline is not None
    start = datetime(year, 12, 31, 12, tzinfo=SHANGHAI)
    return RuledDue(rule_id, due_date(_period(deadline), start, _calendar(calendar)))


def online_until(
    organisation: Organisation, published_at: datetime, *, minor: bool, calendar: WorkingCalendar | None = None
) -> Due | None:
    """PUB-MASK: how long a decision stays on the public site (e.g. 3 months for a warning, 3 years otherwise)."""
    rulebook = rulebook_of(organisation, published_at.astimezone(SHANGHAI).date())
    if "PUB-MASK" not in rulebook:
        return None
    deadline = rulebook.rule("PUB-MASK").deadline
    assert deadline is not None
    alternative = _alternative(deadline, "minor_penalty") if minor else None
    return due_date(_period(deadline, alternative), published_at, _calendar(calendar))


def party_name_display(organisation: Organisation) -> str:
    """PUB-MASK ``natural_person_name``: ``keep_surname`` (张某) or ``full``."""
    rulebook = rulebook_of(organisation)
    if "PUB-MASK" not in rulebook:
        return "keep_surname"
    return str(rulebook.param("PUB-MASK", "natural_person_name"))


def withhold_conditions(organisation: Organisation) -> frozenset[str]:
    """PUB-MASK ``withhold_when``: when an item is never published (``party_minor``, ``secret``)."""
    rulebook = rulebook_of(organisation)
    if "PUB-MASK" not in rulebook or "withhold_when" not in rulebook.rule("PUB-MASK").params:
        return frozenset({"party_minor", "secret"})
    return frozenset(rulebook.param("PUB-MASK", "withhold_when"))
