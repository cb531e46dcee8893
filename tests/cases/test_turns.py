"""The turns real cases take, each a record the head signs (NHSA-SUSPEND, NHSA-EXT, APL-57 referral): suspension
pauses the case and its 90 days, resumption restarts them, termination is refused once a decision is signed,
a referral transfers the case. Each change of status is in the ledger; a refused one writes nothing."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from lawtrace import clock
from lawtrace.cases import services
from lawtrace.cases.compliance import evaluate
from lawtrace.cases.models import CaseStatus
from lawtrace.errors import PermissionRefused, Refused
from lawtrace.ledger.actions import LedgerAction
from lawtrace.ledger.models import Entry
from lawtrace.records import services as records
from lawtrace.rulebook.calendar import SHANGHAI
from tests.cases.record_content import filled
from tests.cases.steps import _decision_chain
from tests.factories import open_case_setting, register

pytestmark = pytest.mark.django_db

MONDAY = datetime(2025, 11, 10, 9, 30, tzinfo=SHANGHAI)


@pytest.fixture
def s() -> dict:
    setting = open_case_setting()
    with clock.frozen_at(MONDAY - timedelta(days=15)):  # room for the decision chain (12 days)
        case = register(setting, violation_ended_on=(MONDAY - timedelta(days=30)).date())
        services.give_unit_opinion(actor=setting["unit_head"], case=case, approve=True, opinion="同意")
    with clock.frozen_at(MONDAY):
        setting["case"] = services.decide_opening(actor=setting["head"], case=case, approve=True, opinion="同意立案")
    return setting


def _head_signs(s: dict, kind: str, moment: datetime, **given: object):  # type: ignore[no-untyped-def]
    if kind == "penalty_decision":
        _decision_chain(s, s["case"], moment)  # notified, heard and reviewed first (APL-62, APL-45, APL-58)
    content = filled(s["case"], kind, s["officer"], moment, **given)
    content |= {f: str(s["head"].pk) for f in records.SIGNER_FIELDS if f in content}
    with clock.frozen_at(moment):
        draft = records.add_record(actor=s["officer"], case=s["case"], kind=kind, occurred_at=moment, content=content)
        signer = s["head"] if kind in records.SIGNERS else s["officer"]
        return records.sign_record(actor=signer, record=draft)


def _status(s: dict) -> str:
    s["case"].refresh_from_db()
    return s["case"].status


def _apl_60_last_day(s: dict, now: datetime):  # type: ignore[no-untyped-def]
    finding = next(f for f in evaluate(s["case"], now=now) if f.rule_id == "APL-60")
    return finding.due.last_day


def test_NHSA_SUSPEND_suspension_then_resumption_pause_the_case_period(s: dict) -> None:
    plain = _apl_60_last_day(s, MONDAY + timedelta(days=1))
    suspended_on = (MONDAY + timedelta(days=10)).date()
    _head_signs(
        s,
        "suspension_decision",
        MONDAY + timedelta(days=10),
        suspended_on=suspended_on.isoformat(),
        ground="当事人下落不明",
    )
    assert _status(s) == CaseStatus.SUSPENDED
    with pytest.raises(Refused):
        services.advance_phase(actor=s["officer"], case=s["case"])  # nothing moves while suspended
    resumed_on = suspended_on + timedelta(days=14)
    _head_signs(
        s,
        "suspension_decision",
        MONDAY + timedelta(days=24),
        suspended_on=suspended_on.isoformat(),
        resumed_on=resumed_on.isoformat(),
        ground="当事人下落不明",
        resume_approved_by=str(s["head"].pk),
    )
    assert _status(s) == CaseStatus.ACTIVE
    assert _apl_60_last_day(s, MONDAY + timedelta(days=25)) == plain + timedelta(days=15)  # 15 whole days, inclusive
    changes = Entry.objects.filter(action=LedgerAction.STATUS_CHANGED).count()
    assert changes == 2


def test_NHSA_SUSPEND_termination_is_refused_after_a_decision_and_writes_nothing(s: dict) -> None:
    decision = filled(s["case"], "penalty_decision", s["officer"], MONDAY)
    _head_signs(s, "penalty_decision", MONDAY + timedelta(days=5), **decision)
    content = filled(s["case"], "termination_decision", s["officer"], MONDAY + timedelta(days=6))
    content["approved_by"] = str(s["head"].pk)
    with clock.frozen_at(MONDAY + timedelta(days=6)):
        draft = records.add_record(
            actor=s["officer"],
            case=s["case"],
            kind="termination_decision",
            occurred_at=MONDAY + timedelta(days=6),
            content=content,
        )
        before = Entry.objects.count()
        with pytest.raises(Refused, match="已作出行政处罚决定"):
            records.sign_record(actor=s["head"], record=draft)
    assert Entry.objects.count() == before and _status(s) == CaseStatus.ACTIVE


def test_termination_before_a_decision_ends_the_case(s: dict) -> None:
    _head_signs(s, "termination_decision", MONDAY + timedelta(days=6), ground="违法事实不能成立")
    assert _status(s) == CaseStatus.TERMINATED
    with pytest.raises(Refused):  # a terminated case takes no more records
        records.add_record(
            actor=s["officer"], case=s["case"], kind="inquiry_transcript", occurred_at=clock.now(), content={}
        )


def test_a_referral_letter_signed_by_the_head_transfers_the_case_and_the_handler_alone_cannot(s: dict) -> None:
    """An officer does not end a case alone: the 案件移送书 the handler drafts is the head's decision to sign."""
    moment = MONDAY + timedelta(days=3)
    content = filled(s["case"], "referral_letter", s["officer"], moment, referred_to="某县公安局")
    with clock.frozen_at(moment):
        draft = records.add_record(
            actor=s["officer"], case=s["case"], kind="referral_letter", occurred_at=moment, content=content
        )
        before = Entry.objects.count()
        with pytest.raises(PermissionRefused):
            records.sign_record(actor=s["officer"], record=draft)
        assert _status(s) == CaseStatus.ACTIVE and Entry.objects.count() == before
        records.sign_record(actor=s["head"], record=draft)
    assert _status(s) == CaseStatus.TRANSFERRED


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        (20, 25, "不能在将来"),  # the days lie ahead of today (day 15)
        (8, 5, "早于开始日期"),
        (-3, 2, "不能早于立案日"),
        (11, 13, "重叠"),  # overlaps the appraisal of days 10…12
    ],
    ids=["future", "ends-before-start", "before-opening", "overlap"],
)
def test_NHSA_TOLL_bad_excluded_periods_are_refused_and_write_nothing(
    s: dict, start: int, end: int, message: str
) -> None:
    day = MONDAY.date()
    _head_signs(
        s,
        "excluded_period",
        MONDAY + timedelta(days=14),
        reason="appraisal",
        start_on=(day + timedelta(days=10)).isoformat(),
        end_on=(day + timedelta(days=12)).isoformat(),
    )
    before = Entry.objects.count()
    content = filled(
        s["case"],
        "excluded_period",
        s["officer"],
        MONDAY,
        reason="hearing",
        start_on=(day + timedelta(days=start)).isoformat(),
        end_on=(day + timedelta(days=end)).isoformat(),
    )
    with clock.frozen_at(MONDAY + timedelta(days=15)), pytest.raises(Refused, match=message) as refusal:
        records.add_record(
            actor=s["officer"], case=s["case"], kind="excluded_period", occurred_at=MONDAY, content=content
        )
    assert refusal.value.rule == "NHSA-TOLL" and Entry.objects.count() == before


def test_NHSA_EXT_first_extension_by_the_head_within_its_days_further_only_by_collective_discussion(s: dict) -> None:
    moment = MONDAY + timedelta(days=80)

    def extension(**given: object) -> dict:
        return filled(s["case"], "extension_approval", s["officer"], moment, **given)

    with clock.frozen_at(moment):
        with pytest.raises(Refused, match="不得超过30日"):
            records.add_record(
                actor=s["officer"],
                case=s["case"],
                kind="extension_approval",
                occurred_at=moment,
                content=extension(approval="bureau_head", days=45),
            )
    _head_signs(s, "extension_approval", moment, approval="bureau_head", days=30, reason="案情复杂")
    with clock.frozen_at(moment + timedelta(days=20)):
        with pytest.raises(Refused, match="集体讨论"):
            records.add_record(
                actor=s["officer"],
                case=s["case"],
                kind="extension_approval",
                occurred_at=moment,
                content=extension(approval="bureau_head", days=10),
            )
    _head_signs(
        s, "extension_approval", moment + timedelta(days=20), approval="collective_discussion", days=20, reason="需鉴定"
    )
    last = _apl_60_last_day(s, moment + timedelta(days=21))
    assert last == MONDAY.date() + timedelta(days=90 + 30 + 20)


def _extension_refused_after(
    s: dict, drafted: datetime, signed: datetime, says: str, approval: str = "bureau_head"
) -> None:
    """The extension drafted in time but signed by the head after the period ran out: refused, nothing written."""
    content = filled(s["case"], "extension_approval", s["officer"], drafted, approval=approval, days=20)
    with clock.frozen_at(drafted):
        draft = records.add_record(
            actor=s["officer"], case=s["case"], kind="extension_approval", occurred_at=drafted, content=content
        )
    signed_count, entries = s["case"].records.filter(status="signed").count(), Entry.objects.count()
    with clock.frozen_at(signed), pytest.raises(Refused) as refusal:
        records.sign_record(actor=s["head"], record=draft)
    assert refusal.value.rule == "NHSA-EXT" and says in str(refusal.value), refusal.value
    draft.refresh_from_db()
    assert draft.status == "draft" and Entry.objects.count() == entries
    assert s["case"].records.filter(status="signed").count() == signed_count


def test_NHSA_EXT_not_met_an_extension_signed_after_the_case_period_ran_out_is_refused(s: dict) -> None:
    # Opened 2025-11-10: 90 days end on 2026-02-08 24时.
    _extension_refused_after(
        s, MONDAY + timedelta(days=85), MONDAY + timedelta(days=91), "办案期限已于2026年2月8日24时届满"
    )
    assert _apl_60_last_day(s, MONDAY + timedelta(days=92)) == MONDAY.date() + timedelta(days=90)  # not extended


def test_NHSA_EXT_met_signed_while_the_period_runs_its_excluded_days_and_earlier_extension_counted(s: dict) -> None:
    day = MONDAY.date()
    _head_signs(
        s,
        "excluded_period",
        MONDAY + timedelta(days=14),
        reason="appraisal",
        start_on=(day + timedelta(days=10)).isoformat(),
        end_on=(day + timedelta(days=12)).isoformat(),
    )  # 3 days not counted: the period ends on day 93
    extended = MONDAY + timedelta(days=92)
    _head_signs(s, "extension_approval", extended, approval="bureau_head", days=30, reason="案情复杂")
    assert _apl_60_last_day(s, MONDAY + timedelta(days=93)) == day + timedelta(days=123)
    _extension_refused_after(
        s, MONDAY + timedelta(days=120), MONDAY + timedelta(days=124), "2026年3月13日24时届满", "collective_discussion"
    )
    _head_signs(
        s,
        "extension_approval",
        MONDAY + timedelta(days=123),
        approval="collective_discussion",
        days=20,
        reason="需集体讨论",
    )
    assert _apl_60_last_day(s, MONDAY + timedelta(days=124)) == day + timedelta(days=143)


def test_the_head_withdraws_a_case_with_its_reason_an_officer_cannot(s: dict) -> None:
    """撤销立案: the head's act, with a reason, ledgered; refused to an officer and after a decision."""
    from django.test import Client

    from lawtrace.errors import PermissionRefused

    with pytest.raises(PermissionRefused):
        services.withdraw_case(actor=s["officer"], case=s["case"], reason="不属于本机关管辖")
    head = Client()
    head.force_login(s["head"])
    assert "撤销立案" in head.get(f"/cases/{s['case'].pk}/").content.decode()
    head.post(f"/cases/{s['case'].pk}/withdraw/", {"reason": "经核查，违法事实不存在"})
    assert _status(s) == CaseStatus.WITHDRAWN
    entry = Entry.objects.filter(action=LedgerAction.STATUS_CHANGED).last()
    assert entry is not None and "withdrawn" in entry.data.decode() and "违法事实" not in entry.data.decode()


def test_a_decided_case_cannot_be_withdrawn(s: dict) -> None:
    decision = filled(s["case"], "penalty_decision", s["officer"], MONDAY)
    _head_signs(s, "penalty_decision", MONDAY + timedelta(days=5), **decision)
    with pytest.raises(Refused, match="不能撤销立案"):
        services.withdraw_case(actor=s["head"], case=s["case"], reason="重复立案")
