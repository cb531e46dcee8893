"""执行 (cases/execution.py) on real calendar dates: the party's payment period (APL-67) and its deferral (APL-66), the
late-payment surcharge (APL-72) paused by review or litigation (APL-73), the court application's window (CEL-53),
and the records of execution and of the court's result (WS-18/IMR-18, WS-19/IMR-19). Refusals sign nothing and add
no ledger entry.

The decision is served on Sunday 2026-09-20: 15 days end on 2026-10-05, inside the National Day holiday (10月1日–7日
by the State Council's 2026 schedule, as chinese-calendar has it), so the period rolls to Thursday 2026-10-08.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from django.template import Context, Template
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from lawtrace import clock
from lawtrace.cases.compliance import HAND_WRITTEN, Finding, evaluate
from lawtrace.cases.execution import RULE_IDS, state, surcharge
from lawtrace.errors import PermissionRefused, Refused
from lawtrace.ledger.models import Entry
from lawtrace.records import services as records
from lawtrace.records.models import Record
from lawtrace.rulebook.calendar import SHANGHAI, ExcludedPeriod
from lawtrace.rulebook.deadlines import Status
from tests.cases.record_content import filled
from tests.cases.steps import _opened_case, _signed

SERVED = datetime(2026, 9, 20, 10, 0, tzinfo=SHANGHAI)  # a Sunday
PERIOD_END = date(2026, 10, 8)  # 9-20 + 15 = 10-05 (国庆节) → next working day
FINE = 1_000_000  # 10,000.00 元
REMINDER = "锡市医保催〔2026〕1号"
# The party's periods from 2026-09-20: review to 2026-11-19, lawsuit to 2027-03-20; the court by 2027-06-20 (CEL-53).


def _at(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=SHANGHAI)


def _decided(rulebook: str = "inner-mongolia-2025", **decision: object) -> tuple[dict, object]:
    """A penalty case whose decision (a fine of 10,000 元) was served on 2026-09-20."""
    s, case = _opened_case(rulebook, "penalty")
    signed_at = SERVED - timedelta(days=2)
    given = {"fine_fen": FINE, "signed_at": signed_at.isoformat(), **decision}
    number = _signed(s, case, "penalty_decision", signed_at, **given).content["document_number"]  # type: ignore[attr-defined]
    _signed(s, case, "service_receipt", SERVED, document_number=number, served_at=SERVED.isoformat(), mode="direct")
    s["case"] = case
    return s, case


def _finding(case: object, rule_id: str, now: datetime) -> Finding | None:
    case.refresh_from_db()  # type: ignore[attr-defined]
    return next((f for f in evaluate(case, now=now) if f.rule_id == rule_id), None)  # type: ignore[arg-type]


def _paid(s: dict, when: datetime, amount_fen: int = FINE, surcharge_fen: int = 0) -> None:
    extra = {"surcharge_fen": surcharge_fen} if surcharge_fen else {}
    _signed(
        s, s["case"], "fine_payment", when, amount_fen=amount_fen, paid_at=when.isoformat(), channel="bank", **extra
    )


def _refused(s: dict, kind: str, rule: str, moment: datetime, signer: str = "officer", **given: object) -> None:
    """The draft is made, its signature refused citing ``rule``: it stays a draft and the ledger gains nothing."""
    content = filled(s["case"], kind, s["officer"], moment, **given)
    if kind in records.SIGNERS:
        content |= {f: str(s["head"].pk) for f in records.SIGNER_FIELDS if f in content}
    with clock.frozen_at(moment + timedelta(minutes=1)):
        draft = records.add_record(actor=s["officer"], case=s["case"], kind=kind, occurred_at=moment, content=content)
        before = Entry.objects.count()
        with pytest.raises(Refused) as refusal:
            records.sign_record(actor=s[signer], record=draft)
    assert refusal.value.rule == rule, refusal.value
    s["refusal"] = str(refusal.value)
    assert Entry.objects.count() == before
    draft.refresh_from_db()
    assert draft.status == Record.Status.DRAFT


def _deferral(s: dict, approved: datetime, until: date, **given: object) -> None:
    """Approved by the head on the party's written application (its field ``kind`` shadows ``_signed``'s)."""
    content = filled(s["case"], "deferred_payment_approval", s["officer"], approved) | {
        "applied_at": (approved - timedelta(days=2)).isoformat(),
        "written_application": "暂缓缴纳罚款申请书（2026年9月28日）",
        "approved_by": str(s["head"].pk),
        "deferred_until": until.isoformat(),
        "kind": "deferred",
        **given,
    }
    with clock.frozen_at(approved + timedelta(minutes=1)):
        draft = records.add_record(
            actor=s["officer"], case=s["case"], kind="deferred_payment_approval", occurred_at=approved, content=content
        )
        records.sign_record(actor=s["head"], record=draft)


def _reminded(s: dict, served: datetime) -> None:
    _signed(
        s,
        s["case"],
        "enforcement_reminder",
        served,
        served_at=served.isoformat(),
        document_number=REMINDER,
    )


def _materials(s: dict, applied: datetime, **given: object) -> dict[str, object]:
    """What an application names (《行政强制法》第五十五条): the decision, the reminder, the party's opinion, the
    unpaid fine."""
    decision = s["case"].records.get(kind="penalty_decision", status="signed")
    return {
        "applied_at": applied.isoformat(),
        "decision_number": decision.content["document_number"],
        "reminder_number": REMINDER,
        "party_opinion": "当事人未提出意见",
        "amount_fen": FINE,
        **given,
    }


def _applied(s: dict, applied: datetime, **given: object) -> Record:
    """Drafted by the officer, signed by the head (《行政强制法》第五十五条)."""
    return _signed(  # type: ignore[return-value]
        s, s["case"], "court_enforcement_application", applied, **_materials(s, applied, **given)
    )


def _refused_application(s: dict, applied: datetime, rule: str, says: str, **given: object) -> None:
    _refused(s, "court_enforcement_application", rule, applied, "head", **_materials(s, applied, **given))
    assert says in s["refusal"], s["refusal"]


pytestmark = pytest.mark.django_db


# -- APL-67: the party's payment period ---------------------------------------------------------------------------


def test_APL_67_the_period_rolls_past_the_2026_national_day_holiday() -> None:
    _, case = _decided()
    pending = _finding(case, "APL-67", _at(date(2026, 9, 25)))
    assert pending is not None and pending.status is Status.DUE
    assert pending.due is not None and pending.due.last_day == PERIOD_END
    assert pending.due.explanation.rolled_from == date(2026, 10, 5)
    assert "国庆节" in pending.explanation and "顺延至10月8日" in pending.explanation


def test_APL_67_paid_in_time_is_met() -> None:
    s, case = _decided()
    _paid(s, _at(PERIOD_END, 16))  # the last day of the rolled period
    finding = _finding(case, "APL-67", _at(date(2026, 10, 20)))
    assert finding is not None and finding.status is Status.MET and not finding.late
    assert finding.met_at == _at(PERIOD_END, 16)
    assert "已于" in finding.note and "缴清" in finding.note


def test_APL_67_not_paid_is_overdue_for_the_party() -> None:
    _, case = _decided()
    finding = _finding(case, "APL-67", _at(date(2026, 10, 12)))
    assert finding is not None and finding.status is Status.OVERDUE
    assert finding.late == "当事人逾期 4 日未缴纳"
    assert "当事人逾期缴纳罚款" in finding.note and "不是执法人员逾期" in finding.note


def test_APL_67_the_party_late_does_not_lower_the_case_review_score() -> None:
    from lawtrace.cases.compliance import refresh
    from lawtrace.cases.models import CaseScore, ComplianceRow

    _, case = _decided()
    moment = _at(date(2026, 10, 20))
    findings = refresh(case, now=moment)  # type: ignore[arg-type]
    party = {f.rule_id for f in findings if f.party_side and f.status is Status.OVERDUE}
    assert party == {"APL-67", "APL-72"}  # shown on the dashboards as the party's lateness…
    assert ComplianceRow.objects.filter(case=case, rule_id="APL-67", status="overdue").exists()
    score = CaseScore.objects.get(case=case)
    officers = [f for f in findings if not f.party_side and f.status in (Status.OVERDUE, Status.MISSING)]
    assert score.overdue == sum(f.status is Status.OVERDUE for f in officers)  # …but not the officers' score
    assert score.score == 100 - 10 * score.overdue - 15 * score.missing


def test_APL_67_paid_late_is_overdue_for_the_party_and_a_part_payment_is_not_payment() -> None:
    s, case = _decided()
    _paid(s, _at(date(2026, 10, 9)), amount_fen=FINE // 2)
    part = _finding(case, "APL-67", _at(date(2026, 10, 9), 18))
    assert part is not None and part.status is Status.OVERDUE and "尚欠5,000.00元" in part.note
    _paid(s, _at(date(2026, 10, 10)), amount_fen=FINE // 2)
    finding = _finding(case, "APL-67", _at(date(2026, 10, 20)))
    assert finding is not None and finding.status is Status.OVERDUE
    assert finding.late == "当事人逾期 2 日缴纳" and finding.met_at == _at(date(2026, 10, 10))


def test_APL_67_an_approved_deferral_replaces_the_period() -> None:
    s, case = _decided()
    _deferral(s, _at(date(2026, 9, 30)), date(2026, 11, 21))  # a Saturday: the last day moves to Monday
    finding = _finding(case, "APL-67", _at(date(2026, 10, 20)))
    assert finding is not None and finding.status is Status.DUE  # past the 15 days, within the deferral
    assert finding.due is not None and finding.due.last_day == date(2026, 11, 23)
    assert "经批准暂缓或分期缴纳的，按批准的期限" in finding.explanation
    _paid(s, _at(date(2026, 11, 23), 9))
    met = _finding(case, "APL-67", _at(date(2026, 12, 1)))
    assert met is not None and met.status is Status.MET


# -- APL-66: deferral only on the party's written application, approved by the head -------------------------------


def test_APL_66_a_deferral_applied_for_in_writing_and_approved_by_the_head_is_signed() -> None:
    s, _ = _decided()
    _deferral(s, _at(date(2026, 9, 30)), date(2026, 11, 20))
    record = s["case"].records.get(kind="deferred_payment_approval")
    assert record.status == Record.Status.SIGNED and record.signed_by == s["head"]


def test_APL_66_a_deferral_without_the_written_application_is_refused() -> None:
    s, _ = _decided()
    _refused(
        s, "deferred_payment_approval", "APL-66", _at(date(2026, 9, 30)), signer="head", deferred_until="2026-11-20"
    )


def test_APL_66_an_approval_before_the_application_or_without_a_date_is_refused() -> None:
    s, _ = _decided()
    moment = _at(date(2026, 9, 30))
    common = {"written_application": "申请书", "approved_at": moment.isoformat()}
    late_application = (moment + timedelta(hours=1)).isoformat()
    _refused(
        s,
        "deferred_payment_approval",
        "APL-66",
        moment,
        signer="head",
        applied_at=late_application,
        deferred_until="2026-11-20",
        **common,
    )
    _refused(s, "deferred_payment_approval", "APL-66", moment, signer="head", **common)  # no approved last day


def test_APL_66_the_officer_cannot_approve_a_deferral_and_no_fine_no_deferral() -> None:
    s, _ = _decided()
    moment = _at(date(2026, 9, 30))
    content = filled(s["case"], "deferred_payment_approval", s["officer"], moment, approved_by=str(s["head"].pk))
    content |= {"written_application": "申请书", "deferred_until": "2026-11-20"}
    with clock.frozen_at(moment):
        draft = records.add_record(
            actor=s["officer"], case=s["case"], kind="deferred_payment_approval", occurred_at=moment, content=content
        )
        with pytest.raises(PermissionRefused):
            records.sign_record(actor=s["officer"], record=draft)
    s2, case2 = _opened_case("inner-mongolia-2025", "penalty")
    s2["case"] = case2
    _refused(
        s2,
        "deferred_payment_approval",
        "APL-66",
        moment,
        signer="head",
        written_application="申请书",
        deferred_until="2026-11-20",
    )


# -- APL-72: the late-payment surcharge -----------------------------------------------------------------------------


def test_APL_72_three_percent_a_day_after_the_period_in_integer_fen() -> None:
    owed = surcharge(FINE, PERIOD_END, date(2026, 10, 12))
    assert (owed.days, owed.amount_fen, owed.capped) == (4, 120_000, False)
    assert "10,000.00元×3%×4日=1,200.00元" in owed.explanation_zh
    odd = surcharge(333, PERIOD_END, date(2026, 10, 9))  # 3% of 3.33 元 is 9.99 分: the fraction is dropped
    assert odd.amount_fen == 9 and "不足一分" in odd.explanation_zh
    for paid_on in (PERIOD_END, date(2026, 9, 30)):  # on the last day, or before: nothing
        assert (surcharge(FINE, PERIOD_END, paid_on).days, surcharge(FINE, PERIOD_END, paid_on).amount_fen) == (0, 0)


def test_APL_72_the_surcharge_never_exceeds_the_fine() -> None:
    owed = surcharge(FINE, PERIOD_END, date(2026, 12, 31))
    assert owed.capped and owed.amount_fen == FINE and "以10,000.00元为限" in owed.explanation_zh


def test_APL_72_unpaid_after_the_period_is_overdue_with_the_surcharge_so_far() -> None:
    _, case = _decided()
    assert _finding(case, "APL-72", _at(date(2026, 10, 8))) is None  # nothing accrues within the period
    finding = _finding(case, "APL-72", _at(date(2026, 10, 12)))
    assert finding is not None and finding.status is Status.OVERDUE
    assert finding.late == "当事人逾期未缴纳，加处罚款已计 1,200.00 元" and "自2026年10月9日起" in finding.note


def test_APL_72_paid_in_time_no_surcharge_and_paid_late_with_it_are_met() -> None:
    s, case = _decided()
    _paid(s, _at(PERIOD_END, 9))
    in_time = _finding(case, "APL-72", _at(date(2026, 10, 20)))
    assert in_time is not None and in_time.status is Status.MET and "不加处罚款" in in_time.note
    s2, case2 = _decided()
    _paid(s2, _at(date(2026, 10, 10)), amount_fen=FINE + 60_000, surcharge_fen=60_000)  # 2 days × 300 元
    late = _finding(case2, "APL-72", _at(date(2026, 10, 20)))
    assert late is not None and late.status is Status.MET and "600.00元" in late.note
    assert "缴纳记录载明加处罚款" not in late.note
    x = state(case2, now=_at(date(2026, 10, 20)))  # type: ignore[arg-type]
    assert x is not None and x.paid and x.surcharge is not None and x.surcharge_due_fen == 0


DAYS = st.dates(date(2026, 1, 1), date(2027, 12, 31))
FINES = st.integers(0, 10**10)
PERIODS = st.lists(
    st.tuples(DAYS, st.integers(0, 60)).map(
        lambda p: ExcludedPeriod(p[0], p[0] + timedelta(days=p[1]), "行政复议期间")
    ),
    max_size=3,
)
PROPERTY = hypothesis_settings(deadline=None)


@PROPERTY
@given(FINES, DAYS, DAYS, PERIODS, st.integers(1, 1000))
def test_APL_72_property_never_above_the_fine(
    fine: int, end: date, until: date, excluded: list[ExcludedPeriod], rate: int
) -> None:
    owed = surcharge(fine, end, until, excluded, rate_bp=rate)
    assert 0 <= owed.amount_fen <= fine
    assert owed.capped == (
        owed.amount_fen == fine and owed.days > 0 and fine > 0 and fine * rate * owed.days >= 10_000 * fine
    )


@PROPERTY
@given(FINES, DAYS, DAYS, DAYS, PERIODS)
def test_APL_72_property_monotonic_in_the_day_paid(
    fine: int, end: date, a: date, b: date, excluded: list[ExcludedPeriod]
) -> None:
    earlier, later = sorted((a, b))
    first, second = surcharge(fine, end, earlier, excluded), surcharge(fine, end, later, excluded)
    assert first.days <= second.days and first.amount_fen <= second.amount_fen


@PROPERTY
@given(FINES, DAYS, st.integers(0, 400), PERIODS)
def test_APL_72_property_zero_when_paid_in_time(
    fine: int, end: date, early: int, excluded: list[ExcludedPeriod]
) -> None:
    owed = surcharge(fine, end, end - timedelta(days=early), excluded)
    assert (owed.days, owed.amount_fen, owed.capped) == (0, 0, False)


@PROPERTY
@given(FINES, DAYS, DAYS, PERIODS)
def test_APL_73_property_excluded_days_are_not_counted(
    fine: int, end: date, until: date, excluded: list[ExcludedPeriod]
) -> None:
    late_days = {end + timedelta(days=i) for i in range(1, (until - end).days + 1)}
    paused = {d for d in late_days if any(d in p for p in excluded)}
    owed = surcharge(fine, end, until, excluded)
    assert owed.days == len(late_days - paused)
    assert owed.amount_fen == min(fine, fine * 300 * owed.days // 10_000)


# -- APL-73: review or litigation does not stop execution; the surcharge pauses -----------------------------------


def _review(s: dict, start: date, end: date | None = None, **given: object) -> None:
    content = {"reason": "administrative_review", "body": "锡林郭勒盟医疗保障局", "start_on": start.isoformat()}
    content |= {"end_on": end.isoformat()} if end else {}
    _signed(s, s["case"], "review_or_litigation", _at(end or start, 11), **content, **given)


def test_APL_73_review_days_are_not_counted_in_the_surcharge() -> None:
    s, case = _decided()
    _review(s, date(2026, 10, 10), date(2026, 10, 11))
    finding = _finding(case, "APL-72", _at(date(2026, 10, 12)))
    assert finding is not None and finding.status is Status.OVERDUE
    assert "加处罚款已计 600.00 元" in finding.late  # 4 late days less 2 under review
    assert "不计入：2026年10月10日至2026年10月11日（行政复议期间，2日）" in finding.note


def test_APL_73_an_open_review_pauses_the_surcharge_up_to_today() -> None:
    s, case = _decided()
    _review(s, date(2026, 10, 10))
    finding = _finding(case, "APL-72", _at(date(2026, 10, 30)))
    assert finding is not None and "加处罚款已计 300.00 元" in finding.late  # only 10-09 counts
    assert "暂停计算" in finding.note


def test_CEL_54_not_while_a_review_is_pending_the_reminder_goes_on_and_the_court_waits_for_its_end() -> None:
    s, case = _decided()
    _review(s, date(2026, 10, 10))
    _reminded(s, _at(date(2027, 3, 22)))  # APL-73: the review stops no reminder
    _refused_application(s, _at(date(2027, 4, 15)), "CEL-54", "当事人已申请行政复议（2026-10-10起）尚未终结")
    review = case.records.get(kind="review_or_litigation", status="signed")  # type: ignore[attr-defined]
    with clock.frozen_at(_at(date(2027, 4, 16))):
        ended = records.correct_record(
            actor=s["officer"],
            original=review,
            content={**review.content, "end_on": "2027-04-12", "outcome": "维持原行政处罚决定"},
            occurred_at=_at(date(2027, 4, 16)),
            reason="补记复议结果",
        )
        records.sign_record(actor=s["officer"], record=ended)
    assert _applied(s, _at(date(2027, 4, 19))).status == Record.Status.SIGNED


def test_APL_73_refused_while_the_review_body_has_ordered_execution_stopped() -> None:
    s, case = _decided()
    _review(s, date(2026, 10, 10), execution_suspended=True)
    before = case.records.filter(status="signed").count()  # type: ignore[attr-defined]
    _refused(
        s, "enforcement_reminder", "APL-73", _at(date(2026, 10, 12)), served_at=_at(date(2026, 10, 12)).isoformat()
    )
    assert case.records.filter(status="signed").count() == before  # type: ignore[attr-defined]


def test_APL_73_a_review_of_no_decision_or_in_the_future_is_refused() -> None:
    s, _ = _decided()
    tomorrow = date(2026, 10, 11)
    _refused(s, "review_or_litigation", "APL-73", _at(date(2026, 10, 10)), start_on=tomorrow.isoformat())


def test_APL_73_the_gate_is_checked_where_enforcement_is_signed_not_listed_as_not_yet() -> None:
    from lawtrace.cases.gates import CHECKED_ELSEWHERE, NOT_YET_CHECKED

    assert "execution_not_suspended_by_review" not in NOT_YET_CHECKED
    assert "APL-73" in CHECKED_ELSEWHERE["execution_not_suspended_by_review"]


# -- CEL-53 / CEL-54: the court application ------------------------------------------------------------------------


def test_CEL_53_the_window_is_three_months_after_the_time_to_sue() -> None:
    _, case = _decided()
    pending = _finding(case, "CEL-53", _at(date(2026, 10, 12)))
    assert pending is not None and pending.status is Status.DUE
    assert pending.due is not None and pending.due.last_day == date(2027, 6, 20)  # 9-20 + 6 months + 3 months
    assert "起诉期限" in pending.explanation and "2027年3月20日届满" in pending.explanation
    overdue = _finding(case, "CEL-53", _at(date(2027, 6, 25)))
    assert overdue is not None and overdue.status is Status.OVERDUE and overdue.late == "逾期 5 日"


def test_CEL_53_an_application_within_the_window_is_met_and_a_paid_fine_needs_none() -> None:
    s, case = _decided()
    _reminded(s, _at(date(2027, 3, 22)))
    _applied(s, _at(date(2027, 4, 15)))
    finding = _finding(case, "CEL-53", _at(date(2027, 4, 16)))
    assert finding is not None and finding.status is Status.MET and not finding.note
    s2, case2 = _decided()
    _paid(s2, _at(date(2026, 10, 8)))
    assert _finding(case2, "CEL-53", _at(date(2027, 7, 1))) is None


def test_CEL_53_an_application_after_the_window_is_refused_and_the_deadline_stays_overdue() -> None:
    s, case = _decided()
    _reminded(s, _at(date(2027, 5, 24)))
    _refused_application(s, _at(date(2027, 6, 24)), "CEL-53", "申请人民法院强制执行的期限已于2027年6月20日24时届满")
    finding = _finding(case, "CEL-53", _at(date(2027, 7, 1)))
    assert finding is not None and finding.status is Status.OVERDUE
    assert _applied(s, _at(date(2027, 6, 18))).status == Record.Status.SIGNED  # the last days of the window


def test_CEL_53_after_a_deferral_counts_from_its_end_when_it_ends_after_the_time_to_sue() -> None:
    s, case = _decided()
    _deferral(s, _at(date(2026, 9, 30)), date(2027, 5, 20))
    finding = _finding(case, "CEL-53", _at(date(2026, 12, 1)))
    assert finding is not None and finding.due is not None and finding.due.last_day == date(2027, 8, 20)
    assert "暂缓或分期缴纳期限结束" in finding.explanation
    _reminded(s, _at(date(2027, 5, 24)))
    _refused_application(s, _at(date(2027, 5, 18)), "CEL-54", "批准暂缓或分期缴纳的期限至2027年5月20日届满")
    assert _applied(s, _at(date(2027, 6, 15))).status == Record.Status.SIGNED


def test_CEL_53_a_deferral_ending_before_the_time_to_sue_does_not_close_the_window_early() -> None:
    """Three months from a deferral that ended on 2026-11-20 would close before the party's time to sue ran out
    (2027-03-20): no lawful application at all. The later end starts the window."""
    s, case = _decided()
    _deferral(s, _at(date(2026, 9, 30)), date(2026, 11, 20))
    finding = _finding(case, "CEL-53", _at(date(2026, 12, 1)))
    assert finding is not None and finding.due is not None and finding.due.last_day == date(2027, 6, 20)
    assert "暂缓或分期缴纳期限2026年11月20日已先届满" in finding.explanation


def test_CEL_54_the_review_and_lawsuit_periods_from_service_must_have_run_out() -> None:
    s, case = _decided()
    _reminded(s, _at(date(2026, 10, 12)))
    for applied, says in (
        (
            _at(date(2026, 10, 30)),
            "申请行政复议的期限至2026年11月19日24时届满、提起行政诉讼的期限至2027年3月20日24时届满",
        ),
        (_at(date(2027, 3, 20)), "提起行政诉讼的期限至2027年3月20日24时届满"),  # the review period alone is over
    ):
        _refused_application(s, applied, "CEL-54", says)
    assert not case.records.filter(kind="court_enforcement_application", status="signed").exists()  # type: ignore[attr-defined]
    assert _applied(s, _at(date(2027, 3, 22))).status == Record.Status.SIGNED


def test_CEL_54_the_court_is_applied_to_only_ten_working_days_after_the_reminder() -> None:
    s, _ = _decided()
    _refused_application(s, _at(date(2027, 3, 29)), "CEL-54", "尚无已送达的催告书")
    served = _at(date(2027, 3, 22))
    _reminded(s, served)
    _refused_application(s, served + timedelta(days=7), "CEL-54", "催告书送达10个工作日后当事人仍未履行的，方可申请")
    assert _applied(s, served + timedelta(days=15)).status == Record.Status.SIGNED


def test_CEL_54_only_for_the_fine_still_unpaid() -> None:
    s, _ = _decided()
    _paid(s, _at(date(2026, 11, 2)), amount_fen=400_000)  # 4,000 of 10,000 元, late
    _reminded(s, _at(date(2027, 3, 22)))
    applied = _at(date(2027, 4, 15))
    _refused_application(s, applied, "CEL-54", "应为尚未缴纳的部分（6,000.00元）以内")  # the whole fine asked
    assert _applied(s, applied, amount_fen=600_000).status == Record.Status.SIGNED
    s2, _ = _decided()
    _paid(s2, _at(date(2026, 10, 20)), amount_fen=FINE + 36_000, surcharge_fen=36_000)  # fine and surcharge paid
    _reminded(s2, _at(date(2027, 3, 22)))
    _refused_application(s2, applied, "CEL-54", "罚款已经缴清，无须申请强制执行")


def test_CEL_54_the_application_names_the_decision_reminder_opinion_and_amount_and_the_head_signs_it() -> None:
    s, _ = _decided()
    _reminded(s, _at(date(2027, 3, 22)))
    applied = _at(date(2027, 4, 15))
    _refused_application(
        s,
        applied,
        "CEL-54",
        "应当提供：行政决定书（应载明",
        decision_number="",
        reminder_number="锡市医保催〔2026〕9号",
        party_opinion="",
    )
    assert "催告情况（应载明催告书锡市医保催〔2026〕1号）、当事人的意见" in s["refusal"]
    content = filled(s["case"], "court_enforcement_application", s["officer"], applied) | _materials(s, applied)
    with clock.frozen_at(applied + timedelta(minutes=1)):
        draft = records.add_record(
            actor=s["officer"],
            case=s["case"],
            kind="court_enforcement_application",
            occurred_at=applied,
            content=content,
        )
        before = Entry.objects.count()
        with pytest.raises(PermissionRefused) as refusal:  # the officer does not sign it
            records.sign_record(actor=s["officer"], record=draft)
        assert refusal.value.rule == "CEL-54" and Entry.objects.count() == before
        assert records.sign_record(actor=s["head"], record=draft).status == Record.Status.SIGNED


def test_CEL_54_the_parameters_are_read_and_the_panel_shows_the_same_window() -> None:
    from lawtrace.rulebook.readers import PLANNED_READERS, read_by_code

    assert read_by_code("CEL-54", "review_days") and read_by_code("CEL-54", "lawsuit_months")
    assert not {("CEL-54", "review_days"), ("CEL-54", "lawsuit_months")} & PLANNED_READERS
    _, case = _decided()
    x = state(case, now=_at(date(2026, 10, 12)))  # type: ignore[arg-type]
    assert x is not None and x.court_window is not None
    assert x.court_window.review_ends is not None and x.court_window.review_ends.last_day == date(2026, 11, 19)
    assert x.court_window.lawsuit_ends.last_day == date(2027, 3, 20)
    assert x.application_due == x.court_window.application_due and x.application_due.last_day == date(2027, 6, 20)


# -- WS-18 / IMR-18: execution recorded; a correction ordered and checked --------------------------------------------

BOOKS_18 = [
    pytest.param("wenshang-2019", "WS-18", id="WS_18"),
    pytest.param("inner-mongolia-2025", "IMR-18", id="IMR_18"),
]
BOOKS_19 = [
    pytest.param("wenshang-2019", "WS-19", id="WS_19"),
    pytest.param("inner-mongolia-2025", "IMR-19", id="IMR_19"),
]


def _executed(s: dict, when: datetime) -> None:
    _signed(
        s,
        s["case"],
        "execution_record",
        when,
        content="当事人已缴纳罚款",
        recorded_at=when.isoformat(),
        result="complied",
    )


@pytest.mark.parametrize(("rulebook", "rule_id"), BOOKS_18)
def test_execution_recorded_is_met_and_unrecorded_is_due(rulebook: str, rule_id: str) -> None:
    s, case = _decided(rulebook)
    pending = _finding(case, rule_id, _at(date(2026, 10, 9)))
    assert pending is not None and pending.status is Status.DUE and "尚无执行情况记录" in pending.note
    _paid(s, _at(date(2026, 10, 8)))
    _executed(s, _at(date(2026, 10, 9)))
    met = _finding(case, rule_id, _at(date(2026, 10, 10)))
    assert met is not None and met.status is Status.MET


@pytest.mark.parametrize(("rulebook", "rule_id"), BOOKS_18)
def test_a_correction_ordered_needs_its_check_finding_it_corrected(rulebook: str, rule_id: str) -> None:
    s, case = _decided(rulebook, correction_ordered=True)
    _executed(s, _at(date(2026, 10, 9)))
    unchecked = _finding(case, rule_id, _at(date(2026, 10, 10)))
    assert unchecked is not None and unchecked.status is Status.DUE and "责令改正核查记录" in unchecked.note
    _signed(s, case, "correction_check_record", _at(date(2026, 10, 12)), corrected=False)
    not_yet = _finding(case, rule_id, _at(date(2026, 10, 13)))
    assert not_yet is not None and not_yet.status is Status.DUE and "尚未改正" in not_yet.note
    _signed(s, case, "correction_check_record", _at(date(2026, 10, 20)), corrected=True)
    met = _finding(case, rule_id, _at(date(2026, 10, 21)))
    assert met is not None and met.status is Status.MET


# -- WS-19 / IMR-19: the court application and its result -----------------------------------------------------------


@pytest.mark.parametrize(("rulebook", "rule_id"), BOOKS_19)
def test_a_court_application_without_its_result_is_due_and_with_it_met(rulebook: str, rule_id: str) -> None:
    s, case = _decided(rulebook)
    assert _finding(case, rule_id, _at(date(2026, 10, 12))) is None  # no application: nothing to record
    _reminded(s, _at(date(2027, 3, 22)))
    application = _applied(s, _at(date(2027, 4, 15)))
    pending = _finding(case, rule_id, _at(date(2027, 4, 16)))
    assert pending is not None and pending.status is Status.DUE and "强制执行结果" in pending.note
    result_at = _at(date(2027, 5, 17))
    with clock.frozen_at(result_at):
        correction = records.correct_record(
            actor=s["officer"],
            original=application,
            content={
                **application.content,
                "result": "法院裁定准予执行，罚款及加处罚款已划拨",
                "result_at": result_at.isoformat(),
            },
            occurred_at=application.occurred_at,
            reason="补记强制执行结果",
        )
        records.sign_record(actor=s["head"], record=correction)
    met = _finding(case, rule_id, _at(date(2027, 5, 18)))
    assert met is not None and met.status is Status.MET and met.met_at == result_at


# -- wiring: judged once, shown on the case page ---------------------------------------------------------------------


def test_the_execution_rules_are_judged_here_only() -> None:
    assert RULE_IDS <= HAND_WRITTEN


def _panel(case: object, moment: datetime) -> str:
    with clock.frozen_at(moment):
        return Template('{% include "cases/_execution.html" %}').render(Context({"case": case}))


def test_the_case_page_shows_the_execution_panel() -> None:
    s, case = _decided()
    _reminded(s, _at(date(2026, 10, 12)))
    html = _panel(case, _at(date(2026, 11, 2)))
    assert 'id="execution"' in html and "10,000.00 元" in html
    assert "2026年10月8日 24时" in html and "顺延至10月8日" in html  # the due date with its explanation
    assert "未缴纳" in html and "加处罚款（截至今日）" in html and "7,500.00 元" in html  # 25 days × 300 元
    assert "锡市医保催〔2026〕1号" in html and "申请期限：2027年6月20日 24时" in html
    assert "申请行政复议的期限 2026年11月19日 届满、提起行政诉讼的期限 2027年3月20日 届满后，方可申请" in html
    _applied(s, _at(date(2027, 4, 15)))
    assert "尚未记录" in _panel(case, _at(date(2027, 4, 16)))
