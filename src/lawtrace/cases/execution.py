"""执行 (送达执行): what the decision asks of the party and what the authority does when the party does not comply,
derived from the case's signed records and its rulebook version — never typed in.

- APL-67 缴纳期限: 15 calendar days from the decision's service (its own 送达时间, or a 送达回证 naming its 文号; a
  当场处罚决定 is handed over when made), the last day moving to the next working day; an approved deferral or
  instalments (APL-66) replaces it with the approved last day. It is the *party's* period: a late payment is the
  party's lateness, and the finding says so.
- APL-72 加处罚款: the rulebook's daily rate (3%) of the fine for each day after the period's last day up to the
  day paid (or today), never more than the fine; APL-73: the days of administrative review or litigation (行政复议、
  行政诉讼情况, whole days, an open one up to today) are not counted.
- CEL-53 / CEL-54: the court is applied to only after the party's periods for review (60 days) and for a lawsuit
  (6 months) from service have run out, and within 3 months after the time to sue (or after a later deferral's end)
  — the window ``court_window`` computes for this panel and for the application's signature alike; the served
  reminder and its 10 working days, the amount unpaid and no review or suit pending are judged when the
  application is signed (``cases.judges.court_application_lawful``).
- WS-18 / IMR-18: the execution recorded, and where the decision orders a correction, the follow-up check finding it
  corrected. WS-19 / IMR-19: the court application and its result (entered later by a correction of the application).

Signing checks (:func:`check_before_signing`, called by ``record_effects``): APL-66 a deferral only on the party's
written application and approved after it; APL-73 review or litigation stops neither the reminder nor the court
application — only the review body's or court's decision to stop execution does, while it stands.

Money is integer fen throughout.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from django.utils import timezone

from lawtrace import clock
from lawtrace.cases.court_window import CourtWindow, court_window
from lawtrace.cases.deadline_rules import Moment, _as_date, _as_moment, _excluded, _moments, effective_records
from lawtrace.cases.models import Case, CaseStatus
from lawtrace.errors import Refused
from lawtrace.rulebook.calendar import SHANGHAI, Due, ExcludedPeriod, WorkingCalendar
from lawtrace.rulebook.deadlines import Period, Status, due_date, judge
from lawtrace.rulebook.schema import Alternative, Deadline

if TYPE_CHECKING:
    from lawtrace.cases.compliance import Finding, _Context
    from lawtrace.records.models import Record

# Rules this module judges (compliance.HAND_WRITTEN keeps the engines off them).
RULE_IDS = frozenset({"APL-67", "APL-72", "CEL-53", "WS-18", "IMR-18", "WS-19", "IMR-19"})

DECISION_KINDS = ("penalty_decision", "onsite_penalty_decision")
DEFERRED = "deferred_or_instalments_approved"  # the rulebook's alternative for an approved deferral (APL-67, CEL-53)
_ONE_DAY = timedelta(days=1)


# -- the surcharge (APL-72, APL-73): pure ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Surcharge:
    days: int  # days counted
    amount_fen: int
    capped: bool  # the amount reached the fine and stopped there
    explanation_zh: str


def surcharge(
    fine_fen: int,
    period_end: date,
    until: date,
    excluded: Sequence[ExcludedPeriod] = (),
    *,
    rate_bp: int = 300,
) -> Surcharge:
    """加处罚款 (APL-72): ``rate_bp`` basis points of the fine for every day after ``period_end`` (the payment
    period's last day) up to and including ``until`` (the day paid, or today) — never more than the fine.

    * ``until`` on or before ``period_end`` (paid in time, or the period still running): 0 days, 0 fen.
    * Days inside ``excluded`` (APL-73: administrative review or litigation; whole days, inclusive; they may overlap)
      are not counted; days of them outside the late range change nothing.
    * Integer fen: fine × rate × days ÷ 10000, a fraction of a fen dropped (in the party's favour), then capped.
    """
    if fine_fen < 0 or rate_bp < 0:
        raise ValueError("罚款数额和加处比例不能为负数")
    first = period_end + _ONE_DAY
    total = max(0, (until - period_end).days)
    spans = _clipped(excluded, first, until)
    days = total - sum((end - start).days + 1 for start, end, _ in spans)
    raw, remainder = divmod(fine_fen * rate_bp * days, 10_000)
    amount = min(raw, fine_fen)
    capped = fine_fen > 0 and days > 0 and raw >= fine_fen
    if total == 0:
        text = f"至{_day_zh(until)}未超过缴纳期限（{_day_zh(period_end)}届满），不加处罚款"
        return Surcharge(0, 0, False, text)
    parts = [
        f"罚款{yuan(fine_fen)}元，缴纳期限{_day_zh(period_end)}届满",
        f"自{_day_zh(first)}起至{_day_zh(until)}共{total}日",
    ]
    if spans:
        listed = (f"{_span_zh(s, e)}（{reason}，{(e - s).days + 1}日）" for s, e, reason in spans)
        parts.append("不计入：" + "、".join(listed))
    rate = percent(rate_bp)
    parts.append(f"计{days}日，每日按罚款数额的{rate}加处：{yuan(fine_fen)}元×{rate}×{days}日={yuan(raw)}元")
    if remainder and not capped:
        parts.append("不足一分的部分不计")
    if capped:
        parts.append(f"加处罚款不得超出罚款数额，以{yuan(fine_fen)}元为限")
    return Surcharge(days, amount, capped, "；".join(parts))


def _clipped(excluded: Iterable[ExcludedPeriod], first: date, last: date) -> list[tuple[date, date, str]]:
    """The excluded days between ``first`` and ``last``, merged where periods touch or overlap."""
    spans: list[tuple[date, date, str]] = []
    for period in sorted(excluded, key=lambda p: p.start):
        start, end = max(period.start, first), min(period.end, last)
        if start > end:
            continue
        if spans and start <= spans[-1][1] + _ONE_DAY:
            s, e, reason = spans[-1]
            spans[-1] = (s, max(e, end), reason if period.reason in reason else f"{reason}、{period.reason}")
        else:
            spans.append((start, end, period.reason))
    return spans


def yuan(fen: int) -> str:
    """Integer fen as yuan with thousands separators: 2528000 → ``25,280.00``."""
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(fen), 100)
    return f"{sign}{whole:,}.{cents:02d}"


def percent(bp: int) -> str:
    """Basis points as a percentage without floats: 300 → ``3%``, 50 → ``0.5%``."""
    whole, rest = divmod(bp, 100)
    return f"{whole}" + (f".{rest:02d}".rstrip("0") if rest else "") + "%"


def _day_zh(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _span_zh(first: date, last: date) -> str:
    return _day_zh(first) if first == last else f"{_day_zh(first)}至{_day_zh(last)}"


# -- the state of execution, from the records ------------------------------------------------------------------------


@dataclass(frozen=True)
class Execution:
    """Everything the 执行 panel shows and the findings judge, for one case with a decision."""

    decision: Record
    fine_fen: int
    served: Moment | None
    payment_due: Due | None  # APL-67, or the approved deferral's last day
    deferral: Record | None
    payments: tuple[Record, ...]
    paid_fen: int  # of the fine (surcharge paid not included)
    paid_at: datetime | None  # when the fine was paid in full
    surcharge: Surcharge | None
    surcharge_paid_fen: int
    pauses: tuple[ExcludedPeriod, ...]  # review or litigation (APL-73)
    pause_open: bool
    stopped: Record | None  # the review body's or court's decision to stop execution, while it stands
    reminder: Record | None
    reminder_served_at: datetime | None
    court_from: Due | None  # CEL-54: the reminder's 10 working days
    application: Record | None
    applied_at: datetime | None
    lawsuit_period: Due | None  # the party's time to sue (CEL-53 counts from its end)
    application_due: Due | None  # CEL-53
    court_window: CourtWindow | None  # CEL-54 / CEL-53: when the court may be applied to (``court_window``)
    result: str
    result_at: datetime | None
    execution_records: tuple[Record, ...]
    correction_ordered: bool
    correction_check: Record | None

    @property
    def paid(self) -> bool:
        return self.fine_fen > 0 and self.paid_fen >= self.fine_fen

    @property
    def outstanding_fen(self) -> int:
        return max(0, self.fine_fen - self.paid_fen)

    @property
    def surcharge_due_fen(self) -> int:
        return max(0, (self.surcharge.amount_fen if self.surcharge else 0) - self.surcharge_paid_fen)


def state(case: Case, *, now: datetime | None = None, calendar: WorkingCalendar | None = None) -> Execution | None:
    """The case's execution as of ``now`` (the case page's panel); None before a decision that needs executing."""
    from lawtrace.cases.compliance import _Context
    from lawtrace.rulebook.loader import at
    from lawtrace.rulebook.overrides import working_calendar

    ctx = _Context(case, at(case.rulebook, case.rulebook_version), calendar or working_calendar(), now or clock.now())
    return _state(ctx, effective_records(case))


def _state(ctx: _Context, records: list[Record]) -> Execution | None:
    decision = _decision(records)
    if decision is None:
        return None
    rulebook, calendar = ctx.rulebook, ctx.calendar
    fine = _fen(decision.content.get("fine_fen"))
    served = _served(ctx, decision, records)
    deferral = _last(r for r in records if r.kind == "deferred_payment_approval" and _deferred_until(r) is not None)
    payment_due = _payment_due(ctx, served, deferral)

    timed = sorted(((m, r) for r in records if (m := _paid_moment(r)) is not None), key=lambda pair: pair[0])
    paid_fen, paid_at, surcharge_paid = 0, None, 0
    for moment, payment in timed:
        part = _fen(payment.content.get("surcharge_fen"))
        surcharge_paid += part
        paid_fen += _fen(payment.content.get("amount_fen")) - part
        if paid_at is None and fine > 0 and paid_fen >= fine:
            paid_at = moment

    pauses, pause_open = _excluded(ctx, "APL-72", records)
    today = timezone.localtime(ctx.now).date()
    owed = None
    if payment_due is not None and fine > 0:
        accrual = rulebook.rule("APL-72").accrual if "APL-72" in rulebook else None
        until = timezone.localtime(paid_at).date() if paid_at else today
        owed = surcharge(fine, payment_due.last_day, until, pauses, rate_bp=accrual.rate_bp_per_day if accrual else 300)

    reminder = _last(r for r in records if r.kind == "enforcement_reminder")
    reminder_served = _as_moment(reminder.content.get("served_at")) if reminder else None
    court_from = None
    if reminder_served is not None and "CEL-54" in rulebook:
        wait = rulebook.rule("CEL-54").deadline
        court_from = calendar.add_working_days(reminder_served, (wait.length or 10) if wait else 10)
    application = _last(r for r in records if r.kind == "court_enforcement_application")
    lawsuit, application_due, window = _application_due(ctx, served, deferral)
    correction_check = _last(r for r in records if r.kind == "correction_check_record")
    return Execution(
        decision=decision,
        fine_fen=fine,
        served=served,
        payment_due=payment_due,
        deferral=deferral,
        payments=tuple(r for _, r in timed),
        paid_fen=paid_fen,
        paid_at=paid_at,
        surcharge=owed,
        surcharge_paid_fen=surcharge_paid,
        pauses=pauses,
        pause_open=pause_open,
        stopped=_stopped(records, today),
        reminder=reminder,
        reminder_served_at=reminder_served,
        court_from=court_from,
        application=application,
        applied_at=_as_moment(application.content.get("applied_at")) if application else None,
        lawsuit_period=lawsuit,
        application_due=application_due,
        court_window=window,
        result=str(application.content.get("result") or "") if application else "",
        result_at=_as_moment(application.content.get("result_at")) if application else None,
        execution_records=tuple(r for r in records if r.kind == "execution_record"),
        correction_ordered=bool(decision.content.get("correction_ordered")),
        correction_check=correction_check,
    )


def _decision(records: list[Record]) -> Record | None:
    """The decision to execute: the latest signed penalty decision (on the spot or not) that imposes a penalty."""
    return _last(r for r in records if r.kind in DECISION_KINDS and r.content.get("outcome") in (None, "", "penalty"))


def _last(records: Iterable[Record]) -> Record | None:
    found = list(records)
    return found[-1] if found else None


def _fen(value: object) -> int:
    return int(str(value)) if value not in (None, "") else 0


def _served(ctx: _Context, decision: Record, records: list[Record]) -> Moment | None:
    """When the party received the decision: handed over when made on the spot (APL-52); otherwise as the APL-67
    trigger says (the decision's own 送达时间, or a 送达回证 naming its 文号)."""
    if decision.kind == "onsite_penalty_decision":
        at = _as_moment(decision.content.get("decided_at")) or decision.signed_at
        return Moment(at, f"{decision.kind_name}当场交付（{_local(at)}）") if at else None
    deadline = _rule_deadline(ctx, "APL-67")
    if deadline is None or deadline.trigger is None:
        return None
    moments = _moments(ctx, deadline.trigger, records)
    return moments[0] if moments else None


def _rule_deadline(ctx: _Context, rule_id: str) -> Deadline | None:
    return ctx.rulebook.rule(rule_id).deadline if rule_id in ctx.rulebook else None


def _alternative(deadline: Deadline) -> Alternative | None:
    return next((a for a in deadline.alternatives if a.condition == DEFERRED), None)


def _deferred_until(record: Record) -> date | None:
    return _as_date(record.content.get("deferred_until")) if record.content.get("approved") else None


def _with_note(due: Due, note: str) -> Due:
    return replace(due, explanation=replace(due.explanation, notes=(*due.explanation.notes, note)))


def _payment_due(ctx: _Context, served: Moment | None, deferral: Record | None) -> Due | None:
    deadline = _rule_deadline(ctx, "APL-67")
    if deadline is None or deadline.unit is None:
        return None
    alternative = _alternative(deadline)
    if deferral is not None and alternative is not None:
        until = _deferred_until(deferral)
        assert until is not None
        roll = (
            deadline.roll_to_working_day if alternative.roll_to_working_day is None else alternative.roll_to_working_day
        )
        length = alternative.length if alternative.length is not None else deadline.length
        due = due_date(Period(length, alternative.unit or deadline.unit, roll), _day_start(until), ctx.calendar)
        approved = _as_moment(deferral.content.get("approved_at"))
        when = f"，{_local(approved)}批准" if approved else ""
        return _with_note(due, f"{alternative.label}（{deferral.kind_name}{when}）")
    if served is None:
        return None
    period = Period(deadline.length, deadline.unit, deadline.roll_to_working_day)
    return due_date(period, served.at, ctx.calendar)


def _application_due(
    ctx: _Context, served: Moment | None, deferral: Record | None
) -> tuple[Due | None, Due | None, CourtWindow | None]:
    """CEL-54 / CEL-53: (the party's time to sue, the last day to apply, the whole window) — the computation the
    application's signature is judged by (``court_window``), so the panel and the refusal agree."""
    if served is None:
        return None, None, None  # the periods run from the decision's service
    window = court_window(ctx.rulebook, ctx.calendar, served.at, _deferred_until(deferral) if deferral else None)
    if window is None:
        return None, None, None
    return window.lawsuit_ends, window.application_due, window


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time(0), SHANGHAI)


def _paid_moment(record: Record) -> datetime | None:
    if record.kind == "fine_payment":
        return _as_moment(record.content.get("paid_at"))
    if record.kind == "onspot_collection":
        return _as_moment(record.content.get("collected_at"))
    return None


def _stopped(records: list[Record], today: date) -> Record | None:
    """A review or suit in which the review body or court decided to stop execution (the law's exception, APL-73),
    still in force today."""
    for record in reversed(records):
        if record.kind != "review_or_litigation" or not record.content.get("execution_suspended"):
            continue
        end = _as_date(record.content.get("end_on"))
        if end is None or end >= today:
            return record
    return None


def _local(moment: datetime) -> str:
    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M}"


# -- findings --------------------------------------------------------------------------------------------------------


def findings(ctx: _Context) -> list[Finding]:
    """APL-67, APL-72, CEL-53, WS-18/IMR-18, WS-19/IMR-19 for a case with a decision (rules its rulebook has)."""
    if not _applies(ctx):
        return []
    x = _state(ctx, effective_records(ctx.case))
    if x is None:
        return []
    checks = (_payment, _surcharge, _court_deadline, _execution_recorded, _court_result)
    return [f for check in checks if (f := check(ctx, x)) is not None]


def _applies(ctx: _Context) -> bool:
    rule = ctx.rulebook.rule("APL-67") if "APL-67" in ctx.rulebook else None
    return rule is None or not rule.applies_to or ctx.case.case_type in rule.applies_to


def _looked(x: Execution) -> list[str]:
    looked = [f"{x.decision.kind_name}（{x.decision.content.get('document_number') or x.decision.pk}）"]
    if x.served is not None:
        looked.append(x.served.label)
    if x.deferral is not None:
        looked.append(f"{x.deferral.kind_name}（暂缓或分期至{x.deferral.content.get('deferred_until')}）")
    return looked


def _payment_label(record: Record) -> str:
    moment = _paid_moment(record)
    return f"{record.kind_name}（{yuan(_fen(record.content.get('amount_fen')))}元，{_local(moment) if moment else ''}）"


def _payment(ctx: _Context, x: Execution) -> Finding | None:
    """APL-67: the party's period to pay; late is the party's lateness."""
    if "APL-67" not in ctx.rulebook or x.fine_fen <= 0 or x.payment_due is None:
        return None
    due = x.payment_due
    judgement = judge(due, x.paid_at, ctx.now)
    looked = _looked(x) + [_payment_label(p) for p in x.payments]
    late, note = "", ""
    if judgement.status is Status.OVERDUE:
        end = timezone.localtime(x.paid_at or ctx.now).date()
        days = max(1, (end - due.last_day).days)
        late = f"当事人逾期 {days} 日{'缴纳' if x.paid_at else '未缴纳'}"
        note = "当事人逾期缴纳罚款（当事人的履行期限，不是执法人员逾期）"
        if not x.paid_at:
            note += "；可依法加处罚款（APL-72），催告后申请人民法院强制执行（CEL-54、CEL-53）"
    if x.paid_at:
        note = "；".join(n for n in (note, f"罚款{yuan(x.fine_fen)}元已于{_local(x.paid_at)}缴清") if n)
    elif x.paid_fen > 0:
        note = "；".join(n for n in (note, f"已缴纳{yuan(x.paid_fen)}元，尚欠{yuan(x.outstanding_fen)}元") if n)
    return ctx.finding(
        "APL-67", judgement.status, due=due, met_at=x.paid_at, late=late, looked_at=looked, note=note, party_side=True
    )


def _surcharge(ctx: _Context, x: Execution) -> Finding | None:
    """APL-72 (with APL-73's pause): met once the fine is paid — in time, or late with the surcharge stated; while
    it is unpaid after the period, the surcharge so far is due."""
    if "APL-72" not in ctx.rulebook or x.surcharge is None or x.payment_due is None:
        return None
    owed = x.surcharge
    if not x.paid_at and owed.days == 0 and not x.pauses:
        return None  # the period still runs: nothing accrues yet
    notes = [owed.explanation_zh]
    if x.pause_open:
        notes.append("行政复议或者行政诉讼尚未终结，加处罚款暂停计算（APL-73）")
    looked = _looked(x) + [_payment_label(p) for p in x.payments]
    if x.paid_at:
        if owed.amount_fen and x.surcharge_paid_fen < owed.amount_fen:
            notes.append(f"缴纳记录载明加处罚款{yuan(x.surcharge_paid_fen)}元，依法可加处{yuan(owed.amount_fen)}元")
        return ctx.finding(
            "APL-72", Status.MET, met_at=x.paid_at, looked_at=looked, note="；".join(notes), party_side=True
        )
    status = Status.DUE if owed.days == 0 else Status.OVERDUE
    late = f"当事人逾期未缴纳，加处罚款已计 {yuan(owed.amount_fen)} 元" if owed.days else ""
    return ctx.finding(
        "APL-72", status, due=x.payment_due, late=late, looked_at=looked, note="；".join(notes), party_side=True
    )


def _court_deadline(ctx: _Context, x: Execution) -> Finding | None:
    """CEL-53: the authority's 3 months to apply to the court, while the fine is unpaid (or once applied)."""
    if "CEL-53" not in ctx.rulebook or x.application_due is None or x.fine_fen <= 0:
        return None
    if x.application is None and x.paid_at is not None:
        return None  # paid: nothing to enforce
    due = x.application_due
    judgement = judge(due, x.applied_at, ctx.now)
    late = judgement.late_text(ctx.calendar, due, due.explanation.unit, x.applied_at, ctx.now)
    looked = _looked(x)
    if x.application is not None:
        looked.append(f"{x.application.kind_name}（{_local(x.applied_at) if x.applied_at else '未载明申请时间'}）")
    note = ""
    if x.applied_at and x.lawsuit_period and x.applied_at <= x.lawsuit_period.at:
        note = f"申请时当事人的起诉期限尚未届满（{_day_zh(x.lawsuit_period.last_day)}届满）"
    return ctx.finding("CEL-53", judgement.status, due=due, met_at=x.applied_at, late=late, looked_at=looked, note=note)


def _closed(ctx: _Context) -> bool:
    return ctx.case.status == CaseStatus.CLOSED


def _execution_recorded(ctx: _Context, x: Execution) -> Finding | None:
    """WS-18 / IMR-18: the execution recorded; a correction ordered → its follow-up check, finding it corrected."""
    rule_id = next((r for r in ("IMR-18", "WS-18") if r in ctx.rulebook), None)
    if rule_id is None:
        return None
    looked = [f"{r.kind_name}（{_local(r.occurred_at)}）" for r in x.execution_records]
    gaps = [] if x.execution_records else ["尚无执行情况记录"]
    if x.correction_ordered:
        check = x.correction_check
        if check is None:
            gaps.append("决定责令改正，尚无责令改正核查记录")
        else:
            looked.append(f"{check.kind_name}（{_local(check.occurred_at)}）")
            if not check.content.get("corrected"):
                gaps.append("核查时违法行为尚未改正")
    if not gaps:
        met_at = max(r.signed_at or r.occurred_at for r in [*x.execution_records, *filter(None, [x.correction_check])])
        return ctx.finding(rule_id, Status.MET, met_at=met_at, looked_at=looked)
    status = Status.MISSING if _closed(ctx) else Status.DUE
    return ctx.finding(rule_id, status, looked_at=looked or _looked(x), note="；".join(gaps))


def _court_result(ctx: _Context, x: Execution) -> Finding | None:
    """WS-19 / IMR-19: once the court is applied to, the application and its result are recorded."""
    rule_id = next((r for r in ("IMR-19", "WS-19") if r in ctx.rulebook), None)
    if rule_id is None or x.application is None:
        return None
    looked = [f"{x.application.kind_name}（{x.application.content.get('document_number') or x.application.pk}）"]
    if x.result:
        return ctx.finding(rule_id, Status.MET, met_at=x.result_at or x.application.signed_at, looked_at=looked)
    status = Status.MISSING if _closed(ctx) else Status.DUE
    note = "尚未记录人民法院强制执行结果（以更正记录补记结果及时间）"
    return ctx.finding(rule_id, status, looked_at=looked, note=note)


# -- signing checks --------------------------------------------------------------------------------------------------


def check_before_signing(case: Case, kind: str, content: Mapping[str, object]) -> None:
    """Refuse a signature the execution rules forbid (nothing is written): APL-66, APL-73."""
    if kind == "deferred_payment_approval":
        _check_deferral(case, content)
    elif kind in ("enforcement_reminder", "court_enforcement_application"):
        _check_not_stopped(case)
    elif kind == "review_or_litigation":
        _check_review(case, content)


def _check_deferral(case: Case, content: Mapping[str, object]) -> None:
    """APL-66: a deferral or instalments only on the party's written application, approved (by the head who signs,
    records.SIGNERS) after it, with the approved last day, for a fine decided."""
    decision = _decision(effective_records(case))
    if decision is None or _fen(decision.content.get("fine_fen")) <= 0:
        raise Refused("尚无已签发的罚款决定，无从批准暂缓或者分期缴纳。", rule="APL-66")
    if not str(content.get("written_application") or "").strip():
        raise Refused("暂缓或者分期缴纳罚款须由当事人书面申请：请载明当事人的书面申请。", rule="APL-66")
    if not content.get("approved"):
        raise Refused("未经行政机关批准，不能暂缓或者分期缴纳罚款。", rule="APL-66")
    applied, approved = _as_moment(content.get("applied_at")), _as_moment(content.get("approved_at"))
    if applied is not None and approved is not None and approved < applied:
        raise Refused("批准时间早于当事人申请时间：须先有当事人的申请，再经批准。", rule="APL-66")
    if _as_date(content.get("deferred_until")) is None:
        raise Refused("请载明批准的暂缓或者分期缴纳期限届满日。", rule="APL-66")


def _check_not_stopped(case: Case) -> None:
    """APL-73: review or litigation does not stop execution; a decision of the review body or court to stop it
    does, while it stands."""
    today = timezone.localtime(clock.now()).date()
    stopped = _stopped(effective_records(case), today)
    if stopped is not None:
        body = stopped.content.get("body") or "复议机关或者人民法院"
        raise Refused(
            f"{body}已决定停止执行（{stopped.content.get('start_on')}起），停止执行期间不能催告或者申请强制执行。",
            rule="APL-73",
        )


def _check_review(case: Case, content: Mapping[str, object]) -> None:
    """The review or suit is of a decision made, and its days are whole days in the past (DESIGN § Time)."""
    start, end = _as_date(content.get("start_on")), _as_date(content.get("end_on"))
    today = timezone.localtime(clock.now()).date()
    if _decision(effective_records(case)) is None:
        raise Refused("尚无已签发的行政处罚决定，无从申请复议或者起诉。", rule="APL-73")
    if start is None or start > today or (end is not None and end > today):
        raise Refused("复议、诉讼的起止日期不能晚于今日。", rule="APL-73")
    if end is not None and end < start:
        raise Refused("复议决定或者裁判生效之日早于申请复议或者起诉之日。", rule="APL-73")
