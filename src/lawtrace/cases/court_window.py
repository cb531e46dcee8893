"""When the authority may apply to the people's court for enforcement (CEL-54, CEL-53): one computation, pure.

The 执行 panel shows the window (``cases.execution``) and the judge of the 强制执行申请书 refuses a signature outside
it (``cases.judges.court_application_lawful``, ``court_application_in_time``); both call :func:`court_window`, so
what the page says and what the signature allows cannot differ.

- The party's periods run from the decision's service: administrative review within ``review_days`` (60 calendar
  days), a lawsuit within ``lawsuit_months`` (6 months) — CEL-54's parameters. Until both have run out the party
  may still challenge the decision, and the court is not applied to (CEL-53: "在法定期限内不申请行政复议或者提起
  行政诉讼，又不履行").
- The application is made within CEL-53's months (3) after the time to sue expires (the Supreme People's Court's
  interpretation of the Administrative Litigation Law, Art. 156). The payment period's end is not the start.
- After an approved deferral or instalments (APL-72) the months count from the deferral's end — but never from
  before the party's time to sue ran out: a window that closed while the party could still sue would allow no
  lawful application at all, so the later of the two ends starts it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta

from lawtrace.rulebook.calendar import SHANGHAI, Due, WorkingCalendar
from lawtrace.rulebook.deadlines import Period, due_date
from lawtrace.rulebook.loader import Rulebook
from lawtrace.rulebook.schema import Unit

DEFERRED = "deferred_or_instalments_approved"  # the rulebook's alternative for an approved deferral (APL-72)


@dataclass(frozen=True)
class CourtWindow:
    """The periods an application to the court waits for, and its last day."""

    review_ends: Due | None  # CEL-54 review_days after service (None: the rulebook has no CEL-54)
    lawsuit_ends: Due  # the party's time to sue
    application_due: Due  # CEL-53: the last moment to apply
    deferred_until: date | None  # an approved deferral's last day, when it moved the start

    @property
    def opens_after(self) -> datetime:
        """An application is lawful only after this moment: every period the party has has run out."""
        ends = [self.lawsuit_ends.at]
        if self.review_ends is not None:
            ends.append(self.review_ends.at)
        if self.deferred_until is not None:
            ends.append(_day_start(self.deferred_until + timedelta(days=1)))
        return max(ends)

    def open_at(self, moment: datetime) -> bool:
        return self.opens_after < moment <= self.application_due.at


def court_window(
    rulebook: Rulebook, calendar: WorkingCalendar, served: datetime, deferred_until: date | None = None
) -> CourtWindow | None:
    """The window for a decision served at ``served``; None when the rulebook has no CEL-53 deadline."""
    if "CEL-53" not in rulebook:
        return None
    deadline = rulebook.rule("CEL-53").deadline
    if deadline is None or deadline.unit is None or deadline.length is None:
        return None
    review_ends = None
    if "CEL-54" in rulebook:
        review_days = int(rulebook.param("CEL-54", "review_days"))
        lawsuit_months = int(rulebook.param("CEL-54", "lawsuit_months"))
        review_ends = _noted(
            calendar.add_calendar_days(served, review_days), f"申请行政复议的期限：送达后{review_days}日"
        )
    elif deadline.starts_after is not None and deadline.starts_after.unit is Unit.MONTH:
        lawsuit_months = deadline.starts_after.length
    else:
        lawsuit_months = 6
    served_on = _day_zh(served.astimezone(SHANGHAI).date())
    lawsuit_ends = _noted(
        calendar.add_months(served, lawsuit_months), f"提起行政诉讼的期限：{served_on}送达起{lawsuit_months}个月"
    )
    period = Period(deadline.length, deadline.unit, deadline.roll_to_working_day)
    start_day, note = (
        lawsuit_ends.last_day,
        (f"起诉期限自{served_on}送达起{lawsuit_months}个月，{_day_zh(lawsuit_ends.last_day)}届满，自该日起算"),
    )
    alternative = next((a for a in deadline.alternatives if a.condition == DEFERRED), None)
    moved = None
    if deferred_until is not None and alternative is not None:
        moved = deferred_until
        if deferred_until > start_day:
            start_day, note = deferred_until, alternative.label
        else:
            note += f"（暂缓或分期缴纳期限{_day_zh(deferred_until)}已先届满）"
    due = _noted(due_date(period, _day_start(start_day), calendar), note)
    return CourtWindow(review_ends=review_ends, lawsuit_ends=lawsuit_ends, application_due=due, deferred_until=moved)


def _noted(due: Due, note: str) -> Due:
    return replace(due, explanation=replace(due.explanation, notes=(*due.explanation.notes, note)))


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time(0), SHANGHAI)


def _day_zh(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"
